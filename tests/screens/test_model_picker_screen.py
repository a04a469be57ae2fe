"""ModelPickerScreen: preselects the last model, returns slug and the temporary flag."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Checkbox, OptionList

from tui.screens.model_picker import (
    NO_MODELS_MESSAGE,
    TEMPORARY_LABEL,
    ModelChoice,
    ModelPickerScreen,
)

SIZE = (100, 36)
HOSTILE = "[/] [bold]x \x1b[2Jy"
"""A string that crashes markup parsing and would clear the terminal if passed through."""
HOSTILE_SHOWN = "[/] [bold]x y"
"""The same string as it must be shown: escape sequence gone, brackets literal."""

MODELS = [
    ("gpt-4o", "GPT-4o", "Our fastest model."),
    ("o1", "o1", "Reasons before answering."),
    ("gpt-4o-mini", "GPT-4o mini", ""),
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


def highlighted_slug(app: App[Any]) -> str | None:
    options = app.screen.query_one(OptionList)
    assert options.highlighted is not None
    return options.get_option_at_index(options.highlighted).id


@pytest.mark.anyio
async def test_last_used_model_is_preselected_and_enter_returns_it() -> None:
    app = Harness(ModelPickerScreen(MODELS, "o1"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert highlighted_slug(app) == "o1"
        assert app.screen.query_one(OptionList).has_focus
        text = screen_text(app)
        assert "New chat" in text
        assert "GPT-4o" in text
        assert "Our fastest model." in text
        assert TEMPORARY_LABEL in text
        assert "enter start chat · t temporary · esc cancel" in text
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="o1", temporary=False)]


@pytest.mark.anyio
async def test_arrows_move_and_no_selection_starts_at_the_top() -> None:
    app = Harness(ModelPickerScreen(MODELS, None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert highlighted_slug(app) == "gpt-4o"
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-4o-mini", temporary=False)]


@pytest.mark.anyio
async def test_t_toggles_temporary() -> None:
    app = Harness(ModelPickerScreen(MODELS, "gpt-4o"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert app.screen.query_one(Checkbox).value
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-4o", temporary=True)]


@pytest.mark.anyio
async def test_checkbox_with_space_then_enter_still_submits() -> None:
    app = Harness(ModelPickerScreen(MODELS, "o1"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab")
        assert app.screen.query_one(Checkbox).has_focus
        await pilot.press("space")
        assert app.screen.query_one(Checkbox).value
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="o1", temporary=True)]


@pytest.mark.anyio
async def test_initially_temporary() -> None:
    app = Harness(ModelPickerScreen(MODELS, "o1", temporary=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "t", "enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="o1", temporary=True)]


@pytest.mark.anyio
async def test_escape_returns_none() -> None:
    app = Harness(ModelPickerScreen(MODELS, "o1"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t", "escape")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.anyio
async def test_a_selected_slug_missing_from_the_list_is_still_offered() -> None:
    app = Harness(ModelPickerScreen(MODELS, "gpt-5"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert highlighted_slug(app) == "gpt-5"
        assert app.screen.query_one(OptionList).option_count == len(MODELS) + 1
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-5", temporary=False)]


@pytest.mark.anyio
async def test_duplicate_and_empty_slugs_are_dropped() -> None:
    models = [*MODELS, ("o1", "o1 again", ""), ("", "nameless", "")]
    app = Harness(ModelPickerScreen(models, None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(OptionList).option_count == len(MODELS)


@pytest.mark.anyio
async def test_no_models_enter_does_nothing() -> None:
    app = Harness(ModelPickerScreen([], None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert NO_MODELS_MESSAGE in screen_text(app)
        assert "start chat" not in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ModelPickerScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


@pytest.mark.anyio
async def test_hostile_titles_are_literal() -> None:
    models = [("gpt-[/]", f"Title {HOSTILE}", f"Desc {HOSTILE}"), ("o1", "[bold]", "[/]")]
    app = Harness(ModelPickerScreen(models, "o1"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert f"Title {HOSTILE_SHOWN}" in text
        assert "gpt-[/]" in text
        assert f"Desc {HOSTILE_SHOWN}" in text
        assert "[bold]" in text
        assert "[2J" not in text
        await pilot.press("up", "enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-[/]", temporary=False)]
