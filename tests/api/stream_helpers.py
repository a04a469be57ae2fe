"""What the StreamParser tests share: reading SSE captures, feeding frames, reading events."""

from __future__ import annotations

from pathlib import Path

from tui.api.events import EventKind, StreamEvent
from tui.api.stream import StreamParser

Frames = list[tuple[str, str]]
"""SSE events as the client hands them to the parser: (event name, data)."""

FIXTURES = Path(__file__).parent.parent / "fixtures"
"""Captured and hand-written streams."""
CLASSIC_CAPTURE = "everything-chatgpt_conversation-event-stream.sse.txt"
"""A real classic-format stream, captured in 2023."""
DONE = ("", "[DONE]")
"""The marker both wire formats end with."""


def sse_events(raw: str) -> Frames:
    """A minimal SSE reader (what httpx_sse hands the client): (event, data) per event."""
    events: Frames = []
    name, data = "", []
    for line in [*raw.splitlines(), ""]:
        if not line:
            if data:
                events.append((name, "\n".join(data)))
            name, data = "", []
        elif line.startswith(":"):
            continue
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    return events


def fixture_frames(name: str) -> Frames:
    """The frames of a stream stored under tests/fixtures."""
    return sse_events((FIXTURES / name).read_text(encoding="utf-8"))


def run(frames: Frames, *, eof: bool = True) -> tuple[StreamParser, list[StreamEvent]]:
    """Feed the frames to a new parser (then end of stream, unless eof=False)."""
    parser = StreamParser()
    out: list[StreamEvent] = []
    for event, data in frames:
        out += parser.feed(event, data)
    if eof:
        out += parser.finish()
    return parser, out


def text_deltas(events: list[StreamEvent]) -> list[str]:
    """The delta of each TEXT event, in order."""
    return [e.delta for e in events if e.kind is EventKind.TEXT]


def deltas(events: list[StreamEvent]) -> str:
    """The text the deltas add up to."""
    return "".join(text_deltas(events))


def kinds(events: list[StreamEvent]) -> list[EventKind]:
    return [e.kind for e in events]
