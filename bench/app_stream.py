"""Benchmark: the real app streaming a 50 KB reply from the demo backend, headless at 120×40.

The app is built by ``create_app`` on a demo backend in this process (loopback HTTP), exactly as
the tests do. A conversation is opened, the transcript focused, and ``#long`` sent through the
composer: the demo streams its ~50 KB Markdown document (headings, lists, tables, code) as 2,000
chunks, one every 20 ms (``demo.config.pace``), in each wire format. Measured while it streams:

- ``loop_lag_ms``: p50 / p95 / max of how late a 10 ms timer fires (how long the loop was
  blocked), from the first chunk shown until the final render is drawn;
- ``settle_lag_ms``: the same, from then until the server's copy of the reply is drawn (the
  re-fetch and the swap);
- ``key_latency_ms``: ``pageup`` / ``pagedown`` alternately every 250 ms, sent like the driver
  sends keys, until the transcript's scroll action runs; sent until the swap is drawn, so a key
  waiting for the swap shows in the maximum;
- ``message_latency_ms``: a message posted every 250 ms until its handler runs;
- ``final_render_ms``: from the last text chunk until the frame after the live reply's final
  render (``StreamingReply.finish``) was drawn;
- ``settled_ms``: from the last text chunk until the frame after the server's copy of the reply
  (re-fetched, as reopening would show it) replaced the live one;
- ``cpu_s``: CPU time of the process (the demo server's thread included) and ``app_cpu_s``, of
  the app's event-loop thread alone, during the stream; ``app_cpu_percent``: that as a share of
  one core over the stream's wall time (target: under 30%);
- ``live_identical``: the live reply's final lines equal the whole text rendered at once;
  ``final_identical``: the transcript's final message renders the same lines, styles
  included, as a fresh render of the whole reply at the same width; ``swap_identical``: the
  live reply and the message replacing it show the same Markdown lines (nothing moves when
  they swap).

Run: ``uv run python -m bench.app_stream`` (``--wire classic|v1`` for one format only).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.content import Content
from textual.pilot import Pilot
from textual.style import Style

from bench._common import demo_app, emit, latency_stats, peak_rss_mib
from tui.api.events import EventKind, StreamEvent
from tui.app import BackchatApp
from tui.controllers.reading import History
from tui.controllers.reply_run import ReplyRun
from tui.conversation.tree import Block, BlockKind, VisibleMessage
from tui.demo.model import LONG_TRIGGER, reply_for
from tui.demo.server import DemoServer, start_demo_server
from tui.widgets.message_view import MessageView
from tui.widgets.streaming import StreamingReply, render_piece

SIZE = (120, 40)
PACE = 0.020
LAG_PERIOD = 0.010
PROBE_EVERY = 0.250
TARGETS = {
    "loop_lag_p95_ms": 30.0,
    "loop_lag_max_ms": 100.0,
    "final_render_ms": 100.0,
    "settle_lag_max_ms": 100.0,
    "settled_ms": 150.0,
    "app_cpu_percent": 30.0,
}


class Marks:
    """Times of the stream's milestones, recorded by thin wrappers around the app's code."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.live_lines: list[str] = []
        self.live_width = 0
        self.on_finish_drawn: Callable[[], object] = lambda: None
        """Called on the frame after the live reply's final render (ends the stream's part)."""
        self.on_shown_drawn: Callable[[], object] = lambda: None
        """Called on the frame after the server's copy replaced the live reply (ends it all)."""

    def finish_drawn(self) -> None:
        if "finish_drawn" not in self.times:
            self.mark("finish_drawn")
            self.on_finish_drawn()

    def shown_drawn(self) -> None:
        if "shown_drawn" not in self.times:
            self.mark("shown_drawn")
            self.on_shown_drawn()

    def mark(self, name: str) -> None:
        self.times[name] = time.perf_counter()


