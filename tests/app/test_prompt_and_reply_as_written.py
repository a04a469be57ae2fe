"""Text as written, end to end on the demo backend: a prompt shows as typed, and every word of
a hostile Markdown reply is on screen while it streams and when the conversation is opened."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tests.app.pilot_helpers import (
    open_conversation,
    running,
    send,
    settled,
    views,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.markup import MARKUP_REPLY, MARKUP_TRIGGER
from tui.demo.server import DemoServer
from tui.widgets.markdown_strips import MarkdownStrips, render_piece
from tui.widgets.streaming import StreamingReply

pytestmark = pytest.mark.anyio

PROMPT = (
    f"Why does List<String> break my <b>template</b>? {MARKUP_TRIGGER}\n"
    "second line stays apart\n"
    "- a dash, not a bullet\n"
    "  two leading spaces kept"
)


def missing_words(source: str, shown: str) -> Counter[str]:
    """Words (letters and digits) of ``source`` that ``shown`` has fewer of."""
    return Counter(re.findall(r"[A-Za-z0-9]+", source)) - Counter(
        re.findall(r"[A-Za-z0-9]+", shown)
    )


def live_lines(reply: StreamingReply) -> list[str]:
    """The live reply's rendered lines, frozen pieces then the tail, as they will be painted."""
    lines: list[str] = []
    for widget in reply.query(MarkdownStrips):
        rendered = widget.rendered()
        lines.extend(strip.text.rstrip() for strip in (rendered[2] if rendered else []))
    return lines


async def test_prompt_verbatim_and_every_word_of_the_reply_streamed_and_opened(
    demo: DemoServer, app: BackchatApp, wire: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, list[str], list[str]]] = []
    """(text, live lines, the text rendered whole) of the live reply as it was asked to finish."""
    finish = StreamingReply.finish

    def watched_finish(reply: StreamingReply, **options: Any) -> None:
        if reply.text:
            reply.flush()  # what the frame timer does: render all that has arrived
            width = reply.query_one(MarkdownStrips).size.width
            whole = [
                strip.text.rstrip() for strip in render_piece(reply.text, width, follows=False)
            ]
            seen.append((reply.text, live_lines(reply), whole))
        finish(reply, **options)

    monkeypatch.setattr(StreamingReply, "finish", watched_finish)
    async with running(app, chat=True) as pilot:
        conversation_id = app.main.sidebar.visible_ids[0]
        await open_conversation(pilot, conversation_id)
        demo.config.pace = 0.02  # the reply is laid out and painted while it streams
        await send(pilot, PROMPT)
        prompt_view = [view for view in views(app) if view.message.role == "user"][-1]
        # Read once laid out: on a loaded machine the key can be handled before the layout.
        await wait_for(pilot, lambda: prompt_view.content_size.width > 0, "the prompt's layout")
        body = prompt_view.render().plain.split("\n")[1:]
        assert [line.rstrip() for line in body] == PROMPT.split("\n")

        # The live reply just before it ends: all of it arrived, rendered piece by piece.
        await settled(pilot)
        assert seen, "the reply never streamed"
        text, lines, whole = seen[-1]
        assert text == MARKUP_REPLY
        assert lines == whole
        assert not missing_words(MARKUP_REPLY, "\n".join(lines))
        demo.config.pace = 0.0

        shown = views(app)[-1]
        assert shown.message.role == "assistant"
        assert shown.message.text == MARKUP_REPLY
        assert not missing_words(MARKUP_REPLY, shown.render().plain)

    # Opened afresh in a new run: the same words, the prompt still as typed.
    async with running(
        app.__class__(
            app.settings,
            now=app.now,
            use_keyring=False,
            state_path=app.state_path,
            cursor_blink=False,
        )
    ) as pilot:
        fresh = pilot.app
        assert isinstance(fresh, BackchatApp)
        await open_conversation(pilot, conversation_id)
        await wait_for(pilot, lambda: len(views(fresh)) >= 2, "the messages")
        reply_view, prompt_view = views(fresh)[-1], views(fresh)[-2]
        assert not missing_words(MARKUP_REPLY, reply_view.render().plain)
        body = prompt_view.render().plain.split("\n")[1:]
        assert [line.rstrip() for line in body] == PROMPT.split("\n")
