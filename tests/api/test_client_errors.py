"""Every error class, raised by real conditions and faults of the demo backend, and the token's
absence from every message, repr, exception chain, traceback and log line."""

from __future__ import annotations

import logging
import socket
import threading
import traceback
from collections.abc import Iterator
from contextlib import aclosing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import pytest

from tests.api.client_helpers import MODEL, settings_for
from tests.fake_tokens import fake_jwt
from tui.api import (
    ApiError,
    ApiSettings,
    AuthError,
    BackendClient,
    EventKind,
    ForbiddenError,
    InvalidRequestError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TooLongError,
)
from tui.demo import bodies

pytestmark = pytest.mark.anyio


def new_chat(client: BackendClient, prompt: str = "Hello") -> Any:
    return client.send(
        action="next",
        prompt=prompt,
        parent_message_id=client.new_message_id(),
        conversation_id=None,
        model=MODEL,
    )


async def drain(stream: Any) -> list[Any]:
    async with aclosing(stream) as events:
        return [event async for event in events]


def everything_said(error: BaseException) -> str:
    """str and repr of the error and of every exception chained to it, plus its traceback."""
    seen: list[str] = []
    current: BaseException | None = error
    while current is not None:
        seen += [str(current), repr(current), repr(current.args)]
        current = current.__cause__ or current.__context__
    seen.append("".join(traceback.format_exception(error)))
    return "\n".join(seen)


async def test_wrong_token_then_set_token(demo: Any) -> None:
    secret = fake_jwt("wrong-token", "wrong-signature")
    async with BackendClient(settings_for(demo, token=secret)) as client:
        with pytest.raises(AuthError) as caught:
            await client.conversations()
        assert caught.value.status == 401
        assert caught.value.code == "token_expired"
        assert "sign in again" in str(caught.value)
        assert secret not in everything_said(caught.value)
        assert secret not in repr(client)
        assert secret not in repr(client.settings)
        client.set_token(demo.token)
        assert (await client.conversations(limit=1)).items
    assert demo.state.requests[-1].method == "GET"


