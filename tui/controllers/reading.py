"""Reading and tidying history: list paging, opening, branches, rename, delete, archive, titles.

Every network call runs in the host's background work; what the user sees changes at once
(optimistic) and rolls back with a clear notice if the server refuses. Nothing here builds HTTP
requests (it calls ``tui.api``) or touches a widget (it posts :mod:`tui.controllers.messages`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeGuard

from tui.api.client import BackendClient
from tui.api.errors import ApiError, AuthError, NetworkError, NotFoundError
from tui.api.models import Conversation, ConversationItem, ConversationPage
from tui.controllers.host import Host
from tui.controllers.list_source import OFFLINE, ListSource
from tui.controllers.local_copy import LocalCopy
from tui.controllers.messages import (
    BranchSwitched,
    ConversationClosed,
    ConversationRemoved,
    ConversationRestored,
    ConversationShown,
    ErrorNotice,
    ListComplete,
    ListPageFailed,
    ListPageLoaded,
    ListRestarted,
    ListResumed,
    Notice,
    TitleBar,
    TitleChanged,
)
from tui.conversation.session import BranchMemory, OpenConversation
from tui.text.sanitize import clean_line

MAX_PAGE = 100
"""The server's largest page: loading everything uses it, for the fewest round trips."""
UNTITLED = "New chat"
"""The server's title for a conversation nobody has named yet."""
NO_TARGET = "Select a conversation first."
"""Said when a tidy key is pressed with no conversation selected or open."""
STALE_COPY = "Showing your local copy: the server could not be reached to check for changes."
"""Said when a stored conversation is shown and its refresh could not reach the server."""

_Call = Callable[[str], Awaitable[object]]


def _nothing() -> None:
    return None


def _never() -> bool:
    return False


