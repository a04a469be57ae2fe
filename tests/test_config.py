"""Settings: file < environment < flags, and never a token from the file."""

from pathlib import Path

import pytest

from tui.config import ConfigError, load_file, resolve


def test_precedence_file_env_flags() -> None:
    file_data = {"base_url": "https://file.example", "page_size": 50, "model": "gpt-4"}
    env = {"OPENAI_API_BASE_URL": "https://env.example"}
    settings = resolve(file_data=file_data, env=env, flags={"page_size": 10})
    assert settings.base_url == "https://env.example"
    assert settings.resolved_backend_url == "https://env.example/backend-api"
    assert settings.page_size == 10
    assert settings.model == "gpt-4"


def test_backend_url_alone_derives_root() -> None:
    settings = resolve(env={"BACKEND_REVERSE_PROXY": "https://proxy.example/backend-api"})
    assert settings.base_url == "https://proxy.example"
    assert settings.resolved_backend_url == "https://proxy.example/backend-api"


def test_token_from_env_with_fallback() -> None:
    assert resolve(env={"OPENAI_API_KEY": "k2"}).token == "k2"
    both = resolve(env={"OPENAI_ACCESS_TOKEN": "k1", "OPENAI_API_KEY": "k2"})
    assert both.token == "k1"
    assert both.token_source == "env:OPENAI_ACCESS_TOKEN"
    assert "k1" not in repr(both)


def test_config_file_with_token_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('base_url = "https://x.example"\ntoken = "secret"\n')
    with pytest.raises(ConfigError, match="keyring") as caught:
        load_file(path)
    assert "secret" not in str(caught.value)


def test_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_file(tmp_path / "absent.toml") == {}


def test_bad_values_are_clear() -> None:
    with pytest.raises(ConfigError, match="between 1 and 100"):
        resolve(file_data={"page_size": 101}, env={})
    with pytest.raises(ConfigError, match="http"):
        resolve(flags={"base_url": "ftp://x"}, env={})
    with pytest.raises(ConfigError, match="keymap"):
        resolve(file_data={"keymap": {"rename": 3}}, env={})


def test_keymap_from_file() -> None:
    settings = resolve(file_data={"keymap": {"conversation.rename": "R"}}, env={})
    assert settings.keymap == {"conversation.rename": "R"}


@pytest.mark.parametrize(
    ("url", "insecure"),
    [
        ("http://127.0.0.1:7999", False),
        ("http://localhost:7999", False),
        ("https://proxy.example", False),
        ("http://proxy.example", True),
        ("http://192.168.1.5:7999", True),
    ],
)
def test_insecure_transport(url: str, insecure: bool) -> None:
    assert resolve(flags={"base_url": url}, env={}).insecure_transport is insecure


def test_slow_notice_after_from_the_file() -> None:
    assert resolve(file_data={}, env={}).slow_notice_after == 5.0
    assert resolve(file_data={"slow_notice_after": 2}, env={}).slow_notice_after == 2.0
    with pytest.raises(ConfigError, match="slow_notice_after"):
        resolve(file_data={"slow_notice_after": "soon"}, env={})


def test_offline_from_the_file_or_the_flag() -> None:
    assert not resolve(env={}).offline
    assert resolve(file_data={"offline": True}, env={}).offline
    assert resolve(env={}, flags={"offline": True}).offline
    with pytest.raises(ConfigError, match="offline must be true or false"):
        resolve(file_data={"offline": "yes"}, env={})


def test_the_offline_flag_reaches_the_settings() -> None:
    from tui.__main__ import _settings_from, build_parser

    args = build_parser().parse_args(["--offline", "--config", "/nonexistent/config.toml"])
    assert _settings_from(args).offline
