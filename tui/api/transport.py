"""How the client talks HTTP: one shared connection pool, the token, timeouts and retries.

:class:`Transport` knows nothing about endpoints. It sends a request, retries GETs that met
throttling or a flaky proxy, and turns every failure into one typed :class:`ApiError` whose
text and exception chain never hold the token (the httpx exceptions carry the request, and the
request carries the ``Authorization`` header, so they are never chained).
"""

from __future__ import annotations

import logging
import random
import ssl
from collections.abc import Generator, Mapping
from typing import Any, Literal, TypeVar

import anyio
from pydantic import BaseModel, ValidationError

from tui.api._httpx import httpx
from tui.api.error_body import sanitize
from tui.api.errormap import error_from_response
from tui.api.errors import ApiError, MalformedResponseError, NetworkError, RateLimitError
from tui.api.secret import Secret
from tui.api.settings import ApiSettings
from tui.text.times import format_duration

log = logging.getLogger("backchat.api")

ModelT = TypeVar("ModelT", bound=BaseModel)
Method = Literal["GET", "POST", "PATCH", "DELETE"]

RETRY_STATUSES = frozenset({429, 502, 503, 504})
"""Statuses after which a GET is tried again: throttling and a proxy that lost its upstream."""

# Failures where repeating a GET is safe: the connection failed or went stale under us.
_RETRYABLE_TRANSPORT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
)


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer`` per request, so a new token applies from the next call."""

    def __init__(self, token: Secret) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.token:
            # The one place the token is revealed; httpx masks the header in its own reprs.
            request.headers["Authorization"] = f"Bearer {self.token.reveal()}"
        yield request

    def __repr__(self) -> str:
        return "<BearerAuth>"


def tls_context_for(url: str) -> ssl.SSLContext | bool:
    """The TLS verification the client needs for ``url``.

    https: httpx's default (``True``: certifi's CA bundle, verified). plain http, the usual way
    to reach a self-hosted proxy on localhost: a context that verifies but trusts no CA at all.
    Loading the CA bundle costs ~16 ms on the way to the first frame, and no request to an
    http:// backend uses TLS; should one ever meet an https URL, it fails closed (certificate
    not trusted) rather than connecting unverified.
    """
    if httpx.URL(url).scheme == "https":
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED are on


def where(exc: httpx.TransportError) -> str:
    """``scheme://host:port`` a failed request went to: never its userinfo or headers."""
    try:
        url = exc.request.url
    except RuntimeError:  # httpx raises when no request was attached to the exception
        return "the server"
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


