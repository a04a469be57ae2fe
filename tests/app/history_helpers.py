"""Helpers for the reading and tidying tests: start the app, read the screen and the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tui.app import BackchatApp
from tui.demo.records import Record
from tui.demo.server import DemoServer
from tui.screens.main import MainScreen

SIZE = (120, 40)
"""The terminal size of every test: the sidebar and the transcript both fit."""

ROUNDS = 3000
"""Upper bound of idle rounds a condition may take (each is one ``pilot.pause()``)."""

SHOWCASE = 0
"""Listing index of the showcase conversation (code, a regenerated answer, an edited prompt)."""
LONG = 1
"""Listing index of the 500-message conversation."""
UNTITLED = 14
"""Listing index of the conversation still called "New chat"."""


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


def main(app: Any) -> MainScreen:
    assert isinstance(app, BackchatApp)
    return app.main


async def started(pilot: Pilot[Any]) -> BackchatApp:
    """The app with its first list page loaded and nothing left running."""
    app = pilot.app
    assert isinstance(app, BackchatApp)
    await wait_for(
        pilot,
        lambda: app.main.sidebar.loaded > 0 and not app.main.sidebar.is_loading,
        "the first page of the list",
    )
    await idle(pilot)
    return app


def listing(demo: DemoServer, *, archived: bool = False) -> list[Record]:
    """The server's list, newest first (what the sidebar pages through)."""
    return demo.state.listing(archived=archived)


def record(demo: DemoServer, conversation_id: str) -> Record:
    found = demo.state.get(conversation_id)
    assert found is not None, conversation_id
    return found


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


def screen_text(app: Any) -> str:
    """What the current screen draws (toasts included), one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def notices(app: Any) -> list[str]:
    """Every notification so far, as "title: message"."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


def messages_text(app: Any) -> list[str]:
    """The Markdown of each message the transcript holds (mounted or not), in order."""
    return [message.text for message in main(app).transcript.messages]


def row_ids(app: Any) -> list[str]:
    return main(app).sidebar.visible_ids


def title_bar(app: Any) -> str:
    from textual.widgets import Static

    bar = main(app).query_one("#chat-title", Static)
    return str(bar.render())
