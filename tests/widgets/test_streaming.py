"""StreamingReply: coalesced rendering, frozen pieces, the final render and the status line."""

from __future__ import annotations

import gc

import pytest
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Static

from tui.demo.model import reply_for
from tui.rendering.gc_tuning import begin_streaming_gc, end_streaming_gc, settle_heap
from tui.widgets.streaming import (
    YOUNG_GC_THRESHOLD,
    FrozenMarkdown,
    MarkdownStrips,
    StreamingReply,
    render_piece,
    status_text,
)

SIZE = (100, 40)


class Harness(App[None]):
    """A scroll view with one reply in it, as the transcript mounts it."""

    def __init__(self, reply: StreamingReply) -> None:
        super().__init__()
        self.reply = reply

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.reply


class PromptReply(StreamingReply):
    """Restores the collector's thresholds right after finishing (tests do not wait)."""

    GC_RESTORE_DELAY = 0.0


def body_lines(reply: StreamingReply) -> list[str]:
    """The reply's rendered Markdown lines, as plain text."""
    lines: list[str] = []
    for widget in reply.query(MarkdownStrips):
        lines.extend(widget.render_line(y).text for y in range(widget.size.height))
    return lines


def whole_lines(reply: StreamingReply, text: str) -> list[str]:
    """``text`` rendered at once, at the width the reply's body has."""
    width = reply.query_one(MarkdownStrips).size.width
    return [strip.text for strip in render_piece(text, width, follows=False)]


def status_of(reply: StreamingReply) -> str:
    line = reply.query_one("#reply-status", Static)
    return str(line.content) if line.display else ""


async def feed(pilot: Pilot[None], reply: StreamingReply, chunks: list[str]) -> None:
    for chunk in chunks:
        reply.append(chunk)
    reply.flush()
    await pilot.pause()


@pytest.mark.anyio
async def test_deltas_show_after_a_flush() -> None:
    reply = StreamingReply(model_slug="gpt-4o")
    async with Harness(reply).run_test(size=SIZE) as pilot:
        for word in ["Hello", "there,", "**world**.", "This", "is", "a", "reply."]:
            reply.append(word + " ")
        assert body_lines(reply) == []  # nothing rendered until the frame
        reply.flush()
        await pilot.pause()
        assert "Hello there, world. This is a reply." in "\n".join(body_lines(reply))
        assert str(reply.query_one("#reply-header", Static).content) == "gpt-4o"
        assert "…" in status_of(reply)
        assert reply.status == "streaming"


@pytest.mark.anyio
async def test_a_long_reply_freezes_pieces_and_ends_like_the_whole() -> None:
    stream = reply_for("#long")
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        chunks = list(stream.chunks)
        counts = []
        for start in range(0, len(chunks), 100):
            await feed(pilot, reply, chunks[start : start + 100])
            counts.append(len(reply.query(FrozenMarkdown)))
            # The tail stays short: only finished blocks are frozen, and they are.
            assert len(reply.query_one("#reply-tail", MarkdownStrips).sources[0]) < 4_000
        assert counts[-1] >= 2
        assert counts == sorted(counts)
        reply.finish()
        await pilot.pause()
        assert reply.text == stream.text
        assert body_lines(reply) == whole_lines(reply, stream.text)
        assert reply.status == "done"
        assert status_of(reply) == ""


@pytest.mark.anyio
async def test_finish_renders_the_pending_text_at_once() -> None:
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        reply.append("# Title\n\nSome text")
        reply.finish()
        await pilot.pause()
        assert "Some text" in "\n".join(body_lines(reply))
        assert reply.finished


@pytest.mark.anyio
async def test_finish_uses_the_authoritative_text() -> None:
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        first = "Paragraph one is long enough to be frozen. " * 20
        await feed(pilot, reply, [first + "\n\n", "Second paragraph.\n\n", "Third part"])
        assert reply.query(FrozenMarkdown)
        final = first + "\n\nSecond paragraph.\n\nThird part, as the server kept it.\n"
        reply.finish(text=final)
        await pilot.pause()
        assert reply.text == final
        assert body_lines(reply) == whole_lines(reply, final)
        # A text that differs inside the frozen part replaces everything.
        reply.finish(text="Something else entirely.")
        await pilot.pause()
        assert body_lines(reply) == whole_lines(reply, "Something else entirely.")


@pytest.mark.anyio
async def test_link_references_are_rendered_whole_at_the_end() -> None:
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        text = ("Filler paragraph. " * 40 + "\n\n") * 3 + "See [the docs][1].\n\n"
        text += "[1]: https://example.com/docs\n"
        await feed(pilot, reply, [text[i : i + 50] for i in range(0, len(text), 50)])
        reply.finish()
        await pilot.pause()
        assert not reply.query(FrozenMarkdown)
        lines = body_lines(reply)
        assert lines == whole_lines(reply, text)
        assert any("https://example.com/docs" in line for line in lines)