class Transport:
    """The shared ``httpx.AsyncClient`` plus the policy around it."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self._auth = BearerAuth(settings.token)
        headers = {"User-Agent": settings.user_agent, "Accept": "application/json"}
        if settings.account_id:
            headers["Chatgpt-Account-Id"] = settings.account_id
        timeout = httpx.Timeout(settings.request_timeout, connect=settings.connect_timeout)
        self.stream_timeout = httpx.Timeout(
            settings.stream_write_timeout, connect=settings.connect_timeout, read=None
        )
        """For the reply stream: read=None, since a thinking model may say nothing for minutes;
        a long write/pool limit still catches a proxy that stops taking the request."""
        self.http = httpx.AsyncClient(
            auth=self._auth,
            headers=headers,
            timeout=timeout,
            follow_redirects=False,
            verify=tls_context_for(settings.backend_url),
        )
        """The one pool every request and stream goes through (connection reuse)."""

    def set_token(self, token: str | Secret) -> None:
        self.settings = self.settings.replace(token=Secret.of(token))
        self._auth.token = self.settings.token

    async def aclose(self) -> None:
        await self.http.aclose()

    def log(self, method: str, url: httpx.URL | str, status: int | str) -> None:
        """Method, path and status only: no query, no headers, no bodies."""
        log.debug("%s %s -> %s", method, httpx.URL(url).path, status)

    def error(self, response: httpx.Response) -> ApiError:
        """The typed error for a read, non-2xx response."""
        return error_from_response(
            response.status_code,
            response.headers,
            response.content,
            secrets=(self.settings.token.reveal(),),
        )

    def backoff_delay(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter, never shorter than the server's ``Retry-After``."""
        base = self.settings.retry_base_delay * 2.0 ** (attempt - 1)
        delay = base * random.uniform(0.5, 1.0)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return min(delay, self.settings.retry_max_wait)

    async def _attempt(
        self, method: Method, url: str, params: Mapping[str, str] | None, body: object
    ) -> tuple[httpx.Response | None, str, bool]:
        """One try: the response, or a failure text and whether a GET may repeat it."""
        seconds = self.settings.request_timeout
        try:
            # httpx's timeouts are per read/write; this bounds the whole request.
            with anyio.fail_after(seconds):
                response = await self.http.request(method, url, params=params, json=body)
        except TimeoutError:
            return None, f"The server did not answer within {format_duration(seconds)}.", False
        except httpx.TransportError as exc:
            reason = sanitize(str(exc) or type(exc).__name__, (self.settings.token.reveal(),))
            text = f"Could not reach {where(exc)} ({type(exc).__name__}: {reason})."
            return None, text, isinstance(exc, _RETRYABLE_TRANSPORT)
        self.log(method, response.request.url, response.status_code)
        return response, "", False

    async def call(
        self,
        method: Method,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: object = None,
    ) -> Any:
        """Send a request and return its JSON, retrying GETs; raise a typed ApiError otherwise.

        POST and PATCH are tried once: the server may have acted on a request whose answer
        was lost, and sending a message twice is worse than showing an error.
        """
        return decode_json(await self.respond(method, url, params=params, body=body), method)

    async def call_bytes(
        self, url: str, *, params: Mapping[str, str] | None = None
    ) -> tuple[bytes, str]:
        """GET ``url`` like :meth:`call`, but return the body's bytes untouched and its type.

        For callers that keep exactly what the server sent (the local store).
        """
        response = await self.respond("GET", url, params=params)
        return response.content, response.headers.get("content-type", "")

    async def respond(
        self,
        method: Method,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: object = None,
    ) -> httpx.Response:
        """The successful response, after the retries :meth:`call` describes."""
        retryable = method == "GET"
        attempts = self.settings.max_attempts if retryable else 1
        for attempt in range(1, attempts + 1):
            response, failure, transient = await self._attempt(method, url, params, body)
            last_try = attempt == attempts
            if response is None:
                if retryable and transient and not last_try:
                    await self._sleep_before_retry(method, url, attempt, None, "network")
                    continue
                # Raised outside any except block, so no httpx exception rides along as the
                # cause or context.
                raise NetworkError(failure)
            if response.is_success:
                return response
            error = self.error(response)
            if retryable and not last_try and response.status_code in RETRY_STATUSES:
                wait = error.retry_after if isinstance(error, RateLimitError) else None
                # A wait beyond the cap (a model cap of hours) goes to the caller, who can say
                # "retry in N" instead of hanging.
                if wait is None or wait <= self.settings.retry_max_wait:
                    await self._sleep_before_retry(method, url, attempt, wait, response.status_code)
                    continue
            raise error
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _sleep_before_retry(
        self, method: str, url: str, attempt: int, retry_after: float | None, why: int | str
    ) -> None:
        delay = self.backoff_delay(attempt, retry_after)
        log.info(
            "%s %s -> %s, retry %d in %.2f s", method, httpx.URL(url).path, why, attempt, delay
        )
        await anyio.sleep(delay)


def decode_json(response: httpx.Response, method: str) -> Any:
    try:
        return response.json()
    except ValueError:
        pass
    raise MalformedResponseError(
        f"The server's reply to {method} {response.request.url.path} is not JSON.",
        status=response.status_code,
    )


def require_dict(data: Any, url: str) -> dict[str, Any]:
    if isinstance(data, dict):
        return data
    raise MalformedResponseError(f"The reply from {httpx.URL(url).path} is not a JSON object.")


def validate(model: type[ModelT], data: Any, url: str) -> ModelT:
    """The reply as ``model``; a shape it cannot take is a MalformedResponseError."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problem = f"{exc.error_count()} field(s) of an unexpected shape"
    # Outside the except block: pydantic's error text quotes the input, which we do not show.
    raise MalformedResponseError(f"The reply from {httpx.URL(url).path} has {problem}.")
