"""Where backchat's own files and the user's files live."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "backchat"


def styles_dir() -> Path:
    """The TCSS folder: inside the installed wheel (``tui/styles``) or at the repo root.

    The repo keeps TCSS in a top-level ``styles/`` folder; the wheel build copies it into the
    package (``force-include`` in pyproject.toml) so a non-editable install finds it too.
    """
    packaged = Path(__file__).parent / "styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).parent.parent / "styles"


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/backchat`` (default ``~/.config/backchat``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / APP_NAME


def config_file() -> Path:
    """The TOML settings file. It never holds the token."""
    return config_dir() / "config.toml"


def state_file() -> Path:
    """Small UI state the app remembers between runs (theme, last model); never the token."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / APP_NAME / "state.json"


def data_dir() -> Path:
    """``$XDG_DATA_HOME/backchat`` (default ``~/.local/share/backchat``): where the store lives."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME
