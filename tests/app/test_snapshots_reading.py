"""Snapshots of the reading and tidying screens (issue 3), on the demo backend.

The navigation steps are the screenshot script's own (scripts/screenshots.py), so the README's
pictures and these snapshots show the same screens. Fixed size, frozen clock, no cursor blink,
UTC (tests/conftest.py): every run draws the same frames.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from scripts.screenshots import SIZE, account, branches, make_app, open_top, rename, settle
from tests.app.pilot_helpers import wait_for, without_toasts
from tui.app import create_app
from tui.config import Settings
from tui.demo.server import DemoServer

Snap = Callable[..., bool]


def test_main_screen_with_a_conversation_open(
    snap_compare: Snap, demo: DemoServer, tmp_path: Path
) -> None:
    app = make_app(demo, tmp_path / "state.json")
    assert snap_compare(app, terminal_size=SIZE, run_before=open_top)


def test_message_with_branch_switcher(snap_compare: Snap, demo: DemoServer, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path / "state.json")
    assert snap_compare(app, terminal_size=SIZE, run_before=branches)


def test_rename_modal(snap_compare: Snap, demo: DemoServer, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path / "state.json")
    assert snap_compare(app, terminal_size=SIZE, run_before=rename)


def test_account_screen(snap_compare: Snap, demo: DemoServer, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path / "state.json")

    async def account_without_toast(pilot: Pilot[Any]) -> None:
        await account(pilot)
        # "Loading account details…" goes after 2 s of wall-clock time: on a slow run it was
        # gone, on a fast one still there.
        await without_toasts(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=account_without_toast)


def test_sign_in_screen(snap_compare: Snap, tmp_path: Path) -> None:
    # A fixed URL where nothing listens: the screen is shown before any request is made.
    settings = Settings(base_url="http://127.0.0.1:7999")
    app = create_app(
        settings, use_keyring=False, state_path=tmp_path / "s.json", cursor_blink=False
    )

    async def token_field_focused(pilot: Pilot[Any]) -> None:
        # The field takes the focus once mounted; shot before that, it had no cursor.
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(pilot.app.focused, Input), "the token field")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=token_field_focused)


def test_error_notice(snap_compare: Snap, demo: DemoServer, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path / "state.json")

    async def rename_refused(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        demo.faults.arm("server_500", on="write")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("end", "space", "2", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=rename_refused)


def test_hostile_titles_in_the_list(snap_compare: Snap, demo: DemoServer, tmp_path: Path) -> None:
    app = make_app(demo, tmp_path / "state.json")

    async def filter_brackets(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash", "left_square_bracket")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=filter_brackets)
