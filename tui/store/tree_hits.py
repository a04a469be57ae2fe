"""The hits of a query inside one conversation that is not (or not yet) stored.

The server's search names one message per conversation; ``n`` / ``N`` then step through the
conversation's other matches. When the store holds the conversation its index answers
(:func:`tui.store.search.hits_in`); otherwise this walks the fetched tree the way the index
would (:func:`tui.store.index.message_rows`: every branch, the current thread first) and keeps
the messages where every word of the query occurs, words compared as the index compares them.
"""

from __future__ import annotations

from tui.api.models import Conversation
from tui.store.index import message_rows
from tui.store.query import parse
from tui.store.snippets import Terms, fold


def hits_in_tree(conversation: Conversation, query: str) -> list[str]:
    """Message ids (first node of each visible message) whose text has every query word."""
    wanted = Terms(parse(query).wanted)
    if not wanted.terms:
        return []
    hits: list[str] = []
    for row in message_rows(conversation):
        found = {fold(row.text[start:end]) for start, end in wanted.spans(row.text)}
        if all(any(term.matches(word) for word in found) for term in wanted.terms):
            hits.append(row.message_id)
    return hits
