"""The sidebar: every conversation, paged in as the reader scrolls, with type-to-filter.

The widget does no I/O. It posts :class:`Sidebar.PageWanted` when the reader nears the end of
what is loaded and :class:`Sidebar.LoadAllWanted` when a search should cover everything; the
app fetches through the client and hands pages back with :meth:`Sidebar.add_page` (or says
:meth:`Sidebar.page_failed`). Renames, deletions and new replies change the list at once
through the row methods (``rename_row``, ``remove_row`` returning what a rollback needs,
``insert_row``, ``move_to_top``).

What to ask for and what an answer means is :class:`~tui.widgets.list_paging.ListPaging`'s job:
a refresh or a switch to the archived list keeps the rows and the cursor until the new first
page arrives, and keeps them for good if it fails. A refresh keeps the older rows loaded below
the new first page and the cursor on its conversation; switching lists puts the other list
back as it was left (rows, paging, cursor) without asking the server again.

``down`` on the last loaded row waits for the next page instead of wrapping: the list never
wraps, at either end, so holding a key runs to the end and stops there (``home``/``end`` jump).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static

from tui.api.models import ConversationItem, ConversationPage
from tui.text.times import Clock, local_now, month_name
from tui.widgets.conversation_list import ConversationList
from tui.widgets.list_paging import Arrival, ListPaging, PageFacts, PageRequest
from tui.widgets.month_jump import Month, month_choices, month_start
from tui.widgets.sidebar_status import ListFacts, header_parts, status_lines

NEAR_END_ROWS = 10
"""Ask for the next page when the cursor comes this close to the last loaded row."""

NEAR_BOTTOM_LINES = 3
"""... or when the viewport is scrolled to within this many lines of the bottom."""

TIME_REFRESH_SECONDS = 60.0
"""How often the visible rows are redrawn so that "3m" becomes "4m"."""


@dataclass(frozen=True, slots=True)
class _Kept:
    """A list put aside while the other one is shown (archived vs the rest)."""

    items: list[ConversationItem]
    cursor: str | None
    paging: ListPaging


class FilterInput(Input):
    """The type-to-filter box; ``down`` and ``enter`` hand the keyboard back to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "to_list",
            "To list",
            show=False,
            id="sidebar.filter_to_list",
            tooltip="Move from the filter to the matching conversations",
        ),
    ]
    """``down`` leaves the filter for the list (``enter`` opens the highlighted match)."""

    def action_to_list(self) -> None:
        """Focus the conversation list, keeping the filter."""
        self.query_ancestor(Sidebar).query_one(ConversationList).focus()


