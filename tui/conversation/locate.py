"""Finding a message in a conversation: the branch that holds it, and text in a thread.

Pure functions over the tree (no I/O, no Textual), used to open a search hit on its branch and
to find text in the open conversation:

- :func:`leaf_through`: the leaf the thread follows once it runs through a node, as the branch
  keys do (below the node: toward ``current_node``, else the newest child).
- :func:`position_of`: which visible message of a thread holds a node.
- :func:`find_in_messages`: where some text occurs in a thread's messages (case-insensitive).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from tui.api.models import Conversation
from tui.conversation.tree import VisibleMessage, thread_to_leaf


def leaf_through(conversation: Conversation, node_id: str) -> str | None:
    """The leaf of the branch through ``node_id`` (None when the node is unknown)."""
    thread = thread_to_leaf(conversation, node_id)
    return thread[-1] if thread else None


def position_of(messages: Sequence[VisibleMessage], node_id: str) -> int | None:
    """The index of the message that holds ``node_id`` (its first node or a merged one)."""
    for index, message in enumerate(messages):
        if node_id == message.node_id or node_id in message.node_ids:
            return index
    return None


@dataclass(frozen=True, slots=True)
class FindMatch:
    """One occurrence of the text looked for."""

    position: int
    """The message's index in the thread."""
    start: int
    """Offset of the match in the message's text (:attr:`VisibleMessage.text`)."""


def find_pattern(text: str) -> re.Pattern[str] | None:
    """What the user typed as a case-insensitive literal pattern; None for blank text."""
    needle = text.strip()
    if not needle:
        return None
    return re.compile(re.escape(needle), re.IGNORECASE)


def find_in_messages(messages: Sequence[VisibleMessage], text: str) -> list[FindMatch]:
    """Every occurrence of ``text`` in ``messages``, in thread order (none for blank text)."""
    pattern = find_pattern(text)
    if pattern is None:
        return []
    return [
        FindMatch(position, match.start())
        for position, message in enumerate(messages)
        for match in pattern.finditer(message.text)
    ]
