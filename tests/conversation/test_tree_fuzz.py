"""Fuzz: raw mappings of any JSON shape, and real exports with one value replaced, read and
shown without an exception: a message that does not fit becomes a placeholder, never an error.

tests/conversation/test_tree_props.py checks the tree's rules on well-typed random trees; this
file checks that no shape at all gets past the model into an exception.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_stream_fuzz import replace_somewhere
from tests.api.test_stream_props import json_values
from tui.api.models import Conversation
from tui.conversation.content import describe
from tui.conversation.tree import active_thread, siblings, switch_sibling, visible_messages

FIXTURES = Path(__file__).parent.parent / "fixtures"
IDS = ["a", "b", "c", "d", "e", "f"]
ID_OR_JUNK = st.one_of(st.sampled_from([*IDS, "ghost"]), json_values)

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

message_like = st.fixed_dictionaries(
    {},
    optional={
        "id": ID_OR_JUNK,
        "author": st.one_of(json_values, st.fixed_dictionaries({"role": json_values})),
        "content": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {"content_type": st.one_of(st.sampled_from(["text", "code", "x"]), json_values)},
                optional={"parts": json_values, "text": json_values},
            ),
        ),
        "create_time": json_values,
        "metadata": json_values,
        "weight": json_values,
        "recipient": json_values,
        "end_turn": json_values,
        "status": json_values,
    },
)
raw_nodes = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "id": ID_OR_JUNK,
            "parent": ID_OR_JUNK,
            "children": st.one_of(st.lists(ID_OR_JUNK, max_size=4), json_values),
            "message": st.one_of(message_like, json_values),
        },
    ),
)


def read_and_show(raw: dict[str, Any]) -> None:
    conv = Conversation.model_validate(raw)
    thread = active_thread(conv)
    for message in visible_messages(conv, thread):
        assert isinstance(message.text, str)
    for node_id in thread:
        siblings(conv, node_id)
        switch_sibling(conv, thread, node_id, 1)
        node = conv.mapping.get(node_id)
        if node is None:
            # A node the mapping lacks: the thread names it where the gap is, so the reader is
            # shown a "messages missing here" marker; it must be one some node names as parent.
            assert any(other.parent == node_id for other in conv.mapping.values())
            continue
        if node.message is not None:
            describe(node.message)


@FUZZ
@given(
    st.dictionaries(st.sampled_from(IDS), raw_nodes, max_size=len(IDS)),
    st.one_of(st.none(), ID_OR_JUNK),
)
def test_any_raw_mapping_is_read_and_shown(mapping: dict[str, Any], current: Any) -> None:
    # The top-level fields get junk too: an odd title or current node must not stop the read.
    read_and_show({"mapping": mapping, "current_node": current, "title": current})


EXPORTS = [
    conversation
    for name in (
        "realazthat_chatgpt2graph_conversations.json",
        "pionxzh_chatgpt-exporter_image-generation.json",
        "pionxzh_chatgpt-exporter_thinking-summaries.json",
    )
    for conversation in (lambda data: data if isinstance(data, list) else [data])(
        json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    )
]
"""Real exported conversations (tests/fixtures/SOURCES.md)."""


@FUZZ
@given(
    st.sampled_from(range(len(EXPORTS))),
    st.lists(st.tuples(st.lists(st.integers(0, 40), max_size=7), json_values), max_size=3),
)
def test_real_exports_with_values_replaced_are_read_and_shown(
    which: int, changes: list[tuple[list[int], Any]]
) -> None:
    raw: Any = EXPORTS[which]
    for path, value in changes:
        raw = replace_somewhere(raw, [list(raw).index("mapping"), *path], value)
    if isinstance(raw, dict) and isinstance(raw.get("mapping"), dict):
        read_and_show(raw)
