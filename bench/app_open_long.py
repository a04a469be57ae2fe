"""Benchmark: opening the demo's 500+-message conversation in the real app, headless at 120×40.

The app is built by ``create_app`` on a demo backend in this process (loopback HTTP, no pace),
exactly as the tests do. The conversation is opened like a user does: its row is selected in
the sidebar and ``enter`` pressed. Timed, :data:`RUNS` times (each open after another
conversation, so nothing is reused from the previous open):

- ``open_ms``: ``enter`` → the first frame with the conversation's last message mounted and on
  screen (target: under 150 ms);
- the split of that: ``http_get_ms`` (the request until the JSON is decoded), ``validate_ms``
  (JSON → ``Conversation`` model), ``thread_ms`` (``OpenConversation.build``: the active thread
  and its visible messages), ``show_ms`` (``History.show``: the transcript mounts its window)
  and ``render_ms`` (from there to the frame that shows it);
- ``page_up`` / ``page_down``: ``pageup`` / ``pagedown`` in the open conversation (Textual
  animates the scroll, ~0.7 s a page): the press until the view first moved,
  until the view came to rest (and any batch of older messages it started was mounted), and
  the longest gap between two frames meanwhile;
- ``peak_rss_mib``: the whole process, demo server included.

Wrappers around the client, the model and the history controller record the split; they add a
function call each and change nothing else.

Run: ``uv run python -m bench.app_open_long``.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from bench._common import demo_app, emit, peak_rss_mib, run_on_demo
from tui.api import transport
from tui.api.models import Conversation
from tui.app import BackchatApp
from tui.controllers.reading import History
from tui.conversation.session import OpenConversation
from tui.demo.seed_records import Record
from tui.demo.server import DemoServer
from tui.demo.showcase import BUILDERS
from tui.widgets.sidebar import Sidebar
from tui.widgets.transcript import Transcript

SIZE = (120, 40)
RUNS = 5
PRESSES = 8
TARGET_MS = 150.0


class Split:
    """Timestamps of the steps of one open, filled in by the wrappers."""

    def __init__(self) -> None:
        self.marks: dict[str, float] = {}

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, time.perf_counter())

    def span(self, start: str, end: str) -> float:
        return (self.marks[end] - self.marks[start]) * 1000


CURRENT = Split()


def _instrument() -> None:
    """Wrap the steps of an open so each records when it ran (bench-only monkeypatching)."""
    global CURRENT
    call = transport.Transport.call

    async def timed_call(self: transport.Transport, method: Any, url: Any, **kw: Any) -> Any:
        if "/conversation/" in str(url):
            CURRENT.mark("get_start")
            result = await call(self, method, url, **kw)
            CURRENT.mark("get_done")
            return result
        return await call(self, method, url, **kw)

    transport.Transport.call = timed_call  # type: ignore[method-assign]

    validate = transport.validate

    def timed_validate(model: type[Any], data: Any, url: str) -> Any:
        result = validate(model, data, url)
        if model is Conversation:
            CURRENT.mark("validated")
        return result

    transport.validate = timed_validate
    # client.py imported the name; patch its reference too.
    from tui.api import client

    client.validate = timed_validate

    build = OpenConversation.build.__func__  # type: ignore[attr-defined]

    def timed_build(cls: type[OpenConversation], *args: Any, **kw: Any) -> OpenConversation:
        CURRENT.mark("build_start")
        result: OpenConversation = build(cls, *args, **kw)
        CURRENT.mark("built")
        return result

    OpenConversation.build = classmethod(timed_build)  # type: ignore[method-assign,assignment]

    show = History.show

    def timed_show(self: History, conversation: Conversation, **kw: Any) -> None:
        show(self, conversation, **kw)
        CURRENT.mark("shown")

    History.show = timed_show  # type: ignore[method-assign]


def _long_record(demo: DemoServer) -> Record:
    """The demo's long conversation: the record the ``long`` builder makes."""
    with demo.state.lock:
        records = [r for r in demo.state.records.values() if r.builder is BUILDERS["long"]]
    assert records, "the demo has no long conversation"
    return records[0]


