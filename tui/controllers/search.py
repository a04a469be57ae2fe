"""Searching the history: the local copy as the user types, the server's search page by page.

The store answers in a thread (SQLite is quick, but a keystroke must never wait on it); the
server is asked through the client. Each new query cancels the search still running (one
exclusive group), and the local search waits :data:`DEBOUNCE` seconds first, so a burst of
keys costs one query. Results go to the host (the search dialog) as
:mod:`tui.controllers.search_messages`; nothing here touches a widget.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from tui.api.client import BackendClient
from tui.api.errors import ApiError
from tui.controllers.host import Running
from tui.controllers.search_messages import (
    LocalResults,
    SearchFailed,
    SearchMessage,
    ServerResults,
    StoreDescribed,
)
from tui.store.store_errors import StoreError

if TYPE_CHECKING:
    from tui.store.store import Store

DEBOUNCE = 0.05
"""Seconds a search waits for the next key before it runs. Short: the first results must be
drawn within 100 ms of the last key (bench/app_search.py), and a query on a 10,000-chat store
takes ~10 ms at p50 (bench/search_store.py); keys pasted or typed in a burst still fold."""
LOCAL_LIMIT = 30
"""Hits shown for a local search: two screens of rows; more costs time on every key (snippets
are cut per hit, bench/app_search.py)."""
SEARCH_GROUP = "search"
"""The worker group of every search: a newer one cancels the older."""


class SearchHost(Protocol):
    """The side of the UI the search controller talks to (the search dialog)."""

    def post(self, message: SearchMessage) -> None:
        """Deliver ``message`` to the UI, handled before ``post`` returns."""
        ...

    def run(
        self, work: Coroutine[Any, Any, None], *, group: str, exclusive: bool = False
    ) -> Running:
        """Run ``work`` concurrently; ``exclusive`` cancels the running work of its ``group``."""
        ...


class Searcher:
    """The controller behind the search dialog."""

    def __init__(
        self,
        host: SearchHost,
        *,
        store: Store | None,
        client: BackendClient | None,
        debounce: float = DEBOUNCE,
        store_problem: str = "",
    ) -> None:
        self.host = host
        self.store = store
        """The local copy; None when there is none to search."""
        self.client = client
        """The API client; None when the app runs without the server."""
        self.debounce = debounce
        """Seconds to wait before a local search runs (0 in tests that want it at once)."""
        self.store_problem = store_problem
        """Why there is no store (it could not be opened), said instead of its counts."""

    def describe(self) -> None:
        """Post how much the local copy holds (the dialog says how to fill an empty one)."""
        store = self.store

        async def count() -> None:
            if store is None:
                problem = self.store_problem or "There is no local copy of your history."
                self.host.post(StoreDescribed(None, problem))
                return
            try:
                counts = await asyncio.to_thread(store.counts)
            except StoreError as error:
                self.host.post(StoreDescribed(None, str(error)))
                return
            self.host.post(StoreDescribed(counts))

        self.host.run(count(), group="search-store")

    def local(self, query: str) -> None:
        """Search the local copy for ``query`` (a bare last word counts as a prefix)."""
        store = self.store

        async def search() -> None:
            if self.debounce > 0:
                await asyncio.sleep(self.debounce)
            if store is None or not query.strip():
                self.host.post(LocalResults(query, ()))
                return
            try:
                hits = await asyncio.to_thread(store.search, query, LOCAL_LIMIT, as_you_type=True)
            except StoreError as error:
                self.host.post(SearchFailed(query, str(error), server=False))
                return
            self.host.post(LocalResults(query, tuple(hits)))

        self.host.run(search(), group=SEARCH_GROUP, exclusive=True)

    def server(self, query: str, cursor: str | None = None) -> None:
        """Ask the server for ``query``: its first page, or the page at ``cursor``."""
        client = self.client

        async def search() -> None:
            if cursor is None and self.debounce > 0:
                await asyncio.sleep(self.debounce)  # a first page follows the typing
            if client is None:
                self.host.post(SearchFailed(query, "Server search needs the server.", server=True))
                return
            if not query.strip():
                self.host.post(ServerResults(query, (), None, more=False))
                return
            try:
                page = await client.search_conversations(query, cursor)
            except ApiError as error:
                self.host.post(SearchFailed(query, error.message, server=True))
                return
            self.host.post(ServerResults(query, tuple(page.items), page.cursor, cursor is not None))

        self.host.run(search(), group=SEARCH_GROUP, exclusive=True)
