"""Links back to the web: copy the web link, share the open conversation, revoke a share."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    SHOWCASE,
    focus_message,
    idle,
    listing,
    main,
    notices,
    running,
    screen_text,
    title_bar,
    wait_for,
)
from tests.app.test_account_export import open_account, show_tab
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.screens.account import REVOKED_MESSAGE
from tui.screens.confirm import ConfirmScreen

pytestmark = pytest.mark.anyio


async def test_l_copies_the_web_link_of_the_open_conversation(
    app: BackchatApp, demo: DemoServer
) -> None:
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        main(app).transcript.focus()
        await pilot.press("l")
        await pilot.pause()
        assert app.clipboard == f"https://chatgpt.com/c/{top.id}"
        assert any(f"https://chatgpt.com/c/{top.id}" in n for n in notices(app))


async def test_the_web_url_setting_moves_the_links(
    app_factory: AppFactory, demo: DemoServer
) -> None:
    app = app_factory(web_url="https://chat.example.org/")
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        main(app).transcript.focus()
        await pilot.press("l")
        await pilot.pause()
        assert app.clipboard == f"https://chat.example.org/c/{top.id}"
        screen = await open_account(pilot)
        text = await show_tab(pilot, screen, "tab-shared")
        assert "https://chat.example.org/share/" in text


async def test_share_creates_publishes_and_copies_the_link(
    app: BackchatApp, demo: DemoServer
) -> None:
    shared = {share["conversation_id"] for share in demo.state.shares}
    target = next(r for r in listing(demo) if r.id not in shared)
    async with running(app, opened=target.id) as pilot:
        await pilot.press("S")
        await wait_for(pilot, lambda: "/share/" in app.clipboard, "the share link")
        await idle(pilot)
        share = demo.state.shares[0]
        assert share["conversation_id"] == target.id
        assert share["is_public"] is True
        assert app.clipboard == f"https://chatgpt.com/share/{share['id']}"
        # The branch on screen is what is shared.
        create = next(r for r in demo.state.requests if r.path.endswith("/share/create"))
        session = main(app).history.session
        assert session is not None
        assert create.body["current_node_id"] == session.leaf_id
        assert any("Copied the share link" in n for n in notices(app))


async def test_share_with_nothing_open_says_so(app: BackchatApp, demo: DemoServer) -> None:
    async with running(app) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert any("Open a conversation to share it." in n for n in notices(app))
        assert not any("/share" in r.path for r in demo.state.requests)


async def test_revoke_a_shared_link_from_the_account_screen(
    app: BackchatApp, demo: DemoServer
) -> None:
    first = demo.state.visible_shares()[0]
    async with running(app) as pilot:
        screen = await open_account(pilot)
        text = await show_tab(pilot, screen, "tab-shared")
        assert first["title"] in text
        screen.query_one("#account-shared", DataTable).focus()
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "Revoke the link to" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: REVOKED_MESSAGE in screen_text(app), "the revoke")
        await idle(pilot)
        assert first["id"] not in {share["id"] for share in demo.state.shares}
        assert screen.query_one("#account-shared", DataTable).row_count == len(
            demo.state.visible_shares()
        )
        assert first["id"] not in screen_text(app)


async def test_the_title_bar_counts_the_messages_once(app: BackchatApp, demo: DemoServer) -> None:
    async with running(app, opened=listing(demo)[SHOWCASE].id) as pilot:
        total = len(main(app).transcript.messages)
        assert f"{total} messages" in title_bar(app)  # nothing focused: the count says it
        await focus_message(pilot, 3)
        await idle(pilot)
        bar = title_bar(app)
        assert f"message 4 of {total} · branch 2/2" in bar
        assert f"{total} messages" not in bar
