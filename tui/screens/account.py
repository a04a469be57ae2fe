"""The account dialog: plan, models, beta features, limits and shared links, in tabs.

The screen does no HTTP. The app fetches what it can, turns the server's models into the plain
dataclasses of :mod:`tui.controllers.account_overview` and passes an error string for every section
it could not fetch. A ``None`` field means "not available" and is shown as "—". The one action
that talks to the server, requesting a data export, is an async callback the app provides.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label, Static, TabbedContent, TabPane

from tui.controllers.account_overview import (
    MISSING,
    SHARE_URL,
    AccountInfo,
    AccountOverview,
    MessageLimit,
    ModelSummary,
    SharedLinkRow,
    date_text,
    limit_text,
    window_text,
    yes_no,
)
from tui.screens.confirm import ConfirmScreen
from tui.screens.modal import MODALS_CSS_PATH, KeyHints, plain
from tui.text.sanitize import clean_line, clean_text
from tui.text.times import Clock, local_now

__all__ = [
    "EXPORT_QUEUED_MESSAGE",
    "MISSING",
    "SHARE_URL",
    "AccountInfo",
    "AccountOverview",
    "AccountScreen",
    "ExportRequest",
    "MessageLimit",
    "ModelSummary",
    "SharedLinkRow",
    "limit_text",
    "window_text",
]

EXPORT_QUEUED_MESSAGE = "Export queued: you will get an e-mail"
"""Shown when the server answers the export request with ``queued``."""

LABEL_WIDTH = 14
"""Width of the label column in the Account and Limits tabs."""


ExportRequest = Callable[[], Awaitable[str]]
"""Asks the server for a data export; returns its status (``queued``)."""

LinkRevoke = Callable[[str], Awaitable[None]]
"""Deletes the share link with the given share id (raises when the server refuses)."""

REVOKED_MESSAGE = "Link revoked: it no longer opens"
"""Shown once the server has deleted a share link."""


def field_line(label: str, value: object) -> Content:
    """``Label         value``: the label bold and padded, the value shown literally."""
    text = MISSING if value is None else clean_line(value) or MISSING
    return Content.assemble((label.ljust(LABEL_WIDTH), "bold"), text)


def lines(*parts: Content) -> Content:
    """Join Content lines with newlines."""
    return Content("\n").join(parts)


class AccountScreen(ModalScreen[None]):
    """Show an :class:`AccountOverview` in tabs; ``e`` requests a data export."""

    CSS_PATH = MODALS_CSS_PATH
    """The shared dialog stylesheet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "e",
            "export",
            "request data export",
            id="account.export",
            tooltip="Ask OpenAI to e-mail you an export of all your data",
        ),
        Binding(
            "c",
            "copy_link",
            "copy link",
            id="account.copy_link",
            tooltip="Copy the highlighted shared link to the clipboard",
        ),
        Binding(
            "d",
            "revoke_link",
            "revoke link",
            id="account.revoke_link",
            tooltip="Delete the highlighted shared link (asks first); the chat stays",
        ),
        Binding("escape,q", "close", "close", id="account.close", tooltip="Close this dialog"),
    ]
    """e requests an export, c copies a shared link, d revokes it, escape or q closes."""

    def __init__(
        self,
        overview: AccountOverview,
        request_export: ExportRequest | None = None,
        *,
        revoke_link: LinkRevoke | None = None,
        now: Clock = local_now,
    ) -> None:
        """Without ``request_export`` (``revoke_link``) the export (revoke) action is hidden."""
        super().__init__()
        self._overview = overview
        """What to show."""
        self._now = now
        """The app's clock: dates are shown in its zone."""
        self._request_export = request_export
        """The app's export request, or None."""
        self._exporting = False
        """True from confirming the export until the server answers."""
        self._links: list[str] = []
        """The shared links in table order (for copying)."""
        self._share_ids: list[str] = []
        """The shares' ids in table order (for revoking)."""
        self._revoke_link = revoke_link
        """The app's revoke call, or None."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="account-box"):
            yield Label("Account", classes="modal-title")
            with Vertical(classes="modal-body"):
                with TabbedContent(id="account-tabs"):
                    with TabPane("Account", id="tab-account"):
                        yield from self._section(self._account_body(), self._overview.account_error)
                    with TabPane("Models", id="tab-models"):
                        yield from self._section(self._models_body(), self._overview.models_error)
                    with TabPane("Beta features", id="tab-beta"):
                        yield from self._section(
                            self._beta_body(), self._overview.beta_features_error
                        )
                    with TabPane("Limits", id="tab-limits"):
                        yield from self._section(self._limits_body(), self._overview.limit_error)
                    with TabPane("Shared links", id="tab-shared"):
                        if self._overview.shared_links_error:
                            yield self._error(self._overview.shared_links_error)
                        yield self._shared_links_table()
                yield Static("", id="account-export-status", markup=False)
            yield KeyHints(classes="modal-hints")

    def _error(self, message: str) -> Static:
        return Static(plain(message, limit=500), classes="modal-error -shown section-error")

    def _section(self, body: Content, error: str | None) -> ComposeResult:
        with VerticalScroll(classes="account-section"):
            if error:
                yield self._error(error)
            yield Static(body, classes="section-body")

    def _account_body(self) -> Content:
        account = self._overview.account
        if account is None:
            return Content(MISSING)
        if account.features is None:
            features = Content(MISSING)
        elif not account.features:
            features = Content("none")
        else:
            features = Content("\n").join(
                Content.assemble(("• ", "dim"), clean_line(name)) for name in account.features
            )
        return lines(
            field_line("Plan", account.plan),
            field_line("Paid", yes_no(account.paid)),
            field_line("Role", account.role),
            field_line("Country", account.country),
            Content(""),
            Content.styled("Features", "bold"),
            features,
        )

    def _models_body(self) -> Content:
        models = self._overview.models
        if models is None:
            return Content(MISSING)
        if not models:
            return Content("No models listed.")
        blocks: list[Content] = []
        for model in models:
            tokens = MISSING if model.max_tokens is None else f"{model.max_tokens:,}"
            blocks.append(
                Content.assemble(
                    (clean_line(model.title) or MISSING, "bold"),
                    ("  ", ""),
                    (clean_line(model.slug), "italic"),
                    (f"  · max tokens {tokens}", "dim"),
                    "\n",
                    (clean_line(model.description) or MISSING, "dim"),
                )
            )
        return Content("\n\n").join(blocks)

    def _beta_body(self) -> Content:
        flags = self._overview.beta_features
        if flags is None:
            return Content(MISSING)
        if not flags:
            return Content("No beta features.")
        width = max(LABEL_WIDTH, *(len(clean_line(name)) + 2 for name in flags))
        return Content("\n").join(
            Content.assemble(
                clean_line(name).ljust(width),
                ("on", "bold $success") if enabled else ("off", "dim"),
            )
            for name, enabled in flags.items()
        )

    def _limits_body(self) -> Content:
        limit = self._overview.limit
        if limit is None:
            return Content(MISSING)
        parts = [Content.assemble(("Message cap".ljust(LABEL_WIDTH), "bold"), limit_text(limit))]
        parts.append(Content(""))
        parts.append(Content.styled("Disclaimers", "bold"))
        if not limit.disclaimers:
            parts.append(Content(MISSING))
        for index, (where, text) in enumerate((limit.disclaimers or {}).items()):
            if index:
                parts.append(Content(""))
            parts.append(Content.styled(clean_line(where), "italic dim"))
            parts.append(Content(clean_text(text).strip() or MISSING))
        return lines(*parts)

    def _shared_links_table(self) -> DataTable[Text] | Static:
        links = self._overview.shared_links
        if links is None:
            return Static(MISSING, classes="section-body")
        if not links:
            return Static("No shared links.", classes="section-body")
        table: DataTable[Text] = DataTable(
            id="account-shared", cursor_type="row", zebra_stripes=True
        )
        table.add_columns("Title", "Link", "Created")
        for link in links:
            # DataTable parses str cells as markup (Textual 8.2.8): Text cells are literal.
            url = self._overview.share_url + clean_line(link.share_id)
            self._links.append(url)
            self._share_ids.append(link.share_id)
            table.add_row(
                Text(clean_line(link.title, limit=80) or MISSING),
                Text(url),
                Text(date_text(link.created, self._now())),
                key=link.share_id,
            )
        return table

    def on_mount(self) -> None:
        self.query_one("#account-tabs", TabbedContent).query_one("Tabs").focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self._request_export is not None
        if action in {"copy_link", "revoke_link"}:
            if action == "revoke_link" and self._revoke_link is None:
                return False
            tabs = self.query_one("#account-tabs", TabbedContent)
            return tabs.active == "tab-shared" and bool(self._links)
        return True

    def _export_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#account-export-status", Static)
        status.update(message)
        status.set_class(error, "-error")
        status.set_class(bool(message), "-shown")

    def action_export(self) -> None:
        """Ask for confirmation, then request the export from the server."""
        if self._request_export is None or self._exporting:
            return
        self.app.push_screen(
            ConfirmScreen(
                "Request a data export?",
                "OpenAI prepares a copy of your account data and all your conversations, "
                "and e-mails you a download link. This can take a while.",
                confirm_label="Request export",
                title="Data export",
            ),
            self._export_confirmed,
        )

    def _export_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed or self._request_export is None:
            return
        self._exporting = True
        self._export_status("Requesting the export…")
        self.run_worker(self._run_export(self._request_export), group="export", exclusive=True)

    async def _run_export(self, request: ExportRequest) -> None:
        try:
            status = await request()
        except Exception as exc:
            # Shown in the dialog, not raised: the rest of it is still useful.
            self._export_status(
                f"Export failed: {clean_line(str(exc) or type(exc).__name__, limit=300)}",
                error=True,
            )
        else:
            if clean_line(status).lower() == "queued":
                self._export_status(EXPORT_QUEUED_MESSAGE)
            else:
                self._export_status(f"Export requested (status: {clean_line(status) or MISSING})")
        finally:
            self._exporting = False

    def action_copy_link(self) -> None:
        """Copy the highlighted shared link to the clipboard."""
        table = self.query_one("#account-shared", DataTable)
        if 0 <= table.cursor_row < len(self._links):
            self.app.copy_to_clipboard(self._links[table.cursor_row])
            self.notify("Link copied to the clipboard.", markup=False)

    def action_revoke_link(self) -> None:
        """Ask, then delete the highlighted shared link on the server and drop its row."""
        table = self.query_one("#account-shared", DataTable)
        if self._revoke_link is None or not 0 <= table.cursor_row < len(self._share_ids):
            return
        share_id, url = self._share_ids[table.cursor_row], self._links[table.cursor_row]
        title = clean_line(str(table.get_row_at(table.cursor_row)[0]), limit=80)
        revoke = self._revoke_link

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._export_status("Revoking the link…")
                self.run_worker(self._run_revoke(revoke, share_id), group="revoke")

        self.app.push_screen(
            ConfirmScreen(
                f"Revoke the link to “{title}”?",
                f"{url} stops working for everyone. The conversation itself stays.",
                confirm_label="Revoke",
                danger=True,
            ),
            answered,
        )

    async def _run_revoke(self, revoke: LinkRevoke, share_id: str) -> None:
        try:
            await revoke(share_id)
        except Exception as exc:
            # Shown in the dialog, not raised: the link is still there and may be retried.
            why = clean_line(str(exc) or type(exc).__name__, limit=300)
            self._export_status(f"Revoke failed: {why}", error=True)
            return
        if share_id in self._share_ids:
            index = self._share_ids.index(share_id)
            del self._share_ids[index], self._links[index]
            self.query_one("#account-shared", DataTable).remove_row(share_id)
        self._export_status(REVOKED_MESSAGE)
        self.refresh_bindings()

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)
