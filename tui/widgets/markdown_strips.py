"""A reply's Markdown as pieces, each rendered once (per width) into strips.

The live reply (:mod:`tui.widgets.streaming`) cuts its text at safe points
(:mod:`tui.rendering.stream_split`) and keeps the finished pieces here: rendered by Rich once,
painted
from the kept strips on every frame after that. Only the growing tail renders again.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.terminal_theme import TerminalTheme
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from tui.conversation.citations import Citations
from tui.rendering.markdown_render import markdown_renderable, render_to_text
from tui.text.sanitize import clean_text

STAND_IN = "x\n\n"
"""A one-line paragraph rendered in front of every piece but the first, then dropped.

Rich puts the blank line between two top-level blocks *before* the second one, and only when
the element closed last asks for it (rich.markdown 15.0.0). Rendered behind a stand-in, a piece
gets exactly the leading blank line (or none: a quote or a list brings its own) that it has in
the whole reply.
"""

# Text.render needs a console only to look up named styles; rendered Text holds Style objects.
_SEGMENT_CONSOLE = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")


def render_piece(
    source: str,
    width: int,
    *,
    follows: bool,
    ansi_theme: TerminalTheme | None = None,
    citations: Citations | None = None,
) -> list[Strip]:
    """Render one piece of a reply's Markdown at ``width`` into unstyled strips.

    ``follows``: the piece comes after an earlier one, so it is rendered behind
    :data:`STAND_IN` (dropped again) to get the spacing it has in the whole reply. Strips carry
    only the Markdown's own styles; the widget's colours are applied when painting, so hovering
    never re-renders the Markdown. ``ansi_theme`` picks dark or light Markdown colours
    (:func:`tui.rendering.markdown_render.markdown_colours`), as for the message that replaces the
    reply. ``citations``: the reply's own, so that its markers (``【0†source】``) show as the
    same numbers in every piece, as they will once the reply is opened from the server.
    """
    if not source.strip():
        return []
    if citations is not None:
        source = citations.apply(source, {})
    markdown = STAND_IN + source if follows else source
    try:
        text = render_to_text(markdown_renderable(markdown, ansi_theme), width)
    except Exception:
        # A renderer failure (a Pygments lexer, odd Markdown) must not take the app down
        # mid-stream: show the piece as plain text, as the transcript does.
        text = Text(clean_text(markdown), no_wrap=True, overflow="fold")
    if not text.plain:
        return []  # nothing to show (an HTML comment): not one empty line
    lines = text.split("\n", allow_blank=True)
    return [
        Strip(line.render(_SEGMENT_CONSOLE), line.cell_len) for line in lines[1 if follows else 0 :]
    ]


class MarkdownStrips(Widget):
    """Pieces of a reply's Markdown, each rendered once per width and kept as strips.

    One plain widget for many pieces: Textual lays out every widget on every frame, so fewer
    widgets keep each frame cheap (docs/TEXTUAL-NOTES.md §2).
    """

    DEFAULT_CSS = """
    MarkdownStrips {
        height: auto;
    }
    """
    """Only what the widget needs: its height is its rendered lines."""

    def __init__(
        self,
        *,
        citations: Citations | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._citations = citations
        """The reply's citation numbers, shared by all its pieces (None: markers as sent)."""
        self._pieces: list[tuple[str, bool]] = []
        self._lines: list[Strip] = []
        self._counts: list[int] = []
        self._width = 0
        self._theme: TerminalTheme | None = None
        """The ANSI palette the lines were rendered for (dark or light Markdown colours)."""

    @property
    def sources(self) -> list[str]:
        """The Markdown of each piece, in order."""
        return [source for source, _ in self._pieces]

    @property
    def chars(self) -> int:
        """Characters of Markdown held."""
        return sum(len(source) for source, _ in self._pieces)

    def add(self, source: str, *, follows: bool) -> None:
        """Append a piece (rendered now if the width is known) and grow to fit it."""
        self._pieces.append((source, follows))
        if self._width:
            strips = self._render_piece(source, self._width, follows)
            self._lines.extend(strips)
            self._counts.append(len(strips))
        self.refresh(layout=True)

    def replace(self, source: str, *, follows: bool) -> None:
        """Show ``source`` as the only piece; lay out again only if the height changed."""
        if self._pieces == [(source, follows)]:
            return
        self._pieces = [(source, follows)]
        if not self._width:
            self.refresh(layout=True)
            return
        height = len(self._lines)
        strips = self._render_piece(source, self._width, follows)
        self._lines = strips
        self._counts = [len(strips)]
        self.refresh(layout=len(strips) != height)

    def rendered(self) -> tuple[int, TerminalTheme | None, list[Strip]] | None:
        """The width and palette the pieces are rendered with, and their lines; None before the
        first layout."""
        return (self._width, self._theme, list(self._lines)) if self._width else None

    def pop(self) -> str:
        """Remove the last piece and return its Markdown."""
        source, _ = self._pieces.pop()
        if self._width and self._counts:
            count = self._counts.pop()
            del self._lines[len(self._lines) - count :]
        self.refresh(layout=True)
        return source

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The rendered lines at ``width`` (rendering now if the width changed)."""
        self._render_at(width)
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        """One rendered line, in the widget's current colours."""
        width = self.size.width
        self._render_at(width)
        style = self.rich_style
        if 0 <= y < len(self._lines):
            return self._lines[y].apply_style(style)
        return Strip.blank(width, style)

    def _render_at(self, width: int) -> None:
        # A theme switch changes the ANSI palette, and with it the Markdown colours.
        theme = self.app.ansi_theme
        if width <= 0 or (width == self._width and theme is self._theme):
            return
        self._width = width
        self._theme = theme
        self._lines = []
        self._counts = []
        for source, follows in self._pieces:
            strips = self._render_piece(source, width, follows)
            self._lines.extend(strips)
            self._counts.append(len(strips))

    def _render_piece(self, source: str, width: int, follows: bool) -> list[Strip]:
        return render_piece(
            source, width, follows=follows, ansi_theme=self._theme, citations=self._citations
        )


class FrozenMarkdown(MarkdownStrips):
    """Finished pieces of the reply: rendered once, never again unless the width changes."""


class LiveMarkdown(MarkdownStrips):
    """The unfinished tail of the reply, rendered again on each frame while it grows."""
