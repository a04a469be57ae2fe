"""The two SSE wire formats of ``POST /conversation``, written byte for byte like the server.

Classic (docs/PROTOCOL.md §4.1): ``data: {"message": ..., "conversation_id": ..., "error":
null}`` per event, each carrying the whole message so far, a blank line after each event,
non-ASCII escaped as ``\\uXXXX`` (``json.dumps`` defaults, as in the May-2023 capture), then a
moderation event and ``data: [DONE]``.

Delta v1 (docs/PROTOCOL.md §4.2): ``event: delta_encoding`` / ``data: "v1"``, then ``event: delta``
frames that add documents and append to ``/message/content/parts/0``, a final ``patch``, then
the ``title_generation`` / ``message_stream_complete`` meta events and ``data: [DONE]``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from tui.demo.nodes import STOP_TOKENS, Json

DONE = b"data: [DONE]\n\n"
V1_HEADER = b'event: delta_encoding\ndata: "v1"\n\n'
PARTS = "/message/content/parts/0"


def data(payload: Any) -> bytes:
    """One ``data:`` event (ASCII-only JSON) and its blank line."""
    return b"data: " + json.dumps(payload, ensure_ascii=True).encode("ascii") + b"\n\n"


def delta(payload: Any) -> bytes:
    """One ``event: delta`` frame."""
    return b"event: delta\n" + data(payload)


def envelope(message: Json | None, conv_id: str, error: str | None = None) -> Json:
    """The classic event object: ``message`` first, then ``conversation_id``, then ``error``."""
    return {"message": message, "conversation_id": conv_id, "error": error}


def finish_details(finish: str) -> Json:
    if finish == "stop":
        return {"type": "stop", "stop_tokens": STOP_TOKENS}
    return {"type": finish}


def in_progress(message: Json, text: str) -> Json:
    """A snapshot of a reply being written: partial text, no finish yet."""
    snap = copy.copy(message)
    snap["content"] = {"content_type": "text", "parts": [text]}
    snap["status"] = "in_progress"
    snap["end_turn"] = None
    snap["metadata"] = {
        key: value
        for key, value in message["metadata"].items()
        if key not in ("finish_details", "is_complete")
    }
    return snap


def finished(message: Json, text: str, finish: str) -> Json:
    """The final state of a reply."""
    done = in_progress(message, text)
    done["status"] = "finished_successfully"
    done["end_turn"] = finish == "stop"
    done["metadata"] = {
        **done["metadata"],
        "finish_details": finish_details(finish),
        "is_complete": True,
    }
    return done


def moderation(conv_id: str, message_id: str, moderation_id: str) -> Json:
    """The final moderation verdict that precedes ``[DONE]`` in classic streams."""
    return {
        "conversation_id": conv_id,
        "message_id": message_id,
        "is_completion": True,
        "moderation_response": {
            "flagged": False,
            "blocked": False,
            "moderation_id": moderation_id,
        },
    }


def v1_add(message: Json, conv_id: str, index: int) -> bytes:
    return delta({"p": "", "o": "add", "v": envelope(message, conv_id), "c": index})


def v1_first_append(text: str) -> bytes:
    return delta({"p": PARTS, "o": "append", "v": text})


def v1_append(text: str) -> bytes:
    """A sticky frame: repeats the previous ``p``/``o`` (append to parts[0])."""
    return delta({"v": text})


def v1_finish(text: str, finish: str) -> bytes:
    """The closing patch: last text, status, end_turn and the finish metadata."""
    ops: list[Json] = []
    if text:
        ops.append({"p": PARTS, "o": "append", "v": text})
    ops += [
        {"p": "/message/status", "o": "replace", "v": "finished_successfully"},
        {"p": "/message/end_turn", "o": "replace", "v": finish == "stop"},
        {
            "p": "/message/metadata",
            "o": "append",
            "v": {"finish_details": finish_details(finish), "is_complete": True},
        },
    ]
    return delta({"p": "", "o": "patch", "v": ops})


def title_generation(title: str, conv_id: str) -> bytes:
    return data({"type": "title_generation", "title": title, "conversation_id": conv_id})


def stream_complete(conv_id: str) -> bytes:
    return data({"type": "message_stream_complete", "conversation_id": conv_id})
