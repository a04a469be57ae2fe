"""``backchat login`` / ``backchat logout``: the token in the OS keyring, from the shell.

``login`` first makes sure a keyring can hold the token (so nobody pastes a token that cannot be
kept), then reads it without echo (getpass), or from stdin when it is piped
(``pass show chatgpt | backchat login``), checks it with ``accounts/check`` and stores it. A
backend that cannot be reached is told apart from one that refuses the token.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from tui.api.client import BackendClient
from tui.api.errors import ApiError, AuthError, ForbiddenError, NetworkError
from tui.api.secret import Secret
from tui.api.settings import ApiSettings
from tui.auth import credentials
from tui.config import Settings


def read_token(stdin: TextIO | None = None) -> Secret:
    """The token from a pipe, or typed at a prompt that does not echo it."""
    stream = stdin or sys.stdin
    if not stream.isatty():
        return Secret(stream.read())
    return Secret(getpass.getpass("Access token (not shown): "))


async def check_token(settings: Settings, token: Secret) -> str | None:
    """None when the backend of ``settings`` accepts ``token``, else what went wrong
    (:func:`token_problem`)."""
    backend = settings.resolved_backend_url
    return await token_problem(
        ApiSettings(base_url=settings.base_url, backend_url=backend, token=token)
    )


async def token_problem(api: ApiSettings) -> str | None:
    """None when the backend accepts the token of ``api``, else a sentence saying what went
    wrong: "could not reach" (no answer: wrong URL, proxy down), "refused the token" (401/403),
    or what else the backend answered. Each asks the user to fix something different; the
    sign-in screen says the same sentences as ``backchat login``.
    """
    backend = api.backend_url
    client = BackendClient(api)
    try:
        await client.account_status()
    except NetworkError as error:
        return f"Could not reach the backend at {backend}: {error.message}"
    except (AuthError, ForbiddenError) as error:
        return f"The backend at {backend} refused the token: {error.message}"
    except ApiError as error:
        return f"The backend at {backend} could not check the token: {error.message}"
    finally:
        await client.aclose()
    return None


def login(settings: Settings, *, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    backend = settings.resolved_backend_url
    try:
        credentials.check_keyring(backend)
    except credentials.KeyringUnavailable as error:
        print(str(error), file=out)
        return 1
    token = read_token(stdin)
    if not token:
        print("No token given; nothing stored.", file=out)
        return 1
    if settings.insecure_transport:
        print(f"Warning: {backend} is plain http: the token travels in clear.", file=out)
    problem = asyncio.run(check_token(settings, token))
    if problem is not None:
        print(problem, file=out)
        return 1
    try:
        credentials.save_token(backend, token)
    except credentials.KeyringUnavailable as error:
        print(str(error), file=out)
        return 1
    print(f"Signed in. The token is stored in the OS keyring for {backend}.", file=out)
    return 0


def logout(settings: Settings, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    backend = settings.resolved_backend_url
    try:
        removed = credentials.delete_token(backend)
    except credentials.KeyringUnavailable as error:
        print(str(error), file=out)
        return 1
    if removed:
        print(f"Signed out: the token for {backend} was removed from the OS keyring.", file=out)
    else:
        print(f"No token was stored for {backend}.", file=out)
    return 0
