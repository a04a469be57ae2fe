"""Full-text search over the store: ranked hits with snippets, and the hits inside one chat.

Queries go through :mod:`tui.store.query`, so user input is never FTS5 syntax; should FTS5
refuse an expression anyway, the query is run again as plain words, and failing that gives no
hits. Nothing here raises for what a user typed.

Snippets come back as :class:`~tui.store.records.Segment` lists (plain text, matches marked),
never as markup (:mod:`tui.store.snippets`). A message matched only through its conversation's
title shows one hit per conversation, not one per message.
"""

from __future__ import annotations

import sqlite3

from tui.store.query import parse, plain_words
from tui.store.records import SearchHit, moment
from tui.store.snippets import Terms, has_match, highlight, snippet

CANDIDATE_CAP = 2000
"""Matches ranked per query. A query matching more (one common word, a two-letter prefix)
ranks the first this many in index order, which keeps every keystroke fast
(bench/search_store.py); a narrower query is ranked exactly."""
_CANDIDATES = """
    WITH found AS MATERIALIZED (
        SELECT rowid AS id, rank AS score FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?
    )
    SELECT id, score FROM found ORDER BY score
"""
_IN_CONVERSATION = """
    SELECT messages_fts.rowid, rank FROM messages_fts JOIN messages AS m
    ON m.rowid = messages_fts.rowid
    WHERE messages_fts MATCH ? AND m.conversation_id = ? ORDER BY m.rowid
"""
_ROW = (
    "SELECT conversation_id, message_id, title, role, create_time, text FROM messages "
    "WHERE rowid = ?"
)


def search(
    connection: sqlite3.Connection, query: str, limit: int, *, as_you_type: bool = False
) -> list[SearchHit]:
    """The best ``limit`` hits for ``query``, best first."""
    if limit <= 0:
        return []
    parsed = parse(query, as_you_type=as_you_type)
    if parsed.expression() is None:
        return []  # nothing to look for (empty, punctuation, or only exclusions)
    for attempt in (parsed, plain_words(query)):
        expression = attempt.expression()
        if expression is None:
            continue
        try:
            found = connection.execute(_CANDIDATES, (expression, CANDIDATE_CAP)).fetchall()
        except sqlite3.OperationalError:
            continue  # FTS5 refused it: try plain words
        return _hits(connection, found, Terms(attempt.wanted), limit)
    return []


def hits_in(connection: sqlite3.Connection, conversation_id: str, query: str) -> list[SearchHit]:
    """Messages of one conversation whose text matches ``query``, in stored (thread) order."""
    parsed = parse(query)
    if parsed.expression() is None:
        return []
    for attempt in (parsed, plain_words(query)):
        expression = attempt.expression()
        if expression is None:
            continue
        try:
            found = connection.execute(
                _IN_CONVERSATION, (f"text : ({expression})", conversation_id)
            ).fetchall()
        except sqlite3.OperationalError:
            continue
        return _hits(connection, found, Terms(attempt.wanted), len(found), collapse=False)
    return []


def _hits(
    connection: sqlite3.Connection,
    found: list[tuple[int, float]],
    wanted: Terms,
    limit: int,
    *,
    collapse: bool = True,
) -> list[SearchHit]:
    hits: list[SearchHit] = []
    title_only: set[str] = set()
    for rowid, score in found:
        if len(hits) >= limit:
            break
        row = connection.execute(_ROW, (rowid,)).fetchone()
        if row is None:
            continue
        conversation_id, message_id, title, role, created, text = row
        if collapse and not has_match(text, wanted):
            # Matched through the title only: every message of the chat would; show one.
            if conversation_id in title_only:
                continue
            title_only.add(conversation_id)
        hits.append(
            SearchHit(
                conversation_id=conversation_id,
                message_id=message_id,
                title=title,
                role=role,
                create_time=moment(created),
                snippet=snippet(text, wanted),
                title_segments=highlight(title, wanted),
                rank=score,
            )
        )
    return hits
