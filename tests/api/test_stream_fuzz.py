"""Fuzz: real captures of both wire formats, mutated, never make the stream parser raise.

Mutations: frames dropped, repeated, swapped or cut short; bytes changed; event names changed;
[DONE] lost; and, most searching, one value inside a frame's JSON replaced by a random value
(well-formed JSON of a shape the server never sent). The CI budget for the fuzz tests is in
docs/FAULTS.md; ``max_examples`` keeps this file to a few seconds.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.stream_helpers import CLASSIC_CAPTURE, Frames, fixture_frames
from tests.api.test_stream_props import SpyParser, json_values
from tui.api.events import EventKind, StreamEvent

CAPTURES = {
    name: fixture_frames(name)
    for name in (
        CLASSIC_CAPTURE,
        "stream_v1_basic.sse",
        "stream_v1_edits.sse",
        "stream_v1_multidoc.sse",
        "stream_v1_thinking.sse",
    )
}
"""The real (classic, 2023) and hand-written v1 streams under tests/fixtures."""


def replace_somewhere(value: Any, path: list[int], new: Any) -> Any:
    """``value`` with the node that ``path`` picks (indexes into its children) replaced."""
    if not path or not isinstance(value, dict | list) or not value:
        return new
    keys = list(value) if isinstance(value, dict) else list(range(len(value)))
    key = keys[path[0] % len(keys)]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[key] = replace_somewhere(value[key], path[1:], new)
    return copy


@st.composite
def mutated(draw: st.DrawFn) -> Frames:
    frames = list(CAPTURES[draw(st.sampled_from(sorted(CAPTURES)))])
    for _ in range(draw(st.integers(1, 4))):
        if not frames:
            break
        i = draw(st.integers(0, len(frames) - 1))
        name, data = frames[i]
        how = draw(
            st.sampled_from(["json", "json", "drop", "repeat", "swap", "cut", "byte", "event"])
        )
        if how == "json":
            try:
                value = json.loads(data)
            except ValueError:
                continue
            path = draw(st.lists(st.integers(0, 30), max_size=6))
            frames[i] = (name, json.dumps(replace_somewhere(value, path, draw(json_values))))
        elif how == "drop":
            del frames[i]
        elif how == "repeat":
            frames.insert(i, frames[i])
        elif how == "swap":
            j = draw(st.integers(0, len(frames) - 1))
            frames[i], frames[j] = frames[j], frames[i]
        elif how == "cut":
            frames[i] = (name, data[: draw(st.integers(0, len(data)))])
        elif how == "byte" and data:
            k = draw(st.integers(0, len(data) - 1))
            frames[i] = (name, data[:k] + draw(st.characters()) + data[k + 1 :])
        elif how == "event":
            frames[i] = (draw(st.sampled_from(["", "delta", "delta_encoding", "ping"])), data)
    return frames


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(), st.booleans())
def test_mutated_captures_never_make_the_parser_raise(frames: Frames, eof: bool) -> None:
    parser = SpyParser()
    events: list[StreamEvent] = []
    for name, data in frames:
        events += parser.feed(name, data)
    if eof:
        events += parser.finish()
    elif not parser.ended:
        events.append(parser.interrupt("the connection broke"))
    else:  # a break after the end says the end again, it adds no second one
        assert parser.interrupt("the connection broke") in events
    assert parser.caught == []
    assert all(isinstance(event, StreamEvent) for event in events)
    terminal = [e for e in events if e.kind in (EventKind.DONE, EventKind.INTERRUPTED)]
    assert len(terminal) == 1, "exactly one end, whatever came"
    assert terminal[0].text == parser.text
    assert isinstance(parser.text, str)


def test_the_captures_parse_whole() -> None:
    for name, frames in CAPTURES.items():
        parser = SpyParser()
        events = [event for frame in frames for event in parser.feed(*frame)] + parser.finish()
        assert parser.caught == [], name
        assert events[-1].kind is EventKind.DONE, name
