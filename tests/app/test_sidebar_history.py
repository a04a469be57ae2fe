"""The sidebar for thousands of chats (issue 9 item 4), with the whole app on the demo backend:
holding down pages in without wrapping, date groups and the year on old rows, the month jump
with progress, marks acted on together, and a list switch or refresh that keeps the cursor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.app.conftest import AppFactory, make_app
from tests.app.pilot_helpers import (
    SIZE,
    idle,
    listing,
    main,
    notices,
    record,
    row_ids,
    running,
    screen_text,
    select,
    started,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo import DEMO_NOW
from tui.demo.seed_records import Record
from tui.demo.server import DemoServer, start_demo_server
from tui.screens.confirm import ConfirmScreen
from tui.screens.export_dialog import ExportScreen
from tui.text.times import month_of

pytestmark = pytest.mark.anyio

LONG_HISTORY = 1000
"""Conversations in the long demo history: about a year, back into 2025."""


@pytest.fixture(scope="module")
def long_demo_server() -> Iterator[DemoServer]:
    server = start_demo_server(pace=0.0, conversations=LONG_HISTORY)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def long_app(long_demo_server: DemoServer, tmp_path: Path) -> BackchatApp:
    """The app on the long history, 50 rows a page."""
    long_demo_server.reset()
    return make_app(long_demo_server, tmp_path / "state.json", page_size=50)


def month(conversation: Record) -> tuple[int, int]:
    return month_of(datetime.fromtimestamp(conversation.update_time, UTC), DEMO_NOW)


def status_lines(app: BackchatApp) -> list[str]:
    """Every text the sidebar's status line shows from now on (it changes within a key)."""
    shown: list[str] = []
    status = main(app).sidebar.query_one("#sidebar-count", Static)
    update = status.update

    def spy(content: object = "") -> None:
        shown.append(str(content))
        update(content)  # type: ignore[arg-type]

    status.update = spy  # type: ignore[method-assign]
    return shown


def count_line(app: BackchatApp) -> str:
    return str(main(app).sidebar.query_one("#sidebar-count", Static).render())


async def test_holding_down_pages_in_and_never_wraps(
    long_app: BackchatApp, long_demo_server: DemoServer
) -> None:
    server = [r.id for r in listing(long_demo_server)]
    async with long_app.run_test(size=SIZE) as pilot:
        await started(pilot)
        sidebar = main(long_app).sidebar
        positions = []
        for _ in range(130):
            await pilot.press("down")
            positions.append(server.index(sidebar.highlighted_id or ""))
        await idle(pilot)
        # Every press moved on (or waited for a page): never back to the top.
        assert positions == sorted(positions)
        assert positions[-1] >= 100
        assert sidebar.loaded >= 150
        assert row_ids(long_app) == server[: sidebar.loaded]


async def test_down_at_the_very_end_stays_there(app: BackchatApp, demo: DemoServer) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: not sidebar.has_more, "every page")
        await idle(pilot)
        await pilot.press("end", "down", "down")
        assert sidebar.highlighted_id == listing(demo)[-1].id


async def test_date_groups_as_on_the_web_and_old_rows_show_their_year(
    long_app: BackchatApp, long_demo_server: DemoServer
) -> None:
    server = listing(long_demo_server)
    async with long_app.run_test(size=SIZE) as pilot:
        await started(pilot)
        text = screen_text(long_app)
        # DEMO_NOW is 2026-11-02 12:00: the newest chats are from yesterday.
        for group in ("Yesterday", "Previous 7 days", "Previous 30 days"):
            assert f" {group} " in text, group
        assert text.index("Yesterday") < text.index("Previous 7 days")
        sidebar = main(long_app).sidebar
        first_2025 = next(r for r in server if month(r)[0] == 2025)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: not sidebar.has_more, "every page")
        await idle(pilot)
        await select(pilot, first_2025.id)
        text = screen_text(long_app)
        assert "October 2026" in text or "2025" in text
        assert " 2025-" in text  # rows of an earlier year carry it


async def test_jump_to_a_month_pages_in_with_progress(
    long_app: BackchatApp, long_demo_server: DemoServer
) -> None:
    server = listing(long_demo_server)
    target = next(r for r in server if month(r) == (2025, 12))
    async with long_app.run_test(size=SIZE) as pilot:
        await started(pilot)
        sidebar = main(long_app).sidebar
        shown = status_lines(long_app)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"december 2025")
        await long_app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: sidebar.highlighted_id == target.id, "the jump")
        await idle(pilot)
        progress = [line for line in shown if line.startswith("loading… ")]
        assert progress, shown
        assert progress[-1].endswith(f"of {len(server):,}")
        assert "loading…" not in count_line(long_app)
        assert "December 2025" in screen_text(long_app)


