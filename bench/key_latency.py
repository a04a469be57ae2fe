"""Benchmark: how fast ``j`` and ``PageDown`` change the screen in the 520-message conversation,
measured from outside, in a real terminal (tmux at 160×48).

The app runs as ``backchat --demo`` in a pane of a private tmux server (its own socket, no
config, no client attached: tmux still parses every byte the app writes), with a clean
environment and a home of its own. The harness reads the screen with ``tmux capture-pane`` in a
tight loop, so it sees what a user's terminal would show, with the app's whole path counted:
the key's bytes through the pty, Textual's parser, the binding, the action, the layout, the
render, the bytes written back.

One run: start the app, wait for the list, open the long conversation (``Down``, ``Enter``:
it is the second row), press ``tab`` (the messages take the focus) and ``Home`` (the first
message), then press each timed key :data:`PRESSES` times: ``j`` moves the focus one message
down (the view follows), ``PageDown`` scrolls a page. For each press: the screen is captured,
the key sent, and the screen polled until it differs ("first change", the figure the target is
about); then until it has not changed for :data:`SETTLE_S` ("settled": the last change, e.g.
the end of a smooth scroll). Medians per key over every press of every counted run; the first
run warms the machine's caches and is not counted.

Target: ``j`` and ``PageDown`` first change under 25 ms (median).

Run: ``uv run python -m bench.key_latency`` (``--runs``, ``--presses``; ``--compare PATH`` runs
another build's ``backchat`` in turn with this one, for a before/after on a busy machine).
Needs ``tmux``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._common import emit

WIDTH, HEIGHT = 160, 48
SOCKET = f"backchat-keylat-{os.getpid()}"
"""A tmux server of this run's own: other tmux users on the machine are never touched."""
SESSION = "keylat"
POLL_S = 0.002
"""Seconds between two screen captures (one capture costs about 2 ms)."""
SETTLE_S = 0.3
"""A screen unchanged this long has settled."""
TIMEOUT_S = 60.0
PRESSES = 20
RUNS = 3
KEYS = ("j", "PageDown")
TARGET_MS = 25.0
READY_TEXT = "Conversations · "
OPENED_TEXT = "520 messages"
NEWEST_TEXT = "message 520 of 520"
FOCUSED_SUFFIX = " of 520 · "


def tmux(*args: str, check: bool = True) -> str:
    done = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check
    )
    return done.stdout


def capture(*, styles: bool = False) -> str:
    """The screen's text; with ``styles``, its colours too (a moved highlight shows)."""
    return tmux("capture-pane", "-p", *(["-e"] if styles else []), "-t", SESSION)


def wait_screen(condition: Callable[[str], bool], what: str) -> tuple[float, str]:
    """Poll until ``condition(screen)``; returns when (perf_counter) and the screen."""
    deadline = time.perf_counter() + TIMEOUT_S
    while True:
        screen = capture()
        now = time.perf_counter()
        if condition(screen):
            return now, screen
        if now > deadline:
            raise TimeoutError(f"timed out waiting for {what}:\n{screen}")
        time.sleep(POLL_S)


def settle(screen: str) -> tuple[float, str]:
    """Poll until the screen has not changed for :data:`SETTLE_S`; the last change's time."""
    last_change = time.perf_counter()
    while time.perf_counter() - last_change < SETTLE_S:
        time.sleep(POLL_S)
        now_screen = capture()
        if now_screen != screen:
            screen, last_change = now_screen, time.perf_counter()
    return last_change, screen


def press(key: str) -> dict[str, float | None]:
    """Send one key; ms until the screen first changed, and until it settled."""
    before = capture()
    sent = time.perf_counter()
    tmux("send-keys", "-t", SESSION, key)
    try:
        changed, screen = wait_screen(lambda s: s != before, f"{key} to change the screen")
    except TimeoutError:
        return {"first_change_ms": None, "settled_ms": None}
    settled, _ = settle(screen)
    return {
        "first_change_ms": (changed - sent) * 1000,
        "settled_ms": (settled - sent) * 1000,
    }


def one_run(backchat: Path, presses: int) -> dict[str, list[dict[str, float | None]]]:
    with tempfile.TemporaryDirectory() as home:
        # A clean environment and a home of its own each run: no user config or keyring, and
        # no state from the run before (the list would start on the last conversation opened).
        env = (
            f"env -i HOME={shlex.quote(home)} PATH=/usr/bin:/bin TERM=tmux-256color "
            "COLORTERM=truecolor LANG=C.UTF-8"
        )
        return timed_run(f"exec {env} {shlex.quote(str(backchat))} --demo", presses)


