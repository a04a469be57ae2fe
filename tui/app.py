"""The App: owns the settings, the API client, sign-in and the app-wide actions.

The main screen (``tui.screens.main``) holds the panes; controllers (``tui.controllers.reading``,
``tui.controllers.chat``) do the I/O in workers. :func:`create_app` is the one factory the CLI
uses; :func:`create_demo_app` builds the same app on the demo backend with a frozen clock for
the tests, the benchmarks and the screenshot script.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from tui.api.client import BackendClient
from tui.api.errors import ApiError, AuthError
from tui.api.secret import Secret
from tui.api.settings import ApiSettings
from tui.auth import credentials
from tui.config import Settings, demo_settings
from tui.controllers.local_copy import STORE_PROBLEM_TITLE, LocalCopy
from tui.demo import DEMO_NOW
from tui.paths import styles_dir
from tui.state import UiState, load_state, save_state
from tui.text.sanitize import clean_line
from tui.text.times import Clock, local_now

if TYPE_CHECKING:
    from tui.demo.handle import DemoHandle
    from tui.screens.main import MainScreen

STYLE_FILES = ("app.tcss", "sidebar.tcss", "messages.tcss", "streaming.tcss", "modals.tcss")
"""TCSS files, one per area, loaded in this order."""


class BackchatApp(App[None]):
    """backchat: read, search, tidy and continue ChatGPT history in the terminal."""

    TITLE = "backchat"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        styles_dir() / name for name in STYLE_FILES if (styles_dir() / name).exists()
    ]
    """Every style file that exists (a missing one must not stop the app)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Quit backchat"),
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="app.help",
            tooltip="Show every key binding",
        ),
        # Not in the footer, which keeps to the most used keys (see MainScreen.BINDINGS).
        Binding(
            "f2",
            "account",
            "Account",
            id="app.account",
            show=False,
            tooltip="Account, models and limits",
        ),
    ]
    """App-wide keys; the pane keys live on the main screen. All remappable by id."""

    def __init__(
        self,
        settings: Settings,
        *,
        now: Clock | None = None,
        use_keyring: bool = True,
        state_path: Path | None = None,
        cursor_blink: bool = True,
        data_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink
        """Off in snapshot tests, so every run draws the same frame."""
        self.settings = settings
        """The resolved settings (file < env < flags)."""
        self.now: Clock = now or local_now
        """The clock: injectable so snapshots and relative times are stable."""
        self.use_keyring = use_keyring
        """False in tests that must never touch a keyring."""
        self.state_path = state_path
        """Where UI state (theme, last model) is kept; None = the user's state dir."""
        self.ui_state: UiState = load_state(state_path)
        self.client = BackendClient(
            ApiSettings(
                base_url=settings.base_url,
                backend_url=settings.resolved_backend_url,
                token=Secret.of(settings.token),
            )
        )
        """The one API client; its token is replaced after a sign-in."""
        self.theme_chosen = False
        """Set after start-up: later theme changes are the user's and are remembered."""
        self.keyring_note: str = ""
        """Why the keyring could not be used, if it could not (shown on the sign-in screen)."""
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None and settings.demo:
            # The demo's port (so its store file) differs each run, and its history is made up:
            # it never goes into the user's data dir.
            self._scratch = tempfile.TemporaryDirectory(prefix="backchat-demo-")
            data_dir = Path(self._scratch.name)
        self.local_copy = LocalCopy.open(settings.resolved_backend_url, data_dir)
        """The local store of this backend: the list and conversations shown before (or
        without) the server, kept up to date as the user reads."""
        theme = settings.theme or self.ui_state.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        if settings.keymap:
            from tui.screens.keymap_check import usable_keymap

            # A key name no terminal sends is left out, so its binding keeps its own key.
            self.set_keymap(usable_keymap(settings.keymap))

    # -- lifecycle ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        from tui.screens.main import MainScreen

        return MainScreen(self)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """With the blink off, a dialog's text field keeps a still cursor too (the composer's is
        set where it is made): a blinking one made snapshots depend on wall-clock time."""
        if not self.cursor_blink and isinstance(event.widget, Input):
            event.widget.cursor_blink = False

    def on_mount(self) -> None:
        self.theme_chosen = True
        if self.local_copy.problem:
            self.notify(
                clean_line(self.local_copy.problem, limit=400),
                title=STORE_PROBLEM_TITLE,
                severity="warning",
                timeout=20,
                markup=False,
            )
        if self.settings.warnings or self.settings.keymap:
            # After the first frame: checking the keymap imports every dialog's module.
            self.call_after_refresh(self._warn_about_settings)
        if self.settings.insecure_transport:
            self.notify(
                f"{self.settings.resolved_backend_url} is plain http: your token travels in clear.",
                title="Insecure connection",
                severity="warning",
                timeout=10,
                markup=False,
            )

    def _warn_about_settings(self) -> None:
        """One warning listing each unknown setting, keymap id and key name (the app runs on)."""
        from tui.screens.keymap_check import start_up_warning

        warning = start_up_warning(self.settings.warnings, self.settings.keymap, type(self))
        if warning:
            where = clean_line(str(self.settings.config_path or "the config file"))
            self.notify(
                warning, title=f"Ignored in {where}", severity="warning", timeout=20, markup=False
            )

    def begin(self) -> None:
        """Called by the main screen once mounted: sign in, then load the list."""
        if self.settings.token or self.settings.offline:
            # --offline reads only the local copy: no token, no keyring, no request.
            self.main.signed_in()
        else:
            # The keyring's first use costs ~90 ms: run it after the first frame, in a thread.
            self.run_worker(self._token_from_keyring, thread=True, group="signin")

    def _fatal_error(self) -> None:
        """Show a crash without local variables: they could hold the token.

        Overrides a private Textual method (checked on 8.2.8), whose traceback shows locals.
        """
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    async def on_unmount(self) -> None:
        await self.client.aclose()
        self.local_copy.close()
        if self._scratch is not None:
            self._scratch.cleanup()

    @property
    def main(self) -> MainScreen:
        from tui.screens.main import MainScreen

        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def preferred_model(self) -> str | None:
        """The model the settings ask for, or the one picked for the last new chat."""
        return self.settings.model or self.ui_state.model

    def remember_model(self, slug: str) -> None:
        """Keep ``slug`` as the model picked last (the next new chat offers it first)."""
        self.ui_state.model = slug
        save_state(self.ui_state, self.state_path)

    def watch_theme(self, theme: str) -> None:
        if self.theme_chosen and theme != self.ui_state.theme:
            self.ui_state.theme = theme
            save_state(self.ui_state, self.state_path)

    # -- sign-in -----------------------------------------------------------------------------

    @property
    def keyring_account(self) -> str:
        return self.settings.resolved_backend_url

    def _token_from_keyring(self) -> None:
        token: Secret | None = None
        if self.use_keyring:
            try:
                token = credentials.load_token(self.keyring_account)
            except credentials.KeyringUnavailable as error:
                self.keyring_note = str(error)
        self.call_from_thread(self._keyring_checked, token)

    def _keyring_checked(self, token: Secret | None) -> None:
        if token:
            self.client.set_token(token)
            self.main.signed_in()
        else:
            self.request_sign_in()

    def request_sign_in(self, notice: str = "") -> None:
        """Show the sign-in screen over whatever is on screen (nothing underneath is lost)."""
        from tui.screens.signin import SignInScreen

        if any(isinstance(screen, SignInScreen) for screen in self.screen_stack):
            return
        warning = (
            "This backend URL is plain http: the token would travel in clear."
            if self.settings.insecure_transport
            else ""
        )
        self.push_screen(
            SignInScreen(
                check=self._check_token,
                backend_url=self.settings.resolved_backend_url,
                notice=" ".join(part for part in (notice, self.keyring_note) if part) or None,
                warning=warning or None,
                keyring=self.use_keyring and not self.keyring_note,
            ),
            self._signed_in,
        )

    async def _check_token(self, token: str) -> str | None:
        """Try ``token`` with accounts/check; an error message, or None when it works.

        The message tells an unreachable backend from one that refused the token, in the
        words of ``backchat login``."""
        from tui.auth.login_command import token_problem

        return await token_problem(self.client.settings.replace(token=token))

    def _signed_in(self, pasted: str | None) -> None:
        token = Secret.of(pasted)
        del pasted  # from here on only the masked form is around
        if not token:
            if not self.client.settings.has_token:
                self.exit()
            return
        self.client.set_token(token)
        # With no keyring the sign-in screen already said the token lives for this run only.
        if self.use_keyring and not self.keyring_note:
            self.run_worker(lambda: self._store_token(token), thread=True, group="signin")
        self.main.signed_in()

    def _store_token(self, token: Secret) -> None:
        try:
            credentials.save_token(self.keyring_account, token)
        except credentials.KeyringUnavailable as error:
            self.call_from_thread(
                self.notify,
                f"Signed in for this session only. {error}",
                severity="warning",
                timeout=10,
                markup=False,
            )

    # -- errors ------------------------------------------------------------------------------

    def report_error(self, error: BaseException, doing: str) -> None:
        """Tell the user what failed, in plain words; a 401 brings back the sign-in screen."""
        if isinstance(error, AuthError):
            self.request_sign_in(notice="Your token expired or was refused. Sign in again.")
            return
        message = (
            error.message if isinstance(error, ApiError) else str(error) or type(error).__name__
        )
        self.notify(
            clean_line(message, limit=300),
            title=clean_line(doing, limit=60),
            severity="error",
            timeout=8,
            markup=False,
        )

    # -- app-wide actions --------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit; while a reply streams, ask first (quitting stops it)."""
        from tui.screens.confirm import ConfirmScreen
        from tui.screens.main import MainScreen

        main = self.screen_stack[0] if self.screen_stack else None
        if not (isinstance(main, MainScreen) and main.chat.streaming):
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                "A reply is still streaming. Quit anyway?",
                "Quitting stops it; what has arrived so far is kept on the server if it saved it.",
                confirm_label="Quit",
                danger=True,
            ),
            answered,
        )

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_rows()))

    def help_rows(self) -> list[tuple[str, str, str, str]]:
        """(group, key, description, binding ids) for every binding of the app and main screen."""
        rows: list[tuple[str, str, str, str]] = []
        for title, node in [("Global", self), *self.main.binding_owners()]:
            keys_by_binding: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
            for binding in self.bindings_of(node):
                if binding.description:
                    display = self.get_key_display(binding)
                    keys, ids = keys_by_binding.setdefault(
                        (binding.action, binding.description), ([], [])
                    )
                    if display not in keys:
                        keys.append(display)
                    if binding.id and binding.id not in ids:
                        ids.append(binding.id)
            for (_action, description), (keys, ids) in keys_by_binding.items():
                rows.append((title, " / ".join(keys), description, " ".join(ids)))
        return rows

    def bindings_of(self, node: DOMNode) -> list[Binding]:
        """``node``'s bindings with the user's keymap applied, as the keys really work."""
        # `_bindings` holds the class bindings without the keymap: Textual 8.2.8 applies the
        # keymap to a copy each time it resolves a key (Screen._binding_chain), so we do too.
        # `_keymap` is private: set_keymap() has no getter (checked on 8.2.8).
        bindings = node._bindings.copy()
        if self._keymap:
            bindings.apply_keymap(self._keymap)
        # A widget's bindings without an id are Textual's own (OptionList's sideways scrolling):
        # not ours to list. The app's and the screen's (^p palette, ^c copy) stay.
        ours = not isinstance(node, Widget) or isinstance(node, Screen)
        return [binding for _key, binding in bindings if ours or binding.id]

    def action_account(self) -> None:
        if not self.main.history.needs_server("The account"):
            self.main.show_account()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # One command per (action, description): "up,k" is one command, but the sidebar's and
        # the transcript's cursor_up are two.
        seen: set[tuple[str, str]] = set()
        for _title, node in [("Global", self), *self.main.binding_owners()]:
            for binding in self.bindings_of(node):
                if not binding.description or (binding.action, binding.description) in seen:
                    continue
                seen.add((binding.action, binding.description))
                key = self.get_key_display(binding)
                yield SystemCommand(
                    f"{binding.description} ({key})",
                    binding.tooltip or binding.description,
                    _runner(node, binding.action),
                )


