"""The demo's share links: ``POST /share/create``, ``PATCH /share/{id}``, ``DELETE /share/{id}``.

The shapes follow docs/PROTOCOL.md ("Share links"): create answers the share (private until it
is PATCHed public, the one already made for the same conversation when there is one), and both
the PATCH and the DELETE answer ``{"success": true}``. Every share made here also shows in
``GET /shared_conversations``, as on the web.
"""

from __future__ import annotations

from typing import Any

from tui.demo import bodies, nodes
from tui.demo.history_state import DemoState, share_row

Json = dict[str, Any]

SHARE_URL = "https://chatgpt.com/share/"
"""The public link of a share is this plus its id."""

SHARE_NOT_FOUND: Json = {"detail": "Share not found"}
"""The 404 body for a share id the account does not have."""


def create(state: DemoState, body: Any) -> tuple[int, Json]:
    """Share a conversation up to ``current_node_id``; (status, JSON body)."""
    if not isinstance(body, dict):
        return 422, bodies.missing_field("conversation_id")
    for field in ("conversation_id", "current_node_id"):
        if not isinstance(body.get(field), str):
            return 422, bodies.missing_field(field)
    record = state.get(body["conversation_id"])
    if record is None:
        return 404, bodies.CONVERSATION_NOT_FOUND
    with state.lock:
        if body["current_node_id"] not in record.ensure_tree():
            return 404, {"detail": "Message not found"}
        existing = next((s for s in state.shares if s["conversation_id"] == record.id), None)
        if existing is not None:
            return 200, _created(existing, body, already_exists=True)
        now = state.now()
        share = share_row(state.new_id(), record.title, record.id, now, now)
        share["is_public"] = False
        state.shares.insert(0, share)
        return 200, _created(share, body, already_exists=False)


def update(state: DemoState, share_id: str, body: Any) -> tuple[int, Json]:
    """Publish or rename a share; (status, JSON body)."""
    if not isinstance(body, dict):
        return 422, bodies.missing_field("share_id")
    with state.lock:
        share = _find(state, share_id)
        if share is None:
            return 404, SHARE_NOT_FOUND
        if isinstance(body.get("title"), str) and body["title"].strip():
            share["title"] = body["title"]
        if isinstance(body.get("is_public"), bool):
            share["is_public"] = body["is_public"]
        share["update_time"] = nodes.iso(state.now())
    return 200, {"success": True}


def delete(state: DemoState, share_id: str) -> tuple[int, Json]:
    """Revoke a share: its link stops working, the conversation stays."""
    with state.lock:
        share = _find(state, share_id)
        if share is None:
            return 404, SHARE_NOT_FOUND
        state.shares.remove(share)
    return 200, {"success": True}


def _find(state: DemoState, share_id: str) -> Json | None:
    return next((share for share in state.shares if share["id"] == share_id), None)


def _created(share: Json, body: Json, *, already_exists: bool) -> Json:
    return {
        "share_id": share["id"],
        "share_url": SHARE_URL + share["id"],
        "title": share["title"],
        "is_public": bool(share.get("is_public", True)),
        "is_visible": True,
        "is_anonymous": bool(body.get("is_anonymous", True)),
        "highlighted_message_id": None,
        "current_node_id": body["current_node_id"],
        "already_exists": already_exists,
        "moderation_state": {
            "has_been_moderated": False,
            "has_been_blocked": False,
            "has_been_accepted": False,
            "has_been_auto_blocked": False,
            "has_been_auto_moderated": False,
        },
    }
