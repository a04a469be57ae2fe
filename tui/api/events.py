"""The one event model that both streaming wire formats are parsed into.

Whatever the server sends (classic cumulative snapshots or delta encoding v1), the parser in
``tui.api.stream`` yields these, so the UI has a single renderer for both.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventKind(StrEnum):
    """What happened in the stream."""

    TEXT = "text"
    """The visible text grew by ``delta`` (with ``extra["rewrite"]``, ``delta`` replaces it)."""
    TITLE = "title"
    """``title_generation``: the conversation's new title (the last one wins)."""
    MODERATION = "moderation"
    """A moderation verdict; ``moderation`` holds the raw payload."""
    ERROR = "error"
    """An in-stream error (HTTP 200 with ``error`` set); ``error`` holds the server's text."""
    INTERRUPTED = "interrupted"
    """The stream ended before the message finished; ``text`` holds the partial reply."""
    DONE = "done"
    """The reply finished; ``finish_type`` says how (stop, max_tokens...)."""


class StreamEvent(BaseModel):
    """One parsed event of ``POST /conversation``'s reply stream."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    kind: EventKind
    delta: str = ""
    """New visible text since the previous TEXT event."""
    text: str = ""
    """Whole visible text, on DONE and INTERRUPTED only (TEXT has just ``delta``: see stream.py)."""
    message_id: str | None = None
    """Id of the assistant message being streamed: the next ``parent_message_id``."""
    conversation_id: str | None = None
    title: str | None = None
    """TITLE only."""
    finish_type: str | None = None
    """``stop`` | ``max_tokens`` | ``interrupted`` (DONE; INTERRUPTED uses ``interrupted``)."""
    error: str | None = None
    """ERROR only: the text to show the user (already free of tokens)."""
    moderation: dict[str, Any] | None = None
    model_slug: str | None = None
    user_message_id: str | None = None
    """Id of the user message the server echoed, when it did."""
    extra: dict[str, Any] = Field(default_factory=dict)
