"""``backchat export``: write many conversations to files from the shell.

    backchat export --all [--format md|json] [--scope branch|tree] [--archived] [DIR]
    backchat export --id ID [--id ID ...] [DIR]

The conversations come from the server, through the blocking client with the same token as
every other command (the environment, else the OS keyring); ``--demo`` runs against the
embedded demo backend, so the command can be tried (and tested) without an account. Each file
is written by :func:`tui.controllers.export_files.export_conversation`: named after the title,
the scope and the date, and never replacing a file. One conversation that cannot be fetched is
reported and skipped; the exit status says whether any failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tui.api.blocking import SyncBackendClient
    from tui.api.secret import Secret
    from tui.config import Settings

PAGE = 100
"""Conversations per list request (the server's maximum)."""

FORMATS = {"md": "markdown", "markdown": "markdown", "json": "json"}
"""``--format`` values and the export format each stands for."""


def add_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Declare ``export`` (``common``: the shared URL/config flags)."""
    export = commands.add_parser(
        "export", parents=[common], help="write conversations to Markdown or JSON files"
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every conversation in the history")
    which.add_argument(
        "--id", action="append", metavar="ID", dest="ids", help="one conversation (repeatable)"
    )
    export.add_argument(
        "--format", choices=sorted(FORMATS), default="md", help="md (default) or json"
    )
    export.add_argument(
        "--scope",
        choices=["branch", "tree"],
        help="the current branch, or every branch (default: branch for md, tree for json)",
    )
    export.add_argument(
        "--archived", action="store_true", help="with --all: the archived conversations too"
    )
    export.add_argument("--demo", action="store_true", help="export from the embedded demo backend")
    export.add_argument(
        "directory",
        nargs="?",
        type=Path,
        metavar="DIR",
        help="where the files go (default: the export_dir setting, else Downloads)",
    )


def run(args: argparse.Namespace, settings: Settings, out: TextIO | None = None) -> int:
    """Carry out ``backchat export``; returns the exit status."""
    out = out or sys.stdout
    if not getattr(args, "demo", False):
        return _export(args, settings, out)
    from tui.config import demo_settings
    from tui.demo.server import start_demo_server

    server = start_demo_server()
    try:
        return _export(args, demo_settings(settings, server.base_url, server.token), out)
    finally:
        server.stop()


def _export(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from tui.api.blocking import SyncBackendClient
    from tui.api.errors import ApiError
    from tui.api.settings import ApiSettings
    from tui.controllers.export_files import Format, Scope, export_conversation
    from tui.text.sanitize import clean_line

    token = _token(settings)
    if not token:
        print(
            f"backchat: no access token for {settings.resolved_backend_url}: run `backchat "
            "login` or set OPENAI_ACCESS_TOKEN (or try --demo)",
            file=sys.stderr,
        )
        return 2
    fmt: Format = "json" if FORMATS[args.format] == "json" else "markdown"
    scope: Scope = args.scope or ("tree" if fmt == "json" else "branch")
    directory: Path = args.directory or settings.export_folder
    api_settings = ApiSettings(
        base_url=settings.base_url, backend_url=settings.resolved_backend_url, token=token
    )
    written = failed = 0
    with SyncBackendClient(api_settings) as api:
        try:
            ids = list(args.ids or _every_id(api, archived=args.archived))
        except ApiError as error:
            print(f"backchat: could not list the conversations: {error.message}", file=sys.stderr)
            return 1
        for conversation_id in ids:
            try:
                path = export_conversation(
                    api.conversation(conversation_id), directory, scope=scope, fmt=fmt
                )
            except (ApiError, OSError, ValueError) as error:
                failed += 1
                why = error.message if isinstance(error, ApiError) else str(error)
                print(f"backchat: {conversation_id}: {clean_line(why)}", file=sys.stderr)
                continue
            written += 1
            print(clean_line(str(path)), file=out)
    noun = "conversation" if written == 1 else "conversations"
    summary = f"Exported {written} {noun} to {clean_line(str(directory))}"
    print(summary + (f" ({failed} failed)" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


def _every_id(api: SyncBackendClient, *, archived: bool) -> Iterator[str]:
    """Every conversation's id, page by page (then the archived ones, when asked)."""
    for is_archived in (False, True) if archived else (False,):
        offset = 0
        while True:
            page = api.conversations(offset, PAGE, is_archived=is_archived)
            yield from (item.id for item in page.items)
            offset += len(page.items) + page.unreadable
            if not page.items or (page.total is not None and offset >= page.total):
                break


def _token(settings: Settings) -> Secret | None:
    from tui.auth import credentials

    return credentials.token_or_stored(settings.token, settings.resolved_backend_url)
