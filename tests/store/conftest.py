"""Fixtures of the store tests: an empty store file, a sync client on the demo, a fake clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tui.api import ApiSettings, BackendClient
from tui.demo.server import DemoServer, start_demo_server
from tui.store import Store


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.sqlite3"


@pytest.fixture
def store(store_file: Path) -> Iterator[Store]:
    with Store(store_file) as opened:
        yield opened


SMALL = 40
"""Conversations in the store tests' demo history: every sync test syncs all of them."""


@pytest.fixture(scope="module")
def small_demo_server() -> Iterator[DemoServer]:
    server = start_demo_server(pace=0.0, conversations=SMALL)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def small_demo(small_demo_server: DemoServer) -> DemoServer:
    """A demo backend with :data:`SMALL` conversations, back to its seeded state."""
    small_demo_server.reset()
    return small_demo_server


@pytest.fixture
async def sync_client(small_demo: DemoServer) -> AsyncIterator[BackendClient]:
    """The client as ``backchat sync`` builds it: one attempt per request, sync retries."""
    settings = ApiSettings(
        base_url=small_demo.base_url,
        backend_url=small_demo.backend_url,
        token=small_demo.token,
        max_attempts=1,
    )
    async with BackendClient(settings) as client:
        yield client


class FakeSleep:
    """Records the backoff waits instead of waiting, so retry tests take no real time."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()
