"""Typed replies of the small endpoints: account, models, limits, shares, titles, actions.

Like the conversation models, each is lenient (unknown fields kept, optional fields default)
because the shapes drifted (docs/PROTOCOL.md §2). Shapes follow the real December 2023
outputs printed in ninja's notebook.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import Field, field_validator, model_validator

from tui.api.models import ApiModel, ConversationItem, parse_timestamp

_PLAN_NAMES = {
    "chatgptfreeplan": "Free",
    "chatgptplusplan": "Plus",
    "chatgptteamplan": "Team",
    "chatgptenterpriseplan": "Enterprise",
    "chatgptproplan": "Pro",
}


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class AccountStatus(ApiModel):
    """One view of both ``/accounts/check`` forms (legacy 2023 and ``v4-2023-04-27``)."""

    plan: str | None = None
    """The subscription plan slug: ``chatgptfreeplan``, ``chatgptplusplan``..."""
    plan_type: str | None = None
    """v4's short plan type (``free``, ``plus``, ``team``); None on the legacy form."""
    is_paid: bool = False
    """Whether a paid subscription is active now."""
    features: list[str] = Field(default_factory=list)
    """Feature flags of the account (``shareable_links``, ``arkose_enabled``...)."""
    country: str | None = None
    """``user_country`` (legacy form only)."""
    user_role: str | None = None
    """``account_user_role`` (``account-owner``...)."""
    account_id: str | None = None
    """v4 only: the account's id (send it as ``Chatgpt-Account-Id`` for workspaces)."""
    expires_at: datetime | None = None
    """When the subscription ends, if the server said."""
    raw: dict[str, Any] = Field(default_factory=dict)
    """The whole reply as the server sent it."""

    @property
    def plan_name(self) -> str:
        """A short human name: ``Free``, ``Plus``... (the slug itself when unknown)."""
        if self.plan in _PLAN_NAMES:
            return _PLAN_NAMES[self.plan]
        if self.plan_type:
            return self.plan_type.capitalize()
        return self.plan or "Unknown"

    @classmethod
    def from_legacy(cls, data: dict[str, Any]) -> AccountStatus:
        """``GET /accounts/check``: ``{account_plan{...}, user_country, features}``."""
        plan = _dict(data.get("account_plan"))
        features = data.get("features")
        return cls(
            plan=_str_or_none(plan.get("subscription_plan")),
            is_paid=bool(plan.get("is_paid_subscription_active")),
            features=[f for f in features if isinstance(f, str)]
            if isinstance(features, list)
            else [],
            country=_str_or_none(data.get("user_country")),
            user_role=_str_or_none(plan.get("account_user_role")),
            expires_at=parse_timestamp(plan.get("subscription_expires_at_timestamp")),
            raw=data,
        )

    @classmethod
    def from_v4(cls, data: dict[str, Any]) -> AccountStatus:
        """``GET /accounts/check/v4-2023-04-27``: ``{accounts{<id>: {...}}, account_ordering}``.

        The first account in ``account_ordering`` wins, then ``default``, then any.
        """
        accounts = _dict(data.get("accounts"))
        ordering = data.get("account_ordering")
        keys = [k for k in ordering if isinstance(k, str)] if isinstance(ordering, list) else []
        entry: dict[str, Any] = {}
        for key in [*keys, "default", *accounts]:
            if isinstance(accounts.get(key), dict):
                entry = accounts[key]
                break
        account = _dict(entry.get("account"))
        entitlement = _dict(entry.get("entitlement"))
        features = entry.get("features")
        return cls(
            plan=_str_or_none(entitlement.get("subscription_plan")),
            plan_type=_str_or_none(account.get("plan_type")),
            is_paid=bool(entitlement.get("has_active_subscription")),
            features=[f for f in features if isinstance(f, str)]
            if isinstance(features, list)
            else [],
            country=_str_or_none(data.get("user_country")),
            user_role=_str_or_none(account.get("account_user_role")),
            account_id=_str_or_none(account.get("account_id")),
            expires_at=parse_timestamp(entitlement.get("expires_at")),
            raw=data,
        )


class ModelInfo(ApiModel):
    """One entry of ``/models``'s ``models``."""

    slug: str
    title: str | None = None
    description: str | None = None
    max_tokens: int | None = None
    tags: list[str] = Field(default_factory=list)
    capabilities: dict[str, Any] = Field(default_factory=dict)
    product_features: dict[str, Any] = Field(default_factory=dict)


class ModelCategory(ApiModel):
    """One entry of ``/models``'s ``categories``."""

    category: str = ""
    human_category_name: str | None = None
    subscription_level: str | None = None
    default_model: str | None = None


