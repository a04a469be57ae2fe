"""Typed models of what the backend-api sends: conversations, their mapping tree, and lists.

The server's shapes drifted over the years (docs/PROTOCOL.md §5, §6), so every model is
lenient: unknown fields are kept (``extra="allow"``), optional fields default, timestamps accept
floats, naive ISO strings, ``+00:00`` and ``Z``, and content of a type we do not know is kept as
raw data instead of failing the whole conversation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tui.api.unreadable import describe_problem, placeholder_message


class ApiModel(BaseModel):
    """Base for every server model: keep unknown fields so nothing the server sends is lost."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


def parse_timestamp(value: Any) -> datetime | None:
    """Turn any timestamp the server has used into an aware UTC datetime (None if absent/garbage).

    Conversation payloads use float epoch seconds; list endpoints use ISO strings with ``+00:00``,
    with ``Z`` or with no zone at all (2023). Naive values are taken as UTC.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return parse_timestamp(float(text))
        except ValueError:
            pass
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


class Author(ApiModel):
    """Who wrote a message."""

    role: str = "unknown"
    """system | user | assistant | tool (or anything newer)."""
    name: str | None = None
    """Tool name for tool messages: python, browser, web.run, dalle.text2im, ..."""
    metadata: dict[str, Any] = Field(default_factory=dict)


class Content(ApiModel):
    """A message's content. ``content_type`` decides which of the other fields matter.

    Known fields are typed; anything else (``thoughts``, ``result``, ``user_profile``...) stays in
    the model's extras and is reachable through ``model_extra`` or :meth:`raw`.
    """

    content_type: str = "text"
    parts: list[Any] | None = None
    """text / multimodal_text: strings and, for multimodal, dicts such as image_asset_pointer."""
    text: str | None = None
    """code / execution_output / tether_quote / system_error."""
    language: str | None = None
    """code: the language of ``text``."""

    def raw(self) -> dict[str, Any]:
        """Every field the server sent, known or not."""
        return self.model_dump(exclude_none=True)


class Message(ApiModel):
    """One message in the tree."""

    id: str = ""
    author: Author = Field(default_factory=Author)
    create_time: datetime | None = None
    update_time: datetime | None = None
    content: Content = Field(default_factory=Content)
    status: str | None = None
    """in_progress | finished_successfully | ... (absent before mid-2023)."""
    end_turn: bool | None = None
    weight: float = 1.0
    metadata: dict[str, Any] = Field(default_factory=dict)
    recipient: str = "all"
    channel: str | None = None
    """null | final | commentary | analysis (2025+)."""

    @model_validator(mode="before")
    @classmethod
    def _legacy_shapes(cls, data: Any) -> Any:
        """Accept the Dec-2022 shape (``role`` at the top level) and ``null`` sub-objects."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if "author" not in data or data["author"] is None:
            data["author"] = {"role": data.get("role") or "unknown"}
        for key in ("metadata", "content"):
            if data.get(key) is None:
                data.pop(key, None)
        if data.get("recipient") is None:
            data.pop("recipient", None)
        if data.get("weight") is None:
            data.pop("weight", None)
        return data

    @field_validator("create_time", "update_time", mode="before")
    @classmethod
    def _timestamps(cls, value: Any) -> datetime | None:
        return parse_timestamp(value)

    @property
    def role(self) -> str:
        return self.author.role

    @property
    def model_slug(self) -> str | None:
        slug = self.metadata.get("model_slug")
        return slug if isinstance(slug, str) else None

    @property
    def finish_type(self) -> str | None:
        """``stop`` / ``max_tokens`` / ``interrupted`` from ``metadata.finish_details``."""
        details = self.metadata.get("finish_details")
        if isinstance(details, dict) and isinstance(details.get("type"), str):
            return str(details["type"])
        return None


class Node(ApiModel):
    """A node of the mapping tree. The root has no message and no parent."""

    id: str = ""
    message: Message | None = None
    parent: str | None = None
    children: list[str] = Field(default_factory=list)

    @field_validator("children", mode="before")
    @classmethod
    def _children(cls, value: Any) -> list[str]:
        if not isinstance(value, list):
            return []
        return [child for child in value if isinstance(child, str)]


