"""Regenerate ``screenshots/*.svg`` (shown by the README) from the demo backend.

    uv run python -m scripts.screenshots

Each shot drives the real app, headless at a fixed size and with a frozen clock, the way a user
would: open the top conversation, walk to a message with branches, open the rename dialog, the
account screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from tui.app import BackchatApp, create_demo_app
from tui.demo.server import DemoServer, start_demo_server
from tui.store.sync import sync_history
from tui.widgets.transcript import Transcript

SIZE = (120, 34)
"""Terminal size of every shot (columns, rows)."""
OUT = Path(__file__).parent.parent / "screenshots"

Steps = Callable[[Pilot[Any]], Awaitable[None]]


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until every worker is done and the screen has caught up.

    A worker replaced by a newer one in an exclusive group ends cancelled; that is expected.
    """
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()


async def open_top(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def branches(pilot: Pilot[Any]) -> None:
    await open_top(pilot)
    transcript = pilot.app.screen.query_one(Transcript)
    transcript.focus()
    for _ in range(len(transcript.views)):
        message = transcript.focused_message
        if message is not None and message.sibling_count > 1:
            break
        await pilot.press("up")
    await settle(pilot)


async def rename(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)


async def account(pilot: Pilot[Any]) -> None:
    await open_top(pilot)
    await pilot.press("f2")
    await settle(pilot)


async def search(pilot: Pilot[Any]) -> None:
    """ctrl+f over a local copy synced from the demo, "worker pool" typed."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, BackchatApp)
    store = app.main.search_store()  # the demo's copy: a temporary folder of the app's
    assert store is not None
    await sync_history(app.client, store)
    await pilot.press("ctrl+f")
    await settle(pilot)
    await pilot.press(*"worker pool")
    await settle(pilot)


async def find(pilot: Pilot[Any]) -> None:
    """/ in the open conversation, "the" typed, enter: the first match, "1 of N"."""
    await open_top(pilot)
    pilot.app.screen.query_one(Transcript).focus()
    await pilot.press("slash", *"the", "enter")
    await settle(pilot)


SHOTS: dict[str, Steps] = {
    "main": open_top,
    "branches": branches,
    "rename": rename,
    "account": account,
    "search": search,
    "find": find,
}


def make_app(server: DemoServer, state: Path) -> BackchatApp:
    """The app the tests build, with the default theme whatever the state file remembers."""
    return create_demo_app(server, state_path=state, theme=None)


async def shoot(name: str, steps: Steps, server: DemoServer, state: Path) -> Path:
    server.reset()
    app = make_app(server, state)
    async with app.run_test(size=SIZE) as pilot:
        await steps(pilot)
        svg = app.export_screenshot(title=f"backchat — {name}")
    path = OUT / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    with TemporaryDirectory() as folder, start_demo_server(pace=0.0) as server:
        for name, steps in SHOTS.items():
            path = await shoot(name, steps, server, Path(folder) / "state.json")
            print(path.relative_to(OUT.parent))


if __name__ == "__main__":
    asyncio.run(main())
