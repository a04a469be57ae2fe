"""Sign-in with the whole app on the demo backend: the keyring (in memory), 401s, the CLI.

Every test runs with the in-memory keyring of tests/conftest.py: the user's real keyring is
never touched.
"""

from __future__ import annotations

import io
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import anyio
import keyring
import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.conftest import AppFactory
from tests.app.pilot_helpers import (
    LONG,
    SHOWCASE,
    SIZE,
    idle,
    listing,
    main,
    messages_text,
    notices,
    open_row,
    press_on_row,
    row_ids,
    running,
    screen_text,
    select,
    started,
    wait_for,
)
from tests.keyrings import DiscardingKeyring, MemoryKeyring, NoKeyring
from tui.app import BackchatApp
from tui.auth import credentials
from tui.auth.login_command import login, logout
from tui.config import Settings, demo_settings
from tui.demo.server import DemoServer
from tui.screens.main import MainScreen
from tui.screens.signin import SignInScreen

pytestmark = pytest.mark.anyio


def signed_out(app_factory: AppFactory) -> Any:
    """The app with no token in its settings, looking in the (in-memory) keyring."""
    return app_factory(token=None, token_source="", use_keyring=True)


def stored(memory_keyring: MemoryKeyring) -> dict[str, str]:
    return {account: token for (service, account), token in memory_keyring.store.items()}


async def sign_in(pilot: Pilot[Any], token: str) -> None:
    """Paste ``token`` into the sign-in screen and press enter."""
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen)
    screen.query_one("#signin-input", Input).value = token
    await pilot.pause()
    await pilot.press("enter")
    await idle(pilot)


async def wait_sign_in_screen(pilot: Pilot[Any]) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SignInScreen), "the sign-in screen")
    await pilot.pause()


@asynccontextmanager
async def at_sign_in(app: BackchatApp, **options: Any) -> AsyncIterator[Pilot[Any]]:
    """Run ``app`` at :data:`SIZE` until it shows the sign-in screen."""
    async with app.run_test(size=SIZE, **options) as pilot:
        await wait_sign_in_screen(pilot)
        yield pilot


# -- at start ----------------------------------------------------------------------------------


async def test_no_token_anywhere_asks_then_keeps_it_in_the_keyring(
    app_factory: AppFactory, demo: DemoServer, memory_keyring: MemoryKeyring
) -> None:
    app = signed_out(app_factory)
    async with at_sign_in(app, notifications=True) as pilot:
        assert isinstance(app.screen_stack[0], MainScreen)
        text = screen_text(app)
        assert "Sign in to backchat" in text
        assert "stored in your OS keyring" in text
        assert demo.base_url in text
        await sign_in(pilot, demo.token)
        await started(pilot)
        assert isinstance(app.screen, MainScreen)
        assert stored(memory_keyring) == {app.settings.resolved_backend_url: demo.token}
        assert row_ids(app)[0] == listing(demo)[0].id


async def test_a_refused_token_is_not_stored(
    app_factory: AppFactory, demo: DemoServer, memory_keyring: MemoryKeyring
) -> None:
    app = signed_out(app_factory)
    async with at_sign_in(app) as pilot:
        await sign_in(pilot, "not-the-demo-token")
        assert isinstance(app.screen, SignInScreen)
        text = screen_text(app)
        assert "401" in text
        assert "refused the token" in text
        assert "Could not reach" not in text
        assert "not-the-demo-token" not in text
        assert stored(memory_keyring) == {}
        await sign_in(pilot, demo.token)
        await started(pilot)


async def test_an_unreachable_backend_is_told_apart_from_a_refused_token(
    app_factory: AppFactory,
) -> None:
    # A port nothing listens on: bound, then closed, so the connection is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    app = app_factory(
        token=None,
        token_source="",
        use_keyring=True,
        base_url=url,
        backend_url=url + "/backend-api",
    )
    async with at_sign_in(app) as pilot:
        await sign_in(pilot, "any-token-at-all")
        await wait_for(
            pilot, lambda: "Could not reach the backend at" in screen_text(app), "the check"
        )
        text = screen_text(app)
        assert "refused" not in text
        assert isinstance(app.screen, SignInScreen)


