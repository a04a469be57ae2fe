"""Bad files, a full disk and two processes at once: clear errors, nothing lost."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.store.test_store_basics import conversation
from tests.subprocesses import REPO
from tui.store import (
    Store,
    StoreCorruptError,
    StoreFullError,
    StoreTooNewError,
    move_aside,
)


def test_a_foreign_file_names_itself_and_the_rebuild(store_file: Path) -> None:
    store_file.parent.mkdir(parents=True)
    store_file.write_bytes(b"these are my notes, not a database\n" * 100)
    with pytest.raises(StoreCorruptError) as caught:
        Store(store_file)
    message = str(caught.value)
    assert str(store_file) in message
    assert "backchat sync --rebuild" in message
    assert store_file.read_bytes().startswith(b"these are my notes"), "never touched"


def test_another_programs_database_is_not_taken_over(store_file: Path) -> None:
    store_file.parent.mkdir(parents=True)
    other = sqlite3.connect(store_file)
    other.execute("CREATE TABLE accounts (name TEXT)")
    other.commit()
    other.close()
    with pytest.raises(StoreCorruptError, match="another program"):
        Store(store_file)


def test_a_damaged_store_says_so(store_file: Path) -> None:
    with Store(store_file) as store:
        for index in range(30):
            store.put_conversation(conversation(f"c{index}", "T", 1000.0 + index, "x" * 3000))
    data = bytearray(store_file.read_bytes())
    data[100:8000] = b"\xff" * 7900  # the schema page and beyond
    store_file.write_bytes(bytes(data))
    with pytest.raises(StoreCorruptError, match="rebuild"), Store(store_file) as store:
        store.list_page()


def test_a_newer_schema_is_refused(store_file: Path) -> None:
    Store(store_file).close()
    raw = sqlite3.connect(store_file)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(StoreTooNewError, match="schema 99"):
        Store(store_file)


def test_move_aside_keeps_the_old_file(store_file: Path) -> None:
    with Store(store_file) as store:
        store.put_conversation(conversation("c1", "Kept", 1000.0, "x"))
    moved = move_aside(store_file)
    assert moved is not None
    assert not store_file.exists()
    with Store(moved) as old:
        assert old.conversation_json("c1") is not None


def test_a_full_disk_rolls_back_the_conversation(store: Store) -> None:
    store.put_conversation(conversation("small", "Small", 1000.0, "fits"))
    pages = store._connection.execute("PRAGMA page_count").fetchone()[0]
    # What a full disk looks like to SQLite: no page can be added.
    store._connection.execute(f"PRAGMA max_page_count = {pages + 2}")
    big = conversation("big", "Big", 2000.0, *(f"paragraph {i} " * 400 for i in range(40)))
    with pytest.raises(StoreFullError, match="full"):
        store.put_conversation(big)
    assert store.conversation_json("big") is None
    assert store.hits_in("big", "paragraph") == []
    assert store.conversation_json("small") is not None
    assert store.counts().conversations == 1


WRITER = """
import sys
from tests.store.test_store_basics import conversation
from tui.store import Store
with Store(sys.argv[1]) as store:
    print("ready", flush=True)
    for index in range(150):
        raw = conversation(f"child{index}", "Child", 1000.0 + index, "from the child")
        store.put_conversation(raw)
        store.search("child")
"""


def test_two_processes_read_and_write_at_once(store: Store, store_file: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(store_file)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    for index in range(150):
        store.put_conversation(conversation(f"parent{index}", "Parent", 500.0 + index, "parent"))
        store.list_page(limit=28)
        store.search("from")
    _, errors = child.communicate(timeout=60)
    assert child.returncode == 0, errors
    assert store.counts().conversations == 300


def test_a_write_waits_for_another_writer(store: Store, store_file: Path) -> None:
    other = sqlite3.connect(store_file, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta (key, value) VALUES ('other', 'x')")
    # The other writer lets go a moment later; our write must wait for it, not fail.
    release = threading.Timer(0.3, other.execute, args=("COMMIT",))
    release.start()
    store.put_conversation(conversation("c1", "Waited", 1000.0, "x"))
    release.join()
    other.close()
    assert store.conversation_json("c1") is not None
