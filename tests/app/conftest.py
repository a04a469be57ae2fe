"""Fixtures for driving the whole app against the demo backend over loopback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.app.pilot_helpers import WIRES
from tui.app import BackchatApp, create_demo_app
from tui.demo.server import DemoServer

AppFactory = Callable[..., BackchatApp]


def make_app(
    demo: DemoServer, state_path: Path, *, use_keyring: bool = False, **overrides: Any
) -> BackchatApp:
    """The app on the demo backend, with a frozen clock and no cursor blink."""
    return create_demo_app(demo, state_path=state_path, use_keyring=use_keyring, **overrides)


@pytest.fixture
def app_factory(demo: DemoServer, tmp_path: Path) -> AppFactory:
    """Build apps on the (reset) demo backend; keyword arguments override settings fields."""

    def factory(**overrides: Any) -> BackchatApp:
        return make_app(demo, tmp_path / "state.json", **overrides)

    return factory


@pytest.fixture(params=WIRES)
def wire(request: pytest.FixtureRequest, demo: DemoServer) -> str:
    """Run the test once per stream format; the demo backend speaks the one given."""
    demo.config.wire = request.param
    return str(request.param)


@pytest.fixture
def app(app_factory: AppFactory) -> BackchatApp:
    """An app with the default settings on the (reset) demo backend."""
    return app_factory()
