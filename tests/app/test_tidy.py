"""Tidying history with the whole app on the demo backend: rename, title, delete, archive."""

from __future__ import annotations

from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.pilot_helpers import (
    LONG,
    SHOWCASE,
    UNTITLED,
    idle,
    listing,
    main,
    notices,
    open_row,
    press_in_transcript,
    press_on_row,
    record,
    row_ids,
    running,
    screen_text,
    select,
    title_bar,
    wait_for,
)
from tui.api.errors import NotFoundError
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.screens.confirm import ConfirmScreen
from tui.screens.rename import EMPTY_MESSAGE, RenameScreen

pytestmark = pytest.mark.anyio


async def rename_to(pilot: Pilot[Any], title: str) -> None:
    """In the open rename dialog, replace the title and press enter."""
    screen = pilot.app.screen
    assert isinstance(screen, RenameScreen)
    screen.query_one("#rename-input", Input).value = title
    await pilot.press("enter")
    await idle(pilot)


# -- rename ------------------------------------------------------------------------------------


async def test_rename_from_the_sidebar(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[LONG]
    async with running(app, notifications=True) as pilot:
        await select(pilot, target.id)
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, RenameScreen)
        # Pre-filled with the current title, all selected: typing replaces it.
        field = dialog.query_one("#rename-input", Input)
        assert field.value == target.title
        assert field.selected_text == target.title
        await rename_to(pilot, "  Key-value store notes  ")
        assert record(demo, target.id).title == "Key-value store notes"
        assert main(app).sidebar.title_of(target.id) == "Key-value store notes"
        assert "Key-value store notes" in screen_text(app)
        assert any("Renamed to “Key-value store notes”" in n for n in notices(app))


async def test_rename_the_open_conversation_from_the_messages(
    app: BackchatApp, demo: DemoServer
) -> None:
    top, other = listing(demo)[SHOWCASE], listing(demo)[LONG]
    async with running(app, opened=top.id, notifications=True) as pilot:
        # The sidebar's cursor is on another row: the open conversation is what is renamed.
        main(app).sidebar.select_id(other.id)
        main(app).transcript.focus()
        await pilot.press("r")
        dialog = app.screen
        assert isinstance(dialog, RenameScreen)
        assert dialog.query_one("#rename-input", Input).value == top.title
        await rename_to(pilot, "CSV in Rust")
        assert record(demo, top.id).title == "CSV in Rust"
        assert record(demo, other.id).title == other.title
        assert "CSV in Rust" in title_bar(app)
        assert main(app).sidebar.title_of(top.id) == "CSV in Rust"


async def test_a_title_typed_in_a_burst_is_saved_whole(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[LONG]
    async with running(app) as pilot:
        await select(pilot, target.id)
        await pilot.press("r")
        # Keys arrive faster than the app handles them (a quick typist, tmux send-keys): enter
        # must not save the title before the letters typed ahead of it reach the input.
        for char in "Sensor plots":
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("enter", "\r"))
        await idle(pilot)
        assert record(demo, target.id).title == "Sensor plots"
        assert main(app).sidebar.title_of(target.id) == "Sensor plots"


