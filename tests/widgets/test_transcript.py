"""Pilot tests of the transcript: what it shows, the window over long conversations, keys."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Static

from tui.conversation.tree import Block, BlockKind, VisibleMessage
from tui.widgets.message_view import MessageView
from tui.widgets.transcript import Transcript

ROOT = Path(__file__).resolve().parents[2]
STYLES = ROOT / "styles" / "messages.tcss"
FIXTURES = ROOT / "tests" / "fixtures"
NOW = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
SIZE = (100, 30)

AnimationLevel = Literal["none", "basic", "full"]
"""Textual's App.animation_level values (its own alias lives in a private module)."""


def frozen_now() -> datetime:
    return NOW


def msg(
    index: int,
    text: str | None = None,
    *,
    role: str | None = None,
    blocks: tuple[Block, ...] | None = None,
    sibling_index: int = 0,
    sibling_count: int = 1,
    node_id: str | None = None,
) -> VisibleMessage:
    role = role or ("user" if index % 2 == 0 else "assistant")
    if blocks is None:
        body = text if text is not None else f"Message number {index} says hello."
        blocks = (Block(BlockKind.MARKDOWN, body),)
    node = node_id or f"n{index}"
    return VisibleMessage(
        node_id=node,
        node_ids=(node,),
        role=role,
        blocks=blocks,
        sibling_index=sibling_index,
        sibling_count=sibling_count,
        model_slug=None if role == "user" else "gpt-4o",
        create_time=NOW - timedelta(minutes=60 - index % 60),
    )


def long_conversation(count: int) -> list[VisibleMessage]:
    # Every message is several lines tall, so 500 of them are far taller than the screen.
    return [
        msg(i, f"Message number {i} says hello.\n\n" + "A line of filler text.\n" * 4)
        for i in range(count)
    ]


class TranscriptApp(App[None]):
    """The transcript alone, recording the branch requests it posts."""

    CSS_PATH = STYLES

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Transcript.BranchRequested] = []

    def compose(self) -> ComposeResult:
        yield Transcript(id="transcript", now=frozen_now)

    def on_transcript_branch_requested(self, event: Transcript.BranchRequested) -> None:
        self.requests.append(event)


def screen_text(app: App[Any]) -> str:
    """What the screen shows, as plain text, one line per row.

    The compositor's strips are what the driver writes (private API, checked on Textual 8.2.8;
    the public export_screenshot() SVG splits text into many elements).
    """
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def show(
    pilot: Pilot[None],
    messages: list[VisibleMessage],
    *,
    conversation_id: str = "c",
) -> Transcript:
    """Show the messages in the app's transcript, once they have mounted."""
    transcript = pilot.app.query_one(Transcript)
    transcript.show(messages, conversation_id=conversation_id)
    await pilot.pause()
    return transcript


def on_screen(transcript: Transcript, view: MessageView) -> bool:
    region = transcript.scrollable_content_region
    return view.region.y >= region.y and view.region.y < region.bottom


@pytest.fixture
def app() -> TranscriptApp:
    return TranscriptApp()


