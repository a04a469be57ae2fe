"""A snapshot of every screen and dialog, at the smallest supported size and a roomy one.

Each test drives the real app on the demo backend to the screen, the way a user gets there
(keys, not screens pushed by hand). Deterministic: frozen clock, no cursor blink, UTC
(tests/conftest.py), a reply held at the demo's stream gate instead of timed, the spinner held
on its first frame, no toasts (they go by wall-clock time). No snapshot may show the token:
the sign-in shot has one typed in, and ``test_no_snapshot_or_screenshot_holds_a_token`` reads
every SVG.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TabbedContent

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    drawn,
    hold_reply,
    open_first,
    ready_to_chat,
    release,
    send,
    started,
    wait_for,
    without_toasts,
)
from tui.app import BackchatApp, create_app
from tui.config import Settings
from tui.demo import DEMO_TOKEN
from tui.demo.server import DemoServer
from tui.screens.account import AccountScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.export_dialog import ExportScreen
from tui.screens.help import HelpScreen
from tui.screens.model_picker import ModelPickerScreen
from tui.screens.rename import RenameScreen
from tui.screens.signin import SignInScreen
from tui.widgets.streaming import StreamingReply

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
"""The smallest terminal the layout is made for, and a roomy one."""

TYPED_TOKEN = "typed-secret-token-0123456789"
"""What the sign-in shot has typed into the token field: it must never reach an SVG."""

ROOT = Path(__file__).resolve().parents[2]

Snap = Callable[..., bool]
Steps = Callable[[Pilot[Any]], Awaitable[None]]


async def showing(pilot: Pilot[Any], screen: type) -> None:
    """Wait until ``screen`` is on top and has drawn, without the passing toasts.

    A toast goes after a few seconds of wall-clock time ("Loading account details…" after 2):
    whether it is still there depends on the machine's speed, so none is shot.
    """
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen), screen.__name__)
    await pilot.app.workers.wait_for_complete()
    await without_toasts(pilot)


def shoot(snap_compare: Snap, app: BackchatApp, size: tuple[int, int], steps: Steps) -> None:
    assert snap_compare(app, terminal_size=size, run_before=steps)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_empty(snap_compare: Snap, app: BackchatApp, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_conversation_open(
    snap_compare: Snap, app: BackchatApp, size: tuple[int, int]
) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await open_first(pilot)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_streaming(
    snap_compare: Snap,
    demo: DemoServer,
    app: BackchatApp,
    size: tuple[int, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The spinner steps with the frame timer: hold it on its first frame.
    monkeypatch.setattr(StreamingReply, "SPINNER_TICKS", 10**9)
    prompt = "Walk me through it #long"
    hold_reply(demo, prompt, 0)

    async def steps(pilot: Pilot[Any]) -> None:
        await ready_to_chat(pilot)
        await open_first(pilot)
        await send(pilot, prompt)
        await release(pilot, demo, prompt, 700)
        await drawn(pilot)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_screen(snap_compare: Snap, tmp_path: Path, size: tuple[int, int]) -> None:
    # A fixed URL where nothing listens: the screen is shown before any request is made.
    settings = Settings(base_url="http://127.0.0.1:7999")
    app = create_app(
        settings, use_keyring=False, state_path=tmp_path / "s.json", cursor_blink=False
    )

    async def steps(pilot: Pilot[Any]) -> None:
        await showing(pilot, SignInScreen)
        await pilot.press(*TYPED_TOKEN)
        await pilot.pause()

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_rename_dialog(snap_compare: Snap, app: BackchatApp, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await pilot.press("r")
        await showing(pilot, RenameScreen)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_confirm_dialog(snap_compare: Snap, app: BackchatApp, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await pilot.press("d")
        await showing(pilot, ConfirmScreen)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_export_dialog(
    snap_compare: Snap,
    app_factory: AppFactory,
    size: tuple[int, int],
) -> None:
    # The dialog says where relative paths go: a folder every machine has, so the snapshot
    # does not hold the checkout's path or the user's download folder.
    app = app_factory(export_dir=Path("/"))

    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await open_first(pilot)
        await pilot.press("e")
        await showing(pilot, ExportScreen)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare: Snap, app: BackchatApp, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await pilot.press("f1")
        await showing(pilot, HelpScreen)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_model_picker(snap_compare: Snap, app: BackchatApp, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await ready_to_chat(pilot)
        await pilot.press("ctrl+n")
        await showing(pilot, ModelPickerScreen)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_account_screen(snap_compare: Snap, app: BackchatApp, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await pilot.press("f2")
        await showing(pilot, AccountScreen)

    shoot(snap_compare, app, size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_account_shared_links(snap_compare: Snap, app: BackchatApp, size: tuple[int, int]) -> None:
    """The shared links tab with a link highlighted: c copies it, d revokes it."""

    async def steps(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await pilot.press("f2")
        await showing(pilot, AccountScreen)
        pilot.app.screen.query_one("#account-tabs", TabbedContent).active = "tab-shared"
        await pilot.pause()
        pilot.app.screen.query_one("#account-shared", DataTable).focus()
        await pilot.pause()

    shoot(snap_compare, app, size, steps)


def test_no_snapshot_or_screenshot_holds_a_token() -> None:
    svgs = [*ROOT.glob("tests/**/__snapshots__/**/*.svg"), *ROOT.glob("screenshots/*.svg")]
    assert len(svgs) >= 20
    for svg in svgs:
        text = svg.read_text(encoding="utf-8")
        for token in (DEMO_TOKEN, TYPED_TOKEN):
            assert token not in text, f"{svg.relative_to(ROOT)} shows a token"
