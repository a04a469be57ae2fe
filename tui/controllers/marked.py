"""Acting on several conversations at once: the ones marked in the sidebar (``space``).

Archive, delete and export run one conversation after the other in one background job. The
rows go at once; a conversation the server refuses comes back, and one notice at the end says
how many were done and names each that was not (and why), so the rest stay done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from tui.api.client import BackendClient
from tui.api.errors import ApiError, AuthError
from tui.controllers.export_files import Format, Scope, export_conversation
from tui.controllers.host import Host
from tui.controllers.messages import (
    ConversationClosed,
    ConversationRemoved,
    ConversationRestored,
    ErrorNotice,
    Notice,
)
from tui.controllers.reading import History
from tui.text.sanitize import clean_line

NAMED_FAILURES = 3
"""At most this many failures are named in the closing notice; the rest are counted."""

_Call = Callable[[str], Awaitable[object]]


def plural(count: int, noun: str = "conversation") -> str:
    """``1 conversation``, ``3 conversations``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class MarkedActions:
    """The controller behind archive, delete and export of the marked conversations."""

    def __init__(self, host: Host, client: BackendClient, history: History) -> None:
        self.host = host
        self.client = client
        """The API client."""
        self.history = history
        """The reading controller: titles, the open conversation, the archived flag."""

    def archive(self, ids: Sequence[str]) -> None:
        """Archive them (in the archived list: unarchive); refused ones come back."""
        archive = not self.history.archived

        async def call(cid: str) -> object:
            return await self.client.set_archived(cid, archive)

        self._remove(ids, "Archived" if archive else "Unarchived", call)

    def delete(self, ids: Sequence[str]) -> None:
        """Delete them (the user said yes to all); refused ones come back."""
        self._remove(ids, "Deleted", self.client.delete_conversation)

    def export(self, ids: Sequence[str], scope: Scope, fmt: Format, directory: Path) -> None:
        """Fetch each conversation and write it into ``directory`` on the branch it is shown
        on, under the export controller's file name (new names, nothing replaced)."""
        ids = list(ids)
        where = f" to {directory.expanduser()}"

        async def run() -> None:
            failed: list[tuple[str, BaseException]] = []
            for cid in ids:
                try:
                    conversation = await self.client.conversation(cid)
                    leaf = self.history.session_for(conversation).leaf_id
                    await asyncio.to_thread(
                        export_conversation,
                        conversation,
                        directory,
                        scope=scope,
                        fmt=fmt,
                        leaf_id=leaf,
                    )
                except (ApiError, OSError) as error:
                    failed.append((cid, error))
            self._report("Exported", len(ids), failed, where)

        self.host.run(run(), group="export")

    def _remove(self, ids: Sequence[str], done: str, call: _Call) -> None:
        ids = list(ids)
        for cid in ids:
            self.host.post(ConversationRemoved(cid))

        async def run() -> None:
            failed: list[tuple[str, BaseException]] = []
            for cid in ids:
                try:
                    await call(cid)
                except ApiError as error:
                    self.host.post(ConversationRestored(cid))
                    failed.append((cid, error))
                    continue
                self._after(cid, done)
            self._report(done, len(ids), failed)

        self.host.run(run(), group="tidy")

    def _after(self, conversation_id: str, done: str) -> None:
        """The open conversation closes when deleted; its title bar says when archived."""
        session = self.history.session
        if session is None or session.id != conversation_id:
            return
        if done == "Deleted":
            self.history.forget_open()
            self.host.post(ConversationClosed())
            self.history.on_session_change()
        else:
            session.conversation.is_archived = done == "Archived"
            self.history.show_title_bar()

    def _report(
        self, done: str, count: int, failed: list[tuple[str, BaseException]], where: str = ""
    ) -> None:
        """One notice: ``Deleted 3 conversations.``, or how many of them and which were not."""
        if not failed:
            self.host.post(Notice(f"{done} {plural(count)}{where}."))
            return
        named = [
            f"“{clean_line(self.history.title_of(cid), limit=40)}” "
            f"({clean_line(str(error), limit=80)})"
            for cid, error in failed[:NAMED_FAILURES]
        ]
        more = len(failed) - len(named)
        if more:
            named.append(f"and {more:,} more")
        summary = f"{done} {count - len(failed):,} of {plural(count)}{where}"
        self.host.post(Notice(f"{summary}. Not done: {'; '.join(named)}.", severity="warning"))
        auth = next((error for _cid, error in failed if isinstance(error, AuthError)), None)
        if auth is not None:
            # A refused token: the usual path brings back the sign-in screen.
            self.host.post(ErrorNotice("Signing in again", auth))
