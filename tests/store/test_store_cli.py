"""``backchat sync | import | search`` through the real command line, against the demo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.store.conftest import SMALL
from tests.subprocesses import REPO
from tui.__main__ import main
from tui.demo.server import DemoServer
from tui.store import Store

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config or token; the data dir is the test's own."""
    for name in ("OPENAI_ACCESS_TOKEN", "OPENAI_API_KEY", "OPENAI_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch, small_demo: DemoServer) -> DemoServer:
    monkeypatch.setenv("OPENAI_ACCESS_TOKEN", small_demo.token)
    return small_demo


def test_sync_then_search_in_the_data_dir(
    signed_in: DemoServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["--base-url", signed_in.base_url, "sync", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert f"{SMALL} new, 0 updated, 0 unchanged, 0 failed" in out
    [stored] = (tmp_path / "data" / "backchat").glob("*.sqlite3")
    assert str(stored) in out
    assert main(["--base-url", signed_in.base_url, "search", "csv rust", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    hit = json.loads(lines[0])
    assert {"conversation_id", "message_id", "title", "role", "create_time", "snippet"} <= set(hit)
    assert hit["title"] == "Faster CSV parsing in Rust"
    for start, end in hit["matches"]:
        assert hit["snippet"][start:end].lower() in {"csv", "rust"}
    assert main(["--base-url", signed_in.base_url, "search", "zzqxv", "--json"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["--base-url", signed_in.base_url, "search", "csv", "--limit", "1"]) == 0
    plain = capsys.readouterr().out.splitlines()
    assert len(plain) == 2, "one hit: a title line and a snippet line"


def test_sync_without_a_token_says_how_to_sign_in(
    small_demo: DemoServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--base-url", small_demo.base_url, "sync"]) == 2
    assert "backchat login" in capsys.readouterr().err


def test_a_corrupt_store_is_named_and_rebuild_keeps_it(
    signed_in: DemoServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = tmp_path / "mine.sqlite3"
    store.write_text("not a database")
    assert main(["search", "anything", "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert str(store) in err
    assert "backchat sync --rebuild" in err
    args = ["--base-url", signed_in.base_url, "sync", "--rebuild", "--store", str(store)]
    assert main(args) == 0
    out = capsys.readouterr().out
    [kept] = tmp_path.glob("mine.sqlite3.broken-*")
    assert kept.read_text() == "not a database"
    assert str(kept) in out
    assert f"{SMALL} new" in out


def test_import_prints_a_summary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    export = FIXTURES / "realazthat_chatgpt2graph_conversations.json"
    store = tmp_path / "imported.sqlite3"
    assert main(["import", str(export), "--store", str(store)]) == 0
    assert "1 new, 0 updated, 0 unchanged, 0 skipped" in capsys.readouterr().out
    assert main(["import", str(export), "--store", str(store)]) == 0
    assert "0 new, 0 updated, 1 unchanged, 0 skipped" in capsys.readouterr().out
    assert main(["search", "uniform", "--store", str(store), "--json"]) == 0
    assert capsys.readouterr().out.strip()
    assert main(["import", str(tmp_path / "missing.zip"), "--store", str(store)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_help_lists_the_store_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("sync", "import", "search"):
        assert command in out


def test_ctrl_c_stops_cleanly_and_the_next_sync_continues(
    signed_in: DemoServer, tmp_path: Path
) -> None:
    store_file = tmp_path / "interrupted.sqlite3"
    signed_in.faults.latency = 0.05  # slow enough to interrupt half way
    command = [sys.executable, "-m", "tui", "--base-url", signed_in.base_url, "sync"]
    child = subprocess.Popen(
        [*command, "--jobs", "1", "--store", str(store_file)],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # A shell without job control starts background children with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    stored = 0
    while stored < 3 and time.monotonic() < deadline:
        time.sleep(0.02)  # polls the store the child writes: the condition, not a guess
        if store_file.exists():
            with Store(store_file) as watcher:
                stored = watcher.counts().with_body
    child.send_signal(signal.SIGINT)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 130, out
    assert "Interrupted" in out
    signed_in.faults.latency = 0.0
    with Store(store_file) as after:
        kept = after.counts().with_body
    assert 3 <= kept < SMALL
    rerun = subprocess.run(
        [*command, "--store", str(store_file)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"{SMALL - kept} new" in rerun.stdout
