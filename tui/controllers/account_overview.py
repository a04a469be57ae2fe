"""What the account dialog shows, as plain values: the account loader fills these from the
server's models (whatever their exact classes) and the dialog never sees a payload.

``None`` means "not available" and is shown as :data:`MISSING`. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tui.config import DEFAULT_WEB_URL
from tui.text.times import calendar_date, format_duration

MISSING = "—"
"""Shown for a value the server did not give us."""

SHARE_URL = DEFAULT_WEB_URL + "/share/"
"""A shared link is this plus the share id (unless the ``web_url`` setting says otherwise)."""


@dataclass(frozen=True)
class AccountInfo:
    """What ``/accounts/check`` says about the user."""

    plan: str | None = None
    """The subscription plan, e.g. ``chatgptplusplan`` or ``free``."""
    paid: bool | None = None
    """Whether a paid subscription is active."""
    role: str | None = None
    """``account-owner``, ``admin``, ``standard-user``..."""
    country: str | None = None
    """The country code the server sees, e.g. ``KR``."""
    features: Sequence[str] | None = None
    """Feature flags enabled for the account."""


@dataclass(frozen=True)
class ModelSummary:
    """One model the account may use (``/models``)."""

    slug: str
    """The id sent with a message, e.g. ``gpt-4o``."""
    title: str | None = None
    """The human name, e.g. ``GPT-4o``."""
    max_tokens: int | None = None
    """The context size the server advertises."""
    description: str | None = None
    """One sentence about the model."""


@dataclass(frozen=True)
class MessageLimit:
    """``/public-api/conversation_limit``: how many messages per time window."""

    message_cap: float | None = None
    """Messages allowed per window."""
    window_minutes: float | None = None
    """The window's length, in minutes."""
    disclaimers: Mapping[str, str] | None = None
    """Where the text is shown (``textarea``, ``model-switcher``) → the text."""


@dataclass(frozen=True)
class SharedLinkRow:
    """One shared link (``/shared_conversations``)."""

    share_id: str
    """The share's id: the link is ``https://chatgpt.com/share/<share_id>``."""
    title: str | None = None
    """The shared conversation's title."""
    created: datetime | None = None
    """When the link was created."""


@dataclass(frozen=True)
class AccountOverview:
    """Everything the dialog shows. ``None`` = not available; ``*_error`` = fetching failed."""

    account: AccountInfo | None = None
    """The account; None if unknown."""
    account_error: str | None = None
    """Why the account could not be fetched."""
    models: Sequence[ModelSummary] | None = None
    """The models, in the server's order."""
    models_error: str | None = None
    """Why the models could not be fetched."""
    beta_features: Mapping[str, bool] | None = None
    """Beta feature name → on/off."""
    beta_features_error: str | None = None
    """Why the beta features could not be fetched."""
    limit: MessageLimit | None = None
    """The message cap."""
    limit_error: str | None = None
    """Why the message cap could not be fetched."""
    shared_links: Sequence[SharedLinkRow] | None = None
    """The user's shared links, newest first."""
    shared_links_error: str | None = None
    """Why the shared links could not be fetched."""
    share_url: str = field(default=SHARE_URL)
    """The prefix of a shared link (a proxy may serve another host)."""


def yes_no(value: bool | None) -> str:
    """``yes`` / ``no`` / ``—``."""
    return MISSING if value is None else ("yes" if value else "no")


def number(value: float | None) -> str:
    """``40.0`` → ``40``, ``2.5`` → ``2.5``, None → ``—``."""
    if value is None:
        return MISSING
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def plural(count: float, unit: str) -> str:
    """``1 hour``, ``3 hours``."""
    return f"{number(count)} {unit}{'' if count == 1 else 's'}"


def window_text(minutes: float) -> str:
    """A window given in minutes, as every duration is shown: ``180`` → ``3 h``."""
    return format_duration(minutes * 60)


def limit_text(limit: MessageLimit) -> str:
    """``40 messages every 3 hours``, with ``—`` for what is missing."""
    cap = number(limit.message_cap)
    if limit.message_cap is not None:
        cap = plural(limit.message_cap, "message")
    window = MISSING if limit.window_minutes is None else window_text(limit.window_minutes)
    return f"{cap} every {window}"


def date_text(value: datetime | None, now: datetime) -> str:
    """A date in the zone of ``now`` (the app's clock), ``2023-12-13``; ``—`` if absent."""
    return MISSING if value is None else calendar_date(value, now)
