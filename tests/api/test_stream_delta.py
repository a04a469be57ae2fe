"""The v1 op applier on its own: JSON pointers, each op, and the lazily joined Rope."""

from __future__ import annotations

from typing import Any

import pytest

from tui.api.delta import Documents, Rope, apply_op, as_text, parse_pointer


def apply(root: Any, path: str, op: str, value: Any = None) -> tuple[Any, bool]:
    tokens = parse_pointer(path)
    assert tokens is not None
    return apply_op(root, tokens, op, value)


def plain(value: Any) -> Any:
    """The document with every Rope read back as a str, for comparisons."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return as_text(value) if isinstance(value, Rope) else value


def test_parse_pointer() -> None:
    assert parse_pointer("") == ()
    assert parse_pointer("/message/content/parts/0") == ("message", "content", "parts", "0")
    assert parse_pointer("/a~1b/c~0d/~01") == ("a/b", "c~d", "~1")
    assert parse_pointer("/") == ("",)
    assert parse_pointer("message") is None


def test_rope_joins_lazily_and_once() -> None:
    rope = Rope("ab")
    for piece in ("c", "", "de"):
        rope.append(piece)
    assert len(rope) == 5
    assert rope.value() == "abcde"
    assert rope.value() is rope.value()
    rope.truncate(2)
    assert rope.value() == "ab"
    assert len(rope) == 2
    rope.truncate(10)
    assert rope.value() == "ab"
    assert Rope().value() == ""
    assert repr(Rope("x")) == "Rope('x')"


def test_append_to_a_string_makes_a_rope() -> None:
    doc = {"parts": ["He"]}
    _, changed = apply(doc, "/parts/0", "append", "llo")
    assert changed
    assert isinstance(doc["parts"][0], Rope)
    apply(doc, "/parts/0", "append", "!")
    assert plain(doc) == {"parts": ["Hello!"]}
    assert apply(doc, "/parts/0", "append", 5) == (doc, False)


def test_append_extends_lists_and_merges_dicts() -> None:
    doc: dict[str, Any] = {"refs": [1], "meta": {"model_slug": "m"}}
    apply(doc, "/refs", "append", [2, 3])
    apply(doc, "/refs", "append", 4)
    apply(doc, "/meta", "append", {"finish_details": {"type": "stop"}})
    assert doc == {
        "refs": [1, 2, 3, 4],
        "meta": {"model_slug": "m", "finish_details": {"type": "stop"}},
    }
    assert apply(doc, "/meta", "append", "text") == (doc, False)


def test_append_to_nothing_creates_the_value() -> None:
    doc: dict[str, Any] = {"meta": {"gone": None}, "parts": ["a"]}
    apply(doc, "/meta/new", "append", [1])
    apply(doc, "/meta/gone", "append", "x")
    apply(doc, "/parts/1", "append", "b")
    assert doc == {"meta": {"new": [1], "gone": "x"}, "parts": ["a", "b"]}
    assert apply(doc, "/parts/5", "append", "c") == (doc, False)


def test_replace_add_and_root() -> None:
    doc: dict[str, Any] = {"status": "in_progress", "list": [1, 3]}
    apply(doc, "/status", "replace", "finished_successfully")
    apply(doc, "/list/1", "add", 2)
    apply(doc, "/list/-", "add", 4)
    apply(doc, "/list/0", "replace", 0)
    assert doc == {"status": "finished_successfully", "list": [0, 2, 3, 4]}
    assert apply(doc, "/list/9", "replace", 1) == (doc, False)
    assert apply(doc, "", "replace", {"new": 1}) == ({"new": 1}, True)
    assert apply(doc, "", "append", {"more": 1}) == (doc, True)
    assert doc["more"] == 1
    assert apply(doc, "", "remove") == (doc, False)


def test_truncate_strings_ropes_and_lists() -> None:
    doc: dict[str, Any] = {"s": "abcdef", "l": [1, 2, 3], "r": "xy"}
    apply(doc, "/r", "append", "z")
    apply(doc, "/s", "truncate", 3)
    apply(doc, "/l", "truncate", 1)
    apply(doc, "/r", "truncate", 1)
    assert plain(doc) == {"s": "abc", "l": [1], "r": "x"}
    for bad in (-1, True, "2", None):
        assert apply(doc, "/s", "truncate", bad) == (doc, False)
    assert apply(doc, "/missing", "truncate", 1) == (doc, False)


def test_remove_keys_and_items() -> None:
    doc: dict[str, Any] = {"a": 1, "l": [1, 2]}
    assert apply(doc, "/a", "remove") == (doc, True)
    assert apply(doc, "/l/0", "remove") == (doc, True)
    assert doc == {"l": [2]}
    assert apply(doc, "/a", "remove") == (doc, False)
    assert apply(doc, "/l/5", "remove") == (doc, False)


@pytest.mark.parametrize(
    "path",
    ["/nope/deeper", "/l/x", "/l/01", "/l/-1", "/s/0", "/l/-/x", "/s/x/y"],
)
@pytest.mark.parametrize("op", ["append", "replace", "add", "truncate", "remove", "what"])
def test_paths_that_do_not_resolve_change_nothing(path: str, op: str) -> None:
    doc: dict[str, Any] = {"l": [1], "s": "str"}
    assert apply(doc, path, op, 1) == (doc, False)
    assert doc == {"l": [1], "s": "str"}


@pytest.mark.parametrize("token", ["²", "٣", "9" * 5000, "1e3", " 1", "+1"])
def test_odd_list_indexes_are_refused_not_raised(token: str) -> None:
    doc: dict[str, Any] = {"l": ["a", "b", "c", "d"]}
    for op in ("append", "replace", "add", "truncate", "remove"):
        assert apply_op(doc, ("l", token), op, "x") == (doc, False)
    assert doc == {"l": ["a", "b", "c", "d"]}


def test_documents_flatten_patches_and_keep_p_and_o_sticky() -> None:
    docs = Documents()
    parts = ("message", "content", "parts", "0")
    assert docs.ops({"v": "a"}) == [(parts, "append", "a")]
    assert docs.ops({"p": "/x", "o": "replace", "v": 1}) == [(("x",), "replace", 1)]
    assert docs.ops({"v": 2}) == [(("x",), "replace", 2)]
    patch = [{"p": "/a", "o": "add", "v": 1}, {"v": 2}, {"p": "bad", "v": 3}, "junk", {"o": 5}]
    assert docs.ops({"p": "", "o": "patch", "v": patch}) == [(("a",), "add", 1), (("a",), "add", 2)]
    deep: Any = {"p": "/z", "o": "add", "v": 0}
    for _ in range(10):
        deep = {"p": "", "o": "patch", "v": [deep]}
    assert docs.ops(deep) == []


def test_documents_add_select_and_apply() -> None:
    docs = Documents()
    assert docs.current is None
    assert not docs.apply(("a",), "add", 1)
    docs.add(0, {"n": 0})
    docs.add(None, {"n": 1})
    assert docs.key == "#1"
    assert not docs.select(7)
    assert docs.select(0)
    assert not docs.select(0)
    assert docs.apply(("n",), "replace", 5)
    assert docs.current == {"n": 5}
    assert docs.apply((), "replace", [1])
    assert docs.current == [1]
