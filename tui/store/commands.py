"""``backchat sync | import | search``: the store's sub-commands.

:func:`add_commands` declares them on ``backchat``'s parser (argparse only, so ``--help`` stays
quick); :func:`run` carries one out. The work itself lives in :mod:`tui.store.sync`,
:mod:`tui.store.archive_import` and :class:`tui.store.Store`; this module opens the store, shows
progress (Rich, on stderr) and prints the summary. Server text (titles, snippets, reasons) is
printed through the sanitiser or as JSON, never as markup.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tui.api.secret import Secret
    from tui.config import Settings
    from tui.store.store import Store

COMMANDS = ("sync", "import", "search")
"""The sub-commands this module runs."""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Declare ``sync``, ``import`` and ``search`` (``common``: the shared URL/config flags)."""
    store_flag = argparse.ArgumentParser(add_help=False)
    store_flag.add_argument(
        "--store", type=Path, help="the store file (default: one per backend URL in the data dir)"
    )
    sync = commands.add_parser(
        "sync", parents=[common, store_flag], help="copy the whole history into the local store"
    )
    sync.add_argument(
        "--jobs", type=_positive, default=4, help="conversations fetched at once (default 4)"
    )
    sync.add_argument(
        "--prune", action="store_true", help="delete stored chats the server no longer has"
    )
    sync.add_argument(
        "--rebuild",
        action="store_true",
        help="move the store file aside (kept, not deleted) and sync into a new one",
    )
    imported = commands.add_parser(
        "import", parents=[common, store_flag], help="read a ChatGPT data export into the store"
    )
    imported.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="PATH",
        help="the export ZIP, a conversations.json, conversations-NNN.json files or a folder",
    )
    search = commands.add_parser(
        "search", parents=[common, store_flag], help="search the local store's messages"
    )
    search.add_argument(
        "query",
        metavar="QUERY",
        help='words, "a phrase", prefix*, -excluded (a query that starts with - goes after --)',
    )
    search.add_argument("--json", action="store_true", help="one JSON object per hit and line")
    search.add_argument("--limit", type=_positive, default=20, help="most hits shown (default 20)")


def run(args: argparse.Namespace, settings: Settings, out: TextIO | None = None) -> int:
    """Carry out ``args.command``; returns the exit status."""
    from tui.store.store_errors import StoreError

    out = out or sys.stdout
    path: Path | None = getattr(args, "store", None)
    try:
        if args.command == "sync":
            return _sync(args, settings, path, out)
        store = _open(settings, path)
        with store:
            if args.command == "import":
                return _import(store, args.paths, out)
            return _search(store, args.query, args.limit, as_json=args.json, out=out)
    except StoreError as error:
        print(f"backchat: {error}", file=sys.stderr)
        return 1


def _open(settings: Settings, path: Path | None) -> Store:
    from tui.store.store import Store

    return Store(path) if path is not None else Store.for_backend(settings.resolved_backend_url)


def _resolved_path(settings: Settings, path: Path | None) -> Path:
    from tui.store.location import store_path

    return path if path is not None else store_path(settings.resolved_backend_url)


# -- search ------------------------------------------------------------------------------------


def _search(store: Store, query: str, limit: int, *, as_json: bool, out: TextIO) -> int:
    import json

    from tui.text.sanitize import clean_line

    for hit in store.search(query, limit):
        created = hit.create_time.isoformat() if hit.create_time else None
        if as_json:
            record = {
                "conversation_id": hit.conversation_id,
                "message_id": hit.message_id,
                "title": hit.title,
                "role": hit.role,
                "create_time": created,
                "snippet": hit.snippet_text,
                "matches": hit.snippet_offsets(),
                "rank": hit.rank,
            }
            print(json.dumps(record, ensure_ascii=False), file=out)
        else:
            date = created[:10] if created else "          "
            title = clean_line(hit.title, limit=60)
            print(f"{date}  {title}  [{hit.role}]  {hit.conversation_id}", file=out)
            print(f"    {clean_line(hit.snippet_text)}", file=out)
    return 0


# -- import ------------------------------------------------------------------------------------


def _import(store: Store, paths: list[Path], out: TextIO) -> int:
    from tui.store.archive_import import import_export
    from tui.store.archive_reader import ExportError
    from tui.text.sanitize import clean_line

    try:
        report = import_export(store, paths)
    except ExportError as error:
        print(f"backchat: {error}", file=sys.stderr)
        return 1
    print(
        f"Imported into {store.path}: {report.new} new, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped.",
        file=out,
    )
    for line in report.skipped:
        print(f"  skipped: {clean_line(line)}", file=out)
    return 1 if report.skipped else 0


# -- sync --------------------------------------------------------------------------------------


def _sync(args: argparse.Namespace, settings: Settings, path: Path | None, out: TextIO) -> int:
    import anyio

    from tui.store.location import move_aside

    token = _token(settings)
    if not token:
        print(
            f"backchat: no access token for {settings.resolved_backend_url}: run `backchat login` "
            "or set OPENAI_ACCESS_TOKEN.",
            file=sys.stderr,
        )
        return 2
    target = _resolved_path(settings, path)
    if args.rebuild:
        moved = move_aside(target)
        if moved is not None:
            print(f"Moved the old store to {moved} (kept, not deleted).", file=out)
    store = _open(settings, target)
    with store:
        try:
            return anyio.run(_sync_async, store, settings, token, args, out)
        except KeyboardInterrupt:
            print(
                "\nInterrupted. Everything fetched so far is stored; run `backchat sync` again "
                "to continue.",
                file=out,
            )
            return 130


def _token(settings: Settings) -> Secret | None:
    from tui.auth import credentials

    return credentials.token_or_stored(settings.token, settings.resolved_backend_url)


async def _sync_async(
    store: Store, settings: Settings, token: Secret, args: argparse.Namespace, out: TextIO
) -> int:
    from tui.api.client import BackendClient
    from tui.api.settings import ApiSettings
    from tui.store.progress_view import SyncProgressView
    from tui.store.sync import sync_history

    api = ApiSettings(
        base_url=settings.base_url,
        backend_url=settings.resolved_backend_url,
        token=token,
        max_attempts=1,  # sync retries itself, honouring Retry-After (tui.store.sync)
    )
    async with BackendClient(api) as client:
        with SyncProgressView() as view:
            report = await sync_history(
                client, store, jobs=args.jobs, prune=args.prune, progress=view
            )
    _print_report(report, store, settings, out)
    return 1 if report.failures or report.stopped else 0


def _print_report(report: object, store: Store, settings: Settings, out: TextIO) -> None:
    from tui.store.sync import SyncReport
    from tui.text.sanitize import clean_line

    assert isinstance(report, SyncReport)
    print(
        f"Synced {settings.resolved_backend_url} into {store.path}: {report.new} new, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.failed} failed.",
        file=out,
    )
    if report.only_local:
        print(
            f"{report.only_local} stored conversation(s) are no longer on the server: kept, "
            "marked only in your copy (`backchat sync --prune` deletes them).",
            file=out,
        )
    if report.pruned:
        print(f"Deleted {report.pruned} conversation(s) the server no longer has.", file=out)
    if not report.list_complete and report.stopped is None:
        print("The list could not be read to the end: run `backchat sync` again.", file=out)
    for failure in report.failures:
        name = clean_line(failure.title, limit=60) or "(untitled)"
        ident = f" {failure.conversation_id}" if failure.conversation_id else ""
        print(f"  failed: {name}{ident}: {clean_line(failure.reason)}", file=out)
    if report.stopped:
        print(f"Stopped: {clean_line(report.stopped)}", file=out)
