"""Start-up order: what the user waits for (the list's first page) is asked for first."""

from __future__ import annotations

import gc

import pytest

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import running, wait_for
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_the_model_list_is_asked_for_after_the_first_page(
    app_factory: AppFactory, demo: DemoServer
) -> None:
    app = app_factory()
    async with running(app, chat=True) as pilot:
        await wait_for(pilot, lambda: bool(app.main.chat.models), "the model list")
        paths = [request.path for request in demo.state.requests if request.method == "GET"]
    listing = paths.index("/backend-api/conversations")
    models = paths.index("/backend-api/models")
    assert listing < models
    # Asked once, not once per page or per worker event.
    assert paths.count("/backend-api/models") == 1


async def test_the_start_up_heap_is_settled_after_the_first_page(
    app_factory: AppFactory,
) -> None:
    gc.unfreeze()
    app = app_factory()
    async with running(app, chat=True) as pilot:
        await wait_for(pilot, lambda: gc.get_freeze_count() > 0, "the heap to be settled")
