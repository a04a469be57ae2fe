"""``backchat sync``: mirror the server's history into the store, resumably.

One lister pages through the list (visible, then archived; 100 a page) and stores each page's
rows in one transaction; rows whose conversation is missing or changed go into a small queue
that ``jobs`` fetchers drain, each storing its conversation in its own transaction as soon as
it arrives. Nothing is held beyond the queue and the requests in flight, so memory stays flat
however long the history is; an interruption (ctrl+c, a dropped connection, a crash) loses at
most the conversations in flight, and the next run fetches exactly what is still missing.

Retries live here, not in the transport (the client is built with ``max_attempts=1`` for
sync): 429, 5xx and network failures are tried again with exponential backoff that never
waits less than the server's ``Retry-After``. A 401 stops the whole run (every request would
fail); a 404 means the chat was deleted meanwhile and counts as failed with that reason.

Only after a complete list pass are stored conversations the server no longer lists marked
"only in your copy" (or deleted, with ``prune``): a partial list proves nothing.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol, TypeVar

import anyio
from anyio.abc import ObjectReceiveStream, ObjectSendStream

from tui.api.errors import (
    ApiError,
    AuthError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    ServerError,
)
from tui.api.models import ConversationPage
from tui.store.records import ListEntry, PutOutcome
from tui.store.rows import BadConversation
from tui.store.store import Store
from tui.store.store_errors import StoreError

T = TypeVar("T")
PAGE_LIMIT = 100
"""The largest page the list endpoint serves (it answers 422 above)."""
QUEUE_SIZE = 200
"""Conversations waiting for a fetcher; the lister waits when the queue is full."""


class SyncClient(Protocol):
    """The two calls sync needs (``tui.api.client.BackendClient`` has them)."""

    async def conversations(
        self,
        offset: int = 0,
        limit: int = 28,
        order: str = "updated",
        is_archived: bool | None = None,
    ) -> ConversationPage: ...

    async def conversation_bytes(self, conversation_id: str) -> bytes: ...


class Progress(Protocol):
    """What a progress display is told."""

    def total(self, count: int) -> None:
        """The server's count of conversations (visible + archived), once known."""

    def advance(self, outcome: str, count: int = 1) -> None:
        """``count`` conversations done: ``new``, ``updated``, ``unchanged`` or ``failed``."""


class NoProgress:
    def total(self, count: int) -> None:
        pass

    def advance(self, outcome: str, count: int = 1) -> None:
        pass


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a failed request is tried again."""

    attempts: int = 8
    """Tries in all, the first included, after 5xx answers and network failures."""
    rate_limited_attempts: int = 40
    """Tries in all while the server answers 429: it asks us to wait, not to give up."""
    base_delay: float = 0.5
    """First backoff, doubled each retry, with jitter."""
    max_delay: float = 60.0
    """Longest wait of one backoff (a longer ``Retry-After`` is still honoured, up to
    :attr:`max_retry_after`)."""
    max_retry_after: float = 600.0
    """A ``Retry-After`` longer than this (a model cap of hours) fails the request instead."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A conversation (or list page) that could not be synced, and why."""

    conversation_id: str
    title: str
    reason: str


