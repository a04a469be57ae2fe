"""The sidebar driven through Pilot: rows, hostile titles, paging, filter, selection, mutations.

A harness app holds one Sidebar with a frozen clock and records every message the sidebar
posts; the tests assert on those messages and on the text the list and header show.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tui.api.models import ConversationItem, ConversationPage
from tui.paths import styles_dir
from tui.widgets.conversation_list import ConversationList
from tui.widgets.sidebar import Sidebar

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
STEPS = 120
"""Random operations per seed in the model test."""
SIZE = (50, 20)
"""Terminal size: the list is 18 rows tall (header and a free line above the footer-less end)."""


class Harness(App[None]):
    """One sidebar and a log of what it posted."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [styles_dir() / "sidebar.tcss"]

    def __init__(self, *, archived: bool = False) -> None:
        super().__init__()
        self.archived = archived
        self.posted: list[Message] = []

    def compose(self) -> ComposeResult:
        yield Sidebar(now=lambda: NOW, archived=self.archived)

    def on_sidebar_page_wanted(self, message: Sidebar.PageWanted) -> None:
        self.posted.append(message)

    def on_sidebar_load_all_wanted(self, message: Sidebar.LoadAllWanted) -> None:
        self.posted.append(message)

    def on_sidebar_opened(self, message: Sidebar.Opened) -> None:
        self.posted.append(message)

    def pages_wanted(self) -> list[tuple[int, bool]]:
        return [(m.offset, m.archived) for m in self.posted if isinstance(m, Sidebar.PageWanted)]

    def opened(self) -> list[str]:
        return [m.conversation_id for m in self.posted if isinstance(m, Sidebar.Opened)]


def item(index: int, title: str | None = None, ago: timedelta | None = None) -> ConversationItem:
    return ConversationItem(
        id=f"c{index}",
        title=f"Chat number {index}" if title is None else title,
        update_time=NOW - (ago if ago is not None else timedelta(minutes=index + 1)),
    )


def page(start: int, count: int, *, total: int | None, limit: int = 50) -> ConversationPage:
    return ConversationPage(
        items=[item(i) for i in range(start, start + count)],
        total=total,
        limit=limit,
        offset=start,
    )


GROUP = re.compile(r"(Today|Yesterday|Previous 7 days|Previous 30 days|Older|[A-Z][a-z]+ \d{4})")
"""A date-group header's text."""


def lines(app: App[None]) -> list[str]:
    """The list's lines as the screen shows them, group headers included (blank lines below
    the last row left out)."""
    widget = app.query_one(ConversationList)
    drawn = [widget.render_line(y).text for y in range(widget.size.height)]
    return [line for line in drawn if line.strip()]


def rows(app: App[None]) -> list[str]:
    """The conversation rows shown (group headers left out)."""
    return [line for line in lines(app) if not GROUP.fullmatch(line.strip())]


def header(app: App[None]) -> str:
    return str(app.query_one("#sidebar-header", Static).render())


def count_line(app: App[None]) -> str:
    return str(app.query_one("#sidebar-count", Static).render())


async def start(pilot_app: Harness, *pages: ConversationPage) -> Sidebar:
    sidebar = pilot_app.query_one(Sidebar)
    for each in pages:
        sidebar.add_page(each)
    pilot_app.query_one(ConversationList).focus()
    return sidebar


async def start_afresh(pilot: Pilot[None], app: Harness, first: ConversationPage) -> Sidebar:
    """Start with one page, then forget what the sidebar posted so far."""
    sidebar = await start(app, first)
    await pilot.pause()
    app.posted.clear()
    return sidebar


@pytest.mark.anyio
async def test_mount_asks_for_the_first_page_once() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.pages_wanted() == [(0, False)]
        assert header(app) == "Conversations · loading…"
        app.query_one(Sidebar).add_page(ConversationPage(items=[], total=0))
        await pilot.pause()
        assert header(app) == "Conversations · 0"
        assert count_line(app) == "No chats yet"
        assert app.query_one("#sidebar-count", Static).display


