"""Where a growing Markdown reply can be cut, so that its finished part is rendered only once.

A streamed reply is shown as frozen pieces plus a live tail (docs/TEXTUAL-NOTES.md §1,
"rich-split"): only the tail is re-rendered as text arrives. A cut must not change what the
reader sees. It is made at a blank line at the top level of the document, before a line that
cannot continue anything above it:

- not inside a fenced code block (``` or ~~~, closed only by the same character, at least as
  long, indented at most three spaces), nor inside what CommonMark would call an HTML block
  running across blank lines (``<!-- -->``, ``<pre>``, ``<script>``...). The renderer shows
  HTML as text (:mod:`tui.rendering.markdown_parser`), so those are paragraphs; keeping them
  whole is only cautious;
- not before an indented line or a list marker: either may continue the list above (and a
  continued ordered list keeps its numbering);
- not right after a thematic break (see below) or an HTML block (Rich renders none, but the
  spacing around it depends on its neighbours).

Then Markdown parses ``text[:cut]`` into exactly the blocks it finds at the start of ``text``, and
``text[cut:]`` into the rest (:func:`is_safe_cut` checks the first half with the renderer's own
parser). What is left is Rich's spacing: it puts a blank line before a top-level block when the
element closed just before it asks for one (all do but the thematic break, whose own render ends
with a blank line), so a piece after the first is rendered behind a one-line stand-in paragraph
that is then dropped (see ``tui.widgets.streaming``): its first lines are exactly the lines it
has in the whole. That is also why no cut follows a thematic break.

Some things reach across any cut: a link reference definition (``[1]: https://...``) changes
links anywhere in the document, and a terminal escape sequence may span lines (the sanitiser
removes it whole). :attr:`SplitScanner.needs_whole_render` reports them, so that the caller can
render the finished reply in one piece.

The scan is incremental and linear: each line is looked at once, when its newline arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tui.rendering.markdown_parser import markdown_parser
from tui.text.sanitize import clean_text

# After the indentation: a run of 3+ backticks or tildes, and the info string.
_FENCE = re.compile(r"(`{3,}|~{3,})(.*)")
# A list item marker ("-", "+", "*", "1.", "1)") followed by white space or the end of the line.
_LIST_MARKER = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$)")
# A thematic break: three or more of the same -, * or _ with only spaces between.
_THEMATIC_BREAK = re.compile(r"([-*_])(?:[ \t]*\1){2,}[ \t]*")
# HTML blocks that a blank line does not end (CommonMark types 1-5): start, end condition.
_HTML_BLOCKS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.IGNORECASE),
        re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE),
    ),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
)
# Characters that may start a terminal sequence spanning several lines (OSC, DCS, C1 OSC...).
_SEQUENCE_STARTERS = ("\x1b", "\x90", "\x98", "\x9b", "\x9d", "\x9e", "\x9f")
# Any control character other than TAB: the line is cleaned before it is looked at.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class _Fence:
    char: str
    """"`" or "~": a fence is closed only by the same character."""
    length: int
    """The opening run's length: the closing run must be at least as long."""
    column: int
    """Content column of the list item holding the fence (0 at the top level). A line indented
    less closes the item, and with it the fence: fenced code has no lazy continuation lines."""


def _indentation(line: str) -> tuple[int, int]:
    """(columns, characters) of the line's leading white space; a tab advances to a stop of 4."""
    column = 0
    for index, char in enumerate(line):
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            return column, index
    return column, len(line)