def timed_run(command: str, presses: int) -> dict[str, list[dict[str, float | None]]]:
    tmux("respawn-pane", "-k", "-t", SESSION, command)
    wait_screen(lambda s: READY_TEXT in s, "the list")
    # Untimed set-up: let start-up finish (the model list, the focus) before the first key.
    time.sleep(1.0)
    settle(capture())
    for key in ("Down", "Enter"):
        # One at a time, each once the screen has taken the one before.
        before = capture(styles=True)
        tmux("send-keys", "-t", SESSION, key)
        deadline = time.perf_counter() + TIMEOUT_S
        while capture(styles=True) == before and time.perf_counter() < deadline:
            time.sleep(POLL_S)
        settle(capture())
    wait_screen(lambda s: OPENED_TEXT in s, "the long conversation")
    settle(capture())
    # One at a time: each waits for the focus the one before it moved.
    tmux("send-keys", "-t", SESSION, "Tab")
    wait_screen(lambda s: NEWEST_TEXT in s, "the newest message focused")
    tmux("send-keys", "-t", SESSION, "Home")
    # A message near the top has the focus ("message 1 of 520"; builds before this one
    # focused the fourth after home, which changes nothing measured here).
    wait_screen(lambda s: NEWEST_TEXT not in s and FOCUSED_SUFFIX in s, "the top focused")
    settle(capture())
    results = {key: [press(key) for _ in range(presses)] for key in KEYS}
    tmux("respawn-pane", "-k", "-t", SESSION, "sleep 100000")
    return results


def summary(samples: list[float | None]) -> dict[str, Any]:
    values = sorted(value for value in samples if value is not None)
    if not values:
        return {"n": 0, "no_change": len(samples)}
    return {
        "n": len(values),
        "median": round(statistics.median(values), 1),
        "p90": round(values[min(len(values) - 1, int(len(values) * 0.9))], 1),
        "min": round(values[0], 1),
        "max": round(values[-1], 1),
        "no_change": len(samples) - len(values),
    }


def key_results(runs: list[dict[str, list[dict[str, float | None]]]]) -> dict[str, Any]:
    """Per key: first change and settle times over every press, and each run's median."""
    keys: dict[str, Any] = {}
    for key in KEYS:
        presses = [sample for run in runs for sample in run[key]]
        keys[key] = {
            "first_change_ms": summary([p["first_change_ms"] for p in presses]),
            "settled_ms": summary([p["settled_ms"] for p in presses]),
            "per_run_median_ms": [
                summary([p["first_change_ms"] for p in run[key]]).get("median") for run in runs
            ],
        }
    return keys


def meets_target(keys: dict[str, Any]) -> bool:
    return all((keys[key]["first_change_ms"].get("median") or 1e9) < TARGET_MS for key in KEYS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="counted runs (after a warm-up)")
    parser.add_argument("--presses", type=int, default=PRESSES, help="presses per key per run")
    parser.add_argument(
        "--compare",
        type=Path,
        help="another backchat executable (e.g. main's): runs alternate between the two, so "
        "a loaded machine weighs on both alike",
    )
    args = parser.parse_args(argv)
    apps = {"this": Path(sys.executable).parent / "backchat"}
    if args.compare is not None:
        apps["compared"] = args.compare
    subprocess.run(
        ["tmux", "-L", SOCKET, "-f", "/dev/null", "new-session", "-d", "-s", SESSION,
         "-x", str(WIDTH), "-y", str(HEIGHT), "sleep 100000"],
        check=True,
    )  # fmt: skip
    runs: dict[str, list[dict[str, list[dict[str, float | None]]]]] = {name: [] for name in apps}
    loads: list[float] = []
    try:
        tmux("set", "-g", "window-size", "manual")
        tmux("set", "-g", "default-terminal", "tmux-256color")
        tmux("set", "-g", "remain-on-exit", "on")
        for backchat in apps.values():
            one_run(backchat, max(3, args.presses // 4))  # warm-up, not counted
        for _ in range(args.runs):
            for name, backchat in apps.items():
                runs[name].append(one_run(backchat, args.presses))
                loads.append(os.getloadavg()[0])
    finally:
        tmux("kill-server", check=False)
    keys = key_results(runs["this"])
    result: dict[str, Any] = {
        "benchmark": "key_latency",
        "terminal": f"tmux {WIDTH}x{HEIGHT}",
        "runs": args.runs,
        "presses": args.presses,
        "keys": keys,
        "target_ms": TARGET_MS,
        "meets_target": meets_target(keys),
        "load_average": {"min": min(loads), "max": max(loads)},
    }
    if args.compare is not None:
        compared = key_results(runs["compared"])
        result["compared"] = {
            "app": str(args.compare),
            "keys": compared,
            "meets_target": meets_target(compared),
        }
    emit(result)


if __name__ == "__main__":
    main()
