"""Write an export file: the open conversation's branch or whole tree, as Markdown or JSON.

:class:`Exporter` writes the file the export dialog chose, in a thread; the rest is pure and
tested without a screen or a disk.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Literal

from tui.api.models import Conversation
from tui.controllers.host import Host
from tui.controllers.messages import ErrorNotice, Notice
from tui.conversation.formats import thread_markdown, tree_json
from tui.conversation.session import OpenConversation
from tui.conversation.tree import active_thread, visible_messages

Scope = Literal["branch", "tree"]
Format = Literal["markdown", "json"]


class Exporter:
    """The controller behind the export dialog: writes the file the user chose, off the loop.

    The dialog, and the question before replacing a file, are the screen's; this writes in a
    thread and says where the file went, or why it could not.
    """

    def __init__(self, host: Host) -> None:
        self.host = host

    def export(self, session: OpenConversation, scope: Scope, fmt: Format, path: Path) -> None:
        """Write ``session`` to ``path`` in the background; a notice says how it went."""

        async def run() -> None:
            try:
                written = await asyncio.to_thread(write_export, session, scope, fmt, path)
            except OSError as error:
                self.host.post(ErrorNotice("Export failed", error))
                return
            self.host.post(Notice(f"Exported to {written}"))

        self.host.run(run(), group="export")


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
    """Every branch (one per leaf) under the one title, the current branch first.

    Each branch starts with a ``<!-- branch N of M -->`` marker after a rule, so the file reads
    as one document and a script can still split it.
    """
    leaves = [node_id for node_id, node in conversation.mapping.items() if not node.children]
    current = active_thread(conversation)
    if current and current[-1] in leaves:
        leaves.remove(current[-1])
        leaves.insert(0, current[-1])
    title = thread_markdown(conversation, []).rstrip("\n")
    sections = [title]
    for number, leaf in enumerate(leaves, start=1):
        messages = visible_messages(conversation, active_thread(conversation, leaf))
        # thread_markdown starts with the title: keep only the messages after it.
        body = thread_markdown(conversation, messages).partition("\n\n")[2].rstrip("\n")
        marker = f"<!-- branch {number} of {len(leaves)} -->"
        sections.append(f"{marker}\n\n{body}" if number == 1 else f"---\n\n{marker}\n\n{body}")
    return "\n\n".join(sections) + "\n"
