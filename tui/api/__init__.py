"""backchat's typed client of ChatGPT's web backend-api (through a proxy such as ninja).

``import tui.api`` is on the app's start-up path, so it loads only the models, errors and
settings; the two clients (and httpx with them) load on first use of their names.

    from tui.api import ApiSettings, BackendClient

    async with BackendClient(ApiSettings.from_env()) as client:
        page = await client.conversations(limit=10)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.api.endpoints import (
    AccountStatus,
    ActionResult,
    BetaFeatures,
    ConversationLimit,
    DataExportStatus,
    MessageDisclaimer,
    ModelCategory,
    ModelInfo,
    ModelList,
    SendResult,
    ShareCreated,
    SharedLink,
    SharedLinkPage,
    TitleResult,
)
from tui.api.errors import (
    ApiError,
    AuthError,
    ForbiddenError,
    InvalidRequestError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TooLongError,
)
from tui.api.events import EventKind, StreamEvent
from tui.api.models import (
    Author,
    Content,
    Conversation,
    ConversationItem,
    ConversationPage,
    Message,
    Node,
)
from tui.api.search_models import SearchItem, SearchPage, SearchPayload
from tui.api.settings import ApiSettings

if TYPE_CHECKING:
    from tui.api.blocking import SyncBackendClient
    from tui.api.client import BackendClient

__all__ = [
    "AccountStatus",
    "ActionResult",
    "ApiError",
    "ApiSettings",
    "AuthError",
    "Author",
    "BackendClient",
    "BetaFeatures",
    "Content",
    "Conversation",
    "ConversationItem",
    "ConversationLimit",
    "ConversationPage",
    "DataExportStatus",
    "EventKind",
    "ForbiddenError",
    "InvalidRequestError",
    "MalformedResponseError",
    "Message",
    "MessageDisclaimer",
    "ModelCategory",
    "ModelInfo",
    "ModelList",
    "NetworkError",
    "Node",
    "NotFoundError",
    "RateLimitError",
    "SearchItem",
    "SearchPage",
    "SearchPayload",
    "SendResult",
    "ServerError",
    "ShareCreated",
    "SharedLink",
    "SharedLinkPage",
    "StreamEvent",
    "SyncBackendClient",
    "TitleResult",
    "TooLongError",
]

_LAZY = {"BackendClient": "tui.api.client", "SyncBackendClient": "tui.api.blocking"}


def __getattr__(name: str) -> Any:
    """Load the clients (and httpx) only when a caller asks for them."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'tui.api' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module_name), name)
    globals()[name] = value
    return value
