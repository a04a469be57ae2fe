"""RenameScreen driven with keys: pre-filled and selected, trimmed, empty and long refused."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from textual.widgets.input import Selection

from tests.screens.harness import (
    HOSTILE,
    HOSTILE_SHOWN,
    Harness,
    results_after,
    running,
    screen_text,
    shown_static,
)
from tui.screens.rename import EMPTY_MESSAGE, MAX_TITLE_LENGTH, RenameScreen

SIZE = (100, 30)


def error_text(app: Harness) -> str:
    return shown_static(app, "#rename-error")


@pytest.mark.anyio
async def test_prefilled_selected_with_cursor_at_end() -> None:
    app = Harness(RenameScreen("Old title"))
    async with running(app, SIZE):
        field = app.screen.query_one(Input)
        assert field.has_focus
        assert field.value == "Old title"
        assert field.selection == Selection(0, len("Old title"))
        assert field.cursor_position == len("Old title")
        text = screen_text(app)
        assert "Rename conversation" in text
        assert "enter rename · esc cancel" in text


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("title", "keys", "submitted"),
    [
        pytest.param("Old title", [*"New", "enter"], "New", id="typing-replaces-the-selection"),
        pytest.param("Old", ["end", "space", *"v2", "enter"], "Old v2", id="end-keeps-the-title"),
        pytest.param(
            "Old", ["space", "space", *"Trimmed", "space", "enter"], "Trimmed", id="trimmed"
        ),
    ],
)
async def test_keys_edit_and_submit(title: str, keys: list[str], submitted: str) -> None:
    assert await results_after(RenameScreen(title), SIZE, *keys) == [submitted]


@pytest.mark.anyio
async def test_empty_title_is_refused_inline_and_the_dialog_stays() -> None:
    app = Harness(RenameScreen("Old"))
    async with running(app, SIZE) as pilot:
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
    async with running(app, SIZE) as pilot:
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
    async with running(app, SIZE) as pilot:
        await pilot.press(*"changed", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, RenameScreen)
    assert app.results == [None]


@pytest.mark.anyio
async def test_hostile_title_is_shown_literally() -> None:
    app = Harness(RenameScreen(HOSTILE))
    async with running(app, SIZE) as pilot:
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
    async with running(app, SIZE) as pilot:
        assert "^s rename · esc cancel" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == ["Old"]
