"""Write an export file: the open conversation's branch or whole tree, as Markdown or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from tui.api.models import Conversation
from tui.conversation import active_thread, visible_messages
from tui.export import thread_markdown, tree_json
from tui.session import OpenConversation

Scope = Literal["branch", "tree"]
Format = Literal["markdown", "json"]


def render_export(session: OpenConversation, scope: Scope, fmt: Format) -> str:
    """The export's text (pure, so it is tested without touching the disk)."""
    conversation = session.conversation
    if fmt == "json":
        data = tree_json(conversation) if scope == "tree" else branch_json(session)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if scope == "branch":
        return thread_markdown(conversation, session.messages)
    return tree_markdown(conversation)


def write_export(session: OpenConversation, scope: Scope, fmt: Format, path: Path) -> Path:
    """Write the export to ``path`` (created or replaced) and return its absolute path."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_export(session, scope, fmt), encoding="utf-8")
    return path.resolve()


def branch_json(session: OpenConversation) -> dict[str, Any]:
    """The conversation with only the nodes of the shown branch, ending at its leaf."""
    data = tree_json(session.conversation)
    keep = set(session.thread)
    mapping = data.get("mapping") or {}
    data["mapping"] = {
        node_id: {**node, "children": [c for c in node.get("children", []) if c in keep]}
        for node_id, node in mapping.items()
        if node_id in keep
    }
    data["current_node"] = session.leaf_id
    return data


def tree_markdown(conversation: Conversation) -> str:
    """Every branch (one per leaf) as its own Markdown section, the current one first."""
    leaves = [node_id for node_id, node in conversation.mapping.items() if not node.children]
    current = active_thread(conversation)
    if current and current[-1] in leaves:
        leaves.remove(current[-1])
        leaves.insert(0, current[-1])
    sections = []
    for number, leaf in enumerate(leaves, start=1):
        messages = visible_messages(conversation, active_thread(conversation, leaf))
        body = thread_markdown(conversation, messages)
        sections.append(f"<!-- branch {number} of {len(leaves)} -->\n{body}")
    return "\n".join(sections) if sections else thread_markdown(conversation, [])
