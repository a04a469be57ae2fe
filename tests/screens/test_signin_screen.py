"""SignInScreen: the check runs in a worker, errors stay inline, the token is never shown."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events
from textual.widgets import Input

from tests.fake_tokens import fake_jwt
from tests.screens.harness import (
    HOSTILE,
    HOSTILE_SHOWN,
    Harness,
    running,
    screen_text,
    settle,
    shown_static,
)
from tui.screens.signin import (
    CHECKING_MESSAGE,
    EMPTY_MESSAGE,
    SESSION_URL,
    SignInScreen,
    extract_token,
)

SIZE = (100, 36)
TOKEN = fake_jwt("SECRETpayload", "SIGNATUREpart", alg="RS256")
"""A token-shaped secret: none of its parts may ever reach the screen."""
BACKEND = "https://proxy.example/backend-api"


def assert_token_not_shown(app: Harness) -> None:
    svg = app.export_screenshot()
    text = screen_text(app)
    for part in ("SECRETpayload", "SIGNATUREpart", "eyJhbGci"):
        assert part not in svg
        assert part not in text


def status_text(app: Harness) -> str:
    return shown_static(app, "#signin-status")


class FakeCheck:
    """The app's token check: records tokens, answers from a script, can be held open."""

    def __init__(self, *answers: str | Exception | None, held: bool = False) -> None:
        self.answers = list(answers)
        self.tokens: list[str] = []
        self.release = asyncio.Event()
        if not held:
            self.release.set()

    async def __call__(self, token: str) -> str | None:
        self.tokens.append(token)
        await self.release.wait()
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def paste_token(pilot: Any, token: str = TOKEN) -> None:
    """Paste the token into the input, as users do."""
    pilot.app.screen.query_one(Input).post_message(events.Paste(token))
    await pilot.pause()


async def submit(pilot: Any) -> None:
    """Paste the token and press enter: the check starts in a worker."""
    await paste_token(pilot)
    await pilot.press("enter")


@pytest.mark.anyio
async def test_shows_where_to_get_the_token_and_the_backend() -> None:
    screen = SignInScreen(
        FakeCheck(),
        BACKEND,
        notice="Your token expired. Sign in again.",
        warning="The backend uses plain http: the token travels unencrypted.",
    )
    app = Harness(screen)
    async with running(app, SIZE):
        text = screen_text(app)
        assert "Your token expired. Sign in again." in text
        assert SESSION_URL in text
        assert "accessToken" in text
        assert "OS keyring" in text
        assert BACKEND in text
        assert "plain http" in text
        assert "enter sign in · esc cancel" in text
        assert app.screen.query_one(Input).has_focus
        assert app.screen.query_one(Input).password


@pytest.mark.anyio
async def test_without_keyring_says_session_only() -> None:
    app = Harness(SignInScreen(FakeCheck(), BACKEND, keyring=False))
    async with running(app, SIZE):
        text = screen_text(app)
        assert "for this session only" in text
        assert "OS keyring" not in text
        assert not app.screen.query("#signin-notice")
        assert not app.screen.query("#signin-warning")


