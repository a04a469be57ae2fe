"""The embedded demo backend: a real HTTP server with a seeded history and a fake model.

Importing this package is cheap on purpose (``backchat --demo`` start-up is benchmarked): the
server stack (starlette, uvicorn) loads only when :func:`start_demo_server` is first used.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.demo.server import DemoServer, start_demo_server

DEMO_TOKEN = "demo-token-backchat"
"""The fixed bearer token of the demo backend. Not a secret: it only opens the local demo."""

DEMO_NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
"""The frozen "now" of the app the tests, benchmarks and screenshots build on the demo: the day
after the seeded history's newest conversation (``tui.demo.seed.NEWEST``), so its times read
"yesterday", "Oct 30"... on every run."""

__all__ = ["DEMO_NOW", "DEMO_TOKEN", "DemoServer", "start_demo_server"]


def __getattr__(name: str) -> Any:
    if name in ("DemoServer", "start_demo_server"):
        from tui.demo import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