class SplitScanner:
    """Finds safe cut points in a text that keeps growing at its end.

    Call :meth:`feed` with the whole current text whenever it has grown; only the lines
    completed since the last call are scanned. :attr:`best` is then the largest offset where the
    text can be cut (0 if none yet). After cutting there, call :meth:`rebase` with that offset
    and go on feeding what is left of the text.
    """

    def __init__(self) -> None:
        self._pos = 0
        self._search_from = 0
        self._fence: _Fence | None = None
        self._html_end: re.Pattern[str] | None = None
        self._lists: list[int] = []
        self._after_blank = False
        self._after_break = False
        self._seen_content = False
        self._best = 0
        self.needs_whole_render = False
        """True once the text holds something that reaches across cuts (a link reference
        definition, a terminal escape sequence): render the finished text in one piece."""

    @property
    def best(self) -> int:
        """The largest safe cut offset found so far in the current text, or 0."""
        return self._best

    def feed(self, text: str) -> None:
        """Scan the lines of ``text`` completed since the last call (``text`` only grows)."""
        pos = self._pos
        end = text.find("\n", max(pos, self._search_from))
        while end != -1:
            self._line(text[pos:end], pos)
            pos = end + 1
            end = text.find("\n", pos)
        self._pos = pos
        # The unfinished last line has been searched for a newline already.
        self._search_from = len(text)

    def rebase(self, cut: int) -> None:
        """The caller dropped ``text[:cut]`` (``cut`` is :attr:`best`); shift the offsets."""
        if cut <= 0 or cut != self._best:
            raise ValueError(f"cut {cut} is not the best split point {self._best}")
        self._pos -= cut
        self._search_from -= cut
        self._best = 0

    def discard_best(self) -> None:
        """Forget :attr:`best` (the caller found it unusable); later cut points still count."""
        self._best = 0

    # -- one line -------------------------------------------------------------------------

    def _line(self, line: str, start: int) -> None:
        if _CONTROL.search(line) is not None:
            if any(starter in line for starter in _SEQUENCE_STARTERS):
                self.needs_whole_render = True
            # Look at the line as the renderer will (the sanitiser runs first).
            line = clean_text(line)
        if self._html_end is not None:
            if self._html_end.search(line):
                self._html_end = None
                self._after_blank = False
                self._after_break = True  # no cut right after an HTML block: see _open_block
            return
        blank = not line.strip(" \t")
        fence = self._fence
        if fence is not None:
            if blank:
                return
            indent, chars = _indentation(line)
            if indent >= fence.column:
                body = line[chars:].rstrip(" \t")
                if (
                    indent - fence.column <= 3
                    and len(body) >= fence.length
                    and body == fence.char * len(body)
                ):
                    self._fence = None
                    self._after_blank = self._after_break = False
                return
            # Indented less than its list item: the item ends, and the fence with it; the line
            # is an ordinary one.
            self._fence = None
        if blank:
            self._after_blank = True
        else:
            self._content(line, start)

    def _content(self, line: str, start: int) -> None:
        indent, chars = _indentation(line)
        body = line[chars:]
        is_break = indent <= 3 and _THEMATIC_BREAK.fullmatch(body) is not None
        marker = None if is_break else _LIST_MARKER.match(body)
        if self._after_blank:
            # A line after a blank one closes the list items it is not indented into.
            self._lists = [column for column in self._lists if column <= indent]
            if indent == 0 and marker is None and self._seen_content and not self._after_break:
                self._best = start
        if "]:" in line and line.lstrip(" \t>").startswith("["):
            # Maybe a link reference definition: it defines links anywhere in the document.
            self.needs_whole_render = True
        self._after_blank = False
        self._after_break = is_break
        self._seen_content = True
        container = self._container(indent)
        if indent - container > 3:
            return  # indented code (or a paragraph's continuation): nothing opens here
        if marker is not None:
            self._list_item(body, indent, marker.end())
        else:
            self._open_block(body, container)

    def _container(self, indent: int) -> int:
        """Content column of the innermost open list item that a line at ``indent`` is in."""
        for column in reversed(self._lists):
            if column <= indent:
                return column
        return 0

    def _list_item(self, body: str, indent: int, marker_end: int) -> None:
        rest = body[marker_end:]
        spaces, chars = _indentation(rest)
        # Content starts after 1-4 spaces; an empty item or one starting with indented code
        # counts one space.
        width = spaces if rest[chars:] and spaces <= 4 else 1
        column = indent + marker_end + width
        self._lists = [c for c in self._lists if c <= indent]
        self._lists.append(column)
        if rest[chars:] and spaces <= 4:
            # "- ```": a fence opened on the marker line lives in the new item.
            self._open_block(rest[chars:], column)

    def _open_block(self, body: str, container: int) -> None:
        """Note a fence or an HTML block that starts on this line (``body``: after indent)."""
        if body.startswith(("`", "~")):
            match = _FENCE.fullmatch(body)
            if match is None:
                return
            run, info = match.groups()
            if run[0] == "`" and "`" in info:
                return  # inline code, not a fence
            # A fence cannot be a lazy continuation: deeper list items end here.
            self._lists = [c for c in self._lists if c <= container]
            self._fence = _Fence(run[0], len(run), container)
            self._after_break = False
        elif body.startswith("<"):
            for start, end in _HTML_BLOCKS:
                if start.match(body):
                    if end.search(body) is None:
                        self._html_end = end
                    # Rich renders no HTML, yet the blank line it puts before the next block
                    # depends on what came before the HTML block (rich 15.0.0): "<!-- -->"
                    # after a paragraph leaves a blank line, after another comment nothing.
                    # Kept in one piece with the block after it, the HTML renders as it does
                    # in the whole reply.
                    self._after_break = True
                    return


def is_safe_cut(text: str, cut: int) -> bool:
    """Check a cut with the renderer's own parser (a second opinion on :class:`SplitScanner`).

    True when ``text[:cut]`` parses to exactly the tokens that ``text`` starts with, and the
    next top-level block of ``text`` starts on the line at ``cut``. Costs two parses of about
    ``len(text)``.
    """
    if cut <= 0 or cut >= len(text) or text[cut - 1] != "\n":
        return False
    # Parsed as the renderer parses it: after the sanitiser.
    head = clean_text(text[:cut])
    whole = markdown_parser().parse(head + clean_text(text[cut:]))
    first = markdown_parser().parse(head)
    if whole[: len(first)] != first or len(whole) == len(first):
        return False
    following = whole[len(first)].map
    return following is not None and following[0] == head.count("\n")
