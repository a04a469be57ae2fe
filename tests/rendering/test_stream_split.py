"""Cut points of a streamed Markdown reply: never inside a block, and invisible once rendered."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.segment import Segment

from tui.demo.model import reply_for
from tui.rendering.stream_split import SplitScanner, is_safe_cut
from tui.widgets.streaming import render_piece

WIDTH = 100


def safe_split(text: str) -> int:
    """The best cut the scanner finds in ``text`` read in one go (0 when there is none)."""
    scanner = SplitScanner()
    scanner.feed(text)
    return scanner.best


def cut_before(text: str, marker: str) -> int:
    """The offset of the line that starts with ``marker``."""
    index = text.index("\n" + marker) + 1
    return index


def stream(text: str, sizes: list[int], freeze_at: int = 0) -> list[str]:
    """Feed ``text`` in chunks of ``sizes`` (cycled) and cut like the widget does."""
    pieces: list[str] = []
    scanner = SplitScanner()
    tail = ""
    pos = 0
    step = 0
    while pos < len(text):
        size = sizes[step % len(sizes)] if sizes else len(text)
        step += 1
        tail += text[pos : pos + size]
        pos += size
        scanner.feed(tail)
        cut = scanner.best
        if cut and len(tail) >= freeze_at:
            assert is_safe_cut(tail, cut), (tail[:cut], tail[cut:])
            pieces.append(tail[:cut])
            tail = tail[cut:]
            scanner.rebase(cut)
    pieces.append(tail)
    return pieces


def rendered(source: str, *, follows: bool) -> list[list[Segment]]:
    return [list(strip) for strip in render_piece(source, WIDTH, follows=follows)]


def stacked(pieces: list[str]) -> list[list[Segment]]:
    """The pieces rendered as the widget stacks them."""
    lines: list[list[Segment]] = []
    for index, piece in enumerate(pieces):
        lines.extend(rendered(piece, follows=index > 0))
    return lines


# -- where cuts go -------------------------------------------------------------------------


def test_cut_between_paragraphs() -> None:
    text = "One paragraph.\n\nAnother one.\n"
    assert safe_split(text) == cut_before(text, "Another")


def test_no_cut_before_the_last_line_is_finished() -> None:
    # "1" may still become "1. item", continuing a list.
    assert safe_split("Intro.\n\n1") == 0
    assert safe_split("Intro.\n\nText") == 0


def test_no_cut_at_the_start() -> None:
    assert safe_split("\n\nText\n") == 0


@pytest.mark.parametrize(
    "text",
    [
        "```\ncode\n\nmore\n```\n\nafter\n",
        "```python\ndef f():\n\n    return 1\n```\n\nafter\n",
        "~~~\n```\n\ninside\n~~~\n\nafter\n",
        "````markdown\n```\n\ninside\n```\n````\n\nafter\n",
        "```\ncode\n``` not a close\n\nstill code\n```\n\nafter\n",
        "   ```\ncode\n\nmore\n   ```\n\nafter\n",
        "~~~~\n~~~\n\nstill code\n~~~~\n\nafter\n",
        "1. Step:\n   ```bash\n   ls\n\n   pwd\n   ```\n\nafter\n",
        "- ```\n  code\n\n  more\n  ```\n\nafter\n",
    ],
)
def test_no_cut_inside_code(text: str) -> None:
    assert safe_split(text) == cut_before(text, "after")


@pytest.mark.parametrize(
    "text",
    [
        "<!--\n\ncomment\n-->\n\nafter\n\nlater\n",
        "<pre>\n\nkept\n</pre>\n\nafter\n\nlater\n",
        "<!-- one line -->\n\nafter\n\nlater\n",
    ],
)
def test_no_cut_inside_or_right_after_html(text: str) -> None:
    # Rich renders no HTML, but the blank line before the next block depends on what came
    # before the HTML block: it stays in one piece with the block after it.
    assert safe_split(text) == cut_before(text, "later")


def test_two_comments_render_like_the_whole() -> None:
    text = "<!--\n\nnote\n-->\n\n<!--\n\nnote\n-->\n\n"
    pieces = stream(text, [1])
    assert stacked(pieces) == rendered(text, follows=False)


def test_backticks_in_the_info_string_are_not_a_fence() -> None:
    text = "``` a`b\n\nnext\n"
    assert safe_split(text) == cut_before(text, "next")


def test_four_spaces_are_indented_code_not_a_fence() -> None:
    text = "Intro.\n\n    ```\n\nnext\n"
    assert safe_split(text) == cut_before(text, "next")


def test_unclosed_fence_allows_no_cut() -> None:
    assert safe_split("Intro.\n\n```\ncode\n\nmore\n\nstill\n") == cut_before(
        "Intro.\n\n```\ncode\n\nmore\n\nstill\n", "```"
    )


@pytest.mark.parametrize(
    "text",
    [
        "- a\n\n- b\n",
        "1. a\n\n2. b\n",
        "3) a\n\n4) b\n",
        "- a\n\n  continued\n",
        "* a\n\n+ b\n",
        "- a\n\n\tcontinued\n",
    ],
)
def test_no_cut_inside_lists(text: str) -> None:
    assert safe_split(text) == 0


def test_cut_after_a_list() -> None:
    text = "- a\n\n- b\n\nAfter the list.\n"
    assert safe_split(text) == cut_before(text, "After")


def test_cut_around_tables_quotes_and_headings() -> None:
    text = "# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n>\n> more\n\n## Next\n\nText\n"
    scanner = SplitScanner()
    cuts: list[int] = []
    for end in range(1, len(text) + 1):
        scanner.feed(text[:end])
        if scanner.best and (not cuts or cuts[-1] != scanner.best):
            cuts.append(scanner.best)
    assert cuts == [
        cut_before(text, "| a"),
        cut_before(text, "> quoted"),
        cut_before(text, "## Next"),
        cut_before(text, "Text"),
    ]


def test_no_cut_right_after_a_thematic_break() -> None:
    text = "a\n\n---\n\nb\n"
    assert safe_split(text) == cut_before(text, "---")


def test_pieces_rejoin_to_the_original() -> None:
    text = reply_for("#long").text
    pieces = stream(text, [7, 25, 3, 60])
    assert len(pieces) > 50
    assert "".join(pieces) == text


def test_scan_is_incremental_and_rebases() -> None:
    scanner = SplitScanner()
    text = "A.\n\nB.\n\n```\nx\n\ny\n```\n\nC.\n"
    scanner.feed(text[:10])
    first = scanner.best
    assert first == cut_before(text, "B.")
    scanner.rebase(first)
    rest = text[first:]
    scanner.feed(rest)
    assert rest[scanner.best :] == "C.\n"
    with pytest.raises(ValueError, match="not the best"):
        scanner.rebase(1)


@pytest.mark.parametrize(
    "text",
    [
        "See [the docs][1].\n\n[1]: https://example.com\n",
        "A\x1b]52;c;SGVsbG8=\n\nB\x07\n",
    ],
)
def test_what_reaches_across_cuts_is_reported(text: str) -> None:
    scanner = SplitScanner()
    scanner.feed(text)
    assert scanner.needs_whole_render


def test_ordinary_text_needs_no_whole_render() -> None:
    scanner = SplitScanner()
    scanner.feed(reply_for("#long").text)
    assert not scanner.needs_whole_render


def test_is_safe_cut_rejects_a_cut_inside_a_fence() -> None:
    text = "```\na\n\nb\n```\n"
    assert not is_safe_cut(text, text.index("b"))
    assert not is_safe_cut(text, 0)
    assert is_safe_cut("a\n\nb\n", 3)


# -- cut pieces render like the whole ------------------------------------------------------


def test_demo_document_renders_the_same_cut_or_whole() -> None:
    reply = reply_for("#long")
    text = reply.text
    assert len(text) > 45_000
    pieces = stream(text, [len(chunk) for chunk in reply.chunks])
    assert len(pieces) > 50
    assert stacked(pieces) == rendered(text, follows=False)


_WORDS = st.sampled_from(["alpha", "beta", "**bold**", "`code`", "*em*", "[a](https://x.io)"])
_LINE = st.lists(_WORDS, min_size=1, max_size=6).map(" ".join)
_BLOCKS = st.one_of(
    _LINE,
    _LINE.map(lambda line: "## " + line),
    st.lists(_LINE, min_size=1, max_size=3).map(lambda ls: "\n".join("- " + x for x in ls)),
    st.lists(_LINE, min_size=1, max_size=3).map(
        lambda ls: "\n\n".join(f"{i + 1}. {x}" for i, x in enumerate(ls))
    ),
    st.lists(_LINE, min_size=1, max_size=3).map(lambda ls: "\n".join("> " + x for x in ls)),
    st.lists(_LINE, min_size=1, max_size=3).map(
        lambda ls: "| a | b |\n|---|---|\n" + "\n".join(f"| {x} | 1 |" for x in ls)
    ),
    st.sampled_from(
        [
            "```python\nx = 1\n\ny = 2\n```",
            "~~~\n```\n\nnot closed by backticks\n~~~",
            "````\n```\n\ninner\n```\n````",
            "- item\n\n  ```bash\n  ls\n\n  pwd\n  ```",
            "1. step\n\n   continued\n\n2. next",
            "    indented code\n\n    more",
            "---",
            "***",
            "<!--\n\nnote\n-->",
            "![image](https://x.io/a.png) caption",
            "Title\n=====",
            "- a\n  - b\n\n    deeper\n- c",
            "> quote\n>\n> - list in quote\n>\n> ```\n> code\n> ```",
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_BLOCKS, min_size=1, max_size=12),
    st.lists(st.sampled_from(["\n\n", "\n\n\n", "\n", "\n \n"]), min_size=12, max_size=12),
    st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=5),
)
def test_any_document_renders_the_same_cut_or_whole(
    blocks: list[str], gaps: list[str], sizes: list[int]
) -> None:
    text = "".join(block + gap for block, gap in zip(blocks, gaps, strict=False))
    pieces = stream(text, sizes)
    assert "".join(pieces) == text
    assert stacked(pieces) == rendered(text, follows=False)


def test_a_piece_that_shows_nothing_takes_no_line() -> None:
    text = "<!--\n\nnote\n-->\n\nalpha\n"
    pieces = stream(text, [1])
    assert pieces[0].startswith("<!--")
    assert stacked(pieces) == rendered(text, follows=False)
