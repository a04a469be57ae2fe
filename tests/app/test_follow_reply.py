"""The reply belongs to its chat (issue 9 item 3): sending jumps to the bottom and follows the
reply; leaving a chat while it replies keeps the reply streaming, and coming back shows it live;
the busy border, escape and the footer's stop key are that chat's only; its list row says
"replying…" until the reply ends. Replies are held at the demo's stream gate, never timed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app.pilot_helpers import (
    LONG,
    chat,
    hold_reply,
    live_reply,
    messages_text,
    notices,
    open_row,
    release,
    running,
    screen_text,
    select,
    send,
    sends,
    settled,
    streaming,
    type_text,
    views,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.model import reply_for
from tui.demo.server import DemoServer
from tui.screens.model_picker import ModelPickerScreen
from tui.widgets.conversation_list import REPLYING, ConversationList

pytestmark = pytest.mark.anyio


def _sidebar_row(app: BackchatApp, conversation_id: str) -> str:
    """The sidebar row of a conversation as drawn (title, then its time or "replying…")."""
    rows = app.main.query_one(ConversationList)
    index = rows.index_of(conversation_id)
    assert index is not None, "the conversation has a row"
    # One line per row (date headers included), from the list's top edge on screen.
    line = rows.region.y + index - round(rows.scroll_y)
    region = rows.region
    return screen_text(app).splitlines()[line][region.x : region.x + region.width]


async def _received(pilot: Pilot[Any], app: BackchatApp, chars: int) -> None:
    """Wait until the reply's run has received ``chars`` characters (on screen or not)."""
    await wait_for(
        pilot,
        lambda: (run := chat(app).run) is not None and len(run.received_text) >= chars,
        "the reply to arrive",
    )


async def _switch_to(pilot: Pilot[Any], app: BackchatApp, conversation_id: str) -> None:
    """Open a conversation from the sidebar while a reply is held mid-stream (the stream's
    worker does not end, so this waits for the conversation, not for every worker)."""
    await select(pilot, conversation_id)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: (
            app.main.transcript.conversation_id == conversation_id
            and not any(w.group == "open" and not w.is_finished for w in app.main.workers)
        ),
        "the conversation to open",
    )
    await pilot.pause()


async def _send_held(pilot: Pilot[Any], demo: DemoServer, prompt: str) -> None:
    """Send ``prompt`` (held at the gate) and wait until its stream waits there; generous, as
    a busy machine can take a while to open the stream."""
    await send(pilot, prompt)
    assert await asyncio.to_thread(demo.state.gate.wait_blocked, 60.0), "the stream to start"


async def _replying_in(
    pilot: Pilot[Any], demo: DemoServer, conversation_id: str, prompt: str, chars: int
) -> None:
    """Open a conversation, send ``prompt`` and let ``chars`` of its held reply through."""
    await open_row(pilot, conversation_id)
    await _send_held(pilot, demo, prompt)
    await release(pilot, demo, prompt, chars)


async def _new_chat_pane(pilot: Pilot[Any], app: BackchatApp) -> None:
    """ctrl+n, the default model: the composer of a new chat has the focus."""
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: isinstance(app.screen, ModelPickerScreen), "the picker")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.main.composer.has_focus, "the composer")


async def _scroll_to_top(pilot: Pilot[Any], app: BackchatApp) -> None:
    transcript = app.main.transcript
    transcript.focus()
    await pilot.press("home")
    await wait_for(pilot, lambda: transcript.scroll_y == 0, "the top")
    assert not transcript.is_at_bottom()


