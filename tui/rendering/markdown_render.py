"""Markdown → Rich renderables for messages: one place, so a streamed reply ends up rendered
exactly like the same reply opened later.

Rich Markdown is used instead of Textual's ``Markdown`` widget because one Textual Markdown
widget per message costs 52 s and 983 MiB for 500 messages (docs/TEXTUAL-NOTES.md §2), while one
light widget per message with Rich-rendered Markdown costs 6.4 s / 85 MiB in total.

Besides the Markdown renderable this module holds the other pure pieces of message display:
one renderable per :class:`~tui.conversation.tree.Block`, pre-rendering a renderable to styled
``Text`` at a fixed width (what :class:`~tui.widgets.message_view.MessageView` caches), and
finding the code blocks that the copy-code key cycles through. Colours follow the app's theme:
Rich's Markdown styles and Pygments themes assume a dark terminal, so a light theme gets its own
(:func:`markdown_colours`).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.terminal_theme import TerminalTheme
from rich.text import Text
from rich.theme import Theme
from textual.content import Content, Span
from textual.style import Style

from tui.conversation.tree import Block, BlockKind
from tui.rendering.markdown_parser import markdown_parser
from tui.text.sanitize import clean_line, clean_text

if TYPE_CHECKING:
    from rich.markdown import Markdown as RichMarkdown
    from rich.markdown import MarkdownElement


@dataclass(frozen=True)
class MarkdownColours:
    """How messages are coloured on one kind of background, dark or light."""

    code_theme: str
    """Pygments style of code blocks (fenced, and the code of tool calls)."""
    styles: Theme | None
    """Rich's named Markdown styles to replace while rendering; None keeps Rich's own."""


DARK_COLOURS = MarkdownColours(code_theme="monokai", styles=None)
"""Rich's Markdown styles were made for dark terminals: only the code theme is ours."""

LIGHT_COLOURS = MarkdownColours(
    code_theme="xcode",
    styles=Theme(
        {
            # Rich's "bold cyan on black" is a black bar on a light background; this matches
            # the code blocks' white and xcode's keyword purple.
            "markdown.code": "bold #a90d91 on #ffffff",
            "markdown.code_block": "#000000 on #ffffff",
            # bright_yellow (a pale orange in Textual's light ANSI palette) cannot be read.
            "markdown.kbd": "bold #7a5200",
        },
        inherit=False,
    ),
)
"""A light Pygments style with the few Rich styles that do not read on a light background;
the rest (headings, quotes, links) are ANSI colours, which Textual's light palette darkens."""


def markdown_colours(ansi_theme: TerminalTheme | None) -> MarkdownColours:
    """The colours for messages shown with ``ansi_theme`` (the app's ``App.ansi_theme``).

    Textual's ``App.ansi_theme`` is ``ansi_theme_light`` exactly when ``current_theme.dark`` is
    false (checked on 8.2.8), so the palette the widgets already pass for mapping ANSI colours
    also tells a light theme from a dark one: a light background means a light theme. ``None``
    (no app: tests, benchmarks) is dark, like Rich's defaults.
    """
    if ansi_theme is None:
        return DARK_COLOURS
    red, green, blue = ansi_theme.background_color
    luma = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return LIGHT_COLOURS if luma > 127.5 else DARK_COLOURS


LABEL_STYLE = "dim"
"""Rich style of the small labels ("python", "output") and of the folded one-liners."""

THOUGHTS_STYLE = "dim italic"
"""Rich style of the folded reasoning line: present, but quieter than the answer."""

ERROR_STYLE = "bold red"
"""Rich style of an error block: red reads as an error on dark and light backgrounds alike."""

# Rich's Markdown and Syntax, markdown-it-py and Pygments are imported where they are first
# used, not with this module: together they cost ~70 ms, which the first frame and the list's
# first page do not need (bench/app_startup.py). :func:`warm_up` loads them in a thread once the
# list is on screen, before a conversation is opened.


def render_console() -> Console:
    """An off-screen console for pre-rendering; one per thread (a Console is not thread-safe).

    Truecolor so that the Pygments theme survives; the width is overridden per call. It never
    writes anywhere (the StringIO is never read).
    """
    return Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        width=80,
        legacy_windows=False,
        highlight=False,
        emoji=False,
    )