class History:
    """The controller behind the sidebar and the transcript (reading side)."""

    def __init__(
        self,
        host: Host,
        client: BackendClient,
        *,
        page_size: int,
        now: Callable[[], datetime],
        copy: LocalCopy | None = None,
        offline: bool = False,
    ) -> None:
        self.host = host
        self.client = client
        """The API client (its token may change after a sign-in: read it each time)."""
        self.page_size = page_size
        """Conversations per list page, as the user set it."""
        self.now = now
        """The clock, for the rows of conversations the app creates."""
        self.session: OpenConversation | None = None
        """The open conversation, if any."""
        self.branches = BranchMemory()
        """The branch picked per conversation, kept while the app runs."""
        self.archived = False
        """Whether the list shows the archived conversations."""
        self.ready = False
        """True once the client has a token: list pages are fetched only then."""
        self.on_session_change: Callable[[], None] = _nothing
        """Called whenever another conversation (or none) is shown: the chat keeps drafts."""
        self.reply_active: Callable[[], bool] = _never
        """Whether a reply is streaming or being synced: a stored copy is not redrawn under it
        (the reply's own reload shows the server's copy)."""
        self.pane_version = 0
        """Counts what the pane showed whole (a conversation, none, a new chat): a live reply
        shown under an older one is gone from the screen."""
        self._titles: dict[str, str | None] = {}
        """Titles of the conversations listed, as the server (or the last rename) has them."""
        self._open_after_sign_in: str | None = None
        """A conversation whose opening a 401 stopped: opened once the user signs in again."""
        self.copy = copy if copy is not None else LocalCopy(None)
        """The local store: read first, kept up to date with what the user opens and changes."""
        self.source = ListSource(host, client, self.copy, offline=offline, rows=self._rows)
        """List pages from the server or the copy, and whether the app is offline."""

    @property
    def offline(self) -> bool:
        """True while the app reads only the local copy (``--offline``, or unreachable)."""
        return self.source.offline

    def needs_server(self, doing: str) -> bool:
        """True (and said plainly) when ``doing`` is refused because the app is offline."""
        return self.source.needs_server(doing)

    @property
    def open_id(self) -> str | None:
        return self.session.id if self.session else None

    # -- the list ----------------------------------------------------------------------------

    def reload_list(self) -> None:
        """Start the list again from its first page (the list then asks for it)."""
        self.ready = True
        self.host.post(ListRestarted(self.archived))

    def stored_first_page(self) -> ConversationPage | None:
        """The local copy's first page, read at once: what the first frame shows."""
        return self.source.stored_first_page(self.page_size, self.archived)

    def load_page(self, offset: int, archived: bool) -> None:
        if not self.ready:
            # Not signed in yet: the list asks again once we are (reload_list).
            self.host.post(ListPageFailed())
            return

        async def fetch() -> None:
            try:
                page = await self.source.page(offset, self.page_size, archived)
            except ApiError as error:
                self.host.post(ListPageFailed())
                self.host.post(ErrorNotice("Loading conversations", error))
                return
            self.host.post(ListPageLoaded(page, archived))

        self.host.run(fetch(), group="list-page", exclusive=True)

    def load_all(self, offset: int, archived: bool) -> None:
        """Load every remaining page (with progress), so the filter searches every title."""

        async def fetch_all() -> None:
            position = offset
            while True:
                try:
                    page = await self.source.page(position, MAX_PAGE, archived)
                except ApiError as error:
                    self.host.post(ListPageFailed())
                    self.host.post(ErrorNotice("Loading every conversation", error))
                    return
                self.host.post(ListPageLoaded(page, archived, loading_all=True))
                position += len(page.items)
                if not page.items or (page.total is not None and position >= page.total):
                    break
            self.host.post(ListComplete(archived))

        self.host.run(fetch_all(), group="list-page", exclusive=True)

    def _rows(self, items: list[ConversationItem], from_server: bool) -> None:
        """Remember the titles of a page's rows (the server's replace the copy's)."""
        for item in items:
            if from_server:
                self._titles[item.id] = item.title
            else:
                self._titles.setdefault(item.id, item.title)

    def toggle_archived(self) -> None:
        self.archived = not self.archived
        self.host.post(ListRestarted(self.archived))  # the list asks for its page 0

    def resume(self) -> None:
        """Signed in again after a 401: keep the list as it is and fetch what failed."""
        self.ready = True
        self.host.post(ListResumed())
        pending, self._open_after_sign_in = self._open_after_sign_in, None
        if pending is not None:
            self.open(pending)

    def refresh(self) -> None:
        self.reload_list()
        if self.session is not None:
            self.open(self.session.id, keep_branch=True, from_server=True)

    # -- opening and branches ----------------------------------------------------------------

    def open(
        self, conversation_id: str, *, keep_branch: bool = True, from_server: bool = False
    ) -> None:
        """Show the stored copy at once, then the server's when the list says it is newer.

        ``from_server``: ask the server whatever the list says (ctrl+r). Offline, only the
        copy is read.
        """

        async def fetch() -> None:
            stored = await self.copy.conversation(conversation_id)
            if stored is not None:
                self.show(stored.conversation, keep_branch=keep_branch)
            if self.offline:
                if stored is None:
                    self.host.post(
                        Notice(
                            f"“{clean_line(self.title_of(conversation_id), limit=60)}” is not "
                            f"in your local copy: opening it {OFFLINE}.",
                            severity="warning",
                        )
                    )
                return
            if (
                stored is not None
                and not from_server
                and not self.source.listed_newer(stored.conversation)
            ):
                return
            try:
                conversation, raw = await self.client.conversation_and_bytes(conversation_id)
            except NotFoundError:
                # Say what happened and drop the row: the list no longer offers a dead end.
                gone = NotFoundError("Not found (deleted elsewhere?): removed from the list.")
                self.host.post(ErrorNotice("Opening the conversation", gone))
                self.host.post(ConversationRemoved(conversation_id, undoable=False))
                return
            except ApiError as error:
                if isinstance(error, AuthError):
                    self._open_after_sign_in = conversation_id
                elif isinstance(error, NetworkError) and stored is not None:
                    # The stored copy is on screen: say quietly that it may not be the newest.
                    self.host.post(Notice(STALE_COPY, severity="warning"))
                    return
                self.host.post(ErrorNotice("Opening the conversation", error))
                return
            self.source.reached = True
            self.source.keep(
                self.copy.save_conversation(raw, self.source.listed_time(conversation_id))
            )
            self.source.seen(conversation)
            if stored is None:
                self.show(conversation, keep_branch=keep_branch)
            elif stored.raw != raw and self.open_id == conversation_id and not self.reply_active():
                self._refresh_shown(conversation)

        self.host.run(fetch(), group="open", exclusive=True)

    def _refresh_shown(self, conversation: Conversation) -> None:
        """The server's newer copy of the open conversation: redraw only what changed, on the
        branch the reader is on, the messages above the first change left where they are."""
        old = self.session
        session = self.session_for(conversation, keep_branch=True)
        if old is None:
            self.show_session(session)
            return
        same = 0
        for before, after in zip(old.messages, session.messages, strict=False):
            if before != after:
                break
            same += 1
        if same == len(old.messages) == len(session.messages) and old.title == session.title:
            self.session = session  # nothing the reader sees changed
            return
        self.show_session(session, keep_from=same)

    async def fetch_and_keep(self, conversation_id: str, *, keep: bool = True) -> Conversation:
        """``GET`` a conversation (after a reply) and, unless ``keep`` is False (a temporary
        chat), put the server's copy in the local store in the background."""
        conversation, raw = await self.client.conversation_and_bytes(conversation_id)
        self.source.reached = True
        if keep:
            self.source.keep(self.copy.save_conversation(raw))
            self.source.seen(conversation)
        return conversation

    def show(
        self,
        conversation: Conversation,
        *,
        keep_branch: bool = True,
        mark_last: str | None = None,
        keep_from: int | None = None,
    ) -> None:
        """Show a fetched conversation on the remembered (or server's current) branch.

        ``mark_last`` and ``keep_from``: see :meth:`session_for` and :meth:`show_session`.
        """
        session = self.session_for(conversation, keep_branch=keep_branch, mark_last=mark_last)
        self.show_session(session, keep_from=keep_from)

    def session_for(
        self, conversation: Conversation, *, keep_branch: bool = True, mark_last: str | None = None
    ) -> OpenConversation:
        """A fetched conversation on the remembered (or server's current) branch, not shown yet.

        ``mark_last`` ("stopped" / "interrupted") marks the last reply as broken off, so the
        transcript says so and continue is offered.
        """
        leaf = self.branches.leaf_for(conversation) if keep_branch else None
        session = OpenConversation.build(conversation, leaf, show_hidden=self.branches.show_hidden)
        if mark_last:
            session.mark_last_reply(mark_last)
        return session

    def show_session(self, session: OpenConversation, *, keep_from: int | None = None) -> None:
        """Make ``session`` the open conversation and show it.

        ``keep_from``: the conversation is already on screen and only messages from that
        position on changed (a reply was written); the ones above stay as they are, and so does
        the scroll position.
        """
        self.session = session
        self.pane_version += 1
        self._remember()
        self.host.post(TitleBar(session.title, self._detail()))
        self.host.post(ConversationShown(session, keep_from))
        self.on_session_change()

    def forget_open(self) -> None:
        """No conversation is open any more (deleted, or a new chat is being written)."""
        self.session = None
        self.pane_version += 1

    def switch_branch(self, node_id: str, index: int) -> None:
        if self.session is None:
            return
        position = self.session.switch(node_id, index)
        self._remember()
        # The message count in the title bar follows the branch shown.
        self.host.post(TitleBar(self.session.title, self._detail()))
        self.host.post(BranchSwitched(position, self.session.messages))
        self.on_session_change()

    def toggle_hidden(self) -> None:
        """Show the messages the web app hides (dimmed), or hide them again; for this run."""
        self.branches.show_hidden = not self.branches.show_hidden
        shown = "shown (dimmed)" if self.branches.show_hidden else "hidden, as on the web"
        self.host.post(Notice(f"Hidden messages {shown}."))
        if self.session is None:
            return
        position = self.session.set_show_hidden(self.branches.show_hidden)
        self.host.post(TitleBar(self.session.title, self._detail()))
        self.host.post(BranchSwitched(position, self.session.messages))
        self.on_session_change()

    def show_title_bar(self) -> None:
        """Post the open conversation's title bar again (after it was archived, say)."""
        if self.session is not None:
            self.host.post(TitleBar(self.session.title, self._detail()))

    def _remember(self) -> None:
        if self.session is not None and self.session.leaf_id:
            self.branches.remember(self.session.id, self.session.leaf_id)

    def _detail(self) -> str:
        if self.session is None:
            return ""
        count = len(self.session.messages)
        model = self.session.conversation.default_model_slug
        parts = [f"{count} message{'s' if count != 1 else ''}"]
        if model:
            parts.append(model)
        if self.session.conversation.is_archived:
            parts.append("archived")
        return " · ".join(parts)

    # -- tidy --------------------------------------------------------------------------------

    def has_target(self, conversation_id: str | None) -> TypeGuard[str]:
        """Whether a tidy key has a conversation to act on; says so when it has none."""
        if not conversation_id:
            self.host.post(Notice(NO_TARGET))
            return False
        return True

    def title_of(self, conversation_id: str) -> str:
        """The title to show in a question or a notice ("New chat" when it has none)."""
        return self.known_title(conversation_id) or UNTITLED

    def known_title(self, conversation_id: str) -> str | None:
        """The title as the server (or the last rename) has it; None when there is none."""
        if self.session is not None and self.session.id == conversation_id:
            return self.session.conversation.title
        return self._titles.get(conversation_id)

    def rename(self, conversation_id: str, old_title: str, new_title: str) -> None:
        """Rename at once, then on the server; put ``old_title`` back if the server refuses."""
        # The dialog shows the title cleaned of control characters: enter on it unchanged is
        # not a rename.
        if new_title in (old_title, clean_line(old_title)) or self.needs_server("Renaming"):
            return
        self._set_title_everywhere(conversation_id, new_title)

        async def patch() -> None:
            try:
                await self.client.rename_conversation(conversation_id, new_title)
            except ApiError as error:
                self._set_title_everywhere(conversation_id, old_title)
                self.host.post(ErrorNotice("Rename undone", error))
                return
            self.source.keep(self.copy.renamed(conversation_id, new_title))
            self.host.post(Notice(f"Renamed to “{clean_line(new_title, limit=60)}”."))

        self.host.run(patch(), group="tidy")

    def _set_title_everywhere(self, conversation_id: str, title: str) -> None:
        self._titles[conversation_id] = title
        self.host.post(TitleChanged(conversation_id, title))
        if self.session is not None and self.session.id == conversation_id:
            self.session.conversation.title = title
            self.host.post(TitleBar(title, self._detail()))

    def delete(self, conversation_id: str) -> None:
        """Delete (the user said yes): the row goes at once, and comes back if refused."""
        if self.needs_server("Deleting"):
            return
        self._remove(conversation_id, "Delete", self.client.delete_conversation)

    def archive(self, conversation_id: str | None) -> None:
        """Archive (or, in the archived list, unarchive) at once; undone if refused."""
        if not self.has_target(conversation_id) or self.needs_server("Archiving"):
            return
        archive = not self.archived

        async def call(cid: str) -> object:
            return await self.client.set_archived(cid, archive)

        self._remove(conversation_id, "Archive" if archive else "Unarchive", call)

    def _remove(self, conversation_id: str, verb: str, call: _Call) -> None:
        """Take the row out at once; put it back if the server refuses.

        A deleted conversation that is open closes; an archived one stays open (it still
        exists, and the reader may be in the middle of it) and its title bar says so.
        """
        title = clean_line(self.title_of(conversation_id), limit=60)
        self.host.post(ConversationRemoved(conversation_id))

        async def run() -> None:
            try:
                await call(conversation_id)
            except ApiError as error:
                self.host.post(ConversationRestored(conversation_id))
                self.host.post(ErrorNotice(f"{verb} undone", error))
                return
            if verb == "Delete":
                self.source.keep(self.copy.removed(conversation_id))
            else:
                self.source.keep(self.copy.archived(conversation_id, verb == "Archive"))
            session = self.session
            if session is not None and session.id == conversation_id:
                if verb == "Delete":
                    self.forget_open()
                    self.host.post(ConversationClosed())
                    self.on_session_change()
                else:
                    session.conversation.is_archived = verb == "Archive"
                    self.host.post(TitleBar(session.title, self._detail()))
            past = {"Delete": "Deleted", "Archive": "Archived", "Unarchive": "Unarchived"}
            self.host.post(Notice(f"{past.get(verb, verb)} “{title}”."))

        self.host.run(run(), group="tidy")

    def generate_title(self, conversation_id: str | None) -> None:
        """Ask the server for a title; it never replaces a title the user set."""
        if not self.has_target(conversation_id) or self.needs_server("Generating a title"):
            return
        title = self.known_title(conversation_id)
        if title and title.strip() and title != UNTITLED:
            self.host.post(
                Notice(f"Already titled “{clean_line(title, limit=60)}”: rename it instead (r).")
            )
            return

        async def run() -> None:
            try:
                message_id = await self._last_message_id(conversation_id)
                if message_id is None:
                    self.host.post(Notice("Nothing to title yet."))
                    return
                result = await self.client.generate_title(conversation_id, message_id)
            except ApiError as error:
                self.host.post(ErrorNotice("Generating a title", error))
                return
            if result.title:
                self._set_title_everywhere(conversation_id, result.title)
                self.source.keep(self.copy.renamed(conversation_id, result.title))
                self.host.post(Notice(f"Titled “{clean_line(result.title, limit=60)}”."))
            else:
                self.host.post(Notice(clean_line(result.message or "No title.", limit=200)))

        self.host.run(run(), group="tidy")

    async def _last_message_id(self, conversation_id: str) -> str | None:
        if self.session is not None and self.session.id == conversation_id:
            return self.session.leaf_id
        conversation = await self.client.conversation(conversation_id)
        return OpenConversation.build(conversation).leaf_id

    # -- export ------------------------------------------------------------------------------

    def exportable(self) -> OpenConversation | None:
        """The conversation the export key exports; None (and a notice) when none is open."""
        if self.session is None:
            self.host.post(Notice("Open a conversation to export it."))
        return self.session

    def item_for_new(self, conversation_id: str, title: str) -> ConversationItem:
        """A list row for a conversation the app just created."""
        now = self.now()
        self._titles[conversation_id] = title
        return ConversationItem(id=conversation_id, title=title, create_time=now, update_time=now)
