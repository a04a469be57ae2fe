"""One typed settings object, built from the TOML config file < environment < command-line flags.

The config file never holds the token: a ``token`` key in it is refused with a clear message
(tokens live in the OS keyring or an environment variable only).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.api.secret import Secret
from tui.paths import config_file, resolve_export_dir

DEFAULT_BASE_URL = "http://127.0.0.1:7999"
"""ninja's default bind address: the usual self-hosted reverse proxy."""
DEFAULT_WEB_URL = "https://chatgpt.com"
"""Where the web app lives: conversation and share links point here."""
DEFAULT_PAGE_SIZE = 28
"""What the web app asks for per page."""
MAX_PAGE_SIZE = 100
"""The server answers 422 above this."""


NOT_FROM_FILE = frozenset({"token", "token_source", "demo", "config_path", "warnings"})
"""Settings fields the config file does not set: every other field is a key it may hold."""


class ConfigError(Exception):
    """The config file or a flag is unusable; the message says what to fix."""


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to start, resolved from file, environment and flags."""

    base_url: str = DEFAULT_BASE_URL
    """The proxy's root URL (``/public-api/...`` lives here)."""
    backend_url: str = ""
    """The ``.../backend-api`` URL; derived from ``base_url`` when empty."""
    token: Secret | None = field(default=None, repr=False)
    """From the environment only (or the keyring, later), masked. Never from the config file."""
    token_source: str = ""
    """Where the token came from: "env:OPENAI_ACCESS_TOKEN", "keyring", "demo", ""."""
    page_size: int = DEFAULT_PAGE_SIZE
    """Conversations per sidebar page (1-100)."""
    model: str | None = None
    """The model new chats use when the user does not pick one."""
    theme: str | None = None
    """A Textual theme name; the last choice is remembered in the state file."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id → key(s), from the ``[keymap]`` table."""
    demo: bool = False
    """Running on the embedded demo backend."""
    slow_notice_after: float = 5.0
    """Seconds without a word from the server before the app says it is still waiting."""
    web_url: str = DEFAULT_WEB_URL
    """The web app's address, for the links the app copies (``/c/<id>``, ``/share/<id>``)."""
    export_dir: Path | None = None
    """Where exports go; ``None``: the download folder, else the current one (``tui.paths``)."""
    offline: bool = False
    """Read only the local copy and never ask the server anything (``--offline``)."""
    config_path: Path | None = None
    """The file these settings were read from, if any."""
    warnings: tuple[str, ...] = ()
    """Problems that do not stop the app (unknown settings): shown once at start."""

    def __post_init__(self) -> None:
        # A token given as a str (tests, the demo) is masked at once: these settings end up in
        # tracebacks' locals.
        if self.token is not None and not isinstance(self.token, Secret):
            object.__setattr__(self, "token", Secret.of(self.token))

    @property
    def resolved_backend_url(self) -> str:
        return self.backend_url or self.base_url.rstrip("/") + "/backend-api"

    @property
    def export_folder(self) -> Path:
        """Where exports go now: :attr:`export_dir`, the download folder, or the current one."""
        return resolve_export_dir(self.export_dir)

    @property
    def insecure_transport(self) -> bool:
        """True when the token would travel in clear: plain http to a host that is not loopback."""
        parts = urlsplit(self.resolved_backend_url)
        if parts.scheme != "http":
            return False
        host = (parts.hostname or "").lower()
        return not (host in {"localhost", "::1"} or host.startswith("127."))


def load_file(path: Path | None = None) -> dict[str, Any]:
    """Read the TOML config file (missing file = empty). Raise ConfigError on bad TOML."""
    path = path or config_file()
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"Cannot read {path}: {error}") from None
    if "token" in data or "access_token" in data:
        raise ConfigError(
            f"{path} contains a token. backchat keeps tokens only in the OS keyring or the "
            "OPENAI_ACCESS_TOKEN environment variable: remove it from the file."
        )
    return data


