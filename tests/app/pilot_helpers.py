"""Helpers for the Pilot tests: start the app, wait on conditions, read the screen and server."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from itertools import accumulate
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from tui.app import BackchatApp
from tui.controllers.chat import Chat
from tui.demo.model import reply_for
from tui.demo.seed_records import Record
from tui.demo.server import DemoServer
from tui.screens.main import MainScreen
from tui.widgets.message_view import MessageView
from tui.widgets.sidebar import Sidebar
from tui.widgets.streaming import StreamingReply

SIZE = (120, 40)
"""The terminal size of every test: the sidebar and the transcript both fit."""

WIRES = ["classic", "v1"]
"""The demo backend's two stream formats; every chat test runs on both."""

ROUNDS = 3000
"""Upper bound of idle rounds a condition may take (each is one ``pilot.pause()``)."""

SHOWCASE = 0
"""Listing index of the showcase conversation (code, a regenerated answer, an edited prompt)."""
LONG = 1
"""Listing index of the 500-message conversation."""
UNTITLED = 14
"""Listing index of the conversation still called "New chat"."""


# -- waiting -----------------------------------------------------------------------------------


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` holds; fail (never hang) after :data:`ROUNDS`."""
    for _ in range(ROUNDS):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"timed out waiting for {what}")


async def idle(pilot: Pilot[Any]) -> None:
    """Every worker done and every message handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _first_page(pilot: Pilot[Any]) -> BackchatApp:
    app = pilot.app
    assert isinstance(app, BackchatApp)
    # Under snap_compare the pilot may start before the main screen is composed.
    await wait_for(pilot, lambda: app.main.query(Sidebar), "the main screen")
    await wait_for(pilot, lambda: app.main.sidebar.loaded > 0, "the first page of the list")
    return app


async def started(pilot: Pilot[Any]) -> BackchatApp:
    """The app with its first list page loaded and nothing left running."""
    app = await _first_page(pilot)
    await wait_for(pilot, lambda: not app.main.sidebar.is_loading, "the list to stop loading")
    await idle(pilot)
    return app


async def ready_to_chat(pilot: Pilot[Any]) -> BackchatApp:
    """The app with its first list page and the model list loaded."""
    app = await _first_page(pilot)
    await wait_for(pilot, lambda: bool(app.main.chat.models), "the model list")
    return app


@asynccontextmanager
async def running(
    app: BackchatApp, *, chat: bool = False, opened: str | None = None, **options: Any
) -> AsyncIterator[Pilot[Any]]:
    """Run ``app`` at :data:`SIZE`; wait until :func:`started` (or :func:`ready_to_chat`).

    With ``opened``, the reader then opens that conversation from the sidebar (:func:`open_row`).
    """
    async with app.run_test(size=SIZE, **options) as pilot:
        await (ready_to_chat if chat else started)(pilot)
        if opened is not None:
            await open_row(pilot, opened)
        yield pilot


async def streaming(pilot: Pilot[Any], chars: int = 1) -> None:
    """Wait until the live reply has shown at least ``chars`` characters."""
    await wait_for(
        pilot,
        lambda: (reply := live_reply(pilot.app)) is not None and len(reply.text) >= chars,
        "the reply to stream",
    )


async def settled(pilot: Pilot[Any]) -> None:
    """Wait until no reply streams and the app has synced with the server's tree."""
    app = pilot.app
    await wait_for(pilot, lambda: not _busy(app), "the reply to settle")
    await app.workers.wait_for_complete()
    await pilot.pause()


def _busy(app: Any) -> bool:
    return any(
        worker.group in ("stream", "settle") and not worker.is_finished
        for worker in app.main.workers
    )


# -- holding a reply mid-stream ----------------------------------------------------------------
# The demo's stream gate (tui/demo/gate.py) replaces real-time pacing: the test decides how much
# of a reply the server has sent, so "still streaming" lasts exactly as long as the test needs.


def chunks_for(prompt: str, chars: int) -> int:
    """How many of the demo's reply chunks to ``prompt`` make at least ``chars`` characters."""
    sizes = list(accumulate(len(chunk) for chunk in reply_for(prompt).chunks))
    return next(count for count, size in enumerate(sizes, 1) if size >= chars)


def hold_reply(demo: DemoServer, prompt: str, chars: int = 1) -> None:
    """Make the next reply (to ``prompt``) stop once it has sent ``chars`` characters."""
    demo.state.gate.hold(allow=chunks_for(prompt, chars) if chars else 0)


async def release(pilot: Pilot[Any], demo: DemoServer, prompt: str, chars: int) -> None:
    """Let the held reply to ``prompt`` grow to ``chars`` characters and wait until the app
    has received and drawn all of it (the server is held again at that point)."""
    app = pilot.app
    shown = len(reply.text) if (reply := live_reply(app)) is not None else 0
    sent = sum(1 for size in accumulate(len(c) for c in reply_for(prompt).chunks) if size <= shown)
    gate = demo.state.gate
    gate.allow(chunks_for(prompt, chars) - sent)
    assert await asyncio.to_thread(gate.wait_blocked), "the reply did not reach the gate"
    await streaming(pilot, chars)
    await drawn(pilot)


async def drawn(pilot: Pilot[Any]) -> None:
    """Wait until the live reply has drawn every character it received (its frame timer ran)."""
    # _pending is the reply's not yet rendered deltas; there is no public view of it.
    await wait_for(
        pilot, lambda: (reply := live_reply(pilot.app)) is None or not reply._pending, "a frame"
    )
    await pilot.pause()


# -- acting ------------------------------------------------------------------------------------


async def select(pilot: Pilot[Any], conversation_id: str) -> None:
    """Put the sidebar's cursor on a conversation and focus the list."""
    sidebar = main(pilot.app).sidebar
    assert sidebar.select_id(conversation_id), conversation_id
    sidebar.focus()
    await pilot.pause()


async def open_row(pilot: Pilot[Any], conversation_id: str) -> None:
    """Select a row and press enter, as a reader does; wait until it is shown."""
    screen = main(pilot.app)
    await select(pilot, conversation_id)
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: screen.transcript.conversation_id == conversation_id,
        "the conversation to open",
    )
    await idle(pilot)


async def press_on_row(pilot: Pilot[Any], conversation_id: str, *keys: str) -> None:
    """Select a row, press ``keys`` on it and wait until the app is idle."""
    await select(pilot, conversation_id)
    await pilot.press(*keys)
    await idle(pilot)


async def press_in_transcript(pilot: Pilot[Any], *keys: str) -> None:
    """Focus the open conversation, press ``keys`` and wait until the app is idle."""
    main(pilot.app).transcript.focus()
    await pilot.press(*keys)
    await idle(pilot)


async def focus_message(pilot: Pilot[Any], index: int) -> None:
    """Focus the transcript's message at ``index`` with the keys a reader would use."""
    transcript = main(pilot.app).transcript
    transcript.focus()
    await pilot.press("end")
    for _ in range(len(transcript.messages) - 1 - index):
        await pilot.press("up")
    assert transcript.focused_message is transcript.messages[index]


async def open_conversation(pilot: Pilot[Any], conversation_id: str) -> None:
    """Open a conversation through the history (no keys); wait until it is shown."""
    app = pilot.app
    assert isinstance(app, BackchatApp)
    app.main.history.open(conversation_id)
    await wait_for(
        pilot,
        lambda: (
            app.main.history.open_id == conversation_id
            and app.main.transcript.conversation_id == conversation_id
        ),
        "the conversation to open",
    )
    await pilot.pause()


async def open_first(pilot: Pilot[Any]) -> str:
    """Open the conversation at the top of the list; return its id."""
    conversation_id = main(pilot.app).sidebar.visible_ids[0]
    await open_conversation(pilot, conversation_id)
    return conversation_id


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Put ``text`` in the composer as if typed (one insert, not one key per character)."""
    app = pilot.app
    assert isinstance(app, BackchatApp)
    composer = app.main.composer
    composer.focus()
    composer.insert(text)
    await pilot.pause()


async def send(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` in the composer and press enter (does not wait for the reply)."""
    await type_text(pilot, text)
    await pilot.press("enter")


async def send_and_settle(pilot: Pilot[Any], text: str) -> None:
    """Send ``text`` and wait until the reply has streamed and synced (:func:`settled`)."""
    await send(pilot, text)
    await settled(pilot)


async def without_toasts(pilot: Pilot[Any]) -> None:
    """Take every toast off every screen, the ones under a dialog too.

    ``App.clear_notifications`` only updates the top screen's toasts (Textual 8.2.8), and a
    dialog shows the screen under it as it is: its toasts are removed by hand.
    """
    app = pilot.app
    app.clear_notifications()
    for under in app.screen_stack:
        await under.query("ToastHolder").remove()
    await pilot.pause()


# -- reading the app ---------------------------------------------------------------------------


def main(app: Any) -> MainScreen:
    assert isinstance(app, BackchatApp)
    return app.main


def chat(app: BackchatApp) -> Chat:
    return app.main.chat


def screen_text(app: Any) -> str:
    """What the current screen draws (toasts included), one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def screenshot_text(app: BackchatApp) -> str:
    """What is on screen, one line per row (from the SVG screenshot)."""
    rows: dict[float, list[str]] = {}
    svg = app.export_screenshot()
    for y, body in re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        rows.setdefault(float(y), []).append(html.unescape(body).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(rows.items()))


