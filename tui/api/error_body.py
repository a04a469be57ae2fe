"""Read what a failed response says, whatever shape its body has (docs/PROTOCOL.md §7).

The server and the proxies in front of it answer errors as ``{"detail": "..."}``,
``{"detail": {"message", "code", "clears_in"}}``, FastAPI validation lists, ninja's
``{"code", "msg"}``, Cloudflare pages, proxy error pages or plain text. :func:`parse_error_body`
reads all of them into one :class:`ErrorBody`; :mod:`tui.api.errormap` decides what the status
means. The server's text is untrusted and ends up on screen, so it is sanitised here, once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

MAX_TEXT = 300
"""Longest piece of server text kept in a message."""

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
# JWTs (access tokens, resume_conversation_token) look like this; a server that echoes one must
# not get it onto the screen or into a log.
_JWT = re.compile(r"eyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*")
_HTML_TITLE = re.compile(r"<title[^>]*>([^<]*)</title>", re.IGNORECASE)
_CLOUDFLARE_MARKERS = ("cf-please-wait", "just a moment", "cf-chl", "challenge-platform")
_MAX_VALIDATION_ITEMS = 5
"""Validation problems listed one by one; the rest are counted."""


def sanitize(text: str, secrets: Iterable[str] = (), limit: int = MAX_TEXT) -> str:
    """Make server text safe to show: no control characters, one line, short, no secrets."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[redacted]")
    text = _JWT.sub("[redacted]", text)
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


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


def is_cloudflare_page(content_type: str, text: str) -> bool:
    """A bot-check page served by Cloudflare in front of the proxy."""
    lowered = text.lower()
    looks_html = "html" in content_type.lower() or lowered.lstrip().startswith("<")
    return looks_html and any(marker in lowered for marker in _CLOUDFLARE_MARKERS)


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """What one failed response said, read from its body and headers."""

    text: str = ""
    """The server's words, sanitised to one short line; empty when it said nothing useful."""
    detail: Any = None
    """The parsed ``detail`` (or ``msg`` / ``error``, or the whole JSON) for callers."""
    code: str | None = None
    """The machine-readable code inside ``detail`` (``token_expired``...), if any."""
    clears_in: float | None = None
    """``detail.clears_in``: seconds until a model cap lifts."""
    retry_after: float | None = None
    """The ``Retry-After`` header, in seconds."""
    cloudflare: bool = False
    """The body is a Cloudflare bot-check page, not an answer of the server."""

    def says(self, words: str) -> bool:
        """Whether the server's text contains ``words`` (case-insensitive)."""
        return words.lower() in self.text.lower()


def parse_error_body(
    headers: Mapping[str, str], body: bytes, *, secrets: Iterable[str] = ()
) -> ErrorBody:
    """Read a failed response. ``secrets`` are redacted from any server text."""
    parsed, raw_text = _read_json(body)
    content_type = headers.get("content-type", "")
    retry_after = parse_retry_after(headers.get("retry-after"))
    if parsed is None:
        if is_cloudflare_page(content_type, raw_text):
            return ErrorBody(cloudflare=True, retry_after=retry_after)
        return ErrorBody(
            text=sanitize(_non_json_text(content_type, raw_text), secrets),
            retry_after=retry_after,
        )
    detail = _detail_of(parsed)
    text, code, clears_in = _read_detail(detail)
    return ErrorBody(
        text=sanitize(text, secrets),
        detail=detail,
        code=code,
        clears_in=clears_in,
        retry_after=retry_after,
    )


def _read_json(body: bytes) -> tuple[Any, str]:
    """The parsed JSON (or None) and a plain-text fallback of the body."""
    text = body[:4096].decode("utf-8", errors="replace")
    try:
        return json.loads(body), text
    except ValueError:
        return None, text


def _detail_of(parsed: Any) -> Any:
    """The part of a JSON error body that says what went wrong."""
    if not isinstance(parsed, dict):
        return parsed
    if "detail" in parsed:
        return parsed["detail"]
    if "msg" in parsed:
        # ninja's own errors: {"code": 401, "msg": "AccessToken is required"}.
        return parsed["msg"]
    if "error" in parsed:
        return parsed["error"]
    return parsed


def _read_detail(detail: Any) -> tuple[str, str | None, float | None]:
    """(text, code, clears_in) of a ``detail``: a string, a validation list or an object."""
    if isinstance(detail, str):
        return detail, None, None
    if isinstance(detail, list):
        return _summarise_validation(detail), None, None
    if not isinstance(detail, dict):
        return "", None, None
    text = str(detail.get("message") or detail.get("msg") or "")
    code = detail["code"] if isinstance(detail.get("code"), str) else None
    raw_clears = detail.get("clears_in")
    clears_in = (
        float(raw_clears)
        if isinstance(raw_clears, int | float) and not isinstance(raw_clears, bool)
        else None
    )
    return text, code, clears_in


def _summarise_validation(items: list[Any]) -> str:
    """FastAPI/pydantic ``detail`` lists: ``body.model: field required; ...``."""
    parts = []
    for item in items[:_MAX_VALIDATION_ITEMS]:
        if not isinstance(item, dict):
            continue
        loc = item.get("loc")
        where = ".".join(str(p) for p in loc) if isinstance(loc, list) else ""
        msg = str(item.get("msg") or item.get("type") or "invalid")
        parts.append(f"{where}: {msg}" if where else msg)
    if len(items) > _MAX_VALIDATION_ITEMS:
        parts.append(f"and {len(items) - _MAX_VALIDATION_ITEMS} more")
    return "; ".join(parts)


def _non_json_text(content_type: str, raw_text: str) -> str:
    """What is worth showing of a body that is not JSON."""
    if "html" in content_type.lower() or raw_text.lstrip().startswith("<"):
        # A proxy's error page: its <title> ("502 Bad Gateway") says it all; the markup is not
        # worth showing.
        title = _HTML_TITLE.search(raw_text)
        return title.group(1) if title else ""
    # A short plain-text body ("Internal Server Error") is worth showing.
    return raw_text
