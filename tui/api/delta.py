"""Apply delta-encoding v1 operations to the plain JSON documents they edit.

Delta encoding v1 (docs/PROTOCOL.md §4.2) streams a message as one full JSON document
followed by small operations addressed with JSON pointers: ``append``, ``replace``, ``add``,
``truncate``, ``remove`` and ``patch`` (a list of those). This module knows nothing about
messages or events; :mod:`tui.api.stream` decides what an edit means for the visible reply.

Two rules shape it:

* The server is not trusted. A path that does not resolve, a value of the wrong type or an
  unknown op is ignored (``apply_op`` returns False) and never raises.
* A reply grows by thousands of ``append`` ops on one string. Building ``old + new`` each time
  would copy the whole string per op (quadratic), so an appended-to string becomes a
  :class:`Rope` inside the document, which joins its pieces only when somebody reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

Op = tuple[tuple[str, ...], str, Any]
"""One op ready to apply: (pointer tokens, op name, value)."""

_MAX_PATCH_DEPTH = 4
"""A patch inside a patch is legal JSON; a deep one is only ever an attack on the stack."""

__all__ = ["Documents", "Op", "Rope", "apply_op", "as_text", "list_index", "parse_pointer"]


class Documents:
    """A v1 stream's documents by ``c``, and the sticky ``p``/``o`` of its op frames.

    Ops apply to the current document: the one added last, or the one a frame names by ``c``.
    """

    def __init__(self) -> None:
        self._docs: dict[int | str, Any] = {}
        self.key: int | str | None = None
        """``c`` of the current document."""
        # Before any frame says otherwise, a bare ``{"v": "..."}`` appends to the answer's
        # text, which is what every observed stream means by it.
        self._path: Any = "/message/content/parts/0"
        self._op: Any = "append"

    @property
    def current(self) -> Any:
        """The current document (None before the first)."""
        return self._docs.get(self.key) if self.key is not None else None

    def add(self, key: int | str | None, document: Any) -> None:
        """A new document, which becomes the current one (``key`` None: make one up)."""
        if key is None:
            key = f"#{len(self._docs)}"
        self._docs[key] = document
        self.key = key

    def select(self, key: int | str | None) -> bool:
        """Make document ``key`` current, if it exists; whether the current one changed."""
        if key is None or key == self.key or key not in self._docs:
            return False
        self.key = key
        return True

    def ops(self, frame: Mapping[str, Any]) -> list[Op]:
        """The frame's ops in order: sticky ``p``/``o`` filled in, patches flattened.

        Ops whose path is not a JSON pointer, or whose name is not a string, are dropped.
        """
        if "p" in frame:
            self._path = frame["p"]
        if "o" in frame:
            self._op = frame["o"]
        out: list[Op] = []
        _flatten(self._path, self._op, frame.get("v"), out, depth=0)
        return out

    def apply(self, tokens: tuple[str, ...], op: str, value: Any) -> bool:
        """Apply one op to the current document; whether anything changed."""
        if self.key is None:
            return False
        root, changed = apply_op(self._docs[self.key], tokens, op, value)
        if changed:
            self._docs[self.key] = root
        return changed


def _flatten(path: Any, op: Any, value: Any, out: list[Op], *, depth: int) -> None:
    if op == "patch":
        if isinstance(value, list) and depth < _MAX_PATCH_DEPTH:
            sub_path, sub_op = path, op
            for sub in value:
                if isinstance(sub, dict):
                    # Sub-ops normally carry p and o; a missing one repeats the previous.
                    sub_path, sub_op = sub.get("p", sub_path), sub.get("o", sub_op)
                    _flatten(sub_path, sub_op, sub.get("v"), out, depth=depth + 1)
        return
    tokens = parse_pointer(path) if isinstance(path, str) else None
    if tokens is not None and isinstance(op, str):
        out.append((tokens, op, value))


class Rope:
    """A string that grows by appends at amortised O(piece) cost; joined lazily on read."""

    __slots__ = ("_length", "_pieces")

    def __init__(self, text: str = "") -> None:
        self._pieces: list[str] = [text] if text else []
        self._length = len(text)

    def __len__(self) -> int:
        return self._length

    def __repr__(self) -> str:
        return f"Rope({self.value()!r})"

    def append(self, text: str) -> None:
        if text:
            self._pieces.append(text)
            self._length += len(text)

    def truncate(self, length: int) -> None:
        """Keep the first ``length`` characters (a rare op, so one join is fine)."""
        if length < self._length:
            kept = self.value()[:length]
            self._pieces = [kept] if kept else []
            self._length = len(kept)

    def value(self) -> str:
        """The whole string. Joining collapses the pieces, so reading twice costs one join."""
        if len(self._pieces) > 1:
            self._pieces = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""


def as_text(value: Any) -> str | None:
    """``value`` as a str if it is one (or a :class:`Rope`), else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, Rope):
        return value.value()
    return None


