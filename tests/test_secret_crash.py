"""The token never shows: its type masks it, and a crash report holds no trace of it."""

from __future__ import annotations

import copy
import pickle
import traceback
from pathlib import Path

import pytest
from rich.console import Console
from rich.traceback import Traceback

from tests.fake_tokens import fake_jwt
from tests.subprocesses import run_python
from tui.api.client import BackendClient
from tui.api.secret import MASK, Secret
from tui.api.settings import ApiSettings
from tui.config import Settings, resolve
from tui.demo.server import start_demo_server

TOKEN = fake_jwt('{"sub":"crash-test-user","scope":"never-printed-anywhere"}', "s1gnatur3-0f-cr4sh")


def pieces(token: str, width: int = 12) -> list[str]:
    """Every slice of the token at ``width`` chars: a truncated print of it still matches one."""
    # The JWT header ({"alg":"HS256"}) is the same in every token; only the rest identifies it.
    secret_part = token.split(".", 1)[1]
    return [secret_part[i : i + width] for i in range(0, len(secret_part) - width + 1)]


def assert_absent(text: str, where: str) -> None:
    leaked = [piece for piece in pieces(TOKEN) if piece in text]
    assert not leaked, f"the token shows in {where}: {leaked[:3]}"


def test_secret_masks_every_way_of_printing() -> None:
    secret = Secret(TOKEN)
    shown_as = [repr(secret), str(secret), f"{secret}", f"{secret!r}", f"{secret:>40}"]
    for shown in [*shown_as, "%s" % secret]:  # noqa: UP031
        assert TOKEN not in shown
    assert MASK in str(secret)
    assert secret.reveal() == TOKEN
    assert secret == TOKEN
    assert secret == Secret(TOKEN)
    assert Secret.of(secret) is secret
    assert not Secret.of(None)
    assert copy.deepcopy(secret) is secret
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    with pytest.raises(AttributeError):
        secret._value = "x"  # type: ignore[misc]


def test_settings_hold_the_token_masked() -> None:
    api = ApiSettings(base_url="http://127.0.0.1:9", token=TOKEN)
    app_settings = Settings(token=TOKEN)  # type: ignore[arg-type]
    from_env = resolve(env={"OPENAI_ACCESS_TOKEN": TOKEN})
    for settings in (api, app_settings, from_env, api.replace(token=TOKEN)):
        assert isinstance(settings.token, Secret)
        assert settings.token == TOKEN
        assert_absent(repr(settings), "the settings' repr")


def test_a_rich_traceback_with_locals_shows_no_token() -> None:
    """What Textual's own crash screen prints: a Rich traceback with every frame's locals."""
    settings = ApiSettings(base_url="http://127.0.0.1:9", token=TOKEN)
    client = BackendClient(settings)
    transport = client._transport
    # A request as it leaves: the Authorization header is on it.
    request = next(transport._auth.auth_flow(transport.http.build_request("GET", "http://x/")))
    headers = request.headers

    def fail(settings: ApiSettings, client: BackendClient, transport: object) -> None:
        raise RuntimeError("boom")

    try:
        fail(settings, client, transport)
    except RuntimeError:
        console = Console(record=True, width=200, color_system=None)
        console.print(Traceback(show_locals=True, locals_max_string=10_000))
        text = console.export_text() + traceback.format_exc()
    assert headers["authorization"] == f"Bearer {TOKEN}"  # it is there, and yet not shown
    assert "RuntimeError" in text
    assert_absent(text, "a traceback with locals")


CHILD = """
import os, sys
from tui.app import create_app
from tui.config import resolve
import tui.api.transport as transport

real = transport.decode_json

def decode_then_crash(response, method):
    data = real(response, method)
    if response.request.url.path.startswith("/backend-api/conversation/"):
        raise RuntimeError("forced crash while reading a server reply")
    return data

transport.decode_json = decode_then_crash

# Opening reads the exact bytes (kept in the local store), then validates them: crash there too.
real_validate = transport.validate

def validate_then_crash(model, data, url):
    result = real_validate(model, data, url)
    if "/backend-api/conversation/" in url:
        raise RuntimeError("forced crash while reading a server reply")
    return result

transport.validate = validate_then_crash
settings = resolve(env=os.environ, flags={"base_url": sys.argv[1]})

async def open_first(pilot):
    app = pilot.app
    for _ in range(2000):
        if app.screen_stack and app.main.query("Sidebar") and app.main.sidebar.loaded:
            break
        await pilot.pause()
    await pilot.press("enter")
    for _ in range(2000):
        if app.return_code is not None:
            return  # crashed, as it should: the app is on its way out
        await pilot.pause()
    app.exit()

app = create_app(settings)
app.run(headless=True, size=(100, 30), auto_pilot=open_first)
print("return code", app.return_code)
sys.exit(app.return_code or 0)
"""


def test_a_crash_in_a_worker_leaves_no_token_in_output_or_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    server = start_demo_server(token=TOKEN)
    try:
        env = {
            "HOME": str(home),
            "PATH": "/usr/bin:/bin",
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_STATE_HOME": str(home / ".local/state"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "OPENAI_ACCESS_TOKEN": TOKEN,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "TERM": "xterm-256color",
        }
        child = run_python("-c", CHILD, server.base_url, env=env, timeout=120)
    finally:
        server.stop()
    output = child.stdout + child.stderr
    # The crash happened, and was reported: otherwise this test proves nothing.
    assert "forced crash while reading a server reply" in output, output[-2000:]
    assert child.returncode != 0
    assert_absent(output, "the crash output")
    for path in home.rglob("*"):
        if path.is_file():
            assert_absent(path.read_bytes().decode("utf-8", "replace"), str(path))
