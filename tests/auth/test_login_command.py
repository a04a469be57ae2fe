"""``backchat login`` says what is wrong: no keyring (before the token is typed), a backend it
cannot reach, a backend that refuses the token."""

from __future__ import annotations

import io
import socket

import keyring
import pytest
from keyring.backends.null import Keyring as NullKeyring

from tests.keyrings import MemoryKeyring, NoKeyring
from tui.__main__ import demo_settings
from tui.auth.login_command import login
from tui.config import Settings
from tui.demo.server import DemoServer


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("backend", [NoKeyring(), NullKeyring()], ids=["none", "null"])
def test_no_keyring_is_said_before_the_token_is_read(
    backend: keyring.backend.KeyringBackend,
) -> None:
    keyring.set_keyring(backend)  # the autouse fixture puts the memory keyring back
    stdin = io.StringIO("tok-never-read")
    out = io.StringIO()
    assert login(Settings(), stdin=stdin, out=out) == 1
    assert stdin.tell() == 0  # the token was not asked for
    assert "OPENAI_ACCESS_TOKEN" in out.getvalue()


def test_an_unreachable_backend_is_not_a_refused_token(memory_keyring: MemoryKeyring) -> None:
    settings = demo_settings(Settings(), f"http://127.0.0.1:{_closed_port()}", "")
    out = io.StringIO()
    assert login(settings, stdin=io.StringIO("tok-123"), out=out) == 1
    said = out.getvalue()
    assert "Could not reach the backend at" in said
    assert "refused" not in said
    assert "tok-123" not in said
    assert memory_keyring.store == {}


def test_a_wrong_token_is_refused(demo: DemoServer, memory_keyring: MemoryKeyring) -> None:
    settings = demo_settings(Settings(), demo.base_url, "")
    out = io.StringIO()
    assert login(settings, stdin=io.StringIO("not-the-token"), out=out) == 1
    assert f"The backend at {demo.backend_url} refused the token" in out.getvalue()
    assert memory_keyring.store == {}
