"""Snapshots of the writing states: mid-stream, stopped, interrupted, regenerated.

The app states come from the demo backend (deterministic replies, frozen clock); the live reply
states use :class:`StreamingReply` alone, fed a fixed number of chunks, so no timing shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import SIZE, open_conversation, ready_to_chat, send, settled
from tui.demo.model import reply_for
from tui.demo.server import DemoServer
from tui.widgets.message_view import FINISH_NOTES
from tui.widgets.streaming import StreamingReply

STYLES = Path(__file__).resolve().parents[2] / "styles"


class StillReply(StreamingReply):
    """A live reply whose frame timer never fires during a test: it renders on flush() only."""

    FRAME_INTERVAL: ClassVar[float] = 3600.0


class ReplyHarness(App[None]):
    """One streaming reply in a scroll view, with the app's reply styles."""

    CSS_PATH: ClassVar[list[str | Path]] = [STYLES / "messages.tcss", STYLES / "streaming.tcss"]

    def __init__(self, reply: StreamingReply) -> None:
        super().__init__()
        self.reply = reply

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.reply


def _chunks(count: int) -> str:
    return "".join(reply_for("Snapshot me").chunks[:count])


def test_reply_mid_stream(snap_compare: Any) -> None:
    reply = StillReply(model_slug="gpt-4o")

    async def feed(pilot: Pilot[None]) -> None:
        reply.append(_chunks(60))
        reply.flush()
        await pilot.pause()

    assert snap_compare(ReplyHarness(reply), terminal_size=SIZE, run_before=feed)


def test_reply_stopped(snap_compare: Any) -> None:
    reply = StillReply(model_slug="gpt-4o")

    async def feed(pilot: Pilot[None]) -> None:
        reply.append(_chunks(40))
        reply.finish(status="stopped", note=FINISH_NOTES["stopped"][1])
        await pilot.pause()

    assert snap_compare(ReplyHarness(reply), terminal_size=SIZE, run_before=feed)


def test_interrupted_reply_offers_retry(
    snap_compare: Any, demo: DemoServer, app_factory: AppFactory
) -> None:
    async def run(pilot: Pilot[None]) -> None:
        app = await ready_to_chat(pilot)  # type: ignore[arg-type]
        await open_conversation(pilot, app.main.sidebar.visible_ids[0])  # type: ignore[arg-type]
        demo.faults.arm("drop_mid_stream", on="send")
        await send(pilot, "Why is the sky blue?")  # type: ignore[arg-type]
        await settled(pilot)  # type: ignore[arg-type]

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=run)


def test_regenerated_reply_with_switcher(
    snap_compare: Any, demo: DemoServer, app_factory: AppFactory
) -> None:
    async def run(pilot: Pilot[None]) -> None:
        app = await ready_to_chat(pilot)  # type: ignore[arg-type]
        await open_conversation(pilot, app.main.sidebar.visible_ids[0])  # type: ignore[arg-type]
        await send(pilot, "Short answer please")  # type: ignore[arg-type]
        await settled(pilot)  # type: ignore[arg-type]
        app.main.transcript.focus()
        await pilot.press("g")
        await settled(pilot)  # type: ignore[arg-type]
        # The new reply's header (with ‹ 2/2 ›) in view.
        await pilot.press("end", "up", "down")
        await pilot.pause()

    assert snap_compare(app_factory(), terminal_size=SIZE, run_before=run)
