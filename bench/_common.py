"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.app import BackchatApp
    from tui.demo.server import DemoServer

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
"""The clock the benchmarked apps see: the demo's history is from October 2026."""


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(result: dict[str, Any]) -> None:
    """Print the benchmark's result as one JSON object, with the machine it ran on."""
    result = {**result, "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2, sort_keys=True))


def latency_stats(samples: list[float]) -> dict[str, float]:
    """Count, p50, p95 and max of durations given in seconds, reported in ms."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered) * 1000, 1),
        "p95": round(p95 * 1000, 1),
        "max": round(ordered[-1] * 1000, 1),
    }


def run_on_demo(
    run: Callable[[DemoServer, Path], Awaitable[dict[str, Any]]], timeout: float
) -> dict[str, Any]:
    """Run ``run`` against a fresh in-process demo backend, with a state dir of its own.

    ``timeout`` bounds the whole run: the waits inside poll without timeouts of their own.
    """
    from tui.demo.server import start_demo_server

    demo = start_demo_server(pace=0.0)
    try:
        with tempfile.TemporaryDirectory() as state_dir:
            return asyncio.run(asyncio.wait_for(run(demo, Path(state_dir)), timeout))
    finally:
        demo.stop()


def demo_app(demo: DemoServer, state_dir: Path, **overrides: Any) -> BackchatApp:
    """The app on ``demo``, as the tests build it: frozen clock, no keyring, no cursor blink.

    Keyword arguments override fields of the settings (``page_size=100``...).
    """
    from dataclasses import replace

    from tui.__main__ import demo_settings
    from tui.app import create_app
    from tui.config import Settings

    settings = replace(demo_settings(Settings(), demo.base_url, demo.token), **overrides)
    return create_app(
        settings,
        now=lambda: NOW,
        use_keyring=False,
        state_path=state_dir / "state.json",
        cursor_blink=False,
    )
