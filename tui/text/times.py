"""Short relative times for lists ("now", "3m", "2h", "yesterday", "Mar 4", "2023-12-22").

Pure functions with no locale and no hidden clock: the caller passes ``now``, so tests and
snapshots are stable, and month names are fixed English abbreviations rather than ``%b``
(which follows the process locale).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_SKEW = timedelta(days=1)
"""Times up to this far in the future (a clock behind the server's) still read as "now"."""


def local_now() -> datetime:
    """The current time, aware, in the local time zone (the default clock for widgets)."""
    return datetime.now().astimezone()


def _aware(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC, like the API models do."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def relative_time(then: datetime | None, now: datetime) -> str:
    """How long ago ``then`` was, as seen at ``now``, in at most 10 cells.

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
    now = _aware(now)
    then = _aware(then).astimezone(now.tzinfo)
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
