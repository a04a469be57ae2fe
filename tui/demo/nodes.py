"""Builders for the JSON the backend sends: messages, mapping nodes and timestamps.

Everything here returns plain dicts in the key order the real server uses (docs/PROTOCOL.md §5.2,
the May-2023 stream capture and the 2024 export), because the classic wire format is written
straight from these dicts and clients (and byte-level tests) see the order.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]
"""A JSON object as the server sends it."""

STOP_TOKENS = [100260]
"""What ``finish_details.stop_tokens`` carries for a normal end of turn (GPT-3.5/4 era)."""


def iso(epoch: float) -> str:
    """List endpoints use ISO strings with ``+00:00`` where the conversation payload uses floats."""
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat()


class Ids:
    """Deterministic uuid4-shaped ids, so the seeded history and the replies never change."""

    def __init__(self, seed: int | str) -> None:
        self._rng = random.Random(seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def client(self) -> str:
        """Ids the web app makes itself (user messages, the root) start with ``aaa``."""
        return "aaa" + self.uuid()[3:]


def message(
    msg_id: str,
    role: str,
    content: Json,
    *,
    create_time: float | None,
    name: str | None = None,
    status: str = "finished_successfully",
    end_turn: bool | None = None,
    weight: float = 1.0,
    metadata: Json | None = None,
    recipient: str = "all",
    channel: str | None = None,
) -> Json:
    """One message, keys in the server's order."""
    return {
        "id": msg_id,
        "author": {"role": role, "name": name, "metadata": {}},
        "create_time": create_time,
        "update_time": None,
        "content": content,
        "status": status,
        "end_turn": end_turn,
        "weight": weight,
        "metadata": metadata if metadata is not None else {},
        "recipient": recipient,
        "channel": channel,
    }


def text_content(text: str) -> Json:
    return {"content_type": "text", "parts": [text]}


def hidden_system(msg_id: str) -> Json:
    """The empty, weightless system message the server puts under every root."""
    return message(
        msg_id,
        "system",
        text_content(""),
        create_time=None,
        end_turn=True,
        weight=0.0,
        metadata={"is_visually_hidden_from_conversation": True},
    )


def user_message(msg_id: str, text: str, create_time: float) -> Json:
    return message(
        msg_id,
        "user",
        text_content(text),
        create_time=create_time,
        metadata={"timestamp_": "absolute", "message_type": None},
    )


def assistant_message(
    msg_id: str,
    text: str,
    create_time: float,
    *,
    parent_id: str,
    model_slug: str,
    message_type: str | None = "next",
    finish: str = "stop",
) -> Json:
    """A finished assistant text reply; ``finish`` is ``stop`` or ``max_tokens``."""
    details: Json = {"type": "stop", "stop_tokens": STOP_TOKENS}
    if finish != "stop":
        details = {"type": finish}
    return message(
        msg_id,
        "assistant",
        text_content(text),
        create_time=create_time,
        end_turn=finish == "stop",
        metadata={
            "finish_details": details,
            "is_complete": True,
            "message_type": message_type,
            "model_slug": model_slug,
            "parent_id": parent_id,
            "timestamp_": "absolute",
        },
    )


def add_node(mapping: dict[str, Json], node_id: str, msg: Json | None, parent: str | None) -> None:
    """Insert a node and hook it under its parent (children keep creation order)."""
    node: Json = {"id": node_id, "message": msg, "parent": parent, "children": []}
    mapping[node_id] = node
    if parent is not None and parent in mapping:
        mapping[parent]["children"].append(node_id)


def conversation_payload(
    conv_id: str,
    title: str,
    create_time: float,
    update_time: float,
    mapping: dict[str, Json],
    current_node: str | None,
    *,
    is_archived: bool,
    model_slug: str,
) -> Json:
    """``GET /conversation/{id}``, keys as in the June-2024 capture (docs/PROTOCOL.md §5.1)."""
    return {
        "title": title,
        "create_time": create_time,
        "update_time": update_time,
        "mapping": mapping,
        "moderation_results": [],
        "current_node": current_node,
        "plugin_ids": None,
        "conversation_id": conv_id,
        "conversation_template_id": None,
        "gizmo_id": None,
        "is_archived": is_archived,
        "safe_urls": [],
        "default_model_slug": model_slug,
        "conversation_origin": None,
    }