def resolve(
    *,
    file_data: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
    config_path: Path | None = None,
) -> Settings:
    """Merge the three layers: file < environment < flags. ``None`` flag values are "not given"."""
    env = os.environ if env is None else env
    data = dict(file_data or {})
    settings = Settings(config_path=config_path, warnings=_unknown_keys(data))

    settings = _apply(
        settings,
        base_url=data.get("base_url"),
        backend_url=data.get("backend_url"),
        page_size=data.get("page_size"),
        model=data.get("model"),
        theme=data.get("theme"),
        slow_notice_after=data.get("slow_notice_after"),
        export_dir=data.get("export_dir"),
        web_url=data.get("web_url"),
        offline=data.get("offline"),
    )
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError('[keymap] must map binding ids to key strings, e.g. rename = "R"')
    settings = replace(settings, keymap={str(k): v for k, v in keymap.items()})

    token_env = next(
        (name for name in ("OPENAI_ACCESS_TOKEN", "OPENAI_API_KEY") if env.get(name)), None
    )
    settings = _apply(
        settings,
        base_url=env.get("OPENAI_API_BASE_URL"),
        backend_url=env.get("BACKEND_REVERSE_PROXY") or env.get("OPENAI_API_BACKEND_URL"),
    )
    if token_env:
        token = Secret(env[token_env])
        settings = replace(settings, token=token, token_source=f"env:{token_env}")

    flags = dict(flags or {})
    settings = _apply(
        settings,
        base_url=flags.get("base_url"),
        backend_url=flags.get("backend_url"),
        page_size=flags.get("page_size"),
        model=flags.get("model"),
        theme=flags.get("theme"),
        offline=flags.get("offline") or None,
    )
    if settings.backend_url and not _base_url_given(data, env, flags):
        # Only the backend URL was given: its root is the base URL (for /public-api).
        root = settings.backend_url.rstrip("/").removesuffix("/backend-api")
        settings = replace(settings, base_url=root)
    return settings


def file_keys() -> frozenset[str]:
    """The keys a config file may hold: the settings' fields, less those it never sets."""
    return frozenset(f.name for f in fields(Settings)) - NOT_FROM_FILE


def _unknown_keys(data: Mapping[str, Any]) -> tuple[str, ...]:
    known = file_keys()
    return tuple(
        f"unknown setting {key!r} (known: {', '.join(sorted(known))})"
        for key in data
        if key not in known
    )


def _apply(settings: Settings, **values: Any) -> Settings:
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if name == "page_size":
            value = _page_size(value)
        elif name == "slow_notice_after":
            value = _seconds(name, value)
        elif name in {"base_url", "backend_url", "web_url"}:
            value = _url(name, value)
        elif name == "export_dir":
            value = _folder(name, value)
        elif name == "offline":
            if not isinstance(value, bool):
                raise ConfigError(f"offline must be true or false, not {value!r}")
        elif not isinstance(value, str):
            raise ConfigError(f"{name} must be a string")
        changes[name] = value
    return replace(settings, **changes) if changes else settings


def demo_settings(settings: Settings, base_url: str, token: str | Secret) -> Settings:
    """``settings`` pointed at a running demo backend, with the demo's documented token."""
    return replace(
        settings,
        base_url=base_url,
        backend_url=base_url + "/backend-api",
        token=Secret.of(token),
        token_source="demo",
        demo=True,
    )


def _page_size(value: Any) -> int:
    try:
        size = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"page_size must be a whole number, not {value!r}") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ConfigError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    return size


def _seconds(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{name} must be a number of seconds above 0, not {value!r}")
    return float(value)


def _folder(name: str, value: Any) -> Path:
    if not isinstance(value, str | Path):
        raise ConfigError(f"{name} must be a folder path string, not {value!r}")
    return Path(value).expanduser()


def _url(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a URL string")
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"{name} must be an http:// or https:// URL, not {value!r}")
    return value.strip().rstrip("/")


def _base_url_given(
    data: Mapping[str, Any], env: Mapping[str, str], flags: Mapping[str, Any]
) -> bool:
    return bool(data.get("base_url") or env.get("OPENAI_API_BASE_URL") or flags.get("base_url"))
