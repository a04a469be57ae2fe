"""``send``: the reply stream end to end against the demo backend (both wire formats)."""

from __future__ import annotations

import time
from contextlib import aclosing
from typing import Any

import anyio
import pytest

from tests.api.client_helpers import MODEL
from tui.api import ApiSettings, BackendClient, EventKind, NetworkError, StreamEvent

pytestmark = pytest.mark.anyio


async def collect(stream: Any) -> list[StreamEvent]:
    async with aclosing(stream) as events:
        return [event async for event in events]


def sends(demo: Any) -> list[Any]:
    return [
        r for r in demo.state.requests if r.method == "POST" and r.path.endswith("/conversation")
    ]


async def new_chat(client: BackendClient, prompt: str, **kwargs: Any) -> list[StreamEvent]:
    return await collect(
        client.send(
            action="next",
            prompt=prompt,
            parent_message_id=client.new_message_id(),
            conversation_id=None,
            model=MODEL,
            **kwargs,
        )
    )


async def test_new_chat_then_follow_up(client: BackendClient, demo: Any) -> None:
    user_id = client.new_message_id()
    events = await new_chat(client, "Tell me about otters", message_id=user_id)
    kinds = [event.kind for event in events]
    assert kinds[-1] is EventKind.DONE
    assert EventKind.TEXT in kinds
    done = events[-1]
    assert done.finish_type == "stop"
    assert done.text
    assert done.message_id
    assert done.conversation_id
    texts = [event for event in events if event.kind is EventKind.TEXT]
    assert "".join(event.delta for event in texts) == done.text

    # What went over the wire is the body real clients send.
    body = sends(demo)[-1].body
    assert body["messages"][0]["id"] == user_id
    assert body["messages"][0]["content"] == {
        "content_type": "text",
        "parts": ["Tell me about otters"],
    }
    assert body["conversation_mode"] == {"kind": "primary_assistant"}
    assert "conversation_id" not in body
    assert isinstance(body["timezone_offset_min"], int)

    conversation = await client.conversation(done.conversation_id)
    reply = conversation.mapping[done.message_id]
    assert reply.parent == user_id
    assert reply.message is not None
    assert reply.message.content.parts == [done.text]

    follow = await collect(
        client.send(
            action="next",
            prompt="And beavers?",
            parent_message_id=done.message_id,
            conversation_id=done.conversation_id,
            model=MODEL,
        )
    )
    second = follow[-1]
    assert second.kind is EventKind.DONE
    assert second.conversation_id == done.conversation_id
    assert sends(demo)[-1].body["conversation_id"] == done.conversation_id
    tree = await client.conversation(done.conversation_id)
    assert tree.current_node == second.message_id
    assert second.message_id is not None
    user_node = tree.mapping[second.message_id].parent
    assert user_node is not None
    assert tree.mapping[user_node].parent == done.message_id


@pytest.mark.parametrize("prompt", ["Explain TCP slow start", "#long"])
async def test_both_wire_formats_give_the_same_text(
    client: BackendClient, demo: Any, prompt: str
) -> None:
    finals = {}
    for wire in ("classic", "v1"):
        demo.config.wire = wire
        events = await new_chat(client, prompt)
        assert events[-1].kind is EventKind.DONE, wire
        finals[wire] = events[-1].text
    assert finals["classic"] == finals["v1"]
    if prompt == "#long":
        assert len(finals["v1"]) > 40_000


async def test_auto_wire_follows_supported_encodings(client: BackendClient, demo: Any) -> None:
    plain = await new_chat(client, "same prompt", supported_encodings=())
    delta = await new_chat(client, "same prompt")
    assert "supported_encodings" not in sends(demo)[0].body
    assert sends(demo)[1].body["supported_encodings"] == ["v1"]
    assert plain[-1].text == delta[-1].text


async def test_variant_adds_a_sibling_reply(client: BackendClient) -> None:
    user_id = client.new_message_id()
    parent = client.new_message_id()
    first = await collect(
        client.send(
            action="next",
            prompt="Name a colour",
            parent_message_id=parent,
            conversation_id=None,
            model=MODEL,
            message_id=user_id,
        )
    )
    done = first[-1]
    assert done.conversation_id
    tree = await client.conversation(done.conversation_id)
    user_parent = tree.mapping[user_id].parent
    assert user_parent is not None
    again = await collect(
        client.send(
            action="variant",
            prompt="Name a colour",
            parent_message_id=user_parent,
            conversation_id=done.conversation_id,
            model=MODEL,
            message_id=user_id,
        )
    )
    assert again[-1].kind is EventKind.DONE
    assert again[-1].message_id != done.message_id
    tree = await client.conversation(done.conversation_id)
    assert tree.mapping[user_id].children == [done.message_id, again[-1].message_id]


