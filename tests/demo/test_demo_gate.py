"""The stream gate: tests hold a reply mid-stream and let it out chunk by chunk, no sleeping."""

from __future__ import annotations

import asyncio
import json

import anyio
import httpx
import pytest

from tui.demo.gate import StreamGate
from tui.demo.model import reply_for
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_a_held_gate_lets_through_exactly_what_is_allowed() -> None:
    gate = StreamGate()
    gate.hold(allow=2)
    passed = 0

    async def stream() -> None:
        nonlocal passed
        for _ in range(10):
            await gate.passage()
            passed += 1

    task = asyncio.create_task(stream())
    assert await asyncio.to_thread(gate.wait_blocked)
    assert passed == 2
    gate.allow(3)
    assert await asyncio.to_thread(gate.wait_blocked)
    assert passed == 5
    gate.open()
    await task
    assert passed == 10
    assert not gate.held


async def test_an_open_gate_never_waits() -> None:
    gate = StreamGate()
    gate.allow(5)  # no effect while open
    for _ in range(100):
        await gate.passage()
    assert not gate.held


async def test_a_cancelled_wait_leaves_nothing_blocked() -> None:
    gate = StreamGate()
    gate.hold()
    task = asyncio.create_task(gate.passage())
    assert await asyncio.to_thread(gate.wait_blocked)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not gate.wait_blocked(timeout=0)


def _texts(lines: list[str]) -> list[str]:
    """The text deltas of v1 frames: bare ``{"v": "..."}`` appends and patches of the part."""
    texts = []
    for line in lines:
        if not line.startswith("data: {"):
            continue
        data = json.loads(line.removeprefix("data: "))
        value = data.get("v")
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(op["v"] for op in value if op.get("p", "").endswith("/parts/0"))
    return texts


async def test_a_held_reply_streams_as_far_as_allowed_and_ends_whole(demo: DemoServer) -> None:
    demo.config.wire = "v1"
    prompt = "#long"
    chunks = reply_for(prompt).chunks
    gate = demo.state.gate
    gate.hold(allow=3)
    body = {
        "action": "next",
        "messages": [
            {"id": "aaa-g1", "author": {"role": "user"},
             "content": {"content_type": "text", "parts": [prompt]}}
        ],
        "parent_message_id": "aaa-g0",
        "model": "gpt-4",
    }  # fmt: skip
    headers = {"Authorization": f"Bearer {demo.token}"}
    lines: list[str] = []
    async with (
        httpx.AsyncClient(base_url=demo.backend_url, headers=headers) as client,
        client.stream("POST", "/conversation", json=body) as response,
    ):
        reader = response.aiter_lines()
        while "".join(_texts(lines)) != "".join(chunks[:3]):
            lines.append(await anext(reader))
        assert await anyio.to_thread.run_sync(gate.wait_blocked)
        assert demo.state.streaming  # held, not finished
        gate.allow(2)
        while "".join(_texts(lines)) != "".join(chunks[:5]):
            lines.append(await anext(reader))
        assert await anyio.to_thread.run_sync(gate.wait_blocked)
        gate.open()
        lines.extend([line async for line in reader])
    assert "".join(_texts(lines)) == "".join(chunks)
    assert "data: [DONE]" in lines
    assert not demo.state.streaming


def test_reset_opens_the_gate(demo: DemoServer) -> None:
    demo.state.gate.hold()
    demo.reset()
    assert not demo.state.gate.held
