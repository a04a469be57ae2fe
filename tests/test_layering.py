"""Import boundaries: the headless core never pulls in Textual, and start-up stays lean."""

from __future__ import annotations

import json

import pytest

from tests.subprocesses import run_python


def _loaded_after(imports: str, modules: list[str]) -> list[str]:
    found = f"[m for m in {modules!r} if m in sys.modules]"
    code = f"import json, sys, {imports}; print(json.dumps({found}))"
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout)
    return loaded


@pytest.mark.parametrize(
    "module",
    [
        "tui.api",
        "tui.conversation.tree",
        "tui.demo",
        "tui.store.store",
        "tui.store.sync",
        "tui.controllers.chat, tui.controllers.account_loader, tui.controllers.export_files",
    ],
)
def test_core_does_not_import_textual(module: str) -> None:
    assert _loaded_after(module, ["textual"]) == [], f"importing {module} imported textual"


def test_the_app_starts_without_the_markdown_stack() -> None:
    # What the first frame and the list's first page need, and nothing for rendering messages:
    # Rich's Markdown, markdown-it and Pygments load later, in a thread
    # (tui.rendering.markdown_render.warm_up).
    heavy = ["markdown_it", "rich.markdown", "rich.syntax", "pygments"]
    assert _loaded_after("tui.__main__, tui.app, tui.screens.main", heavy) == []


def test_the_stored_list_and_search_need_no_pydantic_or_httpx() -> None:
    # The app shows the stored list before the client's stack is imported (issue 8).
    code = (
        "import json, sys, tempfile, pathlib\n"
        "from tui.store import Store\n"
        "store = Store(pathlib.Path(tempfile.mkdtemp()) / 's.sqlite3')\n"
        "store.list_page(); store.search('words'); store.hits_in('c', 'words')\n"
        "print(json.dumps([m for m in ('pydantic', 'httpx', 'textual') if m in sys.modules]))"
    )
    result = run_python("-c", code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
