"""How fast StreamParser turns a long reply into events, in both wire formats.

Run as ``uv run python -m bench.stream_parse``. Builds a Markdown reply (100 KB and 1 MB), cuts it
into chunks and encodes it twice as pre-built SSE ``(event, data)`` pairs: classic cumulative
snapshots and delta encoding v1. Times only the parser (``feed`` for every pair, then
``finish``), best of a few runs, and prints JSON.

Two shapes show whether the cost grows linearly:

* ``same_events``: both sizes in 4,000 events (classic: 2,000). Linear parsing makes 1 MB
  cost at most ~10x the 100 KB run (less, since the per-event cost is the same for both).
* ``same_chunks``: both sizes in chunks of one size (v1: 400 vs 4,000 events of ~250 chars).
  Here linear means ~10x; quadratic would mean ~100x. For classic the *wire* itself is
  quadratic (each frame repeats the whole text), so its figures to watch are wire MB/s and
  ``parser_only_us_per_event``: the parser's own work per frame, which must not grow with the
  text (``parser_beyond_json_s``, total minus ``json.loads`` alone, also holds allocator and
  load noise).

``full_text_each_event_s`` is the v1 run again, reading the whole text after every event:
what it would cost if each TEXT event carried the full text (the design not taken).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import time
from collections.abc import Callable

from bench._common import emit, peak_rss_mib
from tui.api.events import EventKind
from tui.api.stream import StreamParser

Frames = list[tuple[str, str]]

_WORDS = [
    *("stream", "parser", "delta", "snapshot", "message", "reply", "token", "server", "client"),
    *("render", "markdown", "terminal", "conversation", "branch", "widget", "latency"),
    *("buffer", "pointer", "document", "appended", "linear", "quadratic"),
    *("naïve", "café", "“quoted”", "—", "dash"),
]


def make_reply(size: int, seed: int = 7) -> str:
    """A deterministic Markdown reply of exactly ``size`` characters."""
    rng = random.Random(seed)
    blocks: list[str] = []
    length = 0
    while length < size:
        kind = rng.random()
        if kind < 0.1:
            block = "## " + " ".join(rng.choices(_WORDS, k=4)).title()
        elif kind < 0.25:
            block = "\n".join("- " + " ".join(rng.choices(_WORDS, k=8)) for _ in range(4))
        elif kind < 0.35:
            body = "\n".join(f"    value_{i} = {rng.randint(0, 999)}" for i in range(6))
            block = f"```python\ndef f():\n{body}\n```"
        else:
            block = " ".join(rng.choices(_WORDS, k=60)) + "."
        blocks.append(block)
        length += len(block) + 2
    return "\n\n".join(blocks)[:size]


def cut(text: str, events: int) -> list[str]:
    """``text`` in ``events`` chunks of near-equal size."""
    step = len(text) / events
    bounds = [round(i * step) for i in range(events + 1)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def _message(message_id: str, role: str, text: str, **fields: object) -> dict[str, object]:
    return {
        "id": message_id,
        "author": {"role": role, "name": None, "metadata": {}},
        "content": {"content_type": "text", "parts": [text]},
        "status": "in_progress",
        "end_turn": None,
        "weight": 1.0,
        "metadata": {"model_slug": "gpt-4o"},
        "recipient": "all",
        "channel": None,
        **fields,
    }


def _frame(message: dict[str, object]) -> str:
    return json.dumps({"message": message, "conversation_id": "conv-1", "error": None})


def classic_frames(chunks: list[str]) -> Frames:
    frames: Frames = [
        ("", _frame(_message("sys", "system", ""))),
        ("", _frame(_message("user-1", "user", "Write a long answer."))),
    ]
    text = ""
    for chunk in chunks:
        text += chunk
        frames.append(("", _frame(_message("asst-1", "assistant", text))))
    final = _message("asst-1", "assistant", text, status="finished_successfully", end_turn=True)
    final["metadata"] = {"model_slug": "gpt-4o", "finish_details": {"type": "stop"}}
    frames += [("", _frame(final)), ("", "[DONE]")]
    return frames


def v1_frames(chunks: list[str]) -> Frames:
    def add(c: int, message: dict[str, object]) -> tuple[str, str]:
        body = {"message": message, "conversation_id": "conv-1", "error": None}
        return "delta", json.dumps({"p": "", "o": "add", "v": body, "c": c})

    frames: Frames = [
        ("delta_encoding", '"v1"'),
        add(0, _message("sys", "system", "")),
        add(1, _message("user-1", "user", "Write a long answer.")),
        add(2, _message("asst-1", "assistant", "")),
    ]
    first, *rest = chunks
    frames.append(
        ("delta", json.dumps({"p": "/message/content/parts/0", "o": "append", "v": first}))
    )
    frames += [("delta", json.dumps({"v": chunk})) for chunk in rest]
    patch = [
        {"p": "/message/status", "o": "replace", "v": "finished_successfully"},
        {"p": "/message/end_turn", "o": "replace", "v": True},
        {"p": "/message/metadata", "o": "append", "v": {"finish_details": {"type": "stop"}}},
    ]
    frames += [
        ("delta", json.dumps({"p": "", "o": "patch", "v": patch})),
        ("", json.dumps({"type": "message_stream_complete", "conversation_id": "conv-1"})),
        ("", "[DONE]"),
    ]
    return frames


def parse(frames: Frames, *, read_text: bool = False) -> str:
    """One parse of ``frames``; with ``read_text``, the whole text is read after each TEXT."""
    parser = StreamParser()
    for event, data in frames:
        for item in parser.feed(event, data):
            if read_text and item.kind is EventKind.TEXT:
                _ = parser.text
    done = parser.finish()
    return done[-1].text if done else parser.text


def best_of(repeats: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _decode_only(frames: Frames) -> None:
    """``json.loads`` of every classic frame and nothing else: the floor for that format."""
    for _, data in frames[:-1]:
        json.loads(data)


def _parser_only(frames: Frames, repeats: int) -> float:
    """Seconds for the classic parser's own work per frame, without ``json.loads``.

    Frames are decoded beforehand and handed to the parser's frame handler (private, used here
    only to take the decoding out of the timing): this is the part that must be O(new text).
    """
    decoded = [json.loads(data) for _, data in frames[:-1]]
    best = float("inf")
    for _ in range(repeats):
        parser = StreamParser()
        start = time.perf_counter()
        for frame in decoded:
            parser._on_classic(frame)
            parser._flush_text()
        best = min(best, time.perf_counter() - start)
    return best / len(decoded)


def measure(fmt: str, reply: str, events: int, repeats: int) -> dict[str, object]:
    chunks = cut(reply, events)
    frames = classic_frames(chunks) if fmt == "classic" else v1_frames(chunks)
    text = parse(frames)
    assert text == reply, "the parse does not give back the reply"
    wire = sum(len(data.encode()) for _, data in frames)
    if wire > 200_000_000:
        repeats = 3  # a classic 1 MB reply is ~1 GB of frames: three runs say enough
    reply_mb = len(reply.encode()) / 1e6
    # Each run of the parser is paired with its baseline, so load from elsewhere hits both alike.
    seconds = decode = full = float("inf")
    for _ in range(repeats):
        seconds = min(seconds, best_of(1, lambda: parse(frames)))
        if fmt == "classic":
            decode = min(decode, best_of(1, lambda: _decode_only(frames)))
        else:
            full = min(full, best_of(1, lambda: parse(frames, read_text=True)))
    result: dict[str, object] = {
        "events": len(frames),
        "reply_bytes": len(reply.encode()),
        "wire_bytes": wire,
        "seconds": round(seconds, 4),
        "reply_mb_per_s": round(reply_mb / seconds, 1),
        "wire_mb_per_s": round(wire / 1e6 / seconds, 1),
        "us_per_event": round(seconds / len(frames) * 1e6, 2),
    }
    if fmt == "classic":
        result["json_loads_only_s"] = round(decode, 4)
        result["parser_beyond_json_s"] = round(seconds - decode, 4)
        result["parser_only_us_per_event"] = round(_parser_only(frames, repeats) * 1e6, 2)
    else:
        result["full_text_each_event_s"] = round(full, 4)
    return result


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument(
        "--events", type=int, default=4000, help="v1 events for the 1 MB reply (classic: half)"
    )
    args.add_argument("--repeats", type=int, default=3)
    options = args.parse_args()
    small, large = make_reply(100_000), make_reply(1_000_000)
    results: dict[str, object] = {}
    for fmt in ("v1", "classic"):
        # Classic repeats the whole text per frame: half the events is already ~1 GB of wire.
        events = options.events if fmt == "v1" else options.events // 2
        chunk = len(large) // events
        # The 1 MB run is the same in both shapes (``events`` events of ``chunk`` chars).
        one_mb = measure(fmt, large, events, options.repeats)
        runs: dict[str, object] = {}
        for shape, small_events in (
            ("same_events", events),
            ("same_chunks", len(small) // chunk),
        ):
            small_run = measure(fmt, small, small_events, options.repeats * 3)
            ratio = round(float(str(one_mb["seconds"])) / float(str(small_run["seconds"])), 1)
            runs[shape] = {"100KB": small_run, "1MB": one_mb, "cost_ratio_1MB_over_100KB": ratio}
        results[fmt] = runs
    emit({"benchmark": "stream_parse", "results": results, "peak_rss_mib": peak_rss_mib()})


if __name__ == "__main__":
    main()
