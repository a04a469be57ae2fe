"""Fixtures shared by the whole suite: the anyio backend and one demo backend per session."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from collections.abc import Iterator

import keyring
import pytest

from tests.keyrings import MemoryKeyring
from tui.demo.server import DemoServer, start_demo_server


def pytest_configure(config: pytest.Config) -> None:
    # Registered so the mark is not a typo-warning; it only labels, nothing skips it in CI.
    config.addinivalue_line(
        "markers", "slow: builds or spawns real processes (seconds); still runs in CI"
    )


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (the app's loop), through anyio's pytest plugin."""
    return "asyncio"


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """One real demo backend on 127.0.0.1 for the session; replies stream with no pause."""
    server = start_demo_server(pace=0.0)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def demo(demo_server: DemoServer) -> DemoServer:
    """The session's demo backend, back to its seeded state for this test."""
    demo_server.reset()
    return demo_server


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every test gets an in-memory keyring: the user's real keyring is never touched."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _unfrozen_heap() -> Iterator[None]:
    """Each test ends with the collector's permanent generation emptied.

    The app freezes its settled heap (tui.rendering.gc_tuning.settle_heap). In a user's process that
    is one app; here it would keep every finished test's app alive until a reply ends.
    """
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def _no_widgets_kept_by_textual_caches() -> Iterator[None]:
    """Each test ends with Textual's class-wide style cache emptied.

    Checked on Textual 8.2.8: ``StylesCache.get_inner_outer`` is an ``lru_cache(1024)`` keyed on
    each widget's styles cache, so a finished test's widgets kept their rendered lines alive
    into the following tests: the heap grew by ~30,000 objects per app test, and every full
    collection the app makes (tui.rendering.gc_tuning.settle_heap) walked them, growing from
    0.1 s to over 1 s along the suite. Only cleared if a test loaded Textual.
    """
    yield
    styles_cache = sys.modules.get("textual._styles_cache")
    if styles_cache is not None:
        styles_cache.StylesCache.get_inner_outer.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def _stable_environment() -> None:
    """Remove what makes screens differ between machines: colour overrides, time zone."""
    for name in ("NO_COLOR", "FORCE_COLOR", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS"):
        os.environ.pop(name, None)
    os.environ["TZ"] = "UTC"
    time.tzset()
    # The app keeps a local store under the XDG data dir: never the user's during tests.
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="backchat-tests-data-")