class Sidebar(Vertical):
    """Header, filter box and the conversation list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "open_filter",
            "Filter",
            id="sidebar.filter",
            tooltip="Filter the loaded conversations by title",
        ),
        Binding(
            "escape",
            "close_filter",
            "Clear filter",
            show=False,
            id="sidebar.close_filter",
            tooltip="Clear and hide the filter and return to the list",
        ),
        Binding(
            "ctrl+l",
            "load_all",
            "Search all",
            id="sidebar.load_all",
            show=False,  # the footer keeps to the most used keys (see MainScreen.BINDINGS)
            tooltip="Load every conversation so that the filter searches all of them",
        ),
        Binding(
            "m",
            "jump_month",
            "Jump to month…",
            id="sidebar.jump_month",
            show=False,
            tooltip="Pick a month and go to its first conversation (pages in as needed)",
        ),
    ]
    """``/`` filters, ``escape`` clears the filter (only while it is open), ``ctrl+l`` loads all,
    ``m`` jumps to a month."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"sidebar--count", "sidebar--marker", "sidebar--marks"}
    """The total in the header, the loading marker after it, and the count of marked rows."""

    DEFAULT_CSS = """
    Sidebar {
        width: 36;
        height: 1fr;
        & > #sidebar-header { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        & > #sidebar-filter { display: none; }
        & > #sidebar-count { display: none; height: auto; max-height: 2; }
        &.-filtering > #sidebar-filter { display: block; }
        & > .sidebar--count { text-style: dim; }
        & > .sidebar--marker { text-style: dim italic; }
        & > .sidebar--marks { text-style: bold; }
    }
    """
    """Only what the widget needs to work; the look is in styles/sidebar.tcss."""

    archived: reactive[bool] = reactive(False, init=False)
    """Which list is wanted: archived conversations or the others. Setting it asks for that
    list's first page; the rows shown stay until it arrives (and if it fails, this goes back)."""

    class PageWanted(Message):
        """The reader is near the end of what is loaded: fetch the page at ``offset``."""

        def __init__(self, offset: int, archived: bool) -> None:
            super().__init__()
            self.offset = offset
            """The ``offset`` query parameter of the page to fetch."""
            self.archived = archived
            """Whether to fetch archived conversations (``is_archived=true``)."""

    class LoadAllWanted(Message):
        """Fetch every remaining page (``add_page`` each, ``set_progress`` as they come)."""

        def __init__(self, offset: int = 0, archived: bool = False) -> None:
            super().__init__()
            self.offset = offset
            """The first offset not loaded yet."""
            self.archived = archived
            """Whether the archived list is shown."""

    class Opened(Message):
        """The reader chose a conversation (``enter`` or a click)."""

        def __init__(self, conversation_id: str) -> None:
            super().__init__()
            self.conversation_id = conversation_id
            """The id of the conversation to open."""

    def __init__(
        self,
        *,
        now: Clock = local_now,
        archived: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.set_reactive(Sidebar.archived, archived)
        self._paging = ListPaging(archived)
        # Built here rather than in compose() so that add_page() works before mounting.
        self._header = Static(id="sidebar-header")
        self._input = FilterInput(placeholder="Filter titles…", id="sidebar-filter")
        self._count = Static(id="sidebar-count")
        self._list = ConversationList(now, id="sidebar-list")
        self._now = now
        self._kept: dict[bool, _Kept] = {}
        """The other list as it was left, by ``archived``: put back when switched to again."""
        self._step_after_page = False
        """``down`` waited on the last row: move on once the next page comes."""
        self._jump: Month | None = None
        """A month being jumped to while its rows page in."""

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._input
        yield self._count
        yield self._list

    def on_mount(self) -> None:
        self.watch(self._list, "scroll_y", self._scrolled, init=False)
        self.set_interval(TIME_REFRESH_SECONDS, self._list.redraw_rows)
        self._show_state()
        if not self._list.loaded:
            self._request_more()

    def focus(self, scroll_visible: bool = True) -> Self:
        """Focus the list: the sidebar itself never takes the focus."""
        self._list.focus(scroll_visible)
        return self

    # -- state the app reads ------------------------------------------------------------------

    @property
    def total(self) -> int | None:
        """How many conversations the server says the list has (None if it did not say)."""
        return self._paging.total_shown(self._list.loaded)

    @property
    def loaded(self) -> int:
        """How many conversations are loaded."""
        return self._list.loaded

    @property
    def is_loading(self) -> bool:
        """A page (or every page) has been asked for and has not arrived yet."""
        return self._paging.is_loading

    @property
    def has_more(self) -> bool:
        """Whether the server has rows that are not loaded yet."""
        return self._paging.has_more

    @property
    def shown_archived(self) -> bool:
        """Whether the rows on screen are the archived list (during a switch: still the old)."""
        return self._paging.shown_archived

    @property
    def unreadable(self) -> int:
        """How many rows of the list could not be read (skipped, and said so)."""
        return self._paging.unreadable

    @property
    def filter_text(self) -> str:
        """The filter as typed (empty when no filter is applied)."""
        return self._input.value if self.has_class("-filtering") else ""

    @property
    def highlighted_id(self) -> str | None:
        """The id of the conversation under the cursor."""
        return self._list.highlighted_id

    @property
    def marked_ids(self) -> list[str]:
        """The conversations marked with ``space``, in list order."""
        return self._list.marked_ids

    @property
    def visible_ids(self) -> list[str]:
        """The ids shown in the list, in order (all loaded ones, or the filter's matches)."""
        return self._list.shown_ids

    def title_of(self, conversation_id: str) -> str | None:
        """The title as the server (or the last rename) gave it; None if unknown or untitled."""
        item = self._list.item(conversation_id)
        return None if item is None else item.title

    def item(self, conversation_id: str) -> ConversationItem | None:
        """The loaded list entry for a conversation."""
        return self._list.item(conversation_id)

    # -- paging ---------------------------------------------------------------------------

    def add_page(self, page: ConversationPage, *, archived: bool | None = None) -> None:
        """A page from the server: appended, or (first page of a refresh/switch) replacing
        every row, the cursor kept on its conversation. Rows already loaded are skipped.

        Pass ``archived`` (the list it was asked for) to drop a late page meant for another.
        """
        facts = PageFacts(page.offset, len(page.items), page.total, page.limit, page.unreadable)
        same_list = self._paging.shown_archived
        arrival = self._paging.arrived(facts, archived)
        if arrival is Arrival.IGNORE:
            return
        if arrival is Arrival.REPLACE:
            items = page.items
            if self._paging.shown_archived == same_list and self._paging.has_more:
                items = items + _older_than(page.items, self._list.loaded_items)
            self._replace_rows(items)
            self._paging.rows_kept(self._list.loaded)
            self._step_after_page = False
        else:
            self._list.append(page.items)
            if self._step_after_page:
                self._step_after_page = False
                self._list.step_down()
        if self._jump is not None:
            self._jump_step()
        self._show_state()
        if self.is_mounted:
            self.call_after_refresh(self._check_near_end)

    def replace_rows(
        self, items: list[ConversationItem], *, keep_cursor: bool = True, total: int | None = None
    ) -> None:
        """Show ``items`` (the server's first rows, in order) instead of every loaded row.

        With ``keep_cursor`` the cursor stays on its conversation wherever it moved to (or, if
        it is gone, at the same place). The next page is asked for after these rows; ``total``
        is the server's count if known.
        """
        self._paging.replaced(len(items), total)
        self._step_after_page = False
        self._replace_rows(items, keep_cursor=keep_cursor)
        self._show_state()

    def page_failed(self) -> None:
        """The page asked for did not come: every row, the cursor and the list shown stay.

        Scrolling near the end asks again; :meth:`retry` asks for a failed refresh again.
        """
        self._paging.request_failed()
        self._step_after_page = False
        if self._jump is not None:
            self._jump = None
            self.notify("The jump stopped: a page did not load.", severity="warning")
        self.set_reactive(Sidebar.archived, self._paging.shown_archived)
        self._show_state()

    def retry(self) -> None:
        """Ask again for what failed (after a new sign-in, say), keeping every row."""
        failed = self._paging.failed_restart
        if failed is not None:
            self.set_reactive(Sidebar.archived, failed)
            self._post_request(self._paging.restart(failed))
        elif not self._list.loaded:
            self._request_more()
        else:
            self._check_near_end()

    def set_progress(self, loaded: int, total: int | None) -> None:
        """Show how far loading every page has got."""
        self._paging.set_progress(loaded, total)
        self._show_state()

    def load_all(self) -> None:
        """Ask the app for every page not loaded yet."""
        request = self._paging.load_all()
        if request is None:
            return
        self._paging.start_progress(self._list.loaded)
        self.post_message(self.LoadAllWanted(request.offset, request.archived))
        self._show_state()

    def reset(self, archived: bool | None = None) -> None:
        """Ask for the first page again (of the archived list if so told); the rows stay until
        it arrives."""
        if archived is not None:
            self.set_reactive(Sidebar.archived, archived)
        self._restart()

    def watch_archived(self) -> None:
        self._restart()

    def _restart(self) -> None:
        self._jump = None  # a refresh or a switch ends a month jump
        shown = self._paging.shown_archived
        if self.archived != shown and self._paging.pending is None:
            # Put the list shown aside as it is; the other one comes back as it was left.
            self._kept[shown] = _Kept(
                self._list.loaded_items, self._list.highlighted_id, self._paging.kept()
            )
            kept = self._kept.pop(self.archived, None)
            if kept is not None:
                # Back at once as it was left; its first page is asked for again all the same
                # (rows archived or unarchived meanwhile), and merged in as a refresh is.
                self._paging = kept.paging
                self._replace_rows(kept.items, cursor=kept.cursor)
        request = self._paging.restart(self.archived)
        self._show_state()
        if self.is_mounted:
            self._post_request(request)

    def _replace_rows(
        self,
        items: list[ConversationItem],
        *,
        keep_cursor: bool = True,
        cursor: str | None = None,
    ) -> None:
        """Show ``items`` instead of every row; the cursor on ``cursor`` (by default, on the
        conversation it is on now, or at the same place if that one is gone)."""
        keep = cursor if cursor is not None else self._list.highlighted_id
        place = self._list.highlighted
        self._list.forget_all()
        self._list.append(items)
        self.set_reactive(Sidebar.archived, self._paging.shown_archived)
        if not keep_cursor:
            return
        index = None if keep is None else self._list.index_of(keep)
        if index is None and place is not None and self._list.option_count:
            index = min(place, self._list.option_count - 1)
            if self._list.get_option_at_index(index).disabled:
                index = min(index + 1, self._list.option_count - 1)
        if index is not None:
            self._list.highlighted = index
            self._list.scroll_to_highlight()

    def _request_more(self) -> None:
        if self._paging.pending is not None and not self._paging.loading:
            # A refresh waiting for a sign-in (or a retry): ask for its first page again.
            request: PageRequest | None = self._paging.restart(self._paging.pending)
        else:
            request = self._paging.next_request()
        if request is not None:
            self._post_request(request)

    def _post_request(self, request: PageRequest) -> None:
        self._paging.loading = True
        self.post_message(self.PageWanted(request.offset, request.archived))
        self._show_state()

    def _check_near_end(self) -> None:
        # While filtering, the end of the list is the end of the matches, not of what is loaded.
        rows = self._list
        if rows.filtering or not self.is_mounted:
            return
        cursor = rows.highlighted
        near_cursor = cursor is not None and cursor >= rows.option_count - NEAR_END_ROWS
        near_bottom = (
            rows.size.height > 0 and rows.scroll_y >= rows.max_scroll_y - NEAR_BOTTOM_LINES
        )
        if near_cursor or near_bottom:
            self._request_more()

    def _scrolled(self, _scroll_y: float) -> None:
        self._check_near_end()

    @on(OptionList.OptionHighlighted, "#sidebar-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._check_near_end()

    @on(ConversationList.EndReached)
    def _end_reached(self, event: ConversationList.EndReached) -> None:
        event.stop()
        if self._list.filtering or not self.has_more:
            return
        # Held down on the last row: wait for the page, then move on into it (never wrap).
        self._step_after_page = True
        self._request_more()
        self._show_state()

    @on(ConversationList.MarksChanged)
    def _marks_changed(self, event: ConversationList.MarksChanged) -> None:
        event.stop()
        self._show_state()
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#sidebar-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.post_message(self.Opened(event.option_id))

    # -- rows -----------------------------------------------------------------------------

    def select_id(self, conversation_id: str) -> bool:
        """Put the cursor on a conversation (clearing a filter that hides it); False if unknown."""
        if self._list.item(conversation_id) is None:
            return False
        if self._list.index_of(conversation_id) is None:
            self._close_filter(focus_list=False)
        index = self._list.index_of(conversation_id)
        self._list.highlighted = index
        return index is not None

    def rename_row(self, conversation_id: str, title: str | None) -> None:
        """Show a new title (after a rename, or when the server named a new chat)."""
        self._list.rename_row(conversation_id, title)

    def remove_row(self, conversation_id: str) -> tuple[int, ConversationItem] | None:
        """Take a row out (deleted or archived); returns its position and item for a rollback."""
        removed = self._list.remove_row(conversation_id)
        if removed is None:
            return None
        # The server's offsets shift up by one: without this the next page would skip a row.
        self._paging.row_removed()
        self._show_state()
        return removed

    def insert_row(self, index: int, item: ConversationItem) -> None:
        """Put a row back at ``index`` (the rollback of :meth:`remove_row`)."""
        if self._list.insert_row(index, item):
            self._paging.row_added()
        self._show_state()

    def clear_marks(self) -> None:
        """Take every mark off."""
        self._list.clear_marks()
        self._show_state()

    def set_replying(self, conversation_id: str, on: bool) -> None:
        """Show on the conversation's row that a reply is streaming into it (or no more)."""
        self._list.set_replying(conversation_id, on)

    def move_to_top(self, item: ConversationItem) -> None:
        """A conversation just changed (a reply, or a new chat): show it first, updated."""
        if self._list.move_to_top(item):
            self._paging.row_added()
        self._show_state()

    # -- filter ---------------------------------------------------------------------------

    def action_open_filter(self) -> None:
        """Show the filter box and type into it."""
        self.add_class("-filtering")
        self._input.focus()
        self._show_state()
        self.refresh_bindings()

    def action_close_filter(self) -> None:
        """Clear and hide the filter; the cursor stays on the conversation it was on."""
        self._close_filter(focus_list=True)

    def action_load_all(self) -> None:
        """Load every page so that the filter searches all conversations."""
        self.load_all()

    def action_jump_month(self) -> None:
        """Offer the months in the command palette; picking one jumps there."""
        choices = month_choices(self._list.loaded_items, self._now(), more=self.has_more)
        if not choices:
            self.notify("No conversations to jump between yet.", markup=False)
            return
        commands = [(choice.label, _jumper(self, choice.month), choice.help) for choice in choices]
        self.app.search_commands(commands, placeholder="Jump to month…")

    def jump_to_month(self, month: Month) -> None:
        """Put the cursor on the first conversation of ``month`` (with its header at the top),
        paging in until it is loaded; the count line shows how far loading got."""
        self._close_filter(focus_list=False)
        self._jump = month
        self._paging.start_progress(self._list.loaded)
        self._jump_step()
        self._show_state()

    def _jump_step(self) -> None:
        month = self._jump
        if month is None:
            return
        found, exact = month_start(self._list.loaded_items, month, self._now())
        if found is None and self.has_more:
            self._paging.set_progress(self._list.loaded, self.total)
            self._request_more()
            return
        self._jump = None
        self._paging.progress = None
        self._list.focus()
        if found is None:
            self._list.action_last()
            self.notify(f"Nothing as old as {month_name(*month)}: this is the oldest.")
            return
        self._list.show_row_at_top(found)
        if not exact:
            self.notify(f"No conversations in {month_name(*month)}: the next older one.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_filter":
            # False (not None) lets escape fall through to the app when there is no filter.
            return self.has_class("-filtering")
        if action == "load_all":
            return True if self.has_more and not self._paging.loading_all else None
        return True

    def _close_filter(self, *, focus_list: bool) -> None:
        was_open = self.has_class("-filtering")
        self.remove_class("-filtering")
        with self.prevent(Input.Changed):
            self._input.value = ""
        self._list.set_filter("")
        if focus_list and was_open:
            self._list.focus()
        self._show_state()
        self.refresh_bindings()

    @on(Input.Changed, "#sidebar-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._list.set_filter(event.value)
        self._show_state()

    @on(Input.Submitted, "#sidebar-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        """enter in the filter opens the highlighted match (and the list takes the keys)."""
        event.stop()
        self._list.focus()
        chosen = self._list.highlighted_id
        if chosen is not None:
            self.post_message(self.Opened(chosen))

    # -- header and count -------------------------------------------------------------------

    def _show_state(self) -> None:
        # Loading and emptiness change several times on the way to the first frame; as classes
        # of the sidebar, each change restyled its whole subtree (the list's seven component
        # classes included), so they set the one line they affect directly.
        shown_archived = self._paging.shown_archived
        self.set_class(shown_archived, "-archived")
        facts = ListFacts(
            archived=shown_archived,
            total=self.total,
            loaded=self._list.loaded,
            has_more=self.has_more,
            loading=self.is_loading,
            marked=self._list.marked_count,
            marker=self._marker(),
            matches=self._list.option_count - self._list.header_count
            if self._list.filtering
            else None,
            filter_open=self.has_class("-filtering"),
            progress=self._paging.progress_note(),
            unreadable=self._paging.unreadable_note(),
        )
        self._header.update(Content.assemble(*header_parts(facts)))
        lines = status_lines(facts)
        self._count.display = bool(lines)
        self._count.update(Content(" · ".join(lines)))

    def _marker(self) -> str:
        pending = self._paging.pending
        if pending is not None and pending != self._paging.shown_archived:
            return "loading archived…" if pending else "loading conversations…"
        return self._paging.marker()


def _older_than(
    page: list[ConversationItem], loaded: list[ConversationItem]
) -> list[ConversationItem]:
    """The loaded rows a refreshed first page does not cover: older than its oldest row.

    A row no longer in the page but as new as the page's rows was deleted or archived
    elsewhere, so it goes; the older ones are below the page and stay, in their order.
    """
    times = [item.update_time for item in page if item.update_time is not None]
    if not times:
        return []
    oldest = min(times)
    ids = {item.id for item in page}
    return [
        item
        for item in loaded
        if item.id not in ids and item.update_time is not None and item.update_time < oldest
    ]


def _jumper(sidebar: Sidebar, month: Month) -> Callable[[], None]:
    def jump() -> None:
        sidebar.jump_to_month(month)

    return jump
