"""The tree as the web app shows it, on the demo backend: hidden messages stay hidden until
asked for, a missing node shows as a marker with both sides kept, citations are numbered with
their sources, and Code Interpreter output is labelled as output."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    listing,
    open_conversation,
    press_in_transcript,
    running,
    views,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.widgets.message_view import MessageView

pytestmark = pytest.mark.anyio


def conversation_titled(demo: DemoServer, start: str) -> str:
    """The id of the seeded conversation whose title starts with ``start``."""
    return next(r.id for r in listing(demo) if (r.title or "").startswith(start))


async def opened(pilot: Pilot[Any], demo: DemoServer, title: str) -> list[MessageView]:
    """Open the seeded conversation whose title starts with ``title``; its message views."""
    await open_conversation(pilot, conversation_titled(demo, title))
    app = pilot.app
    assert isinstance(app, BackchatApp)
    return views(app)


def shown(app: BackchatApp) -> list[tuple[str, bool]]:
    return [(view.message.role, view.has_class("-hidden")) for view in views(app)]


async def test_custom_instructions_stay_hidden_until_asked_for(
    demo: DemoServer, app: BackchatApp
) -> None:
    conversation_id = conversation_titled(demo, "Explain DNS")
    async with running(app) as pilot:
        await open_conversation(pilot, conversation_id)
        assert shown(app) == [("user", False), ("assistant", False)]
        await press_in_transcript(pilot, "H")
        assert shown(app) == [("system", True), ("user", False), ("assistant", False)]
        hidden = views(app)[0].render().plain
        assert "hidden on the web" in hidden.split("\n")[0]
        assert "I teach primary school." in hidden
        assert "Explain things simply, with everyday examples." in hidden
        # The choice holds for the next conversation opened, until toggled back.
        await press_in_transcript(pilot, "H")
        assert shown(app) == [("user", False), ("assistant", False)]


async def test_the_toggle_is_in_the_palette_and_remappable(app_factory: AppFactory) -> None:
    app = app_factory(keymap={"transcript.toggle_hidden": "ctrl+o"})
    async with running(app):
        commands = [command.title for command in app.get_system_commands(app.screen)]
        assert "Hidden messages (^o)" in commands


async def test_a_missing_node_is_marked_and_both_sides_are_shown(
    demo: DemoServer, app: BackchatApp
) -> None:
    # The default demo is a conforming backend; the hole is opt-in (the broken_tree fault cuts
    # the current node's parent out of the mapping, as seen in real exports).
    async with running(app) as pilot:
        await app.workers.wait_for_complete()  # the list's pages are read before the fault
        demo.faults.arm("broken_tree", on="read")
        messages = await opened(pilot, demo, "Sampling notes")
        roles = [view.message.role for view in messages]
        assert "missing" in roles
        gap = roles.index("missing")
        assert 0 < gap < len(roles) - 1, roles  # messages above and below the gap
        marker = messages[gap].render().plain
        assert marker.startswith("Missing messages")
        assert "messages missing here" in marker


async def test_citations_are_numbered_with_their_sources(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app) as pilot:
        answer = (await opened(pilot, demo, "What's new in Python 3.14"))[-1].render().plain
        assert "Highlights of Python 3.14 [1]:" in answer
        assert "Sources" in answer
        assert "[1] docs.python.org" in answer


async def test_code_interpreter_output_is_labelled_as_output(
    demo: DemoServer, app: BackchatApp
) -> None:
    async with running(app) as pilot:
        messages = await opened(pilot, demo, "Plot sensor data")
        lines = [line.strip() for view in messages for line in view.render().plain.split("\n")]
        assert "python output" in lines
