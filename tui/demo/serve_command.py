"""``backchat serve-demo``: run the demo backend in the foreground until Ctrl+C.

It prints ``url: ...`` and ``token: ...`` (one per line, flushed) so scripts and other
terminals can point a client at it.

``--fd N`` (hidden) serves on an inherited listening socket and exits when stdin reaches EOF:
that is how :func:`tui.demo.process.spawn_demo_server` runs it as a child of the app.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading

from tui.demo import DEMO_TOKEN
from tui.demo.faults import DEFAULT_PACE, DEFAULT_WIRE, WIRES


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backchat serve-demo",
        description="Serve the embedded demo backend (seeded history, fake model) over HTTP.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0: pick a free one)")
    parser.add_argument(
        "--wire",
        choices=WIRES,
        default=DEFAULT_WIRE,
        help="stream format: auto follows the request's supported_encodings",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=DEFAULT_PACE,
        help=f"seconds between stream chunks (default {DEFAULT_PACE})",
    )
    parser.add_argument(
        "--conversations",
        type=_count,
        default=None,
        metavar="N",
        help="conversations in the seeded history (default: the standard 320)",
    )
    parser.add_argument("--fd", type=int, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve until interrupted; returns the exit status."""
    args = build_parser().parse_args(argv)
    from tui.demo.seed import COUNT
    from tui.demo.server import serve_socket, start_demo_server

    conversations = COUNT if args.conversations is None else args.conversations

    if args.fd is not None:
        server = serve_socket(
            socket.socket(fileno=args.fd),
            wire=args.wire,
            pace=args.pace,
            conversations=conversations,
        )
    else:
        server = start_demo_server(
            args.host, args.port, wire=args.wire, pace=args.pace, conversations=conversations
        )
    print(f"url: {server.base_url}", flush=True)
    print(f"token: {DEMO_TOKEN}", flush=True)
    try:
        if args.fd is not None:
            sys.stdin.buffer.read()  # the parent closed the pipe (or died): time to go
            # Nothing here outlives the app (the history lives in memory), so the child skips
            # uvicorn's graceful shutdown, which made every quit of `backchat --demo` wait
            # ~160 ms for it; the OS closes the sockets.
            os._exit(0)
        else:
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
