"""Client round trips per second against the in-process demo backend over loopback.

Measures what the app does most: one page of the history, one conversation, and a whole send
of a short reply. Sequential calls on one client, so the numbers include connection reuse.
Run: ``uv run python -m bench.client_roundtrips``.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from typing import Any

from bench._common import emit, peak_rss_mib
from tui.api import ApiSettings, BackendClient, EventKind
from tui.api.secret import Secret
from tui.demo.server import start_demo_server

CALLS = 300
"""Sequential calls per read endpoint."""
SENDS = 30
"""Whole sends of a short reply."""
WARMUP = 10


async def _timed(call: Callable[[], Awaitable[Any]], count: int) -> dict[str, float]:
    for _ in range(WARMUP):
        await call()
    durations = []
    started = time.perf_counter()
    for _ in range(count):
        begin = time.perf_counter()
        await call()
        durations.append(time.perf_counter() - begin)
    total = time.perf_counter() - started
    durations.sort()
    return {
        "calls": count,
        "per_second": round(count / total, 1),
        "mean_ms": round(statistics.fmean(durations) * 1000, 3),
        "p50_ms": round(durations[len(durations) // 2] * 1000, 3),
        "p95_ms": round(durations[int(len(durations) * 0.95) - 1] * 1000, 3),
    }


async def _measure(settings: ApiSettings) -> dict[str, Any]:
    async with BackendClient(settings) as client:
        page = await client.conversations(limit=28)
        conversation_id = page.items[0].id
        model = (await client.models()).default_model or "text-davinci-002-render-sha"
        reply_chars = 0

        async def send_short() -> None:
            nonlocal reply_chars
            stream = client.send(
                action="next",
                prompt="A short question",
                parent_message_id=client.new_message_id(),
                conversation_id=None,
                model=model,
            )
            async with aclosing(stream) as events:
                async for event in events:
                    if event.kind is EventKind.DONE:
                        reply_chars = len(event.text)
                    elif event.kind in (EventKind.ERROR, EventKind.INTERRUPTED):
                        raise RuntimeError(f"send failed: {event.kind}")

        return {
            "conversations_limit_28": await _timed(lambda: client.conversations(limit=28), CALLS),
            "conversation_by_id": await _timed(lambda: client.conversation(conversation_id), CALLS),
            "send_short_reply": {**await _timed(send_short, SENDS), "reply_chars": reply_chars},
        }


def main() -> None:
    server = start_demo_server(pace=0)
    try:
        settings = ApiSettings(base_url=server.base_url, token=Secret(server.token))
        results = asyncio.run(_measure(settings))
    finally:
        server.stop()
    emit(
        {
            "benchmark": "client_roundtrips",
            "transport": "HTTP/1.1 over 127.0.0.1, demo server in-process (uvicorn thread)",
            **results,
            "peak_rss_mib": round(peak_rss_mib(), 1),
        }
    )


if __name__ == "__main__":
    main()
