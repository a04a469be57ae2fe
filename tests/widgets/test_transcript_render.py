"""The pure pieces behind the transcript: code-block finding, one-liners, times, rendering."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui.conversation.tree import Block, BlockKind
from tui.rendering.markdown_render import (
    block_renderable,
    code_blocks,
    estimate_lines,
    fenced_code,
    markdown_renderable,
    one_line_summary,
    render_to_content,
    render_to_text,
    warm_up,
)

NOW = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


def test_fenced_code_finds_every_fence_in_reading_order() -> None:
    markdown = (
        "Intro\n\n"
        "```python\nprint(1)\n```\n\n"
        "- a list item\n\n  ```bash\n  ls -l\n  ```\n\n"
        "> quoted\n> ~~~\n> q\n> ~~~\n\n"
        "````md\n```\nnot a fence inside\n```\n````\n\n"
        "    indented code is not a fence\n"
    )
    assert fenced_code(markdown) == [
        "print(1)",
        "ls -l",
        "q",
        "```\nnot a fence inside\n```",
    ]


def test_fenced_code_edge_cases() -> None:
    assert fenced_code("") == []
    assert fenced_code("no code at all, just `inline`") == []
    # An unclosed fence runs to the end of the message, as the renderer shows it.
    assert fenced_code("text\n\n```\nstill code\nmore") == ["still code\nmore"]
    assert fenced_code("```\n```") == [""]
    assert fenced_code("```js\na\x1b[2Jb\n```") == ["ab"]


def test_code_blocks_mixes_code_blocks_and_fences_in_order() -> None:
    blocks = (
        Block(BlockKind.MARKDOWN, "```\none\n```"),
        Block(BlockKind.CODE, "two", language="python"),
        Block(BlockKind.OUTPUT, "not code"),
        Block(BlockKind.MARKDOWN, "```\nthree\n```\n\n```\nfour\n```"),
    )
    assert code_blocks(blocks) == ["one", "two", "three", "four"]
    assert code_blocks(()) == []


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        (Block(BlockKind.IMAGE, "1024×1024", label="image"), "▣ image 1024×1024"),
        (Block(BlockKind.IMAGE, ""), "▣ image"),
        (Block(BlockKind.BROWSE, "a.com\nb.com"), "⌕ browsed: a.com b.com"),
        (
            Block(BlockKind.THOUGHTS, "\n\nFirst idea\nsecond", label="Thought for 29s"),
            "✱ Thought for 29s · First idea",
        ),
        (Block(BlockKind.THOUGHTS, ""), "✱ Thoughts"),
        (Block(BlockKind.ERROR, "boom"), "⚠ error: boom"),
        (Block(BlockKind.NOTE, "x", label="web.run"), "• web.run: x"),
        (Block(BlockKind.NOTE, "a\x1b]52;c;SGk=\x07b", label="[/]"), "• [/]: ab"),
    ],
)
def test_one_line_summaries(block: Block, expected: str) -> None:
    assert one_line_summary(block) == expected


def test_one_line_summary_truncates_long_text() -> None:
    summary = one_line_summary(Block(BlockKind.BROWSE, "x" * 5000))
    assert len(summary) < 260
    assert summary.endswith("…")


def test_render_to_content_is_plain_styled_text_of_the_right_height() -> None:
    source = "# Title\n\nSome **bold** and a [link](ssh://evil.example).\n\n```python\nx = 1\n```"
    content, lines = render_to_content(markdown_renderable(source), 40)
    plain = content.plain
    assert lines == plain.count("\n") + 1
    assert all(len(line) <= 40 for line in plain.splitlines())
    assert "x = 1" in plain
    assert "ssh://evil.example" in plain  # shown as text, not hidden in a hyperlink
    assert all(getattr(span.style, "link", None) is None for span in content.spans)
    assert render_to_text(markdown_renderable(source), 40).plain == plain


def test_render_to_content_drops_escape_sequences() -> None:
    hostile = "A\x1b]52;c;SGVsbG8=\x1b\\B\x1b[2JC\x9b2JD [/] [bold]"
    content, _ = render_to_content(markdown_renderable(hostile), 60)
    assert "\x1b" not in content.plain
    assert "\x9b" not in content.plain
    assert "ABCD [/] [bold]" in content.plain


def test_estimate_lines_grows_with_text_and_shrinks_with_width() -> None:
    short = (Block(BlockKind.MARKDOWN, "hello"),)
    long = (Block(BlockKind.MARKDOWN, "word " * 400),)
    assert estimate_lines(short, 80) < estimate_lines(long, 80)
    assert estimate_lines(long, 40) > estimate_lines(long, 120)
    assert estimate_lines((), 80) == 1
    assert estimate_lines((Block(BlockKind.IMAGE, "x"),), 80) == 1


def test_thoughts_are_one_dim_line() -> None:
    block = Block(BlockKind.THOUGHTS, "Step one\nStep two", label="Thought for 3s")
    content, lines = render_to_content(block_renderable(block), 60)
    assert lines == 1
    assert content.plain.rstrip() == "✱ Thought for 3s · Step one"
    assert content.spans
    assert all(getattr(span.style, "dim", False) for span in content.spans)


def test_warm_up_runs() -> None:
    warm_up(("python", "no-such-language"))
