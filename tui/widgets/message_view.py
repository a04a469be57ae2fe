"""One message of the transcript: a single focusable widget with a header line and a body.

Why one plain ``Widget`` and not a container of Static widgets: widget count is what makes a
long Textual transcript slow (TEXTUAL-research.md §2: every focus change restyles the DOM and
every frame arranges every widget), so a message is exactly one widget.

Why pre-rendered ``Text`` and not a live Rich renderable: the body is rendered by Rich once per
width into styled ``Text`` (:func:`tui.render.render_to_text`) and cached. Layout then only counts
lines, a focus change repaints without re-running the Markdown renderer, a resize re-renders once
(0.65 s for 500 messages against 3.2 s for live Rich renderables, §2), and Textual's mouse
selection keeps working because the visual is ``Content`` (it returns nothing over a Rich
renderable). Copying is also available from the keyboard (``y`` / ``c`` in the transcript).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar

from rich.console import Console as RichConsole
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from rich.text import Text
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

from tui.conversation import BlockKind, VisibleMessage
from tui.render import block_renderable, render_to_content
from tui.sanitize import clean_line, clean_text

Clock = Callable[[], datetime]
"""Returns "now"; its tzinfo is the zone message times are shown in."""

ROLE_NAMES: dict[str, str] = {"user": "You", "assistant": "Assistant", "system": "System"}
"""Header names of the roles; an unknown role is shown by its own (cleaned) name."""

_ONE_LINERS = frozenset(
    {BlockKind.IMAGE, BlockKind.BROWSE, BlockKind.THOUGHTS, BlockKind.NOTE, BlockKind.ERROR}
)
_PREVIOUS = "‹"
_NEXT = "›"

FINISH_NOTES: dict[str, tuple[str, str]] = {
    "max_tokens": ("✂ cut off", "ctrl+t continues"),
    "interrupted": ("⚠ interrupted", "ctrl+t continues · g retries"),
    "stopped": ("⏹ stopped", "ctrl+t continues · g regenerates"),
}
"""(label, what to do) under a reply that did not finish; the live reply's status line says
the same (``tui.chat``), so a reply looks the same once the conversation is reloaded."""


def finish_note(finish_type: str | None) -> str:
    """The line under a reply that ended with ``finish_type``, or "" when it finished."""
    label, keys = FINISH_NOTES.get(finish_type or "", ("", ""))
    return f"{label} — {keys}" if label else ""


def local_now() -> datetime:
    """The default clock: now, in the local time zone."""
    return datetime.now().astimezone()


def format_time(created: datetime | None, now: datetime) -> str:
    """A quiet timestamp: "14:02" today, "3 Mar 14:02" this year, "2024-03-03 14:02" before.

    Times are shown in the zone of ``now``; a naive time is taken to be in that zone already.
    """
    if created is None:
        return ""
    try:
        if created.tzinfo is None:
            created = created.replace(tzinfo=now.tzinfo or datetime.now().astimezone().tzinfo)
        local = created.astimezone(now.tzinfo) if now.tzinfo is not None else created
        if local.date() == now.date():
            return local.strftime("%H:%M")
        if local.year == now.year:
            return f"{local.day} {local.strftime('%b %H:%M')}"
        return local.strftime("%Y-%m-%d %H:%M")
    except (OverflowError, ValueError, OSError):
        return ""


class MessageView(Widget, can_focus=True):
    """One visible message: a header ("You · 14:02 … ‹ 2/3 ›") over the rendered blocks."""

    DEFAULT_CSS = """
    MessageView {
        height: auto;
    }
    """
    """Only what the widget needs to work; the look lives in styles/messages.tcss."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "message-view--role",
        "message-view--meta",
        "message-view--branch",
    }
    """Header parts styled from TCSS (role name, quiet model/time, branch switcher)."""

    class BranchClicked(Message):
        """The user clicked ‹ or › in this message's header."""

        def __init__(self, view: MessageView, step: int) -> None:
            self.view = view
            """The message whose branch switcher was clicked."""
            self.step = step
            """-1 for ‹ (previous sibling), +1 for › (next sibling)."""
            super().__init__()

    def __init__(
        self,
        message: VisibleMessage,
        *,
        position: int,
        now: Clock = local_now,
        id: str | None = None,
    ) -> None:
        role = message.role if message.role in ("user", "assistant", "system", "tool") else "other"
        super().__init__(id=id, classes=f"-{role}")
        self.role_class = f"-{role}"
        """The CSS class naming the role; views of one role share a width."""
        self._message = message
        self.position = position
        """Index of this message in the transcript's whole list of visible messages."""
        self.code_cursor = 0
        """Which code block the copy-code key copies next (it cycles)."""
        self._now = now
        self._body: tuple[int, Content, int] | None = None
        self._header: tuple[int, Content] | None = None
        self._switcher_columns: tuple[int, int] | None = None
        self._layout_width = 0

    @property
    def message(self) -> VisibleMessage:
        """The message shown."""
        return self._message

    # -- layout and rendering -------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Lines of the header plus the body rendered at ``width`` (rendered once, cached)."""
        if width <= 0:
            return 0
        self._layout_width = width
        return 1 + self._body_at(width)[1] + (1 if finish_note(self._message.finish_type) else 0)

    def render(self) -> Content:
        """The header and the cached body as one ``Content`` (selectable with the mouse)."""
        width = self.content_size.width or self._layout_width
        if width <= 0:
            return Content("")
        body, _ = self._body_at(width)
        content = self._header_at(width) + Content("\n") + body
        note = finish_note(self._message.finish_type)
        if note:
            style = self._component_style("message-view--meta")
            content += Content("\n") + Content.from_rich_text(Text(note, style, no_wrap=True))
        return content

    def notify_style_update(self) -> None:
        """Rebuild the header when TCSS changes (e.g. the theme): its colours come from TCSS."""
        super().notify_style_update()
        self._header = None

    def _body_at(self, width: int) -> tuple[Content, int]:
        cached = self._body
        if cached is None or cached[0] != width:
            content, lines = self._render_body(width, self.app.ansi_theme)
            cached = self._body = (width, content, lines)
        return cached[1], cached[2]

    def prerender(self, width: int, ansi_theme: TerminalTheme | None, console: RichConsole) -> None:
        """Render the body at ``width`` ahead of layout; safe in a thread before mounting.

        Touches only this widget's own cache, and renders with the caller's ``console``.
        """
        content, lines = self._render_body(width, ansi_theme, console)
        self._body = (width, content, lines)

    def _render_body(
        self, width: int, theme: TerminalTheme | None, console: RichConsole | None = None
    ) -> tuple[Content, int]:
        """Every block rendered at ``width``; malformed data degrades, it never raises."""
        blocks = self._message.blocks
        if not blocks:
            return Content.styled("(empty message)", "dim italic"), 1
        parts: list[Content] = []
        lines = 0
        previous_kind: BlockKind | None = None
        for block in blocks:
            kind = getattr(block, "kind", None)
            if previous_kind is not None:
                # One-liners stack tightly; anything else is set off by a blank line.
                tight = previous_kind in _ONE_LINERS and kind in _ONE_LINERS
                parts.append(Content("\n" if tight else "\n\n"))
                lines += 0 if tight else 1
            try:
                renderable = block_renderable(block)
                content, height = render_to_content(renderable, width, theme, console)
            except Exception:
                # A renderer failure (a Pygments lexer, odd Markdown) must not blank the
                # whole transcript: fall back to the block's plain text.
                content, height = self._plain_fallback(block, width, theme, console)
            parts.append(content)
            lines += height
            previous_kind = kind if isinstance(kind, BlockKind) else BlockKind.NOTE
        return Content("").join(parts), lines

    @staticmethod
    def _plain_fallback(
        block: object, width: int, theme: TerminalTheme | None, console: RichConsole | None
    ) -> tuple[Content, int]:
        plain = clean_text(getattr(block, "text", ""))
        try:
            return render_to_content(Text(plain), width, theme, console)
        except Exception:
            return Content.styled("(unreadable block)", "dim italic"), 1

    def _header_at(self, width: int) -> Content:
        cached = self._header
        if cached is not None and cached[0] == width:
            return cached[1]
        header = self._render_header(width)
        content = Content.from_rich_text(header)
        self._header = (width, content)
        return content

    def _render_header(self, width: int) -> Text:
        message = self._message
        role_style = self._component_style("message-view--role")
        meta_style = self._component_style("message-view--meta")
        header = Text(no_wrap=True, overflow="ellipsis", end="")
        if message.role == "assistant":
            header.append(clean_line(message.model_slug or "Assistant", limit=40), role_style)
        else:
            name = ROLE_NAMES.get(message.role) or clean_line(message.role, limit=20) or "?"
            header.append(name, role_style)
        meta: list[str] = []
        when = format_time(message.create_time, self._now())
        if when:
            meta.append(when)
        for part in meta:
            header.append(" · ", meta_style)
            header.append(part, meta_style)
        self._switcher_columns = None
        if message.sibling_count > 1:
            branch_style = self._component_style("message-view--branch")
            switcher = f"{_PREVIOUS} {message.sibling_index + 1}/{message.sibling_count} {_NEXT}"
            gap = max(2, width - header.cell_len - len(switcher))
            header.append(" " * gap)
            start = header.cell_len
            header.append(switcher, branch_style)
            self._switcher_columns = (start, start + len(switcher) - 1)
        return header

    def _component_style(self, name: str) -> Style:
        # partial=True: only what the TCSS rule sets, so the widget's background shows through.
        return self.get_component_rich_style(name, partial=True)

    def on_unmount(self) -> None:
        """Let go of the rendered lines of a message scrolled out of the window.

        Workaround checked on Textual 8.2.8: ``StylesCache.get_inner_outer`` is an
        ``lru_cache(1024)`` keyed on the widget's (private) ``_styles_cache``, so up to 1,024
        removed widgets keep their whole rendered ``Strip`` cache alive. Reading up a 500-message
        conversation with PageUp grew the heap by ~2,000 objects per press, and gen-2 garbage
        collections grew to block the event loop for 0.5 s. Emptying the cache here leaves
        only a small object behind (the heap stays flat).
        """
        self._styles_cache.clear()
        self.clear_render_cache()

    def clear_render_cache(self) -> None:
        """Forget the rendered header and body (the theme changed); the next layout renders."""
        self._body = None
        self._header = None

    # -- mouse ---------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """A click on ‹ or › asks the transcript to switch branch (like the [ and ] keys)."""
        offset = event.get_content_offset(self)
        columns = self._switcher_columns
        if offset is None or columns is None or offset.y != 0:
            return
        first, last = columns
        if first <= offset.x <= first + 1:
            self.post_message(self.BranchClicked(self, -1))
        elif last - 1 <= offset.x <= last:
            self.post_message(self.BranchClicked(self, 1))
