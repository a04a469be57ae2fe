"""``backchat --demo`` end to end, in a fresh headless process: the demo backend runs in a child
process, the app shows its first page from it, and quitting the app stops the child."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.subprocesses import run_python

# Post-import hooks observe (not replace) what backchat does: the sidebar's first page ends the
# run, and the demo handle is kept to report what became of the child afterwards.
RUN_DEMO = """
import json, sys
from tui.demo import process
from tui.widgets import sidebar

seen = {}
spawn = process.spawn_demo_server

def spawn_and_keep(*args, **kwargs):
    handle = spawn(*args, **kwargs)
    seen["child"] = handle
    return handle

process.spawn_demo_server = spawn_and_keep
add_page = sidebar.Sidebar.add_page

def add_page_then_quit(self, page, **kwargs):
    add_page(self, page, **kwargs)
    if self.loaded and "rows" not in seen:
        seen["rows"] = self.loaded
        seen["first_title"] = page.items[0].title
        self.app.exit()

sidebar.Sidebar.add_page = add_page_then_quit
from tui.__main__ import main
status = main(["--demo"])
child = seen["child"].process
print(json.dumps({
    "status": status,
    "rows": seen.get("rows"),
    "first_title": seen.get("first_title"),
    "child_returncode": child.poll(),
    "in_process_server": "tui.demo.server" in sys.modules,
}))
"""


@pytest.mark.skipif(os.name != "posix", reason="the child-process demo needs POSIX fd passing")
def test_demo_flag_runs_the_backend_in_a_child_and_stops_it(tmp_path: Path) -> None:
    env = dict(os.environ)
    for name in ("OPENAI_ACCESS_TOKEN", "OPENAI_API_KEY", "OPENAI_API_BASE_URL"):
        env.pop(name, None)
    env["TEXTUAL_DRIVER"] = "textual.drivers.headless_driver:HeadlessDriver"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    result = run_python("-c", RUN_DEMO, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == 0
    assert outcome["rows"] >= 28
    assert outcome["first_title"]
    # The child exited cleanly when the app quit, and the server stack never loaded here.
    assert outcome["child_returncode"] == 0
    assert outcome["in_process_server"] is False
