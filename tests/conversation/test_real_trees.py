"""The conversation tree on small hand-built trees: branches, merging and broken shapes."""

from __future__ import annotations

from typing import Any

from tui.api.models import Conversation
from tui.conversation.tree import (
    BlockKind,
    active_thread,
    siblings,
    switch_sibling,
    thread_to_leaf,
    visible_messages,
)


def msg(role: str, text: str = "", **extra: Any) -> dict[str, Any]:
    """A message dict; ``extra`` overrides any field (content, metadata, recipient...)."""
    message: dict[str, Any] = {
        "author": {"role": role},
        "content": {"content_type": "text", "parts": [text]},
    }
    message.update(extra)
    return message


def tree(
    edges: dict[str, tuple[str | None, dict[str, Any] | None]],
    current: str | None = None,
    title: str = "t",
) -> Conversation:
    """A conversation from ``{id: (parent, message)}``; children lists follow insertion order."""
    mapping: dict[str, Any] = {
        key: {"id": key, "parent": parent, "message": message, "children": []}
        for key, (parent, message) in edges.items()
    }
    for key, (parent, _message) in edges.items():
        if parent in mapping:
            mapping[parent]["children"].append(key)
    return Conversation.model_validate(
        {"title": title, "mapping": mapping, "current_node": current}
    )


def roles(conv: Conversation, thread: list[str]) -> list[str]:
    return [m.role for m in visible_messages(conv, thread)]


def texts(conv: Conversation, thread: list[str]) -> list[str]:
    return [m.text for m in visible_messages(conv, thread)]


# ----------------------------------------------------------------------------- branches


def regenerated() -> Conversation:
    return tree(
        {
            "root": (None, None),
            "u1": ("root", msg("user", "hi")),
            "a1": ("u1", msg("assistant", "first answer")),
            "a2": ("u1", msg("assistant", "second answer")),
        },
        current="a2",
    )


def test_regenerate_shows_two_of_two() -> None:
    conv = regenerated()
    thread = active_thread(conv)
    assert thread == ["root", "u1", "a2"]
    answer = visible_messages(conv, thread)[-1]
    assert (answer.node_id, answer.sibling_index, answer.sibling_count) == ("a2", 1, 2)
    assert answer.text == "second answer"
    assert siblings(conv, "a1") == ["a1", "a2"]


def test_regenerate_switch_to_first_and_clamp() -> None:
    conv = regenerated()
    thread = active_thread(conv)
    assert switch_sibling(conv, thread, "a2", 0) == ["root", "u1", "a1"]
    assert switch_sibling(conv, thread, "a2", -5) == ["root", "u1", "a1"]
    assert switch_sibling(conv, thread, "a1", 99) == ["root", "u1", "a2"]
    first = visible_messages(conv, ["root", "u1", "a1"])[-1]
    assert (first.sibling_index, first.sibling_count, first.text) == (0, 2, "first answer")


def edited() -> Conversation:
    # a1 has two user children (an edit): u2 then u2b; each has its own answer chain.
    return tree(
        {
            "root": (None, None),
            "u1": ("root", msg("user", "q1")),
            "a1": ("u1", msg("assistant", "r1")),
            "u2": ("a1", msg("user", "q2")),
            "a2": ("u2", msg("assistant", "r2")),
            "u2b": ("a1", msg("user", "q2 edited")),
            "a3": ("u2b", msg("assistant", "r3")),
            "u3": ("a3", msg("user", "q3")),
            "a4": ("u3", msg("assistant", "r4")),
        },
        current="a4",
    )


def test_edit_makes_user_siblings() -> None:
    conv = edited()
    thread = active_thread(conv)
    assert thread == ["root", "u1", "a1", "u2b", "a3", "u3", "a4"]
    messages = visible_messages(conv, thread)
    assert [m.role for m in messages] == ["user", "assistant"] * 3
    edit = messages[2]
    assert (edit.node_id, edit.sibling_index, edit.sibling_count, edit.text) == (
        "u2b",
        1,
        2,
        "q2 edited",
    )


