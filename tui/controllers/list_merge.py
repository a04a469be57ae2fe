"""How the server's first page takes the place of the stored list shown at start-up.

A pure function on conversation ids: no I/O, no Textual, so every rule has a plain unit test
(tests/controllers/test_list_merge.py). The sidebar swaps the rows (a first page replaces what
is shown, keeping the cursor on the same id); this decides where the cursor goes when that id
is gone.

The stored list is what the local copy last saw; the server's first page is the truth for the
rows it covers. The rules:

- The server's rows, in its order, replace the stored ones (titles and times are the server's);
  stored rows further down come back as the server's later pages arrive.
- The cursor stays on the conversation it was on when the server still lists it.
- When the server no longer lists it there (deleted or archived elsewhere, or pushed past the
  first page by newer chats), the cursor goes to the nearest conversation after it in the old
  order that the server does list, else the nearest before it, else the first row: the reader
  stays where they were in the list, never thrown back to the top.
"""

from __future__ import annotations

from collections.abc import Sequence


def cursor_after(
    old_ids: Sequence[str], cursor_id: str | None, new_ids: Sequence[str]
) -> str | None:
    """Where the cursor on ``cursor_id`` in ``old_ids`` goes once ``new_ids`` are shown."""
    if not new_ids or cursor_id is None:
        return None
    present = set(new_ids)
    if cursor_id in present:
        return cursor_id
    try:
        position = list(old_ids).index(cursor_id)
    except ValueError:
        return new_ids[0]
    for candidate in old_ids[position + 1 :]:
        if candidate in present:
            return candidate
    for candidate in reversed(old_ids[:position]):
        if candidate in present:
            return candidate
    return new_ids[0]
