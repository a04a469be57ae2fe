"""ModelPickerScreen: preselects the last model, returns slug and the temporary flag."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, OptionList

from tests.screens.harness import (
    HOSTILE,
    HOSTILE_SHOWN,
    Harness,
    results_after,
    running,
    screen_text,
)
from tui.screens.model_picker import (
    NO_MODELS_MESSAGE,
    TEMPORARY_LABEL,
    ModelChoice,
    ModelPickerScreen,
)

SIZE = (100, 36)

MODELS = [
    ("gpt-4o", "GPT-4o", "Our fastest model."),
    ("o1", "o1", "Reasons before answering."),
    ("gpt-4o-mini", "GPT-4o mini", ""),
]


def highlighted_slug(app: Harness) -> str | None:
    options = app.screen.query_one(OptionList)
    assert options.highlighted is not None
    return options.get_option_at_index(options.highlighted).id


@pytest.mark.anyio
async def test_last_used_model_is_preselected_and_enter_returns_it() -> None:
    app = Harness(ModelPickerScreen(MODELS, "o1"))
    async with running(app, SIZE) as pilot:
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
    async with running(app, SIZE) as pilot:
        assert highlighted_slug(app) == "gpt-4o"
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-4o-mini", temporary=False)]


@pytest.mark.anyio
async def test_t_toggles_temporary() -> None:
    app = Harness(ModelPickerScreen(MODELS, "gpt-4o"))
    async with running(app, SIZE) as pilot:
        await pilot.press("t")
        assert app.screen.query_one(Checkbox).value
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-4o", temporary=True)]


@pytest.mark.anyio
async def test_checkbox_with_space_then_enter_still_submits() -> None:
    app = Harness(ModelPickerScreen(MODELS, "o1"))
    async with running(app, SIZE) as pilot:
        await pilot.press("tab")
        assert app.screen.query_one(Checkbox).has_focus
        await pilot.press("space")
        assert app.screen.query_one(Checkbox).value
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="o1", temporary=True)]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("temporary", "keys", "result"),
    [
        pytest.param(True, ["t", "t", "enter"], ModelChoice("o1", True), id="initially-temporary"),
        pytest.param(False, ["t", "escape"], None, id="escape-returns-none"),
    ],
)
async def test_keys_dismiss_with(temporary: bool, keys: list[str], result: object) -> None:
    screen = ModelPickerScreen(MODELS, "o1", temporary=temporary)
    assert await results_after(screen, SIZE, *keys) == [result]


@pytest.mark.anyio
async def test_a_selected_slug_missing_from_the_list_is_still_offered() -> None:
    app = Harness(ModelPickerScreen(MODELS, "gpt-5"))
    async with running(app, SIZE) as pilot:
        assert highlighted_slug(app) == "gpt-5"
        assert app.screen.query_one(OptionList).option_count == len(MODELS) + 1
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-5", temporary=False)]


@pytest.mark.anyio
async def test_duplicate_and_empty_slugs_are_dropped() -> None:
    models = [*MODELS, ("o1", "o1 again", ""), ("", "nameless", "")]
    app = Harness(ModelPickerScreen(models, None))
    async with running(app, SIZE):
        assert app.screen.query_one(OptionList).option_count == len(MODELS)


@pytest.mark.anyio
async def test_no_models_enter_does_nothing() -> None:
    app = Harness(ModelPickerScreen([], None))
    async with running(app, SIZE) as pilot:
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
    async with running(app, SIZE) as pilot:
        text = screen_text(app)
        assert f"Title {HOSTILE_SHOWN}" in text
        assert "gpt-[/]" in text
        assert f"Desc {HOSTILE_SHOWN}" in text
        assert "[bold]" in text
        assert "[2J" not in text
        await pilot.press("up", "enter")
        await pilot.pause()
    assert app.results == [ModelChoice(slug="gpt-[/]", temporary=False)]
