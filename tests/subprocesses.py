"""Run Python in a fresh interpreter from the repo root, for tests that need a clean process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The repo root: children run there, so ``tui`` imports from the working tree."""


def run_python(
    *args: str, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` (e.g. ``-c CODE`` or ``-m tui --help``), output captured as text."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
