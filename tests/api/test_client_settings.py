"""ApiSettings: environment conventions (docs/PROTOCOL.md §1), precedence, and secrecy."""

from __future__ import annotations

import pytest

from tests.fake_tokens import fake_jwt
from tui import __version__
from tui.api import ApiSettings
from tui.api.request_bodies import build_conversation_body, local_timezone_offset_min

TOKEN = fake_jwt("secret-payload", "sig-sig-sig")


def test_root_only_derives_the_backend_url() -> None:
    settings = ApiSettings.from_env(
        env={"OPENAI_API_BASE_URL": "https://ninja.example/", "OPENAI_ACCESS_TOKEN": TOKEN}
    )
    assert settings.base_url == "https://ninja.example"
    assert settings.backend_url == "https://ninja.example/backend-api"
    assert settings.token == TOKEN


def test_backend_only_derives_the_root() -> None:
    settings = ApiSettings.from_env(
        env={"BACKEND_REVERSE_PROXY": "http://127.0.0.1:7999/backend-api/"}
    )
    assert settings.base_url == "http://127.0.0.1:7999"
    assert settings.backend_url == "http://127.0.0.1:7999/backend-api"
    assert settings.token == ""


def test_backend_reverse_proxy_wins_over_openai_api_backend_url() -> None:
    settings = ApiSettings.from_env(
        env={
            "OPENAI_API_BASE_URL": "https://root.example",
            "BACKEND_REVERSE_PROXY": "https://a.example/backend-api",
            "OPENAI_API_BACKEND_URL": "https://b.example/backend-api",
        }
    )
    assert settings.base_url == "https://root.example"
    assert settings.backend_url == "https://a.example/backend-api"
    only_ninja_code_name = ApiSettings.from_env(
        env={"OPENAI_API_BACKEND_URL": "https://b.example/backend-api"}
    )
    assert only_ninja_code_name.backend_url == "https://b.example/backend-api"
    assert only_ninja_code_name.base_url == "https://b.example"


def test_token_prefers_access_token_then_api_key() -> None:
    env = {
        "OPENAI_API_BASE_URL": "https://x.example",
        "OPENAI_ACCESS_TOKEN": "access",
        "OPENAI_API_KEY": "key",
    }
    assert ApiSettings.from_env(env=env).token == "access"
    del env["OPENAI_ACCESS_TOKEN"]
    assert ApiSettings.from_env(env=env).token == "key"
    env["OPENAI_ACCESS_TOKEN"] = "   "
    assert ApiSettings.from_env(env=env).token == "key", "a blank variable counts as unset"


def test_explicit_arguments_override_the_environment() -> None:
    env = {
        "OPENAI_API_BASE_URL": "https://env.example",
        "BACKEND_REVERSE_PROXY": "https://env.example/backend-api",
        "OPENAI_ACCESS_TOKEN": "env-token",
    }
    settings = ApiSettings.from_env(
        base_url="http://127.0.0.1:9", token="arg-token", env=env, retry_base_delay=0.01
    )
    assert settings.base_url == "http://127.0.0.1:9"
    # An explicit root is not paired with the environment's backend URL (another proxy).
    assert settings.backend_url == "http://127.0.0.1:9/backend-api"
    assert settings.token == "arg-token"
    assert settings.retry_base_delay == 0.01
    both = ApiSettings.from_env(
        base_url="http://127.0.0.1:9", backend_url="http://127.0.0.1:9/backend-api", env=env
    )
    assert both.backend_url == "http://127.0.0.1:9/backend-api"
    only_backend = ApiSettings.from_env(backend_url="http://127.0.0.1:9/backend-api", env=env)
    assert only_backend.base_url == "http://127.0.0.1:9"


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BACKEND_REVERSE_PROXY", "OPENAI_API_BACKEND_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_BASE_URL", "https://environ.example")
    monkeypatch.setenv("OPENAI_ACCESS_TOKEN", "from-environ")
    settings = ApiSettings.from_env()
    assert settings.backend_url == "https://environ.example/backend-api"
    assert settings.token == "from-environ"


def test_a_backend_url_given_as_the_root_is_split() -> None:
    settings = ApiSettings(base_url="https://ninja.example/backend-api")
    assert settings.base_url == "https://ninja.example"
    assert settings.backend_url == "https://ninja.example/backend-api"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({}, "OPENAI_API_BASE_URL"),
        ({"BACKEND_REVERSE_PROXY": "https://x.example/api"}, "/backend-api"),
        ({"OPENAI_API_BASE_URL": "ninja.example"}, "http"),
    ],
)
def test_bad_configuration_is_a_clear_value_error(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        ApiSettings.from_env(env=env)


def test_the_token_never_shows_in_repr_or_str() -> None:
    settings = ApiSettings(base_url="https://x.example", token=TOKEN)
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings)
    assert "x.example" in repr(settings)
    assert settings.replace(token="other").token == "other"


def test_user_agent_names_backchat() -> None:
    assert ApiSettings(base_url="https://x.example").user_agent == f"backchat/{__version__}"


@pytest.mark.parametrize(
    ("hours", "expected"), [(8, -480), (-5, 300), (3, -180), (0, 0), (5.5, -330)]
)
def test_timezone_offset_has_js_semantics(hours: float, expected: int) -> None:
    from datetime import UTC, datetime, timedelta, timezone

    moment = datetime(2024, 1, 1, 12, tzinfo=UTC).astimezone(timezone(timedelta(hours=hours)))
    assert local_timezone_offset_min(moment) == expected


def test_bodies_follow_the_web_app() -> None:
    body = build_conversation_body(
        action="next",
        prompt="hi",
        parent_message_id="p-1",
        conversation_id=None,
        model="m",
        message_id="u-1",
        timezone_offset_min=-480,
    )
    assert body == {
        "action": "next",
        "messages": [
            {
                "id": "u-1",
                "author": {"role": "user"},
                "content": {"content_type": "text", "parts": ["hi"]},
                "metadata": {},
            }
        ],
        "parent_message_id": "p-1",
        "model": "m",
        "timezone_offset_min": -480,
        "history_and_training_disabled": False,
        "conversation_mode": {"kind": "primary_assistant"},
        "force_paragen": False,
        "force_rate_limit": False,
        "suggestions": [],
        "supported_encodings": ["v1"],
    }
    cont = build_conversation_body(
        action="continue",
        prompt=None,
        parent_message_id="a-1",
        conversation_id="c-1",
        model="m",
        supported_encodings=(),
    )
    assert "messages" not in cont
    assert "supported_encodings" not in cont
    assert cont["conversation_id"] == "c-1"


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"action": "edit"}, "action"),
        ({"prompt": "  "}, "prompt"),
        ({"parent_message_id": ""}, "parent_message_id"),
        ({"model": ""}, "model"),
        ({"action": "variant", "conversation_id": "c"}, "user message"),
        ({"action": "continue"}, "conversation_id"),
    ],
)
def test_bodies_refuse_what_the_server_would(changes: dict[str, object], fragment: str) -> None:
    arguments: dict[str, object] = {
        "action": "next",
        "prompt": "hi",
        "parent_message_id": "p",
        "conversation_id": None,
        "model": "m",
    }
    arguments.update(changes)
    with pytest.raises(ValueError, match=fragment):
        build_conversation_body(**arguments)  # type: ignore[arg-type]
