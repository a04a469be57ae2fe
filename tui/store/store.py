"""The local copy of one backend's history: a SQLite file with an FTS5 index.

:class:`Store` is what the app, ``backchat sync``, ``import`` and ``search`` use. Every write is
one ``BEGIN IMMEDIATE`` transaction (one conversation, or one list page), so an interrupted
write never leaves half a conversation, and a second process waits its turn (busy timeout)
instead of failing. SQLite's own failures become :mod:`tui.store.store_errors` sentences: a full
disk, a damaged file, a lock held too long. The store never holds the token.

Methods are safe to call from several threads (one lock around the connection). Reading the
list and searching load neither pydantic nor the client: the app can show the stored list
before those are imported.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

from tui.store import search as fulltext
from tui.store.location import store_path
from tui.store.records import (
    ListEntry,
    Origin,
    PutOutcome,
    SearchHit,
    StoreCounts,
    StoredConversation,
    epoch,
)
from tui.store.rows import (
    get_meta,
    known_rows,
    parse_body,
    retitle,
    set_meta,
    stored_row,
)
from tui.store.schema import BUSY_TIMEOUT_MS, connect
from tui.store.store_errors import StoreBusyError, StoreCorruptError, StoreFullError

if TYPE_CHECKING:
    from tui.api.models import Conversation

T = TypeVar("T")
_FULL_CODES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_CORRUPT_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_ITEM_COLUMNS = (
    "id, title, create_time, update_time, is_archived, only_local, stored_at IS NOT NULL, origin"
)


class Store:
    """One store file. ``with Store.for_backend(url) as store: ...``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        """The SQLite file."""
        self._connection = connect(self.path)
        self._lock = threading.RLock()
        self._sync_run = False
        """True between begin_sync_run and finish_sync_run."""

    @classmethod
    def for_backend(cls, backend_url: str, root: Path | None = None) -> Store:
        """The store of ``backend_url`` in the XDG data dir (or ``root``), created if missing."""
        return cls(store_path(backend_url, root))

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------

    def list_page(
        self, offset: int = 0, limit: int = 28, *, archived: bool = False
    ) -> list[StoredConversation]:
        """Stored conversations, most recently updated first (the server's order)."""
        sql = (
            f"SELECT {_ITEM_COLUMNS} FROM conversations WHERE is_archived = ? "
            "ORDER BY update_time DESC, id LIMIT ? OFFSET ?"
        )
        rows = self._read(lambda c: c.execute(sql, (int(archived), limit, offset)).fetchall())
        return [stored_row(row) for row in rows]

    def item(self, conversation_id: str) -> StoredConversation | None:
        """One conversation's list row, or None."""
        sql = f"SELECT {_ITEM_COLUMNS} FROM conversations WHERE id = ?"
        row = self._read(lambda c: c.execute(sql, (conversation_id,)).fetchone())
        return None if row is None else stored_row(row)

    def conversation_json(self, conversation_id: str) -> bytes | None:
        """The stored conversation JSON, byte for byte as it was received; None if not stored."""
        sql = "SELECT raw FROM bodies WHERE id = ?"
        row = self._read(lambda c: c.execute(sql, (conversation_id,)).fetchone())
        return None if row is None or row[0] is None else bytes(row[0])

    def conversation(self, conversation_id: str) -> Conversation | None:
        """The stored conversation as the client's model (what the tree functions take)."""
        from tui.api.models import Conversation

        raw = self.conversation_json(conversation_id)
        return None if raw is None else Conversation.model_validate_json(raw)

    def search(self, query: str, limit: int = 50, *, as_you_type: bool = False) -> list[SearchHit]:
        """Ranked hits over every stored message of every branch. Never raises for a query.

        ``as_you_type`` reads a bare last word as a prefix, for results while the user types.
        """
        return self._read(lambda c: fulltext.search(c, query, limit, as_you_type=as_you_type))

    def hits_in(self, conversation_id: str, query: str) -> list[SearchHit]:
        """The messages of one conversation whose text matches ``query`` (for next/previous)."""
        return self._read(lambda c: fulltext.hits_in(c, conversation_id, query))

    def counts(self) -> StoreCounts:
        """How many conversations (with bodies, archived, only local) and message rows."""

        def count(connection: sqlite3.Connection) -> StoreCounts:
            row = connection.execute(
                "SELECT count(*), count(stored_at), coalesce(sum(is_archived), 0), "
                "coalesce(sum(only_local), 0) FROM conversations"
            ).fetchone()
            messages = connection.execute("SELECT count(*) FROM messages").fetchone()[0]
            return StoreCounts(row[0], row[1], row[2], row[3], messages)

        return self._read(count)

    def last_sync(self) -> float | None:
        """When the last complete sync finished (epoch seconds), if ever."""
        value = self._meta("last_sync")
        return float(value) if value is not None else None

    # -- writing ------------------------------------------------------------------------------

    def put_list_items(self, entries: Iterable[ListEntry]) -> list[ListEntry]:
        """Store the server's list rows; return those whose conversation needs fetching.

        A row needs fetching when no body is stored or its ``update_time`` differs from the
        one the stored body was fetched for. The server listing a row clears "only in your
        copy"; during a sync run (:meth:`begin_sync_run`) it is also noted as seen. Rows that
        did not change are not written at all, so a sync with nothing new stays cheap.
        """
        entries = list(entries)
        if not entries:
            return []

        def write(connection: sqlite3.Connection) -> list[ListEntry]:
            if self._sync_run:
                connection.executemany(
                    "INSERT OR IGNORE INTO temp.seen_now (id) VALUES (?)",
                    [(entry.id,) for entry in entries],
                )
            known = known_rows(connection, [entry.id for entry in entries])
            stale: list[ListEntry] = []
            for entry in entries:
                before = known.get(entry.id)
                if before is None or before.differs(entry):
                    connection.execute(
                        "INSERT INTO conversations (id, title, create_time, update_time, "
                        "is_archived) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                        "title = excluded.title, create_time = coalesce(excluded.create_time, "
                        "create_time), update_time = coalesce(excluded.update_time, "
                        "update_time), is_archived = excluded.is_archived, only_local = 0",
                        (
                            entry.id,
                            entry.title,
                            entry.create_time,
                            entry.update_time,
                            int(entry.is_archived),
                        ),
                    )
                if before is not None and before.title != entry.title:
                    retitle(connection, entry.id, entry.title)
                if before is None or before.stale(entry.update_time):
                    stale.append(entry)
            return stale

        return self._write(write)

    def put_conversation(
        self,
        raw: bytes,
        *,
        listed_update_time: float | None = None,
        origin: Origin = Origin.SERVER,
        data: Any = None,
    ) -> tuple[str, PutOutcome]:
        """Store one conversation's JSON (``raw``, kept byte for byte) and index every branch.

        ``listed_update_time`` is the list's ``update_time`` that made the caller fetch it;
        ``data`` is ``raw`` already parsed, when the caller has it. Returns the id and whether
        the conversation was new, updated or unchanged. Raises BadConversation for JSON that
        is not a conversation; nothing is written then.
        """
        from tui.store.index import message_rows  # pydantic and the tree: only for writes

        conv = parse_body(raw, data)
        conv_id = conv.key
        title = conv.title or ""
        rows = message_rows(conv)

        def write(connection: sqlite3.Connection) -> PutOutcome:
            before = connection.execute(
                "SELECT b.raw, c.origin FROM conversations AS c LEFT JOIN bodies AS b "
                "ON b.id = c.id WHERE c.id = ?",
                (conv_id,),
            ).fetchone()
            listed = (
                listed_update_time if listed_update_time is not None else epoch(conv.update_time)
            )
            if before is not None and before[0] is not None and bytes(before[0]) == raw:
                connection.execute(
                    "UPDATE conversations SET listed_update_time = ?, "
                    "only_local = CASE WHEN ? THEN 0 ELSE only_local END WHERE id = ?",
                    (listed, origin is Origin.SERVER, conv_id),
                )
                return PutOutcome.UNCHANGED
            # A server copy is not replaced by an import of an older export of the same chat.
            keep_origin = before is not None and before[1] == Origin.SERVER
            connection.execute(
                "INSERT INTO conversations (id, title, create_time, update_time, is_archived, "
                "origin, listed_update_time, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
                "create_time = coalesce(excluded.create_time, create_time), "
                "update_time = coalesce(excluded.update_time, update_time), "
                "is_archived = excluded.is_archived, origin = excluded.origin, "
                "listed_update_time = excluded.listed_update_time, "
                "stored_at = excluded.stored_at, "
                # The server just sent it: it is no longer only in your copy.
                "only_local = CASE WHEN ? THEN 0 ELSE only_local END",
                (
                    conv_id,
                    title,
                    epoch(conv.create_time),
                    epoch(conv.update_time),
                    int(bool(conv.is_archived)),
                    Origin.SERVER if keep_origin else origin,
                    listed,
                    time.time(),
                    origin is Origin.SERVER,
                ),
            )
            connection.execute(
                "INSERT INTO bodies (id, raw) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET raw = excluded.raw",
                (conv_id, raw),
            )
            connection.execute("DELETE FROM messages WHERE conversation_id = ?", (conv_id,))
            connection.executemany(
                "INSERT INTO messages (conversation_id, message_id, role, create_time, title, "
                "text) VALUES (?, ?, ?, ?, ?, ?)",
                [(conv_id, r.message_id, r.role, r.create_time, title, r.text) for r in rows],
            )
            return PutOutcome.NEW if before is None or before[0] is None else PutOutcome.UPDATED

        return conv_id, self._write(write)

    def remove(self, conversation_id: str) -> bool:
        """Forget a conversation (the user deleted it). True if it was stored."""

        def write(connection: sqlite3.Connection) -> bool:
            key = (conversation_id,)
            connection.execute("DELETE FROM messages WHERE conversation_id = ?", key)
            connection.execute("DELETE FROM bodies WHERE id = ?", key)
            cursor = connection.execute("DELETE FROM conversations WHERE id = ?", key)
            return cursor.rowcount > 0

        return self._write(write)

    def rename(self, conversation_id: str, title: str) -> None:
        """The user renamed a conversation: its list row and every search row follow."""

        def write(connection: sqlite3.Connection) -> None:
            connection.execute(
                "UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id)
            )
            retitle(connection, conversation_id, title)

        self._write(write)

    def set_archived(self, conversation_id: str, archived: bool) -> None:
        """The user archived (or brought back) a conversation."""
        self._write(
            lambda c: c.execute(
                "UPDATE conversations SET is_archived = ? WHERE id = ?",
                (int(archived), conversation_id),
            )
        )

    # -- sync runs ----------------------------------------------------------------------------

    def begin_sync_run(self) -> None:
        """Start noting which conversations the server lists (see :meth:`finish_sync_run`).

        The notes live in a temporary table of this connection: they matter only until the
        run's list pass is complete, and cost no writes to the file.
        """
        with self._lock, self._translated():
            self._connection.execute(
                "CREATE TEMP TABLE IF NOT EXISTS seen_now (id TEXT PRIMARY KEY)"
            )
            self._connection.execute("DELETE FROM temp.seen_now")
            self._sync_run = True

    def finish_sync_run(self, *, prune: bool = False) -> int:
        """After a COMPLETE list pass: mark (or, with ``prune``, delete) what the server lacks.

        Every stored conversation the run's list did not show is concerned. Returns how many
        are now only in your copy (or were deleted).
        """
        gone = "id NOT IN (SELECT id FROM temp.seen_now)"

        def write(connection: sqlite3.Connection) -> int:
            if prune:
                missing = f"(SELECT id FROM conversations WHERE {gone})"
                connection.execute(f"DELETE FROM messages WHERE conversation_id IN {missing}")
                connection.execute(f"DELETE FROM bodies WHERE id IN {missing}")
                count = connection.execute(f"DELETE FROM conversations WHERE {gone}").rowcount
            else:
                connection.execute(f"UPDATE conversations SET only_local = 1 WHERE {gone}")
                sql = f"SELECT count(*) FROM conversations WHERE {gone}"
                count = connection.execute(sql).fetchone()[0]
            set_meta(connection, "last_sync", str(time.time()))
            return int(count)

        try:
            return self._write(write)
        finally:
            self._sync_run = False

    # -- plumbing -----------------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        return self._read(lambda c: get_meta(c, key))

    def _read(self, action: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock, self._translated():
            return action(self._connection)

    def _write(self, action: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``action`` in one write transaction; roll back on any failure."""
        with self._lock, self._translated():
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = action(connection)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            return result

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as error:
            code = getattr(error, "sqlite_errorcode", None)
            primary = code & 0xFF if isinstance(code, int) else None
            if primary in _FULL_CODES:
                raise StoreFullError(self.path) from None
            if primary in _BUSY_CODES:
                raise StoreBusyError(self.path, BUSY_TIMEOUT_MS / 1000) from None
            if primary in _CORRUPT_CODES:
                raise StoreCorruptError(self.path, "is damaged") from None
            raise
