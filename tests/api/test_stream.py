"""StreamParser on the classic wire format: the real 2023 capture and hand-made frames."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.stream_helpers import CLASSIC_CAPTURE, DONE, deltas, fixture_frames, kinds, run
from tui.api.events import EventKind
from tui.api.stream import StreamParser

CAPTURE_TEXT = "Hello! It seems like your message got cut off. How can I assist you today?"


def message(
    message_id: str,
    text: str | list[Any],
    *,
    role: str = "assistant",
    content_type: str = "text",
    **fields: Any,
) -> dict[str, Any]:
    parts = text if isinstance(text, list) else [text]
    return {
        "id": message_id,
        "author": {"role": role, "name": None, "metadata": {}},
        "content": {"content_type": content_type, "parts": parts},
        "end_turn": None,
        "weight": 1.0,
        "metadata": {"model_slug": "gpt-4"},
        "recipient": "all",
        **fields,
    }


def frame(msg: dict[str, Any] | None, *, error: Any = None) -> tuple[str, str]:
    return "", json.dumps({"message": msg, "conversation_id": "conv-1", "error": error})


def finished(message_id: str, text: str, finish: str = "stop", **fields: Any) -> tuple[str, str]:
    msg = message(message_id, text, end_turn=True, **fields)
    msg["metadata"] = {"model_slug": "gpt-4", "finish_details": {"type": finish}}
    return frame(msg)


USER = frame(message("user-1", "Hi", role="user"))


# --- the real capture


def test_real_capture_gives_the_reply_as_deltas_then_done() -> None:
    frames = fixture_frames(CLASSIC_CAPTURE)
    parser, events = run(frames)

    assert kinds(events)[-1] is EventKind.DONE
    assert set(kinds(events[:-1])) == {EventKind.TEXT}
    assert deltas(events) == CAPTURE_TEXT
    assert all(e.delta and e.text == "" for e in events[:-1])
    done = events[-1]
    assert done.text == CAPTURE_TEXT == parser.text
    assert done.finish_type == "stop" == parser.finish_type
    assert done.message_id == "[redacted]" == parser.message_id
    assert done.conversation_id == "[redacted]" == parser.conversation_id
    assert done.user_message_id == "[redacted]"
    assert done.model_slug == "text-davinci-002-render-sha"
    assert parser.wire_format == "classic"
    assert parser.malformed == 0
    assert parser.finished
    assert parser.ended


def test_real_capture_has_no_status_yet_finishes_on_end_turn() -> None:
    """The 2023 frames carry finish_details before end_turn: finished only at [DONE]."""
    frames = fixture_frames(CLASSIC_CAPTURE)
    parser, events = run(frames[:-1], eof=False)
    assert parser.finished
    assert not parser.ended
    assert EventKind.DONE not in kinds(events)
    assert kinds(parser.finish()) == [EventKind.DONE]
    assert parser.finish() == []


def test_real_capture_cut_short_is_interrupted_with_the_partial_text() -> None:
    frames = fixture_frames(CLASSIC_CAPTURE)
    parser, events = run(frames[:8])
    assert kinds(events)[-1] is EventKind.INTERRUPTED
    assert events[-1].text == parser.text == deltas(events) == "Hello! It seems like"
    assert events[-1].finish_type == "interrupted"
    assert events[-1].error
    assert not parser.finished


# --- which messages are the answer


def test_system_user_and_tool_messages_are_not_shown() -> None:
    frames = [
        frame(message("sys", "You are ChatGPT.", role="system", end_turn=True)),
        USER,
        frame(message("code", "print(1)", content_type="code", recipient="python")),
        frame(message("tool", "1", role="tool", content_type="execution_output")),
        frame(message("asst", "One.")),
        finished("asst", "One."),
        DONE,
    ]
    parser, events = run(frames)
    assert parser.text == deltas(events) == "One."
    assert events[-1].user_message_id == "user-1"
    assert events[-1].kind is EventKind.DONE


@pytest.mark.parametrize(
    "fields",
    [
        {"recipient": "browser"},
        {"channel": "commentary"},
        {"channel": "analysis"},
        {"metadata": {"is_visually_hidden_from_conversation": True}},
        {"content_type": "thoughts"},
        {"content_type": "code"},
    ],
)
def test_hidden_assistant_messages_are_not_shown(fields: dict[str, Any]) -> None:
    msg = message("hidden", "secret", **fields)
    parser, events = run([frame(msg), frame(message("asst", "shown", channel="final"))])
    assert parser.text == deltas(events) == "shown"


def test_multimodal_parts_join_strings_and_skip_images() -> None:
    image = {"content_type": "image_asset_pointer", "asset_pointer": "file-service://x"}
    msg = message("asst", [image, "A caption", "", "More"], content_type="multimodal_text")
    parser, _ = run([frame(msg)])
    assert parser.text == "A caption\n\nMore"


def test_dec_2022_shape_with_role_on_the_message() -> None:
    msg = {"id": "m", "role": "assistant", "content": {"content_type": "text", "parts": ["Hi"]}}
    parser, _ = run([frame(msg), frame({**msg, "end_turn": True}), DONE])
    assert parser.text == "Hi"
    assert parser.finish_type == "stop"


def test_a_turn_of_several_messages_is_joined_with_a_blank_line() -> None:
    frames = [
        USER,
        frame(message("a", "Let me")),
        frame(message("a", "Let me run it.", end_turn=False, status="finished_successfully")),
        frame(message("code", "x = 1", content_type="code", recipient="python")),
        frame(message("tool", "done", role="tool", content_type="execution_output")),
        frame(message("b", "")),
        frame(message("b", "It ran")),
        finished("b", "It ran fine."),
        DONE,
    ]
    parser, events = run(frames)
    assert parser.text == deltas(events) == "Let me run it.\n\nIt ran fine."
    assert events[-1].message_id == "b"
    assert events[-1].kind is EventKind.DONE


def test_an_earlier_message_updated_after_a_later_one_is_ignored() -> None:
    frames = [
        frame(message("a", "First.")),
        frame(message("b", "Second")),
        frame(message("a", "X")),
    ]
    parser, events = run(frames, eof=False)
    assert parser.text == deltas(events) == "First.\n\nSecond"


def test_a_rewritten_snapshot_replaces_the_text() -> None:
    frames = [
        frame(message("a", "Intro.")),
        frame(message("b", "Hello wrold")),
        frame(message("b", "Hello world")),
        frame(message("b", "Hello world!")),
    ]
    parser, events = run(frames, eof=False)
    rewrites = [e for e in events if e.extra.get("rewrite")]
    assert len(rewrites) == 1
    assert rewrites[0].delta == "Intro.\n\nHello world"
    after = events[events.index(rewrites[0]) :]
    assert deltas(after) == parser.text == "Intro.\n\nHello world!"


def test_a_long_snapshot_changed_near_its_end_is_a_rewrite() -> None:
    body = "word " * 1000
    frames = [frame(message("a", body + "abc")), frame(message("a", body + "xbcd"))]
    parser, events = run(frames, eof=False)
    assert events[-1].extra == {"rewrite": True}
    assert events[-1].delta == parser.text == body + "xbcd"


def test_a_shorter_snapshot_is_a_rewrite() -> None:
    parser, events = run([frame(message("a", "Hello there")), frame(message("a", "Hello"))])
    assert events[1].extra == {"rewrite": True}
    assert events[1].delta == "Hello"
    assert events[-1].text == parser.text == "Hello"


# --- how it ends


def test_done_without_a_finished_message_is_interrupted() -> None:
    parser, events = run([frame(message("a", "Half")), DONE])
    assert kinds(events) == [EventKind.TEXT, EventKind.INTERRUPTED]
    assert events[-1].text == "Half"
    assert parser.finish() == []


def test_status_finished_successfully_finishes() -> None:
    msg = message("a", "Done.", status="finished_successfully")
    _, events = run([frame(message("a", "Do", status="in_progress")), frame(msg), DONE])
    assert events[-1].kind is EventKind.DONE
    assert events[-1].finish_type == "stop"


STOP = {"finish_details": {"type": "stop"}}


@pytest.mark.parametrize(
    "frames",
    [
        pytest.param(
            [frame(message("a", "Do", status="in_progress", end_turn=True)), DONE],
            id="in-progress-status-even-with-end-turn",
        ),
        pytest.param(
            [
                frame(
                    message(
                        "a",
                        "Step one.",
                        end_turn=False,
                        status="finished_successfully",
                        metadata=STOP,
                    )
                ),
                DONE,
            ],
            id="finished-step-with-end-turn-false",
        ),
        pytest.param(
            [finished("a", "Done?"), frame(message("t", "x", role="tool")), DONE],
            id="tool-message-after-a-finished-one-reopens-the-turn",
        ),
    ],
)
def test_a_turn_that_is_not_over_ends_interrupted(frames: list[tuple[str, str]]) -> None:
    _, events = run(frames)
    assert events[-1].kind is EventKind.INTERRUPTED


def test_a_message_cut_by_max_tokens_is_finished() -> None:
    msg = message("a", "A long", end_turn=False)
    msg["metadata"] = {"finish_details": {"type": "max_tokens"}}
    parser, events = run([frame(msg), DONE])
    assert events[-1].kind is EventKind.DONE
    assert events[-1].finish_type == "max_tokens" == parser.finish_type


def test_eof_after_finish_without_done_marker_gives_done() -> None:
    parser, events = run([finished("a", "All.")])
    assert events[-1].kind is EventKind.DONE
    assert events[-1].text == "All."
    assert parser.finish() == []


def test_interrupt_carries_the_partial_text_and_the_reason() -> None:
    parser, _ = run([frame(message("a", "Part"))], eof=False)
    event = parser.interrupt("cancelled by the user")
    assert event.kind is EventKind.INTERRUPTED
    assert event.text == "Part"
    assert event.error == "cancelled by the user"
    assert parser.interrupt("again") is event
    assert parser.finish() == []
    assert parser.feed(*frame(message("a", "Part two"))) == []


def test_interrupt_after_the_reply_finished_says_done() -> None:
    parser, _ = run([finished("a", "All.")], eof=False)
    assert parser.interrupt("connection reset").kind is EventKind.DONE


def test_frames_after_the_end_add_nothing() -> None:
    parser, _ = run([finished("a", "All."), DONE], eof=False)
    assert parser.feed(*frame(message("a", "All. And more"))) == []
    assert parser.feed(*frame(None, error="late")) == []
    assert parser.text == "All."


# --- errors, moderation, noise


def test_in_stream_error_string() -> None:
    text = "Our systems have detected unusual activity coming from your system."
    _parser, events = run([frame(message("a", "Hi")), frame(None, error=text)])
    assert kinds(events) == [EventKind.TEXT, EventKind.ERROR, EventKind.INTERRUPTED]
    assert events[1].error == text
    assert events[-1].error == text
    assert events[-1].text == "Hi"


def test_in_stream_error_dict_uses_its_message() -> None:
    error = {"message": "Too many requests", "code": "rate_limited"}
    _, events = run([frame(None, error=error)], eof=False)
    assert kinds(events) == [EventKind.ERROR]
    assert events[0].error == "Too many requests"


def test_error_without_text_gets_a_generic_one() -> None:
    _, events = run([("", json.dumps({"error": {"code": 1}}))], eof=False)
    assert events[0].kind is EventKind.ERROR
    assert events[0].error


def test_moderation_frames() -> None:
    mid = {
        "conversation_id": "c",
        "message_id": "u",
        "is_completion": False,
        "moderation_response": {"flagged": False, "blocked": False},
    }
    typed = {"type": "moderation", "moderation_response": {"blocked": True}, "conversation_id": "c"}
    _, events = run([("", json.dumps(mid)), ("", json.dumps(typed))], eof=False)
    assert kinds(events) == [EventKind.MODERATION, EventKind.MODERATION]
    assert events[0].moderation == mid
    assert events[1].moderation == typed


def test_pings_comments_and_empty_data_are_ignored() -> None:
    parser, events = run([("ping", "{}"), ("", ""), ("", "   "), ("message", "")], eof=False)
    assert events == []
    assert parser.malformed == 0
    assert parser.wire_format is None


def test_malformed_frames_are_counted_and_skipped() -> None:
    frames = [
        ("", "{not json"),
        frame(message("a", "Hi")),
        ("", "Internal Server Error"),
        ("", "[1, 2]"),
        ("", '{"message": {"id": "a", "author": {"role": "assistant"}, "content": '),
        finished("a", "Hi there."),
        DONE,
    ]
    parser, events = run(frames)
    assert parser.malformed == 4
    assert deltas(events) == "Hi there."
    assert events[-1].kind is EventKind.DONE


@pytest.mark.parametrize(
    "data",
    [
        '{"message": "not a dict"}',
        '{"message": {"author": null, "content": null}}',
        '{"message": {"author": {"role": "assistant"}, "content": {"parts": "x"}}}',
        '{"message": {"author": {"role": "assistant"}, "content": {"parts": [1, null, {}]}}}',
        '{"message": {"author": {"role": ["assistant"]}, "id": 5, "metadata": []}}',
        '{"message": {"author": {"role": "assistant"}, "metadata": {"finish_details": 3}}}',
        '{"type": 7}',
        '{"type": "title_generation", "title": null}',
        '{"conversation_id": 12, "error": null}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_odd_frames_never_raise(data: str) -> None:
    parser = StreamParser()
    parser.feed("", data)
    assert parser.text == ""
    assert [e.kind for e in parser.finish()] == [EventKind.INTERRUPTED]


def test_a_bug_inside_the_parser_costs_one_frame_not_the_reply() -> None:
    class Broken(StreamParser):
        def _on_classic(self, frame: dict[str, Any]) -> None:
            if frame.get("boom"):
                raise RuntimeError("a bug")
            super()._on_classic(frame)

    parser = Broken()
    assert parser.feed("", '{"message": null, "boom": true}') == []
    assert parser.malformed == 1
    parser.feed(*frame(message("a", "Still here")))
    assert parser.text == "Still here"


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ('{"detail": "Too many requests in 1 hour."}', "Too many requests in 1 hour."),
        ('{"error": {"message": "Blocked."}}', "Blocked."),
        ("upstream connect error", "upstream connect error"),
        ("<html>" + "x" * 5000, None),
    ],
)
def test_sse_error_events(data: str, shown: str | None) -> None:
    parser = StreamParser()
    events = parser.feed("error", data)
    assert kinds(events) == [EventKind.ERROR]
    if shown is None:
        assert len(events[0].error or "") == 500
    else:
        assert events[0].error == shown
    assert parser.finish()[0].error == events[0].error
