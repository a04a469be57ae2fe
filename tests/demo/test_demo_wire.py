"""Byte-level checks of both wire formats, compared with the real captures' shape."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import httpx
import pytest
from demo_helpers import Send, split_frames

from tui.demo.server import DemoServer

FIXTURES = Path(__file__).parent.parent / "fixtures"
CAPTURE = FIXTURES / "everything-chatgpt_conversation-event-stream.sse.txt"
"""The May-2023 classic stream capture (tests/fixtures/SOURCES.md)."""


def test_classic_bytes(send: Send) -> None:
    response, _ = send(text="Ünïcödé ✓ prompt 日本")
    raw = response.content
    assert raw.isascii()  # everything non-ASCII is \uXXXX-escaped
    assert "\\u00dcn\\u00efc\\u00f6d\\u00e9 \\u2713 prompt \\u65e5\\u672c" in response.text
    assert raw.endswith(b"\n\ndata: [DONE]\n\n")
    blocks = raw.decode().split("\n\n")
    assert blocks[-1] == ""
    events = blocks[:-1]
    assert all(block.startswith("data: ") and "\n" not in block for block in events)
    payloads = [json.loads(block[6:]) for block in events[:-1]]
    messages = payloads[:-1]
    for payload in messages:
        assert list(payload) == ["message", "conversation_id", "error"]
        assert payload["error"] is None
        assert list(payload["message"])[:2] == ["id", "author"]
    assert messages[0]["message"]["author"]["role"] == "user"
    texts = [p["message"]["content"]["parts"][0] for p in messages[1:]]
    assert texts[0] == ""
    assert all(b.startswith(a) for a, b in itertools.pairwise(texts))  # cumulative
    assert [p["message"]["status"] for p in messages[1:]][-2:] == [
        "in_progress",
        "finished_successfully",
    ]
    final = messages[-1]["message"]
    assert final["end_turn"] is True
    assert final["metadata"]["finish_details"]["type"] == "stop"
    assert final["metadata"]["finish_details"]["stop_tokens"]
    moderation = payloads[-1]
    assert moderation["is_completion"] is True
    assert moderation["message_id"] == final["id"]
    assert moderation["moderation_response"]["flagged"] is False
    assert moderation["moderation_response"]["moderation_id"].startswith("modr-")


def test_classic_frames_match_the_real_capture(send: Send) -> None:
    """Same separators, same key order inside the message as the May-2023 capture."""
    real = CAPTURE.read_text().split("\n\n")[2]
    ours = send(text="A")[0].text.split("\n\n")[1]
    key_order = re.compile(r'"(\w+)": ')
    real_keys = [k for k in key_order.findall(real) if k != "status"]
    our_keys = [k for k in key_order.findall(ours) if k not in ("status", "channel", "parent_id")]
    assert real_keys[:12] == our_keys[:12]


def test_v1_bytes(send: Send) -> None:
    response, frames = send(text="Héllo", v1=True)
    raw = response.content
    assert raw.isascii()
    assert raw.startswith(b'event: delta_encoding\ndata: "v1"\n\nevent: delta\ndata: {"p": "", ')
    assert raw.endswith(b"\n\ndata: [DONE]\n\n")
    deltas = [json.loads(f["data"]) for f in frames if f.get("event") == "delta"]
    assert deltas[0]["o"] == "add"
    assert deltas[0]["c"] == 0
    assert list(deltas[0]["v"]) == ["message", "conversation_id", "error"]
    assert deltas[0]["v"]["message"]["author"]["role"] == "user"
    assert deltas[1]["o"] == "add"
    assert deltas[1]["c"] == 1
    assert deltas[1]["v"]["message"]["status"] == "in_progress"
    assert deltas[2] == {"p": "/message/content/parts/0", "o": "append", "v": deltas[2]["v"]}
    assert all(list(d) == ["v"] and isinstance(d["v"], str) for d in deltas[3:-1])
    patch = deltas[-1]
    assert (patch["p"], patch["o"]) == ("", "patch")
    assert [op["p"] for op in patch["v"]] == [
        "/message/content/parts/0",
        "/message/status",
        "/message/end_turn",
        "/message/metadata",
    ]
    assert patch["v"][3]["v"]["finish_details"]["type"] == "stop"
    tail = [f for f in frames if "event" not in f]
    assert [json.loads(f["data"])["type"] for f in tail[:-1]] == [
        "title_generation",
        "message_stream_complete",
    ]
    assert tail[-1] == {"data": "[DONE]"}


def test_v1_follow_up_has_no_title(send: Send) -> None:
    _, frames = send(text="first", v1=True)
    conv_id = json.loads(frames[1]["data"])["v"]["conversation_id"]
    assistant = json.loads(frames[2]["data"])["v"]["message"]["id"]
    _, frames = send(
        text="second", msg_id="aaa-2", parent=assistant, conversation_id=conv_id, v1=True
    )
    tail = [f["data"] for f in frames if "event" not in f]
    assert tail[-1] == "[DONE]"
    types = [json.loads(data)["type"] for data in tail[:-1]]
    assert types == ["message_stream_complete"]


@pytest.mark.parametrize(("wire", "v1_requested", "v1_sent"), [
    ("auto", False, False), ("auto", True, True), ("classic", True, False), ("v1", False, True),
])  # fmt: skip
def test_wire_setting(
    demo: DemoServer, send: Send, wire: str, v1_requested: bool, v1_sent: bool
) -> None:
    demo.config.wire = wire
    response, _ = send(v1=v1_requested)
    assert response.content.startswith(b"event: delta_encoding") is v1_sent


def test_config_over_http(demo: DemoServer, api: httpx.Client, send: Send) -> None:
    assert api.post("/_demo/config", json={"wire": "v1", "pace": 0.0}).json() == {
        "wire": "v1",
        "pace": 0.0,
    }
    assert send()[0].content.startswith(b"event: delta_encoding")
    assert api.post("/_demo/config", json={"wire": "sideways"}).status_code == 422
    assert api.post("/_demo/reset").json() == {"success": True}
    assert demo.config.wire == "auto"
    assert split_frames(send()[0].text)[0]["data"].startswith('{"message": ')
