"""Benchmark: the sidebar with 10,000 conversations, headless at 120×40.

Prints JSON (via ``bench._common.emit``):

- ``add_page_ms``: ``add_page`` of one 100-row page, 100 times over (max / mean / median /
  last), the call alone;
- ``add_page_frame_ms``: the same plus the frame that follows (``pilot.pause()``), and
  ``add_page_frame_cpu_ms`` the CPU time of that (the wall clock includes Pilot's waiting and any
  other load on the machine; the rare CPU spikes are garbage collections);
- ``end_ms``: with all 10,000 loaded, pressing ``end`` until the last row is highlighted and drawn
  (wall clock and CPU); ``home_ms``: the same back to the top;
- ``filter_ms``: typing one more character into the filter (10,000 titles searched, the matches
  shown), and ``filter_clear_ms``: ``escape`` back to all 10,000 rows;
- ``move_to_top_ms`` / ``remove_row_ms`` / ``insert_row_ms``: one mutation on 10,000 rows, the
  call alone and with the frame that shows it;
- ``baseline_pause_ms`` / ``baseline_press_ms``: what ``pilot.pause()`` and an unbound key press
  cost on their own, to read the key-press timings against;
- ``paged_walk_ms``: from empty, pressing ``end`` until all 10,000 are in, the harness answering
  each ``PageWanted`` with the next page at once (the app's part without the network), wall
  clock and CPU (most of the wall clock is Pilot waiting between key presses);
- ``peak_rss_mib``.

Run: ``uv run python -m bench.sidebar_10k``.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from bench._common import emit, peak_rss_mib
from tui.api.models import ConversationItem, ConversationPage
from tui.paths import styles_dir
from tui.widgets.conversation_list import ConversationList
from tui.widgets.sidebar import Sidebar

SIZE = (120, 40)
TOTAL = 10_000
PAGE = 100
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

_VOCABULARY = (
    "python asyncio rust borrow checker kubernetes deploy recipe pasta trip japan résumé cover "
    "letter sql index migration regex [bold] [/] 日本語 emoji 🎉 bug fix refactor"
)
_WORDS = _VOCABULARY.split()


def _items() -> list[ConversationItem]:
    rng = random.Random(7)
    items = []
    for index in range(TOTAL):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 9)))
        items.append(
            ConversationItem(
                id=f"conv-{index:05d}",
                title=title,
                update_time=NOW - timedelta(minutes=index * 37),
            )
        )
    return items


ITEMS = _items()


def _page(offset: int) -> ConversationPage:
    return ConversationPage(
        items=ITEMS[offset : offset + PAGE], total=TOTAL, limit=PAGE, offset=offset
    )


class Harness(App[None]):
    """A sidebar alone; answers PageWanted only when ``serve`` is on."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [styles_dir() / "sidebar.tcss"]

    def __init__(self) -> None:
        super().__init__()
        self.serve = False
        self.pages_served = 0

    def compose(self) -> ComposeResult:
        yield Sidebar(now=lambda: NOW)

    def on_sidebar_page_wanted(self, message: Sidebar.PageWanted) -> None:
        if self.serve:
            self.pages_served += 1
            self.query_one(Sidebar).add_page(_page(message.offset))


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


async def _until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    while not done():
        await pilot.pause()


async def _timed(pilot: Pilot[None], call: Callable[[], object]) -> dict[str, float]:
    """The call alone, and the call plus the frame that shows it (wall clock and CPU)."""
    gc.collect()  # so that a collection owed by earlier steps is not billed to this one
    started, cpu = time.perf_counter(), time.process_time()
    call()
    alone = time.perf_counter() - started
    await pilot.pause()
    return {
        "call": _ms(alone),
        "with_frame": _ms(time.perf_counter() - started),
        "with_frame_cpu": _ms(time.process_time() - cpu),
    }


