"""The body of ``POST /conversation``, built the way the web app and ninja send it.

The fields and the three actions are described in docs/PROTOCOL.md §3.

Pure functions, no I/O, so the shape of each action is easy to read in one place.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, get_args

Action = Literal["next", "variant", "continue"]
"""``next``: a new user turn; ``variant``: regenerate a reply; ``continue``: extend a cut reply."""

_ACTIONS: tuple[str, ...] = get_args(Action)


def new_message_id() -> str:
    """A fresh random id for a user message, or for a new chat's made-up parent."""
    return str(uuid.uuid4())


def local_timezone_offset_min(now: datetime | None = None) -> int:
    """Minutes the local clock is BEHIND UTC, as JS ``getTimezoneOffset()``: UTC+8 gives -480."""
    if now is None or now.tzinfo is None:
        now = (now or datetime.now()).astimezone()  # the local zone, as the browser would use
    offset = now.utcoffset()
    return -round(offset.total_seconds() / 60) if offset is not None else 0


def build_conversation_body(
    *,
    action: Action,
    prompt: str | None,
    parent_message_id: str,
    conversation_id: str | None,
    model: str,
    message_id: str | None = None,
    temporary: bool = False,
    supported_encodings: tuple[str, ...] = ("v1",),
    timezone_offset_min: int | None = None,
) -> dict[str, Any]:
    """The JSON body for one send; raises ValueError for a combination the server would refuse."""
    if action not in _ACTIONS:
        raise ValueError(f"action must be one of {', '.join(_ACTIONS)}, got {action!r}")
    if not parent_message_id:
        raise ValueError("parent_message_id is required (a fresh uuid4 for a new chat)")
    if not model:
        raise ValueError("model is required")
    if action != "next" and not conversation_id:
        raise ValueError(f"{action!r} needs the conversation_id of an existing conversation")
    if action == "variant" and not message_id:
        raise ValueError("'variant' needs the id of the existing user message being answered")
    body: dict[str, Any] = {"action": action}
    if action != "continue":
        if prompt is None or not prompt.strip():
            raise ValueError(f"{action!r} needs a non-empty prompt")
        body["messages"] = [
            {
                "id": message_id or new_message_id(),
                "author": {"role": "user"},
                "content": {"content_type": "text", "parts": [prompt]},
                "metadata": {},
            }
        ]
    if conversation_id:
        body["conversation_id"] = conversation_id
    body.update(
        {
            "parent_message_id": parent_message_id,
            "model": model,
            "timezone_offset_min": (
                local_timezone_offset_min() if timezone_offset_min is None else timezone_offset_min
            ),
            "history_and_training_disabled": temporary,
            "conversation_mode": {"kind": "primary_assistant"},
            "force_paragen": False,
            "force_rate_limit": False,
            "suggestions": [],
        }
    )
    if supported_encodings:
        # Opting in to the delta encoding (late 2024+); an empty tuple asks for the classic
        # cumulative snapshots.
        body["supported_encodings"] = list(supported_encodings)
    return body
