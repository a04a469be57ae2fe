"""Syncing after a reply: a failed reload keeps the reply, and the next send hangs from it."""

from __future__ import annotations

import pytest

from tests.app.pilot_helpers import (
    chat,
    live_reply,
    notices,
    open_first,
    role_of,
    running,
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
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio

FIRST = "What makes tides?"
SECOND = "And neap tides?"


def reloads(demo: DemoServer, conversation_id: str) -> int:
    """How many times the app fetched the conversation."""
    path = f"/backend-api/conversation/{conversation_id}"
    return sum(1 for r in demo.state.requests if r.method == "GET" and r.path == path)


def reply_to(demo: DemoServer, conversation_id: str, body: dict[str, object]) -> str:
    """The id of the server's reply to the prompt sent in ``body``."""
    messages = body["messages"]
    assert isinstance(messages, list)
    (reply_id,) = tree(demo, conversation_id)[messages[0]["id"]]["children"]
    return str(reply_id)


async def test_a_failed_reload_keeps_the_reply_and_the_next_send_hangs_from_it(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        # The stream is a send; the first read after it is the reload, and it fails.
        demo.faults.arm("server_500", on="read")
        await send_and_settle(pilot, FIRST)
        first_reply = reply_to(demo, conversation_id, sends(demo)[-1])
        nodes = tree(demo, conversation_id)

        # The reply stays on screen as it streamed, under the prompt, and the user is told.
        reply = live_reply(app)
        assert reply is not None
        assert reply.text == text_of(nodes[first_reply])
        assert views(app)[-1].message.text == FIRST
        assert any("reloading failed" in notice.lower() for notice in notices(app)), notices(app)
        assert reloads(demo, conversation_id) == 2  # the open, then the failed reload

        await send_and_settle(pilot, SECOND)

        # The app reloaded first, so the second prompt hangs from the first reply.
        assert reloads(demo, conversation_id) == 4  # + the reload before it, + after it
        body = sends(demo)[-1]
        assert body["parent_message_id"] == first_reply
        nodes = tree(demo, conversation_id)
        second_prompt = body["messages"][0]["id"]
        assert nodes[second_prompt]["parent"] == first_reply
        second_reply = reply_to(demo, conversation_id, body)
        # On screen: the server's thread, both exchanges, nothing left of the live replies.
        shown = [view.message for view in views(app)]
        assert [message.text for message in shown[-4:]] == [
            FIRST,
            text_of(nodes[first_reply]),
            SECOND,
            text_of(nodes[second_reply]),
        ]
        assert live_reply(app) is None
        assert app.main.history.session is not None
        assert app.main.history.session.leaf_id == second_reply


async def test_a_new_chat_whose_reload_failed_stays_one_conversation(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app, chat=True) as pilot:
        chat(app).start_new_chat(chat(app).default_model())
        demo.faults.arm("server_500", on="read")
        await send_and_settle(pilot, FIRST)
        assert app.main.history.session is None  # not reloaded: the pane still shows the draft
        assert live_reply(app) is not None
        first = sends(demo)[-1]
        conversations = {r.id for r in demo.state.listing(archived=False)}

        await send_and_settle(pilot, SECOND)

        body = sends(demo)[-1]
        conversation_id = app.main.history.open_id
        assert conversation_id is not None
        assert body["conversation_id"] == conversation_id
        assert body["parent_message_id"] == reply_to(demo, conversation_id, first)
        assert {r.id for r in demo.state.listing(archived=False)} == conversations  # no second chat
        nodes = tree(demo, conversation_id)
        assert [role_of(nodes[v.message.last_node_id]) for v in views(app)] == [
            "user",
            "assistant",
            "user",
            "assistant",
        ]
        assert app.main.sidebar.visible_ids[0] == conversation_id


async def test_a_reload_failing_again_does_not_send_and_keeps_the_prompt(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        demo.faults.arm("server_500", times=2, on="read")
        await send_and_settle(pilot, FIRST)
        await send_and_settle(pilot, SECOND)
        # Not sent: it would have hung from the wrong message. The prompt waits in the box.
        assert len(sends(demo)) == 1
        assert app.main.composer.text == SECOND
        assert any("not sent" in notice.lower() for notice in notices(app)), notices(app)
        assert live_reply(app) is not None
        assert views(app)[-1].message.text == FIRST

        # The server is back: enter sends it, after the reload.
        await pilot.press("enter")
        await settled(pilot)
        body = sends(demo)[-1]
        assert body["parent_message_id"] == reply_to(demo, conversation_id, sends(demo)[0])
        assert live_reply(app) is None


async def test_a_prompt_sent_while_the_reply_syncs_waits_for_it(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        # The stream is a send; the first read after it is the reload, which the server holds
        # until the test lets it go.
        reload = demo.faults.hold(on="read")
        await send(pilot, FIRST)
        await wait_for(pilot, lambda: settling(app), "the reply to end")
        await send(pilot, SECOND)
        assert len(sends(demo)) == 1  # held until the reply is synced
        assert settling(app)
        assert app.main.composer.text == SECOND
        reload.release()
        await wait_for(pilot, lambda: len(sends(demo)) == 2, "the held prompt to go")
        await settled(pilot)
        body = sends(demo)[-1]
        assert body["parent_message_id"] == reply_to(demo, conversation_id, sends(demo)[0])
        assert [view.message.text for view in views(app)][-4] == FIRST
        assert app.main.composer.text == ""


def settling(app: BackchatApp) -> bool:
    run = chat(app).run
    return run is not None and run.phase == "settling"
