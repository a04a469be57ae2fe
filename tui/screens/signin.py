"""The sign-in screen: paste an access token, have the app check it, keep it.

Shown at start when no token is stored and again after a 401. The token is typed into a masked
input and leaves this screen only through ``check`` and ``dismiss``: it is never shown, logged
or put into an error message (a server error that quotes it is redacted).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from tui.screens.modal import MODALS_CSS_PATH, KeyHints, after_typed_keys, plain
from tui.text.sanitize import clean_line

SESSION_URL = "https://chatgpt.com/api/auth/session"
"""Where a signed-in browser can read its access token (the ``accessToken`` field)."""

CHECKING_MESSAGE = "Checking…"
"""Shown while ``check`` runs."""

EMPTY_MESSAGE = "Paste your access token first."
"""Shown when enter is pressed on an empty input."""

TokenCheck = Callable[[str], Awaitable[str | None]]
"""Checks a token against the backend: returns an error message, or ``None`` if it works."""


def extract_token(raw: str) -> str:
    """The token in what was pasted: the bare token, ``Bearer <token>``, or the whole JSON of the
    session page (its ``accessToken``). Whitespace is dropped; a JWT never contains any."""
    text = raw.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("accessToken"), str):
            text = data["accessToken"]
    text = text.strip().strip("\"'")
    if text[:7].lower() == "bearer ":
        text = text[7:]
    return "".join(text.split())


def redact(message: str, token: str) -> str:
    """``message`` with every occurrence of ``token`` replaced, cleaned for display."""
    if token:
        message = message.replace(token, "<token>")
    return clean_line(message, limit=500)


class SignInScreen(Screen[str | None]):
    """Ask for the access token. Dismisses with a token that ``check`` accepted, or ``None``.

    ``None`` (escape, ctrl+q) means the user gave up: the app quits, or keeps its old screen.
    """

    CSS_PATH = MODALS_CSS_PATH
    """The shared dialog stylesheet (the sign-in box looks like a dialog on a plain screen)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "submit",
            "sign in",
            priority=True,
            id="signin.submit",
            tooltip="Check the token and sign in",
        ),
        Binding("escape", "cancel", "cancel", id="signin.cancel", tooltip="Do not sign in"),
        # The app's own ctrl+q (priority, Textual 8.2.8) may quit first; either way we leave.
        Binding(
            "ctrl+q",
            "cancel",
            "quit",
            priority=True,
            show=False,
            id="signin.quit",
            tooltip="Do not sign in",
        ),
    ]
    """enter checks the token; escape or ctrl+q gives up."""

    def __init__(
        self,
        check: TokenCheck,
        backend_url: str,
        *,
        notice: str | None = None,
        warning: str | None = None,
        keyring: bool = True,
    ) -> None:
        """``check`` runs in a worker; ``backend_url`` is shown so the user knows where the
        token goes. ``notice`` goes on top (why sign-in is needed), ``warning`` under the URL
        (plain http). ``keyring`` says whether the token will be kept in the OS keyring."""
        super().__init__()
        self._check = check
        """The app's token check (no HTTP here)."""
        self._backend_url = backend_url
        """The backend the token will be sent to."""
        self._notice = notice
        """Why the user sees this screen, or None."""
        self._warning = warning
        """A security warning about the backend, or None."""
        self._keyring = keyring
        """True when an OS keyring will store the token."""
        self._checking = False
        """True while ``check`` runs (enter is ignored, the input is disabled)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="signin-box"):
            yield Label("Sign in to backchat", classes="modal-title")
            with Vertical(classes="modal-body"):
                if self._notice:
                    yield Static(plain(self._notice), id="signin-notice", classes="modal-notice")
                yield Static(self._explanation(), id="signin-help")
                yield Static(
                    Content.assemble(("Backend: ", "bold"), clean_line(self._backend_url)),
                    id="signin-backend",
                )
                if self._warning:
                    yield Static(plain(self._warning), id="signin-warning", classes="modal-warning")
                yield Input(
                    password=True,
                    placeholder="Paste your access token",
                    id="signin-input",
                )
                yield Static("", id="signin-status", classes="modal-error", markup=False)
            yield KeyHints(classes="modal-hints")

    def _explanation(self) -> Content:
        storage = (
            "It will be stored in your OS keyring, never in a file."
            if self._keyring
            else "It will be kept in memory for this session only."
        )
        return Content.assemble(
            "backchat talks to ChatGPT's web backend with your access token. To get it, sign "
            "in at chatgpt.com in a browser, open ",
            (SESSION_URL, "underline"),
            " and copy the value of ",
            ("accessToken", "bold"),
            "; or use the token your proxy gave you.\n",
            storage,
        )

    def on_mount(self) -> None:
        self.query_one("#signin-input", Input).focus()

    def _status(self, message: str, *, error: bool) -> None:
        status = self.query_one("#signin-status", Static)
        status.update(message)
        status.set_class(bool(message), "-shown")
        status.set_class(not error, "-progress")

    def _set_checking(self, checking: bool) -> None:
        self._checking = checking
        field = self.query_one("#signin-input", Input)
        field.disabled = checking
        if checking:
            self._status(CHECKING_MESSAGE, error=False)
        else:
            field.focus()

    def action_submit(self) -> None:
        """Check the pasted token in a worker; dismiss with it if the check passes."""
        after_typed_keys(self.query_one("#signin-input", Input), self._submit)

    def _submit(self) -> None:
        if self._checking or not self.is_attached:
            return
        token = extract_token(self.query_one("#signin-input", Input).value)
        if not token:
            self._status(EMPTY_MESSAGE, error=True)
            return
        self._set_checking(True)
        self.run_worker(self._run_check(token), name="signin-check", group="signin", exclusive=True)

    async def _run_check(self, token: str) -> None:
        try:
            error = await self._check(token)
        except Exception as exc:
            # Whatever went wrong is shown, not raised: the user can fix the URL or retry.
            error = f"Could not check the token: {str(exc) or type(exc).__name__}"
        if error is None:
            self.dismiss(token)
            return
        self._set_checking(False)
        self._status(redact(error, token) or "The token was refused.", error=True)

    def action_cancel(self) -> None:
        """Dismiss with ``None``: no token."""
        self.dismiss(None)
