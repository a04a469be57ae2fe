"""Benchmark: a 50 KB Markdown reply streaming into StreamingReply, headless at 120×40.

The harness is a transcript in miniature: 20 earlier messages as ``Static(markdown_renderable)``
in a ``VerticalScroll`` that follows the bottom, and the :class:`StreamingReply` under them. The
reply is the demo backend's ``#long`` document (~50 KB: headings, lists, tables, code in several
languages) in its 2,000 chunks, delivered every 20 ms against deadlines computed from the start
time: like a socket, the source never waits for the UI, and chunks that piled up while the loop
was busy arrive back to back.

Prints JSON (via ``bench._common.emit``):

- ``loop_lag_ms``: p50 / p95 / max of how late a 10 ms timer fires (how long the loop was
  blocked);
- ``key_latency_ms``: a key bound on the app (``ctrl+k``), posted every 200 ms as the driver
  posts keys, until its action runs;
- ``message_latency_ms``: the same for a custom message (the queue keys go through);
- ``final_render_ms``: from the last chunk (``finish`` is called right after it, as on the
  stream's done event) until the frame after the final render has been drawn;
- ``cpu_s`` / ``wall_s`` / ``nominal_s``: process CPU time and wall time of the stream;
- ``renders``: tail renders (one per frame with new text at most);
- ``frozen_widgets`` / ``frozen_pieces``: what the reply ended with;
- ``final_identical``: the reply's lines equal the whole text rendered at once;
- ``after_finish_lag_ms``: loop lag in the second after the collector's thresholds come back
  (``StreamingReply.GC_RESTORE_DELAY`` after ``finish``): the deferred full collection.

``--no-gc-tuning`` keeps CPython's collector thresholds while streaming, for comparison.

Run: ``uv run python -m bench.stream_render`` (``--chunks N`` for a shorter run).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path, PurePath
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from bench._common import emit, latency_stats, peak_rss_mib
from tui.demo.model import reply_for
from tui.demo.text import Writer
from tui.rendering.markdown_render import markdown_renderable
from tui.widgets.streaming import FrozenMarkdown, MarkdownStrips, StreamingReply, render_piece

STYLES = Path(__file__).resolve().parent.parent / "styles"
SIZE = (120, 40)
EARLIER = 20
INTERVAL = 0.020
LAG_PERIOD = 0.010
PROBE_EVERY = 0.200
AFTER = 1.0


class Ping(Message):
    """A probe posted to the app; the handler notes how long it queued."""

    def __init__(self, sent: float) -> None:
        self.sent = sent
        """perf_counter() when posted."""
        super().__init__()


class Harness(App[None]):
    """Earlier messages and the streaming reply in a scroll view that follows the bottom."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [
        STYLES / "messages.tcss",
        STYLES / "streaming.tcss",
    ]
    """The real look, so that the reply wraps at the width it has in the app."""

    CSS = """
    #log { height: 1fr; padding: 1 2 0 1; }
    #log > Static { margin: 0 0 1 0; padding: 0 1; }
    """
    """The transcript's padding around the messages."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+k", "probe", "Probe")]
    """A key whose handling is timed."""

    def __init__(self, earlier: list[str]) -> None:
        super().__init__()
        self._earlier = earlier
        self.reply = StreamingReply(model_slug="gpt-4o")
        self.key_sent: list[float] = []
        self.key_latency: list[float] = []
        self.message_latency: list[float] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="log"):
            for text in self._earlier:
                yield Static(markdown_renderable(text))
            yield self.reply

    def on_mount(self) -> None:
        self.query_one("#log", VerticalScroll).anchor()

    def action_probe(self) -> None:
        if self.key_sent:
            self.key_latency.append(time.perf_counter() - self.key_sent.pop(0))

    def on_ping(self, message: Ping) -> None:
        self.message_latency.append(time.perf_counter() - message.sent)


def _plain_lines(reply: StreamingReply) -> list[str]:
    lines: list[str] = []
    for widget in reply.query(MarkdownStrips):
        lines.extend(widget.render_line(y).text for y in range(widget.size.height))
    return lines


async def run(chunk_limit: int | None, *, tune_gc: bool = True) -> dict[str, object]:
    chunks = list(reply_for("#long").chunks)[:chunk_limit]
    full = "".join(chunks)
    earlier = [Writer(index).reply() for index in range(EARLIER)]
    app = Harness(earlier)
    StreamingReply.TUNE_GC = tune_gc
    renders = 0
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reply = app.reply
        original_flush = reply.flush

        def counting_flush() -> None:
            nonlocal renders
            renders += 1
            original_flush()

        reply.flush = counting_flush  # type: ignore[method-assign]
        lags: list[float] = []
        done = asyncio.Event()

        async def sample_lag() -> None:
            while not done.is_set():
                before = time.perf_counter()
                await asyncio.sleep(LAG_PERIOD)
                lags.append(max(0.0, time.perf_counter() - before - LAG_PERIOD))

        async def probe() -> None:
            while not done.is_set():
                now = time.perf_counter()
                app.post_message(Ping(now))
                app.key_sent.append(now)
                app.simulate_key("ctrl+k")
                await asyncio.sleep(PROBE_EVERY)

        final_drawn = asyncio.Event()
        marks: dict[str, float] = {}

        async def source() -> None:
            start = time.perf_counter()
            for index, chunk in enumerate(chunks):
                delay = start + index * INTERVAL - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                reply.append(chunk)
            marks["last_chunk"] = time.perf_counter()
            reply.finish(text=full)
            app.call_after_refresh(lambda: marks.setdefault("drawn", time.perf_counter()))
            app.call_after_refresh(final_drawn.set)

        sampler = asyncio.create_task(sample_lag())
        prober = asyncio.create_task(probe())
        cpu_start = time.process_time()
        wall_start = time.perf_counter()
        await source()
        await final_drawn.wait()
        wall = time.perf_counter() - wall_start
        cpu = time.process_time() - cpu_start
        # Then the quiet time after the reply: the collector's thresholds come back
        # (StreamingReply.GC_RESTORE_DELAY) and a full collection usually follows.
        streaming_samples = len(lags)
        await asyncio.sleep(reply.GC_RESTORE_DELAY + AFTER)
        done.set()
        await asyncio.gather(sampler, prober)
        after_lags = lags[streaming_samples:]
        del lags[streaming_samples:]
        await pilot.pause()

        width = reply.query_one(MarkdownStrips).size.width
        expected = [strip.text for strip in render_piece(full, width, follows=False)]
        identical = _plain_lines(reply) == expected
        return {
            "benchmark": "stream_render",
            "size": list(SIZE),
            "chars": len(full),
            "chunks": len(chunks),
            "interval_ms": INTERVAL * 1000,
            "loop_lag_ms": latency_stats(lags),
            "after_finish_lag_ms": latency_stats(after_lags),
            "gc_tuning": reply.TUNE_GC,
            "key_latency_ms": latency_stats(app.key_latency),
            "message_latency_ms": latency_stats(app.message_latency),
            "final_render_ms": round((marks["drawn"] - marks["last_chunk"]) * 1000, 1),
            "cpu_s": round(cpu, 2),
            "wall_s": round(wall, 2),
            "nominal_s": round(len(chunks) * INTERVAL, 2),
            "renders": renders,
            "frozen_widgets": len(reply.query(FrozenMarkdown)),
            "frozen_pieces": sum(len(w.sources) for w in reply.query(FrozenMarkdown)),
            "final_identical": identical,
            "peak_rss_mib": round(peak_rss_mib(), 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chunks", type=int, default=None, help="stream only the first N")
    parser.add_argument(
        "--no-gc-tuning",
        action="store_true",
        help="keep CPython's collector thresholds while streaming (StreamingReply.TUNE_GC)",
    )
    args = parser.parse_args()
    emit(asyncio.run(run(args.chunks, tune_gc=not args.no_gc_tuning)))


if __name__ == "__main__":
    main()
