"""Turn a failed HTTP response into one typed, user-presentable error (docs/PROTOCOL.md §7, §8).

The body is read once by :func:`tui.api.error_body.parse_error_body`; then one function per
status, looked up in :data:`BY_STATUS`, says what that status means to a user. Messages are
built only from the response (status, ``detail``, ``Retry-After``), never from the request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from tui.api.error_body import ErrorBody, parse_error_body
from tui.api.errors import (
    ApiError,
    AuthError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ServerError,
    TooLongError,
)
from tui.text.times import format_duration

StatusRule = Callable[[int, ErrorBody], ApiError]
"""Builds the error for one status from what the body said."""

_ONE_AT_A_TIME = "only one message at a time"
"""The server's words when another reply of the account is still being written."""


def _said(prefix: str, body: ErrorBody) -> str:
    return f"{prefix}: {body.text}" if body.text else prefix


def _error(kind: type[ApiError], message: str | None, status: int, body: ErrorBody) -> ApiError:
    """``kind`` with the status, code and detail of the response."""
    return kind(message, status=status, code=body.code, detail=body.detail)


def _unauthorised(status: int, body: ErrorBody) -> ApiError:
    return _error(
        AuthError, _said("Access token expired or invalid (401); sign in again", body), status, body
    )


def _forbidden(status: int, body: ErrorBody) -> ApiError:
    if body.cloudflare or body.says("cf-please-wait"):
        return ForbiddenError(
            "Blocked by a Cloudflare bot check at the proxy (403). The proxy needs a fresh "
            "clearance; a browser on the proxy's address may pass the check.",
            status=status,
            code="cf-please-wait",
        )
    message = _said("Access refused (403)", body) if body.text else None
    return _error(ForbiddenError, message, status, body)


def _not_found(status: int, body: ErrorBody) -> ApiError:
    return _error(NotFoundError, _said("Not found (deleted elsewhere?)", body), status, body)


def _too_long(status: int, body: ErrorBody) -> ApiError:
    return _error(TooLongError, body.text or None, status, body)


def _one_at_a_time(status: int, body: ErrorBody) -> ApiError:
    return RateLimitError(
        "Only one message at a time: wait for the other reply to finish (or about a minute), "
        "then send again.",
        kind="concurrent",
        status=status,
        code=body.code,
        detail=body.detail,
    )


def _bad_request(status: int, body: ErrorBody) -> ApiError:
    # Some servers answer the one-at-a-time refusal with 400 instead of 429.
    if body.says(_ONE_AT_A_TIME):
        return _one_at_a_time(status, body)
    return _invalid(status, body)


def _invalid(status: int, body: ErrorBody) -> ApiError:
    message = _said(f"The server rejected the request ({status})", body)
    return _error(InvalidRequestError, message, status, body)


def _rate_limited(status: int, body: ErrorBody) -> ApiError:
    if body.says(_ONE_AT_A_TIME):
        return _one_at_a_time(status, body)
    if body.code == "model_cap_exceeded" or body.clears_in is not None:
        wait = "" if body.clears_in is None else f", retry in {format_duration(body.clears_in)}"
        return RateLimitError(
            f"Model cap reached{wait}. Pick another model meanwhile.",
            kind="model_cap",
            retry_after=body.clears_in,
            status=status,
            code=body.code or "model_cap_exceeded",
            detail=body.detail,
        )
    message = "Rate limited"
    if body.retry_after is not None:
        message += f", retry in {format_duration(body.retry_after)}"
    if body.text:
        message += f" ({body.text})"
    return RateLimitError(
        message + ".",
        kind="plain",
        retry_after=body.retry_after,
        status=status,
        code=body.code,
        detail=body.detail,
    )


def _server_failed(status: int, body: ErrorBody) -> ApiError:
    message = _said(f"The server failed ({status}); try again in a moment", body)
    return _error(ServerError, message, status, body)


def _unexpected(status: int, body: ErrorBody) -> ApiError:
    return _error(ApiError, _said(f"Unexpected reply ({status})", body), status, body)


BY_STATUS: Mapping[int, StatusRule] = {
    400: _bad_request,
    401: _unauthorised,
    403: _forbidden,
    404: _not_found,
    413: _too_long,
    422: _invalid,
    429: _rate_limited,
}
"""What each status the server is known to send means; any 5xx is a server failure."""


def rule_for(status: int) -> StatusRule:
    """The rule that builds the error for ``status``."""
    if status in BY_STATUS:
        return BY_STATUS[status]
    return _server_failed if status >= 500 else _unexpected


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    secrets: Iterable[str] = (),
) -> ApiError:
    """The typed error for a non-2xx response. ``secrets`` are redacted from any server text."""
    return rule_for(status)(status, parse_error_body(headers, body, secrets=secrets))