def _runner(node: DOMNode, action: str) -> Callable[[], object]:
    async def run() -> None:
        await node.app.run_action(action, node)

    return run


def create_app(
    settings: Settings,
    *,
    now: Clock | None = None,
    use_keyring: bool = True,
    state_path: Path | None = None,
    cursor_blink: bool = True,
    data_dir: Path | None = None,
) -> BackchatApp:
    """The one app factory, shared by the CLI, the tests and the scripts.

    ``data_dir``: where the local store lives (default: the XDG data dir; a temporary one for
    the demo backend).
    """
    return BackchatApp(
        settings,
        now=now,
        use_keyring=use_keyring,
        state_path=state_path,
        cursor_blink=cursor_blink,
        data_dir=data_dir,
    )


def create_demo_app(
    demo: DemoHandle,
    *,
    state_path: Path,
    use_keyring: bool = False,
    data_dir: Path | None = None,
    **settings_fields: Any,
) -> BackchatApp:
    """The app on the running demo backend ``demo``, as the tests, benchmarks and screenshots
    build it.

    The clock is frozen at :data:`tui.demo.DEMO_NOW` and the cursor does not blink, so every run
    draws the same frames; the keyring is left alone unless ``use_keyring``. Keyword arguments
    override fields of the settings (``page_size=100``...). The local store lives in
    ``data_dir``, by default a ``data`` folder beside ``state_path`` (a test's temporary
    directory): never the user's data dir.
    """
    settings = replace(demo_settings(Settings(), demo.base_url, demo.token), **settings_fields)
    return create_app(
        settings,
        now=lambda: DEMO_NOW,
        use_keyring=use_keyring,
        state_path=state_path,
        cursor_blink=False,
        data_dir=data_dir if data_dir is not None else state_path.parent / "data",
    )
