"""Property tests: random (often broken) trees never hang or break the tree functions."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.api.models import Conversation
from tui.conversation.tree import (
    active_thread,
    siblings,
    switch_sibling,
    thread_to_leaf,
    visible_messages,
)

IDS = [f"n{i}" for i in range(12)]
"""Node ids the trees draw from; "ghost" is never in a mapping, so it dangles."""
ANY_ID = st.sampled_from([*IDS, "ghost"])

CONTENTS: list[dict[str, Any]] = [
    {"content_type": "text", "parts": ["hello"]},
    {"content_type": "text", "parts": [""]},
    {"content_type": "text", "parts": None},
    {"content_type": "multimodal_text", "parts": [{"content_type": "image_asset_pointer"}, 3]},
    {"content_type": "code", "language": "python", "text": "x"},
    {"content_type": "execution_output", "text": "<<ImageDisplayed>>"},
    {"content_type": "thoughts", "thoughts": "not a list"},
    {"content_type": "reasoning_recap", "content": None},
    {"content_type": "tether_quote", "url": 5},
    {"content_type": "system_error", "name": None},
    {"content_type": "mystery", "parts": [{"x": 1}]},
    {"content_type": "model_editable_context"},
]

messages = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "author": st.fixed_dictionaries(
                {"role": st.sampled_from(["user", "assistant", "tool", "system", "critic"])}
            ),
            "content": st.sampled_from(CONTENTS),
            "recipient": st.sampled_from(["all", "python", "web.run"]),
            "create_time": st.one_of(st.none(), st.floats(0, 2e9)),
            "end_turn": st.sampled_from([None, True, False]),
            "weight": st.sampled_from([0.0, 1.0]),
            "metadata": st.fixed_dictionaries(
                {},
                optional={
                    "message_type": st.sampled_from(["continue", "next", None]),
                    "finish_details": st.sampled_from([{"type": "max_tokens"}, {"type": "stop"}]),
                    "is_user_system_message": st.booleans(),
                    "is_visually_hidden_from_conversation": st.booleans(),
                },
            ),
        }
    ),
)

nodes = st.fixed_dictionaries(
    {
        "parent": st.one_of(st.none(), ANY_ID),
        "children": st.lists(ANY_ID, max_size=4),
        "message": messages,
    }
)


@st.composite
def conversations(draw: st.DrawFn) -> Conversation:
    keys = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=len(IDS)))
    mapping = {key: {"id": key, **draw(nodes)} for key in keys}
    current = draw(st.one_of(st.none(), ANY_ID))
    return Conversation.model_validate({"mapping": mapping, "current_node": current})


def assert_path(conv: Conversation, thread: list[str]) -> None:
    """No id repeats and each node's parent is the one before it, except across a gap: an id
    the mapping lacks marks one, and the node after it names it as its parent."""
    assert len(set(thread)) == len(thread)
    for upper, lower in pairwise(thread):
        if lower in conv.mapping:
            assert conv.mapping[lower].parent == upper
    for position, key in enumerate(thread):
        if key not in conv.mapping:
            assert conv.mapping[thread[position + 1]].parent == key


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(conversations(), st.one_of(st.none(), ANY_ID))
def test_active_thread_is_a_path(conv: Conversation, leaf: str | None) -> None:
    thread = active_thread(conv, leaf)
    assert_path(conv, thread)
    assert bool(thread) == bool(conv.mapping)
    if leaf in conv.mapping:
        assert thread[-1] == leaf
    elif conv.current_node in conv.mapping:
        assert thread[-1] == conv.current_node


@FAST
@given(conversations())
def test_visible_messages_never_raise(conv: Conversation) -> None:
    thread = active_thread(conv)
    shown = visible_messages(conv, thread)
    seen = [node for message in shown for node in message.node_ids]
    assert len(seen) == len(set(seen))
    assert set(seen) <= set(thread)
    for message in shown:
        assert 0 <= message.sibling_index < message.sibling_count
        assert message.node_id == message.node_ids[0]
        assert isinstance(message.text, str)
    # A caller's garbage thread is survived too.
    visible_messages(conv, [*reversed(thread), "ghost", *thread])
    # With hidden messages shown: every node still in one message at most, switchers sane.
    every = visible_messages(conv, thread, show_hidden=True)
    seen = [node for message in every for node in message.node_ids]
    assert len(seen) == len(set(seen))
    assert {m.node_id for m in shown} <= {m.node_id for m in every} | set(thread)
    for message in every:
        assert 0 <= message.sibling_index < message.sibling_count


@FAST
@given(conversations(), st.data())
def test_switch_sibling_contains_the_chosen_sibling(
    conv: Conversation, data: st.DataObject
) -> None:
    thread = active_thread(conv)
    if not thread:
        return
    node = data.draw(st.sampled_from([key for key in thread if key in conv.mapping]))
    index = data.draw(st.integers(-2, 6))
    options = siblings(conv, node)
    assert node in options
    chosen = options[max(0, min(index, len(options) - 1))]
    # With hidden messages shown, every sibling is offered.
    switched = switch_sibling(conv, thread, node, index, show_hidden=True)
    assert_path(conv, switched)
    assert chosen in switched
    # Otherwise only those leading to something visible, always including the node itself.
    offered = switch_sibling(conv, thread, node, index)
    assert_path(conv, offered)
    assert any(option in offered for option in options)
    below = thread_to_leaf(conv, chosen)
    assert_path(conv, below)
    assert chosen in below
