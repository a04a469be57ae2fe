"""HelpScreen: lists exactly what the app gives it, grouped, scrollable; escape/q/? close it."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.app import App
from textual.containers import VerticalScroll
from textual.screen import Screen

from tui.screens.help import HelpScreen, group_entries

SIZE = (100, 30)
HOSTILE = "[/] [bold]x \x1b[2Jy"
"""A string that crashes markup parsing and would clear the terminal if passed through."""
HOSTILE_SHOWN = "[/] [bold]x y"
"""The same string as it must be shown: escape sequence gone, brackets literal."""

ENTRIES = [
    ("Global", "ctrl+q", "Quit"),
    ("Global", "?", "Show the keys"),
    ("Sidebar", "r", "Rename conversation"),
    ("Messages", "left/right", "Previous / next branch"),
    ("Composer", "ctrl+enter", "Send"),
    ("Sidebar", "d", "Delete conversation"),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Harness(App[None]):
    """Pushes the screen under test and records what it dismissed with."""

    def __init__(self, screen: Screen[Any]) -> None:
        super().__init__()
        self.under_test = screen
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.under_test, self.results.append)


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


@pytest.mark.anyio
async def test_lists_every_entry_grouped_in_order() -> None:
    app = Harness(HelpScreen(ENTRIES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = rows(screen_text(app))
        groups = [lines.index(name) for name in ("Global", "Sidebar", "Messages", "Composer")]
        assert groups == sorted(groups)
        sidebar = lines.index("Sidebar")
        assert re.fullmatch(r"r\s+Rename conversation", lines[sidebar + 1])
        assert re.fullmatch(r"d\s+Delete conversation", lines[sidebar + 2])
        for _, key, description in ENTRIES:
            assert any(
                re.fullmatch(re.escape(key) + r"\s+" + re.escape(description), line)
                for line in lines
            ), key
        assert "esc close" in lines


@pytest.mark.anyio
@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_closing_keys(key: str) -> None:
    app = Harness(HelpScreen(ENTRIES))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
    assert app.results == [None]


@pytest.mark.anyio
async def test_long_lists_scroll() -> None:
    entries = [("Global", f"k{index}", f"Action number {index}") for index in range(80)]
    app = Harness(HelpScreen(entries))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        scroll = app.screen.query_one("#help-scroll", VerticalScroll)
        assert scroll.has_focus
        assert scroll.max_scroll_y > 0
        assert "Action number 0" in screen_text(app)
        assert "Action number 79" not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        assert "Action number 79" in screen_text(app)


@pytest.mark.anyio
async def test_empty_list_and_hostile_text() -> None:
    app = Harness(HelpScreen([]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "No keys to show." in screen_text(app)

    app = Harness(HelpScreen([(HOSTILE, "[/]", f"Do {HOSTILE}")], title=f"Keys {HOSTILE}"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert f"Keys {HOSTILE_SHOWN}" in text
        assert f"Do {HOSTILE_SHOWN}" in text
        assert "[2J" not in text


def test_group_entries_keeps_first_appearance_order() -> None:
    assert list(group_entries(ENTRIES)) == ["Global", "Sidebar", "Messages", "Composer"]
    assert group_entries(ENTRIES)["Sidebar"] == [
        ("r", "Rename conversation"),
        ("d", "Delete conversation"),
    ]
