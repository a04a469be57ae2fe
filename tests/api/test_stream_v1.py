"""StreamParser on delta encoding v1: hand-written fixtures after docs/PROTOCOL.md §4.2."""

from __future__ import annotations

import json
from typing import Any

from tests.api.stream_helpers import (
    CLASSIC_CAPTURE,
    DONE,
    deltas,
    fixture_frames,
    kinds,
    run,
    text_deltas,
)
from tui.api.events import EventKind, StreamEvent
from tui.api.stream import StreamParser

RESUME_TOKEN = "eyJSECRET.resume.TOKEN-do-not-echo"


def run_fixture(name: str) -> tuple[StreamParser, list[StreamEvent]]:
    return run(fixture_frames(name))


def op(**fields: Any) -> tuple[str, str]:
    return "delta", json.dumps(fields)


def doc(c: int, message_id: str, text: str = "", **fields: Any) -> tuple[str, str]:
    message = {
        "id": message_id,
        "author": {"role": fields.pop("role", "assistant")},
        "content": {"content_type": "text", "parts": [text]},
        "status": "in_progress",
        "end_turn": None,
        "metadata": {"model_slug": "gpt-4o"},
        "recipient": "all",
        "channel": None,
        **fields,
    }
    body = {"message": message, "conversation_id": "conv", "error": None}
    return op(p="", o="add", v=body, c=c)


PARTS = "/message/content/parts/0"
FINISH = op(
    p="",
    o="patch",
    v=[
        {"p": "/message/status", "o": "replace", "v": "finished_successfully"},
        {"p": "/message/end_turn", "o": "replace", "v": True},
    ],
)
COMPLETE = ("", json.dumps({"type": "message_stream_complete", "conversation_id": "conv"}))


# --- fixtures


def test_basic_stream() -> None:
    parser, events = run_fixture("stream_v1_basic.sse")
    reply = "Here’s a list:\n\n1. Mechanics\n2. Optics\n3. Thermodynamics\n\nAny particular field?"
    assert parser.text == deltas(events) == reply
    assert parser.wire_format == "v1"
    assert parser.malformed == 0
    # One TEXT per frame: the patch's append comes out as one event, not one per sub-op.
    assert text_deltas(events) == [
        "Here’s",
        " a list",
        ":\n\n1. Mechanics",
        "\n2. Optics",
        "\n3. Thermodynamics",
        "\n\nAny particular field?",
    ]
    titles = [e.title for e in events if e.kind is EventKind.TITLE]
    assert titles == ["Physics fields", "Three fields of physics"]
    assert parser.title == "Three fields of physics"
    assert kinds(events).count(EventKind.DONE) == 1
    done = events[-1]
    assert done.kind is EventKind.DONE
    assert done.text == reply
    assert done.finish_type == "stop"
    assert done.message_id == "asst-1" == parser.message_id
    assert done.user_message_id == "user-1" == parser.user_message_id
    assert done.conversation_id == "conv-v1" == parser.conversation_id
    assert done.model_slug == "gpt-4o-2026"  # server_ste_metadata names the real model


def test_the_resume_token_never_leaves_the_parser() -> None:
    parser, events = run_fixture("stream_v1_basic.sse")
    assert events
    for event in events:
        assert RESUME_TOKEN not in repr(event)
        assert RESUME_TOKEN not in event.model_dump_json()
    assert RESUME_TOKEN not in repr(vars(parser))


def test_the_done_marker_after_stream_complete_adds_nothing() -> None:
    frames = fixture_frames("stream_v1_basic.sse")
    assert frames[-1] == DONE
    parser, events = run(frames[:-1], eof=False)
    assert events[-1].kind is EventKind.DONE
    assert parser.feed(*DONE) == []
    assert parser.finish() == []


def test_thinking_stream_shows_only_the_final_answer() -> None:
    parser, events = run_fixture("stream_v1_thinking.sse")
    assert parser.text == deltas(events) == "No: 1001 = 7 × 11 × 13."
    assert "so not prime" not in repr(events)
    assert "Thought for" not in repr(events)
    assert events[-1].kind is EventKind.DONE
    assert events[-1].message_id == "asst-2"
    assert events[-1].model_slug == "o3"


def test_multi_document_turn() -> None:
    parser, events = run_fixture("stream_v1_multidoc.sse")
    assert parser.text == deltas(events) == "Let me plot it.\n\nHere is the plot."
    assert "numpy" not in repr(events)
    assert "You are ChatGPT" not in repr(events)
    assert events[-1].kind is EventKind.DONE
    assert events[-1].user_message_id == "user-3"
    assert events[-1].message_id == "asst-3b"


