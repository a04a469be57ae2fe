"""Where the backend lives and how to reach it: URLs, token, timeouts and the retry policy.

A proxy such as ninja serves two trees: ``/backend-api/...`` (almost everything) and
``/public-api/...`` (only ``conversation_limit``), so the settings carry both roots. The
environment variables follow ninja's own notebook (docs/PROTOCOL.md §1): the root in
``OPENAI_API_BASE_URL``, the backend-api URL in ``BACKEND_REVERSE_PROXY`` or
``OPENAI_API_BACKEND_URL``, the token in ``OPENAI_ACCESS_TOKEN`` or ``OPENAI_API_KEY``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from tui import __version__
from tui.api.secret import Secret

BACKEND_SUFFIX = "/backend-api"
"""The path a proxy serves the backend-api under, relative to its root."""


def _clean_url(url: str, what: str) -> str:
    """Strip blanks and trailing slashes; refuse anything that is not an http(s) URL."""
    cleaned = url.strip().rstrip("/")
    if not cleaned.startswith(("http://", "https://")):
        # Never echo the value itself: a user may paste a token into the wrong variable.
        raise ValueError(f"{what} must be an http:// or https:// URL")
    return cleaned


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """How to reach one backend. Immutable: build a new one with :meth:`replace`."""

    base_url: str
    """The proxy's root (``https://ninja.example``): ``/public-api/...`` hangs off it."""
    backend_url: str = ""
    """The backend-api root (``https://ninja.example/backend-api``); derived if empty."""
    token: Secret = field(default_factory=Secret, repr=False)
    """The ChatGPT access token (a JWT), masked; a ``str`` given here is wrapped. Empty means no
    ``Authorization`` header."""
    account_id: str | None = None
    """Sent as ``Chatgpt-Account-Id`` for team/workspace accounts; None for personal ones."""
    user_agent: str = f"backchat/{__version__}"
    """The ``User-Agent`` header."""
    connect_timeout: float = 10.0
    """Seconds to open a connection."""
    request_timeout: float = 30.0
    """Seconds an ordinary (non-streaming) call may take in total, retries' waits excluded."""
    stream_write_timeout: float = 60.0
    """Write and pool timeout of a stream; its read timeout is off so a quiet reply lives on."""
    max_attempts: int = 3
    """How often a GET is tried in all before its error is raised."""
    retry_base_delay: float = 0.5
    """First backoff delay in seconds; doubled on each retry, with jitter."""
    retry_max_wait: float = 10.0
    """The longest wait a retry may take; a larger ``Retry-After`` is raised to the caller."""

    def __post_init__(self) -> None:
        # object.__setattr__ because the dataclass is frozen; this only normalises the URLs.
        base = _clean_url(self.base_url, "base_url")
        backend = _clean_url(self.backend_url, "backend_url") if self.backend_url else ""
        if base.endswith(BACKEND_SUFFIX):
            # A backend-api URL given as the root: keep it as the backend, strip it for the root.
            backend = backend or base
            base = base.removesuffix(BACKEND_SUFFIX)
        object.__setattr__(self, "base_url", base)
        object.__setattr__(self, "backend_url", backend or base + BACKEND_SUFFIX)
        object.__setattr__(self, "token", Secret.of(self.token))
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.connect_timeout <= 0 or self.request_timeout <= 0:
            raise ValueError("timeouts must be positive")

    @property
    def has_token(self) -> bool:
        return bool(self.token)

    def replace(self, **changes: object) -> ApiSettings:
        """A copy with some fields changed (``settings.replace(token=new)``)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(
        cls,
        *,
        base_url: str | None = None,
        backend_url: str | None = None,
        token: str | Secret | None = None,
        env: Mapping[str, str] | None = None,
        **options: object,
    ) -> ApiSettings:
        """Settings from explicit arguments, falling back to the environment.

        URLs: the arguments if either is given, else ``OPENAI_API_BASE_URL`` (the root) and
        ``BACKEND_REVERSE_PROXY`` then ``OPENAI_API_BACKEND_URL`` (the backend-api URL). A
        missing backend URL is the root plus ``/backend-api``; a missing root is the backend URL
        minus ``/backend-api``. Token: the argument, else ``OPENAI_ACCESS_TOKEN``, else
        ``OPENAI_API_KEY``.
        ``options`` pass through to the constructor (timeouts, retry policy, account_id).
        """
        source: Mapping[str, str] = os.environ if env is None else env

        def pick(*names: str) -> str | None:
            for name in names:
                value = source.get(name, "").strip()
                if value:
                    return value
            return None

        if base_url or backend_url:
            # URLs given as arguments are never mixed with URLs from the environment: a
            # --base-url flag must not be paired with another proxy's backend URL.
            base, backend = base_url or None, backend_url or None
        else:
            base = pick("OPENAI_API_BASE_URL")
            backend = pick("BACKEND_REVERSE_PROXY", "OPENAI_API_BACKEND_URL")
        if base is None and backend is not None:
            stripped = backend.strip().rstrip("/")
            if not stripped.endswith(BACKEND_SUFFIX):
                raise ValueError(
                    "cannot derive the proxy root from a backend URL that does not end in "
                    "/backend-api; set OPENAI_API_BASE_URL too"
                )
            base = stripped.removesuffix(BACKEND_SUFFIX)
        if base is None:
            raise ValueError(
                "no backend configured: set OPENAI_API_BASE_URL (the proxy root) or "
                "BACKEND_REVERSE_PROXY (its /backend-api URL)"
            )
        chosen_token = token if token is not None else pick("OPENAI_ACCESS_TOKEN", "OPENAI_API_KEY")
        return cls(
            base_url=base,
            backend_url=backend or "",
            token=Secret.of(chosen_token),
            **options,  # type: ignore[arg-type]
        )
