"""What every screen test needs: an app that shows one screen, and that screen read as text."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

HOSTILE = "[/] [bold]x \x1b[2Jy"
"""A string that crashes markup parsing and would clear the terminal if passed through."""
HOSTILE_SHOWN = "[/] [bold]x y"
"""The same string as it must be shown: escape sequence gone, brackets literal."""


class Harness(App[None]):
    """Pushes the screen under test and records what it dismissed with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.under_test = screen
        """The screen pushed on mount."""
        self.results: list[object] = []
        """What the screen was dismissed with, in order."""

    def on_mount(self) -> None:
        self.push_screen(self.under_test, self.results.append)


@asynccontextmanager
async def running(app: Harness, size: tuple[int, int]) -> AsyncIterator[Pilot[None]]:
    """Run the harness at a pinned terminal size, once the pushed screen has mounted."""
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        yield pilot


async def results_after(screen: Screen[Any], size: tuple[int, int], *keys: str) -> list[object]:
    """Show the screen, press the keys, and return what it was dismissed with."""
    app = Harness(screen)
    async with running(app, size) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    return app.results


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the screen's workers, then for the messages they posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: App[Any]) -> str:
    """What is on screen, one line per row (from the SVG screenshot)."""
    rows: dict[float, list[str]] = {}
    svg = app.export_screenshot()
    for y, body in re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        rows.setdefault(float(y), []).append(html.unescape(body).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(rows.items()))


def rows(text: str) -> list[str]:
    """The non-empty rows of the dialog, without its border."""
    stripped = (line.strip().strip("│").strip() for line in text.splitlines())
    return [line for line in stripped if line]


def shown_static(app: App[Any], selector: str) -> str:
    """The text of a Static on the current screen, or "" while it is hidden."""
    static = app.screen.query_one(selector, Static)
    return str(static.render()) if static.display else ""
