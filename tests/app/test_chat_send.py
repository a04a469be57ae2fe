"""Sending: a new chat (model picker, title, sidebar) and a follow-up, in both wire formats."""

from __future__ import annotations

import pytest

from tests.app.pilot_helpers import (
    chat,
    hold_reply,
    live_reply,
    role_of,
    running,
    screenshot_text,
    send,
    send_and_settle,
    sends,
    settled,
    text_of,
    tree,
    views,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.model import title_for
from tui.demo.server import DemoServer
from tui.screens.model_picker import ModelPickerScreen

pytestmark = pytest.mark.anyio


async def test_new_chat_streams_and_lands_on_top_of_the_sidebar(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelPickerScreen), "the picker")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.main.composer.has_focus, "the composer")
        hold_reply(demo, "Tell me about tides", 0)
        await send(pilot, "Tell me about tides")
        # The prompt shows at once; the reply streams in under it.
        assert [view.message.role for view in views(app)] == ["user"]
        demo.state.gate.allow(1)
        await wait_for(pilot, lambda: (r := live_reply(app)) is not None and r.text, "text")
        demo.state.gate.open()
        assert views(app)[0].message.text == "Tell me about tides"
        assert app.main.composer.text == ""
        await settled(pilot)

        conversation_id = app.main.history.open_id
        assert conversation_id is not None
        nodes = tree(demo, conversation_id)
        replies = [node for node in nodes.values() if role_of(node) == "assistant"]
        assert len(replies) == 1
        reply_text = text_of(replies[0])
        assert reply_text
        # On screen: the server's thread, the reply rendered from the server's copy.
        shown = [view.message for view in views(app)]
        assert [message.role for message in shown] == ["user", "assistant"]
        assert shown[1].text == reply_text
        assert live_reply(app) is None
        # Title: title_generation (v1) or gen_title (classic); the sidebar has it on top.
        expected = title_for("Tell me about tides")
        record = demo.state.get(conversation_id)
        assert record is not None
        assert record.title == expected
        sidebar = app.main.sidebar
        assert sidebar.visible_ids[0] == conversation_id
        assert sidebar.title_of(conversation_id) == expected
        assert expected in screenshot_text(app)
        gen_title_calls = [r for r in demo.state.requests if "gen_title" in r.path]
        assert len(gen_title_calls) == (1 if wire == "classic" else 0)
        body = sends(demo)[0]
        assert body.get("conversation_id") is None
        assert body.get("history_and_training_disabled") is not True


async def test_follow_up_hangs_from_the_last_reply(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = app.main.sidebar.visible_ids[0]
        app.main.history.open(conversation_id)
        await wait_for(pilot, lambda: app.main.history.open_id == conversation_id, "open")
        before = list(app.main.history.session.messages)  # type: ignore[union-attr]
        leaf = app.main.history.session.leaf_id  # type: ignore[union-attr]
        await send_and_settle(pilot, "And then?")
        nodes = tree(demo, conversation_id)
        body = sends(demo)[-1]
        assert body["parent_message_id"] == leaf
        user_id = body["messages"][0]["id"]
        assert nodes[user_id]["parent"] == leaf
        assert role_of(nodes[nodes[user_id]["children"][0]]) == "assistant"
        shown = [view.message for view in views(app)]
        session = app.main.history.session
        assert session is not None
        assert len(session.messages) == len(before) + 2
        assert shown[-2].text == "And then?"
        assert shown[-1].text == text_of(nodes[nodes[user_id]["children"][0]])
        assert chat(app).streaming is False
