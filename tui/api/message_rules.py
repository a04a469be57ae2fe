"""Pure rules for reading one message of the reply stream: who wrote it, is it shown, is it done.

A message here is the plain JSON object the server sends: a classic frame's ``message``, or a v1
document's once its ops are applied (a part may then be a :class:`~tui.api.delta.Rope`, which
:func:`~tui.api.delta.as_text` reads like a string). Nothing here keeps state or raises on odd
input; :class:`tui.api.stream.StreamParser` decides what the answers mean for the reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui.api.delta import as_text

__all__ = ["error_text", "finish_of", "is_visible", "metadata", "role", "text_of"]

_VISIBLE_CONTENT = frozenset({"text", "multimodal_text"})
"""Content types a reader sees as the answer (code, browsing results and thoughts are not)."""
_EMPTY: Mapping[str, Any] = {}
_MAX_ERROR = 500
"""How many characters of an in-stream error are kept for the user."""
_GENERIC_ERROR = "The server reported an error."


def metadata(message: Mapping[str, Any]) -> Mapping[str, Any]:
    """The message's ``metadata`` object, or an empty mapping when it has none."""
    value = message.get("metadata")
    return value if isinstance(value, dict) else _EMPTY


def role(message: Mapping[str, Any]) -> str | None:
    """Who wrote the message: ``user``, ``assistant``, ``tool``, ``system``... or None."""
    author = message.get("author")
    # Dec 2022 put ``role`` on the message itself, before ``author`` existed.
    return as_text(author.get("role") if isinstance(author, dict) else message.get("role"))


def is_visible(message: Mapping[str, Any]) -> bool:
    """Whether an assistant message is the answer a reader sees (not a tool call or thought)."""
    if (as_text(message.get("recipient")) or "all") != "all":
        return False
    channel = message.get("channel")
    if channel is not None and as_text(channel) != "final":
        return False
    content = message.get("content")
    if not isinstance(content, dict):
        return False
    if as_text(content.get("content_type", "text")) not in _VISIBLE_CONTENT:
        return False
    return metadata(message).get("is_visually_hidden_from_conversation") is not True


def text_of(message: Mapping[str, Any]) -> str:
    """The message's text: its non-empty string parts, a blank line apart (as
    tui.conversation.content)."""
    content = message.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return ""
    texts = [text for text in map(as_text, parts) if text]
    # The usual single part is returned as is: no copy of a string that may be a megabyte.
    return texts[0] if len(texts) == 1 else "\n\n".join(texts)


def finish_of(message: Mapping[str, Any]) -> str | None:
    """How the message finished (``stop``, ``max_tokens``...), or None while it goes on.

    The 2023 stream has no ``status``: it ends with ``end_turn: true`` and
    ``metadata.finish_details``. ``end_turn: false`` marks a message in the middle of a turn
    (a tool call follows), which is not the end of the reply unless it hit the token limit.
    """
    if as_text(message.get("status")) == "in_progress":
        return None
    details = metadata(message).get("finish_details")
    kind = as_text(details.get("type")) if isinstance(details, dict) else None
    if kind == "max_tokens":
        return kind
    end_turn = message.get("end_turn")
    if end_turn is False:
        return None
    if end_turn is True or isinstance(details, dict):
        return kind or "stop"
    if as_text(message.get("status")) == "finished_successfully":
        return "stop"
    return None


def error_text(error: Any) -> str:
    """The user-facing text of an in-stream ``error`` (a string, or a dict with a message)."""
    if isinstance(error, dict):
        error = error.get("message") or error.get("detail")
    text = (as_text(error) or "").strip()
    # A proxy may put a whole HTML error page here; the first lines say enough.
    return text[:_MAX_ERROR] if text else _GENERIC_ERROR
