"""ConfirmScreen: y/enter confirm, n/escape cancel, buttons, danger style, literal text."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from tests.screens.harness import HOSTILE, HOSTILE_SHOWN, Harness, running, screen_text
from tui.screens.confirm import ConfirmScreen

SIZE = (100, 30)


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
    async with running(app, SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert app.results == [expected]


@pytest.mark.anyio
async def test_shows_question_detail_buttons_and_hints() -> None:
    app = Harness(delete_dialog())
    async with running(app, SIZE):
        text = screen_text(app)
        assert "Delete “Trip plans”?" in text
        assert "This hides it from your history on the server." in text
        assert "Cancel" in text
        assert "Delete" in text
        assert "y yes · n no" in text


@pytest.mark.anyio
async def test_enter_presses_the_focused_button() -> None:
    app = Harness(delete_dialog())
    async with running(app, SIZE) as pilot:
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
    async with running(app, SIZE) as pilot:
        await pilot.click("#confirm-ok")
        await pilot.pause()
    assert app.results == [True]


@pytest.mark.anyio
async def test_danger_style_and_custom_label() -> None:
    app = Harness(delete_dialog())
    async with running(app, SIZE):
        screen = app.screen
        assert screen.has_class("-danger")
        ok = screen.query_one("#confirm-ok", Button)
        assert ok.variant == "error"
        assert str(ok.label) == "Delete"


@pytest.mark.anyio
async def test_plain_dialog_is_not_danger() -> None:
    app = Harness(ConfirmScreen("Archive it?"))
    async with running(app, SIZE):
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
    async with running(app, SIZE) as pilot:
        text = screen_text(app)
        assert f"Delete “{HOSTILE_SHOWN}”?" in text
        assert f"Detail {HOSTILE_SHOWN}" in text
        assert "[bold]no" in text
        assert "[2J" not in text
        assert str(app.screen.query_one("#confirm-ok", Button).label) == "[/]"
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [True]