def test_truncate_remove_and_ops_that_make_no_sense() -> None:
    parser, events = run_fixture("stream_v1_edits.sse")
    assert parser.text == "Hello world!"
    rewrite = next(e for e in events if e.extra.get("rewrite"))
    assert rewrite.delta == "Hello "
    assert deltas(events[events.index(rewrite) :]) == "Hello world!"
    assert parser.malformed == 0
    assert events[-1].kind is EventKind.DONE
    assert events[-1].text == "Hello world!"


# --- ops, hand-made


def test_without_the_encoding_header_the_format_is_detected() -> None:
    frames = [doc(0, "a"), op(p=PARTS, o="append", v="Hi"), op(v=" there"), FINISH, DONE]
    parser, events = run(frames)
    assert parser.wire_format == "v1"
    assert deltas(events) == "Hi there"
    assert events[-1].kind is EventKind.DONE


def test_document_without_p_and_o_is_a_new_document() -> None:
    body = {
        "message": {
            "id": "a",
            "author": {"role": "assistant"},
            "content": {"content_type": "text", "parts": ["Start"]},
        }
    }
    parser, events = run([op(v=body, c=0), op(p=PARTS, o="append", v="ed")], eof=False)
    assert parser.text == deltas(events) == "Started"


def test_sticky_path_survives_a_document_add() -> None:
    frames = [doc(0, "a"), op(p=PARTS, o="append", v="A"), doc(1, "b"), op(v="B")]
    parser, events = run(frames, eof=False)
    assert parser.text == deltas(events) == "A\n\nB"


def test_ops_may_name_their_document() -> None:
    frames = [doc(0, "a", "One"), doc(1, "t", role="tool"), op(p=PARTS, o="append", v="!", c=0)]
    parser, _ = run(frames, eof=False)
    assert parser.text == "One!"


def test_metadata_append_merges() -> None:
    meta = op(p="/message/metadata", o="append", v={"finish_details": {"type": "stop"}})
    status = op(p="/message/status", o="replace", v="finished_successfully")
    _parser, events = run([doc(0, "a", "x"), meta, status])
    assert events[-1].kind is EventKind.DONE
    assert events[-1].model_slug == "gpt-4o"  # kept through the merge


def test_max_tokens_finish_in_a_patch() -> None:
    patch = [
        {"p": PARTS, "o": "append", "v": " cut"},
        {"p": "/message/status", "o": "replace", "v": "finished_successfully"},
        {"p": "/message/end_turn", "o": "replace", "v": False},
        {"p": "/message/metadata", "o": "append", "v": {"finish_details": {"type": "max_tokens"}}},
    ]
    parser, events = run([doc(0, "a", "Was"), op(p="", o="patch", v=patch), COMPLETE])
    assert events[-1].kind is EventKind.DONE
    assert events[-1].finish_type == "max_tokens"
    assert parser.text == "Was cut"


def test_done_without_finish_is_interrupted() -> None:
    _parser, events = run([doc(0, "a"), op(p=PARTS, o="append", v="Half"), DONE])
    assert kinds(events) == [EventKind.TEXT, EventKind.INTERRUPTED]
    assert events[-1].text == "Half"


def test_stream_complete_without_finish_is_interrupted() -> None:
    _, events = run([doc(0, "a", "Half"), COMPLETE, DONE])
    assert kinds(events) == [EventKind.TEXT, EventKind.INTERRUPTED]


def test_premature_eof_is_interrupted_with_the_partial_text() -> None:
    parser, events = run([doc(0, "a"), op(p=PARTS, o="append", v="Par"), op(v="tial")])
    assert events[-1].kind is EventKind.INTERRUPTED
    assert events[-1].text == parser.text == "Partial"
    assert events[-1].extra == {}


def test_handoff_is_unsupported_and_ends_interrupted() -> None:
    handoff = {
        "type": "stream_handoff",
        "options": [{"type": "subscribe_ws_topic", "topic_id": "conversation-turn-1"}],
    }
    _, events = run([doc(0, "a", "Start"), ("", json.dumps(handoff))])
    assert events[-1].kind is EventKind.INTERRUPTED
    assert events[-1].extra == {"handoff": True}
    assert "websocket" in (events[-1].error or "")


def test_error_in_an_added_document() -> None:
    body = {"message": None, "conversation_id": "conv", "error": "Something went wrong."}
    _, events = run([doc(0, "a", "Hi"), op(p="", o="add", v=body, c=1)])
    assert kinds(events) == [EventKind.TEXT, EventKind.ERROR, EventKind.INTERRUPTED]
    assert events[1].error == "Something went wrong."
    assert events[-1].error == "Something went wrong."
    assert events[-1].text == "Hi"


def test_error_set_by_an_op_and_in_a_plain_frame() -> None:
    frames = [
        doc(0, "a", "Hi"),
        op(p="/error", o="replace", v={"message": "Rate limited."}),
        ("", json.dumps({"error": "Unusual activity.", "conversation_id": "conv"})),
    ]
    _, events = run(frames, eof=False)
    assert [e.error for e in events if e.kind is EventKind.ERROR] == [
        "Rate limited.",
        "Unusual activity.",
    ]


