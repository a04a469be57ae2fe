"""The store's value types: what its readers get back and what list writers hand it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.api.models import ConversationItem


class Origin(StrEnum):
    """Where a stored copy came from."""

    SERVER = "server"
    """Fetched with ``GET /conversation/{id}`` (sync, or opened in the app)."""
    IMPORT = "import"
    """Read from a ChatGPT data export."""


class PutOutcome(StrEnum):
    """What storing one conversation did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def epoch(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def moment(value: float | None) -> datetime | None:
    return datetime.fromtimestamp(value, tz=UTC) if value is not None else None


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One row of the server's list, as the store takes it."""

    id: str
    title: str
    create_time: float | None
    update_time: float | None
    is_archived: bool

    @classmethod
    def from_item(cls, item: ConversationItem) -> ListEntry:
        return cls(
            id=item.id,
            title=item.title or "",
            create_time=epoch(item.create_time),
            update_time=epoch(item.update_time),
            is_archived=bool(item.is_archived),
        )


@dataclass(frozen=True, slots=True)
class StoredConversation:
    """One conversation as the stored list shows it."""

    id: str
    title: str
    create_time: datetime | None
    update_time: datetime | None
    is_archived: bool
    only_local: bool
    """Gone from the server's list at the last complete sync: only in your copy now."""
    has_body: bool
    """The whole conversation is stored (False: only its list row, not fetched yet)."""
    origin: Origin


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a snippet; ``match`` marks the words the query matched."""

    text: str
    match: bool = False


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One message that matched a search."""

    conversation_id: str
    message_id: str
    """The first node of the visible message (switch the branch to it to show it)."""
    title: str
    role: str
    create_time: datetime | None
    snippet: tuple[Segment, ...]
    """Text around the match; segments with ``match`` set are the matched words. Plain text:
    never interpret it as markup."""
    title_segments: tuple[Segment, ...]
    """The title, split the same way (matched title words marked)."""
    rank: float
    """bm25 score: lower is better."""

    @property
    def snippet_text(self) -> str:
        return "".join(segment.text for segment in self.snippet)

    def snippet_offsets(self) -> list[tuple[int, int]]:
        """``(start, end)`` of each match inside :attr:`snippet_text`."""
        offsets: list[tuple[int, int]] = []
        position = 0
        for segment in self.snippet:
            if segment.match:
                offsets.append((position, position + len(segment.text)))
            position += len(segment.text)
        return offsets


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """How much the store holds."""

    conversations: int
    with_body: int
    archived: int
    only_local: int
    messages: int