def test_switch_edit_sibling_each_way() -> None:
    conv = edited()
    thread = active_thread(conv)
    older = switch_sibling(conv, thread, "u2b", 0)
    assert older == ["root", "u1", "a1", "u2", "a2"]
    assert texts(conv, older) == ["q1", "r1", "q2", "r2"]
    # Back: current_node a4 lies below u2b, so the thread runs down to it.
    assert switch_sibling(conv, older, "u2", 1) == thread


def test_switch_follows_current_node_else_newest() -> None:
    edges: dict[str, tuple[str | None, dict[str, Any] | None]] = {
        "root": (None, None),
        "u1": ("root", msg("user", "q1")),
        "a1": ("u1", msg("assistant", "r1")),
        "a2": ("u1", msg("assistant", "r1 again")),
        "u2": ("a1", msg("user", "q2")),
        "a3": ("u2", msg("assistant", "older")),
        "a4": ("u2", msg("assistant", "newer")),
    }
    conv = tree(edges, current="a3")  # the server's current node is the OLDER answer
    thread = active_thread(conv)
    assert thread == ["root", "u1", "a1", "u2", "a3"]
    on_a2 = switch_sibling(conv, thread, "a1", 1)
    assert on_a2 == ["root", "u1", "a2"]
    assert switch_sibling(conv, on_a2, "a2", 0) == thread  # via current_node, not newest
    elsewhere = tree(edges, current="a2")
    assert switch_sibling(elsewhere, on_a2, "a2", 0) == ["root", "u1", "a1", "u2", "a4"]
    assert thread_to_leaf(elsewhere, "a1") == ["root", "u1", "a1", "u2", "a4"]
    assert thread_to_leaf(conv, "u2") == thread
    assert thread_to_leaf(conv, "nope") == []


def test_switch_with_a_thread_that_misses_the_node() -> None:
    conv = edited()
    assert switch_sibling(conv, [], "u2", 1) == ["root", "u1", "a1", "u2b", "a3", "u3", "a4"]
    assert switch_sibling(conv, ["x"], "missing", 0) == ["x"]


# ----------------------------------------------------------------------------- merging


def test_continue_joins_directly() -> None:
    cut = {"finish_details": {"type": "max_tokens"}}
    conv = tree(
        {
            "root": (None, None),
            "u1": ("root", msg("user", "write")),
            "a1": ("u1", msg("assistant", "Hello wor", end_turn=False, metadata=cut)),
            "a2": ("a1", msg("assistant", "ld!", metadata={"message_type": "continue"})),
        },
    )
    answer = visible_messages(conv, active_thread(conv))[-1]
    assert answer.text == "Hello world!"
    assert answer.node_ids == ("a1", "a2")
    assert answer.finish_type is None


def test_continue_detected_by_message_type_alone() -> None:
    conv = tree(
        {
            "u1": (None, msg("user", "write")),
            "a1": ("u1", msg("assistant", "abc", metadata={"finish_details": {"type": "stop"}})),
            "a2": ("a1", msg("assistant", "def", metadata={"message_type": "continue"})),
        },
    )
    assert texts(conv, active_thread(conv)) == ["write", "abcdef"]


def test_turn_parts_join_with_blank_line() -> None:
    stop = {"finish_details": {"type": "stop"}}
    conv = tree(
        {
            "u1": (None, msg("user", "q")),
            "a1": ("u1", msg("assistant", "Let me check.", end_turn=False, metadata=stop)),
            "a2": ("a1", msg("assistant", "Done.", channel="final")),
            "a3": ("a2", msg("assistant", "More", channel="commentary", end_turn=False)),
            "a4": ("a3", msg("assistant", "Final", channel="final")),
        },
    )
    assert texts(conv, active_thread(conv)) == ["q", "Let me check.\n\nDone.\n\nMore\n\nFinal"]


