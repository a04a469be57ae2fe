"""A host for driving controllers without a screen: it records what they post and runs their
work as asyncio tasks that the tests wait on."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from tui.controllers.messages import ControllerMessage, DraftShown
from tui.conversation.tree import VisibleMessage

M = TypeVar("M")


class RecordingHost:
    """Implements :class:`tui.controllers.host.Host` for tests."""

    def __init__(self) -> None:
        self.messages: list[ControllerMessage] = []
        """Every message posted, in order."""
        self.prepared: list[list[VisibleMessage]] = []
        """What each :meth:`prepare` was asked to get ready."""
        self.groups: list[str] = []
        """The group of each piece of work started, in order."""
        self.typed = ""
        """What the user has typed in the composer (set by the test, and by DraftShown)."""
        self._tasks: list[tuple[str, asyncio.Task[None]]] = []
        self._waiters: list[tuple[type[Any], asyncio.Future[Any]]] = []

    # -- the Host protocol -----------------------------------------------------------------------

    def post(self, message: ControllerMessage) -> None:
        self.messages.append(message)
        if isinstance(message, DraftShown):
            self.typed = message.text
        for kind, future in self._waiters:
            if isinstance(message, kind) and not future.done():
                future.set_result(message)
        self._waiters = [(kind, future) for kind, future in self._waiters if not future.done()]

    def run(
        self, work: Coroutine[Any, Any, None], *, group: str, exclusive: bool = False
    ) -> asyncio.Task[None]:
        if exclusive:
            for name, task in self._tasks:
                if name == group and not task.done():
                    task.cancel()
        task = asyncio.ensure_future(work)
        self._tasks.append((group, task))
        self.groups.append(group)
        return task

    def typed_text(self) -> str:
        return self.typed

    async def prepare(self, messages: Sequence[VisibleMessage]) -> None:
        self.prepared.append(list(messages))

    # -- for the tests ---------------------------------------------------------------------------

    async def settled(self) -> None:
        """Wait until every piece of work is done, including work started meanwhile."""
        while pending := [task for _name, task in self._tasks if not task.done()]:
            await asyncio.gather(*pending, return_exceptions=True)
        for _name, task in self._tasks:
            if not task.cancelled() and task.exception() is not None:
                raise AssertionError("controller work failed") from task.exception()

    async def posted(self, kind: type[M]) -> M:
        """The next message of ``kind`` posted from now on (fails, never hangs, after 30 s)."""
        future: asyncio.Future[M] = asyncio.get_running_loop().create_future()
        self._waiters.append((kind, future))
        return await asyncio.wait_for(future, 30)

    def of(self, kind: type[M]) -> list[M]:
        """The messages of ``kind`` posted so far, in order."""
        return [message for message in self.messages if isinstance(message, kind)]

    def kinds(self) -> list[str]:
        """The names of the message types posted so far, in order."""
        return [type(message).__name__ for message in self.messages]

    def clear(self) -> None:
        """Forget the messages so far (the work keeps running)."""
        self.messages.clear()
        self.prepared.clear()
