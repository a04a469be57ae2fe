"""Opening a store file: checks, pragmas, the schema and its migrations.

Layout (schema 1):

- ``conversations``: one row per conversation: the list fields, the "only in your copy" flag,
  where the copy came from, and when its body was stored (``stored_at``, NULL while only the
  list row is known).
- ``bodies``: the conversation JSON byte for byte as the server (or the export) had it.
- ``messages``: one row per visible text message of every branch; ``messages_fts`` is an FTS5
  index over its ``title`` and ``text`` (external content, kept in step by triggers), so the
  text is stored once and rows of one conversation are found through an ordinary index.
- ``meta``: small key/value state (the sync run counter, the last sync's time).

The file is marked with :data:`APPLICATION_ID` so a foreign SQLite file is told apart from a
store, and ``user_version`` carries the schema version that :data:`MIGRATIONS` upgrade.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tui.store.store_errors import StoreCorruptError, StoreTooNewError

APPLICATION_ID = 0x62636874
"""``bcht``: written into the SQLite header of every store file."""
SCHEMA_VERSION = 1
"""The schema this code writes; older files are migrated on open."""
BUSY_TIMEOUT_MS = 15_000
"""How long a statement waits for another process's write lock before giving up."""
_SQLITE_MAGIC = b"SQLite format 3\x00"

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            create_time REAL,
            update_time REAL,
            is_archived INTEGER NOT NULL DEFAULT 0,
            only_local INTEGER NOT NULL DEFAULT 0,
            origin TEXT NOT NULL DEFAULT 'server',
            listed_update_time REAL,
            stored_at REAL
        )
        """,
        # Bodies apart from the list rows: paging and upserting the list never reads or
        # rewrites a conversation's (often large) JSON.
        "CREATE TABLE bodies (id TEXT PRIMARY KEY, raw BLOB NOT NULL) WITHOUT ROWID",
        "CREATE INDEX conversations_by_update ON conversations (is_archived, update_time DESC)",
        """
        CREATE TABLE messages (
            rowid INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            role TEXT NOT NULL,
            create_time REAL,
            title TEXT NOT NULL,
            text TEXT NOT NULL
        )
        """,
        "CREATE INDEX messages_by_conversation ON messages (conversation_id)",
        """
        CREATE VIRTUAL TABLE messages_fts USING fts5 (
            title, text,
            content = 'messages', content_rowid = 'rowid',
            tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        )
        """,
        """
        CREATE TRIGGER messages_added AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END
        """,
        """
        CREATE TRIGGER messages_removed AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        END
        """,
        """
        CREATE TRIGGER messages_changed AFTER UPDATE ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO messages_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END
        """,
        # Title words count double: a chat named after the query is the likelier answer.
        "INSERT INTO messages_fts (messages_fts, rank) VALUES ('rank', 'bm25(2.0, 1.0)')",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
}
"""Schema version -> the statements that bring a file from the version before to it."""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed, mode 0600) and check the store at ``path``; migrate it.

    Raises StoreCorruptError for a damaged or foreign file, StoreTooNewError for a newer schema.
    """
    created = _create_private(path)
    if not created:
        _check_header(path)
    try:
        connection = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
        )
    except sqlite3.DatabaseError as error:
        raise StoreCorruptError(path, f"cannot be opened ({error})") from None
    try:
        _configure(connection)
        _check_identity(connection, path)
        _migrate(connection, path)
    except sqlite3.DatabaseError as error:
        connection.close()
        raise StoreCorruptError(path, f"is damaged ({error})") from None
    except BaseException:
        connection.close()
        raise
    return connection


def _create_private(path: Path) -> bool:
    """Create an empty file readable by its owner only; False when one was already there."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise StoreCorruptError(path, f"cannot be read ({error.strerror})") from None
    if head and head != _SQLITE_MAGIC:
        raise StoreCorruptError(path, "is not a SQLite database (a foreign or damaged file)")


def _configure(connection: sqlite3.Connection) -> None:
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # WAL: the app reads while `backchat sync` writes, in two processes, without blocking.
    connection.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across application crashes in WAL mode; only a power cut may lose the
    # last commits, never consistency.
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")


def _check_identity(connection: sqlite3.Connection, path: Path) -> None:
    app_id = connection.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    tables = connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
    if app_id != 0 or tables:
        raise StoreCorruptError(path, "is a SQLite database of another program, not a store")


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreTooNewError(path, version, SCHEMA_VERSION)
    for target in range(version + 1, SCHEMA_VERSION + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            # Checked again inside the write lock: another process may have migrated it.
            current = connection.execute("PRAGMA user_version").fetchone()[0]
            if current < target:
                for statement in MIGRATIONS[target]:
                    connection.execute(statement)
                connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                connection.execute(f"PRAGMA user_version = {target}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
