"""Benchmark of the conversation tree on 10,000-node mappings (``uv run python -m bench.tree``).

Two shapes: a realistic one (a long user/assistant chain with a regenerated answer every 40
nodes and an edited question every 100, each side branch a few nodes deep) and a pure 10,000-node
chain, the worst case for any recursive walk. Each step is timed separately, in milliseconds
(median of several runs), and the steps are summed.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from bench._common import emit, peak_rss_mib
from tui.api.models import Conversation
from tui.conversation.tree import active_thread, switch_sibling, visible_messages

NODES = 10_000
RUNS = 5
"""Runs per step; the median is reported."""

_TEXT = (
    "A paragraph of ordinary answer text, long enough to look like a real reply, with `code`, "
    "a [link](https://example.test) and some **bold** words. "
) * 3


def _message(node_id: str, role: str, when: float) -> dict[str, Any]:
    return {
        "id": node_id,
        "author": {"role": role, "name": None, "metadata": {}},
        "create_time": when,
        "update_time": None,
        "content": {"content_type": "text", "parts": [f"{node_id}: {_TEXT}"]},
        "status": "finished_successfully",
        "end_turn": role == "assistant",
        "weight": 1.0,
        "metadata": {"model_slug": "gpt-4o"} if role == "assistant" else {},
        "recipient": "all",
        "channel": None,
    }


def _add(mapping: dict[str, Any], node_id: str, parent: str | None, role: str | None) -> None:
    message = _message(node_id, role, float(len(mapping))) if role else None
    mapping[node_id] = {"id": node_id, "message": message, "parent": parent, "children": []}
    if parent is not None:
        mapping[parent]["children"].append(node_id)


def realistic(size: int = NODES) -> tuple[dict[str, Any], str]:
    """A raw conversation dict, and the main-line node of its deepest branch point."""
    mapping: dict[str, Any] = {}
    _add(mapping, "root", None, None)
    tip, role, deepest, side = "root", "user", "", 0
    while len(mapping) < size:
        index = len(mapping)
        branches = index % 40 == 0 if role == "assistant" else index % 100 == 0
        if branches and len(mapping) < size - 5:
            # An older sibling (regenerated answer / edited question) with a short chain below.
            branch = f"b{side}"
            side += 1
            _add(mapping, branch, tip, role)
            parent, other = branch, role
            for depth in range(3):
                other = "user" if other == "assistant" else "assistant"
                _add(mapping, f"{branch}-{depth}", parent, other)
                parent = f"{branch}-{depth}"
            deepest = f"n{len(mapping)}"
        node_id = f"n{len(mapping)}"
        _add(mapping, node_id, tip, role)
        tip, role = node_id, "user" if role == "assistant" else "assistant"
    conv = {"title": "bench", "mapping": mapping, "current_node": tip, "conversation_id": "c"}
    return conv, deepest


def chain(size: int = NODES) -> tuple[dict[str, Any], str]:
    """A raw conversation dict that is one chain, and the id of its deepest node's parent."""
    mapping: dict[str, Any] = {}
    _add(mapping, "root", None, None)
    tip = "root"
    for index in range(1, size):
        node_id = f"n{index}"
        _add(mapping, node_id, tip, "user" if index % 2 else "assistant")
        tip = node_id
    return {"title": "chain", "mapping": mapping, "current_node": tip}, f"n{size - 2}"


def _time(step: Callable[[], object]) -> float:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        step()
        samples.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(samples), 2)


def measure(raw: dict[str, Any], branch_node: str) -> dict[str, Any]:
    """Time each step on one raw conversation; report ms per step and their sum."""
    conv = Conversation.model_validate(raw)
    thread = active_thread(conv)
    timings = {
        "model_validate_ms": _time(lambda: Conversation.model_validate(raw)),
        "active_thread_ms": _time(lambda: active_thread(conv)),
        "visible_messages_ms": _time(lambda: visible_messages(conv, thread)),
        "switch_sibling_ms": _time(lambda: switch_sibling(conv, thread, branch_node, 0)),
    }
    switched = switch_sibling(conv, thread, branch_node, 0)
    return {
        **timings,
        "total_ms": round(sum(timings.values()), 2),
        "nodes": len(conv.mapping),
        "thread_nodes": len(thread),
        "visible_messages": len(visible_messages(conv, thread)),
        "switched_thread_nodes": len(switched),
    }


def main() -> None:
    raw, branch = realistic()
    chain_raw, first = chain()
    emit(
        {
            "benchmark": "tree",
            "runs_per_step": RUNS,
            "realistic": {**measure(raw, branch), "switch_at": branch},
            "chain": measure(chain_raw, first),
            "peak_rss_mib": round(peak_rss_mib(), 1),
        }
    )


if __name__ == "__main__":
    main()
