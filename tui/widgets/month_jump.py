"""Jumping the sidebar to a month: which months to offer and where a month starts (pure).

The list comes newest first, so the first conversation of a month is the first row whose
month is that month or earlier; until such a row is loaded the sidebar pages in (and says how
far it got). No Textual and no I/O here, so the rules have plain unit tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tui.api.models import ConversationItem
from tui.text.times import month_name, month_of

UNLOADED_MONTHS = 24
"""While older pages remain, months this far back before the oldest loaded row are offered too
(their rows page in when one is picked)."""

Month = tuple[int, int]
"""(year, month)."""


@dataclass(frozen=True, slots=True)
class MonthChoice:
    """One month the palette offers."""

    month: Month
    loaded: int
    """Conversations of that month loaded so far."""

    @property
    def label(self) -> str:
        """``October 2026``."""
        return month_name(*self.month)

    @property
    def help(self) -> str:
        """What picking it does, for the palette's second line."""
        if self.loaded:
            noun = "conversation" if self.loaded == 1 else "conversations"
            return f"{self.loaded:,} {noun} loaded"
        return "not loaded yet: pages in up to it"


def month_choices(
    items: Iterable[ConversationItem], now: datetime, *, more: bool
) -> list[MonthChoice]:
    """The months of the loaded rows, newest first; with ``more`` pages to come, also the
    :data:`UNLOADED_MONTHS` months before the oldest loaded one."""
    counts: dict[Month, int] = {}
    for item in items:
        if item.update_time is not None:
            month = month_of(item.update_time, now)
            counts[month] = counts.get(month, 0) + 1
    choices = [MonthChoice(month, counts[month]) for month in sorted(counts, reverse=True)]
    if more:
        oldest = min(counts) if counts else month_of(now, now)
        for step in range(1, UNLOADED_MONTHS + 1):
            choices.append(MonthChoice(_months_before(oldest, step), 0))
    return choices


def month_start(
    items: Sequence[ConversationItem], target: Month, now: datetime
) -> tuple[str | None, bool]:
    """The id of the first loaded row in ``target`` or older, and whether it is in ``target``
    itself (False: that month has no rows, and this is the next older one)."""
    for item in items:
        if item.update_time is None:
            continue
        month = month_of(item.update_time, now)
        if month <= target:
            return item.id, month == target
    return None, False


def _months_before(month: Month, step: int) -> Month:
    index = month[0] * 12 + (month[1] - 1) - step
    return index // 12, index % 12 + 1
