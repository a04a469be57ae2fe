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


def download_dir(env: dict[str, str] | None = None, home: Path | None = None) -> Path | None:
    """The user's download folder, when it exists: ``$XDG_DOWNLOAD_DIR``, else the
    ``XDG_DOWNLOAD_DIR`` line of ``~/.config/user-dirs.dirs`` (xdg-user-dirs), else
    ``~/Downloads``. ``None`` when none of them is a folder."""
    env = dict(os.environ) if env is None else env
    home = home or Path.home()
    candidates: list[str] = []
    if env.get("XDG_DOWNLOAD_DIR"):
        candidates.append(env["XDG_DOWNLOAD_DIR"])
    config_home = env.get("XDG_CONFIG_HOME") or str(home / ".config")
    from_file = _user_dirs_entry(Path(config_home) / "user-dirs.dirs", "XDG_DOWNLOAD_DIR")
    if from_file:
        candidates.append(from_file)
    candidates.append(str(home / "Downloads"))
    for candidate in candidates:
        path = Path(candidate.replace("$HOME", str(home))).expanduser()
        if path.is_absolute() and path.is_dir():
            return path
    return None


def resolve_export_dir(configured: Path | None = None) -> Path:
    """Where exports go: the ``export_dir`` setting, else the download folder, else the
    current folder."""
    if configured is not None:
        return configured.expanduser()
    return download_dir() or Path.cwd()


def _user_dirs_entry(path: Path, name: str) -> str | None:
    """``NAME="$HOME/Downloads"`` from a user-dirs.dirs file (shell syntax, one per line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key.strip() == name:
            return value.strip().strip('"') or None
    return None
