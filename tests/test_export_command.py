"""``backchat export`` through the real command line, against the demo backend over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app.pilot_helpers import SHOWCASE, listing
from tui.__main__ import main
from tui.demo.server import DemoServer


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config or token."""
    for name in ("OPENAI_ACCESS_TOKEN", "OPENAI_API_KEY", "OPENAI_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch, demo: DemoServer) -> DemoServer:
    monkeypatch.setenv("OPENAI_ACCESS_TOKEN", demo.token)
    return demo


def test_export_all_as_markdown(
    signed_in: DemoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["--base-url", signed_in.base_url, "export", "--all", str(out)]) == 0
    listed = listing(signed_in)
    files = sorted(out.iterdir())
    assert len(files) == len(listed)
    assert all(f.name.endswith(".md") and "_branch_" in f.name for f in files)
    assert f"Exported {len(listed)} conversations to {out}" in capsys.readouterr().err
    top = listed[SHOWCASE]
    [showcase] = out.glob("faster-csv-parsing-in-rust_branch_*.md")
    assert showcase.read_text(encoding="utf-8").startswith(f"# {top.title}\n\n- Created: ")


def test_export_ids_as_json_trees_never_replaces(
    signed_in: DemoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = listing(signed_in)[SHOWCASE]
    args = ["--base-url", signed_in.base_url, "export", "--id", top.id, "--format", "json"]
    assert main([*args, str(tmp_path)]) == 0
    assert main([*args, str(tmp_path)]) == 0
    first, second = (Path(line) for line in capsys.readouterr().out.split())
    assert first != second
    assert second.name == first.name.replace(".json", "-2.json")
    data = json.loads(first.read_text(encoding="utf-8"))
    assert "_tree_" in first.name
    assert data["title"] == top.title
    assert len(data["mapping"]) > 5


def test_one_missing_conversation_is_reported_and_the_rest_written(
    signed_in: DemoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = listing(signed_in)[SHOWCASE]
    args = ["--base-url", signed_in.base_url, "export", "--id", "nope", "--id", top.id]
    assert main([*args, str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "nope" in err
    assert "Exported 1 conversation to" in err
    assert len(list(tmp_path.glob("*.md"))) == 1


def test_export_without_a_token_says_how(
    demo: DemoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--base-url", demo.base_url, "export", "--all", str(tmp_path)]) == 2
    assert "backchat login" in capsys.readouterr().err


def test_export_from_the_demo_needs_no_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--demo", "--all", "--format", "json", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*_tree_*.json"))) > 300
    assert "Exported" in capsys.readouterr().err