async def _until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Let the app run frames until ``done()`` holds (bounded by the caller's timeout)."""
    while not done():
        await pilot.pause()


def _last_message_on_screen(transcript: Transcript) -> bool:
    messages = transcript.messages
    views = transcript.views
    if not messages or not views or transcript.window[1] != len(messages):
        return False
    last = views[-1]
    if not last.is_mounted or last.region.height == 0:
        return False
    # The last message's bottom edge is inside the transcript's viewport.
    return transcript.region.contains(last.region.x, last.region.bottom - 1)


async def _frame_where(app: BackchatApp, condition: Callable[[], bool]) -> float:
    """perf_counter() of the first frame after which ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    found: asyncio.Future[float] = loop.create_future()

    def check() -> None:
        if found.done():
            return
        if condition():
            found.set_result(time.perf_counter())
        else:
            app.call_after_refresh(check)

    app.call_after_refresh(check)
    return await asyncio.wait_for(found, 30.0)


async def _open(pilot: Pilot[None], app: BackchatApp, record_id: str) -> dict[str, float]:
    global CURRENT
    main = app.main
    sidebar = main.query_one(Sidebar)
    transcript = main.query_one(Transcript)
    assert sidebar.select_id(record_id)
    sidebar.focus()
    await pilot.pause()
    CURRENT = Split()
    waiting = asyncio.ensure_future(
        _frame_where(
            app,
            lambda: main.history.open_id == record_id and _last_message_on_screen(transcript),
        )
    )
    CURRENT.mark("enter")
    await pilot.press("enter")
    visible = await waiting
    split = CURRENT
    return {
        "open_ms": (visible - split.marks["enter"]) * 1000,
        "http_get_ms": split.span("get_start", "get_done"),
        "validate_ms": split.span("get_done", "validated"),
        "thread_ms": split.span("build_start", "built"),
        "show_ms": split.span("built", "shown"),
        "render_ms": (visible - split.marks["shown"]) * 1000,
        "enter_to_request_ms": split.span("enter", "get_start"),
    }


async def _press_timed(pilot: Pilot[None], app: BackchatApp, key: str) -> dict[str, float]:
    """Press ``key``; follow every frame until the scroll settles (Textual animates it).

    Returns ``first_move_ms`` (the press until the view first moved),
    ``settled_ms`` (until the animation ended and any batch it started was mounted) and
    ``max_frame_gap_ms`` (the longest time between two frames meanwhile: the smoothness).
    """
    transcript = app.main.query_one(Transcript)
    loop = asyncio.get_running_loop()
    settled: asyncio.Future[None] = loop.create_future()
    frames: list[tuple[float, float]] = []
    start_y = transcript.scroll_y

    def frame() -> None:
        if settled.done():
            return
        frames.append((time.perf_counter(), transcript.scroll_y))
        moved = frames[-1][1] != start_y
        at_rest = transcript.scroll_y == transcript.scroll_target_y
        if moved and at_rest and not transcript._loading:
            settled.set_result(None)
        else:
            app.call_after_refresh(frame)

    # Pilot.press returns only once the app is idle again, i.e. after the whole animation, so
    # it runs as a task while the frames are followed from the moment it starts.
    start = time.perf_counter()
    press = asyncio.ensure_future(pilot.press(key))
    app.call_after_refresh(frame)
    await asyncio.wait_for(settled, 30.0)
    await press
    first_move = next(t for t, y in frames if y != start_y)
    times = [start] + [t for t, _ in frames]
    return {
        "first_move_ms": (first_move - start) * 1000,
        "settled_ms": (frames[-1][0] - start) * 1000,
        "max_frame_gap_ms": max(b - a for a, b in itertools.pairwise(times)) * 1000,
    }


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "max": round(max(values), 1),
        "min": round(min(values), 1),
    }


async def run(demo: DemoServer, state_dir: Path) -> dict[str, Any]:
    _instrument()
    long_record = _long_record(demo)
    long_record.ensure_tree()  # the demo builds it on first GET; not the client's cost
    app = demo_app(demo, state_dir)
    opens: list[dict[str, float]] = []
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.main.query_one(Sidebar)
        await _until(pilot, lambda: sidebar.loaded > 0)
        other = next(i for i in sidebar.visible_ids if i != long_record.id)
        await app.workers.wait_for_complete()
        rss_before = peak_rss_mib()
        for _ in range(RUNS):
            await _open(pilot, app, other)  # something else first, so each open is fresh
            await app.workers.wait_for_complete()
            opens.append(await _open(pilot, app, long_record.id))
            await app.workers.wait_for_complete()
        transcript = app.main.query_one(Transcript)
        message_count = len(transcript.messages)
        transcript.focus()
        await pilot.pause()
        page_up = [await _press_timed(pilot, app, "pageup") for _ in range(PRESSES)]
        window_after_up = transcript.window
        page_down = [await _press_timed(pilot, app, "pagedown") for _ in range(PRESSES)]
        window_after = transcript.window
    keys = opens[0].keys()
    split = {key: _stats([o[key] for o in opens]) for key in keys}
    open_ms = split["open_ms"]["median"]
    return {
        "benchmark": "app_open_long",
        "size": list(SIZE),
        "runs": RUNS,
        "visible_messages": message_count,
        "mapping_nodes": len(long_record.ensure_tree()),
        "open": split,
        "open_samples_ms": [round(o["open_ms"], 1) for o in opens],
        "target_ms": TARGET_MS,
        "within_target": open_ms < TARGET_MS,
        "page_up": {key: _stats([p[key] for p in page_up]) for key in page_up[0]},
        "page_down": {key: _stats([p[key] for p in page_down]) for key in page_down[0]},
        "presses": PRESSES,
        "window_after_page_ups": list(window_after_up),
        "window_after_page_downs": list(window_after),
        "rss_before_opening_mib": round(rss_before, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def main() -> None:
    emit(run_on_demo(run, timeout=300))


if __name__ == "__main__":
    main()
