"""POST /conversation: the tree it builds (next, edit, variant, continue) in both wire formats."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from demo_helpers import Send, apply_v1, assistant_texts, data_events

from tui.demo.model import LONG_CHUNKS
from tui.demo.server import DemoServer

B = "/backend-api"
ROOT = "aaa00000-0000-4000-8000-000000000000"


def reply_of(frames: Any, v1: bool) -> dict[str, Any]:
    """The final assistant message a client would have assembled from the stream."""
    if v1:
        docs = apply_v1(frames)
        return docs[max(docs)]["message"]  # type: ignore[no-any-return]
    events = [e for e in data_events(frames) if isinstance(e.get("message"), dict)]
    return events[-1]["message"]  # type: ignore[no-any-return]


def conversation(api: httpx.Client, conv_id: str) -> dict[str, Any]:
    response = api.get(f"{B}/conversation/{conv_id}")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("v1", [False, True])
def test_new_chat_structure(api: httpx.Client, send: Send, v1: bool) -> None:
    response, frames = send(text="How do I parse CSV in Rust?", v1=v1)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    reply = reply_of(frames, v1)
    assert reply["status"] == "finished_successfully"
    assert reply["end_turn"] is True
    assert reply["metadata"]["finish_details"]["type"] == "stop"
    text = reply["content"]["parts"][0]
    assert "```" in text
    assert "\n## " in text
    assert "\n- " in text
    assert 800 <= len(text) <= 2600
    conv_id = data_events(frames)[-2 if not v1 else -1]["conversation_id"]
    conv = conversation(api, conv_id)
    mapping = conv["mapping"]
    # Root (the client's parent id, no message) -> hidden system -> user -> assistant.
    assert mapping[ROOT]["message"] is None
    assert mapping[ROOT]["parent"] is None
    system_id = mapping[ROOT]["children"][0]
    system = mapping[system_id]["message"]
    assert system["author"]["role"] == "system"
    assert system["weight"] == 0.0
    user_id = "aaa00000-0000-4000-8000-000000000001"
    assert mapping[system_id]["children"] == [user_id]
    assert mapping[user_id]["children"] == [reply["id"]]
    assert conv["current_node"] == reply["id"]
    assert mapping[reply["id"]]["message"]["content"]["parts"][0] == text
    listed = api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]
    assert listed["id"] == conv_id
    expected_title = "Parse CSV in Rust" if v1 else "New chat"
    assert listed["title"] == expected_title


def test_v1_title_generation(send: Send) -> None:
    _, frames = send(text="What is a write-ahead log?", v1=True)
    meta = [e for e in data_events(frames) if "type" in e]
    assert [e["type"] for e in meta] == ["title_generation", "message_stream_complete"]
    assert meta[0]["title"] == "A write-ahead log"


def test_follow_up_edit_and_variant(api: httpx.Client, send: Send) -> None:
    _, frames = send(text="First question")
    first = reply_of(frames, False)
    conv_id = data_events(frames)[0]["conversation_id"]
    # Follow-up under the reply.
    _, frames = send(text="Second", msg_id="aaa-2", parent=first["id"], conversation_id=conv_id)
    second = reply_of(frames, False)
    # Edit "Second": a next from its parent, so a sibling user node.
    _, frames = send(
        text="Second, edited", msg_id="aaa-3", parent=first["id"], conversation_id=conv_id, v1=True
    )
    edited = reply_of(frames, True)
    # Regenerate the edited prompt's answer twice: two more assistant siblings.
    variants = []
    for _ in range(2):
        _, frames = send(
            action="variant", text="Second, edited", msg_id="aaa-3", parent=first["id"],
            conversation_id=conv_id,
        )  # fmt: skip
        variants.append(reply_of(frames, False))
    mapping = conversation(api, conv_id)["mapping"]
    assert mapping[first["id"]]["children"] == ["aaa-2", "aaa-3"]
    assert mapping["aaa-2"]["children"] == [second["id"]]
    assert mapping["aaa-3"]["children"] == [edited["id"]] + [v["id"] for v in variants]
    texts = {v["content"]["parts"][0] for v in [edited, *variants]}
    assert len(texts) == 3  # each regeneration says something different
    assert variants[0]["metadata"]["message_type"] == "variant"
    assert conversation(api, conv_id)["current_node"] == variants[-1]["id"]


def test_variant_echoes_the_existing_user_message(send: Send) -> None:
    _, frames = send(text="Hi")
    conv_id = data_events(frames)[0]["conversation_id"]
    _, frames = send(action="variant", text="Hi", conversation_id=conv_id, parent="whatever")
    echo = data_events(frames)[0]["message"]
    assert echo["author"]["role"] == "user"
    assert echo["id"] == "aaa00000-0000-4000-8000-000000000001"


@pytest.mark.parametrize("v1", [False, True])
def test_cut_then_continue(api: httpx.Client, send: Send, v1: bool) -> None:
    _, frames = send(text="Explain compaction #cut", v1=v1)
    cut = reply_of(frames, v1)
    assert cut["metadata"]["finish_details"] == {"type": "max_tokens"}
    assert cut["end_turn"] is False
    conv_id = (
        apply_v1(frames)[0]["conversation_id"] if v1 else data_events(frames)[0]["conversation_id"]
    )
    _, frames = send(action="continue", text=None, parent=cut["id"], conversation_id=conv_id, v1=v1)
    rest = reply_of(frames, v1)
    assert rest["metadata"]["message_type"] == "continue"
    assert rest["metadata"]["finish_details"]["type"] == "stop"
    assert rest["end_turn"] is True
    whole = cut["content"]["parts"][0] + rest["content"]["parts"][0]
    _, frames = send(text="Explain compaction", msg_id="aaa-x", parent="aaa-root-2")
    assert whole == reply_of(frames, False)["content"]["parts"][0]  # same prompt, same reply
    mapping = conversation(api, conv_id)["mapping"]
    assert mapping[cut["id"]]["children"] == [rest["id"]]
    # A continue streams only the new text (no user echo in classic).
    if not v1:
        assert all(e["message"]["author"]["role"] == "assistant" for e in data_events(frames)[1:-1])


def test_continue_a_seeded_max_tokens_reply(api: httpx.Client, send: Send) -> None:
    items = api.get(f"{B}/conversations", params={"limit": 28}).json()["items"]
    conv_id = next(i["id"] for i in items if i["title"] == "README for a log-cleaning CLI")
    conv = conversation(api, conv_id)
    last = conv["mapping"][conv["current_node"]]["message"]
    assert last["metadata"]["finish_details"]["type"] == "max_tokens"
    _, frames = send(action="continue", text=None, parent=last["id"], conversation_id=conv_id)
    texts = assistant_texts(frames)
    assert texts[-1]
    assert texts[-1] != last["content"]["parts"][0]


def test_long_reply_has_exactly_2000_chunks(send: Send) -> None:
    _, frames = send(text="Give me everything #long", v1=True)
    text_frames = [f for f in frames if f.get("event") == "delta" and '"c": ' not in f["data"]]
    assert len(text_frames) == LONG_CHUNKS
    text = reply_of(frames, True)["content"]["parts"][0]
    assert 45_000 <= len(text) <= 60_000
    for marker in ("```rust", "```python", "```sql", "```javascript", "```bash", "|---|", "\n## "):
        assert marker in text
    _, classic = send(text="Give me everything #long", msg_id="aaa-l2", parent="aaa-r2")
    assert len(assistant_texts(classic)) == LONG_CHUNKS + 1  # plus the empty first snapshot
    assert assistant_texts(classic)[-1] == text


def test_temporary_chat_is_not_listed(api: httpx.Client, send: Send) -> None:
    before = api.get(f"{B}/conversations").json()["total"]
    _, frames = send(text="secret", history_and_training_disabled=True)
    assert api.get(f"{B}/conversations").json()["total"] == before
    conv_id = data_events(frames)[0]["conversation_id"]
    assert api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]["id"] != conv_id


def test_send_moves_a_conversation_to_the_top(api: httpx.Client, send: Send) -> None:
    items = api.get(f"{B}/conversations", params={"limit": 28}).json()["items"]
    target = items[20]
    conv = conversation(api, target["id"])
    send(text="One more thing", parent=conv["current_node"], conversation_id=target["id"])
    top = api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]
    assert top["id"] == target["id"]
    assert top["update_time"] > items[0]["update_time"]


def test_send_errors(api: httpx.Client, send: Send) -> None:
    response, _ = send(conversation_id="no-such-conversation")
    assert response.status_code == 404
    assert response.json() == {"detail": "Conversation not found"}
    response = api.post(f"{B}/conversation", json={"action": "next", "parent_message_id": "x"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "model"], "msg": "field required", "type": "value_error.missing"}
        ]
    }
    response = api.post(
        f"{B}/conversation", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "value_error.jsondecode"
    response, _ = send(action="sideways")
    assert response.status_code == 422


def test_deleted_conversation_rejects_sends(api: httpx.Client, send: Send) -> None:
    target = api.get(f"{B}/conversations", params={"limit": 1}).json()["items"][0]["id"]
    api.patch(f"{B}/conversation/{target}", json={"is_visible": False})
    response, _ = send(conversation_id=target)
    assert response.status_code == 404
    assert response.json() == {"detail": "Conversation not found"}


def test_post_is_recorded_once(demo: DemoServer, send: Send) -> None:
    send(text="count me")
    posts = [r for r in demo.state.requests if r.method == "POST"]
    assert len(posts) == 1
    assert posts[0].body["messages"][0]["content"]["parts"] == ["count me"]


@pytest.mark.anyio
async def test_concurrent_send_is_429(demo: DemoServer) -> None:
    demo.state.gate.hold()  # the first reply stays under way until the client hangs up
    headers = {"Authorization": f"Bearer {demo.token}"}
    body = {
        "action": "next",
        "messages": [
            {"id": "aaa-c1", "author": {"role": "user"},
             "content": {"content_type": "text", "parts": ["first"]}}
        ],
        "parent_message_id": "aaa-c0",
        "model": "gpt-4",
    }  # fmt: skip
    async with (
        httpx.AsyncClient(base_url=demo.backend_url, headers=headers) as client,
        client.stream("POST", "/conversation", json=body) as first,
    ):
        assert first.status_code == 200
        # Keep the line iterator referenced: a broken-out-of iterator gets finalised, and
        # closing it closes the connection, which the server rightly takes as a hang-up.
        lines = first.aiter_lines()
        assert (await anext(lines)).startswith("data: ")  # the reply is under way
        second = await client.post("/conversation", json=body)
        assert second.status_code == 429
        assert second.json()["detail"].startswith("Only one message at a time.")
        await lines.aclose()
    # Hanging up frees the slot.
    assert demo.state.wait_idle(5.0)
    demo.state.gate.open()
    async with httpx.AsyncClient(base_url=demo.backend_url, headers=headers) as client:
        third = await client.post("/conversation", json={**body, "messages": [], "action": "next"})
        assert third.status_code == 422  # past the busy check: messages are required
        body["messages"][0]["id"] = "aaa-c2"  # type: ignore[index]
        fourth = await client.post("/conversation", json=body)
        assert fourth.status_code == 200
