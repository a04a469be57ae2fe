"""A blocking facade over :class:`BackendClient` for short scripts (no ``async`` needed).

It owns a private event loop (``asyncio.Runner``) and one async client living on it, so
connections are reused across calls exactly as in the app. Not for use inside a running loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self, TypeVar

from tui.api.client import BackendClient
from tui.api.endpoints import (
    AccountStatus,
    ActionResult,
    BetaFeatures,
    ConversationLimit,
    DataExportStatus,
    ModelList,
    SendResult,
    ShareCreated,
    SharedLinkPage,
    TitleResult,
)
from tui.api.errors import ApiError, NetworkError
from tui.api.models import Conversation, ConversationPage
from tui.api.request_bodies import Action
from tui.api.search_models import SearchPage
from tui.api.settings import ApiSettings

T = TypeVar("T")


class SyncBackendClient:
    """``with SyncBackendClient(settings) as api: api.conversations()``."""

    def __init__(self, settings: ApiSettings) -> None:
        self._runner = asyncio.Runner()
        self._closed = False
        # The async client is built on the runner's loop: httpx binds its pool to that loop.
        self._client = self._runner.run(_make_client(settings))

    @classmethod
    def from_env(cls, **kwargs: Any) -> SyncBackendClient:
        """A client from :meth:`ApiSettings.from_env` (same arguments)."""
        return cls(ApiSettings.from_env(**kwargs))

    @property
    def client(self) -> BackendClient:
        """The async client underneath (its coroutines run only on this facade's loop)."""
        return self._client

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._runner.run(coro)

    def close(self) -> None:
        """Close the connections and the private loop; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self._run(self._client.aclose())
        finally:
            self._runner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def set_token(self, token: str) -> None:
        self._client.set_token(token)

    def account_status(self) -> AccountStatus:
        return self._run(self._client.account_status())

    def account_status_v4(self) -> AccountStatus:
        return self._run(self._client.account_status_v4())

    def models(self, history_and_training_disabled: bool = False) -> ModelList:
        return self._run(self._client.models(history_and_training_disabled))

    def beta_features(self) -> BetaFeatures:
        return self._run(self._client.beta_features())

    def conversation_limit(self) -> ConversationLimit:
        return self._run(self._client.conversation_limit())

    def conversations(
        self,
        offset: int = 0,
        limit: int = 28,
        order: str = "updated",
        is_archived: bool | None = None,
    ) -> ConversationPage:
        return self._run(self._client.conversations(offset, limit, order, is_archived))

    def conversation(self, conversation_id: str) -> Conversation:
        return self._run(self._client.conversation(conversation_id))

    def conversation_bytes(self, conversation_id: str) -> bytes:
        return self._run(self._client.conversation_bytes(conversation_id))

    def search_conversations(self, query: str, cursor: str | None = None) -> SearchPage:
        return self._run(self._client.search_conversations(query, cursor))

    def delete_conversation(self, conversation_id: str) -> ActionResult:
        return self._run(self._client.delete_conversation(conversation_id))

    def rename_conversation(self, conversation_id: str, title: str) -> ActionResult:
        return self._run(self._client.rename_conversation(conversation_id, title))

    def set_archived(self, conversation_id: str, archived: bool) -> ActionResult:
        return self._run(self._client.set_archived(conversation_id, archived))

    def shared_links(self, order: str = "created") -> SharedLinkPage:
        return self._run(self._client.shared_links(order))

    def create_share(
        self, conversation_id: str, current_node_id: str, *, anonymous: bool = True
    ) -> ShareCreated:
        return self._run(
            self._client.create_share(conversation_id, current_node_id, anonymous=anonymous)
        )

    def update_share(self, share_id: str, *, title: str | None, public: bool = True) -> None:
        return self._run(self._client.update_share(share_id, title=title, public=public))

    def delete_share(self, share_id: str) -> None:
        return self._run(self._client.delete_share(share_id))

    def share_conversation(
        self, conversation_id: str, current_node_id: str, title: str | None
    ) -> ShareCreated:
        return self._run(self._client.share_conversation(conversation_id, current_node_id, title))

    def request_data_export(self) -> DataExportStatus:
        return self._run(self._client.request_data_export())

    def generate_title(self, conversation_id: str, message_id: str) -> TitleResult:
        return self._run(self._client.generate_title(conversation_id, message_id))

    def send_and_collect(
        self,
        prompt: str | None,
        *,
        model: str,
        parent_message_id: str | None = None,
        conversation_id: str | None = None,
        action: Action = "next",
        message_id: str | None = None,
        temporary: bool = False,
    ) -> SendResult:
        """The whole reply with its ids (see :meth:`BackendClient.send_and_collect`)."""
        return self._run(
            self._client.send_and_collect(
                prompt,
                model=model,
                parent_message_id=parent_message_id,
                conversation_id=conversation_id,
                action=action,
                message_id=message_id,
                temporary=temporary,
            )
        )

    def send_and_wait(
        self,
        prompt: str,
        *,
        model: str,
        parent_message_id: str | None = None,
        conversation_id: str | None = None,
        temporary: bool = False,
    ) -> str:
        """Send one prompt and return the final reply text.

        Raises ApiError for an in-stream error and NetworkError when the stream broke, since a
        script has nobody to show a half reply to; use :meth:`send_and_collect` to keep it.
        """
        result = self.send_and_collect(
            prompt,
            model=model,
            parent_message_id=parent_message_id,
            conversation_id=conversation_id,
            temporary=temporary,
        )
        if result.error:
            raise ApiError(result.error)
        if result.interrupted:
            raise NetworkError("The reply stream broke before the reply finished.")
        return result.text


async def _make_client(settings: ApiSettings) -> BackendClient:
    return BackendClient(settings)
