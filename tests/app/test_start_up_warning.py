"""A keymap or config with mistakes: one warning at start lists each, the app still works,
and the keys dialog shows every binding's id next to its key."""

from __future__ import annotations

import pytest

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import notices, running, screen_text, wait_for
from tui.screens.help import HelpScreen

pytestmark = pytest.mark.anyio


async def test_one_warning_lists_each_mistake_and_the_rest_applies(
    app_factory: AppFactory,
) -> None:
    app = app_factory(
        keymap={"chat.nwe": "ctrl+n", "conversation.rename": "R", "message.copy": "cntrl+y"},
        warnings=("unknown setting 'colour' (known: base_url, ...)",),
    )
    async with running(app) as pilot:
        await wait_for(pilot, lambda: notices(app), "the warning")
        said = notices(app)
        assert len(said) == 1
        assert said[0].startswith("Ignored in the config file: ")
        for part in ("'colour'", "'chat.nwe'", "'cntrl+y'"):
            assert part in said[0]
        # The good entry took effect: the help dialog shows R for rename, with the id.
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the keys dialog")
        rows = [row for row in app.help_rows() if row[3] == "conversation.rename"]
        assert [row[1] for row in rows] == ["R"]
        # The misspelt key was dropped: copy keeps its own key instead of losing it.
        copy = [row for row in app.help_rows() if row[3] == "message.copy"]
        assert [row[1] for row in copy] == ["y"]
        text = screen_text(app)
        assert "conversation.rename" in text
        assert "app.quit" in text


async def test_no_warning_when_all_is_well(app_factory: AppFactory) -> None:
    app = app_factory(keymap={"conversation.rename": "R"})
    async with running(app) as pilot:
        await pilot.pause()
        assert not [n for n in notices(app) if n.startswith("Ignored")]
