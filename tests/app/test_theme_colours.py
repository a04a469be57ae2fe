"""Messages on screen take the colours of a theme the user switches to, without reopening."""

from __future__ import annotations

import pytest
from pygments.styles import get_style_by_name
from rich.color import Color
from textual.strip import Strip

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    drawn,
    hold_reply,
    running,
    settled,
    streaming,
    type_text,
    views,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.rendering.markdown_render import DARK_COLOURS, LIGHT_COLOURS
from tui.widgets.markdown_strips import MarkdownStrips
from tui.widgets.message_view import MessageView

pytestmark = pytest.mark.anyio


def code_background(name: str) -> str:
    """The background of a Pygments style, as Rich and Textual spell it (#rrggbb)."""
    return str(get_style_by_name(name).background_color).lower()


DARK_CODE = code_background(DARK_COLOURS.code_theme)
LIGHT_CODE = code_background(LIGHT_COLOURS.code_theme)


def body_backgrounds(view: MessageView) -> set[str]:
    """Every background colour in a message as it would be drawn now."""
    return {
        span.style.background.hex.lower()
        for span in view.render().spans
        if getattr(span.style, "background", None) is not None
    }


def backgrounds_of(strips: list[Strip], text: str) -> set[Color | None]:
    """The backgrounds of the segments that show ``text``."""
    return {
        segment.style.bgcolor if segment.style else None
        for strip in strips
        for segment in strip
        if text in segment.text
    }


async def test_a_theme_switch_recolours_the_open_conversation(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app) as pilot:
        await pilot.press("enter")  # the showcase (code, inline code) is the first row
        await wait_for(pilot, lambda: len(views(app)) > 1, "the conversation")
        await pilot.pause()
        coded = [view for view in views(app) if DARK_CODE in body_backgrounds(view)]
        assert coded, "a message with a code block, in monokai"
        app.theme = "textual-light"
        await pilot.pause()
        for view in coded:
            backgrounds = body_backgrounds(view)
            assert LIGHT_CODE in backgrounds
            assert DARK_CODE not in backgrounds
        app.theme = "nord"
        await pilot.pause()
        assert DARK_CODE in body_backgrounds(coded[0])


async def test_a_reply_streams_in_the_themes_colours(
    demo: DemoServer, app_factory: AppFactory
) -> None:
    hold_reply(demo, "Show me some code #long", 600)
    app = app_factory(theme="textual-light")
    async with running(app, chat=True) as pilot:
        await type_text(pilot, "Show me some code #long")
        await pilot.press("enter")
        await streaming(pilot, 600)  # a #long reply has inline code in its first paragraph
        await drawn(pilot)
        strips = [
            widget.render_line(y)
            for widget in app.main.transcript.query(MarkdownStrips)
            for y in range(widget.size.height)
        ]
        # Light inline code is dark text in a white box; dark is cyan on (ANSI) black.
        assert backgrounds_of(strips, "max_retries") == {Color.parse("#ffffff")}
        await pilot.press("escape")
        await settled(pilot)
