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
    "module", ["tui.api", "tui.conversation.tree", "tui.demo", "tui.store.store", "tui.store.sync"]
)
def test_core_does_not_import_textual(module: str) -> None:
    assert _loaded_after(module, ["textual"]) == [], f"importing {module} imported textual"


def test_the_app_starts_without_the_markdown_stack() -> None:
    # What the first frame and the list's first page need, and nothing for rendering messages:
    # Rich's Markdown, markdown-it and Pygments load later, in a thread
    # (tui.rendering.markdown_render.warm_up).
    heavy = ["markdown_it", "rich.markdown", "rich.syntax", "pygments"]
    assert _loaded_after("tui.__main__, tui.app, tui.screens.main", heavy) == []
