"""Fetch everything the account screen shows, in parallel, and open it.

Each section is fetched on its own: one failing endpoint (a proxy without beta features, say)
shows its error in its own tab while the others still show their data.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError
from tui.screens.account import (
    AccountInfo,
    AccountOverview,
    AccountScreen,
    MessageLimit,
    ModelSummary,
    SharedLinkRow,
)

if TYPE_CHECKING:
    from tui.app import BackchatApp


def open_account_screen(app: BackchatApp) -> None:
    """Fetch in a worker, then push the screen (a notice says it is loading)."""

    async def load() -> None:
        overview = await fetch_overview(app)
        app.push_screen(
            AccountScreen(overview, request_export=lambda: request_export(app), now=app.now)
        )

    app.notify("Loading account details…", timeout=2, markup=False)
    app.run_worker(load(), group="account", exclusive=True)


async def request_export(app: BackchatApp) -> str:
    """Ask the server to e-mail a data export; the status it answers ("queued")."""
    result = await app.client.request_data_export()
    return result.status or "queued"


async def fetch_overview(app: BackchatApp) -> AccountOverview:
    client = app.client
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
    return AccountOverview(**values)


def _why(error: BaseException) -> str:
    if isinstance(error, ApiError):
        return error.message
    return f"Failed ({type(error).__name__})."
