"""Typed replies of the server's full-text search, ``GET /conversations/search``.

The web app searches message text on the server (docs/PROTOCOL.md, "Server search"). Each item
names a conversation and, in ``payload``, the message that matched with a snippet around it;
``cursor`` asks for the next page and is null at the end. Lenient like the other models:
unknown fields are kept, a missing field defaults, and an item whose shape is wrong is dropped
from the page instead of failing it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, ValidationError, field_validator

from tui.api.models import ApiModel, parse_timestamp


class SearchPayload(ApiModel):
    """What matched inside the conversation."""

    kind: str = "message"
    """``message`` (the only kind seen); others are kept as they come."""
    message_id: str | None = None
    """The node id of the message that matched."""
    snippet: str = ""
    """Plain text around the match, as the server cut it."""

    @field_validator("snippet", mode="before")
    @classmethod
    def _snippet(cls, value: Any) -> str:
        return value if isinstance(value, str) else ""


class SearchItem(ApiModel):
    """One hit: a conversation and the message in it that matched."""

    conversation_id: str
    current_node_id: str | None = None
    title: str | None = None
    is_archived: bool | None = None
    is_starred: bool | None = None
    update_time: datetime | None = None
    payload: SearchPayload = Field(default_factory=SearchPayload)

    @field_validator("update_time", mode="before")
    @classmethod
    def _timestamps(cls, value: Any) -> datetime | None:
        return parse_timestamp(value)

    @field_validator("payload", mode="before")
    @classmethod
    def _payload(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}


class SearchPage(ApiModel):
    """One page of hits and the cursor of the next page (None: no more)."""

    items: list[SearchItem] = Field(default_factory=list)
    cursor: str | None = None

    @field_validator("items", mode="before")
    @classmethod
    def _items(cls, value: Any) -> list[SearchItem]:
        if not isinstance(value, list):
            return []
        kept: list[SearchItem] = []
        for item in value:
            try:
                kept.append(SearchItem.model_validate(item))
            except ValidationError:
                continue  # one odd hit must not hide the others
        return kept

    @field_validator("cursor", mode="before")
    @classmethod
    def _cursor(cls, value: Any) -> str | None:
        # Seen as a string ("30"); a number is the same cursor, an empty string means the end.
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int | float):
            return str(value)
        return value if isinstance(value, str) and value else None
