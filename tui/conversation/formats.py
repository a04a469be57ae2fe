"""Exports of one conversation: a thread or every branch as Markdown, the whole tree as JSON data.

Pure (no I/O, no Textual): the caller writes the result wherever the user asked.

The Markdown reads like the conversation on the web: a header with the title, the dates and
the model; then each message under its role. Prompts are fenced, so what the user typed
(``<b>``, ``- a dash``, leading spaces, line breaks) reads as typed instead of being taken for
Markdown; replies are Markdown already and are kept as they are.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from tui.api.models import Conversation
from tui.conversation.content import truncate
from tui.conversation.tree import VisibleMessage, active_thread, visible_messages

_ROLE_HEADINGS = {"user": "User", "assistant": "Assistant", "system": "Custom instructions"}
"""Headings for the roles a thread shows; other roles are capitalised as they are."""

_VERBATIM_ROLES = frozenset({"user", "system"})
"""Roles whose text is what a person typed: fenced, never read as Markdown."""

_BACKTICK_RUN = re.compile(r"`+")


def export_title(conv: Conversation) -> str:
    """The title on one line (a newline in it cannot start a new Markdown block)."""
    return truncate(conv.title or "", 200) or "Untitled conversation"


def export_date(value: datetime | None) -> str:
    """``2024-05-01 10:00 UTC``: one zone for every reader of the file; ``—`` if unknown."""
    if value is None:
        return "—"
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def conversation_model(conv: Conversation, messages: list[VisibleMessage]) -> str | None:
    """The conversation's model: the server's default, else the last reply's."""
    if conv.default_model_slug:
        return conv.default_model_slug
    return next((m.model_slug for m in reversed(messages) if m.model_slug), None)


def header_markdown(conv: Conversation, messages: list[VisibleMessage]) -> str:
    """The title, then a list of the conversation's facts: created, updated, model."""
    facts = [
        f"- Created: {export_date(conv.create_time)}",
        f"- Updated: {export_date(conv.update_time)}",
    ]
    model = conversation_model(conv, messages)
    if model:
        facts.append(f"- Model: {truncate(model, 80)}")
    return f"# {export_title(conv)}\n\n" + "\n".join(facts)


def verbatim_block(text: str) -> str:
    """``text`` in a fence longer than any run of backticks inside it, so it shows as typed."""
    longest = max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def messages_markdown(messages: list[VisibleMessage], *, level: int = 2) -> str:
    """Each message under a heading of ``level`` naming its role (and a reply's model)."""
    marks = "#" * level
    sections: list[str] = []
    for message in messages:
        heading = _ROLE_HEADINGS.get(message.role) or message.role.capitalize() or "Message"
        if message.role == "assistant" and message.model_slug:
            heading += f" ({message.model_slug})"
        text = message.text.strip("\n")
        body = verbatim_block(text) if message.role in _VERBATIM_ROLES and text else text
        sections.append(f"{marks} {heading}\n\n{body}".rstrip())
    return "\n\n".join(sections)


def thread_markdown(conv: Conversation, messages: list[VisibleMessage]) -> str:
    """The thread as one Markdown document: the header, then each message under its role."""
    body = messages_markdown(messages)
    header = header_markdown(conv, messages)
    return f"{header}\n\n{body}\n" if body else f"{header}\n"


def tree_markdown(conv: Conversation, active_leaf: str | None = None) -> str:
    """Every branch (one per leaf) under the one header, the active branch first and marked.

    ``active_leaf`` is the branch the reader is on (the server's current one by default). Each
    branch starts with a ``## Branch N of M`` heading after a rule, so the file reads as one
    document and a script can still split it.
    """
    leaves = [node_id for node_id, node in conv.mapping.items() if not node.children]
    current = active_thread(conv, active_leaf)
    active = current[-1] if current and current[-1] in leaves else None
    if active is not None:
        leaves.remove(active)
        leaves.insert(0, active)
    branches = [visible_messages(conv, active_thread(conv, leaf)) for leaf in leaves]
    sections = [header_markdown(conv, branches[0] if branches else [])]
    for number, (leaf, messages) in enumerate(zip(leaves, branches, strict=True), start=1):
        heading = f"## Branch {number} of {len(leaves)}"
        if leaf == active:
            heading += " (active)"
        body = messages_markdown(messages, level=3)
        section = f"{heading}\n\n{body}".rstrip()
        sections.append(section if number == 1 else f"---\n\n{section}")
    return "\n\n".join(sections) + "\n"


def tree_json(conv: Conversation) -> dict[str, Any]:
    """The whole conversation, every branch and unknown field kept, as JSON-safe data."""
    return conv.model_dump(mode="json")
