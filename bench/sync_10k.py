"""``backchat sync`` of 10,000 demo conversations into an empty store, then again unchanged.

Run: ``uv run python -m bench.sync_10k [--conversations N] [--store FILE]``. The demo backend
runs as ``backchat serve-demo --conversations N`` in a child process and the sync as
``backchat sync`` in another, as a user would run them, so the peak RSS reported is the sync
process's alone (target: under 150 MiB) and the second, unchanged sync's wall time includes
the interpreter's start-up (target: under 2 s). The store is kept for bench.search_store.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench._common import emit

DEFAULT_STORE = Path(os.environ.get("TMPDIR", "/tmp")) / "backchat-bench" / "sync_10k.sqlite3"
"""Where the store is left for bench.search_store."""
TOKEN = "demo-token-backchat"
SYNC = (sys.executable, "-m", "tui")


def user_env(store: Path) -> dict[str, str]:
    """The children's environment, with bytecode caches as users have them.

    This sandbox sets PYTHONDONTWRITEBYTECODE, which makes every process compile its imports
    from source (~0.6 s of the unchanged sync); the caches go to a prefix beside the store, so
    neither the repo nor the venv is written to (as in bench/app_startup.py).
    """
    env = {**os.environ, "OPENAI_ACCESS_TOKEN": TOKEN, "XDG_CONFIG_HOME": str(store.parent)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(store.parent / "pycache")
    return env


def start_demo(count: int, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve-demo", "--conversations", str(count)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line.startswith("url: "):
        child.kill()
        raise SystemExit(f"the demo did not start: {line!r}")
    return child, line.removeprefix("url: ").strip()


def request_count(base_url: str) -> int:
    connection = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=60)
    connection.request("GET", "/_demo/requests", headers={"Authorization": f"Bearer {TOKEN}"})
    count = len(json.loads(connection.getresponse().read()))
    connection.close()
    return count


def run_sync(base_url: str, store: Path, jobs: int) -> dict[str, Any]:
    env = user_env(store)
    before = request_count(base_url)
    started = time.perf_counter()
    result = subprocess.run(
        [*SYNC, "--base-url", base_url, "sync", "--store", str(store), "--jobs", str(jobs)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    requests = request_count(base_url) - before
    return {
        "wall_s": round(wall, 2),
        "requests": requests,
        "requests_per_s": round(requests / wall, 1),
        "exit": result.returncode,
        "summary": result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    args = parser.parse_args()
    store: Path = args.store
    store.parent.mkdir(parents=True, exist_ok=True)
    for leftover in store.parent.glob(store.name + "*"):
        leftover.unlink()
    # One run of the command first, so the second sync finds bytecode caches as a user would.
    subprocess.run([*SYNC, "--help"], env=user_env(store), capture_output=True, check=False)
    demo, base_url = start_demo(args.conversations, user_env(store))
    try:
        first = run_sync(base_url, store, args.jobs)
        # ru_maxrss of RUSAGE_CHILDREN: the largest waited-for child, i.e. the sync (the demo
        # child is still running and not counted yet).
        first["peak_rss_mib"] = round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        )
        second = run_sync(base_url, store, args.jobs)
    finally:
        demo.terminate()
        demo.wait(10)
    size = sum(path.stat().st_size for path in store.parent.glob(store.name + "*"))
    emit(
        {
            "bench": "sync_10k",
            "conversations": args.conversations,
            "jobs": args.jobs,
            "first_sync": first,
            "second_sync_unchanged": second,
            "store_mib": round(size / 2**20, 1),
            "store": str(store),
            "targets": {"peak_rss_mib": 150, "second_sync_s": 2.0},
        }
    )


if __name__ == "__main__":
    main()