@pytest.mark.anyio
async def test_success_dismisses_with_the_token() -> None:
    check = FakeCheck(None)
    app = Harness(SignInScreen(check, BACKEND))
    async with running(app, SIZE) as pilot:
        await submit(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
    assert check.tokens == [TOKEN]
    assert app.results == [TOKEN]


@pytest.mark.anyio
async def test_checking_state_disables_the_input() -> None:
    check = FakeCheck(None, held=True)
    app = Harness(SignInScreen(check, BACKEND))
    async with running(app, SIZE) as pilot:
        await submit(pilot)
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.disabled
        assert status_text(app) == CHECKING_MESSAGE
        assert CHECKING_MESSAGE in screen_text(app)
        assert_token_not_shown(app)
        # A second enter while checking does not start a second check.
        await pilot.press("enter")
        await pilot.pause()
        check.release.set()
        await settle(pilot)
    assert check.tokens == [TOKEN]
    assert app.results == [TOKEN]


@pytest.mark.anyio
async def test_error_is_shown_inline_and_the_input_is_kept() -> None:
    check = FakeCheck(f"The server said 401: {HOSTILE}", None)
    app = Harness(SignInScreen(check, BACKEND))
    async with running(app, SIZE) as pilot:
        await submit(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert app.results == []
        field = app.screen.query_one(Input)
        assert not field.disabled
        assert field.has_focus
        assert field.value == TOKEN
        assert status_text(app) == f"The server said 401: {HOSTILE_SHOWN}"
        text = screen_text(app)
        assert f"The server said 401: {HOSTILE_SHOWN}" in text
        assert "[2J" not in text
        assert_token_not_shown(app)
        # The kept input can be submitted again as is.
        await pilot.press("enter")
        await settle(pilot)
    assert check.tokens == [TOKEN, TOKEN]
    assert app.results == [TOKEN]


@pytest.mark.anyio
async def test_an_error_quoting_the_token_is_redacted() -> None:
    check = FakeCheck(f"Invalid header value b'Bearer {TOKEN}'")
    app = Harness(SignInScreen(check, BACKEND))
    async with running(app, SIZE) as pilot:
        await submit(pilot)
        await settle(pilot)
        assert status_text(app) == "Invalid header value b'Bearer <token>'"
        assert_token_not_shown(app)


@pytest.mark.anyio
async def test_a_failing_check_is_shown_not_raised() -> None:
    check = FakeCheck(ConnectionError(f"connection refused {TOKEN}"))
    app = Harness(SignInScreen(check, BACKEND))
    async with running(app, SIZE) as pilot:
        await submit(pilot)
        await settle(pilot)
        assert status_text(app) == "Could not check the token: connection refused <token>"
        assert not app.screen.query_one(Input).disabled
        assert_token_not_shown(app)
    assert app.results == []


@pytest.mark.anyio
async def test_empty_input_is_refused_without_a_check() -> None:
    check = FakeCheck()
    app = Harness(SignInScreen(check, BACKEND))
    async with running(app, SIZE) as pilot:
        await pilot.press("space", "enter")
        await pilot.pause()
        assert status_text(app) == EMPTY_MESSAGE
        assert isinstance(app.screen, SignInScreen)
    assert check.tokens == []
    assert app.results == []


@pytest.mark.anyio
async def test_escape_gives_up_with_none() -> None:
    app = Harness(SignInScreen(FakeCheck(), BACKEND))
    async with running(app, SIZE) as pilot:
        await paste_token(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SignInScreen)
    assert app.results == [None]


@pytest.mark.anyio
async def test_typed_token_never_appears_on_screen() -> None:
    app = Harness(SignInScreen(FakeCheck(), BACKEND))
    async with running(app, SIZE) as pilot:
        await pilot.press(*TOKEN)
        assert app.screen.query_one(Input).value == TOKEN
        assert_token_not_shown(app)


@pytest.mark.anyio
async def test_hostile_notice_warning_and_url_are_literal() -> None:
    screen = SignInScreen(
        FakeCheck(), f"http://x/{HOSTILE}", notice=f"N {HOSTILE}", warning=f"W {HOSTILE}"
    )
    app = Harness(screen)
    async with running(app, SIZE):
        text = screen_text(app)
        assert f"N {HOSTILE_SHOWN}" in text
        assert f"W {HOSTILE_SHOWN}" in text
        assert f"http://x/{HOSTILE_SHOWN}" in text
        assert "[2J" not in text


@pytest.mark.parametrize(
    ("pasted", "token"),
    [
        ("abc.def.ghi", "abc.def.ghi"),
        ("  abc.def.ghi \n", "abc.def.ghi"),
        ("Bearer abc.def", "abc.def"),
        ('"abc.def"', "abc.def"),
        ('{"user": {}, "accessToken": "abc.def", "expires": "x"}', "abc.def"),
        ("{not json", "{notjson"),
        ("", ""),
    ],
)
def test_extract_token(pasted: str, token: str) -> None:
    assert extract_token(pasted) == token


@pytest.mark.anyio
async def test_escape_while_checking_gives_up() -> None:
    check = FakeCheck(None, held=True)
    app = Harness(SignInScreen(check, BACKEND))
    async with running(app, SIZE) as pilot:
        await submit(pilot)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        check.release.set()
        await settle(pilot)
        assert not isinstance(app.screen, SignInScreen)
    assert app.results == [None]
