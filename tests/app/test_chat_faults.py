"""Faults with nothing lost: stop, broken streams, failures before the stream starts."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

import tui.api.client as client_module
from tests.app.pilot_helpers import (
    chat,
    finish_of,
    hold_reply,
    live_reply,
    notices,
    open_first,
    role_of,
    running,
    screenshot_text,
    send,
    send_and_settle,
    sends,
    settled,
    streaming,
    text_of,
    tree,
    views,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.screens.signin import SignInScreen

pytestmark = pytest.mark.anyio

PROMPT = "Why is the sky blue?\nAnswer in two lines."


async def test_stop_keeps_the_partial_reply_and_closes_the_stream(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    hold_reply(demo, "Tell me a long story #long")
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        await send(pilot, "Tell me a long story #long")
        await streaming(pilot)
        assert demo.state.streaming
        await pilot.press("escape")
        # The server sees the client go away and frees the one-stream slot.
        assert await asyncio.to_thread(demo.state.wait_idle, 5.0)
        await settled(pilot)
        assert not chat(app).streaming
        last = views(app)[-1].message
        assert last.role == "assistant"
        assert last.finish_type == "stopped"
        nodes = tree(demo, conversation_id)
        stored = text_of(nodes[last.last_node_id])
        assert stored
        assert len(stored) < 40_000
        assert last.text == stored
        assert "⏹ stopped" in screenshot_text(app)
        assert app.main.composer.busy is False


@pytest.mark.parametrize("fault", ["drop_mid_stream", "stream_ends_early"])
async def test_broken_stream_keeps_the_partial_reply_and_offers_continue(
    demo: DemoServer, app: BackchatApp, wire: str, fault: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        demo.faults.arm(fault, on="send")
        await send_and_settle(pilot, PROMPT)
        last = views(app)[-1].message
        assert last.role == "assistant"
        assert last.finish_type == "interrupted"
        nodes = tree(demo, conversation_id)
        assert last.text
        assert last.text == text_of(nodes[last.last_node_id])
        text = screenshot_text(app)
        assert "⚠ interrupted" in text
        assert "ctrl+t continues" in text
        assert "g retries" in text

        # Continue picks up from the partial reply.
        sent = len(sends(demo))
        app.main.transcript.focus()
        await pilot.press("ctrl+t")
        # settled() alone could return before the key was handled (seen on a loaded machine).
        await wait_for(pilot, lambda: len(sends(demo)) > sent, "the continue request")
        await settled(pilot)
        body = sends(demo)[-1]
        assert body["action"] == "continue"
        assert body["parent_message_id"] == last.last_node_id
        merged = views(app)[-1].message
        assert merged.text.startswith(last.text)
        assert len(merged.text) > len(last.text)
        assert merged.finish_type != "interrupted"


async def test_error_in_stream_keeps_the_prompt_and_retry_regenerates(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        demo.faults.arm("error_in_stream", on="send")
        await send_and_settle(pilot, PROMPT)
        # The server kept the prompt but no reply; the screen says what happened.
        body = sends(demo)[-1]
        user_id = body["messages"][0]["id"]
        nodes = tree(demo, conversation_id)
        assert nodes[user_id]["children"] == []
        assert [view.message.role for view in views(app)][-1] == "user"
        assert views(app)[-1].message.text == PROMPT
        reply = live_reply(app)
        assert reply is not None
        assert reply.status == "interrupted"
        assert "g retries" in screenshot_text(app)

        sent = len(sends(demo))
        app.main.transcript.focus()
        await pilot.press("g")
        # As for continue above: wait for the request, not only for the app to be idle.
        await wait_for(pilot, lambda: len(sends(demo)) > sent, "the regenerate request")
        await settled(pilot)
        body = sends(demo)[-1]
        assert body["action"] == "variant"
        assert body["messages"][0]["id"] == user_id
        nodes = tree(demo, conversation_id)
        (child,) = nodes[user_id]["children"]
        assert role_of(nodes[child]) == "assistant"
        assert finish_of(nodes[child]) == "stop"
        assert views(app)[-1].message.text == text_of(nodes[child])
        assert live_reply(app) is None


BEFORE_STREAM = [
    ("rate_limit_concurrent", "one"),
    ("rate_limit_model_cap", "retry in 15 min"),
    ("rate_limit_plain", "retry in 2 s"),
    ("forbidden_html_403", "refused"),
    ("too_long_413", "shorten"),
    ("server_500", "try again"),
    ("bad_gateway_502", "try again"),
]


@pytest.mark.parametrize(("fault", "advice"), BEFORE_STREAM)
async def test_failure_before_the_stream_puts_the_prompt_back(
    demo: DemoServer, app: BackchatApp, fault: str, advice: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        before = [view.message for view in views(app)]
        nodes_before = len(tree(demo, conversation_id))
        demo.faults.arm(fault, on="send")
        await send_and_settle(pilot, PROMPT)
        assert app.main.composer.text == PROMPT
        assert [view.message for view in views(app)] == before
        assert live_reply(app) is None
        assert len(tree(demo, conversation_id)) == nodes_before
        assert any(advice in notice.lower() for notice in notices(app)), notices(app)


async def test_expired_token_asks_to_sign_in_and_keeps_the_prompt(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app, chat=True) as pilot:
        await open_first(pilot)
        demo.faults.arm("expired_401", on="send")
        await send_and_settle(pilot, PROMPT)
        assert isinstance(app.screen, SignInScreen)
        assert app.main.composer.text == PROMPT


async def test_rejected_request_and_network_failure_keep_the_prompt(
    demo: DemoServer, app: BackchatApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(app, chat=True) as pilot:
        await open_first(pilot)
        # 422: the real server's answer to a body it cannot read (the demo answers it the
        # same way); the app never sends one, so the request is spoiled on its way out.
        real_body = client_module.build_conversation_body

        def spoiled(**kwargs: Any) -> dict[str, Any]:
            body = real_body(**kwargs)
            del body["messages"]
            return body

        monkeypatch.setattr(client_module, "build_conversation_body", spoiled)
        await send_and_settle(pilot, PROMPT)
        assert app.main.composer.text == PROMPT
        assert any("rejected" in notice.lower() for notice in notices(app)), notices(app)
        monkeypatch.undo()

        # Nobody listens on this port: the connection is refused before anything is sent.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            dead = probe.getsockname()[1]
        monkeypatch.setattr(
            app.client, "_backend", lambda path: f"http://127.0.0.1:{dead}/backend-api/{path}"
        )
        await pilot.press("enter")
        await settled(pilot)
        assert app.main.composer.text == PROMPT
        assert any("connection" in notice.lower() for notice in notices(app)), notices(app)
