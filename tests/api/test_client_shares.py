"""Share links through the client: create, publish, list, revoke, against the demo backend."""

from __future__ import annotations

from typing import Any

import pytest

from tui.api import ApiError, BackendClient, ShareCreated
from tui.api.errors import NotFoundError

pytestmark = pytest.mark.anyio


def unshared(demo: Any) -> Any:
    """A listed conversation that has no share yet."""
    shared = {share["conversation_id"] for share in demo.state.shares}
    return next(r for r in demo.state.listing(archived=False) if r.id not in shared)


async def test_share_create_publish_list_and_revoke(client: BackendClient, demo: Any) -> None:
    record = unshared(demo)
    conversation = await client.conversation(record.id)
    assert conversation.current_node
    share = await client.share_conversation(record.id, conversation.current_node, "Shown title")
    assert isinstance(share, ShareCreated)
    assert share.share_url == f"https://chatgpt.com/share/{share.share_id}"
    assert share.is_public
    assert not share.already_exists
    # The two calls of the web app, with the bodies it sends.
    create, publish = [r for r in demo.state.requests if "/share" in r.path][-2:]
    assert (create.method, create.path) == ("POST", "/backend-api/share/create")
    assert create.body == {
        "conversation_id": record.id,
        "current_node_id": conversation.current_node,
        "is_anonymous": True,
    }
    assert (publish.method, publish.path) == ("PATCH", f"/backend-api/share/{share.share_id}")
    assert publish.body["is_public"] is True
    assert publish.body["title"] == "Shown title"
    links = (await client.shared_links()).items
    assert links[0].id == share.share_id
    assert links[0].title == "Shown title"
    assert links[0].conversation_id == record.id
    # Sharing again gives back the same share.
    again = await client.create_share(record.id, conversation.current_node)
    assert again.already_exists
    assert again.share_id == share.share_id

    await client.delete_share(share.share_id)
    assert share.share_id not in {link.id for link in (await client.shared_links()).items}
    with pytest.raises(NotFoundError):
        await client.delete_share(share.share_id)


async def test_share_of_an_unknown_conversation_or_node_is_refused(
    client: BackendClient, demo: Any
) -> None:
    with pytest.raises(ApiError):
        await client.create_share("no-such-conversation", "node")
    with pytest.raises(ApiError):
        await client.create_share(unshared(demo).id, "no-such-node")
    with pytest.raises(ValueError, match="current_node_id"):
        await client.create_share(unshared(demo).id, "")
