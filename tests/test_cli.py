"""The ``backchat`` command line: help, the config-file token refusal, serve-demo, login/logout.

Login and logout run in-process (through ``tui.__main__.main``) so that the autouse in-memory
keyring of ``tests/conftest.py`` is the one they write to; the user's keyring is never touched.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.keyrings import MemoryKeyring
from tests.lines import LineReader
from tests.subprocesses import REPO, run_python
from tui.__main__ import main
from tui.auth import credentials
from tui.demo import DEMO_TOKEN
from tui.demo.server import DemoServer


@pytest.fixture(autouse=True)
def _no_user_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No token or URL from the environment, and no config file from the user's home."""
    for name in (
        "OPENAI_ACCESS_TOKEN",
        "OPENAI_API_KEY",
        "OPENAI_API_BASE_URL",
        "BACKEND_REVERSE_PROXY",
        "OPENAI_API_BACKEND_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def _python_m_tui(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_help_lists_the_subcommands() -> None:
    result = run_python("-m", "tui", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: backchat")
    for command in ("login", "logout", "serve-demo"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "args",
    [[], ["login"], ["logout"]],
    ids=["app", "login", "logout"],
)
@pytest.mark.parametrize("key", ["token", "access_token"])
def test_config_file_with_a_token_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], key: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'{key} = "sk-secret-in-a-file"\nbase_url = "http://127.0.0.1:9"\n')
    # --config before the sub-command: it must survive the sub-command's own parsing.
    assert main(["--config", str(config), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("backchat: ")
    assert str(config) in err
    assert "contains a token" in err
    assert "OPENAI_ACCESS_TOKEN" in err
    assert "sk-secret-in-a-file" not in err


def test_config_after_the_subcommand_is_read_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('token = "x"\n')
    assert main(["logout", "--config", str(config)]) == 2
    assert "contains a token" in capsys.readouterr().err


def test_serve_demo_prints_url_and_token() -> None:
    process = _python_m_tui("serve-demo", "--port", "0", "--pace", "0")
    try:
        assert process.stdout is not None
        lines = LineReader(process.stdout)
        url = lines.wait_for("url: ")
        token = lines.wait_for("token: ")
        assert url.startswith("http://127.0.0.1:")
        assert token == DEMO_TOKEN
        status = httpx.get(
            f"{url}/backend-api/accounts/check",
            headers={"Authorization": f"Bearer {token}"},
            timeout=20.0,
        )
        assert status.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()


# -- login / logout -------------------------------------------------------------------------


def _stored(keyring: MemoryKeyring, demo: DemoServer) -> str | None:
    return keyring.store.get((credentials.SERVICE, demo.backend_url))


def _login(monkeypatch: pytest.MonkeyPatch, demo: DemoServer, piped: str) -> int:
    # A StringIO is not a tty, so login reads the token from it like from `pass show x |`.
    monkeypatch.setattr(sys, "stdin", io.StringIO(piped))
    return main(["login", "--base-url", demo.base_url])


def test_login_stores_a_piped_token(
    demo: DemoServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _login(monkeypatch, demo, demo.token + "\n") == 0
    out = capsys.readouterr().out
    assert "Signed in" in out
    assert demo.backend_url in out
    assert demo.token not in out
    assert _stored(memory_keyring, demo) == demo.token
    # The token was checked against the server before it was kept.
    assert any(r.path.endswith("/accounts/check") for r in demo.state.requests)


def test_login_refuses_a_wrong_token(
    demo: DemoServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _login(monkeypatch, demo, "not-the-token\n") == 1
    out = capsys.readouterr().out
    assert "refused the token" in out
    assert "not-the-token" not in out
    assert memory_keyring.store == {}


def test_login_with_nothing_piped_stores_nothing(
    demo: DemoServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _login(monkeypatch, demo, "  \n") == 1
    assert "nothing stored" in capsys.readouterr().out
    assert memory_keyring.store == {}


def test_logout_removes_the_token(
    demo: DemoServer,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _login(monkeypatch, demo, demo.token) == 0
    capsys.readouterr()
    assert main(["logout", "--base-url", demo.base_url]) == 0
    assert "Signed out" in capsys.readouterr().out
    assert _stored(memory_keyring, demo) is None
    # A second logout has nothing to remove and says so.
    assert main(["logout", "--base-url", demo.base_url]) == 0
    assert "No token was stored" in capsys.readouterr().out


def test_login_function_reads_the_given_stdin(
    demo: DemoServer, memory_keyring: MemoryKeyring
) -> None:
    from tui.auth.login_command import login
    from tui.config import Settings, demo_settings

    settings = demo_settings(Settings(), demo.base_url, "")
    out = io.StringIO()
    assert login(settings, stdin=io.StringIO(demo.token), out=out) == 0
    assert _stored(memory_keyring, demo) == demo.token
    assert demo.token not in out.getvalue()
