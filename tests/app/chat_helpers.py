"""Helpers for the chat (writing) tests: wait on conditions, read the screen and the server."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tui.app import BackchatApp
from tui.chat import Chat
from tui.demo.server import DemoServer
from tui.screens.main import MainScreen
from tui.widgets.message_view import MessageView
from tui.widgets.sidebar import Sidebar
from tui.widgets.streaming import StreamingReply

SIZE = (120, 40)
WIRES = ["classic", "v1"]
ROUNDS = 3000
"""Upper bound of idle rounds a condition may take (each is one ``pilot.pause()``)."""


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` holds; fail (never hang) after :data:`ROUNDS`."""
    for _ in range(ROUNDS):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"timed out waiting for {what}")


def main(app: BackchatApp) -> MainScreen:
    return app.main


def chat(app: BackchatApp) -> Chat:
    return app.main.chat


async def started(pilot: Pilot[Any]) -> BackchatApp:
    """The app with its first list page and the model list loaded."""
    app = pilot.app
    assert isinstance(app, BackchatApp)
    # Under snap_compare the pilot may start before the main screen is composed.
    await wait_for(pilot, lambda: app.main.query(Sidebar), "the main screen")
    await wait_for(pilot, lambda: app.main.sidebar.loaded > 0, "the first page of the list")
    await wait_for(pilot, lambda: bool(app.main.chat.models), "the model list")
    return app


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


async def open_conversation(pilot: Pilot[Any], conversation_id: str) -> None:
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


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Put ``text`` in the composer as if typed (one insert, not one key per character)."""
    app = pilot.app
    assert isinstance(app, BackchatApp)
    composer = app.main.composer
    composer.focus()
    composer.insert(text)
    await pilot.pause()


async def send(pilot: Pilot[Any], text: str) -> None:
    await type_text(pilot, text)
    await pilot.press("enter")


def live_reply(app: BackchatApp) -> StreamingReply | None:
    replies = list(app.main.transcript.query(StreamingReply))
    return replies[-1] if replies else None


def views(app: BackchatApp) -> list[MessageView]:
    return list(app.main.transcript.views)


def header(view: MessageView) -> str:
    """The first line of a message as rendered: role, time, branch switcher."""
    return view.render().plain.split("\n")[0]


def screen_text(app: BackchatApp) -> str:
    """What is on screen, one line per row (from the SVG screenshot)."""
    rows: dict[float, list[str]] = {}
    svg = app.export_screenshot()
    for y, body in re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', svg, re.S):
        rows.setdefault(float(y), []).append(html.unescape(body).replace("\xa0", " "))
    return "\n".join("".join(parts) for _, parts in sorted(rows.items()))


def notices(app: BackchatApp) -> list[str]:
    """The notifications shown so far: "title: message"."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


# -- the server's tree -------------------------------------------------------------------------


def tree(demo: DemoServer, conversation_id: str) -> dict[str, Any]:
    record = demo.state.get(conversation_id)
    assert record is not None, conversation_id
    return record.ensure_tree()


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
