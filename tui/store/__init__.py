"""backchat's local copy of the history: SQLite with an FTS5 index, no Textual.

    from tui.store import Store

    with Store.for_backend(settings.resolved_backend_url) as store:
        page = store.list_page(limit=28)
        hits = store.search('"exact phrase" -java', limit=20)

Sync (:mod:`tui.store.sync`), export import (:mod:`tui.store.archive_import`) and the command
line (:mod:`tui.store.commands`) build on :class:`Store`. ``backchat``'s parser imports
:mod:`tui.store.commands` on every start, so this package loads its modules (and sqlite3, pydantic)
only when one of these names is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.store.location import move_aside, store_path
    from tui.store.records import (
        ListEntry,
        Origin,
        PutOutcome,
        SearchHit,
        Segment,
        StoreCounts,
        StoredConversation,
    )
    from tui.store.rows import BadConversation
    from tui.store.store import Store
    from tui.store.store_errors import (
        StoreBusyError,
        StoreCorruptError,
        StoreError,
        StoreFullError,
        StoreTooNewError,
    )

_LAZY = {
    "BadConversation": "tui.store.rows",
    "Store": "tui.store.store",
    "StoreBusyError": "tui.store.store_errors",
    "StoreCorruptError": "tui.store.store_errors",
    "StoreError": "tui.store.store_errors",
    "StoreFullError": "tui.store.store_errors",
    "StoreTooNewError": "tui.store.store_errors",
    "move_aside": "tui.store.location",
    "store_path": "tui.store.location",
    "ListEntry": "tui.store.records",
    "Origin": "tui.store.records",
    "PutOutcome": "tui.store.records",
    "SearchHit": "tui.store.records",
    "Segment": "tui.store.records",
    "StoreCounts": "tui.store.records",
    "StoredConversation": "tui.store.records",
}

__all__ = [
    "BadConversation",
    "ListEntry",
    "Origin",
    "PutOutcome",
    "SearchHit",
    "Segment",
    "Store",
    "StoreBusyError",
    "StoreCorruptError",
    "StoreCounts",
    "StoreError",
    "StoreFullError",
    "StoreTooNewError",
    "StoredConversation",
    "move_aside",
    "store_path",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'tui.store' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module_name), name)
    globals()[name] = value
    return value
