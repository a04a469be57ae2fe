"""Every switchable fault, armed in-process and over HTTP."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from demo_helpers import Send, assistant_texts, data_events, split_frames, user_message

from tui.demo.faults import FAULT_NAMES
from tui.demo.server import DemoServer

MODELS = "/backend-api/models"


@pytest.mark.parametrize(
    ("name", "status", "check"),
    [
        ("rate_limit_concurrent", 429, "Only one message at a time."),
        ("rate_limit_model_cap", 429, '"code":"model_cap_exceeded"'),
        ("rate_limit_plain", 429, "Too many requests"),
        ("server_500", 500, "Internal Server Error"),
        ("bad_gateway_502", 502, "502 Bad Gateway"),
        ("unavailable_503", 503, "503 Service Temporarily Unavailable"),
        ("expired_401", 401, '"code":"token_expired"'),
        ("forbidden_html_403", 403, "cf-please-wait"),
        ("too_long_413", 413, "message_length_exceeds_limit"),
    ],
)
def test_status_faults_fire_once(
    demo: DemoServer, api: httpx.Client, name: str, status: int, check: str
) -> None:
    demo.faults.arm(name)
    failed = api.get(MODELS)
    assert failed.status_code == status
    assert check in failed.text
    assert api.get(MODELS).status_code == 200
    assert demo.faults.armed() == {}


def test_fault_details(demo: DemoServer, api: httpx.Client) -> None:
    demo.faults.arm("rate_limit_plain")
    assert api.get(MODELS).headers["retry-after"] == "2"
    demo.faults.arm("rate_limit_model_cap")
    detail = api.get(MODELS).json()["detail"]
    assert detail["code"] == "model_cap_exceeded"
    assert detail["clears_in"] > 0
    demo.faults.arm("forbidden_html_403")
    page = api.get(MODELS)
    assert page.headers["content-type"].startswith("text/html")
    assert "Just a moment..." in page.text


def test_times_and_kinds(demo: DemoServer, api: httpx.Client, send: Send) -> None:
    demo.faults.arm("server_500", 2, on="send")
    assert api.get(MODELS).status_code == 200  # a read is not a send
    assert api.patch("/backend-api/conversations", json={}).status_code == 200
    assert send()[0].status_code == 500
    assert send()[0].status_code == 500
    assert send()[0].status_code == 200
    demo.faults.arm("bad_gateway_502", on="write")
    assert api.get(MODELS).status_code == 200
    assert api.post("/backend-api/accounts/data_export").status_code == 502
    demo.faults.arm("unavailable_503", on="read")
    assert api.post("/backend-api/accounts/data_export").status_code == 200
    assert api.get(MODELS).status_code == 503


def test_arm_rejects_nonsense(demo: DemoServer) -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        demo.faults.arm("meteor_strike")
    with pytest.raises(ValueError, match="request kind"):
        demo.faults.arm("server_500", on="sometimes")
    assert "drop_mid_stream" in FAULT_NAMES


def test_latency(demo: DemoServer, api: httpx.Client) -> None:
    demo.faults.latency = 0.2
    started = time.perf_counter()
    assert api.get(MODELS).status_code == 200
    assert time.perf_counter() - started >= 0.2
    demo.reset()
    assert demo.faults.latency == 0.0


def test_hold_keeps_one_request_of_its_kind_until_released(
    demo: DemoServer, api: httpx.Client
) -> None:
    hold = demo.faults.hold(on="read")
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(api.get, MODELS)
        assert hold.reached.wait(10)
        # Other kinds of request are not held meanwhile.
        assert api.patch("/backend-api/conversation/none", json={"title": "x"}).status_code
        assert not held.done()
        hold.release()
        assert held.result(timeout=10).status_code == 200
    # Used up: the next read goes straight through.
    assert api.get(MODELS).status_code == 200


def test_reset_lets_held_requests_go(demo: DemoServer, api: httpx.Client) -> None:
    hold = demo.faults.hold()
    with ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(api.get, MODELS)
        assert hold.reached.wait(10)
        demo.reset()
        assert held.result(timeout=10).status_code == 200


@pytest.mark.parametrize("v1", [False, True])
def test_drop_mid_stream(demo: DemoServer, api: httpx.Client, send: Send, v1: bool) -> None:
    demo.faults.arm("drop_mid_stream")
    with pytest.raises(httpx.RemoteProtocolError):
        send(v1=v1)
    assert demo.state.wait_idle(5.0)
    # The partial reply is kept, marked as interrupted; the next send works.
    conv_id = api.get("/backend-api/conversations", params={"limit": 1}).json()["items"][0]["id"]
    conv = api.get(f"/backend-api/conversation/{conv_id}").json()
    last = conv["mapping"][conv["current_node"]]["message"]
    assert last["metadata"]["finish_details"] == {"type": "interrupted"}
    assert len(last["content"]["parts"][0]) > 0
    assert send(msg_id="aaa-again")[0].status_code == 200


@pytest.mark.parametrize("v1", [False, True])
def test_error_in_stream(demo: DemoServer, send: Send, v1: bool) -> None:
    demo.faults.arm("error_in_stream")
    response, frames = send(v1=v1)
    assert response.status_code == 200
    assert frames[-1] == {"data": "[DONE]"}
    error = json.loads(frames[-2]["data"])
    assert list(error) == ["message", "conversation_id", "error"]
    assert error["message"] is None
    assert error["error"].startswith("Our systems have detected unusual activity")
    assert "event" not in frames[-2]


@pytest.mark.parametrize("v1", [False, True])
def test_stream_ends_early(demo: DemoServer, send: Send, v1: bool) -> None:
    demo.faults.arm("stream_ends_early")
    response, frames = send(v1=v1)
    assert response.content.endswith(b"data: [DONE]\n\n")
    text = response.text
    assert "finished_successfully" not in text.split('"role": "user"', 1)[1].split("\n\n", 1)[1]
    assert "message_stream_complete" not in text
    assert "is_completion" not in text
    if not v1:
        assert assistant_texts(frames)[-1]  # some text arrived before the end


def test_stream_faults_only_hit_sends(demo: DemoServer, api: httpx.Client, send: Send) -> None:
    demo.faults.arm("error_in_stream")
    assert api.get(MODELS).status_code == 200
    assert demo.faults.armed() == {"error_in_stream": 1}
    assert data_events(send()[1])[-1]["error"]


def test_faults_over_http(demo: DemoServer, api: httpx.Client, send: Send) -> None:
    armed = api.post("/_demo/faults", json={"name": "expired_401", "times": 2, "on": "read"})
    assert armed.json() == {"armed": {"expired_401": 2}, "latency": 0.0}
    assert api.get(MODELS).status_code == 401
    assert api.get(MODELS).status_code == 401
    assert api.get(MODELS).status_code == 200
    assert api.post("/_demo/faults", json={"name": "nope"}).status_code == 422
    latency = api.post("/_demo/faults", json={"name": "latency", "seconds": 0.05})
    assert latency.json()["latency"] == 0.05
    api.post("/_demo/faults", json={"name": "stream_ends_early"})
    assert b"finished_successfully" not in send()[0].content.split(b"\n\n", 1)[1]
    api.post("/_demo/faults", json={"name": "server_500"})
    assert api.post("/_demo/reset").json() == {"success": True}
    assert demo.faults.armed() == {}
    assert demo.faults.latency == 0.0
    # Control requests are not recorded and need the token.
    assert all(not r.path.startswith("/_demo") for r in demo.state.requests)
    log = api.get("/_demo/requests").json()
    assert log == []
    assert httpx.post(demo.base_url + "/_demo/reset").status_code == 401


def test_recorded_send_bodies_survive_faults(demo: DemoServer, api: httpx.Client) -> None:
    demo.faults.arm("server_500")
    body = {"action": "next", "messages": [user_message("aaa-1", "x")],
            "parent_message_id": "aaa-0", "model": "gpt-4"}  # fmt: skip
    assert api.post("/backend-api/conversation", json=body).status_code == 500
    assert [r.body for r in demo.state.requests] == [body]
    assert split_frames("data: x\n\n") == [{"data": "x"}]
