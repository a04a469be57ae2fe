"""One message of the transcript: a single focusable widget with a header line and a body.

Why one plain ``Widget`` and not a container of Static widgets: widget count is what makes a
long Textual transcript slow (docs/TEXTUAL-NOTES.md §2: every focus change restyles the DOM and
every frame arranges every widget), so a message is exactly one widget.

Why pre-rendered ``Text`` and not a live Rich renderable: the body is rendered by Rich once per
width into styled ``Text`` (:func:`tui.rendering.markdown_render.render_to_text`) and cached.
Layout then only counts
lines, a focus change repaints without re-running the Markdown renderer, a resize re-renders once
(0.65 s for 500 messages against 3.2 s for live Rich renderables, same section), and Textual's mouse
selection keeps working because the visual is ``Content`` (it returns nothing over a Rich
renderable). Copying is also available from the keyboard (``y`` / ``c`` in the transcript).

Why it paints line by line (:meth:`MessageView.render_line`): Textual renders every line of a
widget whenever one is needed, so a 1,400-line reply cost 150 ms on the frame it appeared and
again on each hover or focus change; only the lines on screen are rendered here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from rich.console import Console as RichConsole
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from rich.text import Text
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from tui.conversation.tree import BlockKind, VisibleMessage
from tui.rendering.markdown_render import block_renderable, lines_to_content, render_to_content
from tui.text.sanitize import clean_line, clean_text
from tui.text.times import Clock, local_now, message_time

ROLE_NAMES: dict[str, str] = {
    "user": "You",
    "assistant": "Assistant",
    "system": "System",
    "missing": "Missing messages",
}
"""Header names of the roles; an unknown role is shown by its own (cleaned) name."""

_ONE_LINERS = frozenset(
    {BlockKind.IMAGE, BlockKind.BROWSE, BlockKind.THOUGHTS, BlockKind.NOTE, BlockKind.ERROR}
)
FIND_STYLE = "reverse $text-accent"
"""Text that the find bar's words matched, in a message's body."""
_PREVIOUS = "‹"
_NEXT = "›"

FINISH_NOTES: dict[str, tuple[str, str]] = {
    "max_tokens": ("✂ cut off", "ctrl+t continues"),
    "interrupted": ("⚠ interrupted", "ctrl+t continues · g retries"),
    "stopped": ("⏹ stopped", "ctrl+t continues · g regenerates"),
}
"""(label, what to do) under a reply that did not finish; the live reply's status line says
the same (``tui.controllers.chat``), so a reply looks the same once the conversation is reloaded."""


def finish_note(finish_type: str | None) -> str:
    """The line under a reply that ended with ``finish_type``, or "" when it finished."""
    label, keys = FINISH_NOTES.get(finish_type or "", ("", ""))
    return f"{label} — {keys}" if label else ""


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """Markdown already rendered whole at ``width``: the live reply's lines, kept for reuse."""

    text: str
    """The Markdown source."""
    width: int
    """The width in cells it was rendered at."""
    theme: TerminalTheme | None
    """The ANSI palette it was rendered for (it picks dark or light Markdown colours)."""
    lines: tuple[Strip, ...]
    """Its lines, as :func:`tui.rendering.markdown_render.render_to_content` would render them
    (Rich styles)."""


