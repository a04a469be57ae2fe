"""Write export files: a conversation's branch or whole tree, as Markdown or JSON.

:class:`Exporter` writes what the export dialog chose, or several conversations at once, in a
thread; :func:`export_conversation` writes one conversation into a folder under a name that
says what it holds and never replaces a file (the ``backchat export`` command and multi-select
export use it). The rest is pure and tested without a screen or a disk.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from tui.api.client import BackendClient
from tui.api.errors import ApiError
from tui.api.models import Conversation
from tui.controllers.host import Host
from tui.controllers.messages import ErrorNotice, Notice
from tui.conversation.formats import thread_markdown, tree_json, tree_markdown
from tui.conversation.session import OpenConversation
from tui.conversation.tree import active_thread, visible_messages
from tui.text.sanitize import clean_line

Scope = Literal["branch", "tree"]
"""``branch``: the messages of one branch; ``tree``: every branch of the conversation."""

Format = Literal["markdown", "json"]
"""The file format."""

EXTENSIONS: dict[Format, str] = {"markdown": ".md", "json": ".json"}
"""The file extension of each format."""

SLUG_MAX = 60
"""The longest slug taken from a title (characters)."""

MAX_SUFFIX = 1000
"""The highest ``-N`` tried before giving up on a free file name."""


class Exporter:
    """The controller behind the export dialog and multi-select export: writes off the loop.

    The dialog, and the question before replacing a file, are the screen's; this writes in a
    thread and says where the files went, or why they could not be written.
    """

    def __init__(self, host: Host, client: BackendClient | None = None) -> None:
        self.host = host
        self.client = client
        """Fetches the conversations :meth:`export_many` writes (None: only :meth:`export`)."""

    def export(self, session: OpenConversation, scope: Scope, fmt: Format, path: Path) -> None:
        """Write ``session`` (its shown branch, or its tree) to ``path``; a notice says how."""

        async def run() -> None:
            try:
                written = await asyncio.to_thread(
                    write_export, session.conversation, scope, fmt, path, leaf_id=session.leaf_id
                )
            except OSError as error:
                self.host.post(ErrorNotice("Export failed", error))
                return
            self.host.post(Notice(f"Exported to {written}"))

        self.host.run(run(), group="export")

    def export_many(
        self,
        conversation_ids: Sequence[str],
        directory: Path,
        *,
        scope: Scope = "branch",
        fmt: Format = "markdown",
    ) -> None:
        """Fetch and write each conversation into ``directory`` (new names, nothing replaced).

        One that cannot be fetched or written is counted and the rest go on; one notice at the
        end says how many were written and where.
        """
        client = self.client
        if client is None:
            raise RuntimeError("export_many needs the exporter's client")
        ids = list(conversation_ids)

        async def run() -> None:
            written, failed = 0, 0
            for conversation_id in ids:
                try:
                    conversation = await client.conversation(conversation_id)
                    await asyncio.to_thread(
                        export_conversation, conversation, directory, scope=scope, fmt=fmt
                    )
                except (ApiError, OSError):
                    failed += 1
                    continue
                written += 1
            self.host.post(Notice(many_summary(written, failed, directory)))

        self.host.run(run(), group="export")


def many_summary(written: int, failed: int, directory: Path) -> str:
    """``Exported 3 conversations to /x`` (``, 1 failed`` when some could not be written)."""
    noun = "conversation" if written == 1 else "conversations"
    text = f"Exported {written} {noun} to {directory}"
    return f"{text}, {failed} failed" if failed else text


def slugify(title: str | None) -> str:
    """A file-name-safe form of a title: ``"Hello, World!"`` → ``hello-world``.

    Letters of any script are kept (``物流`` stays), everything else becomes a single dash.
    An empty result becomes ``conversation``.
    """
    words = re.sub(r"[^\w]+", "-", clean_line(title).lower()).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", words).strip("-")[:SLUG_MAX].strip("-")
    return slug or "conversation"


def conversation_date(conversation: Conversation, today: date | None = None) -> date:
    """The day a conversation was last updated (UTC), else created, else ``today``."""
    when = conversation.update_time or conversation.create_time
    if when is None:
        return today or datetime.now(UTC).date()
    aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date()


def export_file_name(title: str | None, scope: Scope, fmt: Format, day: date) -> str:
    """``<title-slug>_<scope>_<YYYY-MM-DD>.md``: what it is, which part, and from when."""
    return f"{slugify(title)}_{scope}_{day.isoformat()}{EXTENSIONS[fmt]}"


def free_path(path: Path) -> Path:
    """``path`` if nothing is there, else the first free ``name-2.ext``, ``name-3.ext``..."""
    if not path.exists():
        return path
    for number in range(2, MAX_SUFFIX):
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not candidate.exists():
            return candidate
    raise FileExistsError(f"No free file name like {path.name} in {path.parent}")


def render_export(
    conversation: Conversation, scope: Scope, fmt: Format, *, leaf_id: str | None = None
) -> str:
    """The export's text (pure). ``leaf_id``: the branch shown (the server's current one by
    default): the one branch exported, or the one marked active in the tree."""
    if fmt == "json":
        data = tree_json(conversation) if scope == "tree" else branch_json(conversation, leaf_id)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if scope == "tree":
        return tree_markdown(conversation, leaf_id)
    messages = visible_messages(conversation, active_thread(conversation, leaf_id))
    return thread_markdown(conversation, messages)


def write_export(
    conversation: Conversation,
    scope: Scope,
    fmt: Format,
    path: Path,
    *,
    leaf_id: str | None = None,
) -> Path:
    """Write the export to ``path`` (created or replaced: the user was asked) and return its
    absolute path."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_export(conversation, scope, fmt, leaf_id=leaf_id), encoding="utf-8")
    return path.resolve()


def export_conversation(
    conversation: Conversation,
    directory: Path,
    *,
    scope: Scope = "branch",
    fmt: Format = "markdown",
    leaf_id: str | None = None,
) -> Path:
    """Write one conversation into ``directory`` under :func:`export_file_name`, made unique
    with ``-2``, ``-3``... so no file is ever replaced. Returns the path written."""
    directory = directory.expanduser()
    directory.mkdir(parents=True, exist_ok=True)
    text = render_export(conversation, scope, fmt, leaf_id=leaf_id)
    name = export_file_name(conversation.title, scope, fmt, conversation_date(conversation))
    path = free_path(directory / name)
    while True:
        try:
            # "x": fails if another writer took the name since free_path looked.
            with path.open("x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            path = free_path(path)
            continue
        return path.resolve()


def branch_json(conversation: Conversation, leaf_id: str | None = None) -> dict[str, Any]:
    """The conversation with only the nodes of one branch, ending at its leaf."""
    data = tree_json(conversation)
    thread = active_thread(conversation, leaf_id)
    keep = set(thread)
    mapping = data.get("mapping") or {}
    data["mapping"] = {
        node_id: {**node, "children": [c for c in node.get("children", []) if c in keep]}
        for node_id, node in mapping.items()
        if node_id in keep
    }
    data["current_node"] = thread[-1] if thread else None
    return data
