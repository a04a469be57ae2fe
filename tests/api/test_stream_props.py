"""Both wire formats of the same reply parse the same; no input makes the parser raise."""

from __future__ import annotations

import itertools
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.stream_helpers import Frames, deltas, run, text_deltas
from tui.api.events import EventKind, StreamEvent
from tui.api.stream import StreamParser


def _message(message_id: str, text: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": message_id,
        "author": {"role": "assistant"},
        "content": {"content_type": "text", "parts": [text]},
        "status": "in_progress",
        "end_turn": None,
        "metadata": {},
        "recipient": "all",
        **fields,
    }


def classic(messages: list[list[str]]) -> Frames:
    """Each message's chunks as cumulative snapshots (one frame per chunk), then the finish."""
    frames: Frames = []
    for number, chunks in enumerate(messages):
        text = ""
        for chunk in chunks:
            text += chunk
            body = {"message": _message(f"m{number}", text), "conversation_id": "c", "error": None}
            frames.append(("", json.dumps(body)))
    last = _message(f"m{len(messages) - 1}", text, status="finished_successfully", end_turn=True)
    frames.append(("", json.dumps({"message": last, "conversation_id": "c", "error": None})))
    return [*frames, ("", "[DONE]")]


def v1(messages: list[list[str]]) -> Frames:
    """The same reply as v1: a document per message, then appends (bare ``v`` after the first)."""
    frames: Frames = [("delta_encoding", '"v1"')]
    for number, chunks in enumerate(messages):
        body = {"message": _message(f"m{number}", ""), "conversation_id": "c", "error": None}
        frames.append(("delta", json.dumps({"p": "", "o": "add", "v": body, "c": number})))
        first, *rest = chunks
        append = {"p": "/message/content/parts/0", "o": "append", "v": first}
        frames.append(("delta", json.dumps(append)))
        frames += [("delta", json.dumps({"v": chunk})) for chunk in rest]
    finish = [
        {"p": "/message/status", "o": "replace", "v": "finished_successfully"},
        {"p": "/message/end_turn", "o": "replace", "v": True},
    ]
    frames.append(("delta", json.dumps({"p": "", "o": "patch", "v": finish})))
    frames.append(("", json.dumps({"type": "message_stream_complete", "conversation_id": "c"})))
    return [*frames, ("", "[DONE]")]


chunk_lists = st.lists(st.text(max_size=12), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(chunk_lists, min_size=1, max_size=3))
def test_classic_and_v1_give_the_same_events(messages: list[list[str]]) -> None:
    expected = "\n\n".join(text for text in ("".join(chunks) for chunks in messages) if text)
    for_classic, classic_events = run(classic(messages))
    for_v1, v1_events = run(v1(messages))

    assert text_deltas(classic_events) == text_deltas(v1_events)
    assert deltas(classic_events) == expected
    assert for_classic.text == for_v1.text == expected
    for events in (classic_events, v1_events):
        assert events[-1].kind is EventKind.DONE
        assert events[-1].text == expected
        assert all(e.delta for e in events if e.kind is EventKind.TEXT)
        assert not any(e.extra for e in events)
    assert for_classic.malformed == for_v1.malformed == 0


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1, max_size=2000), st.data())
def test_any_cut_of_a_reply_concatenates_back(reply: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(reply)), max_size=40)))
    bounds = [0, *cuts, len(reply)]
    chunks = [reply[a:b] for a, b in itertools.pairwise(bounds)]
    for frames in (classic([chunks]), v1([chunks])):
        parser, events = run(frames)
        assert deltas(events) == reply == parser.text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "p",
                    "o",
                    "v",
                    "c",
                    "message",
                    "type",
                    "error",
                    "content",
                    "parts",
                    "author",
                    "role",
                    "0",
                    "metadata",
                    "title",
                    "-",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)
paths = st.sampled_from(
    [
        "",
        "/message",
        "/message/content/parts/0",
        "/message/content/parts/-",
        "/message/metadata",
        "/message/status",
        "/error",
        "/x/y",
        "bad",
        "/message/content/parts/9",
    ]
)
ops = st.sampled_from(["append", "replace", "add", "truncate", "remove", "patch", "bogus"])


@st.composite
def frames_strategy(draw: st.DrawFn) -> Frames:
    kind = draw(st.sampled_from(["op", "json", "text", "doc"]))
    event = draw(st.sampled_from(["", "delta", "message", "ping", "delta_encoding"]))
    if kind == "op":
        frame = {"p": draw(paths), "o": draw(ops), "v": draw(json_values)}
        return [(event, json.dumps({k: v for k, v in frame.items() if draw(st.booleans())}))]
    if kind == "doc":
        text = draw(st.text(max_size=5))
        body = {"message": _message("m", text, end_turn=draw(st.booleans())), "error": None}
        return [(event, json.dumps({"p": "", "o": "add", "v": body, "c": draw(st.integers(0, 2))}))]
    if kind == "json":
        return [(event, json.dumps(draw(json_values)))]
    return [(event, draw(st.text(max_size=20)))]


class SpyParser(StreamParser):
    """Records what reached ``feed``'s safety net, which would otherwise hide a bug."""

    def __init__(self) -> None:
        super().__init__()
        self.caught: list[Exception] = []

    def _dispatch(self, event: str, data: str) -> None:
        try:
            super()._dispatch(event, data)
        except Exception as error:
            self.caught.append(error)
            raise


@settings(max_examples=300, deadline=None)
@given(st.lists(frames_strategy(), max_size=25))
def test_no_input_makes_the_parser_raise(batches: list[Frames]) -> None:
    parser = SpyParser()
    for frames in batches:
        for name, data in frames:
            for event in parser.feed(name, data):
                assert isinstance(event, StreamEvent)
    end = parser.finish()
    assert len(end) <= 1
    assert parser.finish() == []
    assert isinstance(parser.text, str)
    assert parser.caught == []
