"""ConfirmScreen: y/enter confirm, n/escape cancel, buttons, danger style, literal text."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button

from tui.screens.confirm import ConfirmScreen

SIZE = (100, 30)
HOSTILE = "[/] [bold]x \x1b[2Jy"
"""A string that crashes markup parsing and would clear the terminal if passed through."""
HOSTILE_SHOWN = "[/] [bold]x y"
"""The same string as it must be shown: escape sequence gone, brackets literal."""


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


def delete_dialog(title: str = "Trip plans") -> ConfirmScreen:
    return ConfirmScreen(
        f"Delete “{title}”?",
        "This hides it from your history on the server.",
        confirm_label="Delete",
        danger=True,
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("key", "expected"), [("y", True), ("enter", True), ("n", False), ("escape", False)]
)
async def test_keys(key: str, expected: bool) -> None:
    app = Harness(delete_dialog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert app.results == [expected]


@pytest.mark.anyio
async def test_shows_question_detail_buttons_and_hints() -> None:
    app = Harness(delete_dialog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Delete “Trip plans”?" in text
        assert "This hides it from your history on the server." in text
        assert "Cancel" in text
        assert "Delete" in text
        assert "y yes · n no" in text


@pytest.mark.anyio
async def test_enter_presses_the_focused_button() -> None:
    app = Harness(delete_dialog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None
        assert app.focused.id == "confirm-ok"
        await pilot.press("left")
        assert app.focused.id == "confirm-cancel"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [False]


@pytest.mark.anyio
async def test_clicking_confirm() -> None:
    app = Harness(delete_dialog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#confirm-ok")
        await pilot.pause()
    assert app.results == [True]


@pytest.mark.anyio
async def test_danger_style_and_custom_label() -> None:
    app = Harness(delete_dialog())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-danger")
        ok = screen.query_one("#confirm-ok", Button)
        assert ok.variant == "error"
        assert str(ok.label) == "Delete"


@pytest.mark.anyio
async def test_plain_dialog_is_not_danger() -> None:
    app = Harness(ConfirmScreen("Archive it?"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.screen.has_class("-danger")
        assert app.screen.query_one("#confirm-ok", Button).variant == "primary"
        assert "Confirm" in screen_text(app)
        assert not app.screen.query("#confirm-detail")


@pytest.mark.anyio
async def test_hostile_title_and_labels_are_shown_literally() -> None:
    app = Harness(
        ConfirmScreen(
            f"Delete “{HOSTILE}”?",
            f"Detail {HOSTILE}",
            confirm_label="[/]",
            cancel_label="[bold]no",
            title=HOSTILE,
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert f"Delete “{HOSTILE_SHOWN}”?" in text
        assert f"Detail {HOSTILE_SHOWN}" in text
        assert "[bold]no" in text
        assert "[2J" not in text
        assert str(app.screen.query_one("#confirm-ok", Button).label) == "[/]"
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [True]
