"""ctrl+f over the demo backend: local hits as you type, opening a hit on its branch, n / N,
the server toggle with paging, an empty store, and find inside the open conversation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import idle, open_conversation, started, wait_for
from tests.app.search_helpers import (
    app_store,
    fill_store,
    off_branch_hit,
    open_search,
    search_for,
    status,
)
from tui.app import BackchatApp
from tui.conversation.locate import find_in_messages
from tui.demo.server import DemoServer
from tui.screens.search import SearchScreen
from tui.store.store import Store
from tui.widgets.find_bar import FindBar


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The store lives under this test's own XDG data dir, never the user's."""
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.mark.anyio
async def test_local_hits_show_title_role_and_marked_snippet(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fill_store(demo, app)
        screen = await search_for(pilot, "worker pool")
        assert screen.targets, "the demo history talks about worker pools"
        assert "hits" in status(screen)
        assert "Local copy" in status(screen)
        first = screen.results.get_option_at_index(0).prompt
        text = str(first)
        assert "worker pool" in text.lower()
        # Marked through styles, never markup: the prompt is Content with spans.
        assert any("text-accent" in str(span.style) for span in first.spans)  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_markup_in_a_title_is_shown_as_written(app: BackchatApp, demo: DemoServer) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fill_store(demo, app)
        screen = await search_for(pilot, "passwd")
        prompts = [str(screen.results.get_option_at_index(i).prompt) for i in range(3)]
        assert any("[link=file:///etc/passwd" in prompt for prompt in prompts), prompts


@pytest.mark.anyio
async def test_enter_opens_the_hit_on_its_branch_and_focuses_it(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fill_store(demo, app)
        conversation_id, node_id, query = off_branch_hit(demo, app)
        screen = await search_for(pilot, query)
        index = next(i for i, t in enumerate(screen.targets) if t.message_id == node_id)
        screen.results.highlighted = index
        await pilot.press("enter")
        main = app.main
        await wait_for(
            pilot,
            lambda: (
                main.transcript.focused_message is not None
                and main.transcript.focused_message.node_id == node_id
            ),
            "the hit's message to be focused",
        )
        session = main.history.session
        assert session is not None
        assert session.id == conversation_id
        assert node_id in session.thread, "switched to the branch that holds the hit"
        # The thread follows that branch to its end, as [ / ] do.
        assert session.thread[-1] == main.history.branches.leaves[conversation_id]


@pytest.mark.anyio
async def test_n_and_shift_n_step_through_the_conversations_hits(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fill_store(demo, app)
        screen = await search_for(pilot, "cover letter")
        target = screen.targets[0]
        await pilot.press("enter")
        await idle(pilot)
        transcript = app.main.transcript
        found = app_store(app).hits_in(target.conversation_id, "cover letter*")
        hits = [hit.message_id for hit in found]
        assert len(hits) >= 2, hits
        start = hits.index(target.message_id)  # type: ignore[arg-type]
        await wait_for(
            pilot,
            lambda: getattr(transcript.focused_message, "node_id", None) == hits[start],
            "the first hit",
        )
        await pilot.press("n")
        await idle(pilot)
        following = hits[(start + 1) % len(hits)]
        await wait_for(
            pilot,
            lambda: getattr(transcript.focused_message, "node_id", None) == following,
            "the next hit",
        )
        await pilot.press("N")
        await idle(pilot)
        await wait_for(
            pilot,
            lambda: getattr(transcript.focused_message, "node_id", None) == hits[start],
            "the previous hit",
        )


@pytest.mark.anyio
async def test_an_empty_store_says_how_to_fill_it_and_offers_the_server(
    app_factory: AppFactory,
) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        screen = await open_search(pilot)
        assert "backchat sync" in status(screen)
        await pilot.press("ctrl+s")
        await search_for(pilot, "worker pool")
        assert screen.on_server
        assert screen.targets
        assert "Server search" in status(screen)
        target = screen.targets[0]
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: getattr(app.main.transcript.focused_message, "node_ids", ()).__contains__(
                target.message_id
            ),
            "the server hit's message",
        )
        # Nothing stored: n / N step through the hits the fetched tree holds.
        hits = app.main.search_jump.hits
        assert hits is not None
        assert target.message_id in hits.message_ids
        assert len(hits.message_ids) > 1, hits
        following = hits.message_ids[(hits.index + 1) % len(hits.message_ids)]
        app.main.transcript.focus()
        await pilot.press("n")
        await wait_for(
            pilot,
            lambda: getattr(app.main.transcript.focused_message, "node_id", None) == following,
            "the next hit in the tree",
        )


@pytest.mark.anyio
async def test_server_results_page_as_the_user_scrolls(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        screen = await open_search(pilot)
        await pilot.press("ctrl+s")
        await search_for(pilot, "the")
        first_page = len(screen.targets)
        assert first_page == 20
        assert "more below" in status(screen)
        for _ in range(first_page):
            await pilot.press("down")
        await idle(pilot)
        await wait_for(pilot, lambda: len(screen.targets) > first_page, "the next page")
        assert screen.results.option_count == len(screen.targets)


@pytest.mark.anyio
async def test_without_a_server_the_toggle_says_it_needs_one(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        pilot.app.push_screen(
            SearchScreen(store=None, client=None, now=app.now, server_note="offline")
        )
        await idle(pilot)
        await pilot.press("ctrl+s")
        await idle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        assert status(screen) == "Server search needs the server: offline"


@pytest.mark.anyio
async def test_find_counts_every_message_of_the_thread_and_steps(
    app_factory: AppFactory, demo: DemoServer
) -> None:
    app = app_factory()
    long_id = next(r.id for r in demo.state.listing(archived=False) if r.title.startswith("Field"))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await open_conversation(pilot, long_id)
        transcript = app.main.transcript
        transcript.focus()
        await pilot.press("slash")
        await pilot.press(*"the")
        await idle(pilot)
        expected = find_in_messages(transcript.messages, "the")
        assert len(transcript.messages) > len(transcript.views), "a virtualised window"
        assert len(transcript.find_matches) == len(expected) > 0
        count = str(app.main.query_one("#find-count").render())
        assert count == f"{len(expected)} matches"
        await pilot.press("enter")
        await idle(pilot)
        first = expected[0].position
        await wait_for(
            pilot,
            lambda: getattr(transcript.focused_view, "position", None) == first,
            "the first match",
        )
        assert str(app.main.query_one("#find-count").render()) == f"1 of {len(expected)}"
        await pilot.press("N")
        await idle(pilot)
        last = expected[-1].position
        await wait_for(
            pilot,
            lambda: getattr(transcript.focused_view, "position", None) == last,
            "the last match (wrapped)",
        )
        await pilot.press("escape")  # in the messages: closes find, stops nothing
        await idle(pilot)
        assert not transcript.find_matches
        assert not app.main.query_one(FindBar).is_open
        assert transcript.has_focus_within


@pytest.mark.anyio
async def test_a_damaged_store_is_named_and_the_server_still_offered(
    app: BackchatApp, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"this is not a database, but someone's notes" * 100)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        # The app's copy is that file: opening it fails as it would at its real place.
        app.main.search_store = lambda: Store(damaged)  # type: ignore[method-assign]
        screen = await open_search(pilot)
        assert "--rebuild" in status(screen)
        assert "damaged.sqlite3" in status(screen)
        await pilot.press("ctrl+s")
        await search_for(pilot, "worker pool")
        assert screen.targets
    assert damaged.read_bytes().startswith(b"this is not a database"), "never deleted or changed"


@pytest.mark.anyio
async def test_server_results_page_as_the_mouse_scrolls(app_factory: AppFactory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        screen = await open_search(pilot)
        await pilot.press("ctrl+s")
        await search_for(pilot, "the")
        first_page = len(screen.targets)
        assert screen.results.highlighted == 0
        screen.results.scroll_end(animate=False, immediate=True)
        await idle(pilot)
        await wait_for(pilot, lambda: len(screen.targets) > first_page, "the next page")
        assert screen.results.highlighted == 0, "scrolling did not move the highlight"
