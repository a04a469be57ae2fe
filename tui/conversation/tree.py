"""The conversation tree: active thread, visible messages, siblings and branch switching.

Pure functions over :class:`tui.api.models.Conversation` (no I/O, no Textual). Everything here
is linear in the number of nodes and survives broken trees: cycles, dangling parents, missing
children and empty mappings give a best-effort thread, never a hang or an exception.

- ``active_thread(conv, leaf_id=None) -> list[str]``: node ids from the root down to the leaf
  (``leaf_id`` or ``current_node``, or the newest leaf when that is missing/unknown).
- ``visible_messages(conv, thread) -> list[VisibleMessage]``: what a reader sees.
- ``switch_sibling(conv, thread, node_id, index) -> list[str]``: the thread after choosing
  sibling ``index`` (0-based) of ``node_id``.

How the tree is read. A node's parent is its ``parent`` field when that names another node of
the mapping (a dangling or self parent makes the node a top). A node's children are the ids in
its ``children`` list whose ``parent`` points back at it, in list order (creation order, so the
last is the newest), then nodes that name it as parent but are missing from the list (exports
with empty ``children`` arrays), in mapping order. Both walks stop at a node already seen, so a
cycle ends the thread instead of hanging it, and every thread is a path: each node's parent is
the node before it, except across a gap: when the top of a thread names a parent the mapping
lacks, the thread from the root comes first, then that missing id (shown as "messages missing
here"), then the rest, so a lost node never hides the messages on either side of it.

How a thread becomes messages (see :func:`visible_messages`). A user node starts a message;
the assistant and tool nodes after it, up to the next user node, are one assistant turn, as the
web app draws them. Hidden nodes (weight 0, ``is_visually_hidden_from_conversation``, memory and
profile context, calls to internal tools) give no blocks but stay in the turn's ``node_ids``, so
``last_node_id`` is the node a reply really hangs from. All reasoning of a turn (``thoughts``,
``reasoning_recap``) becomes ONE THOUGHTS block placed first, labelled with the recap ("Thought
for 29s"), because the web app folds it into one line above the answer. A node inside a turn
that has siblings starts a new message, so its branch switcher stays reachable. A switcher
counts only the siblings that lead to something a reader sees (a regenerated image leaves an
empty hidden sibling that the web app does not count either).

Hidden, as on the web: system messages, custom instructions and memory, nodes marked
``is_visually_hidden_from_conversation`` or of weight 0, calls to internal tools. With
``show_hidden`` each becomes a message of its own, flagged ``hidden`` for the UI to dim.

:class:`Block`, :class:`BlockKind` and :func:`block_markdown` live in
:mod:`tui.conversation.content` (what
one message's content looks like) and are re-exported here unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import pairwise

from tui.api.models import Conversation, Message
from tui.conversation.citations import Citations
from tui.conversation.content import (
    CODE_INTERPRETER_RECIPIENTS,
    Block,
    BlockKind,
    block_markdown,
    describe,
    hidden_blocks,
    is_hidden,
    is_tool_call,
    merge_thoughts,
    truncate,
)

__all__ = [
    "Block",
    "BlockKind",
    "VisibleMessage",
    "active_thread",
    "block_markdown",
    "siblings",
    "switch_sibling",
    "thread_to_leaf",
    "visible_messages",
]


@dataclass(frozen=True, slots=True)
class VisibleMessage:
    """One message as a reader sees it (continuations and tool parts of a turn already merged)."""

    node_id: str
    """The first node of this message: siblings are counted and switched on this node."""
    node_ids: tuple[str, ...]
    """Every node merged into this message, in order (the last is the turn's last node)."""
    role: str
    """user | assistant | tool (shown tool output) | missing (a gap in the tree); with hidden
    messages shown, also system and the hidden nodes' own roles."""
    blocks: tuple[Block, ...]
    sibling_index: int = 0
    """0-based position of ``node_id`` among its parent's children."""
    sibling_count: int = 1
    model_slug: str | None = None
    create_time: datetime | None = None
    finish_type: str | None = None
    """Of the last merged node: stop | max_tokens | interrupted | None."""
    extra: dict[str, object] = field(default_factory=dict)
    hidden: bool = False
    """A message the web app hides (system, custom instructions, marked hidden, internal tool
    calls), shown only because the reader asked; the UI dims it."""

    @property
    def last_node_id(self) -> str:
        """The node a reply to this message hangs from (``parent_message_id``)."""
        return self.node_ids[-1]

    @property
    def text(self) -> str:
        """The message's Markdown, blocks joined: what copy and export use."""
        return "\n\n".join(block_markdown(block) for block in self.blocks)


# ---------------------------------------------------------------------------------------------
# The tree index


class _Tree:
    """Parent and children of every node, built once per call (linear), never recursive."""

    __slots__ = ("_children", "_shows_below", "dangling", "mapping", "missing", "parent", "roots")

    def __init__(self, conv: Conversation) -> None:
        self.mapping = conv.mapping
        self.parent: dict[str, str | None] = {}
        self.dangling: dict[str, str] = {}
        """Node → the parent it names that the mapping lacks: a gap in the thread above it."""
        self.roots: list[str] = []
        """Nodes that name no parent at all (normally the one message-less root)."""
        for key, node in self.mapping.items():
            parent = node.parent
            ok = parent is not None and parent != key and parent in self.mapping
            self.parent[key] = parent if ok else None
            if parent is None:
                self.roots.append(key)
            elif not ok and parent != key:
                self.dangling[key] = parent
        self.missing = frozenset(self.dangling.values())
        """Ids that nodes name as parent but the mapping lacks."""
        self._children: dict[str, list[str]] | None = None
        self._shows_below: dict[str, bool] = {}

    def children(self, node_id: str) -> list[str]:
        if self._children is None:
            self._children = self._index_children()
        return self._children.get(node_id, [])

    def _index_children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        placed: set[str] = set()
        for key, node in self.mapping.items():
            for child in node.children:
                # A child is listed once, under the node its own ``parent`` names.
                if child not in placed and self.parent.get(child) == key:
                    placed.add(child)
                    children.setdefault(key, []).append(child)
        for key, parent in self.parent.items():
            if parent is not None and key not in placed:
                children.setdefault(parent, []).append(key)
        return children

    def siblings(self, node_id: str) -> list[str]:
        parent = self.parent.get(node_id)
        return [node_id] if parent is None else self.children(parent)

    def up(self, node_id: str, seen: set[str] | None = None) -> list[str]:
        """``node_id`` and its ancestors, nearest first; stops before any node in ``seen``."""
        seen = set() if seen is None else seen
        path: list[str] = []
        current: str | None = node_id
        while current is not None and current not in seen:
            seen.add(current)
            path.append(current)
            current = self.parent.get(current)
        return path

    def down(self, start: str, seen: set[str], target: str | None) -> list[str]:
        """From ``start`` to a leaf: toward ``target`` when it lies below, else newest children.

        Stops at ``target`` itself (that is where :func:`active_thread` would end too).
        """
        toward: dict[str, str] = {}
        stop_at: str | None = None
        if target is not None and target in self.mapping:
            chain = self.up(target)
            if start in chain:
                stop_at = target
                for lower, upper in pairwise(chain):
                    toward[upper] = lower
        path = [start]
        seen.add(start)
        current = start
        while current != stop_at:
            step = toward.get(current)
            if step is None or step in seen:
                step = next((c for c in reversed(self.children(current)) if c not in seen), None)
            if step is None:
                break
            seen.add(step)
            path.append(step)
            current = step
        return path

    def mended(self, path: list[str]) -> list[str]:
        """``path`` (top first), and when its top names a parent the mapping lacks: the thread
        from the root down to a leaf, then the missing id (a gap marker), then ``path``.

        A node lost in the middle of a conversation must not hide what comes before it: the
        part reachable from the root is shown above the gap, the part after it below.
        """
        missing = self.dangling.get(path[0]) if path else None
        if missing is None:
            return path
        seen = set(path)
        root = next((key for key in self.roots if key not in seen), None)
        head = self.down(root, seen, None) if root is not None else []
        return [*head, missing, *path]

    def shows_below(self, node_id: str) -> bool:
        """Whether ``node_id`` or a node under it is something the web app shows."""
        known = self._shows_below.get(node_id)
        if known is not None:
            return known
        # Iterative post-order walk: threads can be thousands of nodes deep.
        stack = [(node_id, False)]
        on_path: set[str] = set()
        while stack:
            current, expanded = stack.pop()
            if current in self._shows_below:
                continue
            children = [c for c in self.children(current) if c not in on_path]
            if not expanded:
                on_path.add(current)
                stack.append((current, True))
                stack.extend((child, False) for child in children if child not in self._shows_below)
                continue
            on_path.discard(current)
            self._shows_below[current] = _shows(self.mapping[current].message) or any(
                self._shows_below.get(child, False) for child in children
            )
        return self._shows_below.get(node_id, False)

    def branch_options(self, node_id: str, show_hidden: bool) -> list[str]:
        """The siblings a branch switcher offers at ``node_id``: those leading to something
        visible (all of them when hidden messages are shown), and ``node_id`` itself."""
        options = self.siblings(node_id)
        if show_hidden or len(options) < 2:
            return options
        return [key for key in options if key == node_id or self.shows_below(key)]

    def newest_leaf(self) -> str | None:
        """The leaf whose message is newest (ties: last in mapping order); any node if no leaf."""
        keys = list(self.mapping)
        candidates = [key for key in keys if not self.children(key)] or keys
        best: str | None = None
        best_time = float("-inf")
        for key in candidates:
            message = self.mapping[key].message
            created = message.create_time if message is not None else None
            stamp = created.timestamp() if created is not None else float("-inf")
            if best is None or stamp >= best_time:
                best, best_time = key, stamp
        return best


# ---------------------------------------------------------------------------------------------
# Threads and branches


def active_thread(conv: Conversation, leaf_id: str | None = None) -> list[str]:
    """Node ids from the top (usually the message-less root) down to the leaf.

    The leaf is ``leaf_id``, else ``conv.current_node``, else (both missing or unknown) the
    newest leaf. A dangling parent makes its child the top; a cycle stops at the repeat.
    """
    tree = _Tree(conv)
    start = next((n for n in (leaf_id, conv.current_node) if n and n in tree.mapping), None)
    if start is None:
        start = tree.newest_leaf()
    return [] if start is None else tree.mended(tree.up(start)[::-1])


def thread_to_leaf(conv: Conversation, node_id: str) -> list[str]:
    """The thread through ``node_id`` down to a leaf ([] when the node is unknown).

    Below ``node_id`` it follows the path to ``conv.current_node`` when that lies below, else
    the newest (last) child at each level.
    """
    tree = _Tree(conv)
    if node_id not in tree.mapping:
        return []
    above = tree.mended(tree.up(node_id)[::-1])[:-1]
    return above + tree.down(node_id, set(above), conv.current_node)


def siblings(conv: Conversation, node_id: str) -> list[str]:
    """``node_id`` and its siblings in creation order ([node_id] at the top, [] if unknown)."""
    tree = _Tree(conv)
    return tree.siblings(node_id) if node_id in tree.mapping else []


def switch_sibling(
    conv: Conversation,
    thread: list[str],
    node_id: str,
    index: int,
    *,
    show_hidden: bool = False,
) -> list[str]:
    """The thread after choosing sibling ``index`` (0-based, clamped) of ``node_id``.

    ``index`` counts the siblings the switcher offers (:attr:`VisibleMessage.sibling_count`:
    only those leading to something visible, unless ``show_hidden``). Keeps ``thread`` above
    ``node_id``'s parent, then descends from the chosen sibling like :func:`thread_to_leaf`. An
    unknown ``node_id`` leaves the thread unchanged.
    """
    tree = _Tree(conv)
    if node_id not in tree.mapping:
        return list(thread)
    options = tree.branch_options(node_id, show_hidden)
    chosen = options[max(0, min(index, len(options) - 1))]
    parent = tree.parent[node_id]
    position = _index_of(thread, node_id)
    if parent is None:
        above: list[str] = tree.mended([chosen])[:-1]
    elif position > 0 and thread[position - 1] == parent and chosen not in thread[:position]:
        above = list(thread[:position])
    else:
        # The caller's thread does not run through node_id: rebuild the part above from the tree.
        above = tree.mended(tree.up(parent, {chosen})[::-1])
    return above + tree.down(chosen, set(above), conv.current_node)


def _index_of(thread: list[str], node_id: str) -> int:
    try:
        return thread.index(node_id)
    except ValueError:
        return -1


# ---------------------------------------------------------------------------------------------
# Visible messages


@dataclass(slots=True)
class _Draft:
    """A message being assembled from consecutive nodes."""

    role: str
    node_ids: list[str]
    blocks: list[Block] = field(default_factory=list)
    thoughts: Block | None = None
    messages: list[Message] = field(default_factory=list)
    """The nodes' messages, hidden ones included (model slug, time, finish come from them)."""
    text_from: Message | None = None
    """The message that wrote the last MARKDOWN block, while no other block followed it."""
    hidden: bool = False
    """A node the web app hides, shown because the reader asked for hidden messages."""
    citations: Citations = field(default_factory=Citations)
    """The turn's citation numbers and sources (listed under the turn)."""


def visible_messages(
    conv: Conversation, thread: list[str], *, show_hidden: bool = False
) -> list[VisibleMessage]:
    """What a reader sees of ``thread``: hidden nodes dropped, each assistant turn merged.

    Never raises. See the module docstring for the rules; in short: system messages, custom
    instructions and nodes the server marks hidden are left out, as on the web; a turn's text
    parts join with a blank line, except a continuation (``message_type`` "continue", or a
    previous part cut by ``max_tokens`` or left with ``end_turn`` false and no ``stop``), which
    joins directly. A turn with nothing to show is dropped (its nodes join the previous
    message) unless it is a branch point, which shows a NOTE so its switcher stays reachable.
    A parent id the mapping lacks (a gap :func:`active_thread` found) shows as a "missing"
    marker; other unknown ids are skipped.

    ``show_hidden``: every hidden node with something in it becomes a message of its own, with
    ``hidden`` set (the UI dims it), and branch switchers count every sibling.
    """
    tree = _Tree(conv)
    out: list[VisibleMessage] = []
    draft: _Draft | None = None
    for node_id in thread:
        node = tree.mapping.get(node_id)
        if node is None:
            if node_id in tree.missing:  # a gap active_thread found: say so
                _flush(tree, draft, out, show_hidden)
                draft = None
                out.append(_missing(node_id))
            continue
        message = node.message
        if message is None:
            if draft is not None:
                draft.node_ids.append(node_id)
            continue
        role = message.author.role
        if show_hidden and hidden_from_reader(message):
            _flush(tree, draft, out, show_hidden)
            # Empty, it joins the message above, unless a switcher must stay reachable on it.
            draft = _Draft(role, [node_id], hidden_blocks(message), messages=[message], hidden=True)
            continue
        if role == "system":
            if draft is not None:
                draft.node_ids.append(node_id)
            continue
        if role == "user":
            _flush(tree, draft, out, show_hidden)
            draft = None
            if not is_hidden(message):
                draft = _Draft("user", [node_id], describe(message), messages=[message])
            continue
        branch = len(tree.branch_options(node_id, show_hidden)) > 1
        if draft is None or draft.hidden or draft.role not in ("assistant", "tool") or branch:
            _flush(tree, draft, out, show_hidden)
            draft = _Draft("tool" if role == "tool" else "assistant", [])
        _add_turn_node(draft, node_id, message)
    _flush(tree, draft, out, show_hidden)
    return out


def hidden_from_reader(message: Message) -> bool:
    """A node the web app never draws: system messages (custom instructions too), nodes the
    server marks hidden, and calls to tools other than Code Interpreter."""
    if message.author.role == "system" or is_hidden(message):
        return True
    return is_tool_call(message) and message.recipient not in CODE_INTERPRETER_RECIPIENTS


def _shows(message: Message | None) -> bool:
    """Whether the web app shows anything of this node."""
    if message is None or hidden_from_reader(message):
        return False
    return message.author.role == "user" or bool(describe(message))


def _missing(node_id: str) -> VisibleMessage:
    note = Block(
        BlockKind.NOTE,
        f"messages missing here: the server sent no node {truncate(node_id, 60)}",
        label="gap",
    )
    return VisibleMessage(node_id=node_id, node_ids=(node_id,), role="missing", blocks=(note,))


def _add_turn_node(draft: _Draft, node_id: str, message: Message) -> None:
    draft.node_ids.append(node_id)
    previous = draft.messages[-1] if draft.messages else None
    draft.messages.append(message)
    if message.author.role != "tool":
        draft.role = "assistant"
    if is_hidden(message):
        return
    for described in describe(message):
        block = described
        if block.kind is BlockKind.MARKDOWN and message.author.role != "tool":
            block = Block(block.kind, draft.citations.apply(block.text, message.metadata))
        if block.kind is BlockKind.THOUGHTS:
            held = draft.thoughts
            draft.thoughts = block if held is None else merge_thoughts(held, block)
            continue
        last = draft.blocks[-1] if draft.blocks else None
        if block.kind is BlockKind.MARKDOWN and last is not None and last.kind is block.kind:
            joint = "" if draft.text_from is previous and _continues(previous, message) else "\n\n"
            draft.blocks[-1] = Block(BlockKind.MARKDOWN, last.text + joint + block.text)
        else:
            draft.blocks.append(block)
        draft.text_from = message if block.kind is BlockKind.MARKDOWN else None


def _continues(previous: Message | None, message: Message) -> bool:
    """Is ``message`` the rest of ``previous`` (one reply cut in two nodes)?"""
    if previous is None or message.author.role == "tool":
        return False
    if message.metadata.get("message_type") == "continue":
        return True
    if previous.finish_type == "max_tokens":
        return True
    # end_turn false alone also marks a reply that stops before a tool call (finish "stop"):
    # joining that without a separator would glue two sentences together.
    return (
        previous.end_turn is False
        and previous.finish_type != "stop"
        and previous.channel == message.channel
    )


def _flush(tree: _Tree, draft: _Draft | None, out: list[VisibleMessage], show_hidden: bool) -> None:
    if draft is None or not draft.node_ids:
        return
    blocks = ([draft.thoughts] if draft.thoughts is not None else []) + draft.blocks
    sources = draft.citations.markdown()
    if sources and blocks:
        blocks.append(Block(BlockKind.MARKDOWN, sources, label="sources"))
    first = draft.node_ids[0]
    options = tree.branch_options(first, show_hidden)
    if not blocks and (draft.role != "user" or draft.hidden):
        if len(options) < 2:
            if out:  # keep the nodes: a reply to the previous message hangs below them
                out[-1] = replace(out[-1], node_ids=(*out[-1].node_ids, *draft.node_ids))
            return
        blocks = [Block(BlockKind.NOTE, "empty reply", label="branch")]
    slug = next((m.model_slug for m in draft.messages if m.model_slug), None)
    created = next((m.create_time for m in draft.messages if m.create_time), None)
    out.append(
        VisibleMessage(
            node_id=first,
            node_ids=tuple(draft.node_ids),
            role=draft.role,
            blocks=tuple(blocks),
            sibling_index=options.index(first),
            sibling_count=len(options),
            model_slug=slug,
            create_time=created,
            finish_type=draft.messages[-1].finish_type if draft.messages else None,
            hidden=draft.hidden,
        )
    )