@dataclass(slots=True)
class _Body:
    """A message's blocks rendered at one width."""

    width: int
    theme: TerminalTheme | None
    """The ANSI palette it was rendered for: a theme switch renders again when painted."""
    content: Content
    lines: int
    rows: list[Content] | None = None
    """``content`` split into lines, made when first painted (or while prerendering)."""

    def split(self) -> list[Content]:
        if self.rows is None:
            self.rows = self.content.split("\n", allow_blank=True)
        return self.rows


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
        known = ("user", "assistant", "system", "tool", "missing")
        role = message.role if message.role in known else "other"
        hidden = " -hidden" if message.hidden else ""
        super().__init__(id=id, classes=f"-{role}{hidden}")
        self.role_class = f"-{role}"
        """The CSS class naming the role; views of one role share a width."""
        self._message = message
        self.position = position
        """Index of this message in the transcript's whole list of visible messages."""
        self.code_cursor = 0
        """Which code block the copy-code key copies next (it cycles)."""
        self._now = now
        self._body: _Body | None = None
        self._header: tuple[int, Content] | None = None
        self._note: tuple[Content | None] | None = None
        """The finish note as shown (None inside when the reply has none); None: not built."""
        self._switcher_columns: tuple[int, int] | None = None
        self._layout_width = 0
        self._find: re.Pattern[str] | None = None
        """What the find bar looks for: marked wherever it occurs in the body."""

    def set_find(self, pattern: re.Pattern[str] | None) -> None:
        """Mark ``pattern``'s matches in the body (None: mark nothing)."""
        if pattern != self._find:
            self._find = pattern
            self.refresh()

    def match_line(self, ordinal: int) -> int | None:
        """The line (0 = the header) of the ``ordinal``-th match in the body as rendered; the
        last match's line when there are fewer; None when nothing matches."""
        pattern = self._find
        width = self.content_size.width or self._layout_width
        if pattern is None or width <= 0:
            return None
        rows = self._body_at(width).split()
        lines = [y for y, row in enumerate(rows, start=1) for _ in pattern.finditer(row.plain)]
        return lines[min(ordinal, len(lines) - 1)] if lines else None

    def _marked(self, content: Content) -> Content:
        pattern = self._find
        if pattern is None:
            return content
        for match in pattern.finditer(content.plain):
            content = content.stylize(FIND_STYLE, match.start(), match.end())
        return content

    @property
    def message(self) -> VisibleMessage:
        """The message shown."""
        return self._message

    # -- layout and rendering -------------------------------------------------------------

    @property
    def size(self) -> Size:
        """The content area's size, from the last layout (what ``Widget.size`` gives once laid
        out), worked out without asking the screen where the widget is.

        Workaround checked on Textual 8.2.8: ``Widget.size`` looks the widget up in the
        compositor's map; for a message scrolled off screen that rebuilds the whole map, and
        the next scroll then repaints the whole screen. A refresh asks for the size (to mark
        the widget dirty), so ``j`` (whose blur restyles the message left behind, often off
        screen by then) repainted the sidebar and the footer on every press.
        """
        return self.outer_size - self.styles.gutter.totals

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """Lines of the header plus the body rendered at ``width`` (rendered once, cached)."""
        if width <= 0:
            return 0
        self._layout_width = width
        return 1 + self._body_lines(width) + (1 if finish_note(self._message.finish_type) else 0)

    def render(self) -> Content:
        """The header and the cached body as one ``Content`` (selectable with the mouse)."""
        width = self.content_size.width or self._layout_width
        if width <= 0:
            return Content("")
        body = self._marked(self._body_at(width).content)
        content = self._header_at(width) + Content("\n") + body
        note = self._note_content()
        if note is not None:
            content += Content("\n") + note
        return content

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of :meth:`render`'s content, rendered alone: only lines on screen are.

        Workaround checked on Textual 8.2.8: ``Widget.render_line`` renders *every* line of the
        visual whenever one is needed (``_render_content``), ~0.1 ms a line. Each line goes
        through the same ``Visual.to_strips`` on its own, so it is drawn exactly as there, and
        ``Strip.apply_offsets`` gives it the row its mouse-selection offsets have in the whole.
        While text is selected here, the whole render draws the highlight; so it does in the
        rare layouts where a line would not fit on one row.
        """
        width = self.size.width
        if self.text_selection is not None or not self._paints_by_line(width):
            return super().render_line(y)
        style = self.visual_style
        row = self._row(width, y)
        if row is None:
            return Strip.blank(width, style.rich_style)
        strips = Visual.to_strips(self, row, width, None, style)
        if len(strips) != 1:
            return super().render_line(y)
        return strips[0].apply_offsets(0, y)

    def _paints_by_line(self, width: int) -> bool:
        """Whether each line of :meth:`render` is one row at ``width`` (not in a tiny pane)."""
        styles = self.styles
        if width <= 0 or styles.line_pad or styles.content_align != ("left", "top"):
            return False
        note = self._note_content()
        return self._header_at(width).cell_length <= width and (
            note is None or note.cell_length <= width
        )

    def _row(self, width: int, y: int) -> Content | None:
        """Line ``y`` of :meth:`render`'s content; None past its end."""
        if y == 0:
            return self._header_at(width)
        rows = self._body_at(width).split()
        if 0 < y <= len(rows):
            return self._marked(rows[y - 1])
        return self._note_content() if y == len(rows) + 1 else None

    def _note_content(self) -> Content | None:
        """The finish note under the body; built once per style, since painting asks per line."""
        if self._note is None:
            note = finish_note(self._message.finish_type)
            style = self._component_style("message-view--meta")
            text = Text(note, style, no_wrap=True)
            self._note = (Content.from_rich_text(text) if note else None,)
        return self._note[0]

    def notify_style_update(self) -> None:
        """Rebuild the header when TCSS changes (e.g. the theme): its colours come from TCSS."""
        super().notify_style_update()
        self._header = None
        self._note = None

    def _body_at(self, width: int) -> _Body:
        body = self._body
        theme = self.app.ansi_theme
        if body is None or body.width != width or body.theme is not theme:
            body = self._body = _Body(width, theme, *self._render_body(width, theme))
        return body

    def _body_lines(self, width: int) -> int:
        """The body's height at ``width``; a body rendered for another palette still tells it.

        Dark and light colours break lines alike, so after a theme switch only the messages
        that are painted render again (in :meth:`_body_at`), not every mounted one.
        """
        body = self._body
        if body is not None and body.width == width:
            return body.lines
        return self._body_at(width).lines

    def prerender(
        self,
        width: int,
        ansi_theme: TerminalTheme | None,
        console: RichConsole,
        known: RenderedMarkdown | None = None,
    ) -> None:
        """Render the body at ``width`` ahead of layout; safe in a thread before mounting.

        Touches only this widget's own cache, and renders with the caller's ``console``.
        ``known``: when the message is exactly that Markdown at that width, its lines are taken
        instead of rendering it again (the server's copy of a reply that was just streamed).
        """
        body = _Body(width, ansi_theme, *self._render_body(width, ansi_theme, console, known))
        body.split()
        self._body = body

    def _render_body(
        self,
        width: int,
        theme: TerminalTheme | None,
        console: RichConsole | None = None,
        known: RenderedMarkdown | None = None,
    ) -> tuple[Content, int]:
        """Every block rendered at ``width``; malformed data degrades, it never raises."""
        blocks = self._message.blocks
        if not blocks:
            return Content.styled("(empty message)", "dim italic"), 1
        verbatim = self._message.role == "user"
        if (
            known is not None
            and not verbatim
            and known.lines
            and known.width == width
            and known.theme is theme
            and len(blocks) == 1
            and getattr(blocks[0], "kind", None) is BlockKind.MARKDOWN
            and getattr(blocks[0], "text", None) == known.text
        ):
            return lines_to_content(known.lines, theme), len(known.lines)
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
                renderable = block_renderable(block, theme, verbatim=verbatim)
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
        meta: list[str] = ["hidden on the web"] if message.hidden else []
        when = message_time(message.create_time, self._now())
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
        self._note = None

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
