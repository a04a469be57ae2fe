"""KeyFooter: a burst of binding changes rebuilds the key bar once, no change rebuilds nothing,
and the bar shows the keys of the moment."""

from __future__ import annotations

from typing import ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from tui.widgets.footer import KeyFooter

pytestmark = pytest.mark.anyio


class CountingFooter(KeyFooter):
    """Counts its rebuilds (the real KeyFooter otherwise)."""

    rebuilds = 0

    async def recompose(self) -> None:
        self.rebuilds += 1
        await super().recompose()


class Pane(Button):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "noop", "Pane key")]

    def action_noop(self) -> None:
        """Nothing: the binding exists to be shown."""


class Harness(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("s", "save", "Save"),
    ]

    can_save = False
    """Whether "Save" is enabled: shown dimmed (None) until then, to change what the footer
    shows without changing its keys."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":
            return True if self.can_save else None
        return True

    def action_save(self) -> None:
        """Nothing: the binding exists to be shown."""

    def compose(self) -> ComposeResult:
        yield Pane("one", id="one")
        yield Pane("two", id="two")
        yield CountingFooter()


def _labels(app: Harness) -> set[str]:
    return {str(key.description) for key in app.query(FooterKey)}


def _enabled(app: Harness, description: str) -> bool:
    (key,) = [key for key in app.query(FooterKey) if str(key.description) == description]
    return not key.has_class("-disabled")


async def test_a_burst_of_binding_changes_rebuilds_once() -> None:
    app = Harness()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(CountingFooter)
        before = footer.rebuilds
        assert not _enabled(app, "Save")
        app.can_save = True
        for _ in range(5):
            app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert footer.rebuilds == before + 1
        assert _enabled(app, "Save")


async def test_signals_that_change_nothing_rebuild_nothing() -> None:
    app = Harness()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(CountingFooter)
        before = footer.rebuilds
        for _ in range(3):
            app.screen.refresh_bindings()
            await pilot.pause()
        assert footer.rebuilds == before


async def test_the_rebuilt_bar_shows_the_focused_widgets_keys() -> None:
    app = Harness()
    async with app.run_test() as pilot:
        app.set_focus(None)
        await pilot.pause()
        assert "Pane key" not in _labels(app)
        app.query_one("#two", Pane).focus()
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert {"Pane key", "Quit"} <= _labels(app)
