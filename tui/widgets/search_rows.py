"""How a search result looks: two lines, built as ``Content`` (never a markup string).

First line: the title (matched words marked), then the date and the role, dim. Second line:
the snippet with the matched words marked. Every piece of server or store text goes through
the sanitiser first, so a title like ``[/]`` or an escape sequence shows as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from textual.content import Content

from tui.api.search_models import SearchItem
from tui.store.records import SearchHit, Segment
from tui.text.sanitize import clean_line
from tui.text.times import calendar_date

MATCH_STYLE = "bold $text-accent"
"""The matched words (theme colours, so every theme shows them)."""
META_STYLE = "dim"
"""Date and role."""
UNTITLED = "Untitled"
"""Shown for a conversation without a title."""
ROLE_NAMES = {"user": "you", "assistant": "assistant", "tool": "tool", "system": "system"}
"""How the role reads in a row."""
TITLE_LIMIT = 120
SNIPPET_LIMIT = 300


def marked(segments: Sequence[Segment], *, limit: int) -> Content:
    """Segments as one line, matched ones in :data:`MATCH_STYLE`, cleaned of control text."""
    parts: list[Content] = []
    used = 0
    for segment in segments:
        if used >= limit:
            break
        text = _piece(segment.text, limit - used)
        used += len(text)
        parts.append(Content.styled(text, MATCH_STYLE) if segment.match else Content(text))
    return Content("").join(parts)


def _piece(text: str, limit: int) -> str:
    """One segment cleaned for a one-line place, keeping the blank on either side of it (the
    cleaner trims them, and the words around a match would run together)."""
    cleaned = clean_line(text, limit=limit)
    if not cleaned:
        return " " if text[:1].isspace() else ""
    if text[:1].isspace():
        cleaned = " " + cleaned
    if text[-1:].isspace():
        cleaned += " "
    return cleaned


def marked_text(text: str, words: Sequence[str], *, limit: int) -> Content:
    """``text`` as one line with each of ``words`` marked (case-insensitive), for the server's
    snippets, which come without marks."""
    cleaned = clean_line(text, limit=limit)
    content = Content(cleaned)
    folded = cleaned.casefold()
    if len(folded) != len(cleaned):
        return content  # case folding changed the length: offsets would not line up
    for word in words:
        needle = word.casefold()
        if not needle:
            continue
        start = folded.find(needle)
        while start >= 0:
            content = content.stylize(MATCH_STYLE, start, start + len(needle))
            start = folded.find(needle, start + len(needle))
    return content


def _meta(when: datetime | None, role: str | None, now: datetime) -> Content:
    parts = []
    if when is not None:
        parts.append(calendar_date(when, now))
    if role:
        parts.append(ROLE_NAMES.get(role, clean_line(role, limit=20)))
    return Content.styled("  " + " · ".join(parts), META_STYLE) if parts else Content("")


def hit_row(hit: SearchHit, now: datetime) -> Content:
    """A local hit's two lines."""
    title = (
        marked(hit.title_segments, limit=TITLE_LIMIT)
        if hit.title.strip()
        else Content.styled(UNTITLED, "italic")
    )
    first = Content.assemble(title.stylize("bold"), _meta(hit.create_time, hit.role, now))
    second = marked(hit.snippet, limit=SNIPPET_LIMIT) if hit.snippet else Content("")
    return Content("\n").join([first, second])


def item_row(item: SearchItem, words: Sequence[str], now: datetime) -> Content:
    """A server hit's two lines (the server sends no role: the date is the chat's last update)."""
    raw_title = item.title or ""
    title = (
        marked_text(raw_title, words, limit=TITLE_LIMIT)
        if raw_title.strip()
        else Content.styled(UNTITLED, "italic")
    )
    first = Content.assemble(title.stylize("bold"), _meta(item.update_time, None, now))
    second = marked_text(item.payload.snippet, words, limit=SNIPPET_LIMIT)
    return Content("\n").join([first, second])