async def test_sending_while_scrolled_up_jumps_to_the_bottom_and_follows(
    demo: DemoServer, app: BackchatApp
) -> None:
    prompt = "Follow me down #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        long_id = app.main.sidebar.visible_ids[LONG]
        await open_row(pilot, long_id)
        await _scroll_to_top(pilot, app)
        transcript = app.main.transcript
        await _send_held(pilot, demo, prompt)
        await release(pilot, demo, prompt, 800)
        assert transcript.is_at_bottom()
        assert views(app)[-1].message.text == prompt  # the prompt is on screen, above the reply
        assert transcript.window[1] == len(transcript.messages)
        # It follows as the reply grows...
        await release(pilot, demo, prompt, 3000)
        assert transcript.is_at_bottom()
        # ...until the reader scrolls up; then it leaves them where they are.
        transcript.focus()
        await pilot.press("pageup")
        await pilot.wait_for_scheduled_animations()
        where = transcript.scroll_y
        await release(pilot, demo, prompt, 5000)
        assert transcript.scroll_y == where
        demo.state.gate.open()
        await settled(pilot)


async def test_regenerating_while_scrolled_up_jumps_to_the_bottom(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app, chat=True) as pilot:
        long_id = app.main.sidebar.visible_ids[LONG]
        await open_row(pilot, long_id)
        last_prompt = app.main.transcript.messages[-2].text
        hold_reply(demo, last_prompt, 0)
        await _scroll_to_top(pilot, app)
        await pilot.press("g")
        assert await asyncio.to_thread(demo.state.gate.wait_blocked, 60.0), "the stream to start"
        await release(pilot, demo, last_prompt, 200)
        assert app.main.transcript.is_at_bottom()
        demo.state.gate.open()
        await settled(pilot)


async def test_leaving_a_replying_chat_keeps_the_reply_and_coming_back_shows_it_live(
    demo: DemoServer, app: BackchatApp, wire: str
) -> None:
    prompt = "Take your time #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        first, other = app.main.sidebar.visible_ids[:2]
        await _replying_in(pilot, demo, first, prompt, 500)
        assert app.main.composer.busy
        assert app.main.check_action("stop", ()) is True

        # Elsewhere: the reply streams on; its border, escape and footer key stay behind.
        await _switch_to(pilot, app, other)
        assert chat(app).streaming
        assert live_reply(app) is None
        assert not app.main.composer.busy
        assert not app.main.check_action("stop", ())
        assert "esc Stop" not in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert chat(app).streaming  # escape here does not stop the other chat's reply
        gate = demo.state.gate
        gate.allow(40)
        assert await asyncio.to_thread(gate.wait_blocked)
        await _received(pilot, app, 1500)

        # Back: the live reply as far as it has come, then growing; the chat's state with it.
        await _switch_to(pilot, app, first)
        reply = live_reply(app)
        assert reply is not None
        run = chat(app).run
        assert run is not None
        assert reply.text == run.received_text
        assert len(reply.text) >= 1500
        assert app.main.composer.busy
        assert app.main.check_action("stop", ()) is True
        assert app.main.transcript.is_at_bottom()
        assert views(app)[-1].message.text == prompt
        grown = len(reply.text)
        await release(pilot, demo, prompt, grown + 1000)
        assert len(reply.text) >= grown + 1000
        gate.open()
        await settled(pilot)
        assert messages_text(app)[-2:] == [prompt, reply_for(prompt).text]


async def test_a_reply_that_ends_elsewhere_is_there_when_coming_back(
    demo: DemoServer, app: BackchatApp
) -> None:
    prompt = "Finish without me #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        first, other = app.main.sidebar.visible_ids[:2]
        await open_row(pilot, first)
        shown_before = len(app.main.transcript.messages)
        await _send_held(pilot, demo, prompt)
        await release(pilot, demo, prompt, 300)
        await _switch_to(pilot, app, other)
        demo.state.gate.open()
        await settled(pilot)
        # The other chat stayed on screen; the list moved the replied chat to the top.
        assert app.main.history.open_id == other
        assert app.main.sidebar.visible_ids[0] == first
        await open_row(pilot, first)
        texts = messages_text(app)
        assert len(texts) == shown_before + 2
        assert texts[-2:] == [prompt, reply_for(prompt).text]


