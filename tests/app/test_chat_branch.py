"""Branching like the web app: regenerate, edit a prompt, continue, send after a branch switch."""

from __future__ import annotations

import pytest

from tests.app.pilot_helpers import (
    finish_of,
    header,
    open_first,
    role_of,
    running,
    screenshot_text,
    send_and_settle,
    sends,
    settled,
    text_of,
    tree,
    views,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_regenerate_adds_a_sibling_and_keeps_the_old_reply(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        session = app.main.history.session
        assert session is not None
        old_reply = session.messages[-1]
        prompt = session.messages[-2]
        assert (prompt.role, old_reply.role) == ("user", "assistant")
        app.main.transcript.focus()
        await pilot.press("g")
        await settled(pilot)

        nodes = tree(demo, conversation_id)
        body = sends(demo)[-1]
        assert body["action"] == "variant"
        assert body["messages"][0]["id"] == prompt.last_node_id
        children = nodes[prompt.last_node_id]["children"]
        assert len(children) == 2
        assert all(role_of(nodes[child]) == "assistant" for child in children)
        new_id = children[1]
        assert old_reply.last_node_id == children[0]
        shown = views(app)[-1].message
        assert shown.last_node_id == new_id
        assert shown.text == text_of(nodes[new_id])
        assert (shown.sibling_index, shown.sibling_count) == (1, 2)
        assert header(views(app)[-1]).endswith("‹ 2/2 ›")

        # The old reply is one key away.
        app.main.transcript.focus()
        await pilot.press("end", "left_square_bracket")
        await pilot.pause()
        shown = views(app)[-1].message
        assert shown.last_node_id == old_reply.last_node_id
        assert header(views(app)[-1]).endswith("‹ 1/2 ›")


async def test_edit_makes_a_new_branch_under_the_same_parent(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        session = app.main.history.session
        assert session is not None
        count = len(session.messages)
        prompt_position = count - 2
        prompt = session.messages[prompt_position]
        assert prompt.role == "user"
        original_parent = tree(demo, conversation_id)[prompt.node_id]["parent"]
        siblings_before = list(tree(demo, conversation_id)[original_parent]["children"])

        app.main.transcript.focus()
        await pilot.press("end", "up")  # the newest message, then the prompt above it
        assert app.main.transcript.focused_message == prompt
        await pilot.press("E")
        composer = app.main.composer
        assert composer.has_focus
        assert composer.text == prompt.text
        composer.text = "A different question"
        await pilot.press("enter")
        await settled(pilot)

        nodes = tree(demo, conversation_id)
        body = sends(demo)[-1]
        assert body["action"] == "next"
        assert body["parent_message_id"] == original_parent
        siblings = nodes[original_parent]["children"]
        assert siblings[:-1] == siblings_before
        new_prompt = siblings[-1]
        assert text_of(nodes[new_prompt]) == "A different question"
        assert role_of(nodes[nodes[new_prompt]["children"][0]]) == "assistant"
        shown = [view.message for view in views(app)]
        assert shown[-2].text == "A different question"
        count_now = len(siblings)
        assert (shown[-2].sibling_index, shown[-2].sibling_count) == (count_now - 1, count_now)
        session = app.main.history.session
        assert session is not None
        assert len(session.messages) == count
        assert composer.text == ""

        # The old branch is still there: switch the prompt back.
        app.main.transcript.focus()
        await pilot.press("end", "up", "left_square_bracket")
        await pilot.pause()
        shown = [view.message for view in views(app)]
        assert shown[-2].node_id == prompt.node_id
        assert shown[-2].text == prompt.text


async def test_continue_after_max_tokens_shows_one_message(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        await send_and_settle(pilot, "Explain rainbows #cut")
        nodes = tree(demo, conversation_id)
        cut = views(app)[-1].message
        assert cut.finish_type == "max_tokens"
        assert finish_of(nodes[cut.last_node_id]) == "max_tokens"
        assert "ctrl+t continues" in screenshot_text(app)
        assert "^t Continue" in screenshot_text(app)  # the footer's button

        await pilot.press("ctrl+t")
        await settled(pilot)
        nodes = tree(demo, conversation_id)
        body = sends(demo)[-1]
        assert body["action"] == "continue"
        assert body["parent_message_id"] == cut.last_node_id
        continuation = nodes[cut.last_node_id]["children"]
        assert len(continuation) == 1
        assert finish_of(nodes[continuation[0]]) == "stop"
        # One message on screen: the part before and the continuation.
        shown = [view.message for view in views(app)]
        assert shown[-1].role == "assistant"
        assert shown[-2].role == "user"
        assert shown[-1].text.startswith(cut.text)
        assert shown[-1].text == cut.text + text_of(nodes[continuation[0]])
        assert "ctrl+t continues" not in screenshot_text(app)
        assert "^t Continue" not in screenshot_text(app)


async def test_send_after_switching_branch_uses_that_branch(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app, chat=True) as pilot:
        conversation_id = await open_first(pilot)
        app.main.transcript.focus()
        await pilot.press("g")
        await settled(pilot)
        session = app.main.history.session
        assert session is not None
        await pilot.press("end", "left_square_bracket")
        await pilot.pause()
        old_leaf = session.leaf_id
        assert views(app)[-1].message.sibling_index == 0
        await send_and_settle(pilot, "Follow the first branch")
        nodes = tree(demo, conversation_id)
        body = sends(demo)[-1]
        assert body["parent_message_id"] == old_leaf
        assert nodes[body["messages"][0]["id"]]["parent"] == old_leaf
        assert views(app)[-2].message.text == "Follow the first branch"
