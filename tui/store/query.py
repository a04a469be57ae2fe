"""Turn what a user types into an FTS5 MATCH expression that cannot fail to parse.

The syntax users get: words (all must match), ``"quoted phrases"``, ``prefix*`` and ``-word``
or ``-"a phrase"`` to exclude. Every term is passed to FTS5 as a quoted string, so words that
happen to be FTS5 operators (``AND``, ``NEAR``), column filters (``title:``) or punctuation
never change the query's meaning. A query made only of exclusions matches nothing.

:func:`plain_words` is the fallback the search uses if FTS5 still refuses an expression: the
query's letters and digits as words, nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r'(-?)"([^"]*)"(\*?)|(\S+)')
_WORD = re.compile(r"\w+")
AS_YOU_TYPE_MIN = 2
"""A last word shorter than this is not widened to a prefix while the user types."""


@dataclass
class ParsedQuery:
    """Terms as FTS5 strings: ``include`` must all match, ``exclude`` must not."""

    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    wanted: list[tuple[str, bool]] = field(default_factory=list)
    """The included phrases as typed, with whether each is a prefix (for highlighting)."""

    def expression(self) -> str | None:
        """The MATCH expression, or None when nothing could match."""
        if not self.include:
            return None
        expression = " AND ".join(self.include)
        if self.exclude:
            expression = f"({expression}) NOT ({' OR '.join(self.exclude)})"
        return expression


def parse(query: str, *, as_you_type: bool = False) -> ParsedQuery:
    """``query`` as terms. ``as_you_type`` makes a bare last word a prefix (``pars`` → ``pars*``).

    An unbalanced quote is read as if closed at the end of the query.
    """
    if query.count('"') % 2:
        query += '"'
    parsed = ParsedQuery()
    tokens = list(_TOKEN.finditer(query))
    for index, token in enumerate(tokens):
        negated, phrase, star, bare = token.groups()
        if bare is not None:
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            text = bare[1:] if negated else bare
            star = "*" if text.endswith("*") else ""
            text = text.rstrip("*")
            last = index == len(tokens) - 1 and query[-1:] not in (" ", "\t")
            if as_you_type and last and not negated and len(text) >= AS_YOU_TYPE_MIN:
                star = "*"
        else:
            text = phrase
        term = _term(text, bool(star))
        if term is None:
            continue
        if negated:
            parsed.exclude.append(term)
        else:
            parsed.include.append(term)
            parsed.wanted.append((text, bool(star)))
    return parsed


def plain_words(query: str) -> ParsedQuery:
    """The fallback: every run of letters or digits as a required word."""
    words = _WORD.findall(query)
    return ParsedQuery(
        include=[_quote(word) for word in words], wanted=[(word, False) for word in words]
    )


def _term(text: str, prefix: bool) -> str | None:
    if not _WORD.search(text):
        return None  # only punctuation: FTS5 would see an empty phrase
    return _quote(text) + (" *" if prefix else "")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