@pytest.mark.anyio
async def test_rows_show_titles_and_right_aligned_times() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        ages = [
            timedelta(minutes=3),
            timedelta(hours=2),
            timedelta(days=1, hours=1),
            timedelta(days=6),
            timedelta(days=809),
        ]
        items = [item(i, f"Title {i}", ages[i]) for i in range(5)]
        await start(app, ConversationPage(items=items, total=5, limit=50))
        await pilot.pause()
        shown = rows(app)
        width = len(shown[0])
        for line, time in zip(shown, ["3m", "2h", "yesterday", "Mar 4", "2023-12-22"], strict=True):
            assert line.strip().startswith("Title")
            assert line.rstrip().endswith(" " + time)
            assert len(line) == width
        assert header(app) == "Conversations · 5"


@pytest.mark.anyio
async def test_long_titles_are_ellipsised_and_untitled_rows_say_so() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        long = item(0, "word " * 40)
        await start(app, ConversationPage(items=[long, item(1, ""), item(2, None)], total=3))
        # item(2, None) gets the default title; make a truly untitled one as well.
        app.query_one(Sidebar).add_page(
            ConversationPage(items=[ConversationItem(id="none", title=None)], offset=3, total=4)
        )
        await pilot.pause()
        shown = rows(app)
        assert "…" in shown[0]
        assert shown[0].rstrip().endswith("1m")
        assert shown[1].strip().startswith("New chat")
        assert shown[3].strip() == "New chat"


HOSTILE = [
    "[bold]not bold[/]",
    "[/]",
    "[link=file:///etc/passwd]x[/]",
    "[@click=app.quit]press me[/]",
    "[$accent]colored",
    "日本語のタイトル",
    "party 🎉",
    "مرحبا بالعالم",
    "a\x1b[2Jb",
    "c\x1b]52;c;SGVsbG8=\x07d",
    "e\x9b2Jf",
]


@pytest.mark.anyio
async def test_hostile_titles_render_literally() -> None:
    app = Harness()
    async with app.run_test(size=(70, 20)) as pilot:
        items = [item(i, title) for i, title in enumerate(HOSTILE)]
        await start(app, ConversationPage(items=items, total=len(items)))
        await pilot.pause()
        text = "\n".join(rows(app))
        # The link title is longer than the row: it shows literally up to the ellipsis.
        for literal in ["[bold]not bold[/]", "[/]", "[link=file:///etc/passwd]…"]:
            assert literal in text
        assert "[@click=app.quit]press me…" in text
        assert "[$accent]colored" in text
        assert "日本語のタイトル" in text
        assert "party 🎉" in text
        assert "ab" in text
        assert "cd" in text
        assert "ef" in text
        assert "\x1b" not in text
        assert "\x9b" not in text
        assert "[2J" not in text
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot
        assert "\x9b" not in screenshot
        await pilot.click(ConversationList, offset=(5, 4))  # the [@click=app.quit] row
        await pilot.pause()
        assert app.is_running
        assert app.opened() == ["c3"]


@pytest.mark.anyio
async def test_end_asks_for_the_next_page_once_until_it_arrives() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start_afresh(pilot, app, page(0, 50, total=120))
        await pilot.press("end")
        await pilot.pause()
        assert app.pages_wanted() == [(50, False)]
        assert "loading…" in header(app)
        await pilot.press("up", "end", "down", "end")
        await pilot.pause()
        assert app.pages_wanted() == [(50, False)]
        sidebar.add_page(page(50, 50, total=120))
        await pilot.pause()
        assert app.pages_wanted() == [(50, False)]  # the cursor is 50 rows from the end now
        assert "loading…" not in header(app)
        await pilot.press("end")
        await pilot.pause()
        assert app.pages_wanted() == [(50, False), (100, False)]
        sidebar.add_page(page(100, 20, total=120))
        await pilot.press("end")
        await pilot.pause()
        assert app.pages_wanted() == [(50, False), (100, False)]
        assert sidebar.loaded == 120
        assert rows(app)[-1].startswith(" Chat number 119")


