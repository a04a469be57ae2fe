"""Say what is wrong: unknown settings, keymap ids and key names are listed, not ignored."""

from __future__ import annotations

import pytest

from tui import __version__
from tui.__main__ import main
from tui.config import file_keys, resolve
from tui.screens.keymap_check import (
    key_problem,
    keymap_problems,
    known_binding_ids,
    start_up_warning,
)


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"backchat {__version__}"


def test_unknown_settings_are_warned_about_not_fatal() -> None:
    settings = resolve(file_data={"colour": "blue", "page_size": 5, "pagesize": 9}, env={})
    assert settings.page_size == 5
    assert len(settings.warnings) == 2
    assert "'colour'" in settings.warnings[0]
    assert "'pagesize'" in settings.warnings[1]
    assert "page_size" in settings.warnings[1]  # the known names are listed
    assert resolve(file_data={"theme": "nord", "keymap": {}}, env={}).warnings == ()
    assert {"base_url", "keymap", "page_size", "theme"} <= file_keys()
    assert "token" not in file_keys()


@pytest.mark.parametrize(
    "key",
    ["r", "R", "ctrl+r", "ctrl+shift+up", "f5", "pageup", "question_mark", "minus", "space",
     "left_square_bracket", "escape", "shift+tab", "enter", "?", "ctrl+@"],
)  # fmt: skip
def test_keys_textual_can_match(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize("key", ["", "ctrl+", "cntrl+r", "ctrl+foo", "pagedwn", "f1x", "+"])
def test_keys_no_terminal_sends(key: str) -> None:
    assert key_problem(key) is not None


def test_every_binding_id_of_the_app_is_known() -> None:
    from tui.app import BackchatApp

    ids = known_binding_ids(BackchatApp)
    # The app's, the main screen's, the panes' and the dialogs' (imported on demand).
    for binding_id in ("app.quit", "chat.new", "sidebar.filter", "message.copy", "help.close",
                       "rename.submit", "composer.send"):  # fmt: skip
        assert binding_id in ids


def test_keymap_problems_lists_each() -> None:
    keymap = {"conversation.rename": "R", "chat.nwe": "ctrl+n", "message.copy": "y,cntrl+y"}
    problems = keymap_problems(keymap, known_binding_ids())  # chat.* ids are the main screen's
    assert problems == [
        "keymap: no binding has the id 'chat.nwe'",
        "keymap message.copy: 'cntrl+y': 'cntrl' is not a modifier (ctrl, shift, alt, meta, super)",
    ]
    assert start_up_warning((), {"conversation.rename": "R"}) == ""
    warning = start_up_warning(("unknown setting 'x'",), keymap)
    assert warning.splitlines() == [f"• {line}" for line in ["unknown setting 'x'", *problems]]
