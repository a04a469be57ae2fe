"""The client's error hierarchy: one class per thing a user must react to differently.

Every ``str(error)`` is a sentence fit to show a user. None of them ever contains the access
token or a ``resume_conversation_token``: messages are built from the server's ``detail`` text,
never from request headers.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base of every error the client raises."""

    default_message = "The server returned an error."

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        code: str | None = None,
        detail: object = None,
    ) -> None:
        super().__init__(message or self.default_message)
        self.status = status
        """HTTP status, when there was a response."""
        self.code = code
        """The server's machine-readable code (``token_expired``, ``model_cap_exceeded``...)."""
        self.detail = detail
        """The parsed ``detail`` of the error body, for callers that need more."""

    @property
    def message(self) -> str:
        return str(self.args[0])


class AuthError(ApiError):
    """401: the token is missing, invalid or expired. Sign in again."""

    default_message = "Your access token is invalid or has expired. Sign in again."


class ForbiddenError(ApiError):
    """403: refused, often a Cloudflare or bot check in front of the server."""

    default_message = "The server refused the request (403): a bot check or a blocked account."


class NotFoundError(ApiError):
    """404: the conversation is gone (deleted elsewhere?)."""

    default_message = "Not found (deleted elsewhere?)."


class TooLongError(ApiError):
    """413: the prompt is too long."""

    default_message = "The message is too long. Shorten it and send again."


class InvalidRequestError(ApiError):
    """400/422: the server rejected the request's shape."""

    default_message = "The server rejected the request as invalid."


class RateLimitError(ApiError):
    """429. ``kind`` tells which: ``concurrent``, ``model_cap`` or ``plain``."""

    default_message = "Rate limited. Try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        kind: str = "plain",
        retry_after: float | None = None,
        status: int | None = 429,
        code: str | None = None,
        detail: object = None,
    ) -> None:
        super().__init__(message, status=status, code=code, detail=detail)
        self.kind = kind
        """``concurrent`` (only one message at a time), ``model_cap`` or ``plain``."""
        self.retry_after = retry_after
        """Seconds until a retry may succeed (``clears_in`` or ``Retry-After``), if known."""


class ServerError(ApiError):
    """5xx: the server (or the proxy in front of it) failed."""

    default_message = "The server failed (5xx). Try again in a moment."


class NetworkError(ApiError):
    """The server could not be reached, or the connection broke."""

    default_message = "Could not reach the server. Check the URL and your connection."


class MalformedResponseError(ApiError):
    """The server answered with something that is not what the endpoint sends."""

    default_message = "The server sent a response backchat could not read."
