"""Fixtures for the demo backend's tests: an authorised HTTP client and a send helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from demo_helpers import Frames, Send, split_frames, user_message

from tui.demo import DEMO_TOKEN
from tui.demo.server import DemoServer


@pytest.fixture(scope="session")
def session_client(demo_server: DemoServer) -> Iterator[httpx.Client]:
    # One client for the session: building an httpx.Client (its SSL context) costs ~50 ms.
    with httpx.Client(base_url=demo_server.base_url, timeout=10.0) as client:
        yield client


@pytest.fixture
def anon(demo: DemoServer, session_client: httpx.Client) -> httpx.Client:
    """A client for the demo backend without a token (base URL: the server root)."""
    session_client.headers.pop("Authorization", None)
    return session_client


@pytest.fixture
def api(anon: httpx.Client) -> httpx.Client:
    """A client for the demo backend with the demo token (base URL: the server root)."""
    anon.headers["Authorization"] = f"Bearer {DEMO_TOKEN}"
    return anon


@pytest.fixture
def send(api: httpx.Client) -> Send:
    """POST /conversation; returns the response and its frames (body fully read)."""

    def post(
        *,
        action: str = "next",
        text: str | None = "Hello there",
        msg_id: str = "aaa00000-0000-4000-8000-000000000001",
        parent: str = "aaa00000-0000-4000-8000-000000000000",
        conversation_id: str | None = None,
        v1: bool = False,
        **extra: Any,
    ) -> tuple[httpx.Response, Frames]:
        body: dict[str, Any] = {
            "action": action,
            "messages": [user_message(msg_id, text)] if text is not None else [],
            "parent_message_id": parent,
            "model": "text-davinci-002-render-sha",
            "timezone_offset_min": -60,
            "history_and_training_disabled": False,
        }
        if conversation_id:
            body["conversation_id"] = conversation_id
        if v1:
            body["supported_encodings"] = ["v1"]
        body.update(extra)
        response = api.post("/backend-api/conversation", json=body)
        return response, split_frames(response.text)

    return post