@dataclass
class SyncReport:
    """The outcome of one run."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list[Failure] = field(default_factory=list)
    listed: int = 0
    """List rows the server sent."""
    list_complete: bool = False
    """Every list page was read: only then are missing conversations marked or pruned."""
    only_local: int = 0
    """Stored conversations the server no longer lists (kept, marked)."""
    pruned: int = 0
    """... or deleted, with ``--prune``."""
    stopped: str | None = None
    """Why the run stopped early (401, a full disk...), if it did."""

    @property
    def failed(self) -> int:
        return len(self.failures)


class SyncStopped(Exception):
    """Ends the whole run: ``str()`` says why."""


Sleep = Callable[[float], Awaitable[None]]


async def sync_history(
    client: SyncClient,
    store: Store,
    *,
    jobs: int = 4,
    prune: bool = False,
    progress: Progress | None = None,
    retry: RetryPolicy | None = None,
    sleep: Sleep = anyio.sleep,
) -> SyncReport:
    """Run one sync. API failures are counted per conversation; a 401 or a store error (a full
    disk, a damaged file) stops the run and is named in ``report.stopped``."""
    run = _Run(client, store, progress or NoProgress(), retry or RetryPolicy(), sleep)
    return await run.execute(jobs=max(1, jobs), prune=prune)


class _Run:
    def __init__(
        self, client: SyncClient, store: Store, progress: Progress, retry: RetryPolicy, sleep: Sleep
    ) -> None:
        self.client = client
        self.store = store
        self.progress = progress
        self.retry = retry
        self.sleep = sleep
        self.report = SyncReport()
        self.writer = anyio.CapacityLimiter(1)
        """One conversation is written at a time (the store serialises writes anyway)."""

    async def execute(self, *, jobs: int, prune: bool) -> SyncReport:
        self.store.begin_sync_run()
        send, receive = anyio.create_memory_object_stream[ListEntry](QUEUE_SIZE)
        try:
            async with anyio.create_task_group() as group:
                for _ in range(jobs):
                    group.start_soon(self._fetcher, receive.clone())
                receive.close()
                await self._lister(send, jobs)
        except* (SyncStopped, StoreError) as stopped:
            # A full disk or a 401 ends the run; what was stored before it stays stored.
            self.report.stopped = str(stopped.exceptions[0])
        if self.report.list_complete and self.report.stopped is None:
            if prune:
                self.report.pruned = self.store.finish_sync_run(prune=True)
            else:
                self.report.only_local = self.store.finish_sync_run()
        return self.report

    async def _lister(self, send: ObjectSendStream[ListEntry], jobs: int) -> None:
        """Read every list page, visible then archived, and queue what needs fetching.

        The first page of each kind says how many there are; the other pages are then read
        ``jobs`` at a time (a sync with nothing new is mostly this). Should the list have grown
        meanwhile, it is read on page by page past the first count.
        """
        async with send:
            complete = True
            totals: dict[bool, int] = {}
            for archived in (False, True):
                first = await self._page(archived, 0, send)
                if first is None:
                    complete = False
                    continue
                if first.total is not None:
                    totals[archived] = first.total
                    self.progress.total(sum(totals.values()))
                if len(first.items) < PAGE_LIMIT:
                    continue
                read = await self._pages_at_once(archived, first.total, send, jobs)
                if read is None:
                    complete = False
                    continue
                offset, full = read
                while full:
                    page = await self._page(archived, offset, send)
                    if page is None:
                        complete = False
                        break
                    full = len(page.items) >= PAGE_LIMIT
                    offset += PAGE_LIMIT
            self.report.list_complete = complete

    async def _pages_at_once(
        self, archived: bool, total: int | None, send: ObjectSendStream[ListEntry], jobs: int
    ) -> tuple[int, bool] | None:
        """Pages 2.. of a list whose first page was full, ``jobs`` at a time.

        Returns the next offset and whether the last page read was full (the list grew), or
        None when a page could not be read.
        """
        if total is None or total <= PAGE_LIMIT:
            return PAGE_LIMIT, True  # no count to plan with: page on one by one
        offsets = range(PAGE_LIMIT, total, PAGE_LIMIT)
        limiter = anyio.CapacityLimiter(jobs)
        pages: dict[int, ConversationPage | None] = {}

        async def read(offset: int) -> None:
            async with limiter:
                pages[offset] = await self._page(archived, offset, send)

        async with anyio.create_task_group() as group:
            for offset in offsets:
                group.start_soon(read, offset)
        if any(page is None for page in pages.values()):
            return None
        last = pages[offsets[-1]]
        assert last is not None
        return offsets[-1] + PAGE_LIMIT, len(last.items) >= PAGE_LIMIT

    async def _page(
        self, archived: bool, offset: int, send: ObjectSendStream[ListEntry]
    ) -> ConversationPage | None:
        """Read and store one list page, queue its stale rows; None (and a failure) if unread."""
        try:
            page = await self._list_page(offset, archived)
        except ApiError as error:
            which = "archived" if archived else "visible"
            self.report.failures.append(Failure("", f"{which} list at {offset}", str(error)))
            return None
        entries = [ListEntry.from_item(item) for item in page.items]
        self.report.listed += len(entries)
        stale = {entry.id for entry in self.store.put_list_items(entries)}
        fresh = len(entries) - len(stale)
        if fresh:
            self.report.unchanged += fresh
            self.progress.advance("unchanged", fresh)
        for entry in entries:
            if entry.id in stale:
                await send.send(entry)
        return page

    async def _list_page(self, offset: int, archived: bool) -> ConversationPage:
        async def call() -> ConversationPage:
            return await self.client.conversations(
                offset=offset, limit=PAGE_LIMIT, is_archived=archived
            )

        return await self._with_retry(call)

    async def _fetcher(self, receive: ObjectReceiveStream[ListEntry]) -> None:
        async with receive:
            async for entry in receive:
                outcome = await self._fetch_one(entry)
                self.progress.advance(outcome)

    async def _fetch_one(self, entry: ListEntry) -> str:
        try:
            raw = await self._with_retry(lambda: self.client.conversation_bytes(entry.id))
        except NotFoundError:
            return self._fail(entry, "deleted on the server during the sync")
        except ApiError as error:
            return self._fail(entry, str(error))
        try:
            # Parsing, indexing and writing run in one worker thread, beside the requests in
            # flight (SQLite lets go of the GIL while it writes); not cancellable, so an
            # interrupted sync never leaves a conversation half stored.
            _, outcome = await anyio.to_thread.run_sync(
                partial(self.store.put_conversation, raw, listed_update_time=entry.update_time),
                limiter=self.writer,
            )
        except BadConversation as error:
            return self._fail(entry, f"the server sent an unusable conversation ({error})")
        if outcome is PutOutcome.NEW:
            self.report.new += 1
        elif outcome is PutOutcome.UPDATED:
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        return outcome.value

    def _fail(self, entry: ListEntry, reason: str) -> str:
        self.report.failures.append(Failure(entry.id, entry.title, reason))
        return "failed"

    async def _with_retry(self, call: Callable[[], Awaitable[T]]) -> T:
        policy = self.retry
        failures = throttled = 0
        while True:
            try:
                return await call()
            except AuthError as error:
                raise SyncStopped(f"{error} (run `backchat login`)") from None
            except RateLimitError as error:
                throttled += 1
                retry_after = error.retry_after
                if throttled >= policy.rate_limited_attempts:
                    raise
                if retry_after is not None and retry_after > policy.max_retry_after:
                    raise
                await self.sleep(self._delay(throttled, retry_after))
            except (ServerError, NetworkError):
                failures += 1
                if failures >= policy.attempts:
                    raise
                await self.sleep(self._delay(failures, None))

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        backoff = self.retry.base_delay * 2.0 ** (attempt - 1) * random.uniform(0.5, 1.0)
        backoff = min(backoff, self.retry.max_delay)
        return max(backoff, retry_after) if retry_after is not None else backoff
