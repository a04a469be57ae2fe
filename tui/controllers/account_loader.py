"""Fetch everything the account dialog shows, in parallel, and post it.

Each section is fetched on its own: one failing endpoint (a proxy without beta features, say)
shows its error in its own tab while the others still show their data.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tui.api.client import BackendClient
from tui.api.errors import ApiError
from tui.controllers.account_overview import (
    SHARE_URL,
    AccountInfo,
    AccountOverview,
    MessageLimit,
    ModelSummary,
    SharedLinkRow,
)
from tui.controllers.host import Host
from tui.controllers.messages import AccountLoaded, Notice

LOADING = "Loading account details…"
"""Said while the sections are fetched (the dialog opens once they are)."""


class AccountLoader:
    """The controller behind the account dialog."""

    def __init__(self, host: Host, client: BackendClient, *, share_url: str = SHARE_URL) -> None:
        self.host = host
        self.client = client
        """The API client (its token may change after a sign-in: read it each time)."""
        self.share_url = share_url
        """The prefix of a shared link (from the ``web_url`` setting)."""

    def load(self) -> None:
        """Fetch in the background; :class:`AccountLoaded` follows (a notice says it loads)."""

        async def load() -> None:
            overview = await fetch_overview(self.client, share_url=self.share_url)
            self.host.post(AccountLoaded(overview))

        self.host.post(Notice(LOADING, timeout=2))
        self.host.run(load(), group="account", exclusive=True)

    async def request_export(self) -> str:
        """Ask the server to e-mail a data export; the status it answers ("queued")."""
        result = await self.client.request_data_export()
        return result.status or "queued"


async def fetch_overview(client: BackendClient, *, share_url: str = SHARE_URL) -> AccountOverview:
    """Every section at once; a section that failed carries its error instead."""
    results: tuple[Any, ...] = await asyncio.gather(
        client.account_status(),
        client.models(),
        client.beta_features(),
        client.conversation_limit(),
        client.shared_links(),
        return_exceptions=True,
    )
    status, models, beta, limit, links = results
    values: dict[str, Any] = {}
    if isinstance(status, BaseException):
        values["account_error"] = _why(status)
    else:
        values["account"] = AccountInfo(
            plan=status.plan_name,
            paid=status.is_paid,
            role=status.user_role,
            country=status.country,
            features=list(status.features),
        )
    if isinstance(models, BaseException):
        values["models_error"] = _why(models)
    else:
        values["models"] = [
            ModelSummary(m.slug, m.title, m.max_tokens, m.description) for m in models.models
        ]
    if isinstance(beta, BaseException):
        values["beta_features_error"] = _why(beta)
    else:
        values["beta_features"] = beta.flags()
    if isinstance(limit, BaseException):
        values["limit_error"] = _why(limit)
    else:
        disclaimers = {
            key: text
            for key, text in limit.message_disclaimer.model_dump(by_alias=True).items()
            if isinstance(text, str)
        }
        values["limit"] = MessageLimit(limit.message_cap, limit.message_cap_window, disclaimers)
    if isinstance(links, BaseException):
        values["shared_links_error"] = _why(links)
    else:
        values["shared_links"] = [
            SharedLinkRow(link.id, link.title, link.create_time) for link in links.items
        ]
    return AccountOverview(**values, share_url=share_url)


def _why(error: BaseException) -> str:
    if isinstance(error, ApiError):
        return error.message
    return f"Failed ({type(error).__name__})."
