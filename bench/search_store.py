"""Search over the store bench.sync_10k left behind, as a user types: one query per key.

Run: ``uv run python -m bench.search_store [--store FILE]`` after ``python -m bench.sync_10k``.
Each query below is typed letter by letter; every prefix is searched the way the app does
while typing (``as_you_type``: the last word is a prefix), 20 hits with snippets. Target: p95
under 30 ms per query. Also reported: opening the store and the first query on it (cold).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench._common import emit, latency_stats
from bench.sync_10k import DEFAULT_STORE

QUERIES = (
    "csv parsing",
    "retry budget",
    "connection pool",
    '"buffered reader"',
    "deadline -python",
    "sourdough starter",
    "rust async runtime",
    "how do i",
    "the",
    "packing list lisbon",
)
"""What users type: common and rare words, a phrase, an exclusion, stop-word-like words."""
LIMIT = 20
"""Hits a results list shows at first."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    args = parser.parse_args()
    if not args.store.exists():
        raise SystemExit(f"{args.store} is missing: run `python -m bench.sync_10k` first")
    from tui.store import Store

    started = time.perf_counter()
    store = Store(args.store)
    opened = time.perf_counter() - started
    first = time.perf_counter()
    store.search("csv", LIMIT, as_you_type=True)
    cold = time.perf_counter() - first
    samples: list[float] = []
    slowest: tuple[float, str] = (0.0, "")
    hits = 0
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            typed = query[:end]
            begin = time.perf_counter()
            found = store.search(typed, LIMIT, as_you_type=True)
            took = time.perf_counter() - begin
            samples.append(took)
            hits += len(found)
            slowest = max(slowest, (took, typed))
    counts = store.counts()
    store.close()
    emit(
        {
            "bench": "search_store",
            "store": str(args.store),
            "conversations": counts.conversations,
            "message_rows": counts.messages,
            "open_ms": round(opened * 1000, 1),
            "first_query_cold_ms": round(cold * 1000, 1),
            "per_keystroke_ms": latency_stats(samples),
            "slowest_query": {"typed": slowest[1], "ms": round(slowest[0] * 1000, 1)},
            "hits_returned": hits,
            "target_p95_ms": 30,
        }
    )


if __name__ == "__main__":
    main()