async def test_continue_finishes_a_cut_reply(client: BackendClient) -> None:
    cut = await new_chat(client, "Write a story #cut")
    head = cut[-1]
    assert head.kind is EventKind.DONE
    assert head.finish_type == "max_tokens"
    assert head.conversation_id
    assert head.message_id
    rest = await collect(
        client.send(
            action="continue",
            prompt=None,
            parent_message_id=head.message_id,
            conversation_id=head.conversation_id,
            model=MODEL,
        )
    )
    tail = rest[-1]
    assert tail.kind is EventKind.DONE
    assert tail.finish_type == "stop"
    assert tail.text
    assert tail.message_id is not None
    assert tail.message_id != head.message_id
    tree = await client.conversation(head.conversation_id)
    assert tree.mapping[tail.message_id].parent == head.message_id


async def test_temporary_chat_stays_out_of_the_list(client: BackendClient, demo: Any) -> None:
    events = await new_chat(client, "Off the record", temporary=True)
    done = events[-1]
    assert done.kind is EventKind.DONE
    assert sends(demo)[-1].body["history_and_training_disabled"] is True
    listed = await client.conversations(limit=100)
    assert done.conversation_id not in {item.id for item in listed.items}


@pytest.mark.parametrize("fault", ["drop_mid_stream", "stream_ends_early"])
@pytest.mark.parametrize("wire", ["classic", "v1"])
async def test_broken_stream_keeps_the_partial_text(
    client: BackendClient, demo: Any, fault: str, wire: str
) -> None:
    demo.config.wire = wire
    demo.faults.arm(fault, on="send")
    events = await new_chat(client, "A reply that will not finish")
    last = events[-1]
    assert last.kind is EventKind.INTERRUPTED
    assert last.finish_type == "interrupted"
    assert last.text, "the partial reply survives"
    shown = "".join(event.delta for event in events if event.kind is EventKind.TEXT)
    assert last.text == shown
    assert [event.kind for event in events].count(EventKind.DONE) == 0


async def test_in_stream_error_is_an_error_event(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("error_in_stream", on="send")
    events = await new_chat(client, "Hello")
    errors = [event for event in events if event.kind is EventKind.ERROR]
    assert errors
    assert errors[0].error
    assert "unusual activity" in errors[0].error.lower()


async def test_closing_the_generator_closes_the_stream(client: BackendClient, demo: Any) -> None:
    demo.state.gate.hold(allow=1)  # the reply stays under way until the test hangs up
    stream = client.send(
        action="next",
        prompt="#long",
        parent_message_id=client.new_message_id(),
        conversation_id=None,
        model=MODEL,
    )
    first = await anext(stream)
    while first.kind is not EventKind.TEXT:
        first = await anext(stream)
    started = time.perf_counter()
    await stream.aclose()
    assert time.perf_counter() - started < 0.5
    # The server notices the hang-up and frees the account's one generation slot.
    assert await anyio.to_thread.run_sync(demo.state.wait_idle, 5.0)
    demo.state.gate.open()
    events = await new_chat(client, "next one")
    assert events[-1].kind is EventKind.DONE


async def test_cancelling_the_consumer_closes_the_stream(client: BackendClient, demo: Any) -> None:
    demo.state.gate.hold(allow=1)
    got_text = anyio.Event()

    async def consume() -> None:
        async with aclosing(
            client.send(
                action="next",
                prompt="#long",
                parent_message_id=client.new_message_id(),
                conversation_id=None,
                model=MODEL,
            )
        ) as events:
            async for event in events:
                if event.kind is EventKind.TEXT:
                    got_text.set()

    async with anyio.create_task_group() as group:
        group.start_soon(consume)
        await got_text.wait()
        group.cancel_scope.cancel()
    assert await anyio.to_thread.run_sync(demo.state.wait_idle, 5.0)


async def test_a_quiet_stream_is_not_timed_out(demo: Any) -> None:
    # Ordinary calls give up after request_timeout; the stream must outlive a longer silence.
    demo.faults.latency = 0.6
    settings = ApiSettings(
        base_url=demo.base_url, backend_url=demo.backend_url, token=demo.token, request_timeout=0.3
    )
    async with BackendClient(settings) as client:
        with pytest.raises(NetworkError, match="did not answer within 1 s"):
            await client.conversations()
        events = await new_chat(client, "Take your time")
    assert events[-1].kind is EventKind.DONE


async def test_send_and_collect(client: BackendClient) -> None:
    result = await client.send_and_collect("Hello there", model=MODEL)
    assert result.finish_type == "stop"
    assert not result.interrupted
    assert result.error is None
    assert result.text
    assert result.message_id
    assert result.conversation_id
    assert result.user_message_id
    follow = await client.send_and_collect(
        "And again",
        model=MODEL,
        parent_message_id=result.message_id,
        conversation_id=result.conversation_id,
    )
    assert follow.conversation_id == result.conversation_id
    assert follow.text


async def test_bad_arguments_fail_before_any_request(client: BackendClient, demo: Any) -> None:
    with pytest.raises(ValueError, match="non-empty prompt"):
        client.send(
            action="next", prompt="", parent_message_id="p", conversation_id=None, model=MODEL
        )
    with pytest.raises(ValueError, match="conversation id"):
        await client.conversation("  ")
    assert demo.state.requests == []