_RENDER_CONSOLE = render_console()
"""The event loop's console."""


class _WithStyles:
    """Renders a renderable with some of the console's named styles replaced.

    Rich Markdown looks its styles up by name on the console (``markdown.code``...) and has no
    per-instance setting for them (rich 15.0.0), so they are pushed onto the console's theme
    stack for this render only. The segments are collected before the styles are popped again:
    Rich resolves style names lazily, while the segments are iterated.
    """

    def __init__(self, renderable: RenderableType, styles: Theme) -> None:
        self.renderable = renderable
        """What to render."""
        self.styles = styles
        """The named styles in force while it renders."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        with console.use_theme(self.styles):
            segments = list(console.render(self.renderable, options))
        yield from segments


def markdown_renderable(text: str, ansi_theme: TerminalTheme | None = None) -> RenderableType:
    """A message's Markdown as a Rich renderable: sanitised, no OSC 8 hyperlinks, no text lost.

    Parsed by :func:`tui.rendering.markdown_parser.markdown_parser`: HTML shows as written and
    nesting too deep to draw is flattened, never dropped; a table cell too wide folds.

    Coloured for ``ansi_theme``'s background (:func:`markdown_colours`). ``hyperlinks=False``
    because Rich would emit OSC 8 links for any scheme (ssh:, file:...); the URL is shown as
    text instead.
    """
    colours = markdown_colours(ansi_theme)
    markdown = _markdown_class()(clean_text(text), code_theme=colours.code_theme, hyperlinks=False)
    return markdown if colours.styles is None else _WithStyles(markdown, colours.styles)


@cache
def _markdown_class() -> type[RichMarkdown]:
    """Rich's Markdown, parsed by our parser and with tables that fold rather than cut.

    Made on first use, like every import of rich.markdown here (see :func:`warm_up`).
    """
    from rich import box
    from rich.markdown import Markdown, TableElement
    from rich.table import Table

    class FoldingTable(TableElement):
        """A Markdown table whose long cells wrap, and fold a word too long for its column.

        Rich's own cuts a cell that does not fit with an ellipsis ("cell<one>" became "cell…"
        in a narrow pane). The same table as TableElement's (rich 15.0.0), with folding columns.
        """

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            table = Table(
                box=box.SIMPLE,
                pad_edge=False,
                style="markdown.table.border",
                show_edge=True,
                collapse_padding=True,
            )
            if self.header is not None and self.header.row is not None:
                for column in self.header.row.cells:
                    heading = column.content.copy()
                    heading.stylize("markdown.table.header")
                    table.add_column(heading, overflow="fold")
            if self.body is not None:
                for row in self.body.rows:
                    table.add_row(*(cell.content for cell in row.cells))
            yield table

    class SourceMarkdown(Markdown):
        """Markdown that keeps every word: HTML as text, deep nesting flattened, tables folded."""

        elements: ClassVar[dict[str, type[MarkdownElement]]] = {
            **Markdown.elements,
            "table_open": FoldingTable,
        }

        def __init__(self, markup: str, **options: Any) -> None:
            # Rich parses with its own markdown-it, which drops HTML and everything past 20
            # levels of nesting; ``parsed`` is what it renders from (rich 15.0.0): ours replaces
            # it, and Rich is given nothing to parse.
            super().__init__("", **options)
            self.markup = markup
            self.parsed = markdown_parser().parse(markup)

    return SourceMarkdown


def code_renderable(
    code: str, language: str | None, ansi_theme: TerminalTheme | None = None
) -> RenderableType:
    """A tool call's code: a dim language label over code highlighted for ``ansi_theme``."""
    from rich.syntax import Syntax

    lexer = clean_line(language or "", limit=40) or "text"
    # An unknown lexer name makes Rich fall back to plain text, so a strange language from the
    # server cannot fail here.
    syntax = Syntax(
        clean_text(code),
        lexer,
        theme=markdown_colours(ansi_theme).code_theme,
        word_wrap=True,
        padding=(0, 1),
    )
    return Group(Text(lexer, style=LABEL_STYLE), syntax)


def prompt_renderable(text: str) -> RenderableType:
    """A user's prompt exactly as typed: line breaks, leading spaces, ``<b>``, ``#``, ``*``.

    The web app shows prompts as plain text, wrapped to the pane, never as Markdown; a word too
    long for a line is folded onto the next rather than cut.
    """
    return Text(clean_text(text), overflow="fold")


