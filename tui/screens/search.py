"""ctrl+f: search the whole history, the local copy as you type or the server page by page.

The dialog hosts the search controller (:mod:`tui.controllers.search`): its workers run here,
and what the controller posts is shown here. Results are one ``OptionList`` (one light widget
for every row, cheap to redraw on each key), each option two lines built as ``Content`` by
:mod:`tui.widgets.search_rows`. ``enter`` dismisses with a :class:`SearchTarget`; the main
screen opens the conversation at that message (:mod:`tui.screens.search_jump`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from tui.api.client import BackendClient
from tui.controllers.search import LOCAL_LIMIT, Searcher
from tui.controllers.search_messages import (
    LocalResults,
    SearchFailed,
    SearchMessage,
    ServerResults,
    StoreDescribed,
)
from tui.paths import styles_dir
from tui.screens.modal import MODALS_CSS_PATH, KeyHints
from tui.store.records import StoreCounts
from tui.text.sanitize import clean_line
from tui.widgets.search_rows import hit_row, item_row

if TYPE_CHECKING:
    from tui.store.store import Store

PLACEHOLDER = 'words, "a phrase", prefix*, -exclude'
"""The query box's hint."""
EMPTY_STORE = (
    "Your local copy is empty. Fill it with `backchat sync` (or `backchat import` an export), "
    "or press {key} to search the server."
)
"""Said when there is nothing stored to search."""
NEEDS_SERVER = "Server search needs the server: {reason}"
"""Said when the server cannot be asked."""
PAGE_AHEAD = 3
"""Ask for the server's next page when the highlight comes this close to the end."""


@dataclass(frozen=True, slots=True)
class SearchTarget:
    """The hit the user chose: open this conversation at this message."""

    conversation_id: str
    message_id: str | None
    """The matched message's node (None: the server named none; open the conversation)."""
    query: str
    """What was searched, for the next/previous hit keys."""


