"""Benchmark: start-up, from process start to something useful on screen, headless.

Three programs, each run in a fresh interpreter, alternating, :data:`RUNS` times (``--runs``):

- ``bare``: a plain Textual app (Header, a 30-row OptionList, a Static in a VerticalScroll, a
  TextArea, Footer: the app measured in docs/TEXTUAL-NOTES.md §8), from the parent's ``Popen``
  to the first frame (the refresh after ``on_mount``);
- ``floor``: the bare app plus httpx, pydantic, the demo child and one validated GET of the
  first page, shown in the list: the least a client on our stack does (see :data:`FLOOR`);
- ``backchat``: exactly what ``backchat --demo`` does (``tui.__main__.main(["--demo"])``), run
  headless through ``TEXTUAL_DRIVER`` (Textual's own switch, so no code path differs), from
  ``Popen`` to the frame after the sidebar received its first page of conversations.

All report ``time.monotonic()`` (CLOCK_MONOTONIC, one clock for every process on Linux), so the
parent can subtract its own timestamp taken just before ``Popen``. The backchat child also
reports a breakdown, through post-import hooks that wrap functions without changing the import
order: the demo server started, ``tui.app`` imported (Textual with it), the app's first frame,
the first page handed to the sidebar, and the frame that shows it.

The children write bytecode caches to a temporary ``PYTHONPYCACHEPREFIX`` (even where
``PYTHONDONTWRITEBYTECODE`` is set, as in our sandbox), after one warm-up run each: without
them every import compiles from source (bare 0.53 s instead of 0.21 s here).

Prints one JSON object (``bench._common.emit``): medians in ms, the ratios backchat / bare
(target: at most 1.5) and floor / bare, backchat minus floor, and the medians of the breakdown.

Run: ``uv run python -m bench.app_startup``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._common import emit

RUNS = 9
"""Samples of each program (alternating); ``--runs N`` changes it."""
TARGET_RATIO = 1.5
REPO = Path(__file__).resolve().parent.parent

BARE = """
import json, time
from textual.app import App
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static, TextArea
IMPORTED = time.monotonic()
MARKS = {}

class Bare(App):
    def compose(self):
        yield Header()
        yield OptionList(*[f"Conversation {n}" for n in range(30)])
        with VerticalScroll():
            yield Static("Select a conversation")
        yield TextArea()
        yield Footer()

    def on_mount(self):
        self.call_after_refresh(self.first_frame)

    def first_frame(self):
        MARKS["first_frame"] = time.monotonic()
        self.exit()

Bare().run(headless=True)
print(json.dumps({"imported": IMPORTED, **MARKS}))
"""

# The least any client meeting the brief does before its list shows: the bare app above, plus
# the libraries it must use (httpx, pydantic), the demo backend started the way backchat starts
# it, and one GET of the first page, validated and shown (as Content: a hostile title would
# crash a markup prompt). What backchat adds on top of this is what backchat can still cut.
FLOOR = """
import json, time
from tui.demo.process import spawn_demo_server
demo = spawn_demo_server()
from textual.app import App
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, OptionList, Static, TextArea
import httpx
from pydantic import BaseModel

class Item(BaseModel):
    id: str
    title: str | None = None

class Page(BaseModel):
    items: list[Item]
    total: int | None = None

IMPORTED = time.monotonic()
MARKS = {}

class Floor(App):
    def compose(self):
        yield Header()
        yield OptionList()
        with VerticalScroll():
            yield Static("Select a conversation")
        yield TextArea()
        yield Footer()

    async def on_mount(self):
        headers = {"Authorization": f"Bearer {demo.token}"}
        async with httpx.AsyncClient(headers=headers) as client:
            reply = await client.get(
                demo.backend_url + "/conversations", params={"offset": 0, "limit": 28}
            )
        page = Page.model_validate(reply.json())
        self.query_one(OptionList).add_options([Content(i.title or "") for i in page.items])
        self.call_after_refresh(self.shown)

    def shown(self):
        MARKS["page_shown"] = time.monotonic()
        self.exit()

Floor().run(headless=True)
demo.stop()
print(json.dumps({"imported": IMPORTED, **MARKS}))
"""

# Hooks run after a module's code has run (so imports happen exactly when backchat does them):
# they wrap a function to record when it returned, or when the frame after it was drawn.
BACKCHAT = """
import importlib.machinery, json, sys, time
MARKS = {"script": time.monotonic()}

def mark(name):
    MARKS.setdefault(name, time.monotonic())

def after_call(function, name):
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        mark(name)
        return result
    return wrapper

def patch_demo_server(module):
    mark("demo_imported")
    module.start_demo_server = after_call(module.start_demo_server, "demo_started")

def patch_demo_process(module):
    module.spawn_demo_server = after_call(module.spawn_demo_server, "demo_started")

