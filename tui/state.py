"""Small UI state remembered between runs (theme, last model). Never the token."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from tui.paths import state_file


@dataclass
class UiState:
    """What the app remembers across runs."""

    theme: str | None = None
    """The last theme the user chose."""
    model: str | None = None
    """The model the user picked for their last new chat."""


def load_state(path: Path | None = None) -> UiState:
    """Read the state file; a missing or damaged file gives defaults (it is only a convenience)."""
    path = path or state_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return UiState()
    if not isinstance(data, dict):
        return UiState()
    return UiState(
        theme=data.get("theme") if isinstance(data.get("theme"), str) else None,
        model=data.get("model") if isinstance(data.get("model"), str) else None,
    )


def save_state(state: UiState, path: Path | None = None) -> None:
    """Write the state file atomically; failures are ignored (read-only home, full disk)."""
    path = path or state_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(state)), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        pass