@pytest.mark.anyio
async def test_cursor_moving_down_asks_within_ten_rows_of_the_end() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await start_afresh(pilot, app, page(0, 40, total=100))
        for _ in range(29):
            await pilot.press("j")
        await pilot.pause()
        assert app.query_one(Sidebar).highlighted_id == "c29"
        assert app.pages_wanted() == []
        await pilot.press("down")
        await pilot.pause()
        assert app.pages_wanted() == [(40, False)]
        await pilot.press("k", "k")
        assert app.query_one(Sidebar).highlighted_id == "c28"


@pytest.mark.anyio
async def test_scrolling_to_the_bottom_asks_for_more() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await start_afresh(pilot, app, page(0, 50, total=500))
        conversation_list = app.query_one(ConversationList)
        conversation_list.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert conversation_list.highlighted_id == "c0"  # the cursor did not move
        assert app.pages_wanted() == [(50, False)]


@pytest.mark.anyio
async def test_a_short_first_page_is_followed_by_the_next() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.query_one(Sidebar).add_page(page(0, 5, total=None, limit=5))
        await pilot.pause()
        assert app.pages_wanted() == [(0, False), (5, False)]


@pytest.mark.anyio
@pytest.mark.parametrize(
    "last",
    [page(0, 30, total=30), page(0, 20, total=None, limit=50), page(0, 0, total=999)],
    ids=["total-reached", "short-page-without-total", "empty-page"],
)
async def test_no_more_pages_once_everything_is_loaded(last: ConversationPage) -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, last)
        await pilot.pause()
        await pilot.press("end", "up", "end")
        conversation_list = app.query_one(ConversationList)
        conversation_list.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert app.pages_wanted() == [(0, False)]
        assert not sidebar.has_more
        assert "loading" not in header(app)


@pytest.mark.anyio
async def test_a_failed_page_is_asked_for_again_on_the_next_move() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 50, total=120))
        await pilot.press("end")
        await pilot.pause()
        sidebar.page_failed()
        await pilot.pause()
        assert "load failed" in header(app)
        await pilot.press("up")
        await pilot.pause()
        assert app.pages_wanted() == [(0, False), (50, False), (50, False)]


@pytest.mark.anyio
async def test_filter_narrows_counts_and_escape_restores() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        items = [item(i) for i in range(30)] + [item(30, "Python asyncio"), item(31, "PYTHON")]
        sidebar = await start(app, ConversationPage(items=items, total=100, limit=32))
        await pilot.pause()
        filter_input = app.query_one("#sidebar-filter", Input)
        assert not filter_input.display
        await pilot.press("slash")
        await pilot.pause()
        assert filter_input.display
        assert filter_input.has_focus
        await pilot.press(*"python")
        await pilot.pause()
        shown = [line.strip() for line in rows(app) if line.strip()]
        assert [line.split("  ")[0] for line in shown] == ["Python asyncio", "PYTHON"]
        assert count_line(app) == "2 matches · 32 of 100 loaded"
        # The list keeps the sidebar's full width next to the (indented) filter box.
        list_region = app.query_one(ConversationList).region
        assert list_region.width == app.query_one("#sidebar-header").region.width
        assert sidebar.visible_ids == ["c30", "c31"]
        # Moving to the end of the matches does not page in more rows.
        await pilot.press("down", "end")
        await pilot.pause()
        assert app.pages_wanted() == [(0, False)]
        await pilot.press("escape")
        await pilot.pause()
        assert not filter_input.display
        assert filter_input.value == ""
        assert app.query_one(ConversationList).has_focus
        assert len(sidebar.visible_ids) == 32
        assert sidebar.highlighted_id == "c31"  # the cursor stays on the row it was on
        await pilot.press("escape")  # nothing to close: escape is left to the app
        await pilot.pause()
        assert app.query_one(ConversationList).has_focus


