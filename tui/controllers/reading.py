"""Reading and tidying history: list paging, opening, branches, rename, delete, archive, export.

Every network call runs in a worker; the UI changes at once (optimistic) and rolls back with a
clear notice if the server refuses. Nothing here builds HTTP requests: it calls ``tui.api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api.errors import ApiError, AuthError, NotFoundError
from tui.api.models import Conversation, ConversationItem
from tui.conversation.session import BranchMemory, OpenConversation
from tui.text.sanitize import clean_line

if TYPE_CHECKING:
    from tui.app import BackchatApp
    from tui.screens.main import MainScreen

MAX_PAGE = 100
"""The server's largest page: loading everything uses it, for the fewest round trips."""
UNTITLED = "New chat"
"""The server's title for a conversation nobody has named yet."""


class History:
    """The controller behind the sidebar and the transcript (reading side)."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.session: OpenConversation | None = None
        """The open conversation, if any."""
        self.branches = BranchMemory()
        """The branch picked per conversation, kept while the app runs."""
        self.ready = False
        """True once the client has a token: list pages are fetched only then."""
        self._open_after_sign_in: str | None = None
        """A conversation whose opening a 401 stopped: opened once the user signs in again."""

    @property
    def app(self) -> BackchatApp:
        return self.screen.backchat

    @property
    def archived(self) -> bool:
        """Whether the rows the sidebar shows are the archived list (a failed switch keeps the
        old list on screen, so the sidebar is asked, not remembered here)."""
        return self.screen.sidebar.shown_archived

    @property
    def open_id(self) -> str | None:
        return self.session.id if self.session else None

    # -- the list ----------------------------------------------------------------------------

    def reload_list(self) -> None:
        """Start the list again from its first page (the sidebar asks for it)."""
        self.ready = True
        self.screen.sidebar.reset(self.archived)

    def load_page(self, offset: int, archived: bool) -> None:
        if not self.ready:
            # Not signed in yet: the sidebar asks again once we are (reload_list).
            self.screen.sidebar.page_failed()
            return

        async def fetch() -> None:
            try:
                page = await self.app.client.conversations(
                    offset=offset, limit=self.app.settings.page_size, is_archived=archived or None
                )
            except ApiError as error:
                self.screen.sidebar.page_failed()
                what = "archived conversations" if archived else "conversations"
                self.app.report_error(error, f"Loading {what} (the list shown stays)")
                return
            self.screen.sidebar.add_page(page, archived=archived)

        self.screen.run_worker(fetch(), group="list-page", exclusive=True)

    def load_all(self, offset: int, archived: bool) -> None:
        """Load every remaining page (with progress), so the filter searches every title."""

        async def fetch_all() -> None:
            sidebar = self.screen.sidebar
            position = offset
            while True:
                try:
                    page = await self.app.client.conversations(
                        offset=position, limit=MAX_PAGE, is_archived=archived or None
                    )
                except ApiError as error:
                    sidebar.page_failed()
                    self.app.report_error(error, "Loading every conversation")
                    return
                sidebar.add_page(page, archived=archived)
                position += len(page.items)
                sidebar.set_progress(sidebar.loaded, page.total)
                if not page.items or (page.total is not None and position >= page.total):
                    break
            self.app.notify(f"Loaded all {sidebar.loaded:,} conversations.", markup=False)

        self.screen.run_worker(fetch_all(), group="list-page", exclusive=True)

    def toggle_archived(self) -> None:
        # The sidebar asks for the other list's first page and shows it once it arrives.
        self.screen.sidebar.archived = not self.archived

    def resume(self) -> None:
        """Signed in again after a 401: keep the list as it is and fetch what failed."""
        self.ready = True
        self.screen.sidebar.retry()
        pending, self._open_after_sign_in = self._open_after_sign_in, None
        if pending is not None:
            self.open(pending)

    def refresh(self) -> None:
        self.reload_list()
        if self.session is not None:
            self.open(self.session.id, keep_branch=True)

    # -- opening and branches ----------------------------------------------------------------

    def open(self, conversation_id: str, *, keep_branch: bool = True) -> None:
        async def fetch() -> None:
            try:
                conversation = await self.app.client.conversation(conversation_id)
            except NotFoundError:
                # Say what happened and drop the row: the list no longer offers a dead end.
                self.app.report_error(
                    NotFoundError("Not found (deleted elsewhere?): removed from the list."),
                    "Opening the conversation",
                )
                self.screen.sidebar.remove_row(conversation_id)
                return
            except ApiError as error:
                if isinstance(error, AuthError):
                    self._open_after_sign_in = conversation_id
                self.app.report_error(error, "Opening the conversation")
                return
            self.show(conversation, keep_branch=keep_branch)

        self.screen.run_worker(fetch(), group="open", exclusive=True)

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
        session = OpenConversation.build(conversation, leaf)
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
        self._remember()
        self.screen.set_title(session.title, self._detail())
        transcript = self.screen.transcript
        if keep_from is not None and transcript.conversation_id == session.id:
            transcript.replace_from(keep_from, session.messages)
        else:
            transcript.show(session.messages, conversation_id=session.id, title=session.title)
        self.screen.chat.conversation_changed()

    def switch_branch(self, node_id: str, index: int) -> None:
        if self.session is None:
            return
        position = self.session.switch(node_id, index)
        self._remember()
        # The message count in the title bar follows the branch shown.
        self.screen.set_title(self.session.title, self._detail())
        self.screen.transcript.replace_from(position, self.session.messages)
        self.screen.chat.conversation_changed()

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

    def _title_of(self, conversation_id: str) -> str:
        return self._known_title(conversation_id) or UNTITLED

    def _known_title(self, conversation_id: str) -> str | None:
        """The title as the server (or the last rename) has it; None when there is none."""
        if self.session is not None and self.session.id == conversation_id:
            return self.session.conversation.title
        return self.screen.sidebar.title_of(conversation_id)

    def rename(self, conversation_id: str | None) -> None:
        if not conversation_id:
            self.app.notify("Select a conversation first.", markup=False)
            return
        from tui.screens.rename import RenameScreen

        old_title = self._title_of(conversation_id)

        def done(new_title: str | None) -> None:
            # The dialog shows the title cleaned of control characters: enter on it unchanged
            # is not a rename.
            if new_title is None or new_title in (old_title, clean_line(old_title)):
                return
            self._set_title_everywhere(conversation_id, new_title)

            async def patch() -> None:
                try:
                    await self.app.client.rename_conversation(conversation_id, new_title)
                except ApiError as error:
                    self._set_title_everywhere(conversation_id, old_title)
                    self.app.report_error(error, "Rename undone")
                    return
                self.app.notify(f"Renamed to “{clean_line(new_title, limit=60)}”.", markup=False)

            self.screen.run_worker(patch(), group="tidy")

        self.app.push_screen(RenameScreen(old_title), done)

    def _set_title_everywhere(self, conversation_id: str, title: str) -> None:
        self.screen.sidebar.rename_row(conversation_id, title)
        if self.session is not None and self.session.id == conversation_id:
            self.session.conversation.title = title
            self.screen.set_title(title, self._detail())

    def delete(self, conversation_id: str | None) -> None:
        if not conversation_id:
            self.app.notify("Select a conversation first.", markup=False)
            return
        from tui.screens.confirm import ConfirmScreen

        title = self._title_of(conversation_id)

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._remove(conversation_id, "Delete", self.app.client.delete_conversation)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete “{clean_line(title, limit=80)}”?",
                "It disappears from your history on the server.",
                confirm_label="Delete",
                danger=True,
            ),
            done,
        )

    def archive(self, conversation_id: str | None) -> None:
        if not conversation_id:
            self.app.notify("Select a conversation first.", markup=False)
            return
        archive = not self.archived

        async def call(cid: str) -> object:
            return await self.app.client.set_archived(cid, archive)

        self._remove(conversation_id, "Archive" if archive else "Unarchive", call)

    def _remove(self, conversation_id: str, verb: str, call: _Call) -> None:
        """Take the row out at once; put it back if the server refuses.

        A deleted conversation that is open closes; an archived one stays open (it still
        exists, and the reader may be in the middle of it) and its title bar says so.
        """
        title = clean_line(self._title_of(conversation_id), limit=60)
        removed = self.screen.sidebar.remove_row(conversation_id)

        async def run() -> None:
            try:
                await call(conversation_id)
            except ApiError as error:
                if removed is not None:
                    self.screen.sidebar.insert_row(*removed)
                self.app.report_error(error, f"{verb} undone")
                return
            session = self.session
            if session is not None and session.id == conversation_id:
                if verb == "Delete":
                    self.session = None
                    self.screen.transcript.clear()
                    self.screen.set_title(None)
                    self.screen.chat.conversation_changed()
                else:
                    session.conversation.is_archived = verb == "Archive"
                    self.screen.set_title(session.title, self._detail())
            past = {"Delete": "Deleted", "Archive": "Archived", "Unarchive": "Unarchived"}
            self.app.notify(f"{past.get(verb, verb)} “{title}”.", markup=False)

        self.screen.run_worker(run(), group="tidy")

    def generate_title(self, conversation_id: str | None) -> None:
        """Ask the server for a title; it never replaces a title the user set."""
        if not conversation_id:
            self.app.notify("Select a conversation first.", markup=False)
            return
        title = self._known_title(conversation_id)
        if title and title.strip() and title != UNTITLED:
            self.app.notify(
                f"Already titled “{clean_line(title, limit=60)}”: rename it instead (r).",
                markup=False,
            )
            return

        async def run() -> None:
            try:
                message_id = await self._last_message_id(conversation_id)
                if message_id is None:
                    self.app.notify("Nothing to title yet.", markup=False)
                    return
                result = await self.app.client.generate_title(conversation_id, message_id)
            except ApiError as error:
                self.app.report_error(error, "Generating a title")
                return
            if result.title:
                self._set_title_everywhere(conversation_id, result.title)
                self.app.notify(f"Titled “{clean_line(result.title, limit=60)}”.", markup=False)
            else:
                self.app.notify(clean_line(result.message or "No title.", limit=200), markup=False)

        self.screen.run_worker(run(), group="tidy")

    async def _last_message_id(self, conversation_id: str) -> str | None:
        if self.session is not None and self.session.id == conversation_id:
            return self.session.leaf_id
        conversation = await self.app.client.conversation(conversation_id)
        return OpenConversation.build(conversation).leaf_id

    # -- export ------------------------------------------------------------------------------

    def export(self) -> None:
        if self.session is None:
            self.app.notify("Open a conversation to export it.", markup=False)
            return
        from tui.controllers.export_files import ask_and_export

        ask_and_export(self.screen, self.session)

    def item_for_new(self, conversation_id: str, title: str) -> ConversationItem:
        """A sidebar row for a conversation the app just created."""
        now = self.app.now()
        return ConversationItem(id=conversation_id, title=title, create_time=now, update_time=now)


if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    _Call = Callable[[str], Awaitable[object]]
