"""The main screen: sidebar | (title bar, transcript, composer), and the pane-level keys.

Handlers here are thin: they turn keys, widget messages and dialog answers into calls on the
controllers (``tui.controllers.reading`` for reading and tidying, ``tui.controllers.chat`` for
writing), which own the I/O. What the controllers post back is shown by
:class:`~tui.screens.hosting.ControllerScreen`, which this screen is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker

from tui.controllers import messages as m
from tui.rendering.gc_tuning import settle_heap
from tui.screens.hosting import AppContext, ControllerScreen
from tui.screens.search_jump import SearchJump
from tui.screens.slow_watch import CANCELLABLE, watch_requests
from tui.text.sanitize import clean_line
from tui.widgets.composer import Composer
from tui.widgets.conversation_list import ConversationList
from tui.widgets.find_bar import FindBar
from tui.widgets.footer import KeyFooter
from tui.widgets.sidebar import Sidebar
from tui.widgets.transcript import Transcript

if TYPE_CHECKING:
    from tui.store.store import Store

NARROW_WIDTH = 100
"""Below this many columns the sidebar narrows (styles/sidebar.tcss), leaving the text room."""
COMPACT_WIDTH = 70
"""Below this many columns the sidebar starts hidden; ctrl+b shows it over a narrower text."""


class MainScreen(ControllerScreen):
    """The one screen users spend their time on."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's own reactive (checked on 8.2.8), redeclared without ``repaint``: Screen's
    repaints the *whole screen* on every focus change, so ``j`` from one message to the next
    re-rendered the sidebar, every message on screen and the footer. What a focus change does
    show is repainted anyway: the two widgets' focus styles are updated (which refreshes them)
    and the footer listens for the bindings (bench/key_latency.py measures it)."""

    AUTO_FOCUS = "#sidebar-list"
    """The list has the focus from the first frame. Textual's default (the first focusable
    widget) is the hidden filter box, and moving the focus from it on mount cost a second
    rebuild of the footer on the way to the first page."""

    # The footer shows only the most used keys, so that it fits 120 columns (the snapshot
    # size) whichever pane has the focus, with the pane's own keys in front: open or send, new
    # chat, rename, delete, filter, help, quit, and stop or continue while they apply. Every
    # other key has show=False and stays in the command palette, the ? dialog and the keymap.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "cycle_focus(1)", "Next pane", id="app.focus_next", show=False),
        Binding(
            "shift+tab", "cycle_focus(-1)", "Previous pane", id="app.focus_previous", show=False
        ),
        Binding(
            "ctrl+b",
            "toggle_sidebar",
            "Sidebar",
            id="app.toggle_sidebar",
            show=False,
            tooltip="Hide or show the conversation sidebar",
        ),
        Binding("ctrl+n", "new_chat", "New chat", id="chat.new", tooltip="Start a new chat"),
        Binding(
            "ctrl+f",
            "search",
            "Search history",
            id="history.search",
            show=False,
            priority=True,
            tooltip="Search every stored conversation (or the server) and open a hit",
        ),
        Binding(
            "r", "rename", "Rename", id="conversation.rename", tooltip="Rename the conversation"
        ),
        Binding("d", "delete", "Delete", id="conversation.delete", tooltip="Delete (asks first)"),
        Binding(
            "a",
            "archive",
            "Archive",
            id="conversation.archive",
            show=False,
            tooltip="Archive, or unarchive in the archived list",
        ),
        Binding(
            "A",
            "toggle_archived",
            "Archived list",
            id="sidebar.toggle_archived",
            show=False,
            tooltip="Show the archived conversations, or the main list again",
        ),
        Binding(
            "t",
            "generate_title",
            "Generate title",
            id="conversation.generate_title",
            show=False,
            tooltip="Ask the server for a title (never replaces one you set)",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="conversation.export",
            show=False,
            tooltip="Export the branch or the whole tree to Markdown or JSON",
        ),
        Binding(
            "l",
            "copy_web_link",
            "Copy web link",
            id="conversation.copy_web_link",
            show=False,
            tooltip="Copy the conversation's chatgpt.com link",
        ),
        Binding(
            "S",
            "share",
            "Share link",
            id="conversation.share",
            show=False,
            tooltip="Create a public share link of the shown branch and copy it",
        ),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            id="app.refresh",
            show=False,
            tooltip="Reload the list and chat",
        ),
        Binding(
            "escape",
            "stop",
            "Stop",
            id="chat.stop",
            tooltip="Stop the reply that is streaming",
        ),
        Binding(
            "g",
            "regenerate",
            "Regenerate",
            id="chat.regenerate",
            show=False,
            tooltip="Regenerate the last reply as a new branch",
        ),
        Binding(
            "E",
            "edit",
            "Edit prompt",
            id="chat.edit",
            show=False,
            tooltip="Edit the focused prompt into a new branch",
        ),
        Binding(
            "ctrl+t",
            "continue",
            "Continue",
            id="chat.continue",
            tooltip="Continue a reply that was cut off",
        ),
    ]
    """Pane-level keys; each is also in the command palette and remappable by id."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self._pending_pane: int | None = None
        """The pane tab last asked for, until the focus lands there (see on_descendant_focus)."""
        self._models_after_page = False
        """Whether the model list is to be fetched when the list's page worker ends."""
        self._compact: bool | None = None
        """Whether the screen was last below COMPACT_WIDTH (None before the first size)."""
        self.search_jump = SearchJump(self, lambda: self.search_store())
        """Opens search hits at their message; n / N step through them."""

    def compose(self) -> ComposeResult:
        sidebar = Sidebar(now=self.context.now, id="sidebar")
        stored = self.history.stored_first_page()
        if stored is not None:
            # The local copy's list is in the first frame; the server's first page then takes
            # its place, the cursor kept on its conversation (hosting.py, _page_loaded).
            sidebar.add_page(stored)
        with Horizontal(id="body"):
            yield sidebar
            with Vertical(id="chat"):
                yield Static(id="chat-title")
                yield Transcript(now=self.context.now, id="transcript")
                yield FindBar(id="find-bar")
                composer = Composer(id="composer")
                composer.cursor_blink = self.context.cursor_blink
                yield composer
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fit_width(self.app.size.width)
        self.set_title(None)  # the list has the focus already (AUTO_FOCUS)
        self.slow = watch_requests(self)
        """Says when the server is slow; escape stops waiting (see tui/screens/slow_watch.py)."""
        # After the first frame: it shows the stored list, and the first request imports httpx
        # (bench/app_startup_store.py measures the frame).
        self.call_after_refresh(self.context.begin)

    # -- parts -------------------------------------------------------------------------------

    def binding_owners(self) -> list[tuple[str, DOMNode]]:
        """(group title, node) for the help screen and the command palette."""
        return [
            ("Panes", self),
            ("Sidebar", self.sidebar),
            ("Sidebar", self.sidebar.query_one(ConversationList)),
            ("Messages", self.transcript),
            ("Find", self.query_one(FindBar)),
            ("Composer", self.composer),
        ]

    def signed_in(self) -> None:
        """The client has a token: load the first page of the list.

        After a sign-in that a 401 brought back, what is on screen stays: only what failed is
        fetched again.
        """
        if self.history.ready:
            self.history.resume()
            if not self.history.offline:
                self.chat.load_models()
        else:
            # The model list serves only the picker and new chats: it is asked for once the
            # list's first page has come (or failed), so the two requests do not compete on
            # the way to the first page (bench/app_startup.py).
            self._models_after_page = True
            self.history.reload_list()

    def _shown(self, message: m.ConversationShown) -> None:
        """Show the conversation; it may be where a search hit waits. (An override of this
        one handler, not of ``post``: every stream chunk goes through ``post``.)"""
        super()._shown(message)
        self.search_jump.shown(message.session)

    # -- search and find ---------------------------------------------------------------------

    def search_store(self) -> Store | None:
        """The local copy ctrl+f searches: the one the app reads through and fills (the app's
        ``local_copy``); when that could not be opened, :meth:`SearchJump.store` tries again
        and the search dialog says what is wrong with it."""
        store = self.context.local_copy.store
        return store if store is not None else self.search_jump.store()

    def on_unmount(self) -> None:
        self.search_jump.close()

    def action_search(self) -> None:
        """ctrl+f: search the history; enter on a hit opens it at the message."""
        self.search_jump.open_dialog()

    @on(Transcript.MatchStep)
    def _match_step(self, event: Transcript.MatchStep) -> None:
        self.search_jump.step(event.step)

    @on(Transcript.FindWanted)
    def _find_wanted(self) -> None:
        self.query_one(FindBar).open()

    @on(FindBar.Changed)
    def _find_changed(self, event: FindBar.Changed) -> None:
        self.transcript.set_find(event.text)

    @on(FindBar.Stepped)
    def _find_stepped(self, event: FindBar.Stepped) -> None:
        self.transcript.step_find(event.step)

    @on(Transcript.FindMoved)
    def _find_moved(self, event: Transcript.FindMoved) -> None:
        self.query_one(FindBar).show_count(event.index, event.total)

    @on(Transcript.FindDismissed)
    def _find_dismissed(self) -> None:
        self.query_one(FindBar).action_close()

    @on(FindBar.Closed)
    def _find_closed(self) -> None:
        self.transcript.clear_find()
        self.transcript.focus()

    @on(Worker.StateChanged)
    def _watch_slow(self, event: Worker.StateChanged) -> None:
        self.slow.changed(event.worker)

    @on(Worker.StateChanged)
    def _list_page_settled(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "list-page" or not event.worker.is_finished:
            return
        if self._models_after_page:
            self._models_after_page = False
            if not self.history.offline:
                self.chat.load_models()
            # Start-up is over: its heap is set aside from full collections, which would
            # otherwise walk it all again whenever a conversation opens (settle_heap).
            self.call_after_refresh(settle_heap)

    # -- width -------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit_width(event.size.width)

    def _fit_width(self, width: int) -> None:
        """Narrow the sidebar below NARROW_WIDTH; hide it on reaching COMPACT_WIDTH.

        The sidebar's visibility follows the width only when the width crosses COMPACT_WIDTH,
        so a sidebar the user showed or hid with ctrl+b stays so while the terminal is resized
        within the same band.
        """
        compact = width < COMPACT_WIDTH
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.set_class(compact, "-compact")
        if compact != self._compact:
            self._compact = compact
            self._show_sidebar(not compact)

    def action_toggle_sidebar(self) -> None:
        """ctrl+b: hide the sidebar, or show it and move the focus to it."""
        self._show_sidebar(self.has_class("-sidebar-hidden"), move_focus=True)

    @property
    def sidebar_shown(self) -> bool:
        return not self.has_class("-sidebar-hidden")

    def _show_sidebar(self, shown: bool, move_focus: bool = False) -> None:
        focused = self.focused
        in_sidebar = focused is not None and self.sidebar in focused.ancestors_with_self
        self.set_class(not shown, "-sidebar-hidden")
        if shown and move_focus:
            self.sidebar.focus()
        elif not shown and (in_sidebar or focused is None):
            # A hidden widget keeps the focus in Textual; the messages take it instead.
            self.transcript.focus()

    # -- focus -------------------------------------------------------------------------------

    def action_cycle_focus(self, step: int) -> None:
        """tab / shift+tab: sidebar → messages → composer (not every message in between)."""
        panes: list[DOMNode] = [self.sidebar, self.transcript, self.composer]
        if not self.sidebar_shown:
            panes.remove(self.sidebar)
        current = self._pending_pane
        if current is None:
            focused = self.focused
            current = next(
                (
                    index
                    for index, pane in enumerate(panes)
                    if focused is not None and pane in focused.ancestors_with_self
                ),
                0,
            )
        self._pending_pane = (current + step) % len(panes)
        target = panes[self._pending_pane]
        if target is self.sidebar:
            self.sidebar.focus()
        elif target is self.transcript:
            self.transcript.focus()
        else:
            self.composer.focus()

    def on_descendant_focus(self) -> None:
        # Widget.focus() applies later (Textual 8.2.8 queues it), so two quick tabs would both
        # start from the old pane; until the focus lands, cycling continues from the pane asked
        # for last.
        self._pending_pane = None

    # -- sidebar and transcript messages -----------------------------------------------------

    @on(Sidebar.PageWanted)
    def _page_wanted(self, event: Sidebar.PageWanted) -> None:
        self.history.load_page(event.offset, event.archived)

    @on(Sidebar.LoadAllWanted)
    def _load_all_wanted(self, event: Sidebar.LoadAllWanted) -> None:
        self.history.load_all(event.offset, event.archived)

    @on(Sidebar.Opened)
    def _opened(self, event: Sidebar.Opened) -> None:
        self.history.open(event.conversation_id)

    @on(Transcript.HiddenToggled)
    def _toggle_hidden(self) -> None:
        self.history.toggle_hidden()

    @on(Transcript.BranchRequested)
    def _branch(self, event: Transcript.BranchRequested) -> None:
        self.history.switch_branch(event.node_id, event.index)

    @on(Composer.Submitted)
    def _submitted(self, event: Composer.Submitted) -> None:
        # Offline, the prompt stays in the composer: nothing typed is lost.
        if not self.history.needs_server("Sending"):
            self.chat.send_prompt(event.text)

    @on(Composer.Refused)
    def _refused(self) -> None:
        self.notify(
            "A reply is still streaming: one at a time per account. Press esc to stop it.",
            severity="warning",
            markup=False,
        )

    # -- actions ---------------------------------------------------------------------------

    def action_rename(self) -> None:
        conversation_id = self._target_id()
        if not self.history.has_target(conversation_id) or self.history.needs_server("Renaming"):
            return
        from tui.screens.rename import RenameScreen

        old_title = self.history.title_of(conversation_id)

        def answered(new_title: str | None) -> None:
            if new_title is not None:
                self.history.rename(conversation_id, old_title, new_title)

        self.app.push_screen(RenameScreen(old_title), answered)

    def action_delete(self) -> None:
        marked = self._marked_ids()
        if marked:
            self._delete_marked(marked)
            return
        conversation_id = self._target_id()
        if not self.history.has_target(conversation_id) or self.history.needs_server("Deleting"):
            return
        title = self.history.title_of(conversation_id)
        self._confirm_delete(
            f"Delete “{clean_line(title, limit=80)}”?",
            "It disappears from your history on the server.",
            lambda: self.history.delete(conversation_id),
        )

    def action_archive(self) -> None:
        marked = self._marked_ids()
        if marked:
            self.marked.archive(marked)
        else:
            self.history.archive(self._target_id())

    def _delete_marked(self, marked: list[str]) -> None:
        """One question naming the count, then every marked conversation is deleted."""
        from tui.controllers.marked import plural

        self._confirm_delete(
            f"Delete {plural(len(marked))}?",
            "They disappear from your history on the server.",
            lambda: self.marked.delete(marked),
        )

    def _confirm_delete(self, question: str, detail: str, delete: Callable[[], None]) -> None:
        """Ask ``question`` with a red Delete button; ``delete`` runs only on a yes."""
        from tui.screens.confirm import ConfirmScreen

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                delete()

        self.app.push_screen(
            ConfirmScreen(question, detail, confirm_label="Delete", danger=True), answered
        )

    def _export_marked(self, marked: list[str]) -> None:
        """Ask the format and scope once; each marked conversation gets its own file (named
        by the export controller, never replacing one) in the folder of the path chosen."""
        from tui.controllers.marked import plural
        from tui.screens.export_dialog import ExportChoice, ExportScreen

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self.marked.export(marked, choice.scope, choice.fmt, choice.path.parent)

        dialog = ExportScreen(
            plural(len(marked)),
            directory=self.context.settings.export_folder,
            day=self.context.now().date(),
        )
        self.app.push_screen(dialog, chosen)

    def action_toggle_archived(self) -> None:
        self.history.toggle_archived()

    def action_generate_title(self) -> None:
        self.history.generate_title(self._target_id())

    def action_export(self) -> None:
        """Ask what and where, ask again before replacing a file, then write it."""
        marked = self._marked_ids()
        if marked:
            self._export_marked(marked)
            return
        session = self.history.exportable()
        if session is None:
            return
        from tui.controllers.export_files import conversation_date
        from tui.screens.export_dialog import ExportChoice, ask_export

        def write(choice: ExportChoice) -> None:
            self.exporter.export(session, choice.scope, choice.fmt, choice.path)

        today = self.context.now().date()
        ask_export(
            self.app,
            session.title,
            write,
            directory=self.context.settings.export_folder,
            day=conversation_date(session.conversation, today),
        )

    def action_copy_web_link(self) -> None:
        conversation_id = self._target_id()
        if self.history.has_target(conversation_id):
            self.sharing.copy_web_link(conversation_id)

    def action_share(self) -> None:
        if not self.history.needs_server("Sharing"):
            self.sharing.share(self.history.session)

    def action_refresh(self) -> None:
        self.history.refresh()

    def action_new_chat(self) -> None:
        if self.history.needs_server("A new chat"):
            return
        from tui.screens.model_picker import ModelChoice, ModelPickerScreen

        def chosen(choice: ModelChoice | None) -> None:
            if choice is None:
                return
            self.context.remember_model(choice.slug)
            self.chat.start_new_chat(choice.slug, temporary=choice.temporary)

        picker = ModelPickerScreen(self.chat.picker_models(), self.chat.default_model())
        self.app.push_screen(picker, chosen)

    def show_account(self) -> None:
        """Fetch the account details; the account dialog opens once they are here."""
        self.account.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Stop and continue are in the footer (clickable) only while they can do something."""
        if action == "stop":
            return self.chat.can_stop() or bool(self.slow.slow)
        if action == "continue":
            return self.chat.can_continue()
        return True

    def action_stop(self) -> None:
        # A slow load, open or change is given up first; a reply is stopped by the chat.
        if not self.slow.cancel_slow(groups=CANCELLABLE):
            self.chat.stop()

    def action_regenerate(self) -> None:
        if not self.history.needs_server("Regenerating"):
            self.chat.regenerate()

    def action_edit(self) -> None:
        if not self.history.needs_server("Editing a prompt"):
            self.chat.edit(self.transcript.focused_message)

    def action_continue(self) -> None:
        if not self.history.needs_server("Continuing a reply"):
            self.chat.continue_reply()

    def _marked_ids(self) -> list[str]:
        """The marked conversations, while the sidebar has the focus (else none)."""
        focused = self.focused
        if focused is not None and self.sidebar in focused.ancestors_with_self:
            return self.sidebar.marked_ids
        return []

    def _target_id(self) -> str | None:
        """The conversation a tidy action means: the sidebar's row, else the open one."""
        focused = self.focused
        if focused is not None and self.sidebar in focused.ancestors_with_self:
            return self.sidebar.highlighted_id
        return self.history.open_id or self.sidebar.highlighted_id
