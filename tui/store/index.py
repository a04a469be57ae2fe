"""What of a conversation goes into the full-text index: every visible message of every branch.

The reader's rules come from :mod:`tui.conversation.tree` (which nodes show, how a turn's nodes
merge); this module walks every branch with them, not only the current one, so a search finds
an answer the user regenerated away from. Each visible message is indexed once, under its
first node id, the id the tree functions switch branches on.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.api.models import Conversation
from tui.conversation.content import BlockKind
from tui.conversation.tree import VisibleMessage, active_thread, visible_messages

SEARCHED_BLOCKS = frozenset({BlockKind.MARKDOWN, BlockKind.CODE, BlockKind.OUTPUT, BlockKind.ERROR})
"""Blocks whose text a reader sees as text; thoughts, images and notes are not searched."""


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One full-text row: a visible text message."""

    message_id: str
    role: str
    create_time: float | None
    text: str


def message_rows(conv: Conversation) -> list[MessageRow]:
    """The visible text messages of every branch: the current thread's first, then the rest.

    Never raises on odd trees (the tree functions guard against cycles and dangling parents).
    """
    rows: list[MessageRow] = []
    seen: set[str] = set()
    for leaf in _leaves_current_first(conv):
        for message in visible_messages(conv, active_thread(conv, leaf)):
            if message.node_id in seen:
                continue
            seen.add(message.node_id)
            text = searchable_text(message)
            if text.strip():
                created = message.create_time.timestamp() if message.create_time else None
                rows.append(MessageRow(message.node_id, message.role, created, text))
    return rows


def searchable_text(message: VisibleMessage) -> str:
    """The message's readable text, blocks joined by a blank line."""
    texts = [block.text for block in message.blocks if block.kind in SEARCHED_BLOCKS]
    return "\n\n".join(texts)


def _leaves_current_first(conv: Conversation) -> list[str | None]:
    """Every leaf of the tree (``None`` stands for the current thread, walked first)."""
    mapping = conv.mapping
    parents = {
        node.parent
        for key, node in mapping.items()
        if node.parent in mapping and node.parent != key
    }
    leaves: list[str | None] = [None]
    leaves.extend(key for key in mapping if key not in parents)  # parents of nothing
    return leaves
