"""Turn a failed HTTP response into one typed, user-presentable error (PROTOCOL-research.md §6).

Messages are built only from the response (status, ``detail``, ``Retry-After``), never from the
request, and the server's text is sanitised: it is untrusted and ends up on screen.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

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
from tui.text.sanitize import clean_line

MAX_TEXT = 300
"""Longest piece of server text kept in a message."""

# JWTs (access tokens, resume_conversation_token) look like this; a server that echoes one must
# not get it onto the screen or into a log.
_JWT = re.compile(r"eyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*")
_HTML_TITLE = re.compile(r"<title[^>]*>([^<]*)</title>", re.IGNORECASE)
_CLOUDFLARE_MARKERS = ("cf-please-wait", "just a moment", "cf-chl", "challenge-platform")


def sanitize(text: str, secrets: Iterable[str] = (), limit: int = MAX_TEXT) -> str:
    """Make server text safe to show: no control characters, one line, short, no secrets."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    text = _JWT.sub("[redacted]", text)
    # The one sanitiser: escapes, controls, bidi and zero-width characters, one line.
    return clean_line(text, limit=limit)


def format_duration(seconds: float) -> str:
    """``30 s``, ``4 min 10 s``, ``3 h 11 min``: how long a user must wait, rounded up."""
    total = max(0, math.ceil(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date. None if absent/garbage."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def _summarise_validation(items: list[Any]) -> str:
    """FastAPI/pydantic ``detail`` lists: ``body.model: field required; ...``."""
    parts = []
    for item in items[:5]:
        if not isinstance(item, dict):
            continue
        loc = item.get("loc")
        where = ".".join(str(p) for p in loc) if isinstance(loc, list) else ""
        msg = str(item.get("msg") or item.get("type") or "invalid")
        parts.append(f"{where}: {msg}" if where else msg)
    if len(items) > 5:
        parts.append(f"and {len(items) - 5} more")
    return "; ".join(parts)


def _read_body(body: bytes) -> tuple[Any, str]:
    """The parsed JSON (or None) and a plain-text fallback of the body."""
    text = body[:4096].decode("utf-8", errors="replace")
    try:
        return json.loads(body), text
    except ValueError:
        return None, text


def is_cloudflare_page(content_type: str, text: str) -> bool:
    """A bot-check page served by Cloudflare in front of the proxy."""
    lowered = text.lower()
    looks_html = "html" in content_type.lower() or lowered.lstrip().startswith("<")
    return looks_html and any(marker in lowered for marker in _CLOUDFLARE_MARKERS)


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    secrets: Iterable[str] = (),
) -> ApiError:
    """The typed error for a non-2xx response. ``secrets`` are redacted from any server text."""
    secrets = tuple(secrets)
    parsed, raw_text = _read_body(body)
    detail: Any = None
    code: str | None = None
    text = ""
    clears_in: float | None = None
    if isinstance(parsed, dict):
        if "detail" in parsed:
            detail = parsed["detail"]
        elif "msg" in parsed:
            # ninja's own errors: {"code": 401, "msg": "AccessToken is required"}.
            detail = parsed["msg"]
        elif "error" in parsed:
            detail = parsed["error"]
        else:
            detail = parsed
    elif parsed is not None:
        detail = parsed
    if isinstance(detail, str):
        text = detail
    elif isinstance(detail, list):
        text = _summarise_validation(detail)
    elif isinstance(detail, dict):
        text = str(detail.get("message") or detail.get("msg") or "")
        code = detail["code"] if isinstance(detail.get("code"), str) else None
        raw_clears = detail.get("clears_in")
        if isinstance(raw_clears, int | float) and not isinstance(raw_clears, bool):
            clears_in = float(raw_clears)
    content_type = headers.get("content-type", "")
    cloudflare = parsed is None and is_cloudflare_page(content_type, raw_text)
    if parsed is None and not cloudflare:
        if "html" in content_type.lower() or raw_text.lstrip().startswith("<"):
            # A proxy's error page: its <title> ("502 Bad Gateway") says it all; the markup
            # is not worth showing.
            title = _HTML_TITLE.search(raw_text)
            text = title.group(1) if title else ""
        else:
            # A short plain-text body ("Internal Server Error") is worth showing.
            text = raw_text
    text = sanitize(text, secrets)

    def said(prefix: str) -> str:
        return f"{prefix}: {text}" if text else prefix

    if status == 401:
        return AuthError(
            said("Access token expired or invalid (401); sign in again"),
            status=status,
            code=code,
            detail=detail,
        )
    if status == 403:
        if cloudflare or (text and "cf-please-wait" in text):
            return ForbiddenError(
                "Blocked by a Cloudflare bot check at the proxy (403). The proxy needs a fresh "
                "clearance; a browser on the proxy's address may pass the check.",
                status=status,
                code="cf-please-wait",
            )
        return ForbiddenError(
            said("Access refused (403)") if text else None,
            status=status,
            code=code,
            detail=detail,
        )
    if status == 404:
        return NotFoundError(
            said("Not found (deleted elsewhere?)"), status=status, code=code, detail=detail
        )
    if status == 413:
        return TooLongError(text or None, status=status, code=code, detail=detail)
    lowered = text.lower()
    if status in (400, 429) and "only one message at a time" in lowered:
        return RateLimitError(
            "Only one message at a time: wait for the other reply to finish (or about a "
            "minute), then send again.",
            kind="concurrent",
            status=status,
            code=code,
            detail=detail,
        )
    if status == 429:
        if code == "model_cap_exceeded" or clears_in is not None:
            wait = f", retry in {format_duration(clears_in)}" if clears_in is not None else ""
            return RateLimitError(
                f"Model cap reached{wait}. Pick another model meanwhile.",
                kind="model_cap",
                retry_after=clears_in,
                status=status,
                code=code or "model_cap_exceeded",
                detail=detail,
            )
        retry_after = parse_retry_after(headers.get("retry-after"))
        message = "Rate limited"
        if retry_after is not None:
            message += f", retry in {format_duration(retry_after)}"
        if text:
            message += f" ({text})"
        return RateLimitError(
            message + ".",
            kind="plain",
            retry_after=retry_after,
            status=status,
            code=code,
            detail=detail,
        )
    if status in (400, 422):
        return InvalidRequestError(
            said(f"The server rejected the request ({status})"),
            status=status,
            code=code,
            detail=detail,
        )
    if status >= 500:
        return ServerError(
            said(f"The server failed ({status}); try again in a moment"),
            status=status,
            code=code,
            detail=detail,
        )
    return ApiError(said(f"Unexpected reply ({status})"), status=status, code=code, detail=detail)
