"""Run the demo backend in a child process, for a faster ``backchat --demo`` start-up.

Importing starlette and uvicorn costs ~0.1-0.2 s of CPU, and in-process that time adds to the
app's own Textual import (one GIL). A child interpreter does it on another core while the app
starts. The parent binds the listening socket itself and hands it over (``pass_fds``), so the
URL is known at once and connections made before the child is ready simply wait in the
kernel's backlog. The child exits when the parent closes the pipe on its stdin (or dies).

The in-process :func:`tui.demo.server.start_demo_server` stays the way for tests: only it
exposes ``state``, ``faults`` and ``config``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import IO

from tui.demo.faults import DEFAULT_PACE, DEFAULT_WIRE
from tui.demo.handle import DemoHandle
from tui.demo.sockets import listening_socket
from tui.text.sanitize import clean_text

STOP_TIMEOUT = 5.0

STDERR_TAIL = 2000
"""Characters of the child's error output that :meth:`DemoProcess.failure` reports at most."""


class DemoProcess(DemoHandle):
    """A demo backend running in a child process."""

    def __init__(
        self, base_url: str, process: subprocess.Popen[bytes], stderr: IO[bytes] | None = None
    ) -> None:
        super().__init__(base_url)
        self.process = process
        self._stderr = stderr
        """A temporary file with the child's error output (a pipe nobody reads could fill)."""
        self._failure: str | None = None

    def stop(self) -> None:
        """Ask the child to exit (EOF on its stdin), then make sure it did."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        killed = False
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            killed = True
            self.process.kill()
            self.process.wait(STOP_TIMEOUT)
        if self.process.stdout is not None:
            self.process.stdout.close()
        # Asked to stop, the child exits with 0 (tui.demo.serve_command): anything else is its own
        # doing.
        status = self.process.returncode
        if status != 0 and not killed:
            self._failure = f"the demo backend exited with status {status}" + self._error_tail()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def failure(self) -> str | None:
        return self._failure

    def _error_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        # Cleaned: it goes to the user's terminal, and a traceback may quote a hostile title.
        text = clean_text(self._stderr.read().decode("utf-8", "replace")).strip()
        return f":\n{text[-STDERR_TAIL:]}" if text else ""


def spawn_demo_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    wire: str = DEFAULT_WIRE,
    pace: float = DEFAULT_PACE,
) -> DemoProcess:
    """Start the demo backend in a child process; returns at once (POSIX only)."""
    if os.name != "posix":
        raise NotImplementedError("spawn_demo_server needs POSIX fd passing; use start_demo_server")
    sock = listening_socket(host, port)
    try:
        bound_host, bound_port = sock.getsockname()[:2]
        command = [sys.executable, "-m", "tui.demo", "--fd", str(sock.fileno())]
        command += ["--wire", wire, "--pace", str(pace)]
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by DemoProcess.stop)
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            pass_fds=(sock.fileno(),),
        )
    finally:
        sock.close()  # the child holds its own copy of the listening socket
    return DemoProcess(f"http://{bound_host}:{bound_port}", process, stderr)
