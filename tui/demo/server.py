"""Run the demo backend: uvicorn in a daemon thread, bound to 127.0.0.1.

The listening socket is bound in the caller's thread (so ``port=0`` resolves at once and the
URL is known before uvicorn runs); ``start_demo_server`` then waits for uvicorn's start-up to
finish, so the first request is served without delay.
"""

from __future__ import annotations

import socket
import threading

import uvicorn

from tui.demo import DEMO_TOKEN
from tui.demo.faults import DEFAULT_PACE, DEFAULT_WIRE, DemoConfig, Faults
from tui.demo.handle import DemoHandle
from tui.demo.history_state import DemoState
from tui.demo.routes import build_app
from tui.demo.seed import COUNT
from tui.demo.send import install_log_filter
from tui.demo.sockets import listening_socket

START_TIMEOUT = 10.0


class _Server(uvicorn.Server):
    """uvicorn's server, telling a waiting thread when it is ready (or gave up)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()


class DemoServer(DemoHandle):
    """A running demo backend. Use as a context manager, or call :meth:`stop`."""

    def __init__(
        self,
        sock: socket.socket,
        *,
        wire: str,
        pace: float,
        token: str = DEMO_TOKEN,
        conversations: int = COUNT,
    ) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(f"http://{host}:{port}", token)
        self.state = DemoState(conversations)
        """The in-memory account (history, request log, the one-stream slot)."""
        self.faults = Faults()
        self.config = DemoConfig(wire=wire, pace=pace)
        """Wire format and pace; mutable at runtime."""
        self._defaults = (wire, pace)
        self._socket = sock
        app = build_app(self.state, self.faults, self.config, token, self.reset)
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            http="h11",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="backchat-demo", daemon=True
        )

    def _start(self) -> None:
        install_log_filter()
        self._thread.start()
        if not self._server.ready.wait(START_TIMEOUT) or not self._server.started:
            self.stop()
            raise RuntimeError("the demo server did not start")

    def reset(self) -> None:
        """Restore the seeded history, clear faults and the request log, restore the config."""
        self.state.reset()
        self.faults.clear()
        self.config.wire, self.config.pace = self._defaults

    def stop(self) -> None:
        """Shut the server down and wait (briefly) for its thread."""
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(START_TIMEOUT)
        self._socket.close()


def start_demo_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    wire: str = DEFAULT_WIRE,
    pace: float = DEFAULT_PACE,
    conversations: int = COUNT,
    token: str = DEMO_TOKEN,
) -> DemoServer:
    """Start a demo backend in a daemon thread; returns once it accepts connections.

    ``conversations`` sizes the seeded history (benchmarks and tests of large histories);
    ``token`` is the bearer token it accepts (tests of secrecy use one of their own).
    """
    return serve_socket(
        listening_socket(host, port), wire=wire, pace=pace, conversations=conversations, token=token
    )


def serve_socket(
    sock: socket.socket,
    *,
    wire: str = DEFAULT_WIRE,
    pace: float = DEFAULT_PACE,
    conversations: int = COUNT,
    token: str = DEMO_TOKEN,
) -> DemoServer:
    """Serve the demo backend on an already listening socket (closed when the server stops)."""
    try:
        server = DemoServer(sock, wire=wire, pace=pace, conversations=conversations, token=token)
    except BaseException:
        sock.close()
        raise
    server._start()
    return server
