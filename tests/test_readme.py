"""The README's promises hold: its quick start and its tui.api script work as written."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tui.demo.server import DemoServer

README = Path(__file__).parent.parent / "README.md"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_quick_start_is_two_uv_commands() -> None:
    text = README.read_text(encoding="utf-8")
    quick_start = text.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick_start, flags=re.DOTALL)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands == ["uv run backchat --demo", "uv run pytest"]


def test_api_script_runs_against_the_demo(demo: DemoServer) -> None:
    (script,) = _python_blocks(README.read_text(encoding="utf-8"))
    env = {
        **os.environ,
        "OPENAI_API_BASE_URL": demo.base_url,
        "OPENAI_ACCESS_TOKEN": demo.token,
    }
    env.pop("OPENAI_API_BACKEND_URL", None)
    env.pop("BACKEND_REVERSE_PROXY", None)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "queued"
    assert demo.token not in result.stdout + result.stderr
    # The script renamed its new chat to "New Test", then deleted it: it is gone from the list.
    titles = [record.title for record in demo.state.listing(archived=False)]
    assert "New Test" not in titles