def test_moderation_meta_event() -> None:
    payload = {
        "type": "moderation",
        "conversation_id": "conv",
        "moderation_response": {"blocked": True, "flagged": True},
    }
    _, events = run([doc(0, "a", "x"), ("", json.dumps(payload))], eof=False)
    assert events[-1].kind is EventKind.MODERATION
    assert events[-1].moderation == payload


def test_title_after_the_end_still_arrives() -> None:
    title = {"type": "title_generation", "title": "Late title", "conversation_id": "conv"}
    parser, _ = run([doc(0, "a", "x"), FINISH, COMPLETE], eof=False)
    assert [e.kind for e in parser.feed("", json.dumps(title))] == [EventKind.TITLE]


def test_an_assistant_document_turning_visible_shows_its_text() -> None:
    frames = [
        doc(0, "a", "Draft", channel="commentary"),
        op(p=PARTS, o="append", v=" text"),
        op(p="/message/channel", o="replace", v="final"),
        op(p=PARTS, o="append", v="!"),
    ]
    parser, events = run(frames, eof=False)
    assert parser.text == deltas(events) == "Draft text!"


def test_appends_to_an_earlier_part_rewrite_the_text() -> None:
    frames = [
        doc(0, "a", "One"),
        op(p="/message/content/parts/1", o="add", v="Two"),
        op(p=PARTS, o="append", v="!"),
    ]
    parser, events = run(frames, eof=False)
    assert parser.text == "One!\n\nTwo"
    assert events[-1].extra == {"rewrite": True}
    assert events[-1].delta == "One!\n\nTwo"


def test_a_root_replace_without_c_starts_over() -> None:
    body = {
        "message": {
            "id": "b",
            "author": {"role": "assistant"},
            "content": {"content_type": "text", "parts": ["New"]},
        }
    }
    parser, _ = run([doc(0, "a", "Old"), op(p="", o="replace", v=body)], eof=False)
    assert parser.text == "Old\n\nNew"
    assert parser.message_id == "b"


def test_ops_before_any_document_are_ignored_or_start_one() -> None:
    body = {
        "message": {
            "id": "a",
            "author": {"role": "assistant"},
            "content": {"content_type": "text", "parts": ["Hi"]},
        }
    }
    frames = [op(v="stray"), op(p=PARTS, o="append", v="x"), op(p="", o="add", v=body)]
    parser, _ = run(frames, eof=False)
    assert parser.text == "Hi"


def test_nested_and_odd_patches_never_raise() -> None:
    deep: Any = {"p": PARTS, "o": "append", "v": "!"}
    for _ in range(50):
        deep = {"p": "", "o": "patch", "v": [deep]}
    frames = [
        doc(0, "a", "x"),
        ("delta", json.dumps(deep)),
        op(p="", o="patch", v="not a list"),
        op(p="", o="patch", v=[1, None, {"o": "append"}, {"p": 3, "o": "add", "v": 1}]),
        op(p=None, o=None, v=None),
        op(p=PARTS, o="append", v={"not": "text"}),
        op(p=PARTS, o="truncate", v=-1),
        op(p="/message/content/parts/00", o="replace", v="y"),
        op(p="/message/content/parts/-", o="remove"),
        op(p="/message", o="remove"),
        op(p=PARTS, o="append", v="!"),
    ]
    parser, events = run(frames)
    assert parser.malformed == 0
    assert events[-1].kind is EventKind.INTERRUPTED


def test_a_bare_v_before_any_op_appends_to_the_answer() -> None:
    parser, events = run([doc(0, "a", "Hi"), op(v=" there")], eof=False)
    assert parser.text == deltas(events) == "Hi there"


def test_the_real_classic_capture_re_encoded_as_v1_gives_the_same_events() -> None:
    classic_frames = fixture_frames(CLASSIC_CAPTURE)
    snapshots = [
        json.loads(data)["message"]["content"]["parts"][0]
        for _, data in classic_frames
        if data != "[DONE]" and json.loads(data)["message"]["author"]["role"] == "assistant"
    ]
    frames = [("delta_encoding", '"v1"'), doc(0, "[redacted]")]
    for before, after in zip(["", *snapshots], snapshots, strict=False):
        frames.append(op(p=PARTS, o="append", v=after[len(before) :]))
    frames += [FINISH, COMPLETE, DONE]

    _, classic_events = run(classic_frames)
    _, v1_events = run(frames)
    assert text_deltas(classic_events) == text_deltas(v1_events)
    assert classic_events[-1].text == v1_events[-1].text
    assert v1_events[-1].kind is EventKind.DONE
