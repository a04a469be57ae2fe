"""Messages are coloured for the app's theme: light Markdown and code colours on a light theme."""

from __future__ import annotations

import pytest
from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.content import Content
from textual.style import Style
from textual.theme import BUILTIN_THEMES

from tui.conversation.tree import Block, BlockKind
from tui.rendering.markdown_render import (
    DARK_COLOURS,
    LIGHT_COLOURS,
    block_renderable,
    markdown_colours,
    markdown_renderable,
    render_console,
    render_to_content,
)

SOURCE = "Call `parse_amount` first.\n\n```python\nimport json\nprint(json.dumps(1))\n```\n"
"""Inline code and a fenced block: the two things Rich colours for a dark terminal."""

WIDTH = 60


async def ansi_themes() -> dict[str, tuple[bool, TerminalTheme]]:
    """Each built-in theme's name → (is it dark, the ANSI palette the app renders with)."""
    app: App[None] = App()
    themes: dict[str, tuple[bool, TerminalTheme]] = {}
    async with app.run_test():
        for name in BUILTIN_THEMES:
            app.theme = name
            themes[name] = (app.current_theme.dark, app.ansi_theme)
    return themes


@pytest.fixture
def palettes() -> tuple[TerminalTheme, TerminalTheme]:
    """The ANSI palettes an app renders with on a dark and on a light theme (Textual's)."""
    app: App[None] = App()
    return app.ansi_theme_dark, app.ansi_theme_light


def styles_at(content: Content, text: str) -> Style:
    """The combined style of the first character of ``text`` in ``content``."""
    index = content.plain.index(text)
    style = Style()
    for span in content.spans:
        if span.start <= index < span.end and isinstance(span.style, Style):
            style += span.style
    return style


def luminance(style: Style, *, background: bool) -> float:
    colour = style.background if background else style.foreground
    assert colour is not None
    return (0.2126 * colour.r + 0.7152 * colour.g + 0.0722 * colour.b) / 255


def rendered(theme: TerminalTheme | None) -> Content:
    content, _ = render_to_content(markdown_renderable(SOURCE, theme), WIDTH, theme)
    return content


@pytest.mark.anyio
async def test_light_themes_get_light_colours_and_dark_themes_dark_ones() -> None:
    themes = await ansi_themes()
    assert {"textual-dark", "textual-light", "nord", "solarized-light"} <= set(themes)
    for name, (dark, ansi_theme) in themes.items():
        expected = DARK_COLOURS if dark else LIGHT_COLOURS
        assert markdown_colours(ansi_theme) is expected, name
    assert markdown_colours(None) is DARK_COLOURS  # no app: Rich's own (dark) defaults


def test_inline_code_and_code_blocks_change_colour_with_the_theme(
    palettes: tuple[TerminalTheme, TerminalTheme],
) -> None:
    dark_theme, light_theme = palettes
    dark, light = rendered(dark_theme), rendered(light_theme)
    # Only colours change: the same text, broken into the same lines.
    assert dark.plain == light.plain

    dark_inline, light_inline = styles_at(dark, "parse_amount"), styles_at(light, "parse_amount")
    assert dark_inline != light_inline
    assert luminance(dark_inline, background=True) < 0.3
    assert luminance(light_inline, background=True) > 0.7
    assert luminance(light_inline, background=False) < 0.5  # dark text on the light box

    dark_code, light_code = styles_at(dark, "import"), styles_at(light, "import")
    assert dark_code.background != light_code.background
    assert luminance(dark_code, background=True) < 0.3  # monokai
    assert luminance(light_code, background=True) > 0.7
    assert styles_at(light, "json.dumps").foreground != styles_at(dark, "json.dumps").foreground


def test_code_blocks_of_tool_calls_follow_the_theme_too(
    palettes: tuple[TerminalTheme, TerminalTheme],
) -> None:
    dark_theme, light_theme = palettes
    block = Block(BlockKind.CODE, "print(1)", language="python")
    dark, _ = render_to_content(block_renderable(block, dark_theme), WIDTH, dark_theme)
    light, _ = render_to_content(block_renderable(block, light_theme), WIDTH, light_theme)
    assert dark.plain == light.plain
    assert luminance(styles_at(dark, "print"), background=True) < 0.3
    assert luminance(styles_at(light, "print"), background=True) > 0.7


def test_light_styles_do_not_outlive_their_render(
    palettes: tuple[TerminalTheme, TerminalTheme],
) -> None:
    """The light styles are pushed on the (shared) console for one render only."""
    dark_theme, light_theme = palettes
    console = render_console()
    before = console.get_style("markdown.code")
    render_to_content(markdown_renderable(SOURCE, light_theme), WIDTH, light_theme, console)
    assert console.get_style("markdown.code") == before
    assert rendered(dark_theme).plain == rendered(None).plain
    assert styles_at(rendered(dark_theme), "parse_amount") == styles_at(
        render_to_content(markdown_renderable(SOURCE, dark_theme), WIDTH, dark_theme, console)[0],
        "parse_amount",
    )
