"""The demo server's in-memory account: conversations, share links, the request log.

The server's event loop and the test thread both touch this, so mutations happen under one
lock. The clock is a counter, not ``now()``: new activity is stamped a minute after the newest
seeded conversation and then a few seconds apart, so replies are byte-identical on every run.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from tui.demo import nodes, seed
from tui.demo.gate import StreamGate
from tui.demo.nodes import Ids, Json
from tui.demo.seed_records import Record


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the server saw (control requests under ``/_demo`` excluded)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    """Parsed JSON, the raw text if it was not JSON, or None when empty."""


def share_row(
    share_id: str, title: str, conversation_id: str, created: float, updated: float
) -> Json:
    """One share as ``GET /shared_conversations`` lists it (docs/PROTOCOL.md)."""
    return {
        "id": share_id,
        "title": title,
        "create_time": nodes.iso(created),
        "update_time": nodes.iso(updated),
        "mapping": None,
        "current_node": None,
        "conversation_template_id": None,
        "gizmo_id": None,
        "is_archived": None,
        "workspace_id": None,
        "conversation_id": conversation_id,
    }


class DemoState:
    """Everything the demo account holds."""

    def __init__(self, conversations: int = seed.COUNT) -> None:
        self.conversations = conversations
        """How many conversations the seeded history holds (the standard 320 by default)."""
        self.lock = threading.RLock()
        self._idle = threading.Condition(self.lock)
        self.requests: list[RecordedRequest] = []
        """Every request seen, oldest first."""
        self.records: dict[str, Record] = {}
        self.shares: list[Json] = []
        self._stream_owner: object | None = None
        self.gate = StreamGate()
        """Lets tests hold a reply mid-stream and release it chunk by chunk (open by default)."""
        self.reset()

    def reset(self) -> None:
        """Back to the seeded history, with an empty request log and no stream running."""
        with self.lock:
            self.records = {record.id: record for record in seed.seed_records(self.conversations)}
            self.requests = []
            self._stream_owner = None
            self._ids = Ids("demo-live")
            self._time = seed.NEWEST + 60.0
            self.shares = self._seed_shares()
            self._idle.notify_all()
        self.gate.open()

    def _seed_shares(self) -> list[Json]:
        ordered = list(self.records.values())
        shares: list[Json] = []
        for index, title in seed.SHARES:
            if index >= len(ordered):
                continue  # a history smaller than the standard one
            record = ordered[index]
            created = record.update_time + 120.0
            shares.append(
                share_row(
                    self._ids.uuid(), title or record.title, record.id, created, created + 17.0
                )
            )
        shares.sort(key=lambda item: str(item["create_time"]), reverse=True)
        return shares

    # -- ids and time -----------------------------------------------------------------------

    def new_id(self) -> str:
        with self.lock:
            return self._ids.uuid()

    def now(self) -> float:
        """The demo clock: advances a little on every call."""
        with self.lock:
            self._time += 1.5
            return round(self._time, 6)

    # -- lookups ----------------------------------------------------------------------------

    def get(self, conv_id: str) -> Record | None:
        """A visible conversation (soft-deleted ones are gone for good)."""
        with self.lock:
            record = self.records.get(conv_id)
            return record if record is not None and record.is_visible else None

    def listing(self, *, archived: bool) -> list[Record]:
        """Listed conversations, most recently updated first."""
        with self.lock:
            rows = [
                record
                for record in self.records.values()
                if record.is_visible and not record.is_temporary and record.is_archived == archived
            ]
        rows.sort(key=lambda record: record.update_time, reverse=True)
        return rows

    def visible_shares(self) -> list[Json]:
        with self.lock:
            return [share for share in self.shares if self.get(share["conversation_id"])]

    def add(self, record: Record) -> None:
        with self.lock:
            self.records[record.id] = record

    def hide_all(self) -> None:
        with self.lock:
            for record in self.records.values():
                record.is_visible = False

    def record_request(self, request: RecordedRequest) -> None:
        with self.lock:
            self.requests.append(request)

    # -- the one-stream-at-a-time rule ------------------------------------------------------

    def try_begin_stream(self, owner: object) -> bool:
        """Claim the account's single generation slot; False if a reply is streaming."""
        with self.lock:
            if self._stream_owner is not None:
                return False
            self._stream_owner = owner
            return True

    def end_stream(self, owner: object) -> None:
        """Release the slot (only its owner can; calling twice is fine)."""
        with self.lock:
            if self._stream_owner is owner:
                self._stream_owner = None
                self._idle.notify_all()

    @property
    def streaming(self) -> bool:
        with self.lock:
            return self._stream_owner is not None

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until no reply is streaming (tests use it instead of sleeping)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._stream_owner is None, timeout)
