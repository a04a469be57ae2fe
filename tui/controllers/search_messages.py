"""What the search controller posts to the search screen: plain, typed, immutable, no Textual.

Kept apart from :mod:`tui.controllers.messages` because they go to the search dialog, which is
the search controller's host, not to the main screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from tui.api.search_models import SearchItem
from tui.store.records import SearchHit, StoreCounts


@dataclass(frozen=True, slots=True)
class StoreDescribed:
    """How much the local copy holds (or why it cannot be read)."""

    counts: StoreCounts | None
    """None when there is no store to search."""
    problem: str = ""
    """Why the store cannot be read, in plain words (empty when it can)."""


@dataclass(frozen=True, slots=True)
class LocalResults:
    """The local copy's hits for ``query``, best first."""

    query: str
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True, slots=True)
class ServerResults:
    """One page of the server's hits for ``query``."""

    query: str
    items: tuple[SearchItem, ...]
    cursor: str | None
    """The next page's cursor; None at the end."""
    more: bool
    """True: a further page of the same query (append), False: the first page (replace)."""


@dataclass(frozen=True, slots=True)
class SearchFailed:
    """A search could not run: say why, and keep what is shown."""

    query: str
    reason: str
    server: bool
    """True when the server search failed (it may need the server to be reachable)."""


SearchMessage: TypeAlias = StoreDescribed | LocalResults | ServerResults | SearchFailed
"""Any of the messages above."""
