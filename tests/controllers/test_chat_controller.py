"""The chat controller and its reply runs alone: send, stream, stop, sync, drafts, edits."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.controllers.recording_host import RecordingHost
from tui.api.errors import ServerError, TooLongError
from tui.controllers import messages as m
from tui.controllers.chat import Chat
from tui.controllers.reading import History
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio

WIRES = ["classic", "v1"]


@pytest.fixture(params=WIRES)
def wire(request: pytest.FixtureRequest, demo: DemoServer) -> str:
    """Run the test once per stream format."""
    demo.config.wire = request.param
    return str(request.param)


def sends(demo: DemoServer) -> list[dict[str, Any]]:
    return [
        request.body
        for request in demo.state.requests
        if request.method == "POST" and request.path == "/backend-api/conversation"
    ]


def streamed(host: RecordingHost) -> str:
    """The live reply's text, as the posted chunks build it."""
    text = ""
    for chunk in host.of(m.ReplyText):
        text = chunk.text if chunk.replace else text + chunk.text
    return text


def stored_text(demo: DemoServer, conversation_id: str, node_id: str) -> str:
    record = demo.state.get(conversation_id)
    assert record is not None
    message = record.ensure_tree()[node_id]["message"]
    return "".join(part for part in message["content"]["parts"] if isinstance(part, str))


async def open_listed(
    demo: DemoServer, host: RecordingHost, history: History, index: int = 2
) -> str:
    conversation_id = demo.state.listing(archived=False)[index].id
    history.open(conversation_id)
    await host.settled()
    host.clear()
    return conversation_id


def send(host: RecordingHost, chat: Chat, text: str) -> None:
    """Type ``text`` and send it, as the composer would."""
    host.typed = text
    chat.send_prompt(text)


async def test_a_reply_streams_then_the_servers_copy_takes_its_place(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat, wire: str
) -> None:
    conversation_id = await open_listed(demo, host, history)
    assert history.session is not None
    before = list(history.session.messages)
    send(host, chat, "What is a B-tree?")
    assert host.messages[:3] == [
        m.DraftShown(""),
        m.EditingChanged(False),
        host.messages[2],
    ]
    started = host.messages[2]
    assert isinstance(started, m.ReplyStarted)
    assert started.prompt is not None
    assert started.prompt.text == "What is a B-tree?"
    assert started.keep_position == len(before)
    assert list(started.thread or []) == before
    assert chat.streaming

    await host.settled()
    kinds = host.kinds()
    assert kinds.index("ReplyText") > kinds.index("ReplyStarted")
    (ended,) = host.of(m.ReplyEnded)
    assert ended.status == "done"
    assert ended.reply_id == started.reply_id
    assert ended.text in (None, streamed(host))
    shown = host.of(m.ConversationShown)[-1]
    assert kinds.index("ReplyEnded") < kinds.index("ConversationShown")
    assert shown.keep_from == len(before)
    assert host.prepared == [shown.session.messages[len(before) :]]
    assert host.messages[-1] == m.ReplyReplaced(started.reply_id)
    assert host.of(m.ConversationTouched)[-1].item.id == conversation_id

    reply = shown.session.messages[-1]
    assert reply.role == "assistant"
    assert reply.text == streamed(host) == stored_text(demo, conversation_id, reply.last_node_id)
    assert shown.session.messages[-2].text == "What is a B-tree?"
    assert history.session is shown.session
    assert sends(demo)[-1]["parent_message_id"] == before[-1].last_node_id
    assert not chat.streaming
    assert chat.run is not None
    assert chat.run.phase == "done"