async def test_an_empty_title_is_refused(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[SHOWCASE]
    async with running(app, notifications=True) as pilot:
        await select(pilot, target.id)
        await pilot.press("r")
        await rename_to(pilot, "   ")
        assert isinstance(app.screen, RenameScreen)
        assert EMPTY_MESSAGE in screen_text(app), screen_text(app)
        await pilot.press("escape")
        await idle(pilot)
        assert record(demo, target.id).title == target.title
        assert not [r for r in demo.state.requests if r.method == "PATCH"]


async def test_a_refused_rename_rolls_back_with_a_notice(
    app: BackchatApp, demo: DemoServer
) -> None:
    target = listing(demo)[SHOWCASE]
    async with running(app, opened=target.id, notifications=True) as pilot:
        await select(pilot, target.id)
        demo.faults.arm("server_500", on="write")
        await pilot.press("r")
        await rename_to(pilot, "Never saved")
        assert record(demo, target.id).title == target.title
        assert main(app).sidebar.title_of(target.id) == target.title
        assert target.title in title_bar(app)
        assert "Never saved" not in screen_text(app)
        assert any(n.startswith("Rename undone: The server failed (500)") for n in notices(app))


async def test_rate_limits_say_when_to_retry(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[SHOWCASE]
    async with running(app, notifications=True) as pilot:
        await select(pilot, target.id)
        demo.faults.arm("rate_limit_plain", on="write")
        await pilot.press("r")
        await rename_to(pilot, "Too soon")
        assert record(demo, target.id).title == target.title
        assert any("Rate limited, retry in 2 s" in n for n in notices(app))
        assert "Rate limited, retry in 2 s" in screen_text(app)
        # The app stays usable: the same rename goes through now.
        await pilot.press("r")
        await rename_to(pilot, "Not too soon")
        assert record(demo, target.id).title == "Not too soon"


# -- generate a title --------------------------------------------------------------------------


async def test_generate_title_names_a_new_chat(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[UNTITLED]
    assert target.title == "New chat"
    async with running(app, notifications=True) as pilot:
        await press_on_row(pilot, target.id, "t")
        title = record(demo, target.id).title
        assert title != "New chat"
        assert main(app).sidebar.title_of(target.id) == title
        assert title[:20] in screen_text(app)
        assert any(f"Titled “{title}”" in n for n in notices(app))


async def test_generate_title_never_replaces_a_title(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[SHOWCASE]
    async with running(app, notifications=True) as pilot:
        await press_on_row(pilot, target.id, "t")
        assert record(demo, target.id).title == target.title
        assert not [r for r in demo.state.requests if "gen_title" in r.path]
        assert any("Already titled" in n for n in notices(app))


# -- delete ------------------------------------------------------------------------------------


async def test_delete_asks_then_removes(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[LONG]
    async with running(app, notifications=True) as pilot:
        total = main(app).sidebar.total
        await select(pilot, target.id)
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Delete “{target.title}”?" in screen_text(app)
        await pilot.press("y")
        await idle(pilot)
        assert target.id not in row_ids(app)
        assert demo.state.get(target.id) is None
        with pytest.raises(NotFoundError):
            await app.client.conversation(target.id)
        assert main(app).sidebar.total == (total or 0) - 1
        assert any(f"Deleted “{target.title}”." in n for n in notices(app))


async def test_deleting_the_open_conversation_closes_it(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[SHOWCASE]
    async with running(app, opened=target.id, notifications=True) as pilot:
        await press_in_transcript(pilot, "d", "y")
        assert demo.state.get(target.id) is None
        assert main(app).transcript.conversation_id is None
        assert main(app).history.open_id is None
        assert "Select a conversation" in screen_text(app)


async def test_cancelling_delete_keeps_it(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[LONG]
    async with running(app, notifications=True) as pilot:
        await press_on_row(pilot, target.id, "d", "n")
        assert target.id in row_ids(app)
        assert demo.state.get(target.id) is not None
        assert not [r for r in demo.state.requests if r.method == "PATCH"]


async def test_a_refused_delete_puts_the_row_back(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[LONG]
    async with running(app, notifications=True) as pilot:
        before = row_ids(app)
        await select(pilot, target.id)
        demo.faults.arm("bad_gateway_502", on="write")
        await pilot.press("d", "y")
        await idle(pilot)
        assert row_ids(app) == before
        assert demo.state.get(target.id) is not None
        assert any(n.startswith("Delete undone:") and "502" in n for n in notices(app))


# -- archive -----------------------------------------------------------------------------------


async def test_archive_and_unarchive(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[LONG]
    async with running(app, notifications=True) as pilot:
        await press_on_row(pilot, target.id, "a")
        assert record(demo, target.id).is_archived
        assert target.id not in row_ids(app)
        assert any(f"Archived “{target.title}”." in n for n in notices(app))

        await pilot.press("A")
        await wait_for(pilot, lambda: target.id in row_ids(app), "the archived list")
        await idle(pilot)
        await press_on_row(pilot, target.id, "a")
        assert not record(demo, target.id).is_archived
        assert target.id not in row_ids(app)
        assert any(f"Unarchived “{target.title}”." in n for n in notices(app))

        await pilot.press("A")
        await wait_for(pilot, lambda: target.id in row_ids(app), "the main list")


async def test_archiving_the_open_conversation_keeps_it_open(
    app: BackchatApp, demo: DemoServer
) -> None:
    target = listing(demo)[SHOWCASE]
    async with running(app, opened=target.id) as pilot:
        await press_in_transcript(pilot, "a")
        assert record(demo, target.id).is_archived
        assert target.id not in row_ids(app)
        assert main(app).transcript.conversation_id == target.id
        assert "archived" in title_bar(app)


# -- failures ----------------------------------------------------------------------------------


async def test_opening_a_conversation_deleted_elsewhere(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[LONG]
    async with running(app, notifications=True) as pilot:
        record(demo, target.id).is_visible = False
        await press_on_row(pilot, target.id, "enter")
        assert any("not found (deleted elsewhere?)" in n.lower() for n in notices(app))
        assert "Not found (deleted elsewhere?)" in screen_text(app)
        assert target.id not in row_ids(app)
        # Still usable: another conversation opens.
        await open_row(pilot, listing(demo)[SHOWCASE].id)


async def test_generate_title_for_the_open_conversation(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[UNTITLED]
    async with running(app, opened=target.id) as pilot:
        await press_in_transcript(pilot, "t")
        title = record(demo, target.id).title
        assert title != "New chat"
        assert title in title_bar(app)
        gen = [r for r in demo.state.requests if "gen_title" in r.path]
        assert len(gen) == 1
        # The title comes from the branch on screen: its last message is what was sent.
        session = main(app).history.session
        assert session is not None
        assert gen[0].body["message_id"] == session.leaf_id


async def test_enter_on_an_unchanged_hostile_title_sends_nothing(
    app: BackchatApp, demo: DemoServer
) -> None:
    target = next(r for r in listing(demo) if "\x1b" in r.title)
    async with running(app) as pilot:
        await select(pilot, target.id)
        await pilot.press("r")
        field = app.screen.query_one("#rename-input", Input)
        assert "\x1b" not in field.value
        await pilot.press("enter")
        await idle(pilot)
        assert not isinstance(app.screen, RenameScreen)
        assert record(demo, target.id).title == target.title
        assert not [r for r in demo.state.requests if r.method == "PATCH"]
