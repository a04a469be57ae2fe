"""The search controller with a recording host: the store as you type, the server page by page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.controllers.recording_host import RecordingHost
from tests.store.test_store_basics import conversation
from tui.api import BackendClient
from tui.controllers.search import Searcher
from tui.controllers.search_messages import (
    LocalResults,
    SearchFailed,
    ServerResults,
    StoreDescribed,
)
from tui.store.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "store.sqlite3") as opened:
        opened.put_conversation(
            conversation("bread", "Sourdough", 800.0, "My starter smells of acetone",
                         "Feed it twice a day.")
        )  # fmt: skip
        yield opened  # type: ignore[misc]


@pytest.mark.anyio
async def test_local_search_widens_the_last_word_and_posts_hits(
    host: RecordingHost, store: Store
) -> None:
    searcher = Searcher(host, store=store, client=None, debounce=0)
    searcher.local("sourd")
    await host.settled()
    (results,) = host.of(LocalResults)
    assert results.query == "sourd"
    assert [hit.conversation_id for hit in results.hits] == ["bread"]


@pytest.mark.anyio
async def test_a_newer_query_cancels_the_older_one(host: RecordingHost, store: Store) -> None:
    searcher = Searcher(host, store=store, client=None, debounce=0.05)
    searcher.local("s")
    searcher.local("so")
    searcher.local("acet")
    await host.settled()
    assert [results.query for results in host.of(LocalResults)] == ["acet"]


@pytest.mark.anyio
async def test_queries_fts5_cannot_parse_never_fail(host: RecordingHost, store: Store) -> None:
    searcher = Searcher(host, store=store, client=None, debounce=0)
    for query in ['"', "(", "NEAR(", "a AND", "title:", "*", "-"]:
        searcher.local(query)
        await host.settled()
    assert len(host.of(LocalResults)) == 7
    assert not host.of(SearchFailed)


@pytest.mark.anyio
async def test_the_store_is_described_empty_or_missing(host: RecordingHost, tmp_path: Path) -> None:
    with Store(tmp_path / "empty.sqlite3") as empty:
        Searcher(host, store=empty, client=None).describe()
        await host.settled()
    Searcher(host, store=None, client=None).describe()
    await host.settled()
    first, second = host.of(StoreDescribed)
    assert first.counts is not None
    assert first.counts.messages == 0
    assert second.counts is None
    assert second.problem


@pytest.mark.anyio
async def test_server_search_pages_with_the_cursor(
    host: RecordingHost, client: BackendClient
) -> None:
    searcher = Searcher(host, store=None, client=client, debounce=0)
    searcher.server("the")
    await host.settled()
    (first,) = host.of(ServerResults)
    assert not first.more
    assert len(first.items) == 20
    assert first.cursor is not None
    searcher.server("the", first.cursor)
    await host.settled()
    second = host.of(ServerResults)[1]
    assert second.more
    assert second.items
    assert second.items != first.items


@pytest.mark.anyio
async def test_without_a_client_the_server_search_says_it_needs_the_server(
    host: RecordingHost,
) -> None:
    Searcher(host, store=None, client=None, debounce=0).server("anything")
    await host.settled()
    (failed,) = host.of(SearchFailed)
    assert failed.server
    assert "needs the server" in failed.reason