async def test_a_stored_token_skips_sign_in(
    app_factory: AppFactory, demo: DemoServer, memory_keyring: MemoryKeyring
) -> None:
    app = signed_out(app_factory)
    memory_keyring.set_password(credentials.SERVICE, app.settings.resolved_backend_url, demo.token)
    async with running(app):
        assert not any(isinstance(screen, SignInScreen) for screen in app.screen_stack)
        assert app.client.settings.has_token
        assert row_ids(app)[0] == listing(demo)[0].id


async def test_no_keyring_backend_says_so_in_plain_words(
    app_factory: AppFactory, demo: DemoServer, memory_keyring: MemoryKeyring
) -> None:
    keyring.set_keyring(NoKeyring())
    app = signed_out(app_factory)
    async with at_sign_in(app, notifications=True) as pilot:
        text = " ".join(screen_text(app).split())
        assert "No OS keyring is available here" in text
        assert "OPENAI_ACCESS_TOKEN" in text
        assert "kept in memory for this session only" in text
        await sign_in(pilot, demo.token)
        await started(pilot)
        # Signed in for this run; nothing was written anywhere, and it is not said twice.
        assert row_ids(app)
        assert memory_keyring.store == {}
        assert not any("session only" in n for n in notices(app))


async def test_a_keyring_that_drops_writes_is_noticed(
    app_factory: AppFactory, demo: DemoServer
) -> None:
    keyring.set_keyring(DiscardingKeyring())
    app = signed_out(app_factory)
    async with at_sign_in(app) as pilot:
        await sign_in(pilot, demo.token)
        await started(pilot)
        assert any(
            "Signed in for this session only" in n and "did not keep the token" in n
            for n in notices(app)
        )


async def test_escape_on_the_first_sign_in_quits(app_factory: AppFactory) -> None:
    app = signed_out(app_factory)
    async with at_sign_in(app) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


# -- a 401 in the middle of a session ----------------------------------------------------------


async def test_an_expired_token_brings_back_sign_in_and_nothing_is_lost(
    app: BackchatApp, demo: DemoServer
) -> None:
    top, other = listing(demo)[SHOWCASE], listing(demo)[LONG]
    async with running(app, opened=top.id, notifications=True) as pilot:
        await select(pilot, other.id)
        rows, shown = row_ids(app), messages_text(app)

        demo.faults.arm("expired_401", on="read")
        await pilot.press("enter")
        await wait_sign_in_screen(pilot)
        # Over the main screen, not instead of it.
        assert isinstance(app.screen_stack[0], MainScreen)
        assert "Your token expired or was refused. Sign in again." in " ".join(
            screen_text(app).split()
        )
        # Underneath, the main screen still holds what it showed.
        assert messages_text(app) == shown
        assert main(app).transcript.conversation_id == top.id
        await sign_in(pilot, demo.token)
        assert isinstance(app.screen, MainScreen)
        # The list is as it was, cursor included, and the conversation asked for opens.
        assert row_ids(app) == rows
        assert main(app).sidebar.highlighted_id == other.id
        await wait_for(pilot, lambda: main(app).history.open_id == other.id, "the retried open")
        await idle(pilot)
        assert main(app).transcript.conversation_id == other.id


async def test_an_expired_token_while_paging_fetches_the_page_after_sign_in(
    app: BackchatApp, demo: DemoServer
) -> None:
    async with running(app) as pilot:
        sidebar = main(app).sidebar
        demo.faults.arm("expired_401", on="read")
        await pilot.press("end")
        await wait_sign_in_screen(pilot)
        assert sidebar.loaded == 56
        await sign_in(pilot, demo.token)
        await wait_for(pilot, lambda: sidebar.loaded == 84, "the page that failed")


# -- the token is never shown ------------------------------------------------------------------


