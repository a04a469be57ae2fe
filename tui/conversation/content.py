"""What one message looks like to a reader: its content turned into typed blocks.

Pure (no I/O, no Textual). :func:`describe` never raises and never drops content silently: a
content type it does not know becomes a NOTE block naming the type, with its first text-ish
field. Deciding which *nodes* a reader sees, and merging a turn's nodes, is
:mod:`tui.conversation.tree`'s job; this module only answers "what blocks does this message make".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tui.api.models import Message
from tui.api.unreadable import UNREADABLE, carried_text


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


NOTE_LIMIT = 200
"""Longest text of a NOTE/BROWSE block: they summarise; the raw data stays in the model."""

IMAGE_MARKER = "<<ImageDisplayed>>"
"""What Code Interpreter writes into execution_output where a plot was shown."""

CODE_INTERPRETER_RECIPIENTS = frozenset({"python"})
"""Tool calls a reader sees as code: the web app shows Code Interpreter input, hides the rest."""

HIDDEN_CONTENT_TYPES = frozenset({"user_editable_context", "model_editable_context"})
"""Custom-instruction profile and memory: context for the model, never shown in the thread."""

THOUGHT_CONTENT_TYPES = frozenset({"thoughts", "reasoning_recap"})

# Fields tried, in order, for the one-line description of an unknown content type.
_TEXTISH_FIELDS = ("text", "parts", "content", "result", "summary", "title", "name", "url")


def truncate(text: str, limit: int = NOTE_LIMIT) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def is_hidden(message: Message) -> bool:
    """True for messages the web app never draws: weight 0, hidden flag, memory/profile context.

    Custom instructions (``is_user_system_message``) are decided by :func:`custom_instructions`
    before this is asked, because the server marks them hidden too.
    """
    if message.content.content_type in HIDDEN_CONTENT_TYPES:
        return True
    if message.weight == 0:
        return True
    return message.metadata.get("is_visually_hidden_from_conversation") is True


def custom_instructions(message: Message) -> str:
    """The text of a shown custom-instructions system message ("" when there is nothing to show).

    Newer payloads leave ``parts`` empty and keep the two fields in
    ``metadata.user_context_message_data``; older ones put the whole prompt in ``parts``.
    """
    text = _parts_text(message.content.parts)
    if text.strip():
        return text
    data = message.metadata.get("user_context_message_data")
    if not isinstance(data, dict):
        return ""
    sections = []
    for key, heading in (
        ("about_user_message", "About me"),
        ("about_model_message", "How to respond"),
    ):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            sections.append(f"**{heading}**\n\n{value.strip()}")
    return "\n\n".join(sections)


def describe(message: Message) -> list[Block]:
    """The blocks a reader sees for one (not hidden) message; [] when it has nothing to show.

    Never raises: a malformed field of a known type is described like an unknown type.
    """
    try:
        return _describe(message)
    except Exception:  # lenient by design: one odd node must not break the thread
        return [_note(message.content.content_type, message.content.raw())]


def is_tool_call(message: Message) -> bool:
    """An assistant message addressed to a tool rather than to the reader."""
    return message.recipient != "all"


def _describe(message: Message) -> list[Block]:
    content = message.content
    kind = content.content_type
    if is_tool_call(message):
        if message.recipient in CODE_INTERPRETER_RECIPIENTS:
            return _code(content.text or _parts_text(content.parts), content.language, "python")
        return []  # calls to internal tools (browser, dalle, web.run...) are not shown
    if kind in ("text", "multimodal_text"):
        # Some shapes put a single string in ``text`` instead of ``parts``.
        parts = content.parts if content.parts is not None else [content.text or ""]
        return _multimodal(message, parts)
    if kind == "code":
        return _code(content.text or "", content.language, None)
    if kind == "execution_output":
        return _execution_output(message)
    if kind in ("tether_browsing_display", "tether_quote", "sonic_webpage"):
        return [_browse(kind, content.raw())]
    if kind == "system_error":
        name = _string(content.raw().get("name"))
        return [Block(BlockKind.ERROR, content.text or name or "error", label=name or None)]
    if kind in THOUGHT_CONTENT_TYPES:
        return [thoughts_block(message)]
    if kind == UNREADABLE:
        return _unreadable(content.text, content.parts)
    return [_note(kind, content.raw())]


def _unreadable(problem: str | None, carried: list[Any] | None) -> list[Block]:
    """A placeholder: what could not be read, then the text it carried, shown as sent."""
    blocks = [Block(BlockKind.ERROR, problem or "Could not read this message.", label="unreadable")]
    text = "\n\n".join(part for part in carried or [] if isinstance(part, str))
    if text.strip():
        blocks.append(Block(BlockKind.OUTPUT, text, label="as sent"))
    return blocks


def thoughts_block(message: Message) -> Block:
    """A THOUGHTS block: ``thoughts`` give the text, a ``reasoning_recap`` gives the label.

    The label is what the web app prints on the folded reasoning ("Thought for 29s"); the text
    is each step's summary followed by its content, for an optional expanded view.
    """
    raw = message.content.raw()
    if message.content.content_type == "reasoning_recap":
        label = _string(raw.get("content")) or "thoughts"
        return Block(BlockKind.THOUGHTS, "", label=label)
    steps = []
    thoughts = raw.get("thoughts")
    for thought in thoughts if isinstance(thoughts, list) else []:
        if not isinstance(thought, dict):
            continue
        summary = _string(thought.get("summary")).strip()
        body = _string(thought.get("content")).strip()
        steps.append("\n".join(part for part in (summary, body) if part))
    return Block(BlockKind.THOUGHTS, "\n\n".join(step for step in steps if step), label="thoughts")


def merge_thoughts(first: Block, second: Block) -> Block:
    """Fold two adjacent THOUGHTS blocks into one (the web app shows one "Thought for Ns")."""
    label = second.label if second.label != "thoughts" else first.label
    text = "\n\n".join(part for part in (first.text, second.text) if part)
    return Block(BlockKind.THOUGHTS, text, label=label)


def _code(text: str, language: str | None, default_language: str | None) -> list[Block]:
    # Code Interpreter calls say language "unknown"; the reader knows it is Python.
    if not language or language == "unknown":
        language = default_language
    label = default_language or language
    code = _newlines(text)
    return [Block(BlockKind.CODE, code, language=language, label=label)] if code.strip() else []


def _execution_output(message: Message) -> list[Block]:
    text = _newlines(message.content.text or "").replace(IMAGE_MARKER, "").strip("\n")
    name = message.author.name or "python"
    blocks = [Block(BlockKind.OUTPUT, text, label=name)] if text.strip() else []
    result = message.metadata.get("aggregate_result")
    outputs = result.get("messages") if isinstance(result, dict) else None
    for item in outputs if isinstance(outputs, list) else []:
        if isinstance(item, dict) and item.get("message_type") == "image":
            url = _string(item.get("image_url"))
            text = f"image ({url})" if url else "image"
            blocks.append(Block(BlockKind.IMAGE, text, label="image"))
    if not blocks and IMAGE_MARKER in (message.content.text or ""):
        # The marker without a pointer still tells the reader a plot was displayed.
        blocks.append(Block(BlockKind.IMAGE, "image (not in the payload)", label="image"))
    return blocks


def _multimodal(message: Message, parts: list[Any]) -> list[Block]:
    blocks: list[Block] = []
    for part in parts:
        if isinstance(part, str):
            if not part.strip():
                continue
            if message.author.role == "tool":
                blocks.append(_tool_note(message, part))
            else:
                blocks.append(Block(BlockKind.MARKDOWN, part))
        elif isinstance(part, dict):
            blocks.append(_part_block(part))
        elif part is not None:
            blocks.append(_odd_part(part))
    return blocks


def _odd_part(part: object) -> Block:
    """A part that is neither text nor an object: a number, true/false, or a list."""
    if isinstance(part, list):
        return Block(
            BlockKind.NOTE, truncate(" · ".join(carried_text(part))) or "empty", label="list"
        )
    label = "true/false" if isinstance(part, bool) else "number"
    return Block(BlockKind.NOTE, str(part), label=label)


def _part_block(part: dict[str, Any]) -> Block:
    kind = _string(part.get("content_type"))
    if kind == "image_asset_pointer":
        return Block(BlockKind.IMAGE, image_description(part), label="image")
    if kind == "audio_transcription":
        return Block(BlockKind.MARKDOWN, _string(part.get("text")))
    if kind.endswith("asset_pointer"):
        pointer = _string(part.get("asset_pointer"))
        what = kind.removesuffix("_asset_pointer").replace("_", " ")
        return Block(BlockKind.NOTE, f"{what} ({pointer})" if pointer else what, label=what)
    return _note(kind or "object", part)


def image_description(part: dict[str, Any]) -> str:
    """``image 1024×1024 (file-service://…)``: size when known, then the pointer."""
    width, height = part.get("width"), part.get("height")
    size = f" {width}×{height}" if isinstance(width, int) and isinstance(height, int) else ""
    pointer = _string(part.get("asset_pointer"))
    return f"image{size} ({pointer})" if pointer else f"image{size}"


def _browse(kind: str, raw: dict[str, Any]) -> Block:
    label = {"tether_quote": "quote", "sonic_webpage": "web page"}.get(kind, "browsing")
    title = _string(raw.get("title")).strip()
    where = _string(raw.get("url")) or _string(raw.get("domain"))
    if kind == "tether_browsing_display":
        summary = _string(raw.get("summary")) or _string(raw.get("result"))
        return Block(BlockKind.BROWSE, truncate(summary) or "(no result)", label=label)
    text = " — ".join(part for part in (title, where) if part)
    return Block(BlockKind.BROWSE, truncate(text) or label, label=label)


def _tool_note(message: Message, text: str) -> Block:
    # Tool text is written for the model (e.g. "DALL·E displayed 1 images..."): keep it short.
    return Block(BlockKind.NOTE, truncate(text), label=message.author.name or "tool")


def _note(kind: str, raw: dict[str, Any]) -> Block:
    """An unknown content type, named, with its first text-ish field."""
    for key in _TEXTISH_FIELDS:
        value = raw.get(key)
        if isinstance(value, list):
            value = next((item for item in value if isinstance(item, str) and item.strip()), None)
        if isinstance(value, str) and value.strip():
            return Block(BlockKind.NOTE, truncate(value), label=kind)
    # Text anywhere else in it (nested objects, odd field names) is still shown.
    found = carried_text({k: v for k, v in raw.items() if k != "content_type"})
    return Block(BlockKind.NOTE, truncate(" · ".join(found)) if found else kind, label=kind)


def _parts_text(parts: list[Any] | None) -> str:
    return "\n\n".join(part for part in parts or [] if isinstance(part, str) and part)


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def _newlines(text: str) -> str:
    # Code Interpreter code arrives with CRLF; a bare CR would move the terminal cursor.
    return text.replace("\r\n", "\n")


def hidden_blocks(message: Message) -> list[Block]:
    """What a hidden node holds, for a reader who asked to see hidden messages ([] if nothing).

    Custom instructions and memory are shown as their text, a call to an internal tool as its
    code, labelled with the tool; anything else as :func:`describe` would show it.
    """
    try:
        content = message.content
        raw = content.raw()
        if content.content_type in HIDDEN_CONTENT_TYPES:
            fields = ("user_profile", "user_instructions", "model_set_context")
            texts = [_string(raw.get(key)).strip() for key in fields]
            return [Block(BlockKind.MARKDOWN, text) for text in texts if text]
        if message.author.role == "system":
            text = custom_instructions(message)
            return [Block(BlockKind.MARKDOWN, text)] if text.strip() else []
        if is_tool_call(message) and message.recipient not in CODE_INTERPRETER_RECIPIENTS:
            code = _newlines(content.text or _parts_text(content.parts))
            label = message.recipient or "tool"
            return [Block(BlockKind.CODE, code, language=None, label=label)] if code.strip() else []
        return _describe(message)
    except Exception:  # lenient by design, like describe()
        return [_note(message.content.content_type, message.content.raw())]
