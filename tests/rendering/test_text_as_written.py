"""Text as written: prompts verbatim, and no word of a reply's Markdown ever dropped."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tui.conversation.content import Block, BlockKind
from tui.demo.markup import MARKUP_REPLY
from tui.rendering.markdown_parser import INDENT_CAP
from tui.rendering.markdown_render import (
    block_renderable,
    markdown_renderable,
    prompt_renderable,
    render_to_text,
)

PROMPT = (
    "Why does List<String> break my <b>template</b>?\n"
    "second line stays apart\n"
    "- a dash, not a bullet\n"
    "  two leading spaces kept\n"
    "# not a heading, *not emphasis*, `not code`"
)
"""The prompt from issue 9, plus a heading, emphasis and backticks that must stay as typed."""


def words(text: str) -> Counter[str]:
    """Each word (letters and digits) with how often it occurs."""
    return Counter(re.findall(r"[A-Za-z0-9]+", text))


def missing_words(source: str, shown: str) -> Counter[str]:
    """Words of ``source`` that ``shown`` has fewer of (empty when every word made it)."""
    return words(source) - words(shown)


def rendered(text: str, width: int) -> str:
    return render_to_text(markdown_renderable(text), width).plain


@pytest.mark.parametrize("width", [24, 40, 80, 160])
def test_every_word_of_hostile_markdown_is_rendered(width: int) -> None:
    shown = rendered(MARKUP_REPLY, width)
    assert not missing_words(MARKUP_REPLY, shown)
    # HTML-like text shows as typed, not as markup.
    flat = " ".join(shown.split())
    assert "List<Integer>" in flat
    assert "<b>bold tag</b>" in flat
    assert "<kbd>Ctrl</kbd>" in flat
    assert "Text after everything, final words." in flat


@pytest.mark.parametrize("width", [12, 20, 40])
def test_table_cells_fold_in_a_narrow_pane(width: int) -> None:
    cells = ["column <a>", "column <b>", "cell<one>", "supercalifragilistic"]
    source = f"| {cells[0]} | {cells[1]} |\n|---|---|\n| {cells[2]} | {cells[3]} |\n"
    shown = rendered(source, width)
    assert "…" not in shown  # folded onto more lines, never cut
    wanted = Counter("".join(cells).replace(" ", ""))
    assert not wanted - Counter(shown)


def test_html_outside_code_is_text() -> None:
    source = "Use <b>bold</b> and List<Integer>.\n\n<div>\nblock <i>words</i>\n</div>\n"
    flat = " ".join(rendered(source, 80).split())
    assert "Use <b>bold</b> and List<Integer>." in flat
    assert "<div> block <i>words</i> </div>" in flat


@pytest.mark.parametrize("depth", [12, 60, 400])
def test_deep_lists_are_flattened_not_dropped(depth: int) -> None:
    source = "".join(f"{'  ' * level}- item{level}\n" for level in range(depth)) + "\nafter\n"
    shown = rendered(source, 40)
    assert not missing_words(source, shown)
    # Indentation stops growing at the cap: the words keep most of the pane.
    indents = [len(line) - len(line.lstrip()) for line in shown.splitlines() if "item" in line]
    assert max(indents) <= INDENT_CAP + 2


@pytest.mark.parametrize("width", [22, 40])
def test_deep_quotes_keep_their_words_in_a_narrow_pane(width: int) -> None:
    source = ">" * 300 + " deep words\n\n> > > > > > > > > > ten quotes\n\nafter"
    shown = rendered(source, width)
    assert not missing_words(source, shown)


def test_mixed_nesting_inside_a_list() -> None:
    source = "1. one\n   > quote\n   > - item *em*\n   >   - deeper\n   >     > again\n"
    assert not missing_words(source, rendered(source, 30))


def test_a_prompt_shows_exactly_as_typed() -> None:
    shown = render_to_text(prompt_renderable(PROMPT), 80).plain.split("\n")
    assert [line.rstrip() for line in shown] == PROMPT.split("\n")


def test_a_prompt_wraps_to_the_pane_and_keeps_long_words() -> None:
    prompt = "short line\n" + "x" * 50 + "\nwords that wrap around the edge"
    shown = render_to_text(prompt_renderable(prompt), 20).plain
    assert all(len(line) <= 20 for line in shown.split("\n"))
    assert shown.count("x") == 50  # folded onto the next lines, not cut
    assert not missing_words("short line words that wrap around the edge", shown)


def test_only_prompts_are_verbatim() -> None:
    block = Block(BlockKind.MARKDOWN, "# Title\n\n*em*")
    as_prompt = render_to_text(block_renderable(block, verbatim=True), 40).plain
    as_reply = render_to_text(block_renderable(block), 40).plain
    assert as_prompt.split("\n") == ["# Title", "", "*em*"]
    assert "#" not in as_reply
    assert "*" not in as_reply
