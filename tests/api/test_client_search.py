"""The server's search and the raw conversation bytes, through both clients, over HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.client_helpers import settings_for
from tui.api import BackendClient, SearchPage, SyncBackendClient

pytestmark = pytest.mark.anyio


async def test_search_pages_until_the_cursor_is_null(client: BackendClient) -> None:
    first = await client.search_conversations("csv")
    assert first.items
    hit = first.items[0]
    assert hit.conversation_id
    assert hit.payload.kind == "message"
    assert "csv" in hit.payload.snippet.lower()
    assert hit.update_time is not None
    pages = [first]
    while pages[-1].cursor is not None and len(pages) < 30:
        pages.append(await client.search_conversations("csv", pages[-1].cursor))
    assert pages[-1].cursor is None
    ids = [item.conversation_id for page in pages for item in page.items]
    assert len(ids) == len(set(ids))
    with pytest.raises(ValueError, match="empty"):
        await client.search_conversations("   ")


async def test_conversation_bytes_are_what_the_server_sent(client: BackendClient) -> None:
    conv_id = (await client.conversations(limit=1)).items[0].id
    raw = await client.conversation_bytes(conv_id)
    assert json.loads(raw)["conversation_id"] == conv_id
    assert (await client.conversation(conv_id)).title == json.loads(raw)["title"]


def test_the_blocking_client_has_both(demo: Any) -> None:
    with SyncBackendClient(settings_for(demo)) as api:
        page = api.search_conversations("rust")
        assert page.items
        assert api.conversation_bytes(page.items[0].conversation_id).startswith(b"{")


def test_a_search_page_tolerates_odd_items() -> None:
    page = SearchPage.model_validate(
        {
            "items": [
                {"conversation_id": "a", "payload": {"message_id": "m", "snippet": None}},
                {"title": "no id"},
                "not an object",
                {"conversation_id": "b", "payload": "odd", "update_time": "2026-11-01T00:00:00Z"},
            ],
            "cursor": 30,
        }
    )
    assert [item.conversation_id for item in page.items] == ["a", "b"]
    assert page.items[0].payload.snippet == ""
    assert page.items[1].payload.kind == "message"
    assert page.cursor == "30"
    assert SearchPage.model_validate({"items": None, "cursor": ""}).cursor is None
