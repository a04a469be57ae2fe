"""The main screen's side of the controllers: it hosts them and shows what they post.

:class:`ControllerScreen` is the :class:`~tui.controllers.host.Host` of the controllers
(``tui.controllers``): their background work runs as Textual workers of this screen, and every
message they post is handed, before ``post`` returns, to the one handler here that updates the
widgets. The layout and the keys are the main screen's (:mod:`tui.screens.main`).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any, Protocol

from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from tui.api.client import BackendClient
from tui.api.models import ConversationItem
from tui.config import Settings
from tui.controllers import messages as m
from tui.controllers.account_loader import AccountLoader
from tui.controllers.chat import Chat
from tui.controllers.export_files import Exporter
from tui.controllers.list_merge import cursor_after
from tui.controllers.local_copy import LocalCopy
from tui.controllers.marked import MarkedActions
from tui.controllers.reading import History
from tui.controllers.sharing import Sharing
from tui.conversation.tree import VisibleMessage
from tui.text.sanitize import clean_line
from tui.widgets.composer import Composer
from tui.widgets.message_view import FINISH_NOTES
from tui.widgets.sidebar import Sidebar
from tui.widgets.streaming import StreamingReply
from tui.widgets.transcript import Transcript

FRAME_WAIT = 0.5
"""Seconds to wait for the live reply's final render to be drawn before the swap."""

EDITING_TITLE = "Editing a prompt: enter sends it as a new branch"
"""The composer's border title while a prompt is edited into a new branch."""

OFFLINE_MARK = "offline"
"""Shown, dim, at the start of the title bar while the app reads only the local copy."""


_COUNT_PART = re.compile(r"\d[\d,]* messages?")
"""The conversation detail's "6 messages" part."""


def title_detail(where: str, detail: str) -> str:
    """The title bar's dim text: where the focused message is, then the conversation's detail.

    "message 5 of 6" already says how many messages there are, so the detail's "6 messages"
    goes while a message is focused: "message 5 of 6 · branch 2/2 · gpt-4o".
    """
    if not where:
        return detail
    parts = [part for part in detail.split(" · ") if part and not _COUNT_PART.fullmatch(part)]
    return " · ".join([where, *parts])


class AppContext(Protocol):
    """What the main screen needs from the app (the app is above the screens: no import)."""

    @property
    def client(self) -> BackendClient:
        """The one API client."""
        ...

    @property
    def settings(self) -> Settings:
        """The resolved settings."""
        ...

    @property
    def now(self) -> Callable[[], datetime]:
        """The clock (frozen in tests)."""
        ...

    @property
    def local_copy(self) -> LocalCopy:
        """The local store of this backend (``store`` None when there is no usable copy)."""
        ...

    @property
    def cursor_blink(self) -> bool:
        """Whether the composer's cursor blinks (not in snapshots)."""
        ...

    def begin(self) -> None:
        """Sign in, then load the list (called once the screen is mounted)."""
        ...

    def report_error(self, error: BaseException, doing: str) -> None:
        """Say what failed; a refused token brings back the sign-in screen."""
        ...

    def preferred_model(self) -> str | None:
        """The model the settings ask for, or the one picked last time."""
        ...

    def remember_model(self, slug: str) -> None:
        """Keep ``slug`` as the model picked last, for the next run."""
        ...


