"""The client against the demo's shape faults: bad rows and messages, error bodies, cut bodies,
a stalled server and a stream that ends without [DONE]."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.api.client_helpers import settings_for
from tui.api import BackendClient
from tui.api.errors import MalformedResponseError, NetworkError
from tui.api.events import EventKind
from tui.api.unreadable import UNREADABLE
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_bad_rows_are_skipped_and_counted(client: BackendClient, demo: DemoServer) -> None:
    demo.faults.arm("bad_records", on="read")
    page = await client.conversations(limit=5)
    assert page.unreadable == 1  # the row without an id
    assert len(page.items) == 4
    assert page.items[0].title == "404"  # a number as a title is shown as that number


async def test_bad_messages_become_placeholders_and_the_rest_stays(
    client: BackendClient, demo: DemoServer
) -> None:
    conversation_id = demo.state.listing(archived=False)[0].id
    whole = await client.conversation(conversation_id)
    demo.faults.arm("bad_records", on="read")
    spoiled = await client.conversation(conversation_id)
    assert spoiled.mapping.keys() == whole.mapping.keys()
    placeholders = [
        node.message
        for node in spoiled.mapping.values()
        if node.message is not None and node.message.content.content_type == UNREADABLE
    ]
    assert len(placeholders) == 2
    user, assistant = placeholders
    assert user.role == "user"
    assert user.content.text == "Could not read this message: content is text."
    assert user.content.parts  # the bare string it carried
    assert assistant.role == "unknown"
    assert "author.role is a number" in (assistant.content.text or "")


@pytest.mark.parametrize(
    ("call", "field"),
    [("list", "items"), ("open", "mapping")],
)
async def test_an_error_object_with_200_is_an_error_not_empty_data(
    client: BackendClient, demo: DemoServer, call: str, field: str
) -> None:
    demo.faults.arm("error_body", times=3, on="read")
    conversation_id = demo.state.listing(archived=False)[0].id
    fetch = client.conversations() if call == "list" else client.conversation(conversation_id)
    with pytest.raises(MalformedResponseError, match=f"has no {field}: the server said"):
        await fetch


async def test_a_change_the_server_does_not_confirm_is_an_error(
    client: BackendClient, demo: DemoServer
) -> None:
    target = demo.state.listing(archived=False)[0]
    demo.faults.arm("error_body", on="write")
    with pytest.raises(MalformedResponseError, match="did not confirm the change"):
        await client.rename_conversation(target.id, "New name")
    assert target.title != "New name"


async def test_a_body_cut_short_is_retried_for_reads_and_reported_for_writes(
    client: BackendClient, demo: DemoServer
) -> None:
    demo.faults.arm("truncated_body", on="read")
    page = await client.conversations(limit=3)  # the retry gets the whole body
    assert len(page.items) == 3
    demo.faults.arm("truncated_body", on="write")
    with pytest.raises(NetworkError):
        await client.rename_conversation(demo.state.listing(archived=False)[0].id, "Renamed")


async def test_a_stalled_server_times_out(demo: DemoServer) -> None:
    demo.faults.arm("stall", on="read")
    settings = settings_for(demo, request_timeout=0.2)
    async with BackendClient(settings) as client:
        with pytest.raises(NetworkError, match="did not answer within"):
            await client.conversations()
    assert demo.faults.stalled == 1
    demo.faults.release_stalls()


@pytest.mark.parametrize("wire", ["classic", "v1"])
async def test_a_stream_without_done_ends_interrupted_with_its_text(
    client: BackendClient, demo: DemoServer, wire: str
) -> None:
    demo.config.wire = wire
    demo.faults.arm("stream_without_done", on="send")
    result = await client.send_and_collect("Why is the sky blue?", model="gpt-4o")
    assert result.interrupted
    assert result.text


async def test_a_stalled_stream_waits_until_released(
    client: BackendClient, demo: DemoServer
) -> None:
    demo.faults.arm("stall_mid_stream", on="send")
    seen: list[Any] = []
    stream = client.send(
        action="next",
        prompt="Tell me a long story #long",
        parent_message_id=client.new_message_id(),
        conversation_id=None,
        model="gpt-4o",
    )
    released = threading.Event()
    async for event in stream:
        seen.append(event.kind)
        if event.kind is EventKind.TEXT and not released.is_set() and demo.faults.stalled:
            released.set()
            demo.faults.release_stalls()
    assert released.is_set()
    assert seen[-1] is EventKind.DONE
