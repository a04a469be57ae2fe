"""The seeded history: deterministic, lazy, and covering what the client must handle."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tui.api.models import Conversation
from tui.demo import seed
from tui.demo.history_state import DemoState
from tui.demo.seed_records import Record


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return seed.seed_records()


def by_title(records: list[Record], title: str) -> Record:
    return next(record for record in records if record.title == title)


def messages(record: Record) -> list[dict[str, Any]]:
    return [node["message"] for node in record.ensure_tree().values() if node.get("message")]


def test_seeding_is_lazy() -> None:
    state = DemoState()
    assert len(state.records) >= 300
    assert all(record.mapping is None for record in state.records.values())


def test_deterministic() -> None:
    first, second = seed.seed_records(), seed.seed_records()
    assert [(r.id, r.title, r.update_time) for r in first] == [
        (r.id, r.title, r.update_time) for r in second
    ]
    for index in (0, 1, 2, 50):
        assert json.dumps(first[index].payload()) == json.dumps(second[index].payload())


def test_fixed_times(records: list[Record]) -> None:
    assert records[0].update_time == seed.NEWEST
    assert all(r.create_time <= r.update_time <= seed.NEWEST for r in records)
    assert min(r.update_time for r in records) > seed.NEWEST - 366 * 86400


def test_every_conversation_parses_and_has_a_hidden_root(records: list[Record]) -> None:
    for record in records:
        conv = Conversation.model_validate(record.payload())
        roots = [node for node in conv.mapping.values() if node.parent is None]
        assert len(roots) == 1
        assert roots[0].message is None
        system = conv.mapping[roots[0].children[0]].message
        assert system is not None
        assert system.role == "system"
        assert system.weight == 0.0
        assert conv.current_node in conv.mapping


def test_top_conversation_is_a_showcase(records: list[Record]) -> None:
    top = records[0]
    tree = top.ensure_tree()
    assert any(len(node["children"]) > 1 for node in tree.values())
    assert any("```rust" in m["content"]["parts"][0] for m in messages(top))


def test_long_conversation(records: list[Record]) -> None:
    long = by_title(records, "Field notes: building a key-value store")
    visible = [m for m in messages(long) if m["author"]["role"] in ("user", "assistant")]
    assert len(visible) >= 500
    text = "\n".join(m["content"]["parts"][0] for m in visible)
    for marker in ("```python", "```rust", "```sql", "```javascript", "```bash", "|---|", "\n## "):
        assert marker in text
    assert len(set(m["content"]["parts"][0] for m in visible)) > 400  # varied, not repeated


def test_content_types(records: list[Record]) -> None:
    kinds = Counter(m["content"]["content_type"] for r in records[:25] for m in messages(r))
    for kind in ("text", "code", "execution_output", "multimodal_text", "thoughts",
                 "reasoning_recap", "tether_browsing_display", "tether_quote",
                 "user_editable_context"):  # fmt: skip
        assert kinds[kind] >= 1, kind
    image = by_title(records, "What plant is this? 🌿")
    parts = messages(image)[1]["content"]["parts"]
    assert parts[0]["content_type"] == "image_asset_pointer"
    tool = by_title(records, "Plot sensor data with pandas")
    assert any(
        m["author"] == {"role": "tool", "name": "python", "metadata": {}} for m in messages(tool)
    )


def test_branches(records: list[Record]) -> None:
    def widest(record: Record) -> int:
        return max(len(node["children"]) for node in record.ensure_tree().values())

    assert widest(by_title(records, "Cover letter: three tries")) == 3
    branched = [r for r in records if widest(r) > 1]
    assert len(branched) >= 10
    three = by_title(records, "Cover letter: three tries").ensure_tree()
    wide = [n for n in three.values() if len(n["children"]) == 3]
    roles = {three[c]["message"]["author"]["role"] for n in wide for c in n["children"]}
    assert roles == {"user", "assistant"}  # edits and regenerations


def test_titles(records: list[Record]) -> None:
    titles = [r.title for r in records]
    assert len(titles) >= 300
    joined = "".join(titles)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in joined)  # CJK
    assert any("\u0600" <= ch <= "\u06ff" for ch in joined)  # Arabic
    assert any("\u0590" <= ch <= "\u05ff" for ch in joined)  # Hebrew
    assert "🎉" in joined
    for hostile in ("[bold]", "[/]", "[link=file:///etc/passwd]x[/]", "\x1b[2J", "\x1b]52;c;"):
        assert hostile in joined
    assert "New chat" in titles


def test_hostile_message_text(records: list[Record]) -> None:
    hostile = by_title(records, "Clear \x1b[2Jscreen?")
    text = "".join(part for m in messages(hostile) for part in m["content"]["parts"])
    assert "[bold red]" in text
    assert "\x1b]52;c;SGVsbG8=\x07" in text


def test_archived_and_max_tokens(records: list[Record]) -> None:
    assert sum(r.is_archived for r in records) >= 3
    cut = by_title(records, "README for a log-cleaning CLI")
    last = cut.ensure_tree()[cut.current_node or ""]["message"]
    assert last["metadata"]["finish_details"] == {"type": "max_tokens"}
    assert last["end_turn"] is False


def test_every_default_conversation_conforms(records: list[Record]) -> None:
    """Any client can read the default history end to end: a broken tree is opt-in only."""
    for record in records:
        tree = record.ensure_tree()
        roots = [key for key, node in tree.items() if node["parent"] is None]
        assert len(roots) == 1, record.title
        for key, node in tree.items():
            assert node["id"] == key, record.title
            assert all(child in tree for child in node["children"]), record.title
            assert all(tree[child]["parent"] == key for child in node["children"]), record.title
            if node["parent"] is not None:
                assert key in tree[node["parent"]]["children"], record.title
        # The current node leads back to the root.
        seen, step = set(), record.current_node
        while step is not None:
            assert step in tree, record.title
            assert step not in seen, record.title
            seen.add(step)
            step = tree[step]["parent"]
        assert roots[0] in seen, record.title


def test_message_times_fall_inside_their_conversation(records: list[Record]) -> None:
    for record in records:
        times = [m["create_time"] for m in messages(record) if m["create_time"] is not None]
        assert all(record.create_time <= t <= record.update_time for t in times), record.title
