"""Any terminal size: the sidebar narrows below 100 columns, starts hidden below 70, ctrl+b
hides and shows it, and the new-chat dialog keeps its temporary-chat box on a 60x20 screen."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox

from tests.app.pilot_helpers import idle, ready_to_chat, screen_text, started, wait_for
from tui.app import BackchatApp
from tui.screens.model_picker import ModelPickerScreen
from tui.widgets.transcript import Transcript

pytestmark = pytest.mark.anyio


def sidebar_width(app: BackchatApp) -> int:
    """Columns the sidebar takes on screen (0 when hidden)."""
    sidebar = app.main.sidebar
    return sidebar.outer_size.width if sidebar.display else 0


def chat_width(app: BackchatApp) -> int:
    """Columns of the title bar, messages and composer together."""
    return app.main.query_one("#chat").outer_size.width


@pytest.mark.parametrize(
    ("columns", "width"),
    [(160, 36), (90, 28), (60, 0)],
)
async def test_sidebar_fits_the_width(app: BackchatApp, columns: int, width: int) -> None:
    async with app.run_test(size=(columns, 20)) as pilot:
        await started(pilot)
        assert sidebar_width(app) == width
        # The messages get what the sidebar leaves.
        assert chat_width(app) == columns - width
        if width == 0:
            assert isinstance(app.focused, Transcript)


async def test_ctrl_b_shows_and_hides_the_sidebar_with_the_focus(app: BackchatApp) -> None:
    async with app.run_test(size=(60, 20)) as pilot:
        await started(pilot)
        sidebar = app.main.sidebar
        assert not sidebar.display
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: sidebar.display, "the sidebar to show")
        await wait_for(
            pilot,
            lambda: app.focused is not None and sidebar in app.focused.ancestors_with_self,
            "the focus in the sidebar",
        )
        assert sidebar_width(app) == 24
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: not sidebar.display, "the sidebar to hide")
        await wait_for(pilot, lambda: app.focused is app.main.transcript, "the focus to move")
        assert sidebar_width(app) == 0


async def test_ctrl_b_at_full_width(app: BackchatApp) -> None:
    async with app.run_test(size=(160, 40)) as pilot:
        await started(pilot)
        sidebar = app.main.sidebar
        assert sidebar.display
        await pilot.press("ctrl+b")
        await idle(pilot)
        assert not sidebar.display
        assert chat_width(app) == 160
        await pilot.press("ctrl+b")
        await idle(pilot)
        assert sidebar_width(app) == 36
        focused = app.focused
        assert focused is not None
        assert sidebar in focused.ancestors_with_self


async def test_new_chat_picker_shows_the_temporary_box_at_60x20(app: BackchatApp) -> None:
    async with app.run_test(size=(60, 20)) as pilot:
        await ready_to_chat(pilot)
        await idle(pilot)
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: isinstance(app.screen, ModelPickerScreen), "the model picker")
        await pilot.pause()
        box = app.screen.query_one("#model-temporary", Checkbox)
        region = box.region
        assert region.width > 0
        assert region.height > 0
        # Inside the dialog's visible part, not cut off at the bottom.
        box_region = app.screen.query_one("#model-picker-box").region
        assert box_region.contains_region(region)
        assert "Temporary chat" in screen_text(app)
        assert box.value is False
        await pilot.press("t")
        await wait_for(pilot, lambda: box.value, "the box to tick")
