"""Switchable faults and runtime settings of the demo server.

Tests arm a fault for the next N matching requests; the server consumes it when a request of
the right kind arrives. Faults that happen *inside* a reply stream (``drop_mid_stream``,
``error_in_stream``, ``stream_ends_early``, ``stream_without_done``, ``stall_mid_stream``)
only ever fire on sends, whatever ``on`` says; the shape faults (``bad_records``,
``broken_tree``, ``truncated_body``, ``error_body``) only on reads and writes. ``stall`` keeps
a request waiting (no headers) until :meth:`Faults.release_stalls` or :meth:`Faults.clear`.
The fault matrix they serve is written down in docs/FAULTS.md.

Both objects are shared between the test thread and the server's event-loop thread, so every
access goes through a lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import anyio

STATUS_FAULTS = (
    "rate_limit_concurrent",
    "rate_limit_model_cap",
    "rate_limit_plain",
    "server_500",
    "bad_gateway_502",
    "unavailable_503",
    "expired_401",
    "forbidden_html_403",
    "too_long_413",
)
"""Faults that replace the whole response with an error status and body."""

STREAM_FAULTS = (
    "drop_mid_stream",
    "error_in_stream",
    "stream_ends_early",
    "stream_without_done",
    "stall_mid_stream",
)
"""Faults that break a reply stream after it started with HTTP 200."""

DROP_FAULTS = ("drop_connection",)
"""Faults that cut an ordinary (non-stream) response halfway through its body: a proxy or a
network that drops the connection. Never on sends, which have their own stream faults."""

SHAPE_FAULTS = ("bad_records", "broken_tree", "truncated_body", "error_body")
"""Faults that change a JSON reply: odd records, a tree with a hole, a body cut short, or an
error object where the data belongs (all with HTTP 200)."""

STALL = "stall"
"""The request waits, headers unsent, until the stall is released (or :data:`HOLD_LIMIT`)."""

FAULT_NAMES = STATUS_FAULTS + STREAM_FAULTS + SHAPE_FAULTS + DROP_FAULTS + (STALL,)
"""Every armable fault (``latency`` is a setting, not an armed fault)."""

KINDS = ("any", "send", "read", "write")
"""``send``: POST /conversation; ``read``: GETs; ``write``: PATCH and the other POSTs."""

STALL_POLL = 0.005
"""Seconds between two looks at whether a stall was released."""

HOLD_LIMIT = 30.0
"""Seconds a held request waits at most, so a test that forgets to release cannot hang."""


@dataclass
class Hold:
    """One request of kind ``on`` kept waiting by the server until :meth:`release`."""

    on: str
    """The kind of request it catches (see :data:`KINDS`)."""
    reached: threading.Event = field(default_factory=threading.Event)
    """Set once a request has been caught and is waiting."""
    released: threading.Event = field(default_factory=threading.Event)
    """Set to let the request go on."""

    def release(self) -> None:
        self.released.set()

    def wait(self) -> None:
        """The server's side: wait until released (at most :data:`HOLD_LIMIT`)."""
        self.released.wait(HOLD_LIMIT)


