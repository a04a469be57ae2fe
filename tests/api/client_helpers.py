"""Shared pieces of the client tests: the model to send with and settings for the demo."""

from __future__ import annotations

from typing import Any

from tui.api import ApiSettings

MODEL = "text-davinci-002-render-sha"
"""A model every demo (and ninja) setup accepts."""


def settings_for(demo: Any, **changes: Any) -> ApiSettings:
    """Settings for the demo backend, with quick retries so retry tests stay fast."""
    options: dict[str, Any] = {
        "base_url": demo.base_url,
        "backend_url": demo.backend_url,
        "token": demo.token,
        "retry_base_delay": 0.01,
    }
    options.update(changes)
    return ApiSettings(**options)
