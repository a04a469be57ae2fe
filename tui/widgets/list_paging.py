"""The sidebar's paging state, as a pure class: which page to ask for and what an answer means.

No Textual and no I/O, so every rule has a plain unit test (tests/widgets/test_list_paging.py).
The sidebar asks it what to request and what to do with a page that arrived; it answers with
plain values.

The rule that matters most: **nothing on screen is dropped until its replacement arrives.**
A refresh or a switch between the archived and the other list asks for a first page and keeps
the rows (and the cursor, and the paging state of what is shown) until that page comes. If it
fails, the rows stay as they were, the header says the load failed, and :meth:`retry` asks again.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Ask the server for the page at ``offset`` of the archived list or the other one."""

    offset: int
    archived: bool


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What a page says about itself (from ``ConversationPage``)."""

    offset: int
    count: int
    """Rows in the page that could be read."""
    total: int | None
    limit: int
    unreadable: int = 0
    """Rows the client could not read (skipped and counted)."""


class Arrival(Enum):
    """What the sidebar does with a page that arrived."""

    IGNORE = "ignore"
    """Late, or for the other list: drop it."""
    APPEND = "append"
    """The next page of what is shown: add its rows."""
    REPLACE = "replace"
    """The first page of a refresh or a switch: it replaces every row."""


class ListPaging:
    """Paging of one conversation list, with a refresh or switch that never empties it first."""

    def __init__(self, archived: bool = False) -> None:
        self.shown_archived = archived
        """Which list the rows on screen belong to."""
        self.total: int | None = None
        """What the server last said the shown list holds (None when it did not say)."""
        self.next_offset = 0
        """The offset of the first row not loaded yet."""
        self.last_page_full = True
        """False once a page came back short (or empty): the end of the list."""
        self.loading = False
        """A page was asked for and has not come yet."""
        self.loading_all = False
        """Every remaining page was asked for."""
        self.progress: tuple[int, int | None] | None = None
        """How far loading every page got: (loaded, total)."""
        self.failed = False
        """The last request failed (the header says so until the next one)."""
        self.unreadable = 0
        """Rows of the shown list the client could not read."""
        self.pending: bool | None = None
        """While a refresh or switch waits for its first page: the list it asked for."""
        self.failed_restart: bool | None = None
        """The list of a refresh or switch that failed: what a retry asks for again."""

    # -- questions ---------------------------------------------------------------------------

    @property
    def wanted_archived(self) -> bool:
        """The list asked for: the pending one during a switch, else the shown one."""
        return self.shown_archived if self.pending is None else self.pending

    @property
    def has_more(self) -> bool:
        """Whether the shown list has rows that are not loaded yet."""
        if not self.last_page_full:
            return False
        return self.total is None or self.next_offset < self.total

    @property
    def is_loading(self) -> bool:
        return self.loading or self.loading_all or self.pending is not None

    def total_shown(self, loaded: int) -> int | None:
        """The total to show: never fewer than the rows loaded."""
        return None if self.total is None else max(self.total, loaded)

    def marker(self) -> str:
        """The word after the header's count: loading, or a failure."""
        if self.is_loading or self.progress is not None:
            return "loading…"
        if self.failed:
            return "load failed"
        return ""

    def progress_note(self) -> str:
        """How far loading many pages has got: ``loading… 300 of 1,000`` ("" when idle)."""
        if self.progress is None:
            return ""
        done, total = self.progress
        if total:
            return f"loading… {min(done, total):,} of {total:,}"
        return f"loading… {done:,}"

    def unreadable_note(self) -> str:
        """``1 conversation could not be read`` ("" when every row was read)."""
        if not self.unreadable:
            return ""
        noun = "conversation" if self.unreadable == 1 else "conversations"
        return f"{self.unreadable:,} {noun} could not be read"

    # -- requests ----------------------------------------------------------------------------

    def next_request(self) -> PageRequest | None:
        """The next page of the shown list, unless one is on its way or there is none."""
        if self.is_loading or not self.has_more:
            return None
        self.loading = True
        self.failed = False
        return PageRequest(self.next_offset, self.shown_archived)

    def restart(self, archived: bool | None = None) -> PageRequest:
        """Refresh (or switch to ``archived``): ask for a first page, keep the rows until then.

        A later restart replaces an earlier one that has not been answered.
        """
        target = self.wanted_archived if archived is None else archived
        self.pending = target
        self.failed_restart = None
        self.loading = self.loading_all = False
        self.progress = None
        self.failed = False
        return PageRequest(0, target)

    def load_all(self) -> PageRequest | None:
        """Ask for every remaining page of the shown list (None if there is nothing to ask)."""
        if not self.has_more or self.loading_all or self.pending is not None:
            return None
        self.loading_all = True
        return PageRequest(self.next_offset, self.shown_archived)

    # -- answers -----------------------------------------------------------------------------

    def arrived(self, page: PageFacts, archived: bool | None = None) -> Arrival:
        """A page came: what to do with its rows. ``archived``: the list it was asked for."""
        if self.pending is not None:
            if (archived is not None and archived != self.pending) or page.offset != 0:
                return Arrival.IGNORE
            self._begin(self.pending)
            self._apply(page)
            return Arrival.REPLACE
        if archived is not None and archived != self.shown_archived:
            return Arrival.IGNORE
        self._apply(page)
        return Arrival.APPEND

    def request_failed(self) -> None:
        """The page asked for did not come. A pending refresh or switch is given up: the rows,
        the cursor and the paging of what is shown stay as they were."""
        if self.pending is not None:
            self.failed_restart = self.pending
            self.pending = None
        self.loading = self.loading_all = False
        self.progress = None
        self.failed = True

    def set_progress(self, loaded: int, total: int | None) -> None:
        done = not self.has_more or (total is not None and loaded >= total)
        self.progress = None if done else (loaded, total)

    def start_progress(self, loaded: int) -> None:
        self.progress = (loaded, self.total_shown(loaded))

    def kept(self) -> ListPaging:
        """A copy of this state to put back later (switching lists), with nothing in flight."""
        saved = copy.copy(self)
        saved.pending = saved.failed_restart = None
        saved.loading = saved.loading_all = saved.failed = False
        saved.progress = None
        return saved

    def replaced(self, count: int, total: int | None) -> None:
        """The shown list's rows were replaced by its first ``count`` rows from elsewhere (the
        local store, reconciled): page on after them; anything in flight is forgotten."""
        self._begin(self.shown_archived)
        self.next_offset = count
        self.total = total

    def rows_kept(self, count: int) -> None:
        """``count`` rows are loaded after a first page (a refresh kept the older ones): the
        next page starts after them."""
        self.next_offset = max(self.next_offset, count)

    # -- rows changed locally ------------------------------------------------------------------

    def row_removed(self) -> None:
        """A row left the shown list (deleted, archived): the server's offsets shift up one."""
        self.next_offset = max(0, self.next_offset - 1)
        if self.total is not None:
            self.total = max(0, self.total - 1)

    def row_added(self) -> None:
        """A row the server did not list before now exists: later rows move down one offset."""
        self.next_offset += 1
        if self.total is not None:
            self.total += 1

    # -- inside ------------------------------------------------------------------------------

    def _begin(self, archived: bool) -> None:
        self.shown_archived = archived
        self.pending = None
        self.total = None
        self.next_offset = 0
        self.last_page_full = True
        self.loading = self.loading_all = self.failed = False
        self.progress = None
        self.unreadable = 0

    def _apply(self, page: PageFacts) -> None:
        self.loading = False
        self.failed = False
        self.unreadable += page.unreadable
        # Unreadable rows still take their places in the server's offsets.
        seen = page.count + page.unreadable
        self.next_offset = max(self.next_offset, page.offset + seen)
        if page.total is not None:
            self.total = page.total
        if seen == 0:
            self.last_page_full = False
        elif page.total is None:
            self.last_page_full = page.limit <= 0 or seen >= page.limit
        if not self.has_more:
            self.loading_all = False
            self.progress = None
