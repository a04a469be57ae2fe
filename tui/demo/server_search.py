"""``GET /backend-api/conversations/search``: the demo's server-side search over its history.

It looks through every branch of every listed conversation (archived ones included, as the
web app does), case-insensitively: a message matches when it holds every word of the query.
One hit per conversation (its first matching message in tree order), newest conversation
first, :data:`PAGE_SIZE` a page; the cursor is the next page's offset as a string, null at the
end. The snippet is the text around the first matched word, on one line.
"""

from __future__ import annotations

from typing import Any

from tui.demo.history_state import DemoState
from tui.demo.nodes import Json
from tui.demo.seed import payload_once
from tui.demo.seed_records import Record

PAGE_SIZE = 20
"""Hits per page."""
SNIPPET_RADIUS = 60
"""Characters kept on each side of the match."""


def search_page(state: DemoState, query: str, cursor: str) -> Json:
    """One page of hits for ``query`` starting at ``cursor`` (an offset; empty = first page)."""
    words = [word.casefold() for word in query.split()]
    try:
        start = max(0, int(cursor)) if cursor else 0
    except ValueError:
        start = 0
    hits: list[Json] = []
    if words:
        with state.lock:  # trees are built on first use and grow during sends
            records = state.listing(archived=False) + state.listing(archived=True)
            records.sort(key=lambda record: record.update_time, reverse=True)
            for record in records:
                hit = _first_hit(record, words)
                if hit is not None:
                    hits.append(hit)
                    if len(hits) > start + PAGE_SIZE:
                        break
    page = hits[start : start + PAGE_SIZE]
    more = len(hits) > start + PAGE_SIZE
    return {"items": page, "cursor": str(start + PAGE_SIZE) if more else None}


def _first_hit(record: Record, words: list[str]) -> Json | None:
    payload = payload_once(record)  # a large history's trees are not all kept in memory
    for node_id, node in payload["mapping"].items():
        text = _text(node.get("message"))
        if not text:
            continue
        folded = text.casefold()
        if all(word in folded for word in words):
            return {
                "conversation_id": record.id,
                "current_node_id": payload["current_node"],
                "title": record.title,
                "is_archived": record.is_archived,
                "is_starred": False,
                "update_time": record.update_time,
                "payload": {
                    "kind": "message",
                    "message_id": node_id,
                    "snippet": _snippet(text, folded.find(words[0]), len(words[0])),
                },
            }
    return None


def _text(message: Any) -> str:
    """The readable text of a user or assistant message ("" for anything else)."""
    if not isinstance(message, dict):
        return ""
    if (message.get("author") or {}).get("role") not in ("user", "assistant"):
        return ""
    if message.get("recipient", "all") != "all":
        return ""
    parts = (message.get("content") or {}).get("parts") or []
    return "\n".join(part for part in parts if isinstance(part, str))


def _snippet(text: str, at: int, length: int) -> str:
    """The text around ``text[at:at+length]`` on one line, with an ellipsis where it was cut.

    ``at`` indexes the casefolded text; casefolding can change lengths (ß → ss), so the index
    is clamped rather than trusted exactly.
    """
    at = min(max(at, 0), len(text))
    begin = max(0, at - SNIPPET_RADIUS)
    end = min(len(text), at + length + SNIPPET_RADIUS)
    snippet = " ".join(text[begin:end].split())
    return ("…" if begin > 0 else "") + snippet + ("…" if end < len(text) else "")