async def _keys(pilot: Pilot[None], keys: list[str], done: Callable[[], bool]) -> dict[str, float]:
    """Press ``keys``, wait until ``done()`` and one more frame: wall clock and CPU."""
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    await pilot.press(*keys)
    await _until(pilot, done)
    await pilot.pause()
    return {"wall": _ms(time.perf_counter() - started), "cpu": _ms(time.process_time() - cpu)}


async def _fill(pilot: Pilot[None], app: Harness, result: dict[str, Any]) -> Sidebar:
    sidebar = app.query_one(Sidebar)
    calls: list[float] = []
    frames: list[float] = []
    cpu: list[float] = []
    for offset in range(0, TOTAL, PAGE):
        started = time.perf_counter()
        cpu_started = time.process_time()
        sidebar.add_page(_page(offset))
        calls.append(time.perf_counter() - started)
        await pilot.pause()
        frames.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    for key, values in (
        ("add_page_ms", calls),
        ("add_page_frame_ms", frames),
        ("add_page_frame_cpu_ms", cpu),
    ):
        result[key] = {
            "max": _ms(max(values)),
            "mean": _ms(statistics.mean(values)),
            "median": _ms(statistics.median(values)),
            "last": _ms(values[-1]),
        }
    return sidebar


async def _run() -> dict[str, Any]:
    result: dict[str, Any] = {"rows": TOTAL, "page_size": PAGE, "size": list(SIZE)}
    app = Harness()
    async with app.run_test(size=SIZE) as pilot:
        rows = app.query_one(ConversationList)
        rows.focus()
        sidebar = await _fill(pilot, app, result)
        assert sidebar.loaded == TOTAL

        result["end_ms"] = await _keys(pilot, ["end"], lambda: rows.highlighted == TOTAL - 1)
        result["home_ms"] = await _keys(pilot, ["home"], lambda: rows.highlighted == 0)
        await pilot.press("slash", *"pytho")
        await pilot.pause()
        result["filter_ms"] = await _keys(pilot, ["n"], lambda: rows.option_count < TOTAL)
        result["filter_matches"] = rows.option_count
        result["filter_clear_ms"] = await _keys(
            pilot, ["escape"], lambda: rows.option_count == TOTAL
        )

        sidebar.select_id(ITEMS[5000].id)
        await pilot.pause()
        result["move_to_top_ms"] = await _timed(
            pilot,
            lambda: sidebar.move_to_top(ITEMS[7000].model_copy(update={"update_time": NOW})),
        )
        removed: list[tuple[int, ConversationItem] | None] = []
        result["remove_row_ms"] = await _timed(
            pilot, lambda: removed.append(sidebar.remove_row(ITEMS[6000].id))
        )
        undo = removed[0]
        assert undo is not None
        result["insert_row_ms"] = await _timed(pilot, lambda: sidebar.insert_row(*undo))

        # What Pilot itself costs here, to read the key-press timings against.
        result["baseline_pause_ms"] = await _keys(pilot, [], lambda: True)
        result["baseline_press_ms"] = await _keys(pilot, ["f13"], lambda: True)

    walker = Harness()
    async with walker.run_test(size=SIZE) as pilot:
        rows = walker.query_one(ConversationList)
        rows.focus()
        walker.serve = True
        sidebar = walker.query_one(Sidebar)
        sidebar.reset()
        started = time.perf_counter()
        cpu = time.process_time()
        while sidebar.loaded < TOTAL:
            await pilot.press("end")
            await pilot.pause()
        result["paged_walk_ms"] = _ms(time.perf_counter() - started)
        result["paged_walk_cpu_ms"] = _ms(time.process_time() - cpu)
        result["paged_walk_pages"] = walker.pages_served

    result["peak_rss_mib"] = round(peak_rss_mib(), 1)
    return result


def main() -> None:
    emit({"bench": "sidebar_10k", **asyncio.run(_run())})


if __name__ == "__main__":
    main()
