"""The conversation tree on real payloads: expectations worked out by hand from each file.

The files are real payloads from public projects (sources and licences in fixtures/SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.api.models import Conversation
from tui.conversation.formats import thread_markdown, tree_json
from tui.conversation.tree import (
    BlockKind,
    VisibleMessage,
    active_thread,
    siblings,
    switch_sibling,
    visible_messages,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def load(name: str) -> Conversation:
    data: Any = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    if isinstance(data, list):  # an export's conversations.json: an array of conversations
        data = data[0]
    return Conversation.model_validate(data)


def kinds(message: VisibleMessage) -> list[str]:
    return [block.kind.value for block in message.blocks]


@pytest.fixture
def image_generation() -> Conversation:
    return load("pionxzh_chatgpt-exporter_image-generation.json")


@pytest.fixture
def thinking() -> Conversation:
    return load("pionxzh_chatgpt-exporter_thinking-summaries.json")


@pytest.fixture
def code_interpreter() -> Conversation:
    return load("realazthat_chatgpt2graph_conversations.json")


# image-generation.json: 25 nodes n0..n24, current_node n24. n5 has children [n6, n7] and n11
# has [n12, n13]: n6/n12 are empty hidden "final" answers, n7/n13 the next questions. Each turn:
# a tool image (visible), two hidden tool nodes (duplicate image + text), a reasoning_recap.


def test_image_generation_thread_skips_the_empty_branches(image_generation: Conversation) -> None:
    thread = active_thread(image_generation)
    expected = [f"n{i}" for i in range(25) if i not in (6, 12)]
    assert thread == expected


def test_image_generation_visible_messages(image_generation: Conversation) -> None:
    messages = visible_messages(image_generation, active_thread(image_generation))
    assert [m.role for m in messages] == ["user", "assistant"] * 4
    assert [m.node_id for m in messages] == ["n1", "n2", "n7", "n8", "n13", "n14", "n19", "n20"]
    first = messages[0]
    assert kinds(first) == ["image", "markdown"]
    assert first.blocks[0].text == "image 1254×1254 (sediment://file_1)"
    assert first.blocks[1].text == "question 1"
    # Each image is shown once: the hidden duplicate in n3/n9/n21 is not.
    images = [b.text for m in messages for b in m.blocks if b.kind is BlockKind.IMAGE]
    assert images == [f"image 1254×1254 (sediment://file_{i})" for i in range(1, 6)]
    recaps = [m.blocks[0].label for m in messages if m.role == "assistant"]
    assert recaps == ["Thought for 47s", "Thought for 47s", "Thought for 33s", "Thought for 38s"]
    assert all(kinds(m) == ["thoughts", "image"] for m in messages if m.role == "assistant")
    # Hidden nodes stay in the turn: a reply hangs from the real leaf n24.
    assert messages[-1].node_ids == ("n20", "n21", "n22", "n23", "n24")
    assert messages[-1].last_node_id == "n24"
    assert messages[1].model_slug == "gpt-5-4-thinking"  # n3, the turn's first slug


def test_image_generation_counts_only_branches_that_show_something(
    image_generation: Conversation,
) -> None:
    # n7 and n13 each have an empty, hidden sibling (n6, n12): the web app shows no switcher.
    messages = visible_messages(image_generation, active_thread(image_generation))
    positions = {m.node_id: (m.sibling_index, m.sibling_count) for m in messages}
    assert positions == dict.fromkeys(["n1", "n2", "n7", "n8", "n13", "n14", "n19", "n20"], (0, 1))
    assert siblings(image_generation, "n7") == ["n6", "n7"]
    assert siblings(image_generation, "n12") == ["n12", "n13"]
    # With hidden messages shown, every sibling counts (and the hidden nodes are flagged).
    shown = visible_messages(image_generation, active_thread(image_generation), show_hidden=True)
    counted = {m.node_id: (m.sibling_index, m.sibling_count) for m in shown}
    assert counted["n7"] == (1, 2)
    assert counted["n13"] == (1, 2)
    assert {m.node_id for m in shown if m.hidden} >= {"n3", "n4", "n9", "n10"}
    assert not any(m.hidden for m in messages)


def test_image_generation_switch_to_the_empty_branch_and_back(
    image_generation: Conversation,
) -> None:
    thread = active_thread(image_generation)
    # Only one branch shows something: [ and ] have nowhere to go.
    assert switch_sibling(image_generation, thread, "n7", 0) == thread
    # With hidden messages shown, the empty hidden answer is reachable as "1 of 2".
    other = switch_sibling(image_generation, thread, "n7", 0, show_hidden=True)
    assert other == ["n0", "n1", "n2", "n3", "n4", "n5", "n6"]
    messages = visible_messages(image_generation, other, show_hidden=True)
    branch = messages[-1]
    assert (branch.node_id, branch.sibling_index, branch.sibling_count) == ("n6", 0, 2)
    assert branch.hidden
    # Back to sibling 2: current_node n24 lies below n7, so the thread runs to it again.
    assert switch_sibling(image_generation, other, "n6", 1, show_hidden=True) == thread
    # The second branch point: newer turns above it are kept.
    assert switch_sibling(image_generation, thread, "n13", 0, show_hidden=True) == [
        *thread[: thread.index("n13")],
        "n12",
    ]


# thinking-summaries.json: 15 nodes, no branches. Turn 1 = n2..n10: a hidden web.run call (n2),
# an empty web.run result (n3), thoughts (n4), another call (n5), empty result (n6), thoughts
# (n7, n8), recap "Thought for 29s" (n9), "answer 1" (n10). Turn 2 = n12..n14.


def test_thinking_summaries(thinking: Conversation) -> None:
    thread = active_thread(thinking)
    assert thread == [f"n{i}" for i in range(15)]
    messages = visible_messages(thinking, thread)
    assert [m.role for m in messages] == ["user", "assistant", "user", "assistant"]
    answer = messages[1]
    assert answer.node_ids == tuple(f"n{i}" for i in range(2, 11))
    assert kinds(answer) == ["thoughts", "markdown"]
    folded = answer.blocks[0]
    assert folded.label == "Thought for 29s"
    steps = ["thought 1", "summary 2", "thought 2", "thought 3", "summary 4", "summary 5"]
    positions = [folded.text.index(step) for step in steps]
    assert positions == sorted(positions)
    assert answer.blocks[1].text == "answer 1"
    assert messages[3].blocks[0].label == "Thought for 14s"
    assert messages[3].blocks[1].text == "answer 2"
    assert "thought 4" in messages[3].blocks[0].text


# conversations.json (an export: a JSON array of 1): 45 nodes, one chain. A message-less root,
# a hidden weight-0 system node, an empty custom-instructions system node, then 8 user questions.
# Each answer mixes end_turn:false texts, code to python and execution_output tool nodes.


def test_code_interpreter_thread(code_interpreter: Conversation) -> None:
    thread = active_thread(code_interpreter)
    assert len(thread) == 45
    assert thread[0] == "aaa15e79-f313-489b-9459-d2cac643ac62"
    assert thread[-1] == code_interpreter.current_node == "875ad56f-8b75-4e69-9fdc-f96acf212f9c"
    messages = visible_messages(code_interpreter, thread)
    assert [m.role for m in messages] == ["user", "assistant"] * 8
    assert all(m.sibling_count == 1 for m in messages)
    # The empty custom instructions and the hidden system node are not shown.
    assert messages[0].text.startswith("given two random independent variables")


def test_code_interpreter_first_answer(code_interpreter: Conversation) -> None:
    answer = visible_messages(code_interpreter, active_thread(code_interpreter))[1]
    assert len(answer.node_ids) == 10
    assert kinds(answer) == ["markdown", "code", "output"] * 3 + ["markdown"]
    code = answer.blocks[1]
    assert (code.language, code.label) == ("python", "python")
    assert code.text.startswith("from sympy import symbols, integrate, Abs\n\nx, y")
    assert "\r" not in code.text
    assert [b.text for b in answer.blocks if b.kind is BlockKind.OUTPUT] == ["0", "0", "1/3"]
    assert answer.blocks[-1].text.startswith("The average distance between")
    # "…recalculate." and "It appears…" are separate parts (end_turn false, finish stop).
    assert answer.blocks[3].text.endswith("recalculate.")
    assert answer.model_slug == "gpt-4-code-interpreter"
    assert answer.finish_type == "stop"


def test_code_interpreter_images(code_interpreter: Conversation) -> None:
    messages = visible_messages(code_interpreter, active_thread(code_interpreter))
    images = [b.text for m in messages for b in m.blocks if b.kind is BlockKind.IMAGE]
    assert len(images) == 7  # seven "<<ImageDisplayed>>" outputs, each with one image_url
    assert images[0] == "image (file-service://c18959c4-6a9f-4f43-a908-5b9c5e500446)"
    # The marker itself never reaches the reader.
    assert all("ImageDisplayed" not in m.text for m in messages)
    fifth = messages[9]  # "run it again please": reset output, apology, code, image, answer
    assert kinds(fifth) == ["code", "output", "markdown", "code", "image", "markdown"]
    assert fifth.blocks[1].text == "Code execution state reset."


def test_code_interpreter_export(code_interpreter: Conversation) -> None:
    messages = visible_messages(code_interpreter, active_thread(code_interpreter))
    markdown = thread_markdown(code_interpreter, messages)
    assert markdown.startswith(
        "# Average Distance in U(0,1)\n\n- Created: 2023-09-21 19:57 UTC\n"
        "- Updated: 2023-09-22 08:23 UTC\n- Model: gpt-4-code-interpreter\n\n"
        "## User\n\n```text\ngiven two random"
    )
    assert markdown.count("\n## User\n") == 8
    assert markdown.count("\n## Assistant (gpt-4-code-interpreter)\n") == 8
    assert "```python\nfrom sympy import" in markdown
    assert "[image] image (file-service://" in markdown
    data = tree_json(code_interpreter)
    assert len(data["mapping"]) == 45
    assert data["current_node"] == code_interpreter.current_node
    assert data["id"] == data["conversation_id"]
    again = Conversation.model_validate(json.loads(json.dumps(data)))
    assert active_thread(again) == active_thread(code_interpreter)


@pytest.mark.parametrize(
    "name",
    [
        "pionxzh_chatgpt-exporter_image-generation.json",
        "pionxzh_chatgpt-exporter_thinking-summaries.json",
        "realazthat_chatgpt2graph_conversations.json",
    ],
)
def test_every_payload_round_trips_through_export(name: str) -> None:
    conv = load(name)
    messages = visible_messages(conv, active_thread(conv))
    assert thread_markdown(conv, messages).count("\n## ") == len(messages)
    json.dumps(tree_json(conv))  # JSON-safe
