"""What the store reads and writes row by row: list rows it knows, metadata, parsed bodies.

Helpers of :class:`tui.store.store.Store`, kept apart so that module holds only its API.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from tui.store.records import ListEntry, Origin, StoredConversation, moment
from tui.store.store_errors import StoreError

if TYPE_CHECKING:
    from tui.api.models import Conversation

TIME_TOLERANCE = 0.001
"""Seconds within which two update times are the same (ISO strings vs floats round apart)."""


class BadConversation(StoreError):
    """A conversation's JSON cannot be stored: not an object, no id, or an unusable shape."""


class KnownRow:
    """What the store already has for one list row."""

    __slots__ = ("archived", "created", "has_body", "listed", "only_local", "title", "updated")

    def __init__(
        self,
        title: str,
        created: float | None,
        updated: float | None,
        archived: int,
        only_local: int,
        has_body: int,
        listed: float | None,
    ) -> None:
        self.title = title
        self.created = created
        self.updated = updated
        self.archived = bool(archived)
        self.only_local = bool(only_local)
        self.has_body = bool(has_body)
        self.listed = listed

    def differs(self, entry: ListEntry) -> bool:
        """Would storing ``entry`` change this row?"""
        return (
            self.only_local
            or self.title != entry.title
            or self.archived != entry.is_archived
            or not _same_time(self.updated, entry.update_time)
            or not _same_time(self.created, entry.create_time)
        )

    def stale(self, update_time: float | None) -> bool:
        """Must the body be fetched again for a list row with this ``update_time``?"""
        if not self.has_body:
            return True
        # An imported copy was never listed: compare with the copy's own update_time.
        reference = self.listed if self.listed is not None else self.updated
        return not _same_time(reference, update_time)


def _same_time(stored: float | None, listed: float | None) -> bool:
    if stored is None or listed is None:
        return stored == listed
    return abs(stored - listed) <= TIME_TOLERANCE


def known_rows(connection: sqlite3.Connection, ids: list[str]) -> dict[str, KnownRow]:
    marks = ",".join("?" * len(ids))
    rows = connection.execute(
        "SELECT id, title, create_time, update_time, is_archived, only_local, "
        "stored_at IS NOT NULL, listed_update_time FROM conversations "
        f"WHERE id IN ({marks})",
        ids,
    ).fetchall()
    return {row[0]: KnownRow(*row[1:]) for row in rows}


def retitle(connection: sqlite3.Connection, conversation_id: str, title: str) -> None:
    connection.execute(
        "UPDATE messages SET title = ? WHERE conversation_id = ? AND title != ?",
        (title, conversation_id, title),
    )


def get_meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(connection: sqlite3.Connection, key: str, value: str) -> None:
    connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def parse_body(raw: bytes, data: Any) -> Conversation:
    from pydantic import ValidationError

    from tui.api.models import Conversation

    try:
        parsed = json.loads(raw) if data is None else data
    except ValueError:
        raise BadConversation("not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadConversation("not a JSON object")
    try:
        conv = Conversation.model_validate(parsed)
    except ValidationError as error:
        raise BadConversation(f"{error.error_count()} field(s) of an unexpected shape") from None
    if not conv.key:
        raise BadConversation("no conversation id")
    return conv


def stored_row(row: tuple[Any, ...]) -> StoredConversation:
    conv_id, title, created, updated, archived, only_local, has_body, origin = row
    return StoredConversation(
        id=conv_id,
        title=title,
        create_time=moment(created),
        update_time=moment(updated),
        is_archived=bool(archived),
        only_local=bool(only_local),
        has_body=bool(has_body),
        origin=Origin(origin) if origin in Origin._value2member_map_ else Origin.SERVER,
    )
