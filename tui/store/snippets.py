"""Snippets and highlights, cut in Python from the stored text and the query's words.

FTS5's own ``snippet()`` re-runs the whole query for each row it is asked about, which for a
prefix (``retr*``) costs milliseconds per row; ranking first and cutting the few snippets shown
here keeps every keystroke fast (bench/search_store.py). Words are compared the way the index's
``unicode61 remove_diacritics 2`` tokenizer does: runs of letters and digits, case and accents
folded. Segments are plain text with matches marked, never markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from tui.store.records import Segment

_TOKEN = re.compile(r"[^\W_]+")
_BLANKS = re.compile(r"\s+")
SNIPPET_WORDS = 16
"""Words in a snippet, around its first match."""
ELLIPSIS = "…"


def fold(word: str) -> str:
    """Lower case without accents, as the tokenizer compares words."""
    if word.isascii():
        return word.lower()
    return _fold_unicode(word)


@lru_cache(maxsize=4096)
def _fold_unicode(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True, slots=True)
class Term:
    """One word the query looks for."""

    word: str
    """Folded (lower case, no accents)."""
    prefix: bool

    def matches(self, folded: str) -> bool:
        return folded.startswith(self.word) if self.prefix else folded == self.word


class Terms:
    """The words of a query, and where they occur in a text."""

    def __init__(self, phrases: Iterable[tuple[str, bool]]) -> None:
        self.terms: list[Term] = []
        for text, prefix in phrases:
            words = _TOKEN.findall(text)
            for index, word in enumerate(words):
                self.terms.append(Term(fold(word), prefix and index == len(words) - 1))
        # ASCII text (most of it) is searched with one regex; other text word by word.
        parts = [re.escape(t.word) + (r"[^\W_]*" if t.prefix else "") for t in self.terms]
        self._regex = (
            re.compile(r"(?<![^\W_])(?:" + "|".join(parts) + r")(?![^\W_])", re.IGNORECASE)
            if parts
            else None
        )

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """``(start, end)`` of every matched word of ``text[start:end]``."""
        end = len(text) if end is None else end
        if self._regex is None:
            return []
        if text.isascii():
            return [match.span() for match in self._regex.finditer(text, start, end)]
        return [
            token.span()
            for token in _TOKEN.finditer(text, start, end)
            if any(term.matches(fold(token.group())) for term in self.terms)
        ]


def has_match(text: str, wanted: Terms) -> bool:
    return bool(wanted.spans(text))


def highlight(text: str, wanted: Terms) -> tuple[Segment, ...]:
    """All of ``text``, matched words marked."""
    return tuple(_segments(text, 0, len(text), wanted.spans(text)))


def snippet(text: str, wanted: Terms, words: int = SNIPPET_WORDS) -> tuple[Segment, ...]:
    """About ``words`` words of ``text`` on one line around its first match (its start when
    nothing matches), with an ellipsis where it was cut."""
    tokens = [token.span() for token in _TOKEN.finditer(text)]
    if not tokens:
        return (Segment(" ".join(text.split())),) if text.strip() else ()
    spans = wanted.spans(text)
    first = 0
    if spans:
        at = spans[0][0]
        first = next((i for i, (start, _) in enumerate(tokens) if start >= at), len(tokens) - 1)
    start_index = max(0, min(first - words // 4, len(tokens) - words))
    end_index = min(len(tokens), start_index + words)
    begin = tokens[start_index][0] if start_index > 0 else 0
    end = tokens[end_index - 1][1] if end_index < len(tokens) else len(text)
    inside = [(s, e) for s, e in spans if s >= begin and e <= end]
    pieces = _segments(text, begin, end, inside)
    if begin > 0:
        pieces.insert(0, Segment(ELLIPSIS))
    if end < len(text):
        pieces.append(Segment(ELLIPSIS))
    return tuple(_one_line(pieces))


def _segments(text: str, begin: int, end: int, spans: list[tuple[int, int]]) -> list[Segment]:
    out: list[Segment] = []
    position = begin
    for start, stop in spans:
        if start > position:
            out.append(Segment(text[position:start]))
        out.append(Segment(text[start:stop], match=True))
        position = stop
    if position < end:
        out.append(Segment(text[position:end]))
    return out


def _one_line(pieces: list[Segment]) -> list[Segment]:
    """Runs of blanks (newlines included) become one space, so a snippet fits one row."""
    out = [piece if piece.match else Segment(_BLANKS.sub(" ", piece.text)) for piece in pieces]
    if out and not out[0].match:
        out[0] = Segment(out[0].text.lstrip())
    if out and not out[-1].match:
        out[-1] = Segment(out[-1].text.rstrip())
    return [piece for piece in out if piece.text]