async def test_the_token_never_appears_on_screen_in_notices_or_logs(
    app_factory: AppFactory, demo: DemoServer, tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = app_factory()
    token = demo.token
    seen: list[str] = []

    def look() -> None:
        seen.append(screen_text(app))
        seen.append(app.export_screenshot())
        seen.extend(notices(app))

    async with running(app, notifications=True) as pilot:
        look()
        await open_row(pilot, listing(demo)[SHOWCASE].id)
        look()
        for fault in ("server_500", "forbidden_html_403", "rate_limit_model_cap"):
            demo.faults.arm(fault, on="write")
            await press_on_row(pilot, listing(demo)[LONG].id, "a")
            look()
        demo.faults.arm("expired_401", on="read")
        await pilot.press("ctrl+r")
        await wait_sign_in_screen(pilot)
        look()
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        screen.query_one("#signin-input", Input).value = token
        await pilot.pause()
        look()
        await pilot.press("enter")
        await idle(pilot)
        look()
        path = app.save_screenshot(path=str(tmp_path))
        seen.append(await anyio.Path(path).read_text(encoding="utf-8"))
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.screen is not main(app), "the account screen")
        await idle(pilot)
        look()
    assert len(seen) > 10
    assert all(token not in text for text in seen)
    assert token not in caplog.text
    assert len([n for n in seen if "Archive undone" in n]) >= 3


# -- backchat login / logout -------------------------------------------------------------------


def demo_cli_settings(demo: DemoServer) -> Settings:
    return replace(demo_settings(Settings(), demo.base_url, demo.token), token=None)


def test_login_checks_and_stores_the_token(demo: DemoServer, memory_keyring: MemoryKeyring) -> None:
    settings = demo_cli_settings(demo)
    out = io.StringIO()
    assert login(settings, stdin=io.StringIO(demo.token + "\n"), out=out) == 0
    assert stored(memory_keyring) == {settings.resolved_backend_url: demo.token}
    assert "Signed in" in out.getvalue()
    assert demo.token not in out.getvalue()
    assert any(r.path == "/backend-api/accounts/check" for r in demo.state.requests)


def test_login_refuses_a_bad_token(demo: DemoServer, memory_keyring: MemoryKeyring) -> None:
    out = io.StringIO()
    assert login(demo_cli_settings(demo), stdin=io.StringIO("wrong-token"), out=out) == 1
    assert memory_keyring.store == {}
    assert "refused the token" in out.getvalue()
    assert "wrong-token" not in out.getvalue()


def test_login_with_nothing_piped_stores_nothing(
    demo: DemoServer, memory_keyring: MemoryKeyring
) -> None:
    out = io.StringIO()
    assert login(demo_cli_settings(demo), stdin=io.StringIO(""), out=out) == 1
    assert memory_keyring.store == {}
    assert "No token given" in out.getvalue()


def test_login_without_a_keyring_says_so(demo: DemoServer) -> None:
    keyring.set_keyring(NoKeyring())
    out = io.StringIO()
    assert login(demo_cli_settings(demo), stdin=io.StringIO(demo.token), out=out) == 1
    assert credentials.NO_KEYRING_HELP in out.getvalue()


def test_logout_removes_the_token(demo: DemoServer, memory_keyring: MemoryKeyring) -> None:
    settings = demo_cli_settings(demo)
    assert login(settings, stdin=io.StringIO(demo.token), out=io.StringIO()) == 0
    out = io.StringIO()
    assert logout(settings, out=out) == 0
    assert memory_keyring.store == {}
    assert "Signed out" in out.getvalue()
    again = io.StringIO()
    assert logout(settings, out=again) == 0
    assert "No token was stored" in again.getvalue()


async def test_plain_http_to_another_host_is_warned_about(app_factory: AppFactory) -> None:
    # 192.0.2.0/24 is reserved for documentation: nothing is ever sent there (no token yet).
    app = app_factory(
        base_url="http://192.0.2.1:9",
        backend_url="http://192.0.2.1:9/backend-api",
        token=None,
        token_source="",
    )
    async with at_sign_in(app, notifications=True) as pilot:
        text = " ".join(screen_text(app).split())
        assert "plain http: the token would travel in clear" in text
        assert any(n.startswith("Insecure connection:") for n in notices(app))
        await pilot.press("escape")