def block_renderable(
    block: Block, ansi_theme: TerminalTheme | None = None, *, verbatim: bool = False
) -> RenderableType:
    """One block of a message as a Rich renderable; every string is sanitised first.

    ``ansi_theme`` is the one the block will be rendered with (:func:`render_to_content`): it
    picks dark or light colours for Markdown and code. ``verbatim``: the text is a user's
    prompt, shown as typed (:func:`prompt_renderable`) rather than as Markdown.
    """
    kind = block.kind
    if kind is BlockKind.MARKDOWN:
        if verbatim:
            return prompt_renderable(block.text)
        return markdown_renderable(block.text, ansi_theme)
    if kind is BlockKind.CODE:
        return code_renderable(block.text, block.language or block.label, ansi_theme)
    if kind is BlockKind.OUTPUT:
        # Labelled as output, not by the tool's name alone: "python" over it read as code.
        tool = clean_line(block.label or "", limit=40)
        return Group(
            Text(f"{tool} output" if tool and tool != "output" else "output", style=LABEL_STYLE),
            Padding(Text(clean_text(block.text).rstrip("\n")), (0, 0, 0, 2)),
        )
    style = {BlockKind.ERROR: ERROR_STYLE, BlockKind.THOUGHTS: THOUGHTS_STYLE}.get(kind, "")
    return Text(one_line_summary(block), style=style)


def one_line_summary(block: Block) -> str:
    """The compact one-liner for blocks that are described rather than shown.

    IMAGE → "▣ image 1024×1024", BROWSE → "⌕ browsed: ...", THOUGHTS → "Thought for 29s · first
    summary line", ERROR → "⚠ error: ...", anything else → "• label: text".
    """
    text = clean_line(block.text, limit=200)
    label = clean_line(block.label or "", limit=40)
    kind = block.kind
    if kind is BlockKind.IMAGE:
        return _join("▣", label or "image", text)
    if kind is BlockKind.BROWSE:
        return _join("⌕", f"{label or 'browsed'}:", text)
    if kind is BlockKind.THOUGHTS:
        first = next((line for line in clean_text(block.text).splitlines() if line.strip()), "")
        summary = clean_line(first, limit=120)
        head = label if label and label.lower() != "thoughts" else "Thoughts"
        return f"✱ {head} · {summary}" if summary else f"✱ {head}"
    if kind is BlockKind.ERROR:
        return _join("⚠", f"{label or 'error'}:", text)
    return _join("•", f"{label or kind.value}:", text)


def _join(icon: str, head: str, text: str) -> str:
    return f"{icon} {head} {text}" if text else f"{icon} {head}"


def render_to_content(
    renderable: RenderableType,
    width: int,
    ansi_theme: TerminalTheme | None = None,
    console: Console | None = None,
) -> tuple[Content, int]:
    """Render ``renderable`` once at ``width`` cells; return it as ``Content`` and its lines.

    A widget that shows this ``Content`` lays out and repaints without running Rich's Markdown
    renderer again, and Textual can select text in it with the mouse (it cannot in a live Rich
    renderable: docs/TEXTUAL-NOTES.md §2). The price is a re-render when the width changes.

    ``ansi_theme`` is the app's, so that ANSI colours (Rich Markdown's inline code, quotes) map
    like the rest of the app. Off the event loop, pass a ``console`` of that thread's own
    (:func:`render_console`).
    """
    console = console or _RENDER_CONSOLE
    options = console.options.update_width(max(1, width))
    lines = console.render_lines(renderable, options, pad=False)
    return lines_to_content(lines, ansi_theme), max(1, len(lines))


def lines_to_content(
    lines: Iterable[Iterable[Segment]], ansi_theme: TerminalTheme | None = None
) -> Content:
    """Lines already rendered by Rich, as one ``Content`` (what :func:`render_to_content` shows).

    Segments go straight into ``Content`` spans, with each distinct Rich style converted once:
    building a Rich ``Text`` first and converting it with ``Content.from_rich_text`` cost 60 %
    more per message (measured on Textual 8.2.8). Also takes a live reply's rendered strips, so
    the message replacing it needs no second Markdown render.
    """
    convert = _style_converter(ansi_theme)
    parts: list[str] = []
    spans: list[Span] = []
    position = 0
    for index, line in enumerate(lines):
        if index:
            parts.append("\n")
            position += 1
        for text, style, control in line:
            if control or not text:
                continue
            end = position + len(text)
            if style:
                spans.append(Span(position, end, convert(style)))
            parts.append(text)
            position = end
    return Content("".join(parts), spans)


