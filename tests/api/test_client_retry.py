"""The retry policy: GETs retry on throttling and gateway errors, writes never on their own."""

from __future__ import annotations

import time
from contextlib import aclosing
from typing import Any

import pytest

from tests.api.client_helpers import MODEL, settings_for
from tui.api import BackendClient, RateLimitError, ServerError
from tui.api.transport import Transport

pytestmark = pytest.mark.anyio


async def drain(stream: Any) -> None:
    async with aclosing(stream) as events:
        async for _ in events:
            pass


def seen(demo: Any, method: str, suffix: str) -> int:
    return sum(1 for r in demo.state.requests if r.method == method and r.path.endswith(suffix))


@pytest.mark.parametrize("fault", ["bad_gateway_502", "unavailable_503", "rate_limit_concurrent"])
async def test_a_get_recovers_after_one_retry(client: BackendClient, demo: Any, fault: str) -> None:
    demo.faults.arm(fault, on="read")
    page = await client.conversations(limit=3)
    assert len(page.items) == 3
    assert seen(demo, "GET", "/conversations") == 2


async def test_a_get_gives_up_after_three_tries(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("bad_gateway_502", times=5, on="read")
    with pytest.raises(ServerError) as caught:
        await client.beta_features()
    assert caught.value.status == 502
    assert seen(demo, "GET", "/beta_features") == 3


async def test_a_500_is_not_retried(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("server_500", on="read")
    with pytest.raises(ServerError):
        await client.models()
    assert seen(demo, "GET", "/models") == 1


async def test_writes_are_never_retried(client: BackendClient, demo: Any) -> None:
    item = (await client.conversations(limit=1)).items[0]
    demo.faults.arm("bad_gateway_502", on="write")
    with pytest.raises(ServerError):
        await client.rename_conversation(item.id, "Once only")
    assert seen(demo, "PATCH", f"/conversation/{item.id}") == 1
    demo.faults.arm("bad_gateway_502", on="write")
    with pytest.raises(ServerError):
        await client.request_data_export()
    assert seen(demo, "POST", "/data_export") == 1
    demo.faults.arm("unavailable_503", on="send")
    stream = client.send(
        action="next",
        prompt="hi",
        parent_message_id=client.new_message_id(),
        conversation_id=None,
        model=MODEL,
    )
    with pytest.raises(ServerError):
        await drain(stream)
    assert seen(demo, "POST", "/backend-api/conversation") == 1


async def test_retry_after_is_honoured(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("rate_limit_plain", on="read")  # answers with Retry-After: 2
    started = time.perf_counter()
    await client.beta_features()
    assert time.perf_counter() - started >= 2.0
    assert seen(demo, "GET", "/beta_features") == 2


async def test_a_retry_after_beyond_the_cap_is_raised_at_once(demo: Any) -> None:
    demo.faults.arm("rate_limit_plain", on="read")
    async with BackendClient(settings_for(demo, retry_max_wait=1.0)) as client:
        started = time.perf_counter()
        with pytest.raises(RateLimitError) as caught:
            await client.beta_features()
        assert time.perf_counter() - started < 1.0
    assert caught.value.kind == "plain"
    assert caught.value.retry_after == 2
    assert "Rate limited, retry in 2 s" in str(caught.value)
    assert seen(demo, "GET", "/beta_features") == 1


async def test_a_model_cap_on_a_get_is_not_waited_out(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("rate_limit_model_cap", on="read")
    with pytest.raises(RateLimitError) as caught:
        await client.conversation_limit()
    assert caught.value.kind == "model_cap"
    assert seen(demo, "GET", "/conversation_limit") == 1


async def test_backoff_grows_with_jitter_and_respects_its_bounds(demo: Any) -> None:
    transport = Transport(settings_for(demo, retry_base_delay=1.0, retry_max_wait=3.0))
    try:
        first = [transport.backoff_delay(1, None) for _ in range(50)]
        second = [transport.backoff_delay(2, None) for _ in range(50)]
        assert all(0.5 <= d <= 1.0 for d in first)
        assert len(set(first)) > 1, "jittered"
        assert all(1.0 <= d <= 2.0 for d in second)
        assert transport.backoff_delay(6, None) == 3.0
        assert transport.backoff_delay(1, 2.5) == 2.5
    finally:
        await transport.aclose()
