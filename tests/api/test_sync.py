"""The blocking facade: what a ten-line script does, against the demo backend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.client_helpers import MODEL, settings_for
from tui.api import ApiError, NetworkError, NotFoundError, SyncBackendClient


@pytest.fixture
def api(demo: Any) -> Any:
    with SyncBackendClient(settings_for(demo, backend_url="")) as client:
        yield client


def test_list_get_rename_export(api: SyncBackendClient, demo: Any) -> None:
    page = api.conversations(limit=5)
    assert len(page.items) == 5
    first = page.items[0]
    assert api.conversation(first.id).title == first.title
    assert api.rename_conversation(first.id, "From a script").success
    assert api.conversation(first.id).title == "From a script"
    assert api.request_data_export().status == "queued"
    assert api.account_status().plan_name == "Plus"
    assert api.models().default_model == MODEL
    assert api.conversation_limit().message_cap == 40
    assert api.beta_features().browsing
    assert api.shared_links().items
    assert api.set_archived(first.id, True).success
    assert api.delete_conversation(first.id).success
    with pytest.raises(NotFoundError):
        api.conversation(first.id)


def test_send_and_wait_returns_the_reply(api: SyncBackendClient) -> None:
    reply = api.send_and_wait("Hello from a script", model=MODEL)
    assert isinstance(reply, str)
    assert reply
    full = api.send_and_collect("Hello from a script", model=MODEL)
    assert full.text == reply, "the fake model answers a prompt the same way every time"
    follow = api.send_and_collect(
        "Tell me more",
        model=MODEL,
        parent_message_id=full.message_id,
        conversation_id=full.conversation_id,
    )
    assert follow.conversation_id == full.conversation_id
    title = api.generate_title(full.conversation_id or "", full.message_id or "")
    assert title.effective_title


def test_send_and_wait_raises_on_broken_or_failed_replies(
    api: SyncBackendClient, demo: Any
) -> None:
    demo.faults.arm("drop_mid_stream", on="send")
    with pytest.raises(NetworkError, match="broke"):
        api.send_and_wait("Hello", model=MODEL)
    demo.faults.arm("error_in_stream", on="send")
    with pytest.raises(ApiError, match="unusual activity"):
        api.send_and_wait("Hello", model=MODEL)


def test_close_twice_and_from_env(demo: Any) -> None:
    client = SyncBackendClient.from_env(
        env={"BACKEND_REVERSE_PROXY": demo.backend_url, "OPENAI_API_KEY": demo.token}
    )
    assert client.conversations(limit=1).items
    client.close()
    client.close()
