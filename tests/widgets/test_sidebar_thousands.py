"""The sidebar for long histories (issue 9 item 4), driven through Pilot on the harness app:
date groups, paging that never wraps, the filter's enter and counts, marks, a refresh or a
list switch that keeps the cursor, and the jump to a month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.widgets.test_sidebar import (
    NOW,
    SIZE,
    Harness,
    count_line,
    header,
    item,
    lines,
    page,
    rows,
    start,
    start_afresh,
)
from tui.api.models import ConversationItem, ConversationPage
from tui.widgets.conversation_list import ConversationList
from tui.widgets.month_jump import month_choices, month_start

pytestmark = pytest.mark.anyio


def dated(index: int, when: datetime, title: str | None = None) -> ConversationItem:
    return ConversationItem(id=f"c{index}", title=title or f"Chat {index}", update_time=when)


AGES = [
    timedelta(hours=1),  # Today
    timedelta(days=1),  # Yesterday
    timedelta(days=3),  # Previous 7 days
    timedelta(days=20),  # Previous 30 days
    timedelta(days=45),  # January 2026
    timedelta(days=46),  # January 2026
    timedelta(days=100),  # November 2025: an earlier year, so the row shows it
]


async def test_rows_sit_under_date_groups_and_the_cursor_skips_the_headers() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        items = [item(i, f"Title {i}", age) for i, age in enumerate(AGES)]
        sidebar = await start(app, ConversationPage(items=items, total=len(items), limit=50))
        await pilot.pause()
        shown = [line.strip() for line in lines(app)]
        groups = [line for line in shown if not line.startswith("Title")]
        assert groups == [
            "Today",
            "Yesterday",
            "Previous 7 days",
            "Previous 30 days",
            "January 2026",
            "November 2025",
        ]
        assert shown.index("January 2026") + 3 == shown.index("November 2025")
        assert rows(app)[-1].split() == ["Title", "6", "2025-11-30"]
        assert "Jan 24" in rows(app)[4]  # this year's dates stay short
        # The cursor starts on the first row, not on the "Today" header, and skips headers.
        assert sidebar.highlighted_id == "c0"
        visited = [sidebar.highlighted_id]
        for _ in range(len(items) + 3):
            await pilot.press("down")
            visited.append(sidebar.highlighted_id)
        assert visited[: len(items)] == [f"c{i}" for i in range(len(items))]
        assert set(visited[len(items) :]) == {"c6"}  # everything is loaded: no wrap
        await pilot.press("home")
        assert sidebar.highlighted_id == "c0"
        await pilot.press("up")
        assert sidebar.highlighted_id == "c0"  # no wrap to the bottom either
        # A click on a header opens nothing.
        await pilot.click(ConversationList, offset=(3, 0))
        await pilot.pause()
        assert app.opened() == []


async def test_a_removed_last_row_of_a_group_takes_its_header_and_a_new_top_row_gets_one() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        items = [item(i, f"Title {i}", age) for i, age in enumerate(AGES[:3])]
        sidebar = await start(app, ConversationPage(items=items, total=3, limit=50))
        sidebar.remove_row("c1")
        await pilot.pause()
        assert "Yesterday" not in [line.strip() for line in lines(app)]
        sidebar.move_to_top(item(2, "Title 2", timedelta(minutes=1)))
        await pilot.pause()
        shown = [line.strip() for line in lines(app)]
        assert shown[0] == "Today"
        assert shown[1].startswith("Title 2")
        assert "Previous 7 days" not in shown


async def test_down_on_the_last_loaded_row_waits_for_the_page_instead_of_wrapping() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start_afresh(pilot, app, page(0, 30, total=100))
        await pilot.press("end")
        await pilot.pause()
        assert sidebar.highlighted_id == "c29"
        assert app.pages_wanted() == [(30, False)]
        # Held down while the page is on its way: the cursor stays on the last row.
        await pilot.press("down", "down", "j")
        await pilot.pause()
        assert sidebar.highlighted_id == "c29"
        assert app.pages_wanted() == [(30, False)]
        sidebar.add_page(page(30, 30, total=100))
        await pilot.pause()
        # The page came: one step on into it, never back to the top.
        assert sidebar.highlighted_id == "c30"


async def test_down_on_the_last_row_asks_for_a_page_a_failed_one_left_unasked() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start_afresh(pilot, app, page(0, 30, total=100))
        await pilot.press("end")
        await pilot.pause()
        sidebar.page_failed()
        await pilot.pause()
        await pilot.press("down")
        await pilot.pause()
        assert app.pages_wanted() == [(30, False), (30, False)]
        sidebar.add_page(page(30, 5, total=100))
        await pilot.pause()
        assert sidebar.highlighted_id == "c30"


async def test_enter_in_the_filter_opens_the_highlighted_match() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        items = [item(0, "alpha"), item(1, "beta one"), item(2, "gamma"), item(3, "beta two")]
        sidebar = await start(app, ConversationPage(items=items, total=40, limit=4))
        await pilot.press("slash", *"beta")
        await pilot.pause()
        assert count_line(app) == "2 matches · 4 of 40 loaded"
        await pilot.press("enter")
        await pilot.pause()
        assert app.opened() == ["c1"]
        assert app.query_one(ConversationList).has_focus
        assert sidebar.filter_text == "beta"  # the filter stays for the next pick
        await pilot.press("slash", "down", "enter")
        await pilot.pause()
        # down in the box goes to the list; enter on the list opens as usual
        assert app.opened() == ["c1", "c1"]


async def test_space_marks_rows_the_header_counts_them_and_escape_clears() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 10, total=10))
        await pilot.press("space", "space", "down", "space")
        await pilot.pause()
        assert sidebar.marked_ids == ["c0", "c1", "c3"]
        assert header(app) == "3 marked · Conversations · 10"
        marked_rows = [line.strip() for line in rows(app) if line.strip().startswith("✓")]
        assert [line.split()[3] for line in marked_rows] == ["0", "1", "3"]
        await pilot.press("up", "space")  # c3 again: unmarked
        await pilot.pause()
        assert sidebar.marked_ids == ["c0", "c1"]
        sidebar.remove_row("c0")  # archived or deleted: its mark goes with it
        await pilot.pause()
        assert header(app) == "1 marked · Conversations · 9"
        await pilot.press("escape")
        await pilot.pause()
        assert sidebar.marked_ids == []
        assert header(app) == "Conversations · 9"
        assert not any("✓" in line for line in rows(app))


async def test_a_replying_row_says_so_in_place_of_its_time() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 3, total=3))
        sidebar.set_replying("c1", True)
        await pilot.pause()
        assert rows(app)[1].split()[-1] == "replying…"
        sidebar.set_replying("c1", False)
        await pilot.pause()
        assert rows(app)[1].split()[-1] == "2m"


async def test_refresh_keeps_the_cursor_on_its_conversation_and_the_older_rows() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 30, total=100), page(30, 30, total=100))
        assert sidebar.select_id("c45")
        sidebar.reset()
        await pilot.pause()
        # Elsewhere: c45 got a reply (now first), c2 was deleted, one chat is new.
        fresh = [
            item(45, ago=timedelta(seconds=5)),
            item(900, "New elsewhere", timedelta(seconds=9)),
        ]
        fresh += [item(i) for i in range(30) if i != 2]
        sidebar.add_page(ConversationPage(items=fresh, total=100, limit=30, offset=0))
        await pilot.pause()
        assert sidebar.highlighted_id == "c45"
        ids = sidebar.visible_ids
        assert ids[:3] == ["c45", "c900", "c0"]
        assert "c2" not in ids
        # The older rows loaded before stay below (c45 only once), and paging goes on after.
        assert ids[-1] == "c59"
        assert ids.count("c45") == 1
        assert sidebar.loaded == 60
        conversation_list = app.query_one(ConversationList)
        assert conversation_list.highlighted is not None
        await pilot.press("end")
        await pilot.pause()
        assert app.pages_wanted()[-1] == (60, False)


async def test_replace_rows_keeps_the_cursor_by_id_or_by_place() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 20, total=100))
        assert sidebar.select_id("c7")
        moved = [item(7, ago=timedelta(seconds=1))] + [item(i) for i in range(20) if i != 7]
        sidebar.replace_rows(moved, total=100)
        await pilot.pause()
        assert sidebar.highlighted_id == "c7"
        assert sidebar.visible_ids[0] == "c7"
        # The conversation under the cursor is gone: the cursor stays at the same place.
        assert sidebar.select_id("c10")
        sidebar.replace_rows([item(i) for i in range(20) if i != 10], total=99)
        await pilot.pause()
        assert sidebar.highlighted_id == "c11"
        await pilot.press("end")
        await pilot.pause()
        assert app.pages_wanted()[-1] == (19, False)


async def test_switching_lists_and_back_keeps_each_list_and_cursor() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 30, total=100), page(30, 30, total=100))
        assert sidebar.select_id("c42")
        sidebar.archived = True
        await pilot.pause()
        archived = [item(500 + i, f"Archived {i}") for i in range(5)]
        sidebar.add_page(ConversationPage(items=archived, total=5), archived=True)
        await pilot.pause()
        assert sidebar.select_id("c503")
        sidebar.archived = False
        await pilot.pause()
        # Back at once, before its refreshed first page: every row and the cursor.
        assert sidebar.loaded == 60
        assert sidebar.highlighted_id == "c42"
        sidebar.add_page(page(0, 30, total=100), archived=False)
        await pilot.pause()
        assert (sidebar.loaded, sidebar.highlighted_id) == (60, "c42")
        sidebar.archived = True
        await pilot.pause()
        assert sidebar.highlighted_id == "c503"
        assert header(app).startswith("Archived · 5")


async def test_the_month_jump_pages_in_with_progress_and_lands_on_the_first_row_of_it() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        # One chat a day, newest first from NOW (2026-03-10): December 2025 starts at row 69.
        def day(start_at: int, count: int) -> ConversationPage:
            items = [dated(i, NOW - timedelta(days=i)) for i in range(start_at, start_at + count)]
            return ConversationPage(items=items, total=100, limit=20, offset=start_at)

        sidebar = await start_afresh(pilot, app, day(0, 20))
        sidebar.jump_to_month((2025, 12))
        await pilot.pause()
        assert app.pages_wanted() == [(20, False)]
        assert count_line(app) == "loading… 20 of 100"
        for offset in (20, 40):
            sidebar.add_page(day(offset, 20))
            await pilot.pause()
            assert count_line(app) == f"loading… {offset + 20} of 100"
            assert app.pages_wanted()[-1] == (offset + 20, False)
        sidebar.add_page(day(60, 20))
        await pilot.pause()
        await pilot.pause()
        assert sidebar.highlighted_id == "c69"
        assert not count_line(app)
        assert app.query_one(ConversationList).has_focus
        shown = [line.strip() for line in lines(app)]
        # Its header shows above it (at the top, unless the loaded rows end too soon).
        header_at = shown.index("December 2025")
        assert shown[header_at + 1].endswith("2025-12-31")


def test_months_offered_are_the_loaded_ones_then_older_ones_while_pages_remain() -> None:
    items = [dated(i, NOW - timedelta(days=i * 20)) for i in range(5)]
    choices = month_choices(items, NOW, more=False)
    # 0, 20, 40, 60 and 80 days before 2026-03-10
    assert [c.label for c in choices] == [
        "March 2026",
        "February 2026",
        "January 2026",
        "December 2025",
    ]
    assert [c.help for c in choices[1:3]] == [
        "1 conversation loaded",
        "2 conversations loaded",
    ]
    more = month_choices(items, NOW, more=True)
    assert more[4].label == "November 2025"
    assert more[4].help.startswith("not loaded yet")
    assert len(more) == 4 + 24
    assert month_start(items, (2026, 2), NOW) == ("c1", True)
    assert month_start(items, (2025, 10), NOW) == (None, False)
    gap = [dated(0, NOW), dated(1, datetime(2025, 12, 5, tzinfo=UTC))]
    assert month_start(gap, (2026, 1), NOW) == ("c1", False)


async def test_jump_key_offers_the_months_in_the_palette() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        items = [dated(i, NOW - timedelta(days=i * 20)) for i in range(5)]
        sidebar = await start(app, ConversationPage(items=items, total=5, limit=50))
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"january")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        # 2026-01-29 (40 days back) is January's first row; 2026-01-09 its second.
        assert sidebar.highlighted_id == "c2"