@pytest.mark.anyio
async def test_filter_matches_text_not_markup_and_new_pages_are_filtered() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, ConversationPage(items=[item(0, "[b]x[/b]")], total=2, limit=1))
        await pilot.press("slash", *"[b]")
        await pilot.pause()
        assert sidebar.visible_ids == ["c0"]
        sidebar.add_page(
            ConversationPage(items=[item(1, "no match"), item(2, "a [B] too")], offset=1, total=3)
        )
        await pilot.pause()
        assert sidebar.visible_ids == ["c0", "c2"]
        assert count_line(app) == "2 matches · all 3 loaded"


@pytest.mark.anyio
async def test_load_all_asks_once_and_shows_progress() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 50, total=200))
        await pilot.press("slash", "x", "ctrl+l")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        wanted = [m for m in app.posted if isinstance(m, Sidebar.LoadAllWanted)]
        assert [(m.offset, m.archived) for m in wanted] == [(50, False)]
        sidebar.add_page(page(50, 50, total=200))
        sidebar.set_progress(100, 200)
        await pilot.pause()
        assert header(app) == "Conversations · 200 · loading…"
        assert count_line(app).startswith("loading… 100 of 200")
        sidebar.add_page(page(100, 100, total=200))
        sidebar.set_progress(200, 200)
        await pilot.pause()
        assert header(app) == "Conversations · 200"
        assert app.pages_wanted() == [(0, False)]  # no paging while loading all


@pytest.mark.anyio
async def test_enter_and_click_open_the_row() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        await start(app, page(0, 10, total=10))
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.opened() == ["c2"]
        await pilot.click(ConversationList, offset=(3, 6))  # under the "Today" header
        await pilot.pause()
        assert app.opened() == ["c2", "c5"]


@pytest.mark.anyio
async def test_select_id_moves_the_cursor_and_clears_a_hiding_filter() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 50, total=50))
        assert sidebar.select_id("c40")
        await pilot.pause()
        assert sidebar.highlighted_id == "c40"
        assert any(line.startswith(" Chat number 40 ") for line in rows(app))
        await pilot.press("slash", *"number 3")
        await pilot.pause()
        assert sidebar.select_id("c7")
        await pilot.pause()
        assert sidebar.highlighted_id == "c7"
        assert not app.query_one("#sidebar-filter", Input).display
        assert not sidebar.select_id("missing")


@pytest.mark.anyio
async def test_rename_remove_insert_and_move_to_top() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 30, total=60, limit=30))
        await pilot.pause()
        sidebar.rename_row("c2", "[/] renamed")
        await pilot.pause()
        assert rows(app)[2].startswith(" [/] renamed ")
        assert sidebar.title_of("c2") == "[/] renamed"

        await pilot.press("down", "down", "down")  # cursor on c3
        removed = sidebar.remove_row("c3")
        await pilot.pause()
        assert removed is not None
        position, removed_item = removed
        assert (position, removed_item.id) == (3, "c3")
        assert "c3" not in sidebar.visible_ids
        assert sidebar.item("c3") is None
        assert header(app) == "Conversations · 59"
        assert sidebar.remove_row("c3") is None

        sidebar.insert_row(position, removed_item)  # a rollback
        await pilot.pause()
        assert sidebar.visible_ids[:5] == ["c0", "c1", "c2", "c3", "c4"]
        assert header(app) == "Conversations · 60"

        sidebar.select_id("c5")
        reply = item(8, "Fresh reply", timedelta(seconds=5))
        sidebar.move_to_top(reply)
        await pilot.pause()
        assert sidebar.visible_ids[:3] == ["c8", "c0", "c1"]
        assert rows(app)[0].rstrip().endswith("now")
        assert rows(app)[0].startswith(" Fresh reply ")
        assert sidebar.highlighted_id == "c5"  # the cursor stays on its conversation
        assert sidebar.loaded == 30

        sidebar.move_to_top(ConversationItem(id="new", title="Brand new", update_time=NOW))
        await pilot.pause()
        assert sidebar.visible_ids[:2] == ["new", "c8"]
        assert header(app) == "Conversations · 61"

        # The offsets the server will use moved with the rows: one new row, one removed and
        # put back, so the next page starts one further on.
        await pilot.press("end")
        await pilot.pause()
        assert app.pages_wanted()[-1] == (31, False)