async def test_a_new_chat_is_saved_titled_and_keeps_its_draft_key(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat, wire: str
) -> None:
    chat.start_new_chat("gpt-4o")
    assert host.messages[0] == m.NewChatStarted("New chat", "gpt-4o")
    send(host, chat, "Plan a picnic by the river")
    (started,) = host.of(m.ReplyStarted)
    assert started.thread is None
    assert started.model == "gpt-4o"
    await host.settled()

    conversation_id = history.open_id
    assert conversation_id is not None
    record = demo.state.get(conversation_id)
    assert record is not None
    assert record.title
    assert record.title != "New chat"
    # Listed as soon as the server named it (replying), then titled when the reply is in.
    listed, touched = host.of(m.ConversationTouched)
    assert (listed.item.id, listed.item.title) == (conversation_id, "New chat")
    assert (touched.item.id, touched.item.title) == (conversation_id, record.title)
    assert host.of(m.Replying) == [
        m.Replying(conversation_id, True),
        m.Replying(conversation_id, False),
    ]
    shown = host.of(m.ConversationShown)[-1]
    assert shown.keep_from is None
    assert shown.session.title == record.title
    # The pane showed no conversation: it is shown whole, the live reply with it.
    assert not host.of(m.ReplyReplaced)
    assert not host.of(m.ReplyKept)
    assert chat.draft_key == conversation_id
    assert chat.new_chat_model is None
    assert sends(demo)[-1]["model"] == "gpt-4o"


async def test_stop_keeps_what_arrived_marked_stopped(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat, wire: str
) -> None:
    demo.config.pace = 0.02
    conversation_id = await open_listed(demo, host, history)
    send(host, chat, "Tell me a long story #long")
    await host.posted(m.ReplyText)
    assert chat.can_stop()
    chat.stop()
    await host.settled()

    (ended,) = host.of(m.ReplyEnded)
    assert ended.status == "stopped"
    assert "settle" in host.groups
    assert await asyncio.to_thread(demo.state.wait_idle, 5.0)
    shown = host.of(m.ConversationShown)[-1]
    last = shown.session.messages[-1]
    assert last.role == "assistant"
    assert last.finish_type == "stopped"
    assert last.text == stored_text(demo, conversation_id, last.last_node_id)
    assert streamed(host).startswith(last.text[:20])
    assert len(last.text) < 40_000
    assert chat.can_continue()


async def test_a_refused_prompt_goes_back_into_the_composer(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat
) -> None:
    await open_listed(demo, host, history)
    assert history.session is not None
    thread = list(history.session.messages)
    demo.faults.arm("too_long_413", on="send")
    send(host, chat, "A very long prompt")
    await host.settled()
    (started,) = host.of(m.ReplyStarted)
    shown = [message for message in host.messages if not isinstance(message, m.Replying)]
    dropped, given_back, notice = shown[-3:]
    assert dropped == m.ReplyDropped(started.reply_id, len(thread), thread, clear=False)
    assert host.messages[-1] == m.Replying(history.session.id, False)  # the row says no more
    assert given_back == m.DraftShown("A very long prompt", cursor_at_end=True)
    assert isinstance(notice, m.ErrorNotice)
    assert isinstance(notice.error, TooLongError)
    assert notice.doing == "Not sent: shorten the prompt"
    assert host.typed == "A very long prompt"
    assert not host.of(m.ReplyEnded)


async def test_a_failed_reload_is_done_again_before_the_next_send(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat, wire: str
) -> None:
    conversation_id = await open_listed(demo, host, history)
    demo.faults.arm("server_500", on="read")  # the reload after the stream
    send(host, chat, "First question")
    await host.settled()
    (notice,) = host.of(m.ErrorNotice)
    assert isinstance(notice.error, ServerError)
    assert notice.doing == "Reply kept; reloading failed (retried on next send)"
    assert not host.of(m.ConversationShown)
    assert not host.of(m.ReplyReplaced)
    assert chat.run is not None
    assert chat.run.unsynced
    first_reply = host.of(m.ReplyEnded)[0]

    host.clear()
    send(host, chat, "Second question")
    assert not host.of(m.ReplyStarted)  # waits for the reload first
    await host.settled()
    assert host.kinds().index("ConversationShown") < host.kinds().index("ReplyStarted")
    first_shown = host.of(m.ConversationShown)[0].session
    assert first_shown.messages[-1].role == "assistant"
    assert first_shown.messages[-1].text == stored_text(
        demo, conversation_id, first_shown.messages[-1].last_node_id
    )
    assert sends(demo)[-1]["parent_message_id"] == first_shown.messages[-1].last_node_id
    assert first_reply.reply_id < host.of(m.ReplyStarted)[0].reply_id
    assert history.session is not None
    assert history.session.messages[-2].text == "Second question"


