"""Controllers driven alone: a recording host, the real client, the demo backend on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from tests.api.client_helpers import settings_for
from tests.controllers.recording_host import RecordingHost
from tui.api import BackendClient
from tui.controllers.chat import Chat
from tui.controllers.reading import History
from tui.demo.server import DemoServer

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
"""The clock the controllers see: the seeded history is from October 2026."""

PAGE = 20
"""Conversations per list page."""


@pytest.fixture
def host() -> RecordingHost:
    return RecordingHost()


@pytest.fixture
async def client(demo: DemoServer) -> AsyncIterator[BackendClient]:
    async with BackendClient(settings_for(demo)) as api:
        yield api


@pytest.fixture
def history(host: RecordingHost, client: BackendClient) -> History:
    """The reading controller, signed in (as after the app found a token)."""
    controller = History(host, client, page_size=PAGE, now=lambda: NOW)
    controller.ready = True
    return controller


@pytest.fixture
def chat(host: RecordingHost, client: BackendClient, history: History) -> Chat:
    return Chat(host, client, history, now=lambda: NOW, preferred_model=lambda: None)