async def test_the_replying_chat_row_says_so_until_the_reply_ends(
    demo: DemoServer, app: BackchatApp
) -> None:
    prompt = "Mark my row #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        first, other = app.main.sidebar.visible_ids[:2]
        await open_row(pilot, first)
        assert REPLYING not in _sidebar_row(app, first)
        await _send_held(pilot, demo, prompt)
        await release(pilot, demo, prompt, 100)
        assert REPLYING in _sidebar_row(app, first)
        await _switch_to(pilot, app, other)
        assert REPLYING in _sidebar_row(app, first)
        assert REPLYING not in _sidebar_row(app, other)
        demo.state.gate.open()
        await settled(pilot)
        assert REPLYING not in screen_text(app)


async def test_a_stopped_reply_clears_its_row(demo: DemoServer, app: BackchatApp) -> None:
    prompt = "Stop me #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        first = app.main.sidebar.visible_ids[0]
        await _replying_in(pilot, demo, first, prompt, 100)
        assert REPLYING in _sidebar_row(app, first)
        await pilot.press("escape")
        await settled(pilot)
        assert REPLYING not in screen_text(app)


async def test_sending_in_another_chat_while_one_replies_is_refused_and_kept(
    demo: DemoServer, app: BackchatApp
) -> None:
    prompt = "One at a time #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        first, other = app.main.sidebar.visible_ids[:2]
        await _replying_in(pilot, demo, first, prompt, 100)
        await _switch_to(pilot, app, other)
        await type_text(pilot, "Meanwhile, here")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("still replying" in n for n in notices(app)), "notice")
        title = app.main.history.title_of(first)
        assert any(title in n and "esc" in n for n in notices(app)), notices(app)
        assert app.main.composer.text == "Meanwhile, here"
        assert len(sends(demo)) == 1
        demo.state.gate.open()
        await settled(pilot)
        # Once the reply is in, the kept prompt can be sent.
        await pilot.press("enter")
        await settled(pilot)
        assert len(sends(demo)) == 2
        assert messages_text(app)[-2] == "Meanwhile, here"


async def test_a_new_chat_is_listed_while_it_replies_and_can_be_found_again(
    demo: DemoServer, app: BackchatApp
) -> None:
    prompt = "A brand new question #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        other = app.main.sidebar.visible_ids[0]
        await _new_chat_pane(pilot, app)
        await _send_held(pilot, demo, prompt)
        await release(pilot, demo, prompt, 300)
        run = chat(app).run
        assert run is not None
        assert run.conversation_id is not None
        new_id = run.conversation_id
        assert app.main.sidebar.visible_ids[0] == new_id
        assert REPLYING in _sidebar_row(app, new_id)
        await _switch_to(pilot, app, other)
        assert live_reply(app) is None
        await _switch_to(pilot, app, new_id)
        await streaming(pilot, 300)
        reply = live_reply(app)
        assert reply is not None
        assert reply.text == run.received_text
        assert views(app)[-1].message.text == prompt
        demo.state.gate.open()
        await settled(pilot)
        assert messages_text(app)[-2:] == [prompt, reply_for(prompt).text]
        assert REPLYING not in screen_text(app)


async def test_a_new_chat_started_while_a_reply_streams_is_not_taken_over(
    demo: DemoServer, app: BackchatApp
) -> None:
    prompt = "Keep writing #long"
    hold_reply(demo, prompt, 0)
    async with running(app, chat=True) as pilot:
        first = app.main.sidebar.visible_ids[0]
        await _replying_in(pilot, demo, first, prompt, 100)
        await _new_chat_pane(pilot, app)
        assert not app.main.composer.busy
        demo.state.gate.open()
        await settled(pilot)
        # The reply was saved to its chat; the new chat being written stays on screen.
        assert app.main.history.open_id is None
        assert app.main.transcript.messages == ()
        assert app.main.sidebar.visible_ids[0] == first