def patch_app(module):
    mark("app_imported")
    on_mount = module.BackchatApp.on_mount
    def wrapped(self):
        on_mount(self)
        self.call_after_refresh(mark, "first_frame")
    module.BackchatApp.on_mount = wrapped

def patch_sidebar(module):
    add_page = module.Sidebar.add_page
    def wrapped(self, page, **kwargs):
        add_page(self, page, **kwargs)
        if self.loaded and "first_page" not in MARKS:
            mark("first_page")
            self.call_after_refresh(shown, self)
    module.Sidebar.add_page = wrapped

def shown(sidebar):
    mark("page_shown")
    MARKS["rows"] = sidebar.loaded
    sidebar.app.exit()

HOOKS = {
    "tui.demo.server": patch_demo_server,
    "tui.demo.process": patch_demo_process,
    "tui.app": patch_app,
    "tui.widgets.sidebar": patch_sidebar,
}

class AfterImport:
    def find_spec(self, name, path=None, target=None):
        hook = HOOKS.get(name)
        if hook is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module
        def run_then_hook(module):
            exec_module(module)
            hook(module)
        spec.loader.exec_module = run_then_hook
        return spec

sys.meta_path.insert(0, AfterImport())
from tui.__main__ import main
status = main(["--demo"])
print(json.dumps(MARKS))
sys.exit(status)
"""


def _env(home: str) -> dict[str, str]:
    """The user's environment minus anything that changes what backchat loads or shows."""
    env = dict(os.environ)
    for name in ("OPENAI_ACCESS_TOKEN", "OPENAI_API_KEY", "OPENAI_API_BASE_URL", "TEXTUAL"):
        env.pop(name, None)
    env["XDG_CONFIG_HOME"] = str(Path(home) / "config")
    env["XDG_STATE_HOME"] = str(Path(home) / "state")
    env["PYTHONPATH"] = str(REPO)
    # Users run with bytecode caches; a sandbox may forbid writing them (this one sets
    # PYTHONDONTWRITEBYTECODE), which makes every import compile from source (~0.7 s here).
    # The caches go to a temporary prefix, so neither the repo nor the venv is written to.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(home) / "pycache")
    return env


def _sample(code: str, env: dict[str, str]) -> dict[str, float]:
    """Run ``code`` in a fresh interpreter; its marks, relative to just before ``Popen``."""
    start = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if process.returncode != 0:
        raise RuntimeError(f"child failed ({process.returncode}):\n{process.stderr}")
    marks = json.loads(process.stdout.strip().splitlines()[-1])
    return {k: (v - start if k != "rows" else v) for k, v in marks.items()}


def _ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description="Start-up of backchat --demo vs a bare app.")
    parser.add_argument("--runs", type=int, default=RUNS, help="samples of each program")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        env = _env(home)
        bare_env = dict(env)
        backchat_env = dict(env, TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver")
        # One warm-up each writes the bytecode caches, as the user's first run does.
        _sample(BARE, bare_env)
        _sample(FLOOR, bare_env)
        _sample(BACKCHAT, backchat_env)
        bare: list[dict[str, float]] = []
        floor: list[dict[str, float]] = []
        backchat: list[dict[str, float]] = []
        for _ in range(runs):
            bare.append(_sample(BARE, bare_env))
            floor.append(_sample(FLOOR, bare_env))
            backchat.append(_sample(BACKCHAT, backchat_env))

    bare_ms = _ms([s["first_frame"] for s in bare])
    floor_ms = _ms([s["page_shown"] for s in floor])
    backchat_ms = _ms([s["page_shown"] for s in backchat])
    steps = ("script", "demo_started", "app_imported", "first_frame", "first_page", "page_shown")
    breakdown = {
        f"{name}_ms": _ms([s[name] for s in backchat]) for name in steps if name in backchat[0]
    }
    emit(
        {
            "benchmark": "app_startup",
            "runs": runs,
            "bare_first_frame_ms": bare_ms,
            "bare_imports_done_ms": _ms([s["imported"] for s in bare]),
            "bare_samples_ms": [round(s["first_frame"] * 1000, 1) for s in bare],
            "floor_first_page_shown_ms": floor_ms,
            "floor_ratio": round(floor_ms / bare_ms, 2),
            "backchat_first_page_shown_ms": backchat_ms,
            "backchat_samples_ms": [round(s["page_shown"] * 1000, 1) for s in backchat],
            "backchat_breakdown_from_popen": breakdown,
            "first_page_rows": backchat[0].get("rows"),
            "ratio": round(backchat_ms / bare_ms, 2),
            "backchat_over_floor_ms": round(backchat_ms - floor_ms, 1),
            "target_ratio": TARGET_RATIO,
            "within_target": backchat_ms <= TARGET_RATIO * bare_ms,
        }
    )


if __name__ == "__main__":
    main()
