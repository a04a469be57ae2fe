"""The rest of issue 3 on the demo backend: export, account, help, palette, keymap, hostility."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, TabbedContent

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    LONG,
    SHOWCASE,
    focus_message,
    idle,
    listing,
    main,
    messages_text,
    notices,
    open_row,
    record,
    running,
    screen_text,
    select,
    wait_for,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer
from tui.screens.account import EXPORT_QUEUED_MESSAGE, AccountScreen
from tui.screens.confirm import ConfirmScreen
from tui.screens.export_dialog import ExportScreen
from tui.screens.help import HelpScreen
from tui.screens.rename import RenameScreen

pytestmark = pytest.mark.anyio


# -- export ------------------------------------------------------------------------------------


async def export_to(pilot: Pilot[Any], path: Path, *, tree: bool, as_json: bool) -> None:
    """Press e, pick scope and format with the keyboard, name the file, press enter."""
    await pilot.press("e")
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    if tree:
        await pilot.press("down", "space")  # the scope set has the focus
    if as_json:
        await pilot.press("tab", "down", "space")
    screen.query_one("#export-path", Input).value = str(path)
    await pilot.pause()
    await pilot.press("enter")
    await wait_for(pilot, path.exists, f"{path.name} to be written")
    await idle(pilot)


@pytest.mark.parametrize(
    ("tree", "as_json"), [(False, False), (True, False), (False, True), (True, True)]
)
async def test_export_branch_or_tree_as_markdown_or_json(
    app: BackchatApp, demo: DemoServer, tmp_path: Path, tree: bool, as_json: bool
) -> None:
    top = listing(demo)[SHOWCASE]
    path = tmp_path / "out" / ("export.json" if as_json else "export.md")
    async with running(app, opened=top.id, notifications=True) as pilot:
        # Show the other answer first, so that "the branch" differs from the server's current one.
        await focus_message(pilot, 3)
        await pilot.press("left_square_bracket")
        await idle(pilot)
        shown = messages_text(app)
        await export_to(pilot, path, tree=tree, as_json=as_json)
        text = path.read_text(encoding="utf-8")
        assert any(f"Exported to {path}" in n for n in notices(app))
    mapping = record(demo, top.id).ensure_tree()
    if as_json:
        data = json.loads(text)
        assert data["title"] == top.title
        if tree:
            assert set(data["mapping"]) == set(mapping)
        else:
            assert len(data["mapping"]) < len(mapping)
            leaf = data["mapping"][data["current_node"]]
            assert leaf["message"]["content"]["parts"][0].startswith("Sure: match on each row")
    else:
        assert text.startswith(f"# {top.title}\n\n- Created: ")
        assert "- Model: " in text
        if tree:
            assert text.count("## Branch ") == 3
            # The branch on screen (not the server's current one) comes first, marked.
            active = text.index("## Branch 1 of 3 (active)")
            assert active < text.index("Sure: match on each row") < text.index("## Branch 2")
            assert "Sure: match on each row" in text
            assert "and can rayon help?" in text
            assert "How fast is this on a 2 GB file?\n" in text
        else:
            assert "## Branch" not in text
            assert text.count("## User") == 2
            assert "## Assistant (gpt-4o)" in text
            for message in shown:
                assert message.strip()[:40] in text
            assert "and can rayon help?" not in text


async def test_export_asks_before_replacing_a_file(
    app_factory: AppFactory, demo: DemoServer, tmp_path: Path
) -> None:
    app = app_factory(export_dir=tmp_path)
    path = tmp_path / "notes.md"
    path.write_text("my own notes\n", encoding="utf-8")
    async with running(app, opened=listing(demo)[SHOWCASE].id) as pilot:
        await pilot.press("e")
        await pilot.press("tab", "down", "space")  # JSON: kept when we come back
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        dialog.query_one("#export-path", Input).value = str(path)
        await pilot.pause()
        for answer in ("n", "escape", "y"):
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen)
            assert "Replace “notes.md”?" in screen_text(app)
            await pilot.press(answer)
            await idle(pilot)
            if answer != "y":
                # Back in the dialog with the path and the format as they were: nothing lost.
                assert isinstance(app.screen, ExportScreen)
                assert app.screen.query_one("#export-path", Input).value == "notes.md"
                assert app.screen.query_one("#format-json", RadioButton).value
                assert path.read_text(encoding="utf-8") == "my own notes\n"
        assert json.loads(path.read_text(encoding="utf-8"))["title"] == "Faster CSV parsing in Rust"


async def test_export_suggests_a_named_file_in_the_export_dir(
    app_factory: AppFactory, demo: DemoServer, tmp_path: Path
) -> None:
    app = app_factory(export_dir=tmp_path / "exports")
    top = listing(demo)[SHOWCASE]
    async with running(app, opened=top.id) as pilot:
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        name = dialog.query_one("#export-path", Input).value
        assert name.startswith("faster-csv-parsing-in-rust_branch_")
        assert name.endswith(".md")
        await pilot.press("enter")
        written = tmp_path / "exports" / name
        await wait_for(pilot, written.exists, "the export")
        await idle(pilot)
    assert written.read_text(encoding="utf-8").startswith("# Faster CSV parsing in Rust\n")


async def test_export_with_nothing_open_says_so(app: BackchatApp) -> None:
    async with running(app) as pilot:
        await pilot.press("e")
        assert not isinstance(app.screen, ExportScreen)
        assert any("Open a conversation to export it." in n for n in notices(app))


# -- the account -------------------------------------------------------------------------------


async def open_account(pilot: Pilot[Any]) -> AccountScreen:
    await pilot.press("f2")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AccountScreen), "the account")
    await idle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountScreen)
    return screen


async def show_tab(pilot: Pilot[Any], screen: AccountScreen, tab: str) -> str:
    screen.query_one("#account-tabs", TabbedContent).active = tab
    await pilot.pause()
    await pilot.pause()
    return screen_text(pilot.app)


async def test_the_account_screen_shows_every_section(app: BackchatApp, demo: DemoServer) -> None:
    async with running(app) as pilot:
        screen = await open_account(pilot)
        account = await show_tab(pilot, screen, "tab-account")
        for value in ("Plus", "account-owner", "data_export_enabled"):
            assert value in account
        models = await show_tab(pilot, screen, "tab-models")
        assert "GPT-4o" in models
        assert "gpt-4o" in models
        beta = await show_tab(pilot, screen, "tab-beta")
        assert "browsing" in beta
        assert "dalle" in beta
        limits = await show_tab(pilot, screen, "tab-limits")
        assert "40" in limits
        assert "40 messages every 3 h" in limits
        shared = await show_tab(pilot, screen, "tab-shared")
        assert "Faster CSV parsing in Rust" in shared
        assert "https://chatgpt.com/share/" in shared
        await pilot.press("escape")
        assert app.screen is main(app)


async def test_the_data_export_asks_then_shows_queued(app: BackchatApp, demo: DemoServer) -> None:
    async with running(app) as pilot:
        await open_account(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Request a data export?" in screen_text(app)
        before = [r for r in demo.state.requests if r.method == "POST"]
        await pilot.press("n")
        await idle(pilot)
        assert [r for r in demo.state.requests if r.method == "POST"] == before
        await pilot.press("e", "y")
        await wait_for(pilot, lambda: EXPORT_QUEUED_MESSAGE in screen_text(app), "queued")
        assert any("export" in r.path for r in demo.state.requests if r.method == "POST")


# -- help, palette, keymap ---------------------------------------------------------------------


async def test_help_lists_the_bindings(app: BackchatApp) -> None:
    async with running(app) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {(key, description) for _group, key, description, _id in app.help_rows()}
        for expected in [
            ("r", "Rename"),
            ("d", "Delete"),
            ("a", "Archive"),
            ("^r", "Refresh"),
            ("/", "Filter"),
            ("y", "Copy"),
            ("[", "‹ Branch"),
            ("]", "Branch ›"),
            ("^q", "Quit"),
            ("⏎", "Open"),
            ("↓ / j", "Next conversation"),
            ("↑ / k", "Previous conversation"),
        ]:
            assert expected in rows, expected
        for description in ("Archived list", "Generate title", "Export", "Copy code", "Account"):
            assert any(row[2] == description for row in app.help_rows()), description
        text = screen_text(app)
        for description in ("Rename", "Delete", "Archive", "Refresh"):
            assert description in text
        await pilot.press("escape")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


READING_AND_TIDYING = (
    "Open",
    "Next conversation",
    "Previous conversation",
    "Rename",
    "Delete",
    "Archive",
    "Archived list",
    "Generate title",
    "Export",
    "Refresh",
    "Filter",
    "Search all",
    "Copy",
    "Copy code",
    "‹ Branch",
    "Branch ›",
    "Previous message",
    "Next message",
    "Help",
    "Account",
    "Quit",
)
"""The actions of issue 3 that must be in the command palette."""


async def test_every_action_is_in_the_command_palette(app: BackchatApp) -> None:
    async with running(app):
        titles = [command.title for command in app.get_system_commands(main(app))]
        for action in READING_AND_TIDYING:
            assert any(title.startswith(f"{action} (") for title in titles), action


async def test_a_palette_command_runs_its_action(app: BackchatApp, demo: DemoServer) -> None:
    target = listing(demo)[SHOWCASE]
    async with running(app) as pilot:
        await select(pilot, target.id)
        command = next(
            c for c in app.get_system_commands(main(app)) if c.title.startswith("Rename (")
        )
        await command.callback()  # type: ignore[misc]
        await pilot.pause()
        assert isinstance(app.screen, RenameScreen)


async def test_keys_are_remapped_by_id_from_the_settings(
    app_factory: AppFactory, demo: DemoServer
) -> None:
    app = app_factory(keymap={"conversation.rename": "R", "message.copy": "Y"})
    target = listing(demo)[LONG]
    async with running(app) as pilot:
        await select(pilot, target.id)
        await pilot.press("r")
        assert not isinstance(app.screen, RenameScreen)
        await pilot.press("R")
        assert isinstance(app.screen, RenameScreen)
        await pilot.press("escape")
        rows = {(key, description) for _group, key, description, _id in app.help_rows()}
        assert ("R", "Rename") in rows
        assert any(c.title == "Rename (R)" for c in app.get_system_commands(main(app)))
        await open_row(pilot, target.id)
        main(app).transcript.focus()
        await pilot.press("Y")
        assert app.clipboard == main(app).transcript.messages[-1].text


# -- hostile titles ----------------------------------------------------------------------------


async def test_hostile_titles_show_literally_everywhere(app: BackchatApp, demo: DemoServer) -> None:
    hostile = [r for r in listing(demo)[:20] if "[" in r.title or "\x1b" in r.title]
    assert len(hostile) == 4
    async with running(app, notifications=True) as pilot:
        text = screen_text(app)
        assert "[bold]Not bold[/bold] an" in text
        assert "[link=file:///etc/passwd" in text
        assert "Clear screen?" in text
        assert "Copy this" in text
        svg = app.export_screenshot()
        assert "\x1b" not in svg
        assert "52;c;" not in svg
        # Renaming to markup, and the notices and dialogs that quote it, stay literal too.
        await select(pilot, hostile[0].id)
        await pilot.press("r")
        field = app.screen.query_one("#rename-input", Input)
        assert field.value == hostile[0].title
        field.value = "[/] [bold]x[/bold] \x1b]52;c;SGVsbG8=\x07"
        await pilot.pause()
        await pilot.press("enter")
        await idle(pilot)
        assert "[/] [bold]x[/bold]" in screen_text(app)
        assert any("Renamed to “[/] [bold]x[/bold]" in n for n in notices(app))
        await pilot.press("d")
        assert "Delete “[/] [bold]x[/bold]" in screen_text(app)
        await pilot.press("n")
        await open_row(pilot, hostile[0].id)
        assert "[/] [bold]x[/bold]" in screen_text(app)