@pytest.mark.anyio
async def test_archived_toggle_keeps_the_rows_until_its_page_and_ignores_late_pages() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 10, total=10))
        sidebar.archived = True
        await pilot.pause()
        # Until the archived list arrives, the old rows (and their header) stay.
        assert header(app) == "Conversations · 10 · loading archived…"
        assert sidebar.loaded == 10
        assert not sidebar.shown_archived
        assert app.pages_wanted() == [(0, False), (0, True)]
        sidebar.add_page(page(10, 5, total=15), archived=False)  # late, for the other list
        assert sidebar.loaded == 10
        sidebar.add_page(page(0, 3, total=3), archived=True)
        await pilot.pause()
        assert header(app) == "Archived · 3"
        assert sidebar.shown_archived
        wanted = len(app.pages_wanted())
        sidebar.reset(archived=False)
        await pilot.pause()
        # The list left behind comes back as it was, at once; its first page is asked for
        # again, to bring in what changed meanwhile.
        assert header(app) == "Conversations · 10 · loading…"
        assert sidebar.loaded == 10
        assert app.pages_wanted()[wanted:] == [(0, False)]


@pytest.mark.anyio
async def test_a_failed_switch_or_refresh_keeps_rows_cursor_and_list() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 10, total=10))
        await pilot.press("down", "down", "down")
        before = sidebar.visible_ids
        assert sidebar.highlighted_id == "c3"
        sidebar.archived = True
        await pilot.pause()
        sidebar.page_failed()
        await pilot.pause()
        assert sidebar.visible_ids == before
        assert sidebar.highlighted_id == "c3"
        assert not sidebar.archived  # the switch did not happen
        assert header(app) == "Conversations · 10 · load failed"
        # A refresh that fails keeps them too; a retry asks for the refresh again.
        sidebar.reset()
        await pilot.pause()
        assert header(app) == "Conversations · 10 · loading…"
        sidebar.page_failed()
        sidebar.retry()
        await pilot.pause()
        assert app.pages_wanted()[-3:] == [(0, True), (0, False), (0, False)]
        assert sidebar.highlighted_id == "c3"
        # When the refresh does come, the cursor stays on its conversation.
        sidebar.add_page(page(0, 12, total=12))
        await pilot.pause()
        assert sidebar.loaded == 12
        assert sidebar.highlighted_id == "c3"


@pytest.mark.anyio
async def test_unreadable_rows_are_counted_in_the_list_status() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        raw = {"items": [{"id": "c1", "title": "Fine"}, {"title": "no id"}], "total": 2}
        sidebar = await start(app, ConversationPage.model_validate(raw))
        await pilot.pause()
        assert sidebar.visible_ids == ["c1"]
        assert count_line(app) == "1 conversation could not be read"


@pytest.mark.anyio
async def test_duplicate_rows_across_pages_are_dropped() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 10, total=20, limit=10))
        sidebar.add_page(page(9, 10, total=20, limit=10))  # overlaps by one
        await pilot.pause()
        assert sidebar.loaded == 19
        assert len(set(sidebar.visible_ids)) == 19