async def test_continue_after_max_tokens_extends_the_same_reply(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat
) -> None:
    conversation_id = await open_listed(demo, host, history)
    send(host, chat, "Write a README #cut")
    await host.settled()
    (cut,) = host.of(m.ReplyEnded)
    assert cut.status == "max_tokens"
    assert chat.can_continue()
    first_part = streamed(host)

    host.clear()
    chat.continue_reply()
    (started,) = host.of(m.ReplyStarted)
    assert started.prompt is None
    assert started.initial_text == first_part
    await host.settled()
    (ended,) = host.of(m.ReplyEnded)
    assert ended.status == "done"
    assert history.session is not None
    whole = history.session.messages[-1]
    assert whole.text.startswith(first_part)
    assert len(whole.text) > len(first_part)
    assert whole.text == ended.text
    assert not chat.can_continue()
    assert sends(demo)[-1]["action"] == "continue"
    assert history.session.id == conversation_id


async def test_drafts_are_kept_per_conversation(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat
) -> None:
    first = await open_listed(demo, host, history, 2)
    host.typed = "Half a thought"
    await open_listed(demo, host, history, 3)
    history.open(first)
    await host.settled()
    assert host.of(m.DraftShown) == [m.DraftShown("Half a thought")]
    assert host.typed == "Half a thought"
    assert sends(demo) == []


async def test_editing_a_prompt_and_leaving_the_edit(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat
) -> None:
    await open_listed(demo, host, history)
    assert history.session is not None
    prompt = next(message for message in history.session.messages if message.role == "user")
    host.typed = "Half typed"
    chat.edit(prompt)
    assert host.messages == [
        m.EditingChanged(True),
        m.DraftShown(prompt.text, cursor_at_end=True, focus=True),
    ]
    assert chat.can_stop()
    host.clear()
    chat.stop()
    assert host.messages == [m.EditingChanged(False), m.DraftShown("Half typed")]
    assert not chat.can_stop()

    host.clear()
    chat.edit(None)
    assert host.messages == [m.Notice("Focus one of your prompts to edit it (tab, then ↑/↓).")]


async def test_the_models_are_loaded_for_the_picker(
    host: RecordingHost, chat: Chat, demo: DemoServer
) -> None:
    assert chat.picker_models() == [(chat.default_model(),) * 2 + ("",)]
    chat.load_models()
    await host.settled()
    (loaded,) = host.of(m.ModelsLoaded)
    assert list(loaded.models) == chat.models == chat.picker_models()
    assert chat.default_model() == chat.models[0][0]


async def test_the_reply_stays_with_its_chat_when_another_is_opened(
    demo: DemoServer, host: RecordingHost, history: History, chat: Chat
) -> None:
    gate = demo.state.gate
    gate.hold(allow=20)
    first = await open_listed(demo, host, history)
    send(host, chat, "Write it all #long")
    assert await asyncio.to_thread(gate.wait_blocked, 30.0)
    assert chat.replying_here
    run = chat.run
    assert run is not None
    assert host.of(m.Replying) == [m.Replying(first, True)]

    # Another conversation: the reply goes off screen, not stopped; escape leaves it alone.
    other = demo.state.listing(archived=False)[3].id
    history.open(other)
    away = await host.posted(m.ReplyAway)
    assert away == m.ReplyAway(run.reply_id)
    assert chat.streaming
    assert not chat.replying_here
    assert not chat.can_stop()
    chat.stop()
    gate.allow(20)
    assert await asyncio.to_thread(gate.wait_blocked, 30.0)
    assert chat.streaming

    # Back: shown again with all that arrived, under the thread as it was when sent.
    host.clear()
    history.open(first)
    shown = await host.posted(m.ReplyStarted)
    assert shown.reply_id == run.reply_id
    assert shown.initial_text == run.received_text
    assert len(shown.initial_text) > 0
    assert shown.prompt is not None
    assert shown.prompt.text == "Write it all #long"
    assert chat.replying_here
    gate.open()
    await host.settled()
    assert host.of(m.Replying)[-1] == m.Replying(first, False)
    assert host.of(m.ReplyReplaced) == [m.ReplyReplaced(run.reply_id)]
