"""Reading history with the whole app on the demo backend: the list, opening, branches, copy."""

from __future__ import annotations

import pytest

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    LONG,
    SHOWCASE,
    SIZE,
    focus_message,
    idle,
    listing,
    main,
    messages_text,
    notices,
    open_row,
    record,
    row_ids,
    running,
    screen_text,
    title_bar,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.rendering.markdown_render import code_blocks

pytestmark = pytest.mark.anyio


# -- the list ----------------------------------------------------------------------------------


async def test_start_shows_the_first_page_and_the_total(
    app_factory: AppFactory, demo: DemoServer
) -> None:
    app = app_factory(page_size=50)
    server = listing(demo)
    async with running(app):
        sidebar = main(app).sidebar
        assert sidebar.loaded == 50
        assert sidebar.total == len(server)
        assert row_ids(app) == [item.id for item in server[:50]]
        text = screen_text(app)
        assert f"Conversations · {len(server)}" in text
        assert "Faster CSV parsing in" in text
        # Only one page was asked for: the rest waits until the reader gets near it.
        assert list_requests(demo) == [("0", "50")]


async def test_a_page_shorter_than_the_screen_is_followed_by_one_more(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app):
        # 28 rows do not fill a 38-line list: one more page comes so that it is full.
        assert list_requests(demo) == [("0", "28"), ("28", "28")]
        assert main(app).sidebar.loaded == 56


def list_requests(demo: DemoServer) -> list[tuple[str | None, str | None]]:
    pages = [r for r in demo.state.requests if r.path == "/backend-api/conversations"]
    return [(r.query.get("offset"), r.query.get("limit")) for r in pages]


