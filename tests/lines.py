"""Read a child process's output line by line with a deadline, instead of sleeping or hanging.

A blocking ``readline()`` never returns if the child stalls without printing; a daemon thread
drains the pipe into a queue, so a test can wait for a line with a timeout and fail clearly.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import IO


class LineReader:
    """Lines from ``stream`` as they arrive; ``None`` in the queue marks the end of the stream."""

    def __init__(self, stream: IO[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        """Every line read so far, for failure messages."""
        thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        thread.start()

    def _pump(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                self.lines.put(line.rstrip("\n"))
        except ValueError:
            pass  # the pipe was closed under us while the process was being stopped
        finally:
            self.lines.put(None)

    def wait_for(self, prefix: str, timeout: float = 20.0) -> str:
        """The first line starting with ``prefix`` (what follows it); fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line starting with {prefix!r} in {self.seen!r}")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"output ended before {prefix!r}; got {self.seen!r}")
            self.seen.append(line)
            if line.startswith(prefix):
                return line.removeprefix(prefix)
