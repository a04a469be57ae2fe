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
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.app import BackchatApp
    from tui.demo.server import DemoServer


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
    """The app on ``demo``, built by the tests' factory: frozen clock, no keyring, no blink.

    Keyword arguments override fields of the settings (``page_size=100``...).
    """
    from tui.app import create_demo_app

    return create_demo_app(demo, state_path=state_dir / "state.json", **overrides)
