"""ExportScreen: scope and format with keys, the suggested name follows the format, bad paths."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, RadioSet, Static

from tui.screens.export import (
    EMPTY_PATH_MESSAGE,
    FOLDER_MESSAGE,
    ExportChoice,
    ExportScreen,
    slugify,
    suggested_name,
)

SIZE = (100, 36)
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


def path_value(app: App[Any]) -> str:
    return app.screen.query_one("#export-path", Input).value


def error_text(app: App[Any]) -> str:
    error = app.screen.query_one("#export-error", Static)
    return str(error.render()) if error.display else ""


async def choose_json(pilot: Any) -> None:
    """Tab to the format set, move to JSON and pick it with space."""
    await pilot.press("tab")
    assert pilot.app.focused.id == "export-format"
    await pilot.press("down", "space")
    await pilot.pause()


@pytest.mark.anyio
async def test_defaults_return_branch_markdown_and_the_suggested_path(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Trip plans: Japan!", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert path_value(app) == "trip-plans-japan.md"
        text = screen_text(app)
        assert "Export conversation" in text
        assert "Trip plans: Japan!" in text
        assert "enter export · esc cancel" in text
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("branch", "markdown", tmp_path / "trip-plans-japan.md")]
    assert isinstance(app.results[0], ExportChoice)


@pytest.mark.anyio
async def test_switching_format_updates_the_suggested_extension(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose_json(pilot)
        assert path_value(app) == "notes.json"
        await pilot.press("up", "space")
        await pilot.pause()
        assert path_value(app) == "notes.md"
        await pilot.press("down", "space", "enter")
        await pilot.pause()
    assert app.results == [ExportChoice("branch", "json", tmp_path / "notes.json")]


@pytest.mark.anyio
async def test_an_edited_path_is_left_alone(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#export-path", Input)
        field.focus()
        await pilot.press("end", "backspace", "backspace", *"txt")
        assert path_value(app) == "notes.txt"
        await pilot.press("shift+tab")
        await pilot.press("down", "space")
        await pilot.pause()
        assert app.screen.query_one("#export-format", RadioSet).pressed_index == 1
        assert path_value(app) == "notes.txt"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("branch", "json", tmp_path / "notes.txt")]


@pytest.mark.anyio
async def test_whole_tree_scope(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is not None
        assert app.focused.id == "export-scope"
        await pilot.press("down", "space", "enter")
        await pilot.pause()
    assert app.results == [ExportChoice("tree", "markdown", tmp_path / "notes.md")]


@pytest.mark.anyio
async def test_initial_choices_are_honoured(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", directory=tmp_path, scope="tree", fmt="json"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert path_value(app) == "notes.json"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("tree", "json", tmp_path / "notes.json")]


@pytest.mark.anyio
async def test_empty_path_is_refused_inline(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = "   "
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, ExportScreen)
        assert error_text(app) == EMPTY_PATH_MESSAGE
        assert EMPTY_PATH_MESSAGE in screen_text(app)


@pytest.mark.anyio
async def test_a_folder_is_refused_inline(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    app = Harness(ExportScreen("Notes", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = "out"
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert error_text(app) == FOLDER_MESSAGE


@pytest.mark.anyio
async def test_absolute_and_home_paths(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "x.md"
    app = Harness(ExportScreen("Notes", directory=tmp_path / "base"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("branch", "markdown", target)]

    app = Harness(ExportScreen("Notes", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = "~/notes.md"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("branch", "markdown", Path.home() / "notes.md")]


@pytest.mark.anyio
async def test_default_directory_is_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = Harness(ExportScreen("Notes"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("branch", "markdown", tmp_path / "notes.md")]


@pytest.mark.anyio
async def test_escape_cancels(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.anyio
async def test_hostile_title_is_literal(tmp_path: Path) -> None:
    app = Harness(ExportScreen(HOSTILE, directory=tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert HOSTILE_SHOWN in text
        assert "[2J" not in text
        assert path_value(app) == "bold-x-y.md"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello, World!", "hello-world"),
        ("  Trip -- plans  ", "trip-plans"),
        ("snake_case_title", "snake-case-title"),
        ("物流优化问题", "物流优化问题"),
        ("", "conversation"),
        (None, "conversation"),
        ("!!!", "conversation"),
        ("../../etc/passwd", "etc-passwd"),
        ("a" * 100, "a" * 60),
    ],
)
def test_slugify(title: str | None, slug: str) -> None:
    assert slugify(title) == slug


def test_suggested_name() -> None:
    assert suggested_name("Notes", "markdown") == "notes.md"
    assert suggested_name("Notes", "json") == "notes.json"