async def test_marked_conversations_are_deleted_after_one_question_and_failures_named(
    app: BackchatApp, demo: DemoServer
) -> None:
    targets = listing(demo)[3:6]
    async with running(app, notifications=True) as pilot:
        await select(pilot, targets[0].id)
        await pilot.press("space", "space", "space")
        assert main(app).sidebar.marked_ids == [t.id for t in targets]
        assert "3 marked" in screen_text(app)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete 3 conversations?" in screen_text(app)
        demo.faults.arm("server_500", on="write")  # the first one is refused
        await pilot.press("y")
        await idle(pilot)
        assert demo.state.get(targets[0].id) is not None
        assert [demo.state.get(t.id) for t in targets[1:]] == [None, None]
        assert targets[0].id in row_ids(app)
        assert not {t.id for t in targets[1:]} & set(row_ids(app))
        said = " ".join(notices(app))
        assert "Deleted 2 of 3 conversations" in said
        assert f"Not done: “{targets[0].title}”" in said


async def test_marked_conversations_are_archived_together_and_escape_clears_marks(
    app: BackchatApp, demo: DemoServer
) -> None:
    targets = listing(demo)[6:8]
    async with running(app, notifications=True) as pilot:
        await select(pilot, targets[0].id)
        await pilot.press("space", "space", "space", "escape")
        assert main(app).sidebar.marked_ids == []
        await select(pilot, targets[0].id)
        await pilot.press("space", "space", "a")
        await idle(pilot)
        assert all(record(demo, t.id).is_archived for t in targets)
        assert not {t.id for t in targets} & set(row_ids(app))
        assert any("Archived 2 conversations." in n for n in notices(app))


async def test_marked_conversations_are_exported_one_file_each(
    app: BackchatApp, demo: DemoServer, tmp_path: Path
) -> None:
    targets = listing(demo)[1:3]
    async with running(app, notifications=True) as pilot:
        await select(pilot, targets[0].id)
        await pilot.press("space", "space", "e")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#export-path", Input).value = str(tmp_path / "out" / "x.md")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(list((tmp_path / "out").glob("*.md"))) == 2, "files")
        await idle(pilot)
        written = sorted((tmp_path / "out").glob("*.md"))
        texts = [path.read_text(encoding="utf-8") for path in written]
        for target in targets:
            assert any(target.title in text for text in texts), target.title
        assert any("Exported 2 conversations to" in n for n in notices(app)), notices(app)


async def test_the_archived_list_and_back_keeps_each_cursor(
    app: BackchatApp, demo: DemoServer
) -> None:
    archived = listing(demo, archived=True)
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        place = row_ids(app)[40]
        await select(pilot, place)
        loaded = sidebar.loaded
        await pilot.press("A")
        await wait_for(pilot, lambda: row_ids(app) == [r.id for r in archived], "the archive")
        await select(pilot, archived[2].id)
        await pilot.press("A")
        # At once: the main list as it was left, the cursor on the same row.
        assert sidebar.highlighted_id == place
        assert sidebar.loaded == loaded
        await idle(pilot)
        assert sidebar.highlighted_id == place
        await pilot.press("A")
        assert sidebar.highlighted_id == archived[2].id


async def test_refresh_keeps_the_cursor_on_its_conversation_when_it_moves(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        moved = listing(demo)[30]
        await select(pilot, moved.id)
        # A reply elsewhere brings it to the top.
        record(demo, moved.id).update_time = listing(demo)[0].update_time + 60.0
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: row_ids(app)[0] == moved.id, "the refreshed list")
        await idle(pilot)
        assert sidebar.highlighted_id == moved.id
        assert sidebar.loaded >= 56


async def test_load_all_counts_up_and_says_when_done(
    app_factory: AppFactory, demo: DemoServer
) -> None:
    app = app_factory(page_size=50)
    async with running(app, notifications=True) as pilot:
        sidebar = main(app).sidebar
        shown = status_lines(app)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: not sidebar.has_more, "every page")
        await idle(pilot)
        total = len(listing(demo))
        progress = [line for line in shown if line.startswith("loading…")]
        assert progress[0] == f"loading… 50 of {total}"
        assert progress[-1] == f"loading… 250 of {total}"
        assert not count_line(app)
        assert any("Loaded all" in n for n in notices(app))
        await pilot.press("slash")
        assert f"all {sidebar.loaded:,} loaded" in count_line(app)
