"""RenameScreen driven with keys: pre-filled and selected, trimmed, empty and long refused."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from tui.screens.rename import EMPTY_MESSAGE, MAX_TITLE_LENGTH, RenameScreen

SIZE = (100, 30)
HOSTILE = "[/] [bold]x \x1b[2Jy"
"""A title that crashes markup parsing and would clear the terminal if passed through."""
HOSTILE_SHOWN = "[/] [bold]x y"
"""The same title as it must be shown: escape sequence gone, brackets literal."""


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


def error_text(app: App[Any]) -> str:
    error = app.screen.query_one("#rename-error", Static)
    return str(error.render()) if error.display else ""


@pytest.mark.anyio
async def test_prefilled_selected_with_cursor_at_end() -> None:
    app = Harness(RenameScreen("Old title"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.has_focus
        assert field.value == "Old title"
        assert field.selection == Selection(0, len("Old title"))
        assert field.cursor_position == len("Old title")
        text = screen_text(app)
        assert "Rename conversation" in text
        assert "enter rename · esc cancel" in text


@pytest.mark.anyio
async def test_typing_replaces_the_selection_and_enter_submits() -> None:
    app = Harness(RenameScreen("Old title"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"New", "enter")
        await pilot.pause()
    assert app.results == ["New"]


@pytest.mark.anyio
async def test_end_keeps_the_title_for_editing() -> None:
    app = Harness(RenameScreen("Old"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end", "space", *"v2", "enter")
        await pilot.pause()
    assert app.results == ["Old v2"]


@pytest.mark.anyio
async def test_submitted_title_is_trimmed() -> None:
    app = Harness(RenameScreen("Old"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "space", *"Trimmed", "space", "enter")
        await pilot.pause()
    assert app.results == ["Trimmed"]


@pytest.mark.anyio
async def test_empty_title_is_refused_inline_and_the_dialog_stays() -> None:
    app = Harness(RenameScreen("Old"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("backspace", "space", "space", "enter")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, RenameScreen)
        assert error_text(app) == EMPTY_MESSAGE
        assert EMPTY_MESSAGE in screen_text(app)
        # Typing a real title afterwards still works, and the message goes away.
        await pilot.press(*"ok")
        await pilot.pause()
        assert error_text(app) == ""
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["ok"]


@pytest.mark.anyio
async def test_too_long_title_is_refused_with_a_message() -> None:
    app = Harness(RenameScreen("Old"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one(Input).value = "x" * (MAX_TITLE_LENGTH + 1)  # as if pasted
        await pilot.pause()
        assert f"at most {MAX_TITLE_LENGTH} characters" in error_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, RenameScreen)
        await pilot.press("end", "backspace", "enter")
        await pilot.pause()
    assert app.results == ["x" * MAX_TITLE_LENGTH]


@pytest.mark.anyio
async def test_escape_cancels_with_none() -> None:
    app = Harness(RenameScreen("Old"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"changed", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, RenameScreen)
    assert app.results == [None]


@pytest.mark.anyio
async def test_hostile_title_is_shown_literally() -> None:
    app = Harness(RenameScreen(HOSTILE))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(Input).value == HOSTILE_SHOWN
        text = screen_text(app)
        assert HOSTILE_SHOWN in text
        assert "[2J" not in text
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [HOSTILE_SHOWN]


@pytest.mark.anyio
async def test_a_remapped_key_submits_and_the_hints_follow() -> None:
    app = Harness(RenameScreen("Old"))
    app.set_keymap({"rename.submit": "ctrl+s"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "^s rename · esc cancel" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == ["Old"]
