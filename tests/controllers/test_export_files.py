"""Export files: names that say what and when, never replacing a file, the download folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conversation.test_formats import forked
from tui.config import ConfigError, Settings, resolve
from tui.controllers.export_files import (
    conversation_date,
    export_conversation,
    export_file_name,
    many_summary,
)
from tui.paths import download_dir, resolve_export_dir


def test_file_name_carries_title_scope_and_date() -> None:
    day = date(2024, 5, 1)
    assert export_file_name("Hello, World!", "branch", "markdown", day) == (
        "hello-world_branch_2024-05-01.md"
    )
    assert export_file_name("物流 / 优化", "tree", "json", day) == "物流-优化_tree_2024-05-01.json"
    assert export_file_name(None, "tree", "markdown", day) == "conversation_tree_2024-05-01.md"


def test_conversation_date_is_the_last_update() -> None:
    assert conversation_date(forked()) == date(2023, 11, 14)


def test_export_conversation_never_replaces_a_file(tmp_path: Path) -> None:
    conv = forked()
    first = export_conversation(conv, tmp_path / "out")
    second = export_conversation(conv, tmp_path / "out")
    tree = export_conversation(conv, tmp_path / "out", scope="tree", fmt="json")
    assert first.name == "templates-and-lists_branch_2023-11-14.md"
    assert second.name == "templates-and-lists_branch_2023-11-14-2.md"
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert set(json.loads(tree.read_text(encoding="utf-8"))["mapping"]) == {"root", "p", "a1", "a2"}


def test_export_conversation_branch_follows_the_leaf(tmp_path: Path) -> None:
    path = export_conversation(forked(), tmp_path, fmt="json", leaf_id="a1")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data["mapping"]) == {"root", "p", "a1"}
    assert data["current_node"] == "a1"


def test_many_summary() -> None:
    assert many_summary(1, 0, Path("/x")) == "Exported 1 conversation to /x"
    assert many_summary(3, 1, Path("/x")) == "Exported 3 conversations to /x, 1 failed"


def test_download_dir_from_env_user_dirs_or_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    assert download_dir(env={}, home=home) is None
    (home / "Downloads").mkdir()
    assert download_dir(env={}, home=home) == home / "Downloads"
    (home / "Téléchargements").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DOWNLOAD_DIR="$HOME/Téléchargements"\n',
        encoding="utf-8",
    )
    assert download_dir(env={}, home=home) == home / "Téléchargements"
    elsewhere = tmp_path / "dl"
    elsewhere.mkdir()
    assert download_dir(env={"XDG_DOWNLOAD_DIR": str(elsewhere)}, home=home) == elsewhere
    # A folder that does not exist is passed over.
    missing = {"XDG_DOWNLOAD_DIR": str(tmp_path / "gone")}
    assert download_dir(env=missing, home=home) == home / "Téléchargements"


def test_export_dir_setting_wins(tmp_path: Path) -> None:
    settings = resolve(file_data={"export_dir": str(tmp_path)}, env={})
    assert settings.export_dir == tmp_path
    assert settings.export_folder == tmp_path
    assert resolve_export_dir(Path("~/x")) == Path.home() / "x"
    assert Settings().export_folder.is_dir()


def test_web_url_setting_is_checked_like_the_other_urls() -> None:
    assert resolve(file_data={}, env={}).web_url == "https://chatgpt.com"
    assert resolve(file_data={"web_url": "https://chat.openai.com/"}, env={}).web_url == (
        "https://chat.openai.com"
    )
    with pytest.raises(ConfigError, match="web_url"):
        resolve(file_data={"web_url": "chat.openai.com"}, env={})