def test_code_interpreter_call_and_output_are_compact_blocks() -> None:
    code = {"content_type": "code", "language": "unknown", "text": "print(1)\r\n"}
    output = {"content_type": "execution_output", "text": "1\n<<ImageDisplayed>>"}
    images = {"aggregate_result": {"messages": [{"message_type": "image", "image_url": "fs://x"}]}}
    conv = tree(
        {
            "u1": (None, msg("user", "run")),
            "a1": ("u1", msg("assistant", recipient="python", content=code)),
            "t1": (
                "a1",
                {
                    **msg("tool", content=output, metadata=images),
                    "author": {
                        "role": "tool",
                        "name": "python",
                    },
                },
            ),
            "a2": ("t1", msg("assistant", recipient="browser", content={"content_type": "code"})),
            "a3": ("a2", msg("assistant", "done")),
        },
    )
    answer = visible_messages(conv, active_thread(conv))[-1]
    assert [b.kind for b in answer.blocks] == [
        BlockKind.CODE,
        BlockKind.OUTPUT,
        BlockKind.IMAGE,
        BlockKind.MARKDOWN,
    ]
    assert answer.blocks[0].text == "print(1)\n"
    assert answer.blocks[1].text == "1"
    assert answer.blocks[2].text == "image (fs://x)"
    assert answer.node_ids == ("a1", "t1", "a2", "a3")
    assert answer.text.startswith("```python\nprint(1)\n")


def test_custom_instructions_are_hidden_and_shown_dimmed_on_request() -> None:
    context = {"about_user_message": "I write Rust.", "about_model_message": "Be brief."}
    system = msg(
        "system",
        metadata={
            "is_user_system_message": True,
            "user_context_message_data": context,
            "is_visually_hidden_from_conversation": True,
        },
    )
    conv = tree(
        {
            "root": (None, None),
            "s0": ("root", msg("system", "You are ChatGPT", weight=0.0)),
            "s1": ("s0", system),
            "u1": ("s1", msg("user", "hi")),
            "a1": ("u1", msg("assistant", "hello")),
        },
    )
    thread = active_thread(conv)
    # As on the web: the system prompt and the custom instructions are not in the thread.
    assert [m.role for m in visible_messages(conv, thread)] == ["user", "assistant"]
    messages = visible_messages(conv, thread, show_hidden=True)
    assert [(m.role, m.hidden) for m in messages] == [
        ("system", True),
        ("system", True),
        ("user", False),
        ("assistant", False),
    ]
    assert messages[0].text == "You are ChatGPT"
    assert "I write Rust." in messages[1].text
    assert "Be brief." in messages[1].text
    assert messages[1].node_id == "s1"


def test_hidden_nodes_never_show() -> None:
    memory = {"content_type": "model_editable_context", "model_set_context": "likes cats"}
    profile = {"content_type": "user_editable_context", "user_profile": "x"}
    conv = tree(
        {
            "p": (None, msg("user", content=profile)),
            "u1": ("p", msg("user", "hi")),
            "m": ("u1", msg("assistant", content=memory)),
            "h": (
                "m",
                msg("assistant", "secret", metadata={"is_visually_hidden_from_conversation": True}),
            ),
            "a1": ("h", msg("assistant", "hello")),
            "e": (
                "a1",
                msg("assistant", "", metadata={"is_visually_hidden_from_conversation": True}),
            ),
        },
    )
    messages = visible_messages(conv, active_thread(conv))
    assert [(m.role, m.text) for m in messages] == [("user", "hi"), ("assistant", "hello")]
    assert messages[-1].node_id == "m"
    assert messages[-1].last_node_id == "e"


