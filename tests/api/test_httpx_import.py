"""The client imports httpx without httpx's CLI module (which would pull in click at start-up)."""

from __future__ import annotations

from tests.subprocesses import run_python

CHECK = """
import sys
import tui.api.client
assert "click" not in sys.modules, "httpx._main (and click) loaded on the client's import"
assert "httpx._main" not in sys.modules
import httpx
assert callable(httpx.main)  # httpx's own fallback
import httpx._main  # still importable by anyone who wants the CLI
print("ok")
"""


def test_client_import_skips_httpx_cli() -> None:
    # A fresh interpreter: in this one, uvicorn (the demo fixture) has long imported click.
    result = run_python("-c", CHECK)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