class ModelList(ApiModel):
    """``GET /models``."""

    models: list[ModelInfo] = Field(default_factory=list)
    categories: list[ModelCategory] = Field(default_factory=list)

    @property
    def default_model(self) -> str | None:
        """The first category's default (the free tier's: any plan and ninja accept it)."""
        for category in self.categories:
            if category.default_model:
                return category.default_model
        return self.models[0].slug if self.models else None


class BetaFeatures(ApiModel):
    """``GET /settings/beta_features``: flags by name; unknown flags land in ``model_extra``."""

    browsing: bool = False
    code_interpreter: bool = False
    dalle: bool = False
    plugins: bool = False

    def flags(self) -> dict[str, bool]:
        """Every flag the server sent, known or not."""
        return {k: v for k, v in self.model_dump().items() if isinstance(v, bool)}


class MessageDisclaimer(ApiModel):
    """The texts shown near the composer when the cap applies."""

    model_switcher: str | None = Field(default=None, alias="model-switcher")
    """The server's key is hyphenated (``model-switcher``)."""
    textarea: str | None = None


class ConversationLimit(ApiModel):
    """``GET /public-api/conversation_limit``: the GPT-4 message cap."""

    message_cap: float | None = None
    """Messages allowed per window."""
    message_cap_window: float | None = None
    """The window, in minutes."""
    message_disclaimer: MessageDisclaimer = Field(default_factory=MessageDisclaimer)

    @field_validator("message_disclaimer", mode="before")
    @classmethod
    def _null_disclaimer(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}


class SharedLink(ConversationItem):
    """One row of ``/shared_conversations``: ``id`` is the share's id, not the conversation's."""

    conversation_id: str | None = None
    """The shared conversation's id."""


class SharedLinkPage(ApiModel):
    """``GET /shared_conversations``."""

    items: list[SharedLink] = Field(default_factory=list)
    total: int | None = None
    limit: int = 0
    offset: int = 0
    has_missing_conversations: bool = False


class ShareCreated(ApiModel):
    """``POST /share/create``: the new share (or the one the conversation already had)."""

    share_id: str
    """The share's id: ``PATCH``/``DELETE /share/{share_id}`` act on it."""
    share_url: str | None = None
    """The public link, e.g. ``https://chatgpt.com/share/<share_id>``."""
    title: str | None = None
    """The title the share shows."""
    is_public: bool = False
    """False until the share is PATCHed public: the link works only for its owner."""
    is_visible: bool = True
    is_anonymous: bool = True
    """Whether the share hides the owner's name."""
    highlighted_message_id: str | None = None
    current_node_id: str | None = None
    """The last message the share holds: later messages are not shared."""
    already_exists: bool = False
    """True when the conversation was shared before: this is that share."""

    @field_validator("share_id")
    @classmethod
    def _some_id(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("an empty share_id")
        return value


class ActionResult(ApiModel):
    """``PATCH /conversation/{id}`` and friends: ``{"success": true}``."""

    success: bool = False


class DataExportStatus(ApiModel):
    """``POST /accounts/data_export``: ``{"status": "queued"}``; the export is e-mailed."""

    status: str = ""


_EXISTING_TITLE = re.compile(r"already has title\s+(['\"])(?P<title>.*)\1\s*$", re.DOTALL)


class TitleResult(ApiModel):
    """``POST /conversation/gen_title/{id}``: either a new ``title`` or a ``message``."""

    title: str | None = None
    """The generated title (success)."""
    message: str | None = None
    """The server's note, e.g. ``Conversation <id> already has title 'New Test'``."""
    existing_title: str | None = None
    """The quoted title parsed out of an "already has title" message."""

    @model_validator(mode="after")
    def _parse_existing(self) -> TitleResult:
        if self.existing_title is None and self.message:
            found = _EXISTING_TITLE.search(self.message)
            if found:
                self.existing_title = found.group("title")
        return self

    @property
    def effective_title(self) -> str | None:
        """The title the conversation has now, whichever way the server said it."""
        return self.title or self.existing_title


class SendResult(ApiModel):
    """A whole reply gathered from :meth:`BackendClient.send` (for scripts)."""

    text: str = ""
    """The visible reply (partial if it was interrupted)."""
    message_id: str | None = None
    """The assistant message's id: the ``parent_message_id`` of a follow-up."""
    conversation_id: str | None = None
    user_message_id: str | None = None
    """The id the user message was sent with."""
    title: str | None = None
    """A ``title_generation`` title, if the stream carried one."""
    finish_type: str | None = None
    """``stop``, ``max_tokens`` (send ``continue``), or ``interrupted``."""
    error: str | None = None
    """An in-stream error's text, if the server sent one."""
    interrupted: bool = False
    """The stream ended before the reply finished."""
