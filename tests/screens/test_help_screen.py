"""HelpScreen: lists exactly what the app gives it, grouped, scrollable; escape/q/? close it."""

from __future__ import annotations

import re

import pytest
from textual.containers import VerticalScroll

from tests.screens.harness import HOSTILE, HOSTILE_SHOWN, Harness, rows, running, screen_text
from tui.screens.help import HelpRow, HelpScreen, group_entries

SIZE = (100, 30)

ENTRIES = [
    ("Global", "ctrl+q", "Quit"),
    ("Global", "?", "Show the keys"),
    ("Sidebar", "r", "Rename conversation"),
    ("Messages", "left/right", "Previous / next branch"),
    ("Composer", "ctrl+enter", "Send"),
    ("Sidebar", "d", "Delete conversation"),
]


@pytest.mark.anyio
async def test_lists_every_entry_grouped_in_order() -> None:
    app = Harness(HelpScreen(ENTRIES))
    async with running(app, SIZE):
        lines = rows(screen_text(app))
        groups = [lines.index(name) for name in ("Global", "Sidebar", "Messages", "Composer")]
        assert groups == sorted(groups)
        sidebar = lines.index("Sidebar")
        assert re.fullmatch(r"r\s+Rename conversation", lines[sidebar + 1])
        assert re.fullmatch(r"d\s+Delete conversation", lines[sidebar + 2])
        for _, key, description in ENTRIES:
            assert any(
                re.fullmatch(re.escape(key) + r"\s+" + re.escape(description), line)
                for line in lines
            ), key
        assert "esc close" in lines


@pytest.mark.anyio
@pytest.mark.parametrize("key", ["escape", "q", "question_mark"])
async def test_closing_keys(key: str) -> None:
    app = Harness(HelpScreen(ENTRIES))
    async with running(app, SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
    assert app.results == [None]


@pytest.mark.anyio
async def test_long_lists_scroll() -> None:
    entries = [("Global", f"k{index}", f"Action number {index}") for index in range(80)]
    app = Harness(HelpScreen(entries))
    async with running(app, SIZE) as pilot:
        scroll = app.screen.query_one("#help-scroll", VerticalScroll)
        assert scroll.has_focus
        assert scroll.max_scroll_y > 0
        assert "Action number 0" in screen_text(app)
        assert "Action number 79" not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        assert "Action number 79" in screen_text(app)


@pytest.mark.anyio
async def test_empty_list_and_hostile_text() -> None:
    app = Harness(HelpScreen([]))
    async with running(app, SIZE):
        assert "No keys to show." in screen_text(app)

    app = Harness(HelpScreen([(HOSTILE, "[/]", f"Do {HOSTILE}")], title=f"Keys {HOSTILE}"))
    async with running(app, SIZE):
        text = screen_text(app)
        assert f"Keys {HOSTILE_SHOWN}" in text
        assert f"Do {HOSTILE_SHOWN}" in text
        assert "[2J" not in text


def test_group_entries_keeps_first_appearance_order() -> None:
    assert list(group_entries(ENTRIES)) == ["Global", "Sidebar", "Messages", "Composer"]
    assert group_entries(ENTRIES)["Sidebar"] == [
        ("r", "Rename conversation"),
        ("d", "Delete conversation"),
    ]


def test_binding_ids_share_the_line_or_go_under_the_description() -> None:
    from tui.screens.help import rows_content

    rows: list[HelpRow] = [("r", "Rename", "conversation.rename"), ("^q", "Quit", "app.quit")]
    wide = rows_content(rows, 80).plain.split("\n")
    assert [line.split() for line in wide] == [
        ["r", "Rename", "conversation.rename"],
        ["^q", "Quit", "app.quit"],
    ]
    narrow = rows_content(rows, 24).plain.split("\n")
    assert [line.strip() for line in narrow] == [
        "r       Rename", "conversation.rename", "^q      Quit", "app.quit",
    ]  # fmt: skip
    assert narrow[1].startswith(" " * 8)  # under the description, not the key