async def test_the_cursor_near_the_end_loads_the_next_page(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        assert sidebar.loaded == 56
        await pilot.press("end")
        await wait_for(pilot, lambda: sidebar.loaded == 84, "the third page")
        await idle(pilot)
        assert row_ids(app) == [item.id for item in listing(demo)[:84]]
        # The cursor stayed where the reader put it.
        assert sidebar.highlighted_id == listing(demo)[55].id


async def test_scrolling_near_the_end_loads_the_next_page(app: BackchatApp) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        rows = sidebar.query_one("#sidebar-list")
        assert sidebar.loaded == 56
        rows.scroll_end(animate=False, immediate=True)
        await wait_for(pilot, lambda: sidebar.loaded == 84, "the page after a scroll")
        assert sidebar.highlighted_id == row_ids(app)[0]


async def test_j_and_k_move_the_cursor(app: BackchatApp) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        await pilot.press("j", "j", "down", "k")
        assert sidebar.highlighted_id == row_ids(app)[2]


async def test_type_to_filter_searches_the_loaded_titles(app: BackchatApp) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        await pilot.press("slash")
        await pilot.press(*"rust")
        shown = row_ids(app)
        assert shown
        assert all("rust" in (sidebar.title_of(cid) or "").casefold() for cid in shown)
        # The count says what each number counts.
        assert f"{len(shown)} matches · 56 of 315 loaded" in screen_text(app)
        # enter opens the highlighted match, and the list keeps the filter; escape clears it.
        await pilot.press("down", "up", "down")
        await pilot.press("enter")
        chosen = shown[1]
        await wait_for(pilot, lambda: main(app).history.open_id == chosen, "the match to open")
        assert row_ids(app) == shown
        await pilot.press("escape")
        assert len(row_ids(app)) == 56


async def test_load_all_fills_the_list_with_progress_and_says_so(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        progress: list[str] = []
        set_progress = sidebar.set_progress

        def spy(loaded: int, total: int | None) -> None:
            set_progress(loaded, total)
            progress.append(str(sidebar.query_one("#sidebar-count").render()))

        sidebar.set_progress = spy  # type: ignore[method-assign]
        await pilot.press("slash", *"excel")
        await pilot.press("ctrl+l")
        total = len(listing(demo))
        await wait_for(pilot, lambda: sidebar.loaded == total, "every page")
        await idle(pilot)
        # Progress was shown while pages came in (100 at a time), then went.
        assert any(f"of {total:,}" in line for line in progress), progress
        assert "loading…" not in str(sidebar.query_one("#sidebar-count").render())
        assert f"Loaded all {total:,} conversations." in " ".join(notices(app))
        # The filter now searches every title, not only the first page's.
        everything = [r for r in listing(demo) if "excel" in r.title.casefold()]
        assert row_ids(app) == [r.id for r in everything]
        matches = f"{len(everything)} {'match' if len(everything) == 1 else 'matches'}"
        assert f"{matches} · all {total} loaded" in screen_text(app)


async def test_the_archived_list_is_a_toggle(app: BackchatApp, demo: DemoServer) -> None:
    archived = listing(demo, archived=True)
    async with running(app) as pilot:
        await pilot.press("A")
        await wait_for(pilot, lambda: row_ids(app) == [r.id for r in archived], "the archive")
        assert f"Archived · {len(archived)}" in screen_text(app)
        await pilot.press("A")
        await wait_for(pilot, lambda: main(app).sidebar.loaded == 56, "the main list")
        assert row_ids(app)[0] == listing(demo)[0].id
        assert "Conversations ·" in screen_text(app)


async def test_refresh_shows_changes_made_elsewhere(app: BackchatApp, demo: DemoServer) -> None:
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        # Another device renames the chat and deletes the second one.
        record(demo, top.id).title = "Renamed on my phone"
        gone = listing(demo)[LONG]
        record(demo, gone.id).is_visible = False
        await pilot.press("ctrl+r")
        await wait_for(
            pilot,
            lambda: main(app).sidebar.title_of(top.id) == "Renamed on my phone",
            "the refreshed list",
        )
        await idle(pilot)
        assert gone.id not in row_ids(app)
        assert "Renamed on my phone" in title_bar(app)
        assert "Renamed on my phone" in screen_text(app)


# -- opening -----------------------------------------------------------------------------------


async def test_enter_opens_a_conversation_at_its_latest_messages(
    app: BackchatApp, demo: DemoServer
) -> None:
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id):
        screen = main(app)
        texts = messages_text(app)
        assert texts[0].startswith("How do I read a large CSV in Rust")
        assert texts[-2] == "How fast is this on a 2 GB file, and can rayon help?"
        assert screen.transcript.views[-1].message.text == texts[-1]
        assert top.title in title_bar(app)
        assert "6 messages" in title_bar(app)
        assert "gpt-4o" in title_bar(app)
        # The newest reply ends at the bottom of the pane.
        assert texts[-1].strip().splitlines()[-1][-20:] in screen_text(app)


async def test_the_long_conversation_opens_at_the_end_with_a_window(
    app: BackchatApp, demo: DemoServer
) -> None:
    long = listing(demo)[LONG]
    async with running(app, opened=long.id) as pilot:
        transcript = main(app).transcript
        total = len(transcript.messages)
        assert total >= 500
        start, end = transcript.window
        # Only the newest messages are mounted; older ones come as the reader scrolls up.
        assert end == total
        assert 0 < end - start < 100
        # The reader is at the bottom, on the newest reply.
        assert transcript.is_at_bottom()
        assert f"{total} messages" in title_bar(app)
        # Moving up past the first mounted message mounts older ones.
        first_mounted = transcript.views[0]
        first_mounted.focus()
        await pilot.press("k")
        await idle(pilot)
        assert transcript.window[0] < start


# -- branches ----------------------------------------------------------------------------------


async def test_branch_keys_switch_and_rerender_below(app: BackchatApp, demo: DemoServer) -> None:
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        transcript = main(app).transcript
        before = messages_text(app)
        answer = transcript.messages[3]
        assert (answer.sibling_index, answer.sibling_count) == (1, 2)
        await focus_message(pilot, 3)
        assert "‹ 2/2 ›" in screen_text(app)

        await pilot.press("left_square_bracket")
        await idle(pilot)
        after = messages_text(app)
        assert after[:3] == before[:3]
        assert after[3].startswith("Sure: match on each row")
        # That version has no follow-up: the two later messages are gone with the old branch.
        assert len(after) == 4
        assert "message 4 of 4" in title_bar(app)  # the count, said once
        assert "‹ 1/2 ›" in screen_text(app)
        assert "Sure: match on each row" in screen_text(app)

        await pilot.press("right_square_bracket")
        await idle(pilot)
        assert messages_text(app) == before


async def test_the_edited_prompt_switches_too(app: BackchatApp, demo: DemoServer) -> None:
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        await focus_message(pilot, 4)
        await pilot.press("left_square_bracket")
        await idle(pilot)
        texts = messages_text(app)
        assert texts[4] == "How fast is this on a 2 GB file?"
        assert len(texts) == 6


async def test_the_branch_choice_is_remembered_when_reopening(
    app: BackchatApp, demo: DemoServer
) -> None:
    top, other = listing(demo)[SHOWCASE], listing(demo)[LONG]
    async with running(app, opened=top.id) as pilot:
        await focus_message(pilot, 3)
        await pilot.press("left_square_bracket")
        await idle(pilot)
        chosen = messages_text(app)
        await open_row(pilot, other.id)
        await open_row(pilot, top.id)
        assert messages_text(app) == chosen
        assert "‹ 1/2 ›" in screen_text(app)


# -- copy --------------------------------------------------------------------------------------


async def test_y_copies_the_focused_message(app: BackchatApp, demo: DemoServer) -> None:
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        await focus_message(pilot, 1)
        await pilot.press("y")
        message = main(app).transcript.messages[1]
        assert app.clipboard == message.text
        assert "csv::Reader::from_path" in app.clipboard
        assert any("Copied message" in notice for notice in notices(app))


async def test_c_copies_code_blocks_one_at_a_time(app: BackchatApp, demo: DemoServer) -> None:
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        await focus_message(pilot, 1)
        blocks = code_blocks(main(app).transcript.messages[1].blocks)
        assert len(blocks) == 1
        await pilot.press("c")
        assert app.clipboard == blocks[0]
        assert app.clipboard.startswith("use std::error::Error;")
        assert "```" not in app.clipboard
        # A message without code says so and leaves the clipboard alone.
        await focus_message(pilot, 0)
        await pilot.press("c")
        assert app.clipboard == blocks[0]
        assert any("No code blocks" in notice for notice in notices(app))


async def test_tab_cycles_sidebar_messages_and_input(app: BackchatApp, demo: DemoServer) -> None:
    async with running(app, opened=listing(demo)[SHOWCASE].id) as pilot:
        screen = main(app)
        screen.sidebar.focus()
        await pilot.pause()
        order = []
        for _ in range(3):
            await pilot.press("tab")
            focused = app.focused
            assert focused is not None
            for name, pane in (
                ("sidebar", screen.sidebar),
                ("transcript", screen.transcript),
                ("composer", screen.composer),
            ):
                if pane in focused.ancestors_with_self:
                    order.append(name)
        assert order == ["transcript", "composer", "sidebar"]


async def test_the_theme_choice_persists(app_factory: AppFactory) -> None:
    app = app_factory()
    async with running(app) as pilot:
        app.theme = "nord"
        await pilot.pause()
    again = app_factory()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
