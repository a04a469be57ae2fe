"""Benchmark: the search dialog over the 10,000-conversation store, typed letter by letter.

Run: ``uv run python -m bench.app_search [--store FILE]`` after ``python -m bench.sync_10k``
(which leaves the store behind). The real app runs headless at 120×40 on the demo backend;
the search dialog is opened on that store, and each query of :data:`bench.search_store.QUERIES`
is typed key by key with :data:`KEY_GAP` seconds between keys (a fast typist), the box cleared
between queries. Measured per query: from the last key to the frame that shows its results
(``last_key_to_drawn``; target: under 100 ms), and how many searches actually ran while typing
(the debounce folds keys that come faster than it).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path
from typing import Any

from textual.widgets import Input

from bench._common import demo_app, emit, latency_stats, run_on_demo
from bench.search_store import QUERIES
from bench.sync_10k import DEFAULT_STORE
from tui.controllers.search import DEBOUNCE
from tui.controllers.search_messages import LocalResults, SearchMessage
from tui.demo.server import DemoServer
from tui.screens.search import SearchScreen

SIZE = (120, 40)
KEY_GAP = 0.08
"""Seconds between two keys: about 150 words a minute."""


class TimedSearch(SearchScreen):
    """The dialog, noting when each query's results were handled and then drawn."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.drawn: dict[str, float] = {}
        self.searches = 0
        self.changed = asyncio.Event()
        """Set whenever a query's results have been drawn."""

    def post(self, message: SearchMessage) -> None:
        super().post(message)
        if isinstance(message, LocalResults):
            self.searches += 1
            query = message.query
            self.call_after_refresh(self._drawn, query)

    def _drawn(self, query: str) -> None:
        self.drawn.setdefault(query, time.perf_counter())
        self.changed.set()


async def measure(demo: DemoServer, state_dir: Path, store_file: Path) -> dict[str, Any]:
    from tui.store.store import Store

    app = demo_app(demo, state_dir)
    samples: list[float] = []
    searches = 0
    keys = 0
    with Store(store_file) as store:
        counts = store.counts()
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for query in QUERIES:
                screen = TimedSearch(store=store, client=None, now=app.now)
                app.push_screen(screen)
                await pilot.pause()
                field = screen.query_one(Input)
                last_key = 0.0
                for index, char in enumerate(query):
                    if index:
                        await asyncio.sleep(KEY_GAP)
                    # Before the press: Pilot returns only once the app is idle again.
                    last_key = time.perf_counter()
                    await pilot.press(char)
                    keys += 1
                while query not in screen.drawn:
                    screen.changed.clear()
                    await screen.changed.wait()
                samples.append(screen.drawn[query] - last_key)
                searches += screen.searches
                assert field.value == query
                screen.dismiss(None)
                await pilot.pause()
    return {
        "bench": "app_search",
        "store_conversations": counts.conversations,
        "store_messages": counts.messages,
        "debounce_ms": DEBOUNCE * 1000,
        "key_gap_ms": KEY_GAP * 1000,
        "keys": keys,
        "searches_run": searches,
        "last_key_to_drawn_ms": latency_stats(samples),
        "target_ms": 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    args = parser.parse_args()
    if not args.store.exists():
        raise SystemExit(f"{args.store} is missing: run `python -m bench.sync_10k` first")
    emit(run_on_demo(lambda demo, state: measure(demo, state, args.store), timeout=600))


if __name__ == "__main__":
    main()
