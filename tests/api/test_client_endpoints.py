"""Every endpoint of the seed notebook, against the demo backend over loopback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tui.api import (
    AccountStatus,
    BackendClient,
    ConversationPage,
    NotFoundError,
)
from tui.demo import bodies

pytestmark = pytest.mark.anyio


async def test_account_status_both_forms(client: BackendClient) -> None:
    legacy = await client.account_status()
    assert isinstance(legacy, AccountStatus)
    assert legacy.raw == bodies.accounts_check()
    assert (legacy.plan, legacy.plan_name, legacy.is_paid) == ("chatgptplusplan", "Plus", True)
    assert (legacy.country, legacy.user_role) == ("NL", "account-owner")
    assert legacy.features == bodies.FEATURES
    assert legacy.expires_at == datetime.fromtimestamp(1798761600, tz=UTC)
    assert legacy.account_id is None
    assert legacy.plan_type is None

    v4 = await client.account_status_v4()
    assert v4.raw == bodies.accounts_check_v4()
    assert (v4.plan, v4.plan_type, v4.plan_name, v4.is_paid) == (
        "chatgptplusplan",
        "plus",
        "Plus",
        True,
    )
    assert v4.account_id == bodies.ACCOUNT_ID
    assert v4.user_role == "account-owner"
    assert v4.features == bodies.FEATURES
    assert v4.expires_at == datetime(2026, 12, 31, tzinfo=UTC)


async def test_models_and_beta_features(client: BackendClient, demo: Any) -> None:
    models = await client.models()
    assert [m.slug for m in models.models] == [row[0] for row in bodies.MODELS]
    first = models.models[0]
    assert (first.title, first.max_tokens, first.tags) == ("Default (GPT-3.5)", 8191, ["gpt3.5"])
    assert models.categories[0].human_category_name == "GPT-3.5"
    assert models.default_model == "text-davinci-002-render-sha"
    await client.models(history_and_training_disabled=True)
    queries = [r.query for r in demo.state.requests if r.path.endswith("/models")]
    assert [q["history_and_training_disabled"] for q in queries] == ["false", "true"]

    beta = await client.beta_features()
    assert beta.flags() == bodies.BETA_FEATURES
    assert beta.browsing
    assert beta.code_interpreter
    assert not beta.dalle


async def test_conversation_limit_uses_the_public_api_root(
    client: BackendClient, demo: Any
) -> None:
    limit = await client.conversation_limit()
    expected = bodies.CONVERSATION_LIMIT
    assert limit.message_cap == expected["message_cap"]
    assert limit.message_cap_window == expected["message_cap_window"]
    disclaimer = expected["message_disclaimer"]
    assert limit.message_disclaimer.model_switcher == disclaimer["model-switcher"]
    assert limit.message_disclaimer.textarea == disclaimer["textarea"]
    assert demo.state.requests[-1].path == "/public-api/conversation_limit"


async def test_conversation_list_pages(client: BackendClient, demo: Any) -> None:
    first = await client.conversations()
    assert isinstance(first, ConversationPage)
    expected = demo.state.listing(archived=False)
    assert [item.id for item in first.items] == [record.id for record in expected[:28]]
    assert [item.title for item in first.items] == [record.title for record in expected[:28]]
    assert first.total == len(expected)
    assert first.limit == 28
    assert first.offset == 0
    assert len(first.items) == 28
    assert first.total is not None
    assert first.total > 28
    updated = [item.update_time for item in first.items if item.update_time is not None]
    assert len(updated) == len(first.items)
    assert updated == sorted(updated, reverse=True), "order=updated: newest first"
    second = await client.conversations(offset=28, limit=5)
    assert second.offset == 28
    assert len(second.items) == 5
    assert not {i.id for i in first.items} & {i.id for i in second.items}
    biggest = await client.conversations(limit=100)
    assert len(biggest.items) == min(100, biggest.total or 0)


@pytest.mark.parametrize("limit", [0, 101, -3])
async def test_limit_is_checked_before_sending(
    client: BackendClient, demo: Any, limit: int
) -> None:
    with pytest.raises(ValueError, match="between 1 and 100"):
        await client.conversations(limit=limit)


async def test_conversation_tree(client: BackendClient) -> None:
    page = await client.conversations(limit=5)
    item = page.items[0]
    conversation = await client.conversation(item.id)
    assert conversation.key == item.id
    assert conversation.title == item.title
    assert conversation.current_node in conversation.mapping
    roots = [node for node in conversation.mapping.values() if node.parent is None]
    assert len(roots) == 1
    roles = {n.message.role for n in conversation.mapping.values() if n.message}
    assert {"user", "assistant"} <= roles


async def test_rename_archive_delete(client: BackendClient) -> None:
    item = (await client.conversations(limit=1)).items[0]
    assert (await client.rename_conversation(item.id, "  Renamed \n by   the client ")).success
    renamed = await client.conversation(item.id)
    assert renamed.title == "Renamed by the client"
    with pytest.raises(ValueError, match="empty"):
        await client.rename_conversation(item.id, " \t ")

    assert (await client.set_archived(item.id, True)).success
    archived = await client.conversations(is_archived=True, limit=100)
    assert item.id in {i.id for i in archived.items}
    listed = await client.conversations(limit=100)
    assert item.id not in {i.id for i in listed.items}
    assert (await client.set_archived(item.id, False)).success
    assert item.id in {i.id for i in (await client.conversations(limit=100)).items}

    assert (await client.delete_conversation(item.id)).success
    with pytest.raises(NotFoundError) as caught:
        await client.conversation(item.id)
    assert caught.value.status == 404
    assert "deleted elsewhere?" in str(caught.value)


async def test_shared_links(client: BackendClient, demo: Any) -> None:
    links = await client.shared_links()
    expected = demo.state.visible_shares()
    assert [(link.id, link.conversation_id, link.title) for link in links.items] == [
        (share["id"], share["conversation_id"], share["title"]) for share in expected
    ]
    for link in links.items:
        assert link.id
        assert link.conversation_id
        assert link.id != link.conversation_id
    created = [link.create_time for link in links.items]
    assert all(c is not None for c in created)


async def test_data_export(client: BackendClient) -> None:
    assert (await client.request_data_export()).status == "queued"


async def test_generate_title(client: BackendClient) -> None:
    item = (await client.conversations(limit=1)).items[0]
    conversation = await client.conversation(item.id)
    assert conversation.current_node
    result = await client.generate_title(item.id, conversation.current_node)
    # A titled conversation answers "already has title '<title>'" (the notebook's output).
    assert result.title or result.existing_title
    assert result.effective_title == (result.title or item.title)
