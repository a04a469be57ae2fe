"""``import_export``: real export files, the split ZIP layout, idempotence, bad records."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tui.store import Origin, Store
from tui.store.archive_import import import_export
from tui.store.archive_reader import ExportError

FIXTURES = Path(__file__).parent.parent / "fixtures"
REALAZ = FIXTURES / "realazthat_chatgpt2graph_conversations.json"
REALAZ_ID = "966da5c4-5bb7-4e4d-ab6d-a7316b96266e"


def renamed(fixture: str, new_id: str) -> str:
    """A pionxzh fixture (both use the id "fixture") under an id of its own."""
    data = json.loads((FIXTURES / fixture).read_text())
    data["id"] = new_id
    return json.dumps(data)


def test_a_real_export_file_is_imported_whole(store: Store) -> None:
    report = import_export(store, [REALAZ])
    assert (report.new, report.skipped) == (1, [])
    original = json.loads(REALAZ.read_text())[0]
    raw = store.conversation_json(REALAZ_ID)
    assert raw is not None
    stored = json.loads(raw)
    assert stored == original
    assert set(stored["mapping"]) == set(original["mapping"]), "every node of the tree"
    assert raw.decode() in REALAZ.read_text(), "the export's own text, byte for byte"
    item = store.item(REALAZ_ID)
    assert item is not None
    assert item.origin is Origin.IMPORT
    assert item.title == "Average Distance in U(0,1)"
    assert store.search("distance", limit=5)


def test_importing_twice_changes_nothing(store: Store) -> None:
    import_export(store, [REALAZ])
    before = store.counts()
    again = import_export(store, [REALAZ])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert store.counts() == before


def split_export(tmp_path: Path) -> Path:
    first = "[" + REALAZ.read_text().strip()[1:-1].strip() + ",\n"
    first += renamed("pionxzh_chatgpt-exporter_image-generation.json", "image-chat") + "]"
    second = (
        "[\n"
        + renamed("pionxzh_chatgpt-exporter_thinking-summaries.json", "thinking-chat")
        + ',\n{"title": "Lost its id", "mapping": {}},\n42\n]'
    )
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("export-2026/conversations-000.json", first)
        archive.writestr("export-2026/conversations-001.json", second)
        archive.writestr("__MACOSX/export-2026/._conversations-000.json", b"\x00\x05junk")
        archive.writestr("export-2026/user.json", "{}")
        archive.writestr("export-2026/chat.html", "<html></html>")
    return path


def test_a_split_zip_export_with_bad_records(store: Store, tmp_path: Path) -> None:
    report = import_export(store, [split_export(tmp_path)])
    assert report.files == 2
    assert report.new == 3
    assert len(report.skipped) == 2
    assert "conversations-001.json #2" in report.skipped[0]
    assert '"Lost its id"' in report.skipped[0]
    assert "no conversation id" in report.skipped[0]
    assert "#3" in report.skipped[1]
    assert {item.id for item in store.list_page(limit=10)} == {
        REALAZ_ID,
        "image-chat",
        "thinking-chat",
    }
    again = import_export(store, [split_export(tmp_path)])
    assert (again.new, again.unchanged) == (0, 3)


def test_a_truncated_file_keeps_what_came_before(store: Store, tmp_path: Path) -> None:
    whole = "[" + renamed("pionxzh_chatgpt-exporter_image-generation.json", "a") + ","
    whole += renamed("pionxzh_chatgpt-exporter_thinking-summaries.json", "b")
    path = tmp_path / "conversations.json"
    path.write_text(whole[: len(whole) - 200])
    report = import_export(store, [path])
    assert report.new == 1
    assert len(report.skipped) == 1
    assert "not valid JSON" in report.skipped[0]


def test_a_folder_and_a_missing_path(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "unzipped"
    folder.mkdir()
    (folder / "conversations.json").write_text(REALAZ.read_text())
    assert import_export(store, [folder]).new == 1
    with pytest.raises(ExportError, match="does not exist"):
        import_export(store, [tmp_path / "nowhere.zip"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError, match=r"no conversations\.json"):
        import_export(store, [tmp_path / "empty"])
