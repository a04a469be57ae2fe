"""The app's side of the local store: read the stored list and conversations, keep the copy up
to date as the user reads, and never let a store failure reach the user as more than one
quiet warning.

Every method but :meth:`LocalCopy.first_page` runs the store's work in a thread
(``asyncio.to_thread``), so a write never blocks a frame. :meth:`LocalCopy.first_page` reads
one page of rows synchronously: it is what the first frame shows, and it costs about a
millisecond (an indexed ``LIMIT`` query).

The store itself (:mod:`tui.store`) knows nothing of the app; the controllers use this class and
never its SQL.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from tui.api.models import Conversation, ConversationItem, ConversationPage
from tui.store.records import ListEntry

if TYPE_CHECKING:
    from tui.store.store import Store

T = TypeVar("T")

STORE_PROBLEM_TITLE = "Local copy not used"
"""The title of the one warning a store failure gives."""
_FAILURES = (sqlite3.Error, OSError, ValueError)
"""What a store call may raise besides StoreError (a full disk, a file gone, odd JSON)."""


def _nothing(_text: str) -> None:
    return None


@dataclass(frozen=True, slots=True)
class StoredCopy:
    """A conversation as the local copy has it."""

    conversation: Conversation
    """The stored JSON, parsed."""
    raw: bytes
    """The stored JSON, byte for byte as the server sent it."""


class LocalCopy:
    """One backend's store as the app uses it; ``store`` None means there is no usable copy."""

    def __init__(self, store: Store | None, problem: str = "") -> None:
        self.store = store
        """The open store, or None (no copy, or it could not be opened: see ``problem``)."""
        self.problem = problem
        """Why the store could not be opened, as a sentence fit for the user ("" if it could)."""
        self.warn: Callable[[str], None] = _nothing
        """Says (once) that the copy failed; the controller points it at a notice."""
        self._warned = bool(problem)

    @classmethod
    def open(cls, backend_url: str, root: Path | None = None) -> LocalCopy:
        """The store of ``backend_url`` under ``root`` (default: the XDG data dir).

        A damaged or foreign file is left where it is: the copy is not used, and ``problem``
        says which file and what to run (``backchat sync --rebuild``).
        """
        from tui.store.store import Store
        from tui.store.store_errors import StoreError

        try:
            return cls(Store.for_backend(backend_url, root))
        except (StoreError, *_FAILURES) as error:
            return cls(None, str(error) or type(error).__name__)

    @property
    def usable(self) -> bool:
        return self.store is not None

    def close(self) -> None:
        store, self.store = self.store, None
        if store is not None:
            store.close()

    # -- reading ------------------------------------------------------------------------------

    def first_page(self, limit: int, archived: bool = False) -> ConversationPage | None:
        """The stored list's first page, read now (for the first frame); None if none."""
        return self._guard(lambda store: self._page(store, 0, limit, archived))

    async def page(self, offset: int, limit: int, archived: bool) -> ConversationPage | None:
        """A page of the stored list, in the server's order (newest update first)."""
        return await self._in_thread(lambda store: self._page(store, offset, limit, archived))

    async def conversation(self, conversation_id: str) -> StoredCopy | None:
        """The stored conversation, parsed off the event loop; None if not stored (or bad)."""

        def read(store: Store) -> StoredCopy | None:
            raw = store.conversation_json(conversation_id)
            if raw is None:
                return None
            return StoredCopy(Conversation.model_validate_json(raw), raw)

        return await self._in_thread(read)

    @staticmethod
    def _page(store: Store, offset: int, limit: int, archived: bool) -> ConversationPage:
        rows = store.list_page(offset, limit, archived=archived)
        # model_construct: the store's rows are typed already, and validating the first model
        # builds pydantic's schema for it (100-250 ms here, measured with
        # bench/app_startup_store.py): that belongs after the first frame, not in it.
        items = [
            ConversationItem.model_construct(
                id=row.id,
                title=row.title or None,  # the store keeps "" for "no title"
                create_time=row.create_time,
                update_time=row.update_time,
                is_archived=row.is_archived,
            )
            for row in rows
        ]
        # No total: the stored count may differ from the server's; the list pages on until a
        # short page says it has reached the end.
        return ConversationPage.model_construct(items=items, offset=offset, limit=limit)

    # -- writing (each in a thread) -----------------------------------------------------------

    async def save_list(self, items: Iterable[ConversationItem]) -> None:
        entries = [ListEntry.from_item(item) for item in items]
        await self._in_thread(lambda store: store.put_list_items(entries))

    async def save_conversation(self, raw: bytes, listed: datetime | None = None) -> None:
        """Keep the conversation the server just sent (``listed``: the list's update time)."""
        when = listed.timestamp() if listed is not None else None
        await self._in_thread(lambda store: store.put_conversation(raw, listed_update_time=when))

    async def renamed(self, conversation_id: str, title: str) -> None:
        await self._in_thread(lambda store: store.rename(conversation_id, title))

    async def removed(self, conversation_id: str) -> None:
        await self._in_thread(lambda store: store.remove(conversation_id))

    async def archived(self, conversation_id: str, archived: bool) -> None:
        await self._in_thread(lambda store: store.set_archived(conversation_id, archived))

    # -- plumbing -----------------------------------------------------------------------------

    async def _in_thread(self, work: Callable[[Store], T]) -> T | None:
        if self.store is None:
            return None
        result, failure = await asyncio.to_thread(self._attempt, work)
        if failure is not None:
            self._say(failure)  # back on the event loop: the warning is a UI message
        return result

    def _guard(self, work: Callable[[Store], T]) -> T | None:
        result, failure = self._attempt(work)
        if failure is not None:
            self._say(failure)
        return result

    def _attempt(self, work: Callable[[Store], T]) -> tuple[T | None, str | None]:
        """Run ``work`` on the store: its result, or what went wrong."""
        from tui.store.store_errors import StoreError

        store = self.store
        if store is None:
            return None, None
        try:
            return work(store), None
        except (StoreError, *_FAILURES) as error:
            return None, str(error) or type(error).__name__

    def _say(self, problem: str) -> None:
        """A failure is said once; after that it only costs the copy."""
        if not self._warned:
            self._warned = True
            self.warn(problem)
