"""The conversation tree: active thread, visible messages, siblings and branch switching.

Pure functions over :class:`tui.api.models.Conversation` (no I/O, no Textual). Everything here
is linear in the number of nodes and survives broken trees: cycles, dangling parents, missing
children and empty mappings give a best-effort thread, never a hang or an exception.

CONTRACT (types below are fixed; the functions are filled in by the tree work):

- ``active_thread(conv, leaf_id=None) -> list[str]``: node ids from the root down to the leaf
  (``leaf_id`` or ``current_node``, or the newest leaf when that is missing/unknown).
- ``visible_messages(conv, thread) -> list[VisibleMessage]``: what a reader sees.
- ``switch_sibling(conv, thread, node_id, index) -> list[str]``: the thread after choosing
  sibling ``index`` (0-based) of ``node_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class BlockKind(StrEnum):
    """Kinds of content block inside one visible message."""

    MARKDOWN = "markdown"
    """Ordinary text, rendered as Markdown."""
    CODE = "code"
    """A tool call's code (e.g. Code Interpreter input); ``language`` says which."""
    OUTPUT = "output"
    """A tool's output (execution_output): plain text."""
    IMAGE = "image"
    """An image pointer: ``text`` is a compact description (size, pointer)."""
    BROWSE = "browse"
    """A browsing result / quote / web page: ``text`` is a compact description."""
    THOUGHTS = "thoughts"
    """Reasoning summary (hidden by default in the UI, kept for an optional view)."""
    NOTE = "note"
    """Anything else: an odd content type, shown as a labelled description."""
    ERROR = "error"
    """system_error content."""


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of a visible message."""

    kind: BlockKind
    text: str
    """Markdown for MARKDOWN; code for CODE; plain text for everything else."""
    language: str | None = None
    """CODE only."""
    label: str | None = None
    """A short label for non-text blocks ("image", "python", "web.run"...)."""


@dataclass(frozen=True, slots=True)
class VisibleMessage:
    """One message as a reader sees it (continuations and tool parts of a turn already merged)."""

    node_id: str
    """The first node of this message: siblings are counted and switched on this node."""
    node_ids: tuple[str, ...]
    """Every node merged into this message, in order (the last is the turn's last node)."""
    role: str
    """user | assistant | system (shown custom instructions) | tool (shown tool output)."""
    blocks: tuple[Block, ...]
    sibling_index: int = 0
    """0-based position of ``node_id`` among its parent's children."""
    sibling_count: int = 1
    model_slug: str | None = None
    create_time: datetime | None = None
    finish_type: str | None = None
    """Of the last merged node: stop | max_tokens | interrupted | None."""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def last_node_id(self) -> str:
        """The node a reply to this message hangs from (``parent_message_id``)."""
        return self.node_ids[-1]

    @property
    def text(self) -> str:
        """The message's Markdown, blocks joined: what copy and export use."""
        return "\n\n".join(block_markdown(block) for block in self.blocks)


def block_markdown(block: Block) -> str:
    """One block as Markdown (code fenced, other kinds labelled)."""
    if block.kind is BlockKind.MARKDOWN:
        return block.text
    if block.kind is BlockKind.CODE:
        return f"```{block.language or ''}\n{block.text}\n```"
    if block.kind is BlockKind.OUTPUT:
        return f"```\n{block.text}\n```"
    label = block.label or block.kind.value
    return f"[{label}] {block.text}"
