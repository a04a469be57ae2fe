"""Markdown exports: the header, prompts as typed, and every branch with the active one marked."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

from tui.api.models import Conversation
from tui.conversation.formats import (
    export_date,
    thread_markdown,
    tree_markdown,
    verbatim_block,
)
from tui.conversation.tree import active_thread, visible_messages

PROMPT = (
    "Why does List<String> break my <b>template</b>?\n"
    "second line stays apart\n"
    "- a dash, not a bullet\n"
    "  two leading spaces kept\n"
    "``` a fence of my own"
)
"""A prompt that Markdown would change: tags, line breaks, a dash, indentation, a fence."""


def node(node_id: str, parent: str | None, children: list[str], role: str, text: str) -> Any:
    message = {
        "id": node_id,
        "author": {"role": role},
        "content": {"content_type": "text", "parts": [text]},
        "metadata": {"model_slug": "gpt-4o"} if role == "assistant" else {},
    }
    return {"id": node_id, "parent": parent, "children": children, "message": message}


def forked(current: str = "a2") -> Conversation:
    """root → prompt → two answers (a1, a2); the server's current node is ``current``."""
    return Conversation.model_validate(
        {
            "title": "Templates\nand lists",
            "create_time": 1700000000.0,
            "update_time": 1700003600.0,
            "default_model_slug": "gpt-4o",
            "current_node": current,
            "conversation_id": "c-1",
            "mapping": {
                "root": {"id": "root", "parent": None, "children": ["p"], "message": None},
                "p": node("p", "root", ["a1", "a2"], "user", PROMPT),
                "a1": node("a1", "p", [], "assistant", "First **answer**."),
                "a2": node("a2", "p", [], "assistant", "Second answer."),
            },
        }
    )


def rendered_text(markdown: str) -> str:
    """What a Markdown viewer shows for the document's code blocks (the fenced prompts)."""
    tokens = MarkdownIt().parse(markdown)
    return "".join(token.content for token in tokens if token.type == "fence")


def test_header_carries_title_dates_and_model() -> None:
    conv = forked()
    markdown = thread_markdown(conv, visible_messages(conv, active_thread(conv)))
    assert markdown.startswith(
        "# Templates and lists\n\n"
        "- Created: 2023-11-14 22:13 UTC\n"
        "- Updated: 2023-11-14 23:13 UTC\n"
        "- Model: gpt-4o\n\n"
        "## User\n"
    )


def test_prompt_reads_as_typed_in_a_markdown_viewer() -> None:
    conv = forked()
    markdown = thread_markdown(conv, visible_messages(conv, active_thread(conv)))
    # Parsed as Markdown, the prompt comes back character for character.
    assert rendered_text(markdown) == PROMPT + "\n"
    # The reply is Markdown already and stays so.
    assert "## Assistant (gpt-4o)\n\nSecond answer." in markdown


def test_fence_outgrows_backticks_in_the_text() -> None:
    assert verbatim_block("a ```` b").startswith("`````text\n")
    assert verbatim_block("plain") == "```text\nplain\n```"


def test_tree_puts_the_active_branch_first_and_marks_it() -> None:
    conv = forked(current="a2")
    markdown = tree_markdown(conv, active_leaf="a1")
    first, second = markdown.split("\n---\n")
    assert "## Branch 1 of 2 (active)" in first
    assert "First **answer**." in first
    assert "## Branch 2 of 2\n" in second
    assert "(active)" not in second
    assert "Second answer." in second
    # Without a leaf the server's current branch is the active one.
    assert "## Branch 1 of 2 (active)\n\n### User" in tree_markdown(conv)
    assert tree_markdown(conv).index("Second answer.") < tree_markdown(conv).index("First")


def test_dates_without_a_zone_are_utc_and_missing_ones_say_so() -> None:
    from datetime import datetime

    assert export_date(datetime(2024, 5, 1, 10, 0)) == "2024-05-01 10:00 UTC"
    assert export_date(None) == "—"