class Faults:
    """Armed faults plus the ``latency`` setting."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: dict[str, tuple[int, str]] = {}
        self._latency = 0.0
        self._holds: list[Hold] = []
        """Holds not used yet, then holds that caught a request (released on :meth:`clear`)."""
        self._stall_released = threading.Event()
        self._stalled = 0
        self._canned: list[tuple[str, str, object]] = []
        """Replies to serve instead of the real ones: (kind, path prefix, JSON body)."""

    @property
    def latency(self) -> float:
        """Seconds added before every response (0 to turn off)."""
        with self._lock:
            return self._latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency must be >= 0")
        with self._lock:
            self._latency = float(seconds)

    def arm(self, name: str, times: int = 1, *, on: str = "any") -> None:
        """Make the next ``times`` requests of kind ``on`` fail with fault ``name``.

        Arming a fault that is already armed replaces its count and kind.
        """
        if name not in FAULT_NAMES:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULT_NAMES)}")
        if on not in KINDS:
            raise ValueError(f"unknown request kind {on!r}; known: {', '.join(KINDS)}")
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._armed[name] = (times, on)

    def hold(self, *, on: str = "any") -> Hold:
        """Keep the next request of kind ``on`` waiting until the hold is released.

        For tests that act while a request is in flight (a reload, say), with no timing guess.
        """
        if on not in KINDS:
            raise ValueError(f"unknown request kind {on!r}; known: {', '.join(KINDS)}")
        hold = Hold(on)
        with self._lock:
            self._holds.append(hold)
        return hold

    def take_hold(self, kind: str) -> Hold | None:
        """Consume the first hold that applies to a request of ``kind``."""
        with self._lock:
            for hold in self._holds:
                if hold.on in ("any", kind) and not hold.reached.is_set():
                    hold.reached.set()
                    return hold
        return None

    async def stall(self) -> None:
        """The server's side of ``stall``: wait until released (at most :data:`HOLD_LIMIT`).

        Polls on the server's loop rather than blocking a worker thread: a thread that exits
        later would free objects under a test that counts the collector's frozen objects.
        """
        with self._lock:
            self._stalled += 1
            released = self._stall_released
        try:
            with anyio.move_on_after(HOLD_LIMIT):
                # A threading.Event: the release comes from another thread (the test's),
                # which an anyio.Event does not allow.
                while not released.is_set():  # noqa: ASYNC110
                    await anyio.sleep(STALL_POLL)
        finally:
            with self._lock:
                self._stalled -= 1

    @property
    def stalled(self) -> int:
        """How many requests are waiting in a stall right now."""
        with self._lock:
            return self._stalled

    def release_stalls(self) -> None:
        """Let every stalled request go on (later stalls wait again)."""
        with self._lock:
            released, self._stall_released = self._stall_released, threading.Event()
        released.set()

    def serve_json(
        self, body: object, *, on: str = "read", path: str = "/", times: int = 1
    ) -> None:
        """Answer the next ``times`` requests of kind ``on`` under ``path`` with ``body`` (200).

        For tests that feed the client shapes the real server never sent.
        """
        if on not in KINDS:
            raise ValueError(f"unknown request kind {on!r}; known: {', '.join(KINDS)}")
        with self._lock:
            self._canned.extend([(on, path, body)] * times)

    def take_json(self, kind: str, path: str) -> tuple[bool, object]:
        """Consume the first canned reply that applies; (False, None) when there is none."""
        with self._lock:
            for index, (on, prefix, body) in enumerate(self._canned):
                if on in ("any", kind) and path.startswith(prefix):
                    del self._canned[index]
                    return True, body
        return False, None

    def disarm(self, name: str) -> None:
        with self._lock:
            self._armed.pop(name, None)

    def clear(self) -> None:
        """Disarm everything, let held requests go and set latency back to 0."""
        with self._lock:
            self._armed.clear()
            self._latency = 0.0
            for hold in self._holds:
                hold.release()
            self._holds.clear()
            self._canned.clear()
        self.release_stalls()

    def armed(self) -> dict[str, int]:
        """Fault name to remaining count."""
        with self._lock:
            return {name: times for name, (times, _) in self._armed.items()}

    def take(self, kind: str, candidates: tuple[str, ...]) -> str | None:
        """Consume one armed fault among ``candidates`` that applies to a request of ``kind``."""
        with self._lock:
            for name in candidates:
                entry = self._armed.get(name)
                if entry is None:
                    continue
                times, on = entry
                if on not in ("any", kind):
                    continue
                if times <= 1:
                    del self._armed[name]
                else:
                    self._armed[name] = (times - 1, on)
                return name
        return None


WIRES = ("auto", "classic", "v1")
"""Stream formats the demo backend can send."""
DEFAULT_WIRE = "auto"
"""The stream format when nobody chose one."""
DEFAULT_PACE = 0.02
"""Seconds between two stream chunks when nobody chose."""


@dataclass
class DemoConfig:
    """Runtime settings; change them between requests (tests do)."""

    wire: str = DEFAULT_WIRE
    """``auto`` (v1 if the request offers ``supported_encodings: ["v1"]``), ``classic``, ``v1``."""
    pace: float = DEFAULT_PACE
    """Seconds between two stream chunks."""

    def __post_init__(self) -> None:
        if self.wire not in WIRES:
            raise ValueError(f"wire must be one of {', '.join(WIRES)}")
        if self.pace < 0:
            raise ValueError("pace must be >= 0")
