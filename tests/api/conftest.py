"""The typed client on the (reset) demo backend, shared by the client tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.api.client_helpers import settings_for
from tui.api import BackendClient


@pytest.fixture
async def client(demo: Any) -> AsyncIterator[BackendClient]:
    async with BackendClient(settings_for(demo)) as api:
        yield api
