"""Benchmark: opening a 500-message conversation in the Transcript, headless at 120×40.

Prints JSON (via ``bench._common.emit``):

- ``first_frame_first_open_ms``: ``show()`` → first frame with the newest message on screen, the
  first conversation opened in the process (``_cpu_ms``: this process's CPU time, which other
  load on the machine does not inflate);
- ``first_frame_second_open_ms``: the same for a second conversation of the same size;
- ``page_up_*``: reading upwards to the first message with PageUp, each press timed until
  any batch it triggered is mounted and the scroll position corrected;
- ``loop_lag_while_reading_*``: how long the event loop was blocked at a time meanwhile;
- ``end_key_from_top_ms`` / ``home_key_from_bottom_ms``: jumping across the conversation;
- ``focus_move_ms``: one ``k`` press (focus the message above);
- ``resize_ms``: a terminal resize with the window at its largest (every mounted message is
  rendered again at the new width);
- ``demo_first_frame_*``: the same for the demo backend's long conversation, built by the real
  tree code (``tui.conversation.tree``) from the demo's seeded mapping;
- ``peak_rss_mib``;
- ``all_mounted_*``: the alternative, every message mounted at once (what loading everything
  in the background ends up costing), and a resize then.

Run: ``uv run python -m bench.transcript_open``.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from bench._common import emit, peak_rss_mib
from tui.conversation.tree import Block, BlockKind, VisibleMessage
from tui.widgets.transcript import Transcript

STYLES = Path(__file__).resolve().parent.parent / "styles" / "messages.tcss"
SIZE = (120, 40)
COUNT = 500

_WORDS = [
    *("index", "compaction", "snapshot", "request", "timeout", "retry", "cursor", "buffer"),
    *("parser", "token", "stream", "thread", "branch", "widget", "layout", "render"),
    *("frame", "cache", "schema", "column", "query", "worker", "queue"),
]
_CODE = {
    "python": [
        "def handle(request: Request) -> Response:",
        "    data = parse(request.body)",
        "    for item in data.items:",
        "        if item.ready:",
        "            queue.put(item)",
        '    return Response(status=200, body={"ok": True})',
    ],
    "rust": [
        "fn compact(log: &mut Log) -> Result<(), Error> {",
        "    let entries = log.drain(..).collect::<Vec<_>>();",
        "    for entry in entries.iter().filter(|e| e.live) {",
        "        log.write(entry)?;",
        "    }",
        "    Ok(())",
        "}",
    ],
    "javascript": [
        "async function fetchPage(cursor) {",
        "  const res = await fetch(`/api/items?cursor=${cursor}`);",
        "  if (!res.ok) throw new Error(res.statusText);",
        "  return res.json();",
        "}",
    ],
}


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 18))]
    words[rng.randrange(len(words))] = f"`{rng.choice(_WORDS)}`"
    words[rng.randrange(len(words))] = f"**{rng.choice(_WORDS)}**"
    return " ".join(words).capitalize() + "."


def _reply(rng: random.Random, target: int) -> str:
    parts: list[str] = []
    size = 0
    while size < target:
        choice = rng.random()
        if choice < 0.15:
            part = f"## {rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)}"
        elif choice < 0.35:
            part = "\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4)))
        elif choice < 0.55:
            language = rng.choice(list(_CODE))
            body = "\n".join(_CODE[language] * rng.randint(1, 2))
            part = f"```{language}\n{body}\n```"
        elif choice < 0.6:
            rows = "\n".join(
                f"| {rng.choice(_WORDS)} | {rng.randint(1, 999)} | {rng.choice(_WORDS)} |"
                for _ in range(3)
            )
            part = f"| name | count | note |\n|---|---|---|\n{rows}"
        else:
            part = " ".join(_sentence(rng) for _ in range(rng.randint(2, 4)))
        parts.append(part)
        size += len(part) + 2
    return "\n\n".join(parts)


def build_messages(count: int, seed: int = 7) -> list[VisibleMessage]:
    """``count`` alternating user/assistant messages; replies are 1-3 KB with code fences."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    messages: list[VisibleMessage] = []
    for index in range(count):
        user = index % 2 == 0
        text = _sentence(rng) if user else _reply(rng, rng.randint(1000, 3000))
        messages.append(
            VisibleMessage(
                node_id=f"node-{seed}-{index}",
                node_ids=(f"node-{seed}-{index}",),
                role="user" if user else "assistant",
                blocks=(Block(BlockKind.MARKDOWN, text),),
                sibling_count=2 if index % 50 == 1 else 1,
                model_slug=None if user else "gpt-4o",
                create_time=start + timedelta(minutes=index),
            )
        )
    return messages