@lru_cache(maxsize=256)
def parse_pointer(path: str) -> tuple[str, ...] | None:
    """Split an RFC 6901 JSON pointer into its tokens; None if it is not a pointer.

    Cached because a stream repeats the same handful of paths thousands of times.
    """
    if path == "":
        return ()
    if not path.startswith("/"):
        return None
    # Unescape ~1 before ~0, as RFC 6901 §4 says, so "~01" becomes "~1" and not "/".
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in path[1:].split("/"))


def list_index(items: list[Any], token: str, *, allow_end: bool) -> int | None:
    """The list index a token names, or None. ``-`` (and ``len``) only where an op may append."""
    if token == "-":
        return len(items) if allow_end else None
    # ASCII only ("²".isdigit() is True), no leading zeros (RFC 6901), and short enough that
    # int() cannot refuse it (Python 3.11 caps int() at 4,300 digits).
    if not (token.isascii() and token.isdigit()) or len(token) > 9:
        return None
    if len(token) > 1 and token[0] == "0":
        return None
    index = int(token)
    limit = len(items) if allow_end else len(items) - 1
    return index if index <= limit else None


def _walk(root: Any, tokens: tuple[str, ...]) -> Any:
    """The container at ``tokens``, or None when the path does not resolve to a dict or list."""
    node = root
    for token in tokens:
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list):
            index = list_index(node, token, allow_end=False)
            if index is None:
                return None
            node = node[index]
        else:
            return None
    return node if isinstance(node, dict | list) else None


def apply_op(root: Any, tokens: tuple[str, ...], op: str, value: Any) -> tuple[Any, bool]:
    """Apply one op at ``tokens`` inside ``root``; returns (the root, whether anything changed).

    The root is returned because an op on the empty path replaces the whole document.
    ``patch`` is not handled here: the caller walks its list, so it can react to each sub-op.
    """
    if not tokens:
        if op in ("replace", "add"):
            return value, True
        if op == "append":
            return root, _append_into_root(root, value)
        return root, False
    parent = _walk(root, tokens[:-1])
    if parent is None:
        return root, False
    key = tokens[-1]
    if op == "append":
        return root, _append(parent, key, value)
    if op in ("replace", "add"):
        return root, _set(parent, key, value, insert=op == "add")
    if op == "truncate":
        return root, _truncate(parent, key, value)
    if op == "remove":
        return root, _remove(parent, key)
    return root, False


def _append_into_root(root: Any, value: Any) -> bool:
    if isinstance(root, dict) and isinstance(value, dict):
        root.update(value)
        return True
    return False


def _get(parent: dict[str, Any] | list[Any], key: str) -> tuple[bool, Any]:
    """(found, value) for one step; a JSON null counts as absent, so append can fill it."""
    if isinstance(parent, dict):
        child = parent.get(key)
        return child is not None, child
    index = list_index(parent, key, allow_end=False)
    if index is None:
        return False, None
    return parent[index] is not None, parent[index]


def _append(parent: dict[str, Any] | list[Any], key: str, value: Any) -> bool:
    found, child = _get(parent, key)
    if not found:
        # Appending to nothing creates the value: the server appends to keys it never added
        # (e.g. ``/message/metadata/content_references`` on a message without references).
        return _set(parent, key, value, insert=False, allow_end=True)
    if isinstance(child, Rope):
        if not isinstance(value, str):
            return False
        child.append(value)
        return True
    if isinstance(child, str):
        if not isinstance(value, str):
            return False
        rope = Rope(child)
        rope.append(value)
        return _set(parent, key, rope, insert=False)
    if isinstance(child, list):
        if isinstance(value, list):
            child.extend(value)
        else:
            child.append(value)
        return True
    if isinstance(child, dict) and isinstance(value, dict):
        # Appending an object merges it, one level deep: ``/message/metadata`` gains
        # ``finish_details`` and ``is_complete`` without losing ``model_slug``.
        child.update(value)
        return True
    return False


def _set(
    parent: dict[str, Any] | list[Any],
    key: str,
    value: Any,
    *,
    insert: bool,
    allow_end: bool = False,
) -> bool:
    """Set (or, with ``insert``, insert into a list) one value; True if it was placed."""
    if isinstance(parent, dict):
        parent[key] = value
        return True
    index = list_index(parent, key, allow_end=insert or allow_end or key == "-")
    if index is None:
        return False
    if index == len(parent):
        parent.append(value)
    elif insert:
        parent.insert(index, value)
    else:
        parent[index] = value
    return True


def _truncate(parent: dict[str, Any] | list[Any], key: str, value: Any) -> bool:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return False
    found, child = _get(parent, key)
    if not found:
        return False
    if isinstance(child, Rope):
        child.truncate(value)
        return True
    if isinstance(child, str):
        return _set(parent, key, child[:value], insert=False)
    if isinstance(child, list):
        del child[value:]
        return True
    return False


def _remove(parent: dict[str, Any] | list[Any], key: str) -> bool:
    if isinstance(parent, dict):
        return parent.pop(key, _MISSING) is not _MISSING
    index = list_index(parent, key, allow_end=False)
    if index is None:
        return False
    del parent[index]
    return True


_MISSING = object()
