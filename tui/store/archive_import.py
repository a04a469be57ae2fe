"""``backchat import``: a ChatGPT data export into the store, full trees included.

Each conversation is stored in its own transaction, byte for byte as the export held it and
indexed on every branch. Importing the same export again changes nothing (identical bytes are
recognised), and a server copy is never overwritten by an older export of the same chat (sync
brings it up to date instead). A conversation that cannot be stored is skipped and named; the
rest of the export is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tui.store.archive_reader import ExportError, export_files, read_elements
from tui.store.records import Origin, PutOutcome
from tui.store.rows import BadConversation
from tui.store.store import Store


@dataclass
class ImportReport:
    """What one import did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    """One line per conversation (or file) that was not imported, saying which and why."""
    files: int = 0


def import_export(
    store: Store, paths: Iterable[Path], on_conversation: Callable[[], None] | None = None
) -> ImportReport:
    """Import every conversation of the exports at ``paths``. Raises ExportError only when
    a path holds no export at all; a broken file mid-way is reported and the rest goes on."""
    report = ImportReport()
    for path in paths:
        for label, file, member in export_files(path):
            report.files += 1
            try:
                for element in read_elements(file, member, label):
                    _put(
                        store, element.text, element.value, report, f"{label} #{element.index + 1}"
                    )
                    if on_conversation is not None:
                        on_conversation()
            except ExportError as error:
                report.skipped.append(f"{error} The conversations before that point were imported.")
    return report


def _put(store: Store, text: str, value: object, report: ImportReport, where: str) -> None:
    try:
        _, outcome = store.put_conversation(text.encode(), origin=Origin.IMPORT, data=value)
    except BadConversation as error:
        report.skipped.append(f"{_name(value, where)}: {error}")
        return
    if outcome is PutOutcome.NEW:
        report.new += 1
    elif outcome is PutOutcome.UPDATED:
        report.updated += 1
    else:
        report.unchanged += 1


def _name(value: object, where: str) -> str:
    """How the summary names a skipped conversation: its title and id when it has them."""
    if isinstance(value, dict):
        title = value.get("title")
        key = value.get("conversation_id") or value.get("id")
        bits = [f'"{title}"' if isinstance(title, str) and title else "", str(key or "")]
        named = " ".join(bit for bit in bits if bit)
        if named:
            return f"{where} ({named})"
    return where
