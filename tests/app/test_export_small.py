"""The export dialog at 60x20: every part on screen, and it still exports."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    SHOWCASE,
    idle,
    listing,
    open_row,
    screen_text,
    started,
    wait_for,
)
from tui.demo.server import DemoServer
from tui.screens.export_dialog import ExportScreen

pytestmark = pytest.mark.anyio


async def test_export_dialog_fits_and_works_at_60x20(
    app_factory: AppFactory, demo: DemoServer, tmp_path: Path
) -> None:
    app = app_factory(export_dir=tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await started(pilot)
        await pilot.press("ctrl+b")  # the sidebar starts hidden below 70 columns
        await open_row(pilot, listing(demo)[SHOWCASE].id)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen), "the export dialog")
        await pilot.pause()
        screen = app.screen
        box = screen.query_one("#export-box").region
        assert screen.region.contains_region(box)
        for part in ("#export-scope", "#export-format", "#export-path", ".modal-hints"):
            region = screen.query_one(part).region
            assert region.height > 0, part
            assert box.contains_region(region), part
        text = screen_text(app)
        assert "All branches" in text
        assert "enter export · esc cancel" in text
        name = screen.query_one("#export-path", Input).value
        await pilot.press("down", "space", "enter")  # every branch
        written = tmp_path / name.replace("_branch_", "_tree_")
        await wait_for(pilot, written.exists, "the export")
        await idle(pilot)
    assert "## Branch 1 of 3 (active)" in written.read_text(encoding="utf-8")