class BenchApp(App[None]):
    """Just the transcript."""

    CSS_PATH = STYLES

    def compose(self) -> ComposeResult:
        yield Transcript(id="transcript")


def _newest_on_screen(transcript: Transcript) -> bool:
    views = transcript.views
    return (
        bool(views)
        and views[-1].region.bottom <= transcript.region.bottom
        and bool(views[-1].region)
    )


async def _open(pilot: Pilot[None], transcript: Transcript, seed: int) -> tuple[float, float, bool]:
    """Show a fresh 500-message conversation; wall and CPU seconds to the first frame."""
    messages = build_messages(COUNT, seed)
    started, cpu = time.perf_counter(), time.process_time()
    transcript.show(messages, conversation_id=f"bench-{seed}")
    await pilot.pause()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, _newest_on_screen(transcript)


class EverythingTranscript(Transcript):
    """The alternative measured against: every message mounted at once, no window."""

    INITIAL_COUNT = 10**6
    SCREENS_PER_BATCH = 10.0**6
    MAX_MOUNTED = 10**6


class EverythingApp(BenchApp):
    """The alternative's app."""

    def compose(self) -> ComposeResult:
        yield EverythingTranscript(id="transcript")


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


async def run_window() -> dict[str, object]:
    """The real transcript: open, scroll to the top page by page, jump, focus, resize."""
    app = BenchApp()
    # Time the work, not Textual's smooth-scroll animation of PageUp.
    app.animation_level = "none"
    result: dict[str, object] = {}
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one(Transcript)
        # The lexer warm-up thread started on mount; a user takes longer than that to pick.
        await app.workers.wait_for_complete()
        cold, cold_cpu, cold_ok = await _open(pilot, transcript, seed=1)
        await app.workers.wait_for_complete()
        warm, warm_cpu, warm_ok = await _open(pilot, transcript, seed=2)
        result["first_frame_first_open_ms"] = round(cold * 1000, 1)
        result["first_frame_first_open_cpu_ms"] = round(cold_cpu * 1000, 1)
        result["first_frame_second_open_ms"] = round(warm * 1000, 1)
        result["first_frame_second_open_cpu_ms"] = round(warm_cpu * 1000, 1)
        result["newest_visible_on_first_frame"] = cold_ok and warm_ok
        result["mounted_on_first_frame"] = len(transcript.views)
        await app.workers.wait_for_complete()
        await pilot.pause()
        result["mounted_after_settling"] = len(transcript.views)

        # Read upwards through the whole conversation with PageUp, as a user would, while a
        # task measures how long the event loop is blocked at a time (the lag of a 5 ms sleep).
        lags: list[float] = []
        monitoring = True

        async def monitor() -> None:
            while monitoring:
                before = time.perf_counter()
                await asyncio.sleep(0.005)
                lags.append((time.perf_counter() - before - 0.005) * 1000)

        monitor_task = asyncio.create_task(monitor())
        transcript.focus()
        timings: list[float] = []
        cpu_timings: list[float] = []
        most_mounted = 0
        while transcript.window[0] > 0 or transcript.scroll_y > 0:
            started, cpu = time.perf_counter(), time.process_time()
            await pilot.press("pageup")
            await pilot.pause()
            await app.workers.wait_for_complete()
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu) * 1000)
            most_mounted = max(most_mounted, len(transcript.views))
            if len(timings) > 5000:
                break
        monitoring = False
        await monitor_task
        lags.sort()
        result["loop_lag_while_reading_p95_ms"] = round(lags[len(lags) * 95 // 100], 1)
        result["loop_lag_while_reading_max_ms"] = round(lags[-1], 1)
        timings.sort()
        cpu_timings.sort()
        result["page_up_presses_to_top"] = len(timings)
        result["page_up_median_ms"] = round(timings[len(timings) // 2], 1)
        result["page_up_max_ms"] = round(timings[-1], 1)
        result["page_up_median_cpu_ms"] = round(cpu_timings[len(cpu_timings) // 2], 1)
        result["page_up_p95_cpu_ms"] = round(cpu_timings[len(cpu_timings) * 95 // 100], 1)
        result["most_mounted_while_scrolling"] = most_mounted

        started = time.perf_counter()
        await pilot.press("end")
        await pilot.pause()
        result["end_key_from_top_ms"] = _ms(started)
        started = time.perf_counter()
        await pilot.press("home")
        await pilot.pause()
        result["home_key_from_bottom_ms"] = _ms(started)

        transcript.views[len(transcript.views) // 2].focus()
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("k")
        await pilot.pause()
        result["focus_move_ms"] = _ms(started)

        # Resize with the window at its largest.
        await pilot.press("end")
        await pilot.pause()
        for _ in range(6):
            await transcript.load_older()
        result["mounted_for_resize"] = len(transcript.views)
        started = time.perf_counter()
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        result["resize_ms"] = _ms(started)
    return result


async def run_everything() -> dict[str, object]:
    """The alternative: all 500 mounted in one go (what a background load ends up with)."""
    app = EverythingApp()
    result: dict[str, object] = {}
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one(Transcript)
        await app.workers.wait_for_complete()
        elapsed, _, _ = await _open(pilot, transcript, seed=1)
        result["all_mounted_ms"] = round(elapsed * 1000, 1)
        result["all_mounted_count"] = len(transcript.views)
        started = time.perf_counter()
        await pilot.resize_terminal(100, 40)
        await pilot.pause()
        result["all_mounted_resize_ms"] = _ms(started)
    return result


def demo_long_conversation() -> list[VisibleMessage]:
    """The demo backend's long conversation, through the real tree code."""
    from tui.api.models import Conversation
    from tui.conversation.tree import active_thread, visible_messages
    from tui.demo.seed import SPECIAL, seed_records

    title = next(title for kind, title, _ in SPECIAL if kind == "long")
    record = next(record for record in seed_records() if record.title == title)
    conversation = Conversation.model_validate(record.payload())
    return visible_messages(conversation, active_thread(conversation))


async def run_demo() -> dict[str, object]:
    """Open the demo's long conversation (520 visible messages of ~0.5 KB)."""
    messages = demo_long_conversation()
    app = BenchApp()
    result: dict[str, object] = {"demo_messages": len(messages)}
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one(Transcript)
        await app.workers.wait_for_complete()
        started, cpu = time.perf_counter(), time.process_time()
        transcript.show(messages, conversation_id="demo-long")
        await pilot.pause()
        result["demo_first_frame_ms"] = _ms(started)
        result["demo_first_frame_cpu_ms"] = round((time.process_time() - cpu) * 1000, 1)
        result["demo_newest_visible_on_first_frame"] = _newest_on_screen(transcript)
        result["demo_mounted_on_first_frame"] = len(transcript.views)
    return result


async def run() -> dict[str, object]:
    """Run every measurement and return the numbers."""
    result: dict[str, object] = {"messages": COUNT, "size": list(SIZE)}
    result.update(await run_demo())
    result.update(await run_window())
    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    result.update(await run_everything())
    result["peak_rss_mib_with_all_mounted"] = round(peak_rss_mib(), 1)
    return result


def main() -> None:
    """Run the benchmark and print its JSON."""
    emit(asyncio.run(run()))


if __name__ == "__main__":
    main()
