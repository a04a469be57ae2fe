"""The headless core (client, tree, demo backend) must never pull in Textual."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["tui.api", "tui.conversation", "tui.demo"])
def test_core_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "False", f"importing {module} imported textual"