@pytest.mark.anyio
async def test_empty_states(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one(Transcript)
        empty = app.query_one("#transcript-empty", Static)
        assert "Select a conversation" in screen_text(app)
        transcript.show([], conversation_id="c1")
        await pilot.pause()
        assert "No messages" in screen_text(app)
        transcript.show([msg(0)], conversation_id="c1")
        await pilot.pause()
        assert not empty.display
        assert "Message number 0" in screen_text(app)
        transcript.clear()
        await pilot.pause()
        assert transcript.views == ()
        assert "Select a conversation" in screen_text(app)


@pytest.mark.anyio
async def test_show_puts_the_newest_message_at_the_bottom(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, long_conversation(30))
        text = screen_text(app)
        assert "Message number 29 says hello." in text
        assert "Message number 0 says" not in text
        assert transcript.is_at_bottom()
        newest = transcript.views[-1]
        assert newest.message.node_id == "n29"
        assert on_screen(transcript, newest)


@pytest.mark.anyio
async def test_headers_show_role_model_time_and_branches(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        messages = [msg(0), msg(1, sibling_index=1, sibling_count=3)]
        transcript = await show(pilot, messages)
        user, assistant = transcript.views
        assert user.render().plain.splitlines()[0].startswith("You · 14:")
        header = assistant.render().plain.splitlines()[0]
        assert header.startswith("gpt-4o · 14:")
        assert header.rstrip().endswith("‹ 2/3 ›")
        assert "‹" not in user.render().plain


@pytest.mark.anyio
async def test_long_conversation_mounts_a_window_and_loads_older_in_place(
    app: TranscriptApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, long_conversation(500))
        await app.workers.wait_for_complete()
        start, end = transcript.window
        assert end == 500
        assert 1 <= end - start <= Transcript.INITIAL_COUNT + Transcript.BATCH_SIZE
        assert len(transcript.views) == end - start

        # Scroll to the top of what is mounted: an older batch is mounted above it, and the
        # message that was at the top of the screen stays exactly where it was.
        top = transcript.views[0]
        assert top.message.node_id == f"n{start}"
        y_at_top = transcript.scrollable_content_region.y + top.virtual_region.y
        transcript.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        new_start, _ = transcript.window
        assert new_start < start
        assert top in transcript.views
        assert top.region.y == y_at_top
        assert on_screen(transcript, top)
        assert f"Message number {start} says hello." in screen_text(app)


@pytest.mark.anyio
@pytest.mark.parametrize(("animation", "count"), [("none", 200), ("full", 70)])
async def test_reading_up_to_the_first_message_keeps_the_window_bounded(
    app: TranscriptApp, animation: AnimationLevel, count: int
) -> None:
    # With "full", PageUp scrolls smoothly and batches load once each animation ends.
    app.animation_level = animation
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, long_conversation(count))
        transcript.focus()
        most = 0
        for _ in range(400):
            if transcript.window[0] == 0 and transcript.scroll_y == 0:
                break
            await pilot.press("pageup")
            await app.workers.wait_for_complete()
            await pilot.pause()
            most = max(most, len(transcript.views))
        assert transcript.window[0] == 0
        assert "Message number 0 says hello." in screen_text(app)
        assert most <= Transcript.MAX_MOUNTED
        assert transcript.window[1] < count  # the bottom was unmounted on the way up

        # End jumps back to the newest message, which is shown and focused.
        await pilot.press("end")
        await pilot.pause()
        assert transcript.window[1] == count
        assert transcript.focused_message is not None
        assert transcript.focused_message.node_id == f"n{count - 1}"
        assert f"Message number {count - 1} says hello." in screen_text(app)

        # Home jumps to the very first message of the conversation from anywhere.
        await pilot.press("home")
        await pilot.pause()
        assert transcript.window[0] == 0
        assert transcript.focused_message is not None
        assert transcript.focused_message.node_id == "n0"
        assert "Message number 0 says hello." in screen_text(app)


@pytest.mark.anyio
async def test_show_while_older_messages_load(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, long_conversation(300), conversation_id="a")
        transcript.scroll_home(animate=False, immediate=True)  # starts a load
        transcript.show([msg(0, "Only this")], conversation_id="b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [v.message.node_id for v in transcript.views] == ["n0"]
        assert transcript.window == (0, 1)
        assert "Only this" in screen_text(app)


@pytest.mark.anyio
async def test_focus_keys_move_between_messages(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, [msg(i) for i in range(5)])
        transcript.focus()
        await pilot.press("up")
        assert transcript.focused_message is not None
        assert transcript.focused_message.node_id == "n4"
        await pilot.press("k", "k")
        assert transcript.focused_message.node_id == "n2"
        await pilot.press("j")
        assert transcript.focused_message.node_id == "n3"
        await pilot.press("down", "down", "down")
        assert transcript.focused_message.node_id == "n4"
        await pilot.press("home")
        await pilot.pause()
        assert transcript.focused_message.node_id == "n0"
        await pilot.press("up")
        assert transcript.focused_message.node_id == "n0"
        await pilot.press("end")
        await pilot.pause()
        assert transcript.focused_message.node_id == "n4"
        assert transcript.focused_view is transcript.views[-1]
        assert transcript.focused_view.has_class("-assistant") is False
        assert transcript.focused_view.has_class("-user")


@pytest.mark.anyio
async def test_moving_focus_past_the_window_loads_older_messages(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, long_conversation(100))
        await app.workers.wait_for_complete()
        first = transcript.views[0]
        first.focus()
        await pilot.pause()
        await app.workers.wait_for_complete()
        position = first.position
        await pilot.press("k")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert transcript.focused_view is not None
        focused = transcript.focused_view
        assert focused.position == position - 1
        # Focus scrolls the message into view with an animation: wait for it to land.
        for _ in range(100):
            if on_screen(transcript, focused):
                break
            await pilot.pause()
        assert on_screen(transcript, focused), (
            transcript.window,
            transcript.scroll_y,
            focused.region,
            focused.virtual_region,
        )


@pytest.mark.anyio
async def test_branch_keys_request_the_neighbouring_sibling(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        messages = [
            msg(0, sibling_index=0, sibling_count=2, node_id="u0"),
            msg(1, sibling_index=1, sibling_count=3, node_id="a1"),
            msg(2),
        ]
        transcript = await show(pilot, messages)
        transcript.views[1].focus()
        await pilot.press("right_square_bracket")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert [(r.node_id, r.index) for r in app.requests] == [("a1", 2), ("a1", 0)]
        # At the first sibling there is nothing before it; a single message has no siblings.
        app.requests.clear()
        transcript.views[0].focus()
        await pilot.press("left_square_bracket")
        transcript.views[2].focus()
        await pilot.press("left_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert app.requests == []
        transcript.views[0].focus()
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert [(r.node_id, r.index) for r in app.requests] == [("u0", 1), ("u0", 1)]


@pytest.mark.anyio
async def test_clicking_the_switcher_requests_a_branch(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(
            pilot, [msg(0), msg(1, sibling_index=1, sibling_count=3, node_id="a1")]
        )
        view = transcript.views[1]
        header = view.render().plain.splitlines()[0]
        gutter_x = view.content_region.x - view.region.x
        gutter_y = view.content_region.y - view.region.y
        await pilot.click(view, offset=(gutter_x + header.index("›"), gutter_y))
        await pilot.click(view, offset=(gutter_x + header.index("‹"), gutter_y))
        await pilot.click(view, offset=(gutter_x + 1, gutter_y + 1))  # the body: nothing
        await pilot.pause()
        assert [(r.node_id, r.index) for r in app.requests] == [("a1", 2), ("a1", 0)]


@pytest.mark.anyio
async def test_replace_from_keeps_the_messages_above(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, [msg(i) for i in range(6)])
        before = transcript.views
        before[3].focus()  # the user switched branch on message 3
        await pilot.pause()
        new_tail = [
            msg(3, "The other version of three.", sibling_index=1, sibling_count=2, node_id="b3"),
            msg(4, "Its reply.", node_id="b4"),
        ]
        transcript.replace_from(3, [*transcript.messages[:3], *new_tail])
        await pilot.pause()
        after = transcript.views
        assert after[:3] == before[:3]  # the same widget objects
        assert all(a is b for a, b in zip(after[:3], before[:3], strict=True))
        assert [v.message.node_id for v in after] == ["n0", "n1", "n2", "b3", "b4"]
        assert [v.position for v in after] == [0, 1, 2, 3, 4]
        assert not any(v.is_attached for v in before[3:])
        assert transcript.focused_message is not None
        assert transcript.focused_message.node_id == "b3"
        text = screen_text(app)
        assert "The other version of three." in text
        assert "Message number 5" not in text
        assert len(transcript.messages) == 5

        # Cutting the thread short (a failed send puts things back) keeps the rest as it is,
        # and does not take the focus from elsewhere.
        transcript.focus()
        await pilot.pause()
        kept = transcript.views[:2]
        transcript.replace_from(2, list(transcript.messages[:2]))
        await pilot.pause()
        assert transcript.views == kept
        assert app.focused is transcript
        assert "The other version of three." not in screen_text(app)


@pytest.mark.anyio
async def test_copy_message_and_cycle_code_blocks(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        blocks = (
            Block(BlockKind.MARKDOWN, "Look:\n\n```python\nprint('a')\n```\n\nand\n\n~~~\nb\n~~~"),
            Block(BlockKind.CODE, "x = 1", language="python"),
        )
        transcript = await show(pilot, [msg(0, "plain **markdown**"), msg(1, blocks=blocks)])
        transcript.views[0].focus()
        await pilot.press("y")
        assert app.clipboard == "plain **markdown**"
        await pilot.press("c")
        assert app.clipboard == "plain **markdown**"  # no code there: nothing copied
        transcript.views[1].focus()
        await pilot.press("y")
        assert app.clipboard == transcript.views[1].message.text
        copied = []
        for _ in range(4):
            await pilot.press("c")
            copied.append(app.clipboard)
        assert copied == ["print('a')", "b", "x = 1", "print('a')"]
        await pilot.pause()
        # App._notifications is private (checked on Textual 8.2.8): the toasts' text.
        notes = [n.message for n in app._notifications]
        assert "Copied code block 3/3" in notes
        assert "No code blocks in this message" in notes


@pytest.mark.anyio
async def test_hostile_text_is_shown_literally_and_stripped(app: TranscriptApp) -> None:
    hostile = "[/] [bold]x [link=file:///etc/passwd]a[/] A\x1b]52;c;SGVsbG8=\x07B\x1b[2JC\x9b2J"
    async with app.run_test(size=SIZE) as pilot:
        messages = [
            msg(0, hostile, role="[/]"),
            msg(1, blocks=(Block(BlockKind.CODE, hostile, language="[/]"),)),
            msg(2, blocks=(Block(BlockKind.NOTE, hostile, label="[bold]"),)),
        ]
        transcript = await show(pilot, messages)
        plain = "\n".join(view.render().plain for view in transcript.views)
        assert "[/] [bold]x" in plain
        assert "[link=file:///etc/passwd]a[/]" in plain
        assert "\x1b" not in plain
        assert "\x9b" not in plain
        assert "ABC" in plain
        assert "[/]" in transcript.views[0].render().plain.splitlines()[0]
        assert "[/] [bold]x" in screen_text(app)


@pytest.mark.anyio
async def test_malformed_messages_still_display(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        messages = [
            msg(0, blocks=()),
            msg(1, blocks=(Block(BlockKind.CODE, "x", language="no-such-language"),)),
            VisibleMessage(node_id="odd", node_ids=("odd",), role="", blocks=()),
            msg(3, blocks=(Block(BlockKind.MARKDOWN, ""),)),
        ]
        transcript = await show(pilot, messages)
        plain = [view.render().plain for view in transcript.views]
        assert "(empty message)" in plain[0]
        assert "x" in plain[1].splitlines()[-1]
        assert "(empty message)" in plain[2]
        assert "(empty message)" in screen_text(app)


@pytest.mark.anyio
async def test_blocks_render_compactly(app: TranscriptApp) -> None:
    blocks = (
        Block(BlockKind.THOUGHTS, "Planning the answer\nmore detail", label="Thought for 29s"),
        Block(BlockKind.IMAGE, "1024×1024", label="image"),
        Block(BlockKind.BROWSE, "example.com — Example Domain", label="browsed"),
        Block(BlockKind.ERROR, "Something broke"),
        Block(BlockKind.CODE, "print(1)", language="python"),
        Block(BlockKind.OUTPUT, "1"),
    )
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, [msg(1, blocks=blocks)])
        lines = [line.strip() for line in transcript.views[0].render().plain.splitlines()]
        assert "✱ Thought for 29s · Planning the answer" in lines
        assert "more detail" not in "\n".join(lines)
        assert "▣ image 1024×1024" in lines
        assert "⌕ browsed: example.com — Example Domain" in lines
        assert "⚠ error: Something broke" in lines
        assert "python" in lines
        assert "print(1)" in lines
        assert "output" in lines
        assert "1" in lines


@pytest.mark.anyio
async def test_append_and_streaming_reply_follow_the_bottom(app: TranscriptApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        transcript = await show(pilot, long_conversation(20))
        transcript.append_message(msg(20, "A brand new question"))
        await pilot.pause()
        assert transcript.views[-1].message.node_id == "n20"
        assert "A brand new question" in screen_text(app)
        reply = Static("streaming…", id="reply")
        transcript.mount_reply(reply)
        await pilot.pause()
        assert transcript.is_at_bottom()
        reply.update("streaming…\n" + "more\n" * 30 + "THE END")
        transcript.scroll_to_end_if_following()
        await pilot.pause()
        assert "THE END" in screen_text(app)
        # A prompt sent while the reply widget is there goes above it.
        transcript.append_message(msg(21, "Another one"))
        await pilot.pause()
        assert list(transcript.children)[-1] is reply

        # Scrolled away, the view stays put while the reply grows.
        transcript.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        y = transcript.scroll_y
        reply.update("streaming…\n" + "more\n" * 60 + "LATER")
        transcript.scroll_to_end_if_following()
        await pilot.pause()
        assert not transcript.is_at_bottom(), (y, transcript.scroll_y, transcript.window)
        assert "LATER" not in screen_text(app)
        assert transcript.scroll_y <= y + 1


class EarlyApp(TranscriptApp):
    """Shows a conversation before the transcript is even mounted."""

    def compose(self) -> ComposeResult:
        transcript = Transcript(id="transcript", now=frozen_now)
        transcript.show([msg(0, "Shown from compose")], conversation_id="c")
        transcript.mount_reply(Static("early reply", id="reply"))
        yield transcript


@pytest.mark.anyio
async def test_show_before_mount_and_theme_switch() -> None:
    app = EarlyApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        transcript = app.query_one(Transcript)
        assert [v.is_mounted for v in transcript.views] == [True]
        text = screen_text(app)
        assert "Shown from compose" in text
        assert "early reply" in text
        app.theme = "textual-light"
        await pilot.pause()
        assert "Shown from compose" in screen_text(app)
        assert transcript.views[0].render().plain.startswith("You · 14:")


@pytest.mark.anyio
async def test_real_fixture_conversations_render() -> None:
    conversation = pytest.importorskip("tui.conversation.tree")
    models = pytest.importorskip("tui.api.models")
    names = [
        "pionxzh_chatgpt-exporter_image-generation.json",
        "pionxzh_chatgpt-exporter_thinking-summaries.json",
        "realazthat_chatgpt2graph_conversations.json",
    ]
    app = TranscriptApp()
    async with app.run_test(size=SIZE) as pilot:
        transcript = app.query_one(Transcript)
        for name in names:
            path = FIXTURES / name
            if not path.exists():
                continue
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, list):
                data = data[0]
            conv = models.Conversation.model_validate(data)
            try:
                messages = conversation.visible_messages(conv, conversation.active_thread(conv))
            except NotImplementedError:
                pytest.skip("the tree functions are not written yet")
            transcript.show(messages, conversation_id=name)
            await pilot.pause()
            await app.workers.wait_for_complete()
            assert transcript.views, name
            newest = transcript.views[-1]
            assert newest.message is messages[-1]
            assert newest.render().plain.strip()
