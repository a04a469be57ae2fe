"""Exports of one conversation: the visible thread as Markdown, the whole tree as JSON data.

Pure (no I/O, no Textual): the caller writes the result wherever the user asked.
"""

from __future__ import annotations

from typing import Any

from tui.api.models import Conversation
from tui.conversation.content import truncate
from tui.conversation.tree import VisibleMessage

_ROLE_HEADINGS = {"user": "User", "assistant": "Assistant", "system": "Custom instructions"}
"""Headings for the roles a thread shows; other roles are capitalised as they are."""


def thread_markdown(conv: Conversation, messages: list[VisibleMessage]) -> str:
    """The thread as one Markdown document: the title, then each message under its role.

    The title is flattened to one line so a newline in it cannot start a new Markdown block.
    """
    title = truncate(conv.title or "", 200) or "Untitled conversation"
    sections = [f"# {title}"]
    for message in messages:
        heading = _ROLE_HEADINGS.get(message.role) or message.role.capitalize() or "Message"
        if message.role == "assistant" and message.model_slug:
            heading += f" ({message.model_slug})"
        sections.append(f"## {heading}\n\n{message.text}".rstrip())
    return "\n\n".join(sections) + "\n"


def tree_json(conv: Conversation) -> dict[str, Any]:
    """The whole conversation, every branch and unknown field kept, as JSON-safe data."""
    return conv.model_dump(mode="json")
