"""The ``backchat`` command: parse flags, build settings, run the app (or a sub-command).

    backchat --version
    backchat [--demo] [--offline] [--base-url URL] [--backend-url URL] [--page-size N] [...]
    backchat login | logout          store / remove the access token in the OS keyring
    backchat serve-demo [...]        run the demo backend alone, for any client
    backchat sync | import | search  the local copy of the history (tui/store/commands.py)
    backchat export --all [DIR]      write conversations to files (tui/export_command.py)

Imports of Textual, httpx and the demo server are deferred to the branch that needs them, so
``login``/``logout`` stay quick and the app's first frame is not delayed by unused modules.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui import __version__, export_command
from tui.config import ConfigError, Settings, demo_settings, load_file, resolve
from tui.store import commands as store_cli

if TYPE_CHECKING:
    from tui.demo.handle import DemoHandle

# Environment variables Textual honours that would make any Textual app dump its screen to disk
# or press keys by itself (docs/TEXTUAL-NOTES.md §9): not wanted in a chat client.
_UNSAFE_TEXTUAL_ENV = ("TEXTUAL_SCREENSHOT", "TEXTUAL_PRESS", "TEXTUAL_SCREENSHOT_LOCATION")


def _common_options(default: object) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--base-url",
        default=default,
        help="the proxy's root URL (default: $OPENAI_API_BASE_URL)",
    )
    common.add_argument(
        "--backend-url",
        default=default,
        help="the .../backend-api URL (default: derived from the base URL)",
    )
    common.add_argument("--config", type=Path, default=default, help="the TOML config file to read")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backchat",
        description="A keyboard-first terminal client for ChatGPT's web backend-api.",
        parents=[_common_options(None)],
    )
    parser.add_argument("--version", action="version", version=f"backchat {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="run on the embedded demo backend (no token needed)"
    )
    parser.add_argument("--page-size", type=int, help="conversations per sidebar page (1-100)")
    parser.add_argument("--model", help="the model new chats use by default")
    parser.add_argument("--theme", help="a Textual theme name")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="read only the local copy of your history; never contact the server",
    )
    parser.add_argument(
        "--wire", choices=["auto", "classic", "v1"], default="auto", help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    # A sub-command's defaults overwrite what was parsed before it, so `backchat --config F
    # logout` would silently forget F (and log out of the default backend). SUPPRESS makes the
    # sub-command set only the options given after it.
    sub_common = _common_options(argparse.SUPPRESS)
    commands.add_parser(
        "login", parents=[sub_common], help="store an access token in the OS keyring"
    )
    commands.add_parser("logout", parents=[sub_common], help="remove the stored access token")
    commands.add_parser(
        "serve-demo", add_help=False, help="run the demo backend alone (see serve-demo --help)"
    )
    store_cli.add_commands(commands, sub_common)
    export_command.add_command(commands, sub_common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["serve-demo"]:
        from tui.demo.serve_command import main as serve_demo

        return serve_demo(args_list[1:])

    parser = build_parser()
    args = parser.parse_args(args_list)
    try:
        settings = _settings_from(args)
    except ConfigError as error:
        print(f"backchat: {error}", file=sys.stderr)
        return 2

    if args.command == "login":
        from tui.auth.login_command import login

        return login(settings)
    if args.command == "logout":
        from tui.auth.login_command import logout

        return logout(settings)
    if args.command in store_cli.COMMANDS:
        return store_cli.run(args, settings)
    if args.command == "export":
        return export_command.run(args, settings)
    return run_app(settings, demo=args.demo, wire=args.wire)


def _settings_from(args: argparse.Namespace) -> Settings:
    path: Path | None = args.config
    file_data = load_file(path) if path else load_file()
    flags = {
        "base_url": args.base_url,
        "backend_url": args.backend_url,
        "page_size": getattr(args, "page_size", None),
        "model": getattr(args, "model", None),
        "theme": getattr(args, "theme", None),
        "offline": getattr(args, "offline", False) or None,
    }
    return resolve(file_data=file_data, flags=flags, config_path=path)


def run_app(settings: Settings, *, demo: bool, wire: str = "auto") -> int:
    for name in _UNSAFE_TEXTUAL_ENV:
        os.environ.pop(name, None)
    demo_server: DemoHandle | None = None
    if demo:
        demo_server = start_demo(wire)
        settings = demo_settings(settings, demo_server.base_url, demo_server.token)
    from tui.app import create_app

    try:
        create_app(settings).run()
    finally:
        if demo_server is not None:
            demo_server.stop()
    failure = demo_server.failure() if demo_server is not None else None
    if failure:
        # The app could only say it could not reach the server; here is why, once the
        # terminal is the shell's again.
        print(f"backchat: {failure}", file=sys.stderr)
        return 1
    return 0


def start_demo(wire: str) -> DemoHandle:
    """The demo backend for ``backchat --demo``: a child process where the OS can hand it a socket.

    In a child, the demo's imports (starlette, uvicorn), its start-up and every request it
    serves run on the other core instead of taking the app's GIL on the way to the first page
    (bench/app_startup.py). The parent binds the port itself, so the URL is known at once and
    early requests wait in the kernel's backlog. Elsewhere (Windows: no fd passing) the demo
    runs in a thread of this process.
    """
    if os.name == "posix":
        from tui.demo.process import spawn_demo_server

        return spawn_demo_server(wire=wire)
    from tui.demo.server import start_demo_server

    return start_demo_server(wire=wire)


if __name__ == "__main__":
    sys.exit(main())
