"""Finding a message's branch and text in a thread (tui.conversation.locate), on a small tree."""

from __future__ import annotations

from typing import Any

import pytest

from tui.api.models import Conversation
from tui.conversation.locate import (
    find_in_messages,
    find_pattern,
    leaf_through,
    position_of,
)
from tui.conversation.tree import active_thread, visible_messages


def node(node_id: str, parent: str | None, role: str | None, text: str, t: float) -> Any:
    message = (
        None
        if role is None
        else {
            "id": node_id,
            "author": {"role": role},
            "create_time": t,
            "content": {"content_type": "text", "parts": [text]},
        }
    )
    return {"id": node_id, "message": message, "parent": parent, "children": []}


@pytest.fixture
def forked() -> Conversation:
    """root → u1 → (a1 → u2 → a2 [current]) | (a1b → u3 → a3 → u4, u4b [newest])."""
    nodes = [
        node("root", None, None, "", 0),
        node("u1", "root", "user", "Hello there", 1),
        node("a1", "u1", "assistant", "First answer", 2),
        node("u2", "a1", "user", "More please", 3),
        node("a2", "u2", "assistant", "The end of branch one", 4),
        node("a1b", "u1", "assistant", "Second answer with a needle. NEEDLE!", 5),
        node("u3", "a1b", "user", "Follow up on the needle", 6),
        node("a3", "u3", "assistant", "Branch two replies", 7),
        node("u4", "a3", "user", "older question", 8),
        node("u4b", "a3", "user", "newer question", 9),
    ]
    mapping = {n["id"]: n for n in nodes}
    for n in nodes:
        if n["parent"]:
            mapping[n["parent"]]["children"].append(n["id"])
    return Conversation.model_validate(
        {"title": "Forked", "mapping": mapping, "current_node": "a2", "conversation_id": "c"}
    )


def test_the_leaf_through_a_node_follows_its_newest_children(forked: Conversation) -> None:
    assert leaf_through(forked, "a1b") == "u4b"
    assert leaf_through(forked, "u4") == "u4"
    assert leaf_through(forked, "u2") == "a2", "toward current_node when it lies below"
    assert leaf_through(forked, "u1") == "a2"
    assert leaf_through(forked, "nope") is None


def test_position_of_finds_the_message_holding_a_node(forked: Conversation) -> None:
    messages = visible_messages(forked, active_thread(forked, leaf_through(forked, "u3")))
    assert [m.node_id for m in messages] == ["u1", "a1b", "u3", "a3", "u4b"]
    assert position_of(messages, "u3") == 2
    assert position_of(messages, "a2") is None, "on the other branch"
    assert position_of(messages, "root") is None, "the message-less root shows nothing"


def test_find_counts_every_occurrence_case_insensitively(forked: Conversation) -> None:
    messages = visible_messages(forked, active_thread(forked, "u4b"))
    found = find_in_messages(messages, "needle")
    assert [(m.position, m.start) for m in found] == [(1, 21), (1, 29), (2, 17)]


def test_find_takes_the_text_literally() -> None:
    pattern = find_pattern("a.b (x")
    assert pattern is not None
    assert pattern.search("a.b (x") is not None
    assert pattern.search("axb (x") is None
    assert find_pattern("   ") is None
    assert find_in_messages([], "") == []


def test_hits_in_a_tree_need_every_word_and_cover_every_branch(forked: Conversation) -> None:
    from tui.store.tree_hits import hits_in_tree

    assert hits_in_tree(forked, "needle") == ["a1b", "u3"]
    assert hits_in_tree(forked, "needle follow") == ["u3"]
    assert hits_in_tree(forked, "branch") == ["a2", "a3"], "current thread first"
    assert hits_in_tree(forked, "quest*") == ["u4", "u4b"]
    assert hits_in_tree(forked, '"') == []
