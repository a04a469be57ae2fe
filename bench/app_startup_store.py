"""Benchmark: start-up with a stored history, to the stored list on screen, headless.

The issue's target: with a local copy of the history and the server unreachable (connection
refused) or slow (a 2 s latency fault), the stored list is on screen within 1.5x a bare
Textual app's first frame, measured in the same run.

Three programs, each in a fresh interpreter, alternating, :data:`RUNS` times (``--runs``):

- ``bare``: the plain Textual app of ``bench/app_startup.py``, from ``Popen`` to its first frame;
- ``unreachable``: ``backchat --base-url URL`` where nothing listens at URL any more (a demo
  backend that filled the store, then stopped), from ``Popen`` to the first frame;
- ``slow``: the same against a running demo backend whose every answer waits 2 s.

In both backchat runs the first frame is the one that shows the stored list (the child
checks that the sidebar holds rows then, and reports how many). The store is filled before
the runs with a sync of the demo's whole history (every conversation, every body).

Same method as ``bench/app_startup.py``: ``time.monotonic()`` in every process, bytecode
caches in a temporary prefix after one warm-up run each, ``TEXTUAL_DRIVER`` for a headless
backchat with no code path changed. Prints one JSON object with medians in ms and the ratios.
Each program exits at its first frame, so its CPU time (user + system, from
``RUSAGE_CHILDREN``) is also reported: on a machine shared with other work the wall times
swing with the load, the CPU times much less.

Run: ``uv run python -m bench.app_startup_store``.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
from pathlib import Path

from bench._common import emit
from bench.app_startup import BARE, _env, _ms, _sample
from tui.api import ApiSettings, BackendClient
from tui.api.secret import Secret
from tui.demo.server import DemoServer, start_demo_server
from tui.store import Store
from tui.store.sync import sync_history

RUNS = 9
"""Samples of each program (alternating); ``--runs N`` changes it."""
TARGET_RATIO = 1.5
LATENCY = 2.0
"""Seconds the slow server waits before each answer."""

BACKCHAT = """
import importlib.machinery, json, sys, time
MARKS = {"script": time.monotonic()}

def patch_app(module):
    MARKS["app_imported"] = time.monotonic()
    on_mount = module.BackchatApp.on_mount
    def wrapped(self):
        on_mount(self)
        self.call_after_refresh(first_frame, self)
    module.BackchatApp.on_mount = wrapped

def first_frame(app):
    MARKS["first_frame"] = time.monotonic()
    MARKS["rows"] = app.main.sidebar.loaded
    app.exit()

class AfterImport:
    def find_spec(self, name, path=None, target=None):
        if name != "tui.app":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        exec_module = spec.loader.exec_module
        def run_then_hook(module):
            exec_module(module)
            patch_app(module)
        spec.loader.exec_module = run_then_hook
        return spec

sys.meta_path.insert(0, AfterImport())
from tui.__main__ import main
status = main(["--base-url", sys.argv[1]])
print(json.dumps(MARKS))
sys.exit(status)
"""


async def _fill(server: DemoServer, data_dir: Path) -> int:
    """Sync the demo's whole history into the store the app opens for ``server``."""
    backend = server.base_url + "/backend-api"
    settings = ApiSettings(
        base_url=server.base_url, backend_url=backend, token=Secret.of(server.token)
    )
    with Store.for_backend(backend, data_dir) as store:
        async with BackendClient(settings) as client:
            await sync_history(client, store)
        return store.counts().conversations


def _with_cpu(code: str, env: dict[str, str]) -> dict[str, float]:
    """:func:`bench.app_startup._sample`, plus the child's CPU seconds as ``cpu``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    marks = _sample(code, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {**marks, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description="Start-up from the local store vs a bare app.")
    parser.add_argument("--runs", type=int, default=RUNS, help="samples of each program")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as home:
        env = _env(home)
        data = Path(home) / "data"
        backchat_env = dict(
            env,
            TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
            XDG_DATA_HOME=str(data),
        )
        gone = start_demo_server(pace=0.0)
        slow = start_demo_server(pace=0.0)
        try:
            stored = asyncio.run(_fill(gone, data / "backchat"))
            asyncio.run(_fill(slow, data / "backchat"))
            gone.stop()  # connection refused from here on
            slow.faults.latency = LATENCY
            backchat_env["OPENAI_ACCESS_TOKEN"] = slow.token

            def program(url: str) -> str:
                return BACKCHAT.replace("sys.argv[1]", repr(url))

            unreachable_code, slow_code = program(gone.base_url), program(slow.base_url)
            _sample(BARE, env)
            _sample(unreachable_code, backchat_env)
            _sample(slow_code, backchat_env)
            bare: list[dict[str, float]] = []
            unreachable: list[dict[str, float]] = []
            slowed: list[dict[str, float]] = []
            for _ in range(runs):
                bare.append(_with_cpu(BARE, env))
                unreachable.append(_with_cpu(unreachable_code, backchat_env))
                slowed.append(_with_cpu(slow_code, backchat_env))
        finally:
            slow.stop()

    bare_ms = _ms([s["first_frame"] for s in bare])
    bare_cpu = _ms([s["cpu"] for s in bare])
    result: dict[str, object] = {
        "benchmark": "app_startup_store",
        "runs": runs,
        "stored_conversations": stored,
        "bare_first_frame_ms": bare_ms,
        "bare_samples_ms": [round(s["first_frame"] * 1000, 1) for s in bare],
        "bare_cpu_ms": bare_cpu,
        "target_ratio": TARGET_RATIO,
    }
    for name, samples in (("unreachable", unreachable), (f"latency_{LATENCY:g}s", slowed)):
        shown = _ms([s["first_frame"] for s in samples])
        result[name] = {
            "stored_list_shown_ms": shown,
            "samples_ms": [round(s["first_frame"] * 1000, 1) for s in samples],
            "app_imported_ms": _ms([s["app_imported"] for s in samples]),
            "rows_on_first_frame": min(s["rows"] for s in samples),
            "ratio": round(shown / bare_ms, 2),
            "within_target": shown <= TARGET_RATIO * bare_ms,
            "cpu_ms": _ms([s["cpu"] for s in samples]),
            "cpu_ratio": round(_ms([s["cpu"] for s in samples]) / bare_cpu, 2),
        }
    emit(result)


if __name__ == "__main__":
    main()
