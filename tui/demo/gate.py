"""A gate on the reply stream that a test opens chunk by chunk, instead of waiting on a pace.

Open (the default), it costs a lock and a comparison per chunk. Held, the stream waits before
each text chunk until the test lets more through: the test decides what the server has sent
when, so a reply can stay "still streaming" for as long as the test needs without any sleep,
and the client's behaviour mid-stream is checked at exact points.

The test's thread calls :meth:`StreamGate.hold`, :meth:`StreamGate.allow` and
:meth:`StreamGate.open`; the stream waits in the server's event loop (asyncio, as uvicorn runs
it), so a waiting stream is woken through its loop's thread-safe call. A client that hangs up
cancels the wait like any other await.
"""

from __future__ import annotations

import asyncio
import threading

__all__ = ["StreamGate"]


class StreamGate:
    """How many more text chunks the reply stream may send: all of them, or a count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._allowance: int | None = None
        """Chunks still allowed; None while the gate is open."""
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []
        """Streams waiting at the gate and not yet woken."""

    def hold(self, allow: int = 0) -> None:
        """From now on let only ``allow`` more chunks through (then wait for :meth:`allow`)."""
        with self._lock:
            self._allowance = allow
            self._wake()

    def allow(self, chunks: int) -> None:
        """Let ``chunks`` more chunks through a held gate (no effect on an open one)."""
        with self._lock:
            if self._allowance is not None:
                self._allowance += chunks
                self._wake()

    def open(self) -> None:
        """Let everything through again, now and from now on."""
        with self._lock:
            self._allowance = None
            self._wake()

    @property
    def held(self) -> bool:
        """True while the gate counts chunks."""
        with self._lock:
            return self._allowance is not None

    def wait_blocked(self, timeout: float = 5.0) -> bool:
        """Block until a stream waits at the gate: it has sent every chunk it was allowed."""
        with self._changed:
            return self._changed.wait_for(lambda: bool(self._waiters), timeout)

    async def passage(self) -> None:
        """Return when the next chunk may be sent (at once while the gate is open)."""
        while True:
            with self._lock:
                if self._allowance is None:
                    return
                if self._allowance > 0:
                    self._allowance -= 1
                    return
                waiter = (asyncio.get_running_loop(), asyncio.Event())
                self._waiters.append(waiter)
                self._changed.notify_all()
            try:
                await waiter[1].wait()
            finally:
                with self._lock:
                    if waiter in self._waiters:  # cancelled (the client hung up), not woken
                        self._waiters.remove(waiter)

    def _wake(self) -> None:
        """Wake every waiting stream to look at the allowance again (lock held)."""
        for loop, event in self._waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)
        self._waiters.clear()
        self._changed.notify_all()
