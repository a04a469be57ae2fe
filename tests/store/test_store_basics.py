"""The store file: private, byte-for-byte, ordered like the server, one transaction per chat."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tui.store import BadConversation, ListEntry, Origin, PutOutcome, Store, store_path
from tui.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).parent.parent / "fixtures"


def conversation(conv_id: str, title: str, update: float, *texts: str) -> bytes:
    """A small linear conversation, with odd spacing so byte-for-byte storage shows."""
    mapping: dict[str, dict[str, object]] = {
        "root": {"id": "root", "message": None, "parent": None, "children": []}
    }
    parent = "root"
    for index, text in enumerate(texts):
        node = f"{conv_id}-m{index}"
        role = "user" if index % 2 == 0 else "assistant"
        mapping[node] = {
            "id": node,
            "message": {
                "id": node,
                "author": {"role": role},
                "create_time": update - 100 + index,
                "content": {"content_type": "text", "parts": [text]},
            },
            "parent": parent,
            "children": [],
        }
        mapping[parent]["children"].append(node)  # type: ignore[attr-defined]
        parent = node
    body = {
        "title": title,
        "create_time": update - 100,
        "update_time": update,
        "mapping": mapping,
        "current_node": parent,
        "conversation_id": conv_id,
    }
    return json.dumps(body, indent=1).encode()


def test_the_file_is_private_and_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = store_path("http://127.0.0.1:7999/backend-api")
    assert path.parent == tmp_path / "xdg" / "backchat"
    assert path != store_path("http://127.0.0.1:8000/backend-api")
    with Store.for_backend("http://127.0.0.1:7999/backend-api") as store:
        store.put_conversation(conversation("c1", "One", 1000.0, "hello"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


def test_raw_json_comes_back_byte_for_byte(store: Store) -> None:
    raw = conversation("c1", "One", 1000.0, "hello", "hi there")
    assert store.put_conversation(raw) == ("c1", PutOutcome.NEW)
    assert store.conversation_json("c1") == raw
    parsed = store.conversation("c1")
    assert parsed is not None
    assert parsed.title == "One"
    assert store.put_conversation(raw) == ("c1", PutOutcome.UNCHANGED)
    changed = conversation("c1", "One", 1001.0, "hello", "hi there", "more")
    assert store.put_conversation(changed) == ("c1", PutOutcome.UPDATED)
    assert store.counts().messages == 3


def test_the_list_is_sorted_like_the_servers(store: Store) -> None:
    for index in range(5):
        store.put_conversation(conversation(f"c{index}", f"T{index}", 1000.0 + index, "x"))
    store.set_archived("c2", True)
    ids = [item.id for item in store.list_page(limit=10)]
    assert ids == ["c4", "c3", "c1", "c0"]
    assert [item.id for item in store.list_page(offset=1, limit=2)] == ["c3", "c1"]
    assert [item.id for item in store.list_page(archived=True)] == ["c2"]
    item = store.item("c4")
    assert item is not None
    assert item.has_body
    assert not item.only_local
    assert item.origin is Origin.SERVER


def test_list_rows_say_what_needs_fetching(store: Store) -> None:
    store.put_conversation(conversation("c1", "One", 1000.0, "x"), listed_update_time=1000.0)
    entries = [
        ListEntry("c1", "One", 900.0, 1000.0, False),
        ListEntry("c2", "Two", 900.0, 1000.0, False),
    ]
    assert [entry.id for entry in store.put_list_items(entries)] == ["c2"]
    moved = [ListEntry("c1", "Renamed", 900.0, 2000.0, False)]
    assert [entry.id for entry in store.put_list_items(moved)] == ["c1"]
    # The new title reaches the search rows at once, before the body is fetched again.
    assert [hit.title for hit in store.search("renamed")] == ["Renamed"]
    stored = store.item("c2")
    assert stored is not None
    assert not stored.has_body


def test_rename_and_remove(store: Store) -> None:
    store.put_conversation(conversation("c1", "Old name", 1000.0, "alpha beta"))
    store.rename("c1", "Fresh name")
    assert [hit.title for hit in store.search("alpha")] == ["Fresh name"]
    assert store.remove("c1")
    assert store.search("alpha") == []
    assert store.conversation_json("c1") is None
    assert not store.remove("c1")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"title": "no id", "mapping": {}}', "no conversation id"),
    ],
)
def test_a_bad_conversation_is_refused_and_nothing_is_written(
    store: Store, raw: bytes, reason: str
) -> None:
    with pytest.raises(BadConversation, match=reason):
        store.put_conversation(raw)
    assert store.counts().conversations == 0


def test_every_branch_is_indexed(store: Store) -> None:
    raw = (FIXTURES / "pionxzh_chatgpt-exporter_image-generation.json").read_bytes()
    store.put_conversation(raw)
    data = json.loads(raw)
    # Each user prompt of either branch is a row, under its own node id.
    prompts = {
        key
        for key, node in data["mapping"].items()
        if (node.get("message") or {}).get("author", {}).get("role") == "user"
    }
    hits = store.search("question", limit=50)
    assert {hit.message_id for hit in hits} == prompts
    assert len(prompts) == 4


def test_schema_version_is_recorded(store: Store, store_file: Path) -> None:
    version = store._connection.execute("PRAGMA user_version").fetchone()[0]
    assert version == SCHEMA_VERSION
    store.close()
    with Store(store_file) as again:  # reopening does not migrate twice
        assert again.counts().conversations == 0


def test_a_copy_fetched_again_is_no_longer_only_local(store: Store) -> None:
    raw = conversation("c1", "One", 1000.0, "hello")
    store.put_conversation(raw)
    store.begin_sync_run()
    assert store.finish_sync_run() == 1  # the server listed nothing
    item = store.item("c1")
    assert item is not None
    assert item.only_local
    store.put_conversation(conversation("c1", "One", 1001.0, "hello", "again"))
    again = store.item("c1")
    assert again is not None
    assert not again.only_local
