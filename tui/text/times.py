"""The one clock, and every way backchat writes a time or a duration for people to read.

One rule for all of them: a datetime without a zone is UTC (the server's naive timestamps are,
and the API models read them the same way, docs/PROTOCOL.md §6), and a time is shown in the zone
of ``now``. The formatters are pure: the caller passes ``now`` (the app's clock), so tests and
snapshots that freeze the clock read the same everywhere. Month names are fixed English
abbreviations rather than ``%b``, which follows the process locale.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]
"""Returns "now", aware; its zone is the one times are shown in."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_SKEW = timedelta(days=1)
"""Times up to this far in the future (a clock behind the server's) still read as "now"."""


def local_now() -> datetime:
    """The real clock: the current time, aware, in the local time zone."""
    return datetime.now().astimezone()


def as_aware(value: datetime) -> datetime:
    """``value`` with a zone: a naive datetime is taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _seen_at(then: datetime, now: datetime) -> tuple[datetime, datetime]:
    """Both times aware, ``then`` moved into ``now``'s zone."""
    now = as_aware(now)
    return as_aware(then).astimezone(now.tzinfo), now


def _seen_at_or_none(then: datetime | None, now: datetime) -> tuple[datetime, datetime] | None:
    """:func:`_seen_at`, or None for no time or one out of the platform's range."""
    if then is None:
        return None
    try:
        return _seen_at(then, now)
    except (OverflowError, ValueError, OSError):
        return None


def relative_time(then: datetime | None, now: datetime) -> str:
    """How long ago ``then`` was, as seen at ``now``, in at most 10 cells (the sidebar's rows).

    - under a minute (or slightly in the future): ``now``
    - under an hour: ``3m``; under a day: ``2h``
    - the previous calendar day (in ``now``'s time zone): ``yesterday``
    - within the last 365 days: ``Mar 4`` (unambiguous, since no date in that window repeats
      a month and day)
    - older, or further in the future: ``2023-12-22``
    - no time at all: an empty string
    """
    if then is None:
        return ""
    then, now = _seen_at(then, now)
    delta = now - then
    if -_SKEW <= delta < timedelta(minutes=1):
        return "now"
    if timedelta(0) < delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)}m"
    if timedelta(0) < delta < timedelta(days=1):
        return f"{int(delta.total_seconds() // 3600)}h"
    days = (now.date() - then.date()).days
    if days == 0 and delta > timedelta(0):
        # A 25-hour day (a daylight-saving change) can leave a whole day inside one date.
        return f"{int(delta.total_seconds() // 3600)}h"
    if days == 1:
        return "yesterday"
    if 0 < days < 365:
        return f"{_MONTHS[then.month - 1]} {then.day}"
    return then.date().isoformat()


def list_time(then: datetime | None, now: datetime) -> str:
    """The sidebar row's time: :func:`relative_time`, but a date of an earlier year than
    ``now``'s always carries its year (``2025-12-22``), as the date groups above it may not."""
    seen = _seen_at_or_none(then, now)
    if seen is None:
        return ""
    local, now = seen
    if local.year < now.year and (now.date() - local.date()).days > 1:
        return local.date().isoformat()
    return relative_time(then, now)


def month_of(then: datetime, now: datetime) -> tuple[int, int]:
    """(year, month) of ``then`` in ``now``'s zone."""
    local, _ = _seen_at(then, now)
    return local.year, local.month


def month_name(year: int, month: int) -> str:
    """``October 2026``."""
    return f"{_MONTH_NAMES[month - 1]} {year}"


def date_group(then: datetime | None, now: datetime) -> str:
    """The web app's group of a conversation in the list, by its last change seen at ``now``:
    ``Today``, ``Yesterday``, ``Previous 7 days``, ``Previous 30 days``, then ``October 2026``.

    A time in the future (a clock behind the server's) is today; no time at all is ``Older``.
    """
    seen = _seen_at_or_none(then, now)
    if seen is None:
        return "Older"
    local, now = seen
    days = (now.date() - local.date()).days
    if days <= 0:
        return "Today"
    if days == 1:
        return "Yesterday"
    if days <= 7:
        return "Previous 7 days"
    if days <= 30:
        return "Previous 30 days"
    return month_name(local.year, local.month)


def message_time(created: datetime | None, now: datetime) -> str:
    """A quiet timestamp for a message header: ``14:02`` today, ``3 Mar 14:02`` this year,
    ``2024-03-03 14:02`` before; empty when there is no time (or it cannot be shown)."""
    if created is None:
        return ""
    try:
        local, now = _seen_at(created, now)
    except (OverflowError, ValueError, OSError):
        return ""
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if local.date() == now.date():
        return clock
    if local.year == now.year:
        return f"{local.day} {_MONTHS[local.month - 1]} {clock}"
    return f"{local.date().isoformat()} {clock}"


def calendar_date(value: datetime, now: datetime) -> str:
    """The date of ``value`` in ``now``'s zone, as ``2023-12-13``."""
    try:
        local, _ = _seen_at(value, now)
    except (OverflowError, ValueError, OSError):
        return as_aware(value).date().isoformat()
    return local.date().isoformat()


def format_duration(seconds: float) -> str:
    """A span as people say it, rounded up so a wait is never shorter than said:
    ``30 s``, ``4 min 10 s``, ``3 h 11 min``."""
    total = max(0, math.ceil(seconds)) if math.isfinite(seconds) else 0
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    # Past an hour the seconds are dropped; the minutes are rounded up instead.
    hours, minutes = divmod(minutes + (1 if secs else 0), 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