@pytest.mark.anyio
async def test_bindings_are_remapped_by_id() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"sidebar.filter": "ctrl+f", "sidebar.cursor_down": "n"})
        await start(app, page(0, 5, total=5))
        app.query_one(Sidebar).focus()
        await pilot.press("n", "n")
        await pilot.pause()
        assert app.query_one(Sidebar).highlighted_id == "c2"
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert app.query_one("#sidebar-filter", Input).has_focus


@pytest.mark.anyio
async def test_down_or_enter_in_the_filter_goes_to_the_matches() -> None:
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app, page(0, 30, total=30))
        await pilot.press("slash", *"number 2")
        await pilot.pause()
        assert sidebar.visible_ids[:2] == ["c2", "c20"]
        await pilot.press("down")
        await pilot.pause()
        assert app.query_one(ConversationList).has_focus
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.opened() == ["c20"]
        # `/` again selects the filter, so typing starts a new one.
        await pilot.press("slash", *"r 21", "enter")
        await pilot.pause()
        assert app.query_one(ConversationList).has_focus
        assert sidebar.filter_text == "r 21"
        assert sidebar.visible_ids == ["c21"]


@pytest.mark.anyio
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_random_operations_keep_the_rows_in_step_with_a_plain_model(seed: int) -> None:
    """Seeded random pages and row changes, checked against a list of ids after every step."""
    rng = random.Random(seed)
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        sidebar = await start(app)
        model: list[str] = []
        titles: dict[str, str] = {}
        undo: list[tuple[int, ConversationItem]] = []
        offset = 0
        needle = ""
        for step in range(STEPS):
            choice = rng.random()
            if choice < 0.25:
                count = rng.randint(0, 12)
                start_at = max(0, offset - rng.randint(0, 3))  # pages may overlap
                items = [item(i, f"t{i % 17} {i}") for i in range(start_at, start_at + count)]
                sidebar.add_page(ConversationPage(items=items, offset=start_at, total=None))
                for entry in items:
                    if entry.id not in titles:
                        model.append(entry.id)
                    titles.setdefault(entry.id, entry.title or "")
                offset = max(offset, start_at + count)
            elif choice < 0.4 and model:
                cid = rng.choice(model)
                removed = sidebar.remove_row(cid)
                assert removed is not None
                assert removed[0] == model.index(cid)
                model.remove(cid)
                del titles[cid]
                undo.append(removed)
            elif choice < 0.5 and undo:
                index, entry = undo.pop()
                sidebar.insert_row(index, entry)
                if entry.id in model:  # a later (overlapping) page brought it back meanwhile
                    model.remove(entry.id)
                model.insert(min(index, len(model)), entry.id)
                titles[entry.id] = entry.title or ""
            elif choice < 0.65 and model:
                cid = rng.choice(model)
                title = f"moved {step}"
                sidebar.move_to_top(ConversationItem(id=cid, title=title, update_time=NOW))
                model.remove(cid)
                model.insert(0, cid)
                titles[cid] = title
            elif choice < 0.75 and model:
                cid = rng.choice(model)
                sidebar.rename_row(cid, f"T{step % 5} renamed")
                titles[cid] = f"T{step % 5} renamed"
            elif choice < 0.9:
                needle = rng.choice(["", "t1", "T3", "moved", "renamed", "zzz"])
                if needle:
                    if not sidebar.filter_text:
                        await pilot.press("slash")
                    app.query_one("#sidebar-filter", Input).value = needle
                else:
                    sidebar.action_close_filter()
            await pilot.pause()
            shown = [cid for cid in model if needle.casefold() in titles[cid].casefold()]
            assert sidebar.loaded == len(model), step
            if needle:
                # Renames keep a row shown even if it stops matching, until the filter changes.
                assert set(shown) <= set(sidebar.visible_ids), step
            else:
                assert sidebar.visible_ids == model, step
            assert len(set(sidebar.visible_ids)) == len(sidebar.visible_ids), step
