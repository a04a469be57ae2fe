"""Where the history comes from: the server, kept in the local copy, or the copy alone offline.

:class:`ListSource` is the reading controller's (:mod:`tui.controllers.reading`) link to both:
it fetches list pages from the server and stores them, serves them from the local copy while
offline, and owns the offline state.

Offline means the app reads only the local copy. It starts that way with ``--offline`` (no
request is ever made), or becomes so when the first page of the list cannot reach the server
before the server has answered anything in this run (connection refused, a timeout). Then,
while offline, only a first page (ctrl+r, the archived toggle) asks the server again, and the
first answer brings the app back online. A server that goes away later in a session is not
"offline": the request that failed says so, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from tui.api.client import BackendClient
from tui.api.errors import NetworkError
from tui.api.models import Conversation, ConversationItem, ConversationPage
from tui.controllers.host import Host
from tui.controllers.local_copy import STORE_PROBLEM_TITLE, LocalCopy
from tui.controllers.messages import Notice, OfflineChanged

OFFLINE = "needs the server — you are offline"
"""Said (after what was asked) when a writing action is refused offline."""
WENT_OFFLINE = (
    "The server cannot be reached: showing your local copy. Reading, copying and exporting "
    "work; writing needs the server. ctrl+r tries again."
)
"""Said once when the app starts from the local copy because the server is unreachable."""
TIME_TOLERANCE = 0.001
"""Seconds within which two update times are the same (the store keeps floats)."""

Rows = Callable[[list[ConversationItem], bool], None]
"""Told of the rows of each page: (rows, whether the server sent them)."""


class ListSource:
    """List pages from the server or the local copy, and whether the app is offline."""

    def __init__(
        self, host: Host, client: BackendClient, copy: LocalCopy, *, offline: bool, rows: Rows
    ) -> None:
        self.host = host
        self.client = client
        self.copy = copy
        """The local store."""
        self.forced_offline = offline
        """``--offline``: the server is never asked anything."""
        self.offline = offline
        """True while the app reads only the local copy (forced, or the server unreachable)."""
        self.reached = False
        """The server has answered once in this run: a later network error is not "offline"."""
        self._rows = rows
        self._listed_times: dict[str, datetime | None] = {}
        """``update_time`` of each conversation as the server's list last gave it."""
        copy.warn = self._copy_failed

    # -- pages --------------------------------------------------------------------------------

    def stored_first_page(self, limit: int, archived: bool) -> ConversationPage | None:
        """The local copy's first page, read at once: what the first frame shows."""
        page = self.copy.first_page(limit, archived)
        if page is None or not page.items:
            return None
        self._rows(page.items, False)
        return page

    async def page(self, offset: int, limit: int, archived: bool) -> ConversationPage:
        """A page of the list: the server's (kept in the local copy), or the copy's offline."""
        if self.offline and (self.forced_offline or offset > 0):
            return await self._stored_page(offset, limit, archived)
        try:
            page = await self.client.conversations(
                offset=offset, limit=limit, is_archived=archived or None
            )
        except NetworkError:
            if self.reached or offset != 0 or not self.copy.usable:
                raise
            self._go_offline()
            return await self._stored_page(offset, limit, archived)
        self._back_online()
        for item in page.items:
            self._listed_times[item.id] = item.update_time
        self._rows(page.items, True)
        self.keep(self.copy.save_list(page.items))
        return page

    async def _stored_page(self, offset: int, limit: int, archived: bool) -> ConversationPage:
        page = await self.copy.page(offset, limit, archived)
        if page is None:  # the copy failed (said once): the list ends here
            return ConversationPage(offset=offset, limit=limit)
        self._rows(page.items, False)
        return page

    # -- conversations ------------------------------------------------------------------------

    def listed_time(self, conversation_id: str) -> datetime | None:
        """The ``update_time`` the server's list gave the conversation (None if not listed)."""
        return self._listed_times.get(conversation_id)

    def seen(self, conversation: Conversation) -> None:
        """The server just sent ``conversation``: its ``update_time`` is the newest known, even
        before the list shows it (after a reply), so an older stored copy is not trusted."""
        key = conversation.conversation_id or conversation.id or ""
        known, sent = self._listed_times.get(key), conversation.update_time
        if key and sent is not None and (known is None or sent > known):
            self._listed_times[key] = sent

    def listed_newer(self, stored: Conversation) -> bool:
        """Whether the server's list has a newer ``update_time`` than the stored copy (or the
        list has not shown this conversation, so nobody knows)."""
        key = stored.conversation_id or stored.id or ""
        listed = self._listed_times.get(key)
        if listed is None or stored.update_time is None:
            return True
        return listed.timestamp() > stored.update_time.timestamp() + TIME_TOLERANCE

    # -- offline ------------------------------------------------------------------------------

    def needs_server(self, doing: str) -> bool:
        """True (and said plainly) when ``doing`` is refused because the app is offline."""
        if not self.offline:
            return False
        self.host.post(Notice(f"{doing} {OFFLINE}.", severity="warning"))
        return True

    def _go_offline(self) -> None:
        if self.offline:
            return
        self.offline = True
        self.host.post(OfflineChanged(True))
        self.host.post(Notice(WENT_OFFLINE, severity="warning", timeout=10))

    def _back_online(self) -> None:
        self.reached = True
        if self.offline and not self.forced_offline:
            self.offline = False
            self.host.post(OfflineChanged(False))
            self.host.post(Notice("Back online."))

    # -- the copy -----------------------------------------------------------------------------

    def keep(self, work: Coroutine[Any, Any, None]) -> None:
        """Update the local copy in the background (a thread): never in the way of a frame."""
        self.host.run(work, group="store")

    def _copy_failed(self, problem: str) -> None:
        self.host.post(Notice(f"{STORE_PROBLEM_TITLE}: {problem}", severity="warning", timeout=15))