def notices(app: Any) -> list[str]:
    """Every notification so far, as "title: message"."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


def messages_text(app: Any) -> list[str]:
    """The Markdown of each message the transcript holds (mounted or not), in order."""
    return [message.text for message in main(app).transcript.messages]


def row_ids(app: Any) -> list[str]:
    return main(app).sidebar.visible_ids


def title_bar(app: Any) -> str:
    bar = main(app).query_one("#chat-title", Static)
    return str(bar.render())


def live_reply(app: BackchatApp) -> StreamingReply | None:
    replies = list(app.main.transcript.query(StreamingReply))
    return replies[-1] if replies else None


def views(app: BackchatApp) -> list[MessageView]:
    return list(app.main.transcript.views)


def header(view: MessageView) -> str:
    """The first line of a message as rendered: role, time, branch switcher."""
    return view.render().plain.split("\n")[0]


# -- the server --------------------------------------------------------------------------------


def listing(demo: DemoServer, *, archived: bool = False) -> list[Record]:
    """The server's list, newest first (what the sidebar pages through)."""
    return demo.state.listing(archived=archived)


def record(demo: DemoServer, conversation_id: str) -> Record:
    found = demo.state.get(conversation_id)
    assert found is not None, conversation_id
    return found


def tree(demo: DemoServer, conversation_id: str) -> dict[str, Any]:
    return record(demo, conversation_id).ensure_tree()


def role_of(node: dict[str, Any]) -> str | None:
    message = node.get("message") or {}
    return (message.get("author") or {}).get("role")


def text_of(node: dict[str, Any]) -> str:
    message = node.get("message") or {}
    parts = (message.get("content") or {}).get("parts") or []
    return "".join(part for part in parts if isinstance(part, str))


def finish_of(node: dict[str, Any]) -> str | None:
    message = node.get("message") or {}
    return ((message.get("metadata") or {}).get("finish_details") or {}).get("type")


def sends(demo: DemoServer) -> list[dict[str, Any]]:
    """Bodies of the POST /conversation requests, oldest first."""
    return [
        request.body
        for request in demo.state.requests
        if request.method == "POST" and request.path == "/backend-api/conversation"
    ]