class SearchScreen(ModalScreen[SearchTarget | None]):
    """Search every stored conversation (or the server) and pick a hit to open."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [MODALS_CSS_PATH, styles_dir() / "search.tcss"]
    """The shared dialog stylesheet, then the search dialog's own sizes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open",
            "open",
            priority=True,
            id="search.open",
            tooltip="Open the conversation at the highlighted hit",
        ),
        Binding(
            "ctrl+s",
            "toggle_source",
            "local/server",
            priority=True,
            id="search.toggle_source",
            tooltip="Search the server instead of the local copy, or back",
        ),
        Binding("escape", "cancel", "close", id="search.cancel", tooltip="Close the search"),
        Binding("down", "move(1)", "Next hit", show=False, priority=True, id="search.down"),
        Binding("up", "move(-1)", "Previous hit", show=False, priority=True, id="search.up"),
        Binding("pagedown", "move(5)", "Page down", show=False, id="search.page_down"),
        Binding("pageup", "move(-5)", "Page up", show=False, id="search.page_up"),
    ]
    """enter opens, ctrl+s switches local/server, esc closes; the arrows move in the results
    while the query box keeps the focus."""

    def __init__(
        self,
        *,
        store: Store | None,
        client: BackendClient | None,
        now: Callable[[], datetime],
        server_note: str = "",
        query: str = "",
        store_problem: str = "",
    ) -> None:
        """``client`` None (or a ``server_note`` saying why) means no server search;
        ``store_problem`` says why ``store`` is None (it could not be opened)."""
        super().__init__()
        self.searcher = Searcher(self, store=store, client=client, store_problem=store_problem)
        """Runs the searches; posts what they found here."""
        self._now = now
        self._server_note = server_note
        self._initial = query
        self.on_server = False
        """True: the server is searched; False: the local copy."""
        self._counts: StoreCounts | None = None
        self._store_problem = ""
        self._targets: list[SearchTarget] = []
        """What each option opens, in option order."""
        self._cursor: str | None = None
        """The server's next page (None: no more)."""
        self._paging = False
        """A further server page is on its way."""
        self._shown_query: str | None = None
        """The query whose results are on screen."""

    # -- the host ----------------------------------------------------------------------------

    def post(self, message: SearchMessage) -> None:
        """Show what the search controller found."""
        if isinstance(message, StoreDescribed):
            self._counts, self._store_problem = message.counts, message.problem
            self._show_status()
        elif isinstance(message, LocalResults):
            if not self.on_server:
                self._show_local(message)
        elif isinstance(message, ServerResults):
            if self.on_server:
                self._show_server(message)
        elif isinstance(message, SearchFailed) and message.server == self.on_server:
            self._paging = False
            reason = clean_line(message.reason, limit=200)
            self._set_status(NEEDS_SERVER.format(reason=reason) if message.server else reason)

    def run(
        self, work: Coroutine[Any, Any, None], *, group: str, exclusive: bool = False
    ) -> Worker[None]:
        """Run ``work`` as a worker of this dialog (closing it cancels the search)."""
        return self.run_worker(work, group=group, exclusive=exclusive)

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="search-box"):
            yield Label("Search your history", classes="modal-title")
            with Vertical(classes="modal-body"):
                yield Input(self._initial, placeholder=PLACEHOLDER, id="search-query")
                yield Static(id="search-status", markup=False)
                yield OptionList(id="search-results", markup=False)
            yield KeyHints(classes="modal-hints")

    def on_mount(self) -> None:
        results = self.query_one("#search-results", OptionList)
        results.can_focus = False
        # The mouse wheel scrolls without moving the highlight: the next page follows it too.
        self.watch(results, "scroll_y", self._scrolled, init=False)
        self.query_one(Input).focus()
        self.searcher.describe()
        self._show_status()
        if self._initial:
            self._search(self._initial)

    @property
    def results(self) -> OptionList:
        return self.query_one("#search-results", OptionList)

    @property
    def shown_query(self) -> str | None:
        """The query whose results are on screen (None: none yet)."""
        return self._shown_query

    @property
    def targets(self) -> tuple[SearchTarget, ...]:
        """What each result opens, in order."""
        return tuple(self._targets)

    @property
    def query_text(self) -> str:
        return self.query_one(Input).value

    # -- searching ---------------------------------------------------------------------------

    @on(Input.Changed, "#search-query")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        self._cursor = None
        self._paging = False
        if self.on_server:
            self.searcher.server(query)
        else:
            self.searcher.local(query)

    def _show_local(self, message: LocalResults) -> None:
        now = self._now()
        self._targets = [
            SearchTarget(hit.conversation_id, hit.message_id, message.query) for hit in message.hits
        ]
        options = [Option(hit_row(hit, now)) for hit in message.hits]
        self._replace(options, message.query)

    def _show_server(self, message: ServerResults) -> None:
        now = self._now()
        words = message.query.replace('"', " ").split()
        targets = [
            SearchTarget(item.conversation_id, item.payload.message_id, message.query)
            for item in message.items
        ]
        options = [Option(item_row(item, words, now)) for item in message.items]
        self._cursor = message.cursor
        self._paging = False
        if message.more:
            self._targets.extend(targets)
            self.results.add_options(options)
            self._show_status()
        else:
            self._targets = targets
            self._replace(options, message.query)

    def _replace(self, options: list[Option], query: str) -> None:
        results = self.results
        results.clear_options()
        results.add_options(options)
        if options:
            results.highlighted = 0
        self._shown_query = query
        self._show_status()

    # -- the status line ---------------------------------------------------------------------

    def _toggle_key(self) -> str:
        for key, binding in self.active_bindings.items():
            if binding.binding.action == "toggle_source":
                return self.app.get_key_display(binding.binding) or key
        return "ctrl+s"

    def _show_status(self) -> None:
        self._set_status(self.status_text())

    def status_text(self) -> str:
        """What the line under the query box says now."""
        count = len(self._targets)
        query = self.query_text.strip() if self.is_mounted else self._initial.strip()
        if self.on_server:
            if self._server_note:
                return NEEDS_SERVER.format(reason=self._server_note)
            head = f"Server search ({self._toggle_key()}: local copy)"
            if not query:
                return f"{head} · type to search"
            more = " · more below" if self._cursor else ""
            return f"{head} · {count} hit{'s' if count != 1 else ''}{more}"
        if self._store_problem:
            return self._store_problem
        counts = self._counts
        if counts is not None and counts.messages == 0:
            return EMPTY_STORE.format(key=self._toggle_key())
        stored = f" · {counts.conversations:,} conversations" if counts is not None else ""
        head = f"Local copy{stored} ({self._toggle_key()}: server)"
        if not query:
            return f"{head} · type to search"
        if self._shown_query is None:
            return head
        best = " best" if count >= LOCAL_LIMIT else ""
        return f"{head} · {count or 'no'}{best} hit{'s' if count != 1 else ''}"

    def _set_status(self, text: str) -> None:
        if self.is_mounted:
            self.query_one("#search-status", Static).update(Content(text))

    # -- keys --------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        """Move the highlight in the results (the query box keeps the focus)."""
        results = self.results
        if not results.option_count:
            return
        current = results.highlighted if results.highlighted is not None else -1
        results.highlighted = max(0, min(current + step, results.option_count - 1))

    @on(OptionList.OptionHighlighted, "#search-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Ask for the server's next page as the highlight nears the end of the list."""
        if event.option_index >= event.option_list.option_count - PAGE_AHEAD:
            self._next_page()

    def _scrolled(self, scroll_y: float) -> None:
        results = self.results
        if scroll_y >= results.max_scroll_y - PAGE_AHEAD:
            self._next_page()

    def _next_page(self) -> None:
        if self.on_server and self._cursor is not None and not self._paging:
            self._paging = True
            self.searcher.server(self._shown_query or self.query_text, self._cursor)

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option_index)

    def action_open(self) -> None:
        """Dismiss with the highlighted hit."""
        highlighted = self.results.highlighted
        if highlighted is not None:
            self._open(highlighted)

    def _open(self, index: int) -> None:
        if 0 <= index < len(self._targets):
            self.dismiss(self._targets[index])

    def action_toggle_source(self) -> None:
        """Search the server instead of the local copy, or back; the query stays."""
        self.on_server = not self.on_server
        self._targets = []
        self._shown_query = None
        self.results.clear_options()
        self._show_status()
        if self.on_server and self._server_note:
            return
        self._search(self.query_text)

    def action_cancel(self) -> None:
        """Close without opening anything."""
        self.dismiss(None)
