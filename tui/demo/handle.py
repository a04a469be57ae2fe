"""What a caller holds while a demo backend runs, in a thread or in a child process.

Both :class:`tui.demo.server.DemoServer` and :class:`tui.demo.process.DemoProcess` hand out the
same URLs and token and stop the same way, so a client can be pointed at either. This module
imports nothing heavy: the child-process path must not load the server stack.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from tui.demo import DEMO_TOKEN

__all__ = ["DemoHandle"]


class DemoHandle:
    """A running demo backend: where it listens and its token. Stop it, or use ``with``."""

    def __init__(self, base_url: str, token: str = DEMO_TOKEN) -> None:
        self.base_url = base_url
        """Root URL; ``/public-api/...`` lives here."""
        self.backend_url = base_url + "/backend-api"
        """Where the backend-api lives: what a client's ``backend_url`` should be."""
        self.token = token
        """The bearer token the backend accepts."""

    def stop(self) -> None:
        """Stop the backend and wait (briefly) until it has."""
        raise NotImplementedError

    def failure(self) -> str | None:
        """After :meth:`stop`: why the backend had stopped on its own, if it had; else None."""
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
