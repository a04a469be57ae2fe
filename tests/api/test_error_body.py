"""Reading failed responses: every body shape seen in the wild gives one ErrorBody, and each
status has one rule (docs/PROTOCOL.md §7, §8)."""

from __future__ import annotations

import json

import pytest

from tui.api import ApiError, InvalidRequestError, RateLimitError, ServerError
from tui.api.error_body import ErrorBody, parse_error_body
from tui.api.errormap import BY_STATUS, rule_for

JSON = {"content-type": "application/json"}


def body(data: object) -> bytes:
    return json.dumps(data).encode()


def test_a_detail_string() -> None:
    parsed = parse_error_body(JSON, body({"detail": "Conversation not found"}))
    assert parsed == ErrorBody(text="Conversation not found", detail="Conversation not found")


def test_a_detail_object_gives_its_message_code_and_clears_in() -> None:
    detail = {"message": "Too many.", "code": "model_cap_exceeded", "clears_in": 90}
    parsed = parse_error_body(JSON, body({"detail": detail}))
    assert parsed.text == "Too many."
    assert parsed.code == "model_cap_exceeded"
    assert parsed.clears_in == 90.0
    assert parsed.detail == detail


@pytest.mark.parametrize("clears_in", [True, "90", None, [1]])
def test_clears_in_must_be_a_number(clears_in: object) -> None:
    parsed = parse_error_body(JSON, body({"detail": {"message": "x", "clears_in": clears_in}}))
    assert parsed.clears_in is None


def test_a_validation_list_is_summarised() -> None:
    items = [{"loc": ["body", "model"], "msg": "field required"}, "junk"]
    items += [{"loc": ["query", f"p{i}"], "type": "value_error"} for i in range(6)]
    parsed = parse_error_body(JSON, body({"detail": items}))
    assert parsed.text.startswith("body.model: field required; query.p0: value_error")
    assert parsed.text.endswith("and 3 more")


def test_ninjas_own_shape_and_an_error_key() -> None:
    assert parse_error_body(JSON, body({"code": 401, "msg": "AccessToken is required"})).text == (
        "AccessToken is required"
    )
    assert parse_error_body(JSON, body({"error": "upstream gone"})).text == "upstream gone"


def test_a_json_object_without_a_known_key_says_nothing_but_is_kept() -> None:
    parsed = parse_error_body(JSON, body({"weird": 1}))
    assert parsed.text == ""
    assert parsed.detail == {"weird": 1}


def test_a_cloudflare_page_is_flagged_and_not_shown() -> None:
    page = b"<!DOCTYPE html><html><title>Just a moment...</title><div id=cf-please-wait>"
    parsed = parse_error_body({"content-type": "text/html"}, page)
    assert parsed.cloudflare
    assert parsed.text == ""


def test_a_proxy_page_keeps_only_its_title_and_plain_text_stays() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    assert parse_error_body({"content-type": "text/html"}, page).text == "502 Bad Gateway"
    assert parse_error_body({}, b"Internal Server Error").text == "Internal Server Error"
    assert parse_error_body({}, b"").text == ""


def test_retry_after_is_read_from_the_headers() -> None:
    assert parse_error_body({"retry-after": "7"}, b"").retry_after == 7
    assert parse_error_body({"retry-after": "later"}, b"").retry_after is None


def test_text_is_sanitised_and_secrets_redacted() -> None:
    nasty = {"detail": "tok-SECRET said \x1b[2Jhi\n\nthere"}
    parsed = parse_error_body(JSON, body(nasty), secrets=["tok-SECRET"])
    assert parsed.text == "[redacted] said [2Jhi there"
    assert parsed.says("HI THERE")


def test_the_table_names_every_status_the_server_is_known_to_send() -> None:
    assert sorted(BY_STATUS) == [400, 401, 403, 404, 413, 422, 429]
    for status, rule in BY_STATUS.items():
        assert rule_for(status) is rule


@pytest.mark.parametrize(
    ("status", "kind"),
    [(500, ServerError), (502, ServerError), (599, ServerError), (418, ApiError), (302, ApiError)],
)
def test_statuses_outside_the_table(status: int, kind: type[ApiError]) -> None:
    error = rule_for(status)(status, ErrorBody(text="hm"))
    assert type(error) is kind
    assert error.status == status
    assert str(error).endswith(": hm")


def test_one_at_a_time_is_a_rate_limit_whether_sent_as_400_or_429() -> None:
    said = ErrorBody(text="Only one message at a time. Please allow any other responses...")
    for status in (400, 429):
        error = rule_for(status)(status, said)
        assert isinstance(error, RateLimitError)
        assert error.kind == "concurrent"
    assert isinstance(rule_for(422)(422, said), InvalidRequestError)
