"""Where am I: tab focuses the newest message, the title bar says its place, fork keys jump."""

from __future__ import annotations

import pytest

from tests.app.pilot_helpers import (
    LONG,
    SHOWCASE,
    focus_message,
    idle,
    listing,
    main,
    open_row,
    running,
    started,
    title_bar,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_tab_into_the_messages_focuses_the_newest(app: BackchatApp, demo: DemoServer) -> None:
    async with running(app, opened=listing(demo)[SHOWCASE].id) as pilot:
        screen = main(app)
        transcript = screen.transcript
        screen.sidebar.focus()
        await pilot.pause()
        await pilot.press("tab")
        await idle(pilot)
        assert transcript.focused_view is transcript.views[-1]
        assert transcript.focused_message is transcript.messages[-1]
        total = len(transcript.messages)
        assert f"message {total} of {total}" in title_bar(app)


async def test_the_title_bar_shows_the_focused_message_and_its_branch(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app, opened=listing(demo)[SHOWCASE].id) as pilot:
        transcript = main(app).transcript
        total = len(transcript.messages)
        await focus_message(pilot, 3)
        await idle(pilot)
        assert f"message 4 of {total} · branch 2/2" in title_bar(app)
        await pilot.press("up")
        await idle(pilot)
        assert f"message 3 of {total}" in title_bar(app)
        assert "message 4" not in title_bar(app)


async def test_fork_keys_jump_between_messages_with_siblings(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app, opened=listing(demo)[SHOWCASE].id) as pilot:
        transcript = main(app).transcript
        forks = [i for i, m in enumerate(transcript.messages) if m.sibling_count > 1]
        assert len(forks) >= 2, "the showcase conversation has branches at two places"
        await focus_message(pilot, len(transcript.messages) - 1)
        for expected in reversed(forks):
            await pilot.press("left_curly_bracket")
            await idle(pilot)
            assert transcript.focused_message is transcript.messages[expected]
        for expected in forks[1:]:
            await pilot.press("right_curly_bracket")
            await idle(pilot)
            assert transcript.focused_message is transcript.messages[expected]
        assert f"message {forks[-1] + 1} of" in title_bar(app)


async def test_shift_tab_from_the_first_message_leaves_the_pane(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app, opened=listing(demo)[SHOWCASE].id) as pilot:
        screen = main(app)
        transcript = screen.transcript
        await focus_message(pilot, 0)
        await pilot.press("shift+tab")
        await idle(pilot)
        focused = app.focused
        assert focused is not None
        assert transcript not in focused.ancestors_with_self


async def test_home_in_a_long_conversation_focuses_the_first_message(
    app: BackchatApp, demo: DemoServer
) -> None:
    # The window is opened again at the top: the newest message, focused until then, goes;
    # the focus must land on the first message, not on the last one mounted at the top.
    async with app.run_test(size=(160, 48)) as pilot:  # the size it was seen at
        await started(pilot)
        await open_row(pilot, listing(demo)[LONG].id)
        transcript = main(app).transcript
        total = len(transcript.messages)
        assert total > 500
        await pilot.press("tab")
        await idle(pilot)
        assert transcript.focused_message is transcript.messages[-1]
        await pilot.press("home")
        await idle(pilot)
        assert transcript.focused_message is transcript.messages[0]
        assert transcript.scroll_y == 0
        assert f"message 1 of {total}" in title_bar(app)
        await pilot.press("j")
        await idle(pilot)
        assert transcript.focused_message is transcript.messages[1]
        assert f"message 2 of {total}" in title_bar(app)