def _instrument(app: BackchatApp, marks: Marks) -> None:
    """Wrap the stream's last chunk, the live reply's finish and the server copy's arrival."""
    apply = ReplyRun.apply

    def timed_apply(self: ReplyRun, event: StreamEvent) -> None:
        apply(self, event)
        if event.kind is EventKind.TEXT:
            marks.mark("last_chunk")

    finish = StreamingReply.finish

    def timed_finish(self: StreamingReply, **kw: Any) -> None:
        finish(self, **kw)
        app.call_after_refresh(marks.finish_drawn)

    show = History.show_session

    def timed_show(self: History, session: Any, **kw: Any) -> None:
        reply = app.main.live_reply
        rendered = reply.rendered() if reply is not None and reply.is_mounted else None
        if rendered is not None:
            # The live reply's lines just before the server's copy replaced it (read from its
            # kept strips: painting 1,600 lines here would add to the time measured).
            marks.live_width = rendered.width
            marks.live_lines = [strip.text for strip in rendered.lines]
        show(self, session, **kw)
        app.call_after_refresh(marks.shown_drawn)

    ReplyRun.apply = timed_apply  # type: ignore[method-assign]
    StreamingReply.finish = timed_finish  # type: ignore[method-assign]
    History.show_session = timed_show  # type: ignore[method-assign]
    app._bench_restore = (apply, finish, show)  # type: ignore[attr-defined]


def _restore(app: BackchatApp) -> None:
    apply, finish, show = app._bench_restore  # type: ignore[attr-defined]
    ReplyRun.apply = apply  # type: ignore[method-assign]
    StreamingReply.finish = finish  # type: ignore[method-assign]
    History.show_session = show  # type: ignore[method-assign]


async def _until(pilot: Pilot[None], done: Callable[[], object]) -> None:
    """Let the app run until ``done()`` holds (the caller bounds the whole run)."""
    while not done():
        await pilot.pause()


def _body_lines(view: MessageView) -> list[str]:
    """The message's body as plain lines (the header line dropped)."""
    return view.render().plain.split("\n")[1:]


def _segments(body: Content) -> list[list[tuple[str, Any]]]:
    """Each line of a rendered body as (text, style) segments: what would be painted."""
    return [
        [(segment.text, segment.style) for segment in line.render_segments(Style())]
        for line in body.split("\n", allow_blank=True)
    ]


