"""What the sidebar's header and status line say, from plain facts (no widgets, no I/O).

The header names the list and its size (``Conversations · 315``), with the marks first and a
loading word last; the line under it says what each number counts while filtering
(``3 matches · 56 of 315 loaded``), how far a long load got (``loading… 150 of 315``), an empty
list, and rows that could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass

HeaderPart = str | tuple[str, str]
"""Plain text, or (text, component class) for ``Content.assemble``."""


@dataclass(frozen=True, slots=True)
class ListFacts:
    """Everything the two lines depend on."""

    archived: bool
    """Whether the rows shown are the archived list."""
    total: int | None
    """What the server says the list holds (None if it did not say)."""
    loaded: int
    """Rows loaded."""
    has_more: bool
    """Whether the server has rows not loaded yet."""
    loading: bool
    """A page (or a switch, or every page) is on its way."""
    marked: int
    """Rows marked with ``space``."""
    marker: str
    """The loading or failure word for the header ("" when none)."""
    matches: int | None
    """Rows the filter shows (None when no filter text is applied)."""
    filter_open: bool
    """Whether the filter box is open (even if empty)."""
    progress: str
    """``loading… 150 of 315`` while many pages load ("" otherwise)."""
    unreadable: str
    """``2 conversations could not be read`` ("" when every row was read)."""


def header_parts(facts: ListFacts) -> list[HeaderPart]:
    """``3 marked · Conversations · 315 · loading…``: the marks first, so that a narrow
    sidebar cuts the total rather than them."""
    parts: list[HeaderPart] = []
    if facts.marked:
        parts.append((f"{facts.marked:,} marked · ", ".sidebar--marks"))
    parts.append("Archived" if facts.archived else "Conversations")
    if facts.total is not None:
        parts.append((f" · {max(facts.total, facts.loaded):,}", ".sidebar--count"))
    elif facts.loaded:
        parts.append((f" · {facts.loaded:,}{'+' if facts.has_more else ''}", ".sidebar--count"))
    if facts.marker:
        parts.append((f" · {facts.marker}", ".sidebar--marker"))
    return parts


def status_lines(facts: ListFacts) -> list[str]:
    """The status line's parts, in order (none: the line is hidden)."""
    lines: list[str] = []
    if facts.progress:
        lines.append(facts.progress)
    if facts.matches is not None:
        lines.append(f"{facts.matches:,} {'match' if facts.matches == 1 else 'matches'}")
    if facts.matches is not None or facts.filter_open:
        lines.append(loaded_words(facts))
    elif not facts.loaded and not facts.loading and not facts.has_more:
        lines.append("No archived chats" if facts.archived else "No chats yet")
    if facts.unreadable:
        lines.append(facts.unreadable)
    return lines


def loaded_words(facts: ListFacts) -> str:
    """``47 of 315 loaded`` (``all 315 loaded`` once nothing is left to load)."""
    if not facts.has_more:
        return f"all {facts.loaded:,} loaded"
    if facts.total is None:
        return f"{facts.loaded:,} loaded, more to come"
    return f"{facts.loaded:,} of {max(facts.total, facts.loaded):,} loaded"
