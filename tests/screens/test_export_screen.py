"""ExportScreen: scope and format with keys, the suggested name follows the format, bad paths."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, RadioSet

from tests.screens.harness import (
    HOSTILE,
    HOSTILE_SHOWN,
    Harness,
    results_after,
    running,
    screen_text,
    shown_static,
)
from tui.screens.export_dialog import (
    EMPTY_PATH_MESSAGE,
    FOLDER_MESSAGE,
    ExportChoice,
    ExportScreen,
    slugify,
)

SIZE = (100, 36)
DAY = date(2024, 5, 1)
"""The conversation's date in the suggested names."""


def path_value(app: Harness) -> str:
    return app.screen.query_one("#export-path", Input).value


def set_path(app: Harness, typed: str) -> None:
    app.screen.query_one("#export-path", Input).value = typed


def error_text(app: Harness) -> str:
    return shown_static(app, "#export-error")


async def choose_json(pilot: Any) -> None:
    """Tab to the format set, move to JSON and pick it with space."""
    await pilot.press("tab")
    assert pilot.app.focused.id == "export-format"
    await pilot.press("down", "space")
    await pilot.pause()


async def submit_path(directory: Path, typed: str) -> list[object]:
    """Type a path into the dialog for "Notes", press enter, return what it gave back."""
    app = Harness(ExportScreen("Notes", day=DAY, directory=directory))
    async with running(app, SIZE) as pilot:
        set_path(app, typed)
        await pilot.press("enter")
        await pilot.pause()
    return app.results


@pytest.mark.anyio
async def test_defaults_return_branch_markdown_and_the_suggested_path(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Trip plans: Japan!", day=DAY, directory=tmp_path))
    async with running(app, SIZE) as pilot:
        assert path_value(app) == "trip-plans-japan_branch_2024-05-01.md"
        text = screen_text(app)
        assert "Export conversation" in text
        assert "Trip plans: Japan!" in text
        assert "enter export · esc cancel" in text
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [
        ExportChoice("branch", "markdown", tmp_path / "trip-plans-japan_branch_2024-05-01.md")
    ]
    assert isinstance(app.results[0], ExportChoice)


@pytest.mark.anyio
async def test_switching_format_updates_the_suggested_extension(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", day=DAY, directory=tmp_path))
    async with running(app, SIZE) as pilot:
        await choose_json(pilot)
        assert path_value(app) == "notes_branch_2024-05-01.json"
        await pilot.press("up", "space")
        await pilot.pause()
        assert path_value(app) == "notes_branch_2024-05-01.md"
        await pilot.press("down", "space", "enter")
        await pilot.pause()
    assert app.results == [
        ExportChoice("branch", "json", tmp_path / "notes_branch_2024-05-01.json")
    ]


@pytest.mark.anyio
async def test_an_edited_path_is_left_alone(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", day=DAY, directory=tmp_path))
    async with running(app, SIZE) as pilot:
        field = app.screen.query_one("#export-path", Input)
        field.focus()
        await pilot.press("end", "backspace", "backspace", *"txt")
        assert path_value(app) == "notes_branch_2024-05-01.txt"
        await pilot.press("shift+tab")
        await pilot.press("down", "space")
        await pilot.pause()
        assert app.screen.query_one("#export-format", RadioSet).pressed_index == 1
        assert path_value(app) == "notes_branch_2024-05-01.txt"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("branch", "json", tmp_path / "notes_branch_2024-05-01.txt")]


@pytest.mark.anyio
async def test_whole_tree_scope(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", day=DAY, directory=tmp_path))
    async with running(app, SIZE) as pilot:
        assert app.focused is not None
        assert app.focused.id == "export-scope"
        await pilot.press("down", "space")
        await pilot.pause()
        assert path_value(app) == "notes_tree_2024-05-01.md"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("tree", "markdown", tmp_path / "notes_tree_2024-05-01.md")]


@pytest.mark.anyio
async def test_initial_choices_are_honoured(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", day=DAY, directory=tmp_path, scope="tree", fmt="json"))
    async with running(app, SIZE) as pilot:
        assert path_value(app) == "notes_tree_2024-05-01.json"
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ExportChoice("tree", "json", tmp_path / "notes_tree_2024-05-01.json")]


@pytest.mark.anyio
async def test_empty_path_is_refused_inline(tmp_path: Path) -> None:
    app = Harness(ExportScreen("Notes", day=DAY, directory=tmp_path))
    async with running(app, SIZE) as pilot:
        set_path(app, "   ")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, ExportScreen)
        assert error_text(app) == EMPTY_PATH_MESSAGE
        assert EMPTY_PATH_MESSAGE in screen_text(app)


@pytest.mark.anyio
async def test_a_folder_is_refused_inline(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    app = Harness(ExportScreen("Notes", day=DAY, directory=tmp_path))
    async with running(app, SIZE) as pilot:
        set_path(app, "out")
        await pilot.press("enter")
        await pilot.pause()
        assert app.results == []
        assert error_text(app) == FOLDER_MESSAGE


@pytest.mark.anyio
async def test_absolute_and_home_paths(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "x.md"
    assert await submit_path(tmp_path / "base", str(target)) == [
        ExportChoice("branch", "markdown", target)
    ]
    assert await submit_path(tmp_path, "~/notes.md") == [
        ExportChoice("branch", "markdown", Path.home() / "notes.md")
    ]


@pytest.mark.anyio
async def test_default_directory_is_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert await results_after(ExportScreen("Notes", day=DAY), SIZE, "enter") == [
        ExportChoice("branch", "markdown", tmp_path / "notes_branch_2024-05-01.md")
    ]


@pytest.mark.anyio
async def test_escape_cancels(tmp_path: Path) -> None:
    screen = ExportScreen("Notes", day=DAY, directory=tmp_path)
    assert await results_after(screen, SIZE, "escape") == [None]


@pytest.mark.anyio
async def test_hostile_title_is_literal(tmp_path: Path) -> None:
    app = Harness(ExportScreen(HOSTILE, day=DAY, directory=tmp_path))
    async with running(app, SIZE):
        text = screen_text(app)
        assert HOSTILE_SHOWN in text
        assert "[2J" not in text
        assert path_value(app) == "bold-x-y_branch_2024-05-01.md"


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
