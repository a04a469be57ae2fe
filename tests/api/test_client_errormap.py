"""The response-to-error mapper on the bodies seen in the wild (docs/PROTOCOL.md §7, §8).

These feed real recorded bodies to the pure mapping function; the same paths are exercised
end to end against the demo server in test_client_errors.py.
"""

from __future__ import annotations

import json

import pytest

from tests.fake_tokens import fake_jwt
from tui.api import (
    AuthError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TooLongError,
)
from tui.api.error_body import parse_retry_after, sanitize
from tui.api.errormap import error_from_response

JSON = {"content-type": "application/json"}


def body(data: object) -> bytes:
    return json.dumps(data).encode()


def test_expired_token() -> None:
    error = error_from_response(
        401,
        JSON,
        body(
            {
                "detail": {
                    "message": "Your authentication token has expired. Please try signing in "
                    "again.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "token_expired",
                }
            }
        ),
    )
    assert isinstance(error, AuthError)
    assert error.code == "token_expired"
    assert "has expired" in str(error)
    assert "sign in again" in str(error)


def test_ninja_own_error_shape() -> None:
    error = error_from_response(401, JSON, body({"code": 401, "msg": "AccessToken is required"}))
    assert isinstance(error, AuthError)
    assert "AccessToken is required" in str(error)


def test_cloudflare_page() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
        b'<body><div id="cf-please-wait">Checking your browser</div></body></html>'
    )
    error = error_from_response(403, {"content-type": "text/html; charset=UTF-8"}, page)
    assert isinstance(error, ForbiddenError)
    assert "Cloudflare" in str(error)
    assert "<" not in str(error), "no HTML reaches the user"


def test_not_found_and_too_long() -> None:
    gone = error_from_response(404, JSON, body({"detail": "Can't load conversation abc"}))
    assert isinstance(gone, NotFoundError)
    assert "deleted elsewhere?" in str(gone)
    long = error_from_response(
        413,
        JSON,
        body({"detail": {"message": "The message you submitted was too long.", "code": "x"}}),
    )
    assert isinstance(long, TooLongError)
    assert "too long" in str(long)


def test_validation_list_is_summarised() -> None:
    error = error_from_response(
        422,
        JSON,
        body(
            {
                "detail": [
                    {"loc": ["body", "model"], "msg": "field required", "type": "missing"},
                    {"loc": ["query", "limit"], "msg": "must be <= 100", "type": "le"},
                ]
            }
        ),
    )
    assert isinstance(error, InvalidRequestError)
    assert "body.model: field required; query.limit: must be <= 100" in str(error)


@pytest.mark.parametrize("status", [400, 429])
def test_concurrent_generation(status: int) -> None:
    detail = (
        "Only one message at a time. Please allow any other responses to complete before "
        "sending another message, or wait one minute."
    )
    error = error_from_response(status, JSON, body({"detail": detail}))
    assert isinstance(error, RateLimitError)
    assert error.kind == "concurrent"


def test_model_cap() -> None:
    error = error_from_response(
        429,
        JSON,
        body(
            {
                "detail": {
                    "message": "You have sent too many messages to the model.",
                    "code": "model_cap_exceeded",
                    "clears_in": 11461,
                }
            }
        ),
    )
    assert isinstance(error, RateLimitError)
    assert error.kind == "model_cap"
    assert error.retry_after == 11461
    assert "model cap reached, retry in 3 h 12 min" in str(error).lower()


def test_plain_429_with_retry_after() -> None:
    error = error_from_response(
        429, {**JSON, "retry-after": "30"}, body({"detail": "Too many requests in 1 hour."})
    )
    assert isinstance(error, RateLimitError)
    assert error.kind == "plain"
    assert error.retry_after == 30
    assert "rate limited, retry in 30 s" in str(error).lower()


def test_plain_text_5xx() -> None:
    error = error_from_response(502, {"content-type": "text/plain"}, b"Bad Gateway")
    assert isinstance(error, ServerError)
    assert error.status == 502
    assert "Bad Gateway" in str(error)


def test_server_text_is_sanitised_and_secrets_redacted() -> None:
    nasty = "bad\x1b[31m red\x07 \n\n  " + "x" * 1000 + " tok-SECRET"
    error = error_from_response(500, JSON, body({"detail": nasty}), secrets=["tok-SECRET"])
    text = str(error)
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\n" not in text
    assert len(text) < 400
    assert "tok-SECRET" not in sanitize(nasty, ["tok-SECRET"], limit=5000)
    jwt = fake_jwt('{"sub":"1"}', "abcdefghijk")
    assert "eyJ" not in sanitize(f"resume with {jwt} please")


def test_retry_after_forms() -> None:
    from datetime import UTC, datetime

    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("2") == 2
    assert parse_retry_after("Mon, 01 Jan 2024 12:00:30 GMT", now) == 30
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_proxy_error_page_shows_its_title_only() -> None:
    page = b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body><h1>nginx</h1></body>"
    error = error_from_response(502, {"content-type": "text/html"}, page)
    assert isinstance(error, ServerError)
    assert str(error) == "The server failed (502); try again in a moment: 502 Bad Gateway"