def test_turn_with_nothing_visible_joins_the_previous_message() -> None:
    hidden = {"is_visually_hidden_from_conversation": True}
    conv = tree(
        {
            "u1": (None, msg("user", "hi")),
            "a1": ("u1", msg("assistant", "", metadata=hidden)),
        },
    )
    messages = visible_messages(conv, active_thread(conv))
    assert [(m.role, m.node_ids) for m in messages] == [("user", ("u1", "a1"))]
    assert messages[0].last_node_id == "a1"


def test_dec_2022_top_level_role() -> None:
    old = {"id": "m", "role": "user", "content": {"content_type": "text", "parts": ["old"]}}
    answer = {"id": "n", "role": "assistant", "content": {"content_type": "text", "parts": ["ok"]}}
    conv = tree({"u": (None, old), "a": ("u", answer)})
    assert roles(conv, active_thread(conv)) == ["user", "assistant"]
    assert texts(conv, active_thread(conv)) == ["old", "ok"]


def test_unknown_content_type_is_a_note() -> None:
    strange = {
        "content_type": "hologram",
        "payload": {"a": 1},
        "caption": "x",
        "text": "beam me up",
    }
    bare = {"content_type": "quantum_state"}
    conv = tree(
        {
            "u": (None, msg("user", "q")),
            "a": ("u", msg("assistant", content=strange)),
            "b": ("a", msg("assistant", content=bare)),
        },
    )
    answer = visible_messages(conv, active_thread(conv))[-1]
    assert [(b.kind, b.label, b.text) for b in answer.blocks] == [
        (BlockKind.NOTE, "hologram", "beam me up"),
        (BlockKind.NOTE, "quantum_state", "quantum_state"),
    ]


# ----------------------------------------------------------------------------- broken trees


def test_message_null_root_is_in_the_thread_but_not_shown() -> None:
    conv = Conversation.model_validate(
        {
            "mapping": {
                "r": {"id": "r", "message": None, "parent": None, "children": ["u"]},
                "u": {"id": "u", "message": msg("user", "hi"), "parent": "r", "children": []},
            },
            "current_node": "u",
        }
    )
    thread = active_thread(conv)
    assert thread == ["r", "u"]
    assert roles(conv, thread) == ["user"]


def test_missing_current_node_picks_the_newest_leaf() -> None:
    edges: dict[str, tuple[str | None, dict[str, Any] | None]] = {
        "u": (None, msg("user", "q", create_time=1.0)),
        "a": ("u", msg("assistant", "new", create_time=5.0)),
        "b": ("u", msg("assistant", "old", create_time=3.0)),
    }
    assert active_thread(tree(edges)) == ["u", "a"]
    assert active_thread(tree(edges, current="ghost")) == ["u", "a"]
    assert active_thread(tree(edges, current="ghost"), leaf_id="b") == ["u", "b"]
    assert active_thread(tree(edges, current="b"), leaf_id="ghost") == ["u", "b"]
    # Ties (and no times at all) go to the last leaf in mapping order.
    untimed: dict[str, tuple[str | None, dict[str, Any] | None]] = {
        "u": (None, msg("user", "q")),
        "a": ("u", msg("assistant", "x")),
        "b": ("u", msg("assistant", "y")),
    }
    assert active_thread(tree(untimed)) == ["u", "b"]


def test_dangling_parent_shows_a_gap_marker_on_top() -> None:
    conv = tree({"u": ("ghost", msg("user", "q")), "a": ("u", msg("assistant", "r"))}, current="a")
    thread = active_thread(conv)
    assert thread == ["ghost", "u", "a"]
    messages = visible_messages(conv, thread)
    assert [(m.role, m.sibling_count) for m in messages] == [
        ("missing", 1),
        ("user", 1),
        ("assistant", 1),
    ]
    assert "messages missing here" in messages[0].text
    assert siblings(conv, "u") == ["u"]


