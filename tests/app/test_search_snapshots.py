"""Snapshots of the search dialog (local hits, and the empty store's advice) and the find bar.

Run also at 60x20, the smallest size the app is used at, to check the dialog still fits there
(status line, results and the keys line on screen).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import idle, open_conversation, started, without_toasts
from tests.app.search_helpers import fill_store, search_for, status
from tui.demo.server import DemoServer
from tui.screens.search import SearchScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
Snap = Callable[..., bool]


@pytest.fixture(autouse=True)
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def searching(demo: DemoServer) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Steps: the demo's history in the app's copy, ctrl+f, "worker pool" typed."""

    async def searched(pilot: Pilot[Any]) -> None:
        app = await started(pilot)
        fill_store(demo, app)
        await search_for(pilot, "worker pool")
        await without_toasts(pilot)

    return searched


@pytest.mark.parametrize("size", SIZES)
def test_search_dialog(
    snap_compare: Snap, app_factory: AppFactory, demo: DemoServer, size: tuple[int, int]
) -> None:
    assert snap_compare(app_factory(), terminal_size=size, run_before=searching(demo))


@pytest.mark.parametrize("size", SIZES)
def test_search_dialog_with_an_empty_store(
    snap_compare: Snap, app_factory: AppFactory, size: tuple[int, int]
) -> None:
    async def opened(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await pilot.press("ctrl+f")
        await idle(pilot)
        await without_toasts(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=opened)


@pytest.mark.parametrize("size", SIZES)
def test_find_bar(
    snap_compare: Snap, app_factory: AppFactory, demo: DemoServer, size: tuple[int, int]
) -> None:
    long_id = next(r.id for r in demo.state.listing(archived=False) if r.title.startswith("Field"))

    async def finding(pilot: Pilot[Any]) -> None:
        await started(pilot)
        await open_conversation(pilot, long_id)
        pilot.app.screen.query_one("#transcript").focus()
        await pilot.press("slash", *"memtable", "enter")
        await idle(pilot)
        await without_toasts(pilot)

    assert snap_compare(app_factory(), terminal_size=size, run_before=finding)


@pytest.mark.anyio
async def test_the_dialog_fits_at_60x20(app_factory: AppFactory, demo: DemoServer) -> None:
    app = app_factory()
    async with app.run_test(size=(60, 20)) as pilot:
        await searching(demo)(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SearchScreen)
        box = screen.query_one("#search-box").region
        assert box.width <= 60
        assert box.height <= 20
        for part in ("#search-query", "#search-status", "#search-results", ".modal-hints"):
            region = screen.query_one(part).region
            assert region.height > 0, part
            assert box.contains_region(region), part
        assert "hits" in status(screen) or "hit" in status(screen)
        assert screen.results.option_count > 0
