"""The one time and duration formatters: each unit, its boundaries, time zones, odd inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tui.text.times import (
    calendar_date,
    date_group,
    format_duration,
    list_time,
    message_time,
    month_name,
    month_of,
    relative_time,
)

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(0), "now"),
        (timedelta(seconds=59), "now"),
        (timedelta(seconds=60), "1m"),
        (timedelta(minutes=3, seconds=59), "3m"),
        (timedelta(minutes=59, seconds=59), "59m"),
        (timedelta(hours=1), "1h"),
        (timedelta(hours=2, minutes=59), "2h"),
        (timedelta(hours=15, minutes=30), "15h"),  # midnight today
        (timedelta(hours=23, minutes=59), "23h"),  # yesterday's date, but under a day ago
        (timedelta(hours=24), "yesterday"),
        (timedelta(hours=39, minutes=30), "yesterday"),  # 00:00 yesterday
        (timedelta(hours=39, minutes=31), "Mar 8"),  # 23:59 the day before
        (timedelta(days=6), "Mar 4"),
        (timedelta(days=68), "Jan 1"),
        (timedelta(days=69), "Dec 31"),  # last year, still within 365 days
        (timedelta(days=364), "Mar 11"),
        (timedelta(days=365), "2025-03-10"),
        (timedelta(days=809), "2023-12-22"),
    ],
)
def test_units_and_boundaries(ago: timedelta, expected: str) -> None:
    assert relative_time(NOW - ago, NOW) == expected


def test_none_is_blank() -> None:
    assert relative_time(None, NOW) == ""


def test_future_within_a_day_is_now_and_beyond_is_a_date() -> None:
    assert relative_time(NOW + timedelta(minutes=5), NOW) == "now"
    assert relative_time(NOW + timedelta(hours=23), NOW) == "now"
    assert relative_time(NOW + timedelta(days=3), NOW) == "2026-03-13"


def test_calendar_days_follow_nows_time_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    now = datetime(2026, 3, 11, 9, 0, tzinfo=tokyo)
    then = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # Mar 10 08:30 in Tokyo
    assert relative_time(then, now) == "yesterday"
    # The same instants seen from UTC: Mar 9 23:30 and Mar 11 00:00 are two dates apart.
    assert relative_time(then, now.astimezone(UTC)) == "Mar 9"
    new_york = timezone(timedelta(hours=-5))
    # Mar 11 00:00 UTC is Mar 10 19:00 in New York: 26h before Mar 11 21:00 there.
    assert (
        relative_time(
            datetime(2026, 3, 11, tzinfo=UTC), datetime(2026, 3, 11, 21, 0, tzinfo=new_york)
        )
        == "yesterday"
    )


def test_naive_datetimes_are_utc() -> None:
    naive_now = datetime(2026, 3, 10, 15, 30)
    assert relative_time(datetime(2026, 3, 10, 15, 27), naive_now) == "3m"
    assert relative_time(NOW - timedelta(hours=2), naive_now) == "2h"


def test_month_names_do_not_follow_the_locale() -> None:
    names = [relative_time(datetime(2025, month, 15, tzinfo=UTC), NOW) for month in range(4, 13)]
    assert names == [
        f"{m} 15" for m in ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    ]


MESSAGE_NOW = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        (MESSAGE_NOW - timedelta(hours=1), "14:00"),
        (MESSAGE_NOW - timedelta(days=3), "26 Feb 15:00"),
        (datetime(2024, 7, 9, 8, 5, tzinfo=UTC), "2024-07-09 08:05"),
        (None, ""),
        (datetime(2026, 3, 1, 9, 30), "09:30"),  # naive: UTC, like every time without a zone
    ],
)
def test_message_time(created: datetime | None, expected: str) -> None:
    assert message_time(created, MESSAGE_NOW) == expected


def test_message_time_uses_the_clocks_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    now = datetime(2026, 3, 2, 1, 0, tzinfo=tokyo)
    assert message_time(datetime(2026, 3, 1, 15, 30, tzinfo=UTC), now) == "00:30"
    # A naive time is UTC, not the clock's zone: 15:30 UTC is 00:30 in Tokyo.
    assert message_time(datetime(2026, 3, 1, 15, 30), now) == "00:30"


def test_message_time_month_names_do_not_follow_the_locale() -> None:
    names = [message_time(datetime(2026, month, 1, 9, 0, tzinfo=UTC), NOW) for month in (1, 2)]
    assert names == ["1 Jan 09:00", "1 Feb 09:00"]


def test_calendar_date_is_in_the_clocks_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    late = datetime(2023, 12, 13, 17, 16, tzinfo=UTC)
    assert calendar_date(late, datetime(2026, 1, 1, tzinfo=UTC)) == "2023-12-13"
    assert calendar_date(late, datetime(2026, 1, 1, tzinfo=tokyo)) == "2023-12-14"
    assert calendar_date(datetime(2023, 12, 13, 17, 16), datetime(2026, 1, 1, tzinfo=tokyo)) == (
        "2023-12-14"
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (-5, "0 s"),
        (29.2, "30 s"),
        (60, "1 min"),
        (250, "4 min 10 s"),
        (3599.5, "1 h"),
        (11460, "3 h 11 min"),
        (11461, "3 h 12 min"),  # rounded up: a wait is never said to be shorter than it is
        (float("nan"), "0 s"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


GROUP_NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("then", "group"),
    [
        (GROUP_NOW - timedelta(minutes=5), "Today"),
        (GROUP_NOW + timedelta(hours=3), "Today"),  # a server clock ahead of ours
        (datetime(2026, 1, 9, 23, 59, tzinfo=UTC), "Yesterday"),
        (datetime(2026, 1, 8, 0, 1, tzinfo=UTC), "Previous 7 days"),
        (datetime(2026, 1, 3, 0, 0, tzinfo=UTC), "Previous 7 days"),
        (datetime(2026, 1, 2, 23, 0, tzinfo=UTC), "Previous 30 days"),
        (datetime(2025, 12, 11, 1, 0, tzinfo=UTC), "Previous 30 days"),
        (datetime(2025, 12, 10, 1, 0, tzinfo=UTC), "December 2025"),
        (datetime(2024, 2, 29, 1, 0, tzinfo=UTC), "February 2024"),
        (None, "Older"),
    ],
)
def test_date_groups_follow_the_web_app(then: datetime | None, group: str) -> None:
    assert date_group(then, GROUP_NOW) == group


def test_date_groups_and_months_are_days_in_the_clocks_zone() -> None:
    tokyo = timezone(timedelta(hours=9))
    now = datetime(2026, 1, 10, 8, 0, tzinfo=tokyo)  # 2026-01-09 23:00 UTC
    # 2026-01-09 16:00 UTC is 2026-01-10 01:00 in Tokyo: today there.
    assert date_group(datetime(2026, 1, 9, 16, 0, tzinfo=UTC), now) == "Today"
    assert month_of(datetime(2025, 12, 31, 20, 0, tzinfo=UTC), now) == (2026, 1)
    assert month_name(2026, 10) == "October 2026"


def test_list_times_carry_the_year_of_an_earlier_year() -> None:
    assert list_time(datetime(2025, 12, 20, tzinfo=UTC), GROUP_NOW) == "2025-12-20"
    assert list_time(datetime(2026, 1, 2, tzinfo=UTC), GROUP_NOW) == "Jan 2"
    assert list_time(datetime(2026, 1, 9, 11, tzinfo=UTC), GROUP_NOW) == "yesterday"
    new_year = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert list_time(datetime(2025, 12, 31, 8, tzinfo=UTC), new_year) == "yesterday"
    assert list_time(None, GROUP_NOW) == ""