class Conversation(ApiModel):
    """``GET /conversation/{id}``, or one element of an export's ``conversations.json``."""

    title: str | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    mapping: dict[str, Node] = Field(default_factory=dict)
    current_node: str | None = None
    conversation_id: str | None = None
    id: str | None = None
    """Set in exports (equal to ``conversation_id``)."""
    is_archived: bool | None = None
    default_model_slug: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _odd_fields(cls, data: Any) -> Any:
        """A field of an odd shape is dropped (a number as a title is kept as text): one odd
        field must not make the whole conversation unopenable."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        title = data.get("title")
        if isinstance(title, int | float) and not isinstance(title, bool):
            data["title"] = str(title)
        for key in ("title", "current_node", "conversation_id", "id", "default_model_slug"):
            if data.get(key) is not None and not isinstance(data[key], str):
                data.pop(key)
        if data.get("is_archived") is not None and not isinstance(data["is_archived"], bool):
            data.pop("is_archived")
        return data

    @field_validator("create_time", "update_time", mode="before")
    @classmethod
    def _timestamps(cls, value: Any) -> datetime | None:
        return parse_timestamp(value)

    @field_validator("mapping", mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        """A null mapping (list endpoints) is an empty tree; nodes missing their id get the key.

        Each message is read on its own: one that does not fit becomes a placeholder that says
        what could not be read (see :mod:`tui.api.unreadable`), and the rest of the tree stays.
        """
        if not isinstance(value, dict):
            return {}
        fixed: dict[str, Any] = {}
        for key, node in value.items():
            if not isinstance(node, dict) or not isinstance(key, str):
                continue
            node = dict(node)
            if not isinstance(node.get("id"), str) or not node["id"]:
                node["id"] = key
            if node.get("parent") is not None and not isinstance(node["parent"], str):
                node["parent"] = None  # unusable link: the node hangs loose, the tree copes
            message = node.get("message")
            if message is not None:
                node["message"] = _read_message(message, node["id"])
            fixed[key] = node
        return fixed

    @property
    def key(self) -> str:
        """The conversation's id, whichever field carried it."""
        return self.conversation_id or self.id or ""


class ConversationItem(ApiModel):
    """One row of ``GET /conversations``."""

    id: str
    title: str | None = None
    create_time: datetime | None = None
    update_time: datetime | None = None
    is_archived: bool | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, value: Any) -> Any:
        """A number as a title is shown as that number; an object or a list is not a title."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("create_time", "update_time", mode="before")
    @classmethod
    def _timestamps(cls, value: Any) -> datetime | None:
        return parse_timestamp(value)


class ConversationPage(ApiModel):
    """``GET /conversations``: one page of the list."""

    items: list[ConversationItem] = Field(default_factory=list)
    unreadable: int = 0
    """How many rows of this page could not be read and were left out (not a server field)."""
    total: int | None = None
    """Null on some 2025+ lists."""
    limit: int = 0
    offset: int = 0
    has_missing_conversations: bool = False

    @model_validator(mode="before")
    @classmethod
    def _rows_one_by_one(cls, data: Any) -> Any:
        """Read each row on its own: one that does not fit is counted, not fatal to the page."""
        if not isinstance(data, dict):
            return data
        rows = data.get("items")
        if rows is None:
            return {**data, "items": []}
        if not isinstance(rows, list):
            return data
        items: list[ConversationItem] = []
        unreadable = 0
        for row in rows:
            try:
                items.append(ConversationItem.model_validate(row))
            except ValidationError:
                unreadable += 1
        return {**data, "items": items, "unreadable": unreadable}


def _read_message(raw: Any, node_id: str) -> Message:
    """``raw`` as a Message, or the placeholder that says why it could not be read."""
    try:
        return Message.model_validate(raw)
    except ValidationError as error:
        problem = describe_problem(raw, error.errors(include_url=False, include_input=True))
    # Outside the except block: the error quotes the input, which is not kept around.
    return Message.model_validate(placeholder_message(raw, node_id, problem))
