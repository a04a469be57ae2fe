"""The one Markdown parser behind every message, streamed or opened: it never drops text.

Rich's Markdown parses with markdown-it-py's CommonMark preset (rich.markdown 15.0.0) and then
renders nothing for HTML, so ``List<Integer>`` showed as ``List`` and ``<b>bold</b>`` as
``bold``. The web app shows HTML in a reply as text; so does this parser: HTML is off, and
markdown-it reads ``<b>`` as the characters it is.

The CommonMark preset also stops at 20 levels of block nesting and silently skips *everything*
after that point of the document (``maxNesting``, markdown_it/parser_block.py, checked on
markdown-it-py 4.3.0): a list nested about nine deep lost the rest of the reply. Here, once
the nesting leaves too few columns (:data:`INDENT_CAP`), a block is flattened instead: its lines
become one paragraph, one line each, without further indentation, so every word is kept and the
renderer never has to draw a pyramid narrower than the pane.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock

BlockRule = Callable[["StateBlock", int, int, bool], bool]

INDENT_CAP = 15
"""Columns of list and quote indentation from which content is flattened: five nested lists
(3 columns each) or three nested quotes (4 each) still render as such, and a 22-column pane
(the narrowest the app lays out) keeps a few columns for the words."""

QUOTE_COLUMNS = 4
"""Columns Rich takes from a quote's content (rich.markdown.BlockQuote, rich 15.0.0)."""
LIST_COLUMNS = 3
"""Columns Rich takes from a list item's content (the bullet, or "1. " for short lists)."""

_INDENT_KEY = "backchat_indent"
"""Where the parse keeps the indentation of the block being parsed (the parse's ``env``)."""


@cache
def markdown_parser() -> MarkdownIt:
    """The parser for messages (made on first use: markdown-it-py costs an import).

    The same extensions as Rich's (strikethrough, tables), HTML off, deep nesting flattened.
    """
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import blockquote, list_block

    parser = MarkdownIt("commonmark", {"html": False}).enable("strikethrough").enable("table")
    # The rules' "alt" lists as markdown_it/parser_block.py gives them (4.3.0): ``at`` resets them.
    ruler = parser.block.ruler
    quote_alt = ["paragraph", "reference", "blockquote", "list"]
    ruler.at("blockquote", _counting(blockquote, QUOTE_COLUMNS), {"alt": quote_alt})
    list_alt = ["paragraph", "reference", "blockquote"]
    ruler.at("list", _counting(list_block, LIST_COLUMNS), {"alt": list_alt})
    # Before every other block rule, so no deeper list or quote opens past the cap.
    ruler.before("table", "flatten_deep", _flatten_deep)
    return parser


def _counting(rule: BlockRule, columns: int) -> BlockRule:
    """``rule`` (quote or list), counting ``columns`` more indentation while it parses its content.

    Both rules parse their content by calling the block parser again from inside the rule, so
    while they run, the count is that of the content being parsed.
    """

    def counted(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if silent:
            return rule(state, start, end, silent)
        outer = state.env.get(_INDENT_KEY, 0)
        state.env[_INDENT_KEY] = outer + columns
        try:
            return rule(state, start, end, silent)
        finally:
            state.env[_INDENT_KEY] = outer

    return counted


def _flatten_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """From :data:`INDENT_CAP` columns in, the rest of the enclosing block as one flat paragraph.

    Each source line keeps its own line (a hard break between them) and its text after the
    indentation, list markers and ``>`` included: the structure is flattened, the words stay.
    """
    if silent or state.env.get(_INDENT_KEY, 0) < INDENT_CAP:
        return False
    lines: list[str] = []
    line = start
    while line < end:
        if not state.isEmpty(line):
            if state.sCount[line] < state.blkIndent:
                break  # the enclosing list item or quote ends here
            first = state.bMarks[line] + state.tShift[line]
            lines.append(state.src[first : state.eMarks[line]].rstrip())
        line += 1
    opening = state.push("paragraph_open", "p", 1)
    opening.map = [start, line]
    inline = state.push("inline", "", 0)
    # Two trailing spaces make a hard break; a line ending in a backslash is kept as text.
    inline.content = "  \n".join(lines)
    inline.map = [start, line]
    inline.children = []
    state.push("paragraph_close", "p", -1)
    state.line = line
    return True