class ControllerScreen(Screen[None]):
    """Owns the controllers, runs their work and shows their messages."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self._title_parts: tuple[str | None, str] = (None, "")
        """The conversation's title and detail, as the controller last set them."""
        self._where = ""
        """Where the focused message is ("message 12 of 40 · branch 2/3"), or empty."""
        self._offline = context.settings.offline
        """Whether the title bar says "offline" (the app reads only the local copy)."""
        self.context = context
        """The app's parts the screen and its controllers use."""
        client = context.client
        self.history = History(
            self,
            client,
            page_size=context.settings.page_size,
            now=context.now,
            copy=context.local_copy,
            offline=context.settings.offline,
        )
        """Reading and tidying: list paging, opening, branches, rename, delete, archive."""
        self.chat = Chat(
            self, client, self.history, now=context.now, preferred_model=context.preferred_model
        )
        """Writing: send, stream, stop, regenerate, edit, continue."""
        self.history.reply_active = lambda: (
            self.chat.run is not None and (self.chat.run.phase != "done")
        )
        self.exporter = Exporter(self, client)
        """Writes the export the export dialog asks for, or several conversations at once."""
        self.marked = MarkedActions(self, client, self.history)
        """Archives, deletes or exports the conversations marked in the sidebar."""
        web_url = context.settings.web_url.rstrip("/")
        self.account = AccountLoader(self, client, share_url=web_url + "/share/")
        """Fetches what the account dialog shows."""
        self.sharing = Sharing(self, client, web_url=web_url)
        """Copies web links, makes and revokes share links."""
        self._reply: StreamingReply | None = None
        """The live reply on screen (streaming, or kept after it broke off)."""
        self._reply_id = 0
        """The controller's id of :attr:`_reply`: messages about other replies are stale."""
        self._follow_checked = False
        self._drawn = asyncio.Event()
        """Set once the live reply's final render has been drawn."""
        self._removed: dict[str, tuple[int, ConversationItem]] = {}
        """Rows taken out that the server may refuse to let go: where to put them back."""
        self._handlers: dict[type[Any], Callable[[Any], None]] = {
            m.ListRestarted: lambda msg: self.sidebar.reset(msg.archived),
            m.ListPageLoaded: self._page_loaded,
            m.ListPageFailed: lambda _msg: self.sidebar.page_failed(),
            m.ListResumed: lambda _msg: self.sidebar.retry(),
            m.ListComplete: self._list_complete,
            m.ConversationTouched: lambda msg: self.sidebar.move_to_top(msg.item),
            m.TitleChanged: lambda msg: self.sidebar.rename_row(msg.conversation_id, msg.title),
            m.ConversationRemoved: self._removed_row,
            m.ConversationRestored: self._restored_row,
            m.ConversationShown: self._shown,
            m.BranchSwitched: lambda msg: self.transcript.replace_from(
                msg.position, list(msg.messages)
            ),
            m.ConversationClosed: self._conversation_closed,
            m.NewChatStarted: self._new_chat,
            m.TitleBar: lambda msg: self.set_title(msg.title, msg.detail),
            m.DraftShown: self._draft,
            m.EditingChanged: self._editing,
            m.ActionsChanged: lambda _msg: self.refresh_bindings(),
            m.ReplyStarted: self._reply_started,
            m.ReplyText: self._reply_text,
            m.ReplyEnded: self._reply_ended,
            m.ReplyDropped: self._reply_dropped,
            m.ReplyReplaced: self._reply_replaced,
            m.ReplyKept: self._reply_kept,
            m.ReplyAway: self._reply_away,
            m.Replying: lambda msg: self.sidebar.set_replying(msg.conversation_id, msg.replying),
            m.Notice: self._notice,
            m.ErrorNotice: lambda msg: self.context.report_error(msg.error, msg.doing),
            m.OfflineChanged: self._offline_changed,
            m.AccountLoaded: self._account_loaded,
            m.Copied: self._copied,
        }
        """One handler per message type; a message with none (models loaded) changes nothing
        on this screen."""

    # -- the host ----------------------------------------------------------------------------

    def post(self, message: m.ControllerMessage) -> None:
        """Show ``message`` now (synchronously: a stream chunk costs a dict lookup and a call)."""
        if self.app.return_code is not None:
            return  # the app is closing: its widgets may be gone already, nothing is shown
        handler = self._handlers.get(type(message))
        if handler is not None:
            handler(message)

    def run(
        self, work: Coroutine[Any, Any, None], *, group: str, exclusive: bool = False
    ) -> Worker[None]:
        """Run ``work`` as a worker of this screen (tests wait on the app's workers)."""
        return self.run_worker(work, group=group, exclusive=exclusive)

    def typed_text(self) -> str:
        """The composer's text, as it is now."""
        return self.composer.text

    async def prepare(self, messages: Sequence[VisibleMessage]) -> None:
        """Let the live reply's final render reach the screen, then render ``messages`` ahead
        off the event loop (the live reply's lines are reused for the same text)."""
        reply = self._reply
        if reply is not None and reply.is_attached and not self._drawn.is_set():
            # Bounded: a reply removed meanwhile never refreshes, and the sync must end.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drawn.wait(), FRAME_WAIT)
        await self.transcript.prepare(messages, reply.rendered() if reply is not None else None)

    # -- parts -------------------------------------------------------------------------------

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def composer(self) -> Composer:
        return self.query_one(Composer)

    @property
    def live_reply(self) -> StreamingReply | None:
        """The live reply on screen, if any (streaming, or kept after it broke off)."""
        return self._reply

    def set_title(self, title: str | None, detail: str = "") -> None:
        """The bar above the transcript: the open conversation's title (plain text, no markup)."""
        self._title_parts = (title, detail)
        self._show_title()

    def on_transcript_focus_moved(self, message: Transcript.FocusMoved) -> None:
        """Show where the focused message is, before the conversation's own detail."""
        self._where = message.where
        self._show_title()

    def _show_title(self) -> None:
        title, detail = self._title_parts
        detail = title_detail(self._where, detail)
        bar = self.query_one("#chat-title", Static)
        # First on the line, so a long title never pushes it out of sight.
        mark = Content(OFFLINE_MARK).stylize("dim italic") + Content("  ")
        # layout=False: the bar is one row whatever it says (styles/app.tcss); a layout would
        # arrange the whole screen again on every j / k that moves the focused message.
        if title is None:
            text = Content("backchat").stylize("bold")
            bar.update(mark + text if self._offline else text, layout=False)
            bar.set_class(True, "-empty")
            return
        bar.set_class(False, "-empty")
        text = Content(clean_line(title, limit=200)).stylize("bold")
        if detail:
            text = text + Content("  ") + Content(clean_line(detail)).stylize("dim")
        bar.update(mark + text if self._offline else text, layout=False)

    def _offline_changed(self, message: m.OfflineChanged) -> None:
        self._offline = message.offline
        self._show_title()
        if not message.offline:
            # Not asked for while offline: the picker needs them for the next new chat.
            self.chat.load_models()

    # -- the list ----------------------------------------------------------------------------

    def _page_loaded(self, message: m.ListPageLoaded) -> None:
        sidebar = self.sidebar
        if (
            message.page.offset == 0
            and sidebar.loaded
            and message.archived == sidebar.shown_archived
        ):
            # A first page replaces the rows shown (the stored list at start, or a refresh):
            # the cursor stays on its conversation, or the nearest one still listed.
            old_ids, cursor = sidebar.visible_ids, sidebar.highlighted_id
            sidebar.add_page(message.page, archived=message.archived)
            target = cursor_after(old_ids, cursor, sidebar.visible_ids)
            if target is not None and target != sidebar.highlighted_id:
                sidebar.select_id(target)
        else:
            sidebar.add_page(message.page, archived=message.archived)
        if message.loading_all:
            sidebar.set_progress(sidebar.loaded, message.page.total)

    def _list_complete(self, _message: m.ListComplete) -> None:
        self.notify(f"Loaded all {self.sidebar.loaded:,} conversations.", markup=False)

    def _removed_row(self, message: m.ConversationRemoved) -> None:
        removed = self.sidebar.remove_row(message.conversation_id)
        if removed is not None and message.undoable:
            self._removed[message.conversation_id] = removed

    def _restored_row(self, message: m.ConversationRestored) -> None:
        removed = self._removed.pop(message.conversation_id, None)
        if removed is not None:
            self.sidebar.insert_row(*removed)

    # -- the open conversation ---------------------------------------------------------------

    def _shown(self, message: m.ConversationShown) -> None:
        session, transcript = message.session, self.transcript
        if message.keep_from is not None and transcript.conversation_id == session.id:
            transcript.replace_from(message.keep_from, session.messages)
        else:
            transcript.show(session.messages, conversation_id=session.id)

    def _conversation_closed(self, _message: m.ConversationClosed) -> None:
        self.transcript.clear()
        self.set_title(None)

    def _new_chat(self, message: m.NewChatStarted) -> None:
        self.transcript.clear()
        self.set_title(message.label, message.model)
        self.composer.focus()

    # -- the composer ------------------------------------------------------------------------

    def _draft(self, message: m.DraftShown) -> None:
        composer = self.composer
        composer.text = message.text
        if message.cursor_at_end:
            composer.move_cursor(composer.document.end)
        if message.focus:
            composer.focus()

    def _editing(self, message: m.EditingChanged) -> None:
        composer = self.composer
        composer.border_title = EDITING_TITLE if message.editing else ""
        composer.set_class(message.editing, "-editing")
        self.refresh_bindings()

    # -- the live reply ----------------------------------------------------------------------

    def _reply_started(self, message: m.ReplyStarted) -> None:
        transcript = self.transcript
        if self._reply is not None and self._reply.is_attached:
            # A broken-off reply kept on screen from the last run gives way to the new one.
            self._reply.remove()
        if message.thread is not None:
            transcript.replace_from(message.keep_position, list(message.thread))
        if message.prompt is not None:
            transcript.append_message(message.prompt)
        self._reply = StreamingReply(model_slug=message.model, initial_text=message.initial_text)
        self._reply_id = message.reply_id
        self._follow_checked = False
        self._drawn.clear()
        transcript.mount_reply(self._reply)
        # As on the web: sending (or coming back to a chat that replies) shows the bottom and
        # follows the reply, even if the reader had scrolled up; scrolling up lets go again.
        transcript.follow_end()
        self.composer.busy = True

    def _current(self, reply_id: int) -> StreamingReply | None:
        return self._reply if reply_id == self._reply_id else None

    def _reply_text(self, message: m.ReplyText) -> None:
        reply = self._current(message.reply_id)
        if reply is None:
            return
        if message.replace:
            reply.replace_text(message.text)
        else:
            reply.append(message.text)
        if not self._follow_checked:
            # Once, as the reply starts: from here the transcript's anchor follows the bottom
            # while the user stays there, and lets go when they scroll up.
            self._follow_checked = True
            self.transcript.scroll_to_end_if_following()

    def _reply_ended(self, message: m.ReplyEnded) -> None:
        self.composer.busy = False
        reply = self._current(message.reply_id)
        if reply is None:
            return
        note = FINISH_NOTES[message.status][1] if message.status in FINISH_NOTES else ""
        if message.status == "interrupted":
            note = f"{message.reason} · {note}"
        reply.finish(text=message.text, status=message.status, note=note)
        drawn = self._drawn
        drawn.clear()
        reply.call_after_refresh(drawn.set)

    def _reply_dropped(self, message: m.ReplyDropped) -> None:
        self.composer.busy = False
        reply = self._current(message.reply_id)
        if reply is not None:
            reply.remove()
        if message.thread is not None:
            self.transcript.replace_from(message.keep_position, list(message.thread))
        elif message.clear:
            self.transcript.clear()

    def _reply_replaced(self, message: m.ReplyReplaced) -> None:
        reply = self._current(message.reply_id)
        if reply is not None:
            reply.remove()

    def _reply_away(self, message: m.ReplyAway) -> None:
        """Another chat is on screen: the reply streams on unseen, and escape, the busy border
        and the footer's stop key are that chat's no more."""
        reply = self._current(message.reply_id)
        if reply is not None:
            if reply.is_attached:
                reply.remove()
            self._reply = None
        self.composer.busy = False

    def _reply_kept(self, message: m.ReplyKept) -> None:
        reply = self._current(message.reply_id)
        if reply is None:
            return
        kept = StreamingReply(model_slug=reply.model_slug, initial_text=reply.text)
        kept.finish(status=reply.status, note=reply.note)
        self._reply = kept
        self.transcript.mount_reply(kept)

    # -- notices and dialogs -----------------------------------------------------------------

    def _notice(self, message: m.Notice) -> None:
        if message.timeout is None:
            self.notify(message.text, severity=message.severity, markup=False)
        else:
            self.notify(
                message.text, severity=message.severity, timeout=message.timeout, markup=False
            )

    def _copied(self, message: m.Copied) -> None:
        # The same path as copying a message (OSC 52 through Textual).
        self.app.copy_to_clipboard(message.text)
        self.notify(message.notice, markup=False)

    def _account_loaded(self, message: m.AccountLoaded) -> None:
        from tui.screens.account import AccountScreen

        self.app.push_screen(
            AccountScreen(
                message.overview,
                request_export=self.account.request_export,
                revoke_link=self.sharing.revoke,
                now=self.context.now,
            )
        )
