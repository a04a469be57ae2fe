"""While a reply streams: one at a time, quitting asks, the view follows only at the bottom;
drafts kept per conversation; temporary chats; the final render is the reopened one."""

from __future__ import annotations

import asyncio

import pytest

from tests.app.pilot_helpers import (
    chat,
    hold_reply,
    live_reply,
    notices,
    open_conversation,
    open_first,
    release,
    running,
    send,
    send_and_settle,
    sends,
    settled,
    streaming,
    type_text,
    views,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.screens.confirm import ConfirmScreen
from tui.screens.model_picker import ModelPickerScreen

pytestmark = pytest.mark.anyio


async def test_send_while_streaming_is_refused_with_a_reason(
    demo: DemoServer, app: BackchatApp
) -> None:
    hold_reply(demo, "First #long")
    async with running(app, chat=True) as pilot:
        await open_first(pilot)
        await send(pilot, "First #long")
        await streaming(pilot)
        assert app.main.composer.busy
        await type_text(pilot, "Second")
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.composer.text == "Second"  # kept, not sent
        assert len(sends(demo)) == 1
        assert any("one at a time" in notice for notice in notices(app)), notices(app)
        await pilot.press("escape")
        await settled(pilot)
        assert not app.main.composer.busy


async def test_quitting_while_streaming_asks_first(demo: DemoServer, app: BackchatApp) -> None:
    hold_reply(demo, "Keep going #long")
    async with running(app, chat=True) as pilot:
        await open_first(pilot)
        await send(pilot, "Keep going #long")
        await streaming(pilot)
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert chat(app).streaming  # still streaming
        await pilot.press("ctrl+q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_for(
            pilot,
            lambda: app._exit_renderables is not None and not app.is_running,
            "the app to exit",
        )
    # Quitting closed the stream: the server is idle again.
    assert await asyncio.to_thread(demo.state.wait_idle, 5.0)


async def test_quitting_when_idle_does_not_ask(demo: DemoServer, app: BackchatApp) -> None:
    async with running(app, chat=True) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)


async def test_draft_survives_switching_conversations(demo: DemoServer, app: BackchatApp) -> None:
    async with running(app, chat=True) as pilot:
        first, second = app.main.sidebar.visible_ids[:2]
        await open_conversation(pilot, first)
        await type_text(pilot, "Half a thought\nand a second line")
        await open_conversation(pilot, second)
        assert app.main.composer.text == ""
        await type_text(pilot, "Other draft")
        await open_conversation(pilot, first)
        assert app.main.composer.text == "Half a thought\nand a second line"
        await open_conversation(pilot, second)
        assert app.main.composer.text == "Other draft"
        assert sends(demo) == []


async def test_temporary_chat_is_not_saved_to_history(demo: DemoServer, app: BackchatApp) -> None:
    async with running(app, chat=True) as pilot:
        listed = list(app.main.sidebar.visible_ids)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelPickerScreen), "the picker")
        await pilot.press("t", "enter")
        await wait_for(pilot, lambda: app.main.composer.has_focus, "the composer")
        await send_and_settle(pilot, "Just between us")
        (body,) = sends(demo)
        assert body["history_and_training_disabled"] is True
        assert app.main.sidebar.visible_ids == listed
        conversation_id = app.main.history.open_id
        assert conversation_id is not None
        assert conversation_id not in [record.id for record in demo.state.listing(archived=False)]
        assert [view.message.role for view in views(app)] == ["user", "assistant"]
        assert not any("gen_title" in request.path for request in demo.state.requests)


async def test_view_follows_the_bottom_only_while_the_user_is_there(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    prompt = "Write it all #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        await open_first(pilot)
        transcript = app.main.transcript
        await send(pilot, prompt)
        await release(pilot, demo, prompt, 1500)
        assert transcript.is_at_bottom()
        # Scroll up to read: the view stays put while the reply keeps growing.
        transcript.focus()
        await pilot.press("pageup")
        await pilot.wait_for_scheduled_animations()  # pageup scrolls smoothly
        where = transcript.scroll_y
        grown = len(live_reply(app).text)  # type: ignore[union-attr]
        await release(pilot, demo, prompt, grown + 1500)
        assert transcript.scroll_y == where
        assert not transcript.is_at_bottom()
        # Back at the end, it follows again.
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        grown = len(live_reply(app).text)  # type: ignore[union-attr]
        await release(pilot, demo, prompt, grown + 1500)
        await pilot.pause()
        assert transcript.is_at_bottom()
        # The end of the stream does not yank a reader back either.
        await pilot.press("pageup", "pageup")
        await pilot.wait_for_scheduled_animations()
        where = transcript.scroll_y
        demo.state.gate.open()
        await settled(pilot)
        assert transcript.scroll_y == where


async def test_final_render_is_the_reopened_conversation(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        await send_and_settle(pilot, "Markdown please, with a table")
        after_send = [(view.message, view.render().plain) for view in views(app)]
        app.main.history.open(conversation_id)
        await wait_for(
            pilot,
            lambda: views(app) and views(app)[-1].message == after_send[-1][0],
            "the reopened conversation",
        )
        await pilot.pause()
        reopened = [(view.message, view.render().plain) for view in views(app)]
        assert reopened[-2:] == after_send[-2:]


async def test_leaving_an_edit_brings_the_draft_back(demo: DemoServer, app: BackchatApp) -> None:
    async with running(app, chat=True) as pilot:
        await open_first(pilot)
        await type_text(pilot, "Half typed")
        app.main.transcript.focus()
        await pilot.press("end", "up", "E")
        composer = app.main.composer
        assert composer.has_focus
        assert composer.text == views(app)[-2].message.text
        assert composer.has_class("-editing")
        await pilot.press("escape")
        assert composer.text == "Half typed"
        assert not composer.has_class("-editing")
        assert sends(demo) == []
