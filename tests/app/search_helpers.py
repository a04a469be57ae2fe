"""Helpers of the search tests: a store filled from the demo's history, the dialog's state."""

from __future__ import annotations

import json
from typing import Any

from textual.pilot import Pilot

from tests.app.pilot_helpers import idle, wait_for
from tui.api.models import Conversation
from tui.app import BackchatApp
from tui.conversation.tree import active_thread
from tui.demo.server import DemoServer
from tui.screens.search import SearchScreen
from tui.store.store import Store


def app_store(app: BackchatApp) -> Store:
    """The local copy the running app searches."""
    store = app.main.search_store()
    assert store is not None
    return store


def fill_store(demo: DemoServer, app: BackchatApp) -> int:
    """Store every listed demo conversation, as the server sends it, in the running app's copy;
    how many were stored."""
    records = demo.state.listing(archived=False)
    store = app_store(app)
    for record in records:
        store.put_conversation(json.dumps(record.payload()).encode())
    return len(records)


def off_branch_hit(demo: DemoServer, app: BackchatApp) -> tuple[str, str, str]:
    """(conversation id, node id, phrase query) of a user message off the current branch
    that the phrase's local search ranks among its first hits."""
    store = app_store(app)
    for record in demo.state.listing(archived=False):
        tree = record.payload()
        thread = set(active_thread(Conversation.model_validate(tree)))
        for node_id, node in tree["mapping"].items():
            message = node.get("message") or {}
            parts = (message.get("content") or {}).get("parts") or []
            if node_id in thread or message.get("author", {}).get("role") != "user":
                continue
            if not parts or not isinstance(parts[0], str):
                continue
            query = f'"{parts[0]}"'
            hits = store.search(query, 50, as_you_type=True)
            if any(hit.message_id == node_id for hit in hits[:5]):
                return record.id, node_id, query
    raise AssertionError("the demo has no user message off its current branch")


async def open_search(pilot: Pilot[Any]) -> SearchScreen:
    await pilot.press("ctrl+f")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen), "the dialog")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def search_for(pilot: Pilot[Any], query: str) -> SearchScreen:
    """Open the dialog (if needed), type ``query`` over what is there, wait for the results."""
    screen = pilot.app.screen
    if not isinstance(screen, SearchScreen):
        screen = await open_search(pilot)
    screen.query_one("#search-query").value = ""  # type: ignore[attr-defined]
    await idle(pilot)
    await pilot.press(*query)
    await idle(pilot)
    await wait_for(pilot, lambda: screen.shown_query == query, f"results for {query!r}")
    return screen


def status(screen: SearchScreen) -> str:
    return str(screen.query_one("#search-status").render())  # type: ignore[attr-defined]
