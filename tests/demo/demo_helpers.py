"""Helpers for the demo backend's tests (imported by name: tests/demo has no __init__)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

Frames = list[dict[str, str]]
"""Parsed SSE frames: ``{"event": ..., "data": ...}`` (event absent for plain ``data:``)."""


Send = Callable[..., tuple[httpx.Response, Frames]]
"""The ``send`` fixture: POST /conversation, return the response and its frames."""


def split_frames(raw: str) -> Frames:
    """Split an SSE body into frames (the server always ends a frame with a blank line)."""
    frames = []
    for block in raw.split("\n\n"):
        if not block:
            continue
        frame: dict[str, str] = {}
        for line in block.split("\n"):
            key, _, value = line.partition(": ")
            frame[key] = value
        frames.append(frame)
    return frames


def user_message(msg_id: str, text: str) -> dict[str, Any]:
    return {
        "id": msg_id,
        "author": {"role": "user"},
        "content": {"content_type": "text", "parts": [text]},
        "metadata": {},
    }


def data_events(frames: Frames) -> list[Any]:
    """The JSON of every ``data:`` frame but [DONE]."""
    return [json.loads(f["data"]) for f in frames if f.get("data") not in (None, "[DONE]")]


def assistant_texts(frames: Frames) -> list[str]:
    """Classic wire: parts[0] of every assistant snapshot, in order."""
    return [
        event["message"]["content"]["parts"][0]
        for event in data_events(frames)
        if isinstance(event, dict)
        and isinstance(event.get("message"), dict)
        and event["message"]["author"]["role"] == "assistant"
    ]


def apply_v1(frames: Frames) -> dict[int, Any]:
    """A minimal v1 reader for the tests: the documents after every add, append and patch."""
    docs: dict[int, Any] = {}
    current = -1
    path, op = "", ""

    def apply(doc: Any, p: str, o: str, v: Any) -> None:
        keys = [int(k) if k.isdigit() else k for k in p.strip("/").split("/")]
        target = doc
        for key in keys[:-1]:
            target = target[key]
        last = keys[-1]
        if o == "append" and isinstance(v, dict):
            target[last].update(v)
        elif o == "append":
            target[last] += v
        else:
            target[last] = v

    for frame in frames:
        if frame.get("event") != "delta":
            continue
        item = json.loads(frame["data"])
        if "c" in item:
            current = item["c"]
            docs[current] = item["v"]
            continue
        path, op = item.get("p", path), item.get("o", op)
        if op == "patch":
            for sub in item["v"]:
                apply(docs[current], sub["p"], sub["o"], sub["v"])
        else:
            apply(docs[current], path, op, item["v"])
    return docs