async def run_wire(demo: DemoServer, state_dir: Path, wire: str) -> dict[str, Any]:
    demo.reset()
    demo.config.wire = wire
    app = demo_app(demo, state_dir)
    full = reply_for(LONG_TRIGGER).text
    marks = Marks()
    key_sent: list[float] = []
    key_latency: list[float] = []
    message_latency: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        main = app.main
        await _until(pilot, lambda: main.sidebar.loaded > 0 and main.chat.models)
        conversation_id = main.sidebar.visible_ids[0]
        main.history.open(conversation_id)
        await _until(pilot, lambda: main.transcript.conversation_id == conversation_id)
        await app.workers.wait_for_complete()
        transcript = main.transcript
        for name in ("page_up", "page_down"):
            action = getattr(transcript, f"action_{name}")

            def timed(action: Callable[[], object] = action) -> object:
                if key_sent:
                    key_latency.append(time.perf_counter() - key_sent.pop(0))
                return action()

            setattr(transcript, f"action_{name}", timed)

        _instrument(app, marks)
        demo.config.pace = PACE
        main.composer.focus()
        main.composer.insert(LONG_TRIGGER)
        await pilot.press("enter")
        await _until(pilot, lambda: (r := main.live_reply) is not None and r.text)
        transcript.focus()

        lags: list[float] = []
        settle_lags: list[float] = []
        streamed = asyncio.Event()
        done = asyncio.Event()
        # The stream's part ends on the frame that drew the final render; the settle's, on the
        # frame that drew the server's copy in place of the live reply.
        marks.on_finish_drawn = streamed.set
        marks.on_shown_drawn = done.set

        async def sample_lag() -> None:
            while not done.is_set():
                before = time.perf_counter()
                await asyncio.sleep(LAG_PERIOD)
                lag = max(0.0, time.perf_counter() - before - LAG_PERIOD)
                (settle_lags if streamed.is_set() else lags).append(lag)

        async def probe() -> None:
            keys = ("pageup", "pagedown")
            count = 0
            while not done.is_set():
                await asyncio.sleep(PROBE_EVERY)
                now = time.perf_counter()
                # call_later posts a message through the app's queue, where keys go too.
                app.call_later(lambda sent=now: message_latency.append(time.perf_counter() - sent))
                key_sent.append(now)
                app.simulate_key(keys[count % 2])
                count += 1

        cpu_start = time.process_time()
        thread_start = time.thread_time()
        wall_start = time.perf_counter()
        sampler = asyncio.create_task(sample_lag())
        prober = asyncio.create_task(probe())
        await streamed.wait()
        cpu = time.process_time() - cpu_start
        app_cpu = time.thread_time() - thread_start
        wall = time.perf_counter() - wall_start
        await done.wait()
        await asyncio.gather(sampler, prober)
        await app.workers.wait_for_complete()
        await pilot.pause()
        _restore(app)

        last = transcript.views[-1]
        width = last.content_size.width
        fresh = MessageView(
            VisibleMessage(
                node_id="fresh",
                node_ids=("fresh",),
                role="assistant",
                blocks=(Block(BlockKind.MARKDOWN, full),),
            ),
            position=0,
        )
        fresh_body, _ = fresh._render_body(width, app.ansi_theme)
        final_body = last._body.content if last._body is not None else Content("")
        final_lines = _body_lines(last)
        whole = [strip.text for strip in render_piece(full, marks.live_width, follows=False)]
        times = marks.times
        return {
            "wire": wire,
            "chars": len(full),
            "chunks": len(reply_for(LONG_TRIGGER).chunks),
            "pace_ms": PACE * 1000,
            "loop_lag_ms": latency_stats(lags),
            "settle_lag_ms": latency_stats(settle_lags),
            "key_latency_ms": latency_stats(key_latency),
            "message_latency_ms": latency_stats(message_latency),
            "final_render_ms": round((times["finish_drawn"] - times["last_chunk"]) * 1000, 1),
            "settled_ms": round((times["shown_drawn"] - times["last_chunk"]) * 1000, 1),
            "cpu_s": round(cpu, 2),
            "app_cpu_s": round(app_cpu, 2),
            "app_cpu_percent": round(100 * app_cpu / wall, 1),
            "wall_s": round(wall, 2),
            "final_text_matches": last.message.text == full,
            "live_identical": marks.live_lines == whole,
            "final_identical": final_lines == fresh_body.plain.split("\n")
            and _segments(final_body) == _segments(fresh_body),
            "swap_identical": [line.rstrip() for line in marks.live_lines]
            == [line.rstrip() for line in final_lines[: len(marks.live_lines)]],
        }


async def run(wires: list[str]) -> dict[str, Any]:
    demo = start_demo_server(pace=0.0)
    try:
        with tempfile.TemporaryDirectory() as state_dir:
            results = [await run_wire(demo, Path(state_dir), wire) for wire in wires]
    finally:
        demo.stop()
    met = {
        result["wire"]: {
            "loop_lag_p95": result["loop_lag_ms"]["p95"] < TARGETS["loop_lag_p95_ms"],
            "loop_lag_max": result["loop_lag_ms"]["max"] < TARGETS["loop_lag_max_ms"],
            "final_render": result["final_render_ms"] < TARGETS["final_render_ms"],
            "settle_lag_max": result["settle_lag_ms"].get("max", 0.0)
            < TARGETS["settle_lag_max_ms"],
            "settled": result["settled_ms"] < TARGETS["settled_ms"],
            "app_cpu": result["app_cpu_percent"] < TARGETS["app_cpu_percent"],
        }
        for result in results
    }
    return {
        "benchmark": "app_stream",
        "size": list(SIZE),
        "runs": results,
        "targets": TARGETS,
        "met": met,
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--wire", choices=["classic", "v1"], action="append")
    args = parser.parse_args()
    wires = args.wire or ["classic", "v1"]
    emit(asyncio.run(asyncio.wait_for(run(wires), 600)))


if __name__ == "__main__":
    main()
