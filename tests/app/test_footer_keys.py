"""The footer fits at 120 columns in every focus state and shows the keys chosen for it.

The footer keeps to the most used keys (the comment on ``MainScreen.BINDINGS`` says which);
this test walks the panes the way a user does, while idle, while a reply streams and after one
was cut off, and reads the bottom row as it is drawn.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported by textual.widgets (8.2.8)

from tests.app.pilot_helpers import (
    SIZE,
    hold_reply,
    open_first,
    running,
    screen_text,
    send,
    settled,
    streaming,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio

EVERYWHERE = ("^n New chat", "^q Quit")
"""Keys the footer shows whatever has the focus."""

PANE_KEYS: dict[str, tuple[str, ...]] = {
    "sidebar": ("⏎ Open", "/ Filter", "r Rename", "d Delete", "? Help"),
    "transcript": ("y Copy", "c Copy code", "Branch", "r Rename", "d Delete", "? Help"),
    # The composer takes printable keys as text: help is f1 there, and r / d are letters.
    "composer": ("⏎ Send", "f1 Help"),
}
"""The keys each pane adds (its own, and the screen's that work there)."""

HIDDEN = ("Archive", "Refresh", "Account", "Search all", "Export", "Regenerate")
"""Keys kept out of the footer: the command palette, ? and the keymap still have them."""


def footer_row(app: BackchatApp) -> str:
    """The bottom row as drawn, without the command palette key docked at its right."""
    return screen_text(app).splitlines()[-1].split("▏")[0]


def overflowing(app: BackchatApp) -> list[str]:
    """The footer's keys that do not end left of the command palette key (hidden under it)."""
    footer = app.main.query_one(Footer)
    keys = list(footer.query(FooterKey))
    palette = [key for key in keys if key.has_class("-command-palette")]
    assert palette, "the command palette key is in the footer"
    limit = palette[0].region.x
    return [
        f"{key.key_display} {key.description}"
        for key in keys
        if not key.has_class("-command-palette") and key.region.right > limit
    ]


async def focus_pane(pilot: Pilot[Any], pane: str, *extra: str) -> str:
    """Focus ``pane``; wait until the footer shows its keys (and ``extra``); return the row."""
    app = pilot.app
    assert isinstance(app, BackchatApp)
    widget = {
        "sidebar": app.main.sidebar,
        "transcript": app.main.transcript,
        "composer": app.main.composer,
    }[pane]
    widget.focus()
    wanted = (*PANE_KEYS[pane], *EVERYWHERE, *extra)
    # The footer rebuilds after the focus moves; the keys are there once it has.
    await wait_for(
        pilot,
        lambda: all(label in footer_row(app) for label in wanted),
        f"the footer of the {pane} with {extra}",
    )
    await pilot.pause()
    return footer_row(app)


async def assert_fits_everywhere(pilot: Pilot[Any], *extra: str) -> None:
    app = pilot.app
    assert isinstance(app, BackchatApp)
    for pane in PANE_KEYS:
        row = await focus_pane(pilot, pane, *extra)
        assert overflowing(app) == [], f"{pane}: {row!r}"
        assert not [label for label in HIDDEN if label in row], f"{pane}: {row!r}"


async def test_the_footer_fits_idle_streaming_and_cut_off(
    demo: DemoServer, app: BackchatApp
) -> None:
    assert SIZE[0] == 120
    async with running(app, chat=True) as pilot:
        await open_first(pilot)
        await assert_fits_everywhere(pilot)
        # Nothing to stop or continue yet: those keys appear only when they apply.
        assert "Stop" not in footer_row(app)
        assert "Continue" not in footer_row(app)

        hold_reply(demo, "Tell me a long story #long")
        await send(pilot, "Tell me a long story #long")
        await streaming(pilot)
        await assert_fits_everywhere(pilot, "esc Stop")
        await pilot.press("escape")
        await settled(pilot)

        demo.state.gate.open()
        await send(pilot, "Explain rainbows #cut")
        await settled(pilot)
        await assert_fits_everywhere(pilot, "^t Continue")
