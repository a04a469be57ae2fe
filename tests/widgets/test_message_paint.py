"""Painting messages: line by line exactly as Textual's whole render, and a reply's server copy
prepared off the event loop from the live reply's lines, looking the same as a fresh render."""

from __future__ import annotations

import asyncio
from pathlib import PurePath
from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.visual import Visual

from tests.widgets.test_transcript import STYLES, frozen_now, msg
from tui.conversation.tree import Block, BlockKind, VisibleMessage
from tui.demo.model import LONG_TRIGGER, reply_for
from tui.rendering.markdown_render import block_renderable
from tui.widgets.message_view import MessageView
from tui.widgets.streaming import StreamingReply
from tui.widgets.transcript import Transcript

SIZE = (100, 30)
LONG = reply_for(LONG_TRIGGER).text
"""The demo's 50 KB Markdown reply: headings, lists, tables, code."""


class PaintApp(App[None]):
    """A transcript with the messages' and the live reply's look."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [STYLES, STYLES.parent / "streaming.tcss"]

    def compose(self) -> ComposeResult:
        yield Transcript(id="transcript", now=frozen_now)


class QuietReply(StreamingReply):
    """Restores the collector's thresholds right after finishing (tests do not wait)."""

    GC_RESTORE_DELAY = 0.0


def segments(strip: Strip) -> list[tuple[str, Any]]:
    return [(segment.text, segment.style) for segment in strip]


def whole_render(view: MessageView) -> list[list[tuple[str, Any]]]:
    """Every line as Textual's own ``Widget.render_line`` draws it (the whole visual at once)."""
    width, height = view.size
    strips = Visual.to_strips(view, view.render(), width, height, view.visual_style)
    return [segments(strip) for strip in strips]


def painted(view: MessageView) -> list[list[tuple[str, Any]]]:
    return [segments(view.render_line(y)) for y in range(view.size.height)]


def reply(node: str, text: str, **fields: Any) -> VisibleMessage:
    return VisibleMessage(
        node_id=node,
        node_ids=(node,),
        role="assistant",
        blocks=(Block(BlockKind.MARKDOWN, text),),
        model_slug="gpt-4o",
        **fields,
    )


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.anyio
async def test_painting_line_by_line_draws_what_the_whole_render_draws() -> None:
    app = PaintApp()
    messages = [
        msg(0, "A question, with `code` and *emphasis*.", sibling_index=1, sibling_count=3),
        reply("n1", LONG[:6000], finish_type="stopped"),
    ]
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show(messages, conversation_id="c")
        await settle(pilot)
        for view in transcript.views:
            assert painted(view) == whole_render(view)
        # Focus restyles the message: the lines painted again still match.
        transcript.views[-1].focus()
        await pilot.pause()
        assert painted(transcript.views[-1]) == whole_render(transcript.views[-1])


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.anyio
async def test_a_replys_server_copy_reuses_its_lines_and_looks_the_same(
    theme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = PaintApp()
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        transcript = app.query_one(Transcript)
        transcript.show([msg(0, "Write a long one")], conversation_id="c")
        live = QuietReply(model_slug="gpt-4o")
        transcript.mount_reply(live)
        await pilot.pause()
        for start in range(0, len(LONG), 700):
            live.append(LONG[start : start + 700])
            live.flush()
            await pilot.pause()
        live.finish(text=LONG)
        await pilot.pause()
        known = live.rendered()
        assert known is not None
        assert known.text == LONG
        assert known.width == live.content_size.width

        rendered: list[object] = []

        def counted(block: Block, *args: Any) -> Any:
            rendered.append(block)
            return block_renderable(block, *args)

        monkeypatch.setattr("tui.widgets.message_view.block_renderable", counted)
        server_copy = reply("n1", LONG)
        await transcript.prepare([server_copy], known)
        assert rendered == []  # the live reply's lines were taken, not rendered again
        monkeypatch.undo()
        transcript.replace_from(1, [msg(0, "Write a long one"), server_copy])
        live.remove()
        await settle(pilot)
        view = transcript.views[1]
        assert view.size.width == known.width
        # The same Markdown rendered afresh, as reopening the conversation shows it.
        body, lines = MessageView(reply("n2", LONG), position=0)._render_body(
            known.width, app.ansi_theme
        )
        assert view.size.height == 1 + lines
        width, style = view.size.width, view.visual_style
        rows = body.split("\n", allow_blank=True)
        fresh = [
            segments(Visual.to_strips(view, row, width, None, style)[0].apply_offsets(0, y))
            for y, row in enumerate(rows, start=1)
        ]
        assert painted(view)[1:] == fresh


@pytest.mark.anyio
async def test_a_stale_prepare_is_dropped() -> None:
    app = PaintApp()
    first, second = reply("n1", LONG[:800]), reply("n2", LONG[800:1600])
    earlier = [msg(0), reply("n9", "Earlier")]
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one(Transcript)
        transcript.show(earlier, conversation_id="c")
        await settle(pilot)

        # A prepare still rendering when a later one starts is dropped.
        # (Tasks start in order: the later one starts before the earlier one's thread ends.)
        older = asyncio.ensure_future(transcript.prepare([first]))
        await asyncio.gather(older, transcript.prepare([second]))
        transcript.replace_from(1, [msg(0), first, second])
        first_view, second_view = transcript.views[1:]
        assert first_view._body is None  # rendered when laid out
        assert second_view._body is not None  # prepared
        await settle(pilot)
        assert second_view.render().plain.split("\n")[1:] == painted_text(second_view, second)

        # Prepared, then the window changed: nothing is kept for later.
        await transcript.prepare([reply("n3", "Something else")])
        transcript.show(earlier, conversation_id="c")
        assert transcript._factory.prepared == 0


def painted_text(view: MessageView, message: VisibleMessage) -> list[str]:
    """``message``'s body rendered afresh at ``view``'s width, as plain lines."""
    fresh = MessageView(message, position=0)
    body, _ = fresh._render_body(view.size.width, view.app.ansi_theme)
    return body.plain.split("\n")