def test_a_missing_node_keeps_both_sides_of_the_gap() -> None:
    conv = tree(
        {
            "root": (None, None),
            "u1": ("root", msg("user", "before the gap")),
            "a1": ("u1", msg("assistant", "answer before")),
            "u2": ("lost", msg("user", "after the gap")),
            "a2": ("u2", msg("assistant", "answer after")),
            "a3": ("u2", msg("assistant", "another answer")),
        },
        current="a2",
    )
    thread = active_thread(conv)
    assert thread == ["root", "u1", "a1", "lost", "u2", "a2"]
    shown = visible_messages(conv, thread)
    assert [(m.role, m.text) for m in shown][:2] == [
        ("user", "before the gap"),
        ("assistant", "answer before"),
    ]
    assert shown[2].role == "missing"
    assert "lost" in shown[2].text
    assert [m.text for m in shown[3:]] == ["after the gap", "answer after"]
    # Switching a branch below the gap keeps everything above it.
    switched = switch_sibling(conv, thread, "a2", 1)
    assert switched == ["root", "u1", "a1", "lost", "u2", "a3"]
    # So does walking down from a node after the gap.
    assert thread_to_leaf(conv, "u2")[:4] == ["root", "u1", "a1", "lost"]
    assert switch_sibling(conv, ["u2", "a2"], "a3", 0)[:4] == ["root", "u1", "a1", "lost"]


def test_cycle_stops_at_the_repeat() -> None:
    mapping = {
        "a": {"id": "a", "parent": "b", "children": ["b"], "message": msg("user", "x")},
        "b": {"id": "b", "parent": "a", "children": ["a"], "message": msg("assistant", "y")},
        "c": {"id": "c", "parent": "c", "children": ["c"], "message": msg("user", "z")},
    }
    conv = Conversation.model_validate({"mapping": mapping, "current_node": "a"})
    thread = active_thread(conv)
    assert thread == ["b", "a"]
    assert roles(conv, thread) == ["assistant", "user"]
    assert active_thread(conv, "c") == ["c"]
    assert switch_sibling(conv, thread, "a", 0) == ["b", "a"]
    assert switch_sibling(conv, thread, "b", 0) == ["a", "b"]  # b's parent a goes above it
    assert thread_to_leaf(conv, "c") == ["c"]


def test_children_missing_from_the_list_are_still_found() -> None:
    # Some exports leave every ``children`` array empty: the parent links still make the tree.
    mapping = {
        "u": {"id": "u", "message": msg("user", "q"), "children": []},
        "a": {"id": "a", "parent": "u", "message": msg("assistant", "1"), "children": []},
        "b": {"id": "b", "parent": "u", "message": msg("assistant", "2"), "children": []},
    }
    conv = Conversation.model_validate({"mapping": mapping})
    assert siblings(conv, "a") == ["a", "b"]
    assert thread_to_leaf(conv, "u") == ["u", "b"]
    assert visible_messages(conv, ["u", "b"])[-1].sibling_index == 1


def test_empty_mapping() -> None:
    shapes: list[dict[str, Any]] = [
        {"mapping": []},
        {"mapping": None},
        {},
        {"mapping": {}, "current_node": "x"},
    ]
    for raw in shapes:
        conv = Conversation.model_validate(raw)
        assert active_thread(conv) == []
        assert visible_messages(conv, []) == []
        assert visible_messages(conv, ["ghost"]) == []
        assert switch_sibling(conv, [], "x", 0) == []
        assert siblings(conv, "x") == []


def test_long_chain_has_no_recursion() -> None:
    edges: dict[str, tuple[str | None, dict[str, Any] | None]] = {"n0": (None, None)}
    for i in range(1, 5001):
        edges[f"n{i}"] = (f"n{i - 1}", msg("user" if i % 2 else "assistant", f"m{i}"))
    conv = tree(edges, current="n5000")
    thread = active_thread(conv)
    assert len(thread) == 5001
    assert len(visible_messages(conv, thread)) == 5000
    assert switch_sibling(conv, thread, "n1", 0) == thread
