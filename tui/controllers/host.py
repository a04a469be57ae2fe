"""What a controller needs from whoever drives it: somewhere to post messages, a way to run work,
and the text the user is typing.

The main screen is the host in the app (Textual workers, handlers that update widgets); the
controller tests use a host that records the messages and runs the work as asyncio tasks. A
controller never learns which one it has, so it never imports the UI.
"""

from __future__ import annotations

from collections.abc import Coroutine, Sequence
from typing import Any, Protocol

from tui.controllers.messages import ControllerMessage
from tui.conversation.tree import VisibleMessage


class Running(Protocol):
    """Work started by :meth:`Host.run`: a Textual worker or an asyncio task."""

    def cancel(self) -> object:
        """Stop the work: it sees ``asyncio.CancelledError`` at its next await."""
        ...


class Host(Protocol):
    """The side of the UI a controller talks to."""

    def post(self, message: ControllerMessage) -> None:
        """Deliver ``message`` to the UI.

        Handled before ``post`` returns: what the controller changed and what the screen shows
        change together, with no frame in between where they disagree.
        """
        ...

    def run(
        self, work: Coroutine[Any, Any, None], *, group: str, exclusive: bool = False
    ) -> Running:
        """Run ``work`` concurrently; ``exclusive`` cancels the running work of its ``group``."""
        ...

    def typed_text(self) -> str:
        """What the composer holds now: read when a draft is kept or a prompt given back.

        Read, not mirrored from change messages: a key typed a moment before a conversation
        opens belongs to the draft being put away, and a mirror could still lag behind it.
        """
        ...

    async def prepare(self, messages: Sequence[VisibleMessage]) -> None:
        """Get ready to show ``messages`` in one short frame (a screen renders them ahead).

        Returns once the live reply's final render is on screen and ``messages`` are rendered;
        a host that draws nothing returns at once.
        """
        ...
