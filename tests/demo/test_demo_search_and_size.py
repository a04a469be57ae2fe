"""The demo's server search, its sized histories (``--conversations N``) and read drops."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import httpx
import pytest

from tui.demo import DEMO_TOKEN, seed
from tui.demo.server import DemoServer
from tui.demo.server_search import PAGE_SIZE

SEARCH = "/backend-api/conversations/search"


def test_search_finds_every_branch_case_insensitively(demo: DemoServer, api: httpx.Client) -> None:
    body = api.get(SEARCH, params={"query": "CSV IN RUST", "cursor": ""}).json()
    [hit] = [item for item in body["items"] if item["title"] == "Faster CSV parsing in Rust"]
    assert hit["payload"]["kind"] == "message"
    assert "csv in rust" in hit["payload"]["snippet"].lower()
    record = demo.state.get(hit["conversation_id"])
    assert record is not None
    assert hit["payload"]["message_id"] in record.ensure_tree()
    assert hit["current_node_id"] == record.current_node
    # A regenerated answer left off the current branch is found too.
    three = next(r for r in demo.state.listing(archived=False) if r.title.startswith("Cover"))
    off_branch = [
        node
        for node in three.ensure_tree().values()
        if node.get("message") and not _on_thread(three.ensure_tree(), three.current_node, node)
    ]
    words = off_branch[-1]["message"]["content"]["parts"][0].split()[:4]
    found = api.get(SEARCH, params={"query": " ".join(words)}).json()["items"]
    assert three.id in {item["conversation_id"] for item in found}


def _on_thread(tree: dict, leaf: str | None, node: dict) -> bool:  # type: ignore[type-arg]
    current = leaf
    while current is not None:
        if current == node["id"]:
            return True
        current = tree[current].get("parent")
    return False


def test_search_pages_with_a_cursor(api: httpx.Client) -> None:
    seen: list[str] = []
    cursor = ""
    for _ in range(50):
        body = api.get(SEARCH, params={"query": "the", "cursor": cursor}).json()
        seen.extend(item["conversation_id"] for item in body["items"])
        if body["cursor"] is None:
            break
        assert len(body["items"]) == PAGE_SIZE
        cursor = body["cursor"]
    assert len(seen) > PAGE_SIZE
    assert len(seen) == len(set(seen))
    assert api.get(SEARCH, params={"query": "zzqxvv"}).json() == {"items": [], "cursor": None}


def test_a_sized_history_is_deterministic_and_cheap() -> None:
    records = seed.seed_records(10_000)  # cheap: no tree is built (bench/sync_10k.py times it)
    assert [r.id for r in records[: seed.COUNT]] == [r.id for r in seed.seed_records()]
    assert [r.id for r in seed.seed_records(50)] == [r.id for r in records[:50]]
    sample = records[seed.COUNT :: 97]
    sizes = Counter(len(seed.payload_once(record)["mapping"]) // 10 for record in sample)
    assert len(sizes) >= 3, "a mix of sizes"
    branched = [
        record
        for record in sample
        if any(len(node["children"]) > 1 for node in seed.payload_once(record)["mapping"].values())
    ]
    assert branched, "some chats have branches"
    assert all(record.mapping is None for record in sample), "trees are not kept"
    assert any(record.is_archived for record in records[seed.COUNT :])


def test_serve_demo_conversations_flag() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve-demo", "--conversations", "1000", "--pace", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().removeprefix("url: ")
        headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
        visible = httpx.get(f"{url}/backend-api/conversations", headers=headers).json()
        archived = httpx.get(
            f"{url}/backend-api/conversations", params={"is_archived": "true"}, headers=headers
        ).json()
        assert visible["total"] + archived["total"] == 1000
    finally:
        process.terminate()
        process.wait(10)


def test_drop_connection_cuts_a_read_short(demo: DemoServer, api: httpx.Client) -> None:
    demo.faults.arm("drop_connection", on="read")
    with pytest.raises(httpx.RemoteProtocolError):
        api.get("/backend-api/conversations")
    assert api.get("/backend-api/conversations").status_code == 200