def render_to_text(renderable: RenderableType, width: int) -> Text:
    """Like :func:`render_to_content`, as a Rich ``Text`` (for tests and non-Textual output)."""
    options = _RENDER_CONSOLE.options.update_width(max(1, width))
    lines = _RENDER_CONSOLE.render_lines(renderable, options, pad=False)
    out = Text(no_wrap=True, overflow="crop", end="")
    last = len(lines) - 1
    for index, line in enumerate(lines):
        for segment in line:
            if not segment.control:
                out.append(segment.text, segment.style)
        if index < last:
            out.append("\n")
    return out


_STYLE_CACHE: dict[tuple[int, RichStyle], Style] = {}


def _style_converter(theme: TerminalTheme | None) -> Callable[[RichStyle], Style]:
    """Rich style → Textual style, cached: a message uses a few dozen distinct styles."""
    theme_key = id(theme)
    if len(_STYLE_CACHE) > 4096:
        _STYLE_CACHE.clear()

    def convert(style: RichStyle) -> Style:
        key = (theme_key, style)
        converted = _STYLE_CACHE.get(key)
        if converted is None:
            converted = _STYLE_CACHE[key] = Style.from_rich_style(style, theme)
        return converted

    return convert


WARM_LANGUAGES = (
    "python", "bash", "javascript", "typescript", "json", "rust", "go", "sql", "yaml", "html",
)  # fmt: skip
"""Lexers loaded ahead of time by :func:`warm_up` (the languages replies use most)."""


def warm_up(languages: Iterable[str] = WARM_LANGUAGES) -> None:
    """Load Pygments lexers and Rich's Markdown machinery before the first message is shown.

    The first code block in a language costs ~20-30 ms (Pygments imports and compiles the
    lexer), which would land on the frame that opens a conversation. Safe to run in a thread:
    it uses its own console, not the one the widgets render with.
    """
    from rich.syntax import Syntax

    console = render_console()
    fences = "\n\n".join(f"```{language}\nx\n```" for language in languages)
    console.render_lines(markdown_renderable(f"# t\n\n- *a* `b`\n\n{fences}"), pad=False)
    # The light code theme's Pygments module too, so that switching theme does not import it.
    Syntax.get_theme(LIGHT_COLOURS.code_theme)


def fenced_code(markdown: str) -> list[str]:
    """The contents of the fenced code blocks in ``markdown``, in reading order."""
    try:
        tokens = markdown_parser().parse(clean_text(markdown))
    except Exception:
        # markdown-it is robust, but a copy key must never take the app down over odd input.
        return []
    return [_strip_final_newline(token.content) for token in tokens if token.type == "fence"]


def code_blocks(blocks: Iterable[Block]) -> list[str]:
    """Every code block of a message: CODE blocks and the fences inside MARKDOWN blocks."""
    found: list[str] = []
    for block in blocks:
        if block.kind is BlockKind.CODE:
            found.append(clean_text(block.text))
        elif block.kind is BlockKind.MARKDOWN:
            found.extend(fenced_code(block.text))
    return found


def _strip_final_newline(text: str) -> str:
    return text[:-1] if text.endswith("\n") else text


def estimate_lines(blocks: Iterable[Block], width: int) -> int:
    """A cheap guess of how many lines ``blocks`` take at ``width`` cells, without rendering.

    Used to decide how many messages fill a screen before any of them is rendered; being off by
    a few lines only changes how early the next batch loads.
    """
    width = max(20, width)
    total = 0
    for block in blocks:
        text = block.text if isinstance(block.text, str) else ""
        if block.kind in (BlockKind.MARKDOWN, BlockKind.CODE, BlockKind.OUTPUT):
            lines = text.split("\n")
            total += sum(1 + len(line) // width for line in lines) + 1
            if block.kind is not BlockKind.MARKDOWN:
                total += 1  # the label line
        else:
            total += 1
    return max(1, total)