async def test_expired_token_fault(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("expired_401")
    with pytest.raises(AuthError):
        await client.models()
    assert len(demo.state.requests) == 1, "a 401 is never retried"


async def test_deleted_conversation_is_not_found(client: BackendClient) -> None:
    item = (await client.conversations(limit=1)).items[0]
    await client.delete_conversation(item.id)
    with pytest.raises(NotFoundError, match="deleted elsewhere"):
        await client.conversation(item.id)
    with pytest.raises(NotFoundError):
        await client.rename_conversation(item.id, "Too late")


async def test_server_side_validation_is_summarised(client: BackendClient) -> None:
    # The client refuses limit=101 itself; reach past that check to see the server's 422.
    with pytest.raises(InvalidRequestError) as caught:
        await client.get_json("conversations", {"limit": "101"})
    assert caught.value.status == 422
    assert "query.limit: ensure this value is less than or equal to 100" in str(caught.value)
    with pytest.raises(ValueError, match="between 1 and 100"):
        await client.conversations(limit=101)


async def test_concurrent_send_for_real(client: BackendClient, demo: Any) -> None:
    demo.state.gate.hold(allow=1)  # the first reply stays under way
    async with aclosing(new_chat(client, "#long")) as first:
        async for event in first:
            if event.kind is EventKind.TEXT:
                break
        with pytest.raises(RateLimitError) as caught:
            await drain(new_chat(client, "me too"))
    assert caught.value.kind == "concurrent"
    assert "Only one message at a time" in str(caught.value)


async def test_concurrent_send_fault(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("rate_limit_concurrent", on="send")
    with pytest.raises(RateLimitError) as caught:
        await drain(new_chat(client))
    assert caught.value.kind == "concurrent"


async def test_model_cap_gives_retry_after_from_clears_in(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("rate_limit_model_cap", on="send")
    with pytest.raises(RateLimitError) as caught:
        await drain(new_chat(client))
    clears_in = bodies.MODEL_CAP["detail"]["clears_in"]
    assert caught.value.kind == "model_cap"
    assert caught.value.retry_after == clears_in
    assert "Model cap reached, retry in 15 min" in str(caught.value)


async def test_too_long(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("too_long_413", on="send")
    with pytest.raises(TooLongError, match="too long"):
        await drain(new_chat(client))


async def test_cloudflare_page(client: BackendClient, demo: Any) -> None:
    demo.faults.arm("forbidden_html_403", times=2)
    with pytest.raises(ForbiddenError, match="Cloudflare") as caught:
        await client.conversations()
    assert "<" not in str(caught.value)
    with pytest.raises(ForbiddenError, match="Cloudflare"):
        await drain(new_chat(client))


@pytest.mark.parametrize(("fault", "status"), [("server_500", 500), ("bad_gateway_502", 502)])
async def test_server_errors(client: BackendClient, demo: Any, fault: str, status: int) -> None:
    demo.faults.arm(fault, on="send")
    with pytest.raises(ServerError) as caught:
        await drain(new_chat(client))
    assert caught.value.status == status
    assert f"({status})" in str(caught.value)


async def test_closed_port_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = ApiSettings(base_url=f"http://127.0.0.1:{port}", token="t", retry_base_delay=0.01)
    async with BackendClient(settings) as client:
        with pytest.raises(NetworkError, match=f"127.0.0.1:{port}") as caught:
            await client.conversations()
        assert caught.value.__cause__ is None
        assert caught.value.__context__ is None
        with pytest.raises(NetworkError):
            await drain(new_chat(client))


class _Garbage(BaseHTTPRequestHandler):
    """A real server that answers 200 with what the backend never sends."""

    def do_GET(self) -> None:
        body, kind = b'{"items": "not a list", "total": "many"}', "application/json"
        if self.path.startswith("/backend-api/models"):
            body, kind = b"<html>Welcome to nginx</html>", "text/html"
        elif self.path.startswith("/backend-api/accounts/check"):
            body = b"[1, 2, 3]"
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = b'{"detail": "ok"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def garbage_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def test_malformed_replies(garbage_server: str) -> None:
    async with BackendClient(ApiSettings(base_url=garbage_server, token="t")) as client:
        with pytest.raises(MalformedResponseError, match="not JSON"):
            await client.models()
        with pytest.raises(MalformedResponseError, match="unexpected shape"):
            await client.conversations()
        with pytest.raises(MalformedResponseError, match="not a JSON object"):
            await client.account_status()
        with pytest.raises(MalformedResponseError, match="instead of a reply stream"):
            await drain(new_chat(client))


async def test_the_token_leaks_nowhere(
    client: BackendClient, demo: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = demo.token
    errors: list[ApiError] = []

    async def expect(call: Any) -> None:
        try:
            await call
        except ApiError as error:
            errors.append(error)
        else:
            raise AssertionError("expected an ApiError")

    for fault in bodies_faults():
        demo.faults.arm(fault, times=3)
        await expect(client.conversations())
        demo.faults.disarm(fault)
        demo.faults.arm(fault, on="send")
        await expect(drain(new_chat(client)))
        demo.faults.disarm(fault)
    await expect(client.conversation("no-such-conversation"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = settings_for(demo, base_url=f"http://127.0.0.1:{port}", backend_url="")
    async with BackendClient(dead) as offline:
        await expect(offline.beta_features())
    demo.faults.arm("drop_mid_stream", on="send")
    interrupted = await drain(new_chat(client))
    assert interrupted[-1].kind is EventKind.INTERRUPTED

    assert len(errors) == 2 * len(bodies_faults()) + 2
    for error in errors:
        assert token not in everything_said(error), type(error)
    assert token not in caplog.text
    assert token not in str(interrupted[-1].model_dump())
    assert any(r.name == "backchat.api" for r in caplog.records), "the client does log"


def bodies_faults() -> list[str]:
    return [
        "rate_limit_concurrent",
        "rate_limit_model_cap",
        "server_500",
        "bad_gateway_502",
        "unavailable_503",
        "expired_401",
        "forbidden_html_403",
        "too_long_413",
    ]


async def test_whole_request_timeout(demo: Any) -> None:
    demo.faults.latency = 0.5
    async with BackendClient(settings_for(demo, request_timeout=0.1)) as client:
        with anyio.fail_after(5):
            with pytest.raises(NetworkError, match="did not answer"):
                await client.beta_features()
