"""Benchmark: the real app's sidebar paging through 10,000 conversations from the demo backend.

The demo backend runs in this process (loopback HTTP) with its seeded history topped up to
:data:`TOTAL` listed conversations (plain records: their mappings are never built, since only
the list is fetched). The app is built by ``create_app``, headless at 120×40. Two ways to reach
the end, each in a fresh app:

- ``load_all``: ``ctrl+l`` ("Search all"): the app fetches every page (100 a request) and the
  sidebar shows progress; timed until all are loaded and drawn;
- ``end_walk``: ``end`` pressed again and again with the default page size (28): each press
  goes to the last loaded row, which asks for the next page; timed until the cursor is on the
  last of the 10,000 rows.

For each: wall clock, the main thread's CPU time (the app's own work; the demo server's
thread is not in it), the number of requests, and memory: the process's RSS before and after
(``rss_growth_mib``; the demo's records are in both) and the peak RSS.

Run: ``uv run python -m bench.app_sidebar_10k``.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from bench._common import demo_app, emit, peak_rss_mib, run_on_demo
from tui.config import Settings
from tui.demo import seed
from tui.demo.seed_records import Record
from tui.demo.server import DemoServer
from tui.widgets.sidebar import Sidebar

SIZE = (120, 40)
TOTAL = 10_000


def _current_rss_mib() -> float:
    """Resident set size now (not the peak), from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096 / 2**20


def _top_up(demo: DemoServer, total: int) -> int:
    """Add plain records, older than the seeded ones, until ``total`` are listed."""
    listed = len(demo.state.listing(archived=False))
    rng = random.Random(10_000)
    oldest = min(record.update_time for record in demo.state.records.values())
    for index in range(total - listed):
        update = oldest - 600.0 * (index + 1)
        demo.state.add(
            Record(
                id=f"bench-{index:05d}-0000-4000-8000-000000000000",
                title=seed.filler_title(rng),
                create_time=update - 300.0,
                update_time=update,
                builder=seed.filler,
            )
        )
    return len(demo.state.listing(archived=False))


async def _until(pilot: Pilot[None], done: Callable[[], bool]) -> None:
    """Let the app run frames until ``done()`` holds (bounded by the caller's timeout)."""
    while not done():
        await pilot.pause()


def _list_requests(demo: DemoServer) -> int:
    with demo.state.lock:
        return sum(1 for r in demo.state.requests if r.path.endswith("/conversations"))


async def _phase(
    demo: DemoServer,
    state_dir: Path,
    walk: Callable[[Pilot[None], Sidebar], Awaitable[int]],
    **overrides: Any,
) -> dict[str, Any]:
    app = demo_app(demo, state_dir, **overrides)
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.main.query_one(Sidebar)
        await _until(pilot, lambda: sidebar.loaded > 0 and not sidebar.is_loading)
        await app.workers.wait_for_complete()
        gc.collect()
        requests_before = _list_requests(demo)
        rss_before = _current_rss_mib()
        wall, cpu = time.perf_counter(), time.thread_time()
        presses = await walk(pilot, sidebar)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        result = {
            "loaded": sidebar.loaded,
            "total": sidebar.total,
            "wall_s": round(wall, 2),
            "main_thread_cpu_s": round(cpu, 2),
            "key_presses": presses,
            "requests": _list_requests(demo) - requests_before,
            "rss_growth_mib": round(_current_rss_mib() - rss_before, 1),
            "rss_after_mib": round(_current_rss_mib(), 1),
        }
    return result


async def _load_all(pilot: Pilot[None], sidebar: Sidebar) -> int:
    sidebar.focus()
    await pilot.press("ctrl+l")
    await _until(pilot, lambda: not sidebar.has_more and not sidebar.is_loading)
    await pilot.pause()
    return 1


async def _end_walk(pilot: Pilot[None], sidebar: Sidebar) -> int:
    sidebar.focus()
    presses = 0

    def at_end() -> bool:
        ids = sidebar.visible_ids
        return not sidebar.has_more and bool(ids) and sidebar.highlighted_id == ids[-1]

    while not at_end():
        await pilot.press("end")
        presses += 1
        # The press asked for the next page; wait until it arrived before pressing again.
        await _until(pilot, lambda: not sidebar.is_loading)
    await pilot.pause()
    return presses


async def run(demo: DemoServer, state_dir: Path) -> dict[str, Any]:
    listed = _top_up(demo, TOTAL)
    rss_start = _current_rss_mib()
    load_all = await _phase(demo, state_dir, _load_all)
    end_walk = await _phase(demo, state_dir, _end_walk)
    end_walk["page_size"] = Settings().page_size
    return {
        "benchmark": "app_sidebar_10k",
        "size": list(SIZE),
        "listed_on_server": listed,
        "rss_with_demo_records_mib": round(rss_start, 1),
        "load_all": load_all,
        "end_walk": end_walk,
        "peak_rss_mib": round(peak_rss_mib(), 1),
    }


def main() -> None:
    emit(run_on_demo(run, timeout=900))


if __name__ == "__main__":
    main()
