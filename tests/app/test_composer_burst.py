"""Keys that arrive in one burst (a paste, a fast typist, tmux send-keys) are all sent."""

from __future__ import annotations

import pytest
from textual import events

from tests.app.pilot_helpers import open_conversation, running, sends, settled
from tui.app import BackchatApp
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_enter_right_after_a_burst_of_keys_sends_all_of_them(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app, chat=True) as pilot:
        top = app.main.sidebar.highlighted_id
        assert top is not None
        await open_conversation(pilot, top)
        app.main.composer.focus()
        await pilot.pause()
        # Post the keys the way a terminal driver does, without waiting between them: the
        # priority `enter` is handled before the queued characters reach the composer.
        for character in "hello there":
            key = "space" if character == " " else character
            app.post_message(events.Key(key, character))
        app.post_message(events.Key("enter", "\r"))
        await settled(pilot)
        prompts = [body["messages"][0]["content"]["parts"][0] for body in sends(demo)]
        assert prompts == ["hello there"]
        assert app.main.composer.text == ""