@pytest.mark.anyio
async def test_hostile_text_is_shown_harmlessly() -> None:
    reply = StreamingReply(model_slug="[/]gpt\x1b[2J")
    async with Harness(reply).run_test(size=SIZE) as pilot:
        hostile = [
            "[/] [bold]x[/",
            " \x1b[2Jclear",
            " A\x1b]52;c;SGVsbG8=\x07B",
            " [@click=app.quit]q[/]",
        ]
        await feed(pilot, reply, hostile)
        reply.set_status("interrupted", "[/] \x1b]52;c;SGVsbG8=\x07 press r")
        await pilot.pause()
        body = "\n".join(body_lines(reply))
        assert "[/] [bold]x[/" in body
        assert "[@click=app.quit]q[/]" in body
        assert "\x1b" not in body
        assert "52;c" not in body
        assert str(reply.query_one("#reply-header", Static).content) == "[/]gpt"
        assert status_of(reply) == "⚠ interrupted — [/] press r"
        reply.finish(status="interrupted")
        await pilot.pause()
        assert "\x1b" not in "\n".join(body_lines(reply))


@pytest.mark.anyio
async def test_status_line() -> None:
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        reply.append("Partial")
        reply.finish(status="stopped")
        await pilot.pause()
        assert status_of(reply) == "⏹ stopped"
        assert reply.has_class("-stopped")
        reply.set_status("interrupted", "press r to retry or c to continue")
        await pilot.pause()
        assert status_of(reply) == "⚠ interrupted — press r to retry or c to continue"
        assert reply.has_class("-interrupted")
        assert not reply.has_class("-stopped")
        reply.set_status("max_tokens")
        await pilot.pause()
        assert status_of(reply) == "✂ cut off — continue available"
        reply.set_status("done")
        await pilot.pause()
        assert status_of(reply) == ""
        assert reply.text == "Partial"


def test_status_text() -> None:
    assert status_text("streaming", frame=0) == "⠋ …"
    assert status_text("streaming", frame=1) == "⠙ …"
    assert status_text("done") == ""
    assert status_text("done", "saved") == "saved"
    assert status_text("stopped") == "⏹ stopped"
    assert status_text("max_tokens", "ctrl+t continues") == "✂ cut off — ctrl+t continues"
    assert status_text("weird\x1b[2J") == "weird"


@pytest.mark.anyio
async def test_initial_text_is_kept_and_continued() -> None:
    reply = StreamingReply(initial_text="The first half, ")
    async with Harness(reply).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "The first half," in "\n".join(body_lines(reply))
        await feed(pilot, reply, ["and the second half."])
        assert reply.text == "The first half, and the second half."
        reply.finish()
        await pilot.pause()
        assert body_lines(reply) == whole_lines(reply, reply.text)


@pytest.mark.anyio
async def test_deltas_after_finish_are_ignored() -> None:
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        await feed(pilot, reply, ["Done."])
        reply.finish(status="stopped")
        reply.append(" Late chunk.")
        reply.flush()
        await pilot.pause()
        assert reply.text == "Done."


@pytest.mark.anyio
async def test_model_slug_can_arrive_later() -> None:
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        assert str(reply.query_one("#reply-header", Static).content) == "Assistant"
        reply.model_slug = "o3"
        await pilot.pause()
        assert reply.query_one("#reply-header", Static).content == Content("o3")


@pytest.mark.anyio
async def test_collector_thresholds_are_restored() -> None:
    before = gc.get_threshold()
    reply = PromptReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        reply.append("text")
        assert gc.get_threshold()[0] == max(before[0], YOUNG_GC_THRESHOLD)
        reply.finish()
        await pilot.pause()
        await pilot.pause()
        assert gc.get_threshold() == before


@pytest.mark.anyio
async def test_removing_a_streaming_reply_restores_the_collector() -> None:
    before = gc.get_threshold()
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        reply.append("text")
        await reply.remove()
        await pilot.pause()
        assert gc.get_threshold() == before
        assert reply.text == "text"


def test_a_renderer_failure_falls_back_to_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("lexer exploded")

    monkeypatch.setattr("tui.widgets.markdown_strips.render_to_text", broken)
    strips = render_piece("# Title\n\nbody \x1b[2J text", 40, follows=False)
    assert [strip.text for strip in strips] == ["# Title", "", "body  text"]


def test_settle_heap_sets_the_live_heap_aside_but_not_while_streaming() -> None:
    gc.unfreeze()
    begin_streaming_gc()
    try:
        frozen_while_streaming = gc.get_freeze_count()
        _fresh = [[] for _ in range(1000)]  # made after the freeze: a settle would freeze them
        settle_heap()  # a streaming heap is not settled: nothing happens
        # Nothing newly frozen. (Not "=="): a thread of an earlier test that ends meanwhile,
        # such as an idle anyio worker after its 10 s, frees frozen objects and lowers the count.
        assert gc.get_freeze_count() <= frozen_while_streaming
    finally:
        end_streaming_gc()
    # The last stream's end unfroze, collected and froze what was left.
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    settle_heap()
    assert gc.get_freeze_count() > 0


@pytest.mark.anyio
async def test_finishing_while_the_app_exits_does_not_mount_new_pieces() -> None:
    # Quitting mid-stream cancels the stream worker, which finishes the reply: text that
    # arrived since the last frame may hold finished blocks, and mounting a widget for them
    # while the app exits raised MountError (seen in test_quitting_while_streaming_asks_first).
    reply = PromptReply(model_slug="gpt-4o")
    text = reply_for("Exit now #long").text[:5000]
    async with Harness(reply).run_test(size=SIZE) as pilot:
        await pilot.pause()
        mounted = len(reply.query(FrozenMarkdown))
        pilot.app.exit()
        reply.append(text)
        reply.finish(status="stopped")
        assert reply.text == text
        assert len(reply.query(FrozenMarkdown)) == mounted
