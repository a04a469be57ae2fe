"""Placeholders for messages that do not fit the model, so one bad message never hides the rest.

The placeholder is an ordinary message (its role kept when it was readable) whose content type
:data:`UNREADABLE` carries two things: ``text``, a sentence saying which fields could not be
read, and ``parts``, every piece of text the original carried, so no word the server sent is
lost from the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import ErrorDetails

UNREADABLE = "unreadable_message"
"""The content type of a placeholder (never sent by the server)."""

CARRIED_LIMIT = 20
"""At most this many pieces of text are kept from an unreadable message."""

_PARTS = (None, "parts")
"""Where a bare number is text of the message (a top-level value or a part), not a field."""
_SKIPPED_KEYS = frozenset({"content_type", "id", "asset_pointer", "url", "domain"})
"""Fields whose strings are identifiers, not text for a reader."""


def describe_problem(raw: Any, errors: Sequence[ErrorDetails]) -> str:
    """``Could not read this message: author.role is a number; content is text.``"""
    if not isinstance(raw, dict):
        return f"Could not read this message: it is {_kind_of(raw)}, not an object."
    found: dict[str, str] = {}
    for error in errors:
        # The first two levels name the field well enough (content.parts, author.role).
        path = ".".join(str(step) for step in error["loc"][:2] if not isinstance(step, int))
        if path and path not in found:
            found[path] = _kind_of(_dig(raw, error["loc"]))
    if not found:
        return "Could not read this message."
    fields = "; ".join(f"{path} is {kind}" for path, kind in found.items())
    return f"Could not read this message: {fields}."


def placeholder_message(raw: Any, node_id: str, problem: str) -> dict[str, Any]:
    """The fields of a placeholder for ``raw`` (validates as a Message)."""
    data = raw if isinstance(raw, dict) else {}
    author = data.get("author")
    role = author.get("role") if isinstance(author, dict) else data.get("role")
    message_id = data.get("id")
    return {
        "id": message_id if isinstance(message_id, str) and message_id else node_id,
        "author": {"role": role if isinstance(role, str) and role else "unknown"},
        "create_time": data.get("create_time") if _is_time(data.get("create_time")) else None,
        "content": {
            "content_type": UNREADABLE,
            "text": problem,
            "parts": carried_text(data.get("content") if isinstance(raw, dict) else raw),
        },
        "recipient": "all",
    }


def carried_text(value: Any) -> list[str]:
    """Every non-blank string in ``value`` (but metadata, authors and identifiers), in order;
    numbers too where they stand in a list of parts."""
    found: list[str] = []

    def walk(item: Any, key: str | None) -> None:
        if len(found) >= CARRIED_LIMIT or key in _SKIPPED_KEYS:
            return
        if isinstance(item, str):
            if item.strip():
                found.append(item)
        elif isinstance(item, dict):
            for name, child in item.items():
                if name not in ("metadata", "author"):
                    walk(child, str(name))
        elif isinstance(item, list):
            for child in item:
                walk(child, key)
        elif isinstance(item, int | float) and not isinstance(item, bool) and key in _PARTS:
            found.append(str(item))

    walk(value, None)
    return found


def _dig(raw: Any, loc: Sequence[int | str]) -> Any:
    value = raw
    for step in loc:
        in_dict = isinstance(value, dict) and step in value
        in_list = isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)
        if not (in_dict or in_list):
            return value
        value = value[step]
    return value


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "of an unexpected kind"


def _is_time(value: Any) -> bool:
    return isinstance(value, int | float | str) and not isinstance(value, bool)
