"""Reading ChatGPT's data export: the ZIP, a ``conversations.json``, or the split files.

Older exports hold one ``conversations.json``; newer ones split it into ``conversations-000.json``,
``conversations-001.json``... (docs/PROTOCOL.md, "Data exports"), sometimes under a top folder
of the ZIP, next to ``__MACOSX/`` junk that is skipped. Each file is a JSON array of
conversation objects shaped like ``GET /conversation/{id}``.

The array is read element by element (``json.JSONDecoder.raw_decode`` over a growing buffer),
so an export of any size never sits in memory whole, and each element comes with its exact
text: the store keeps what the export held, byte for byte.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

CHUNK = 1 << 20
"""Characters read at a time."""
_NAME = re.compile(r"(?:^|/)conversations(?:-\d+)?\.json$")
_SKIP = re.compile(r"(?:^|/)(?:__MACOSX/|\._)")


class ExportError(Exception):
    """The export cannot be read (not found, not a ZIP or JSON, broken JSON); says where."""


@dataclass(frozen=True, slots=True)
class Element:
    """One conversation object of an export file."""

    source: str
    """The file (and ZIP member) it came from."""
    index: int
    """Its position in that file, from 0."""
    text: str
    """Exactly its JSON text."""
    value: Any
    """``text`` parsed."""


def export_files(path: Path) -> list[tuple[str, Path, str | None]]:
    """The conversation files of an export: (label, file, ZIP member or None), in name order.

    ``path`` is a ZIP, a folder (searched one level deep too), or a JSON file.
    """
    if not path.exists():
        raise ExportError(f"{path} does not exist.")
    if path.is_dir():
        found = sorted(
            item
            for item in [*path.glob("*.json"), *path.glob("*/*.json")]
            if _NAME.search(item.relative_to(path).as_posix())
        )
        if not found:
            raise ExportError(f"{path} holds no conversations.json or conversations-NNN.json.")
        return [(str(item), item, None) for item in found]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = sorted(
                name for name in archive.namelist() if _NAME.search(name) and not _SKIP.search(name)
            )
        if not members:
            raise ExportError(
                f"{path} is a ZIP without conversations.json or conversations-NNN.json."
            )
        return [(f"{path}:{name}", path, name) for name in members]
    return [(str(path), path, None)]


def read_elements(path: Path, member: str | None, label: str) -> Iterator[Element]:
    """The conversation objects of one export file, streamed. Raises ExportError for bad JSON
    after yielding every element before the damage."""
    try:
        if member is None:
            with path.open(encoding="utf-8-sig") as handle:
                yield from _elements(handle, label)
        else:
            with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
                yield from _elements(io.TextIOWrapper(raw, encoding="utf-8-sig"), label)
    except UnicodeDecodeError:
        raise ExportError(f"{label} is not UTF-8 text.") from None
    except (OSError, zipfile.BadZipFile) as error:
        raise ExportError(f"{label} cannot be read ({error}).") from None


class _Reader:
    """A text stream with a window that grows until one JSON value fits."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.consumed = 0
        """Characters dropped from the front of the buffer (for error positions)."""

    def fill(self) -> bool:
        if self.eof:
            return False
        data = self.stream.read(max(CHUNK, len(self.buffer) - self.pos))
        self.consumed += self.pos
        self.buffer = self.buffer[self.pos :] + data
        self.pos = 0
        self.eof = not data
        return bool(data)

    def peek(self) -> str:
        """The next non-blank character ("" at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.fill():
                return ""


def _elements(stream: TextIO, label: str) -> Iterator[Element]:
    reader = _Reader(stream)
    decoder = json.JSONDecoder()
    first = reader.peek()
    if first == "{":  # a single conversation saved on its own
        yield _decode(reader, decoder, label, 0)
        return
    if first != "[":
        raise ExportError(f"{label} is not a JSON array of conversations.")
    reader.pos += 1
    index = 0
    if reader.peek() == "]":
        return
    while True:
        if reader.peek() == "":
            raise ExportError(f"{label} ends in the middle of the array.")
        yield _decode(reader, decoder, label, index)
        index += 1
        after = reader.peek()
        if after == "]":
            return
        if after != ",":
            where = reader.consumed + reader.pos
            raise ExportError(
                f"{label} is not valid JSON after conversation {index} (char {where})."
            )
        reader.pos += 1


def _decode(reader: _Reader, decoder: json.JSONDecoder, label: str, index: int) -> Element:
    while True:
        try:
            value, end = decoder.raw_decode(reader.buffer, reader.pos)
        except json.JSONDecodeError:
            if reader.fill():
                continue
            where = reader.consumed + reader.pos
            raise ExportError(
                f"{label} is not valid JSON at conversation {index + 1} (char {where})."
            ) from None
        # A value that ends exactly at the buffer's end may be cut short (a number): read on.
        if end == len(reader.buffer) and reader.fill():
            continue
        text = reader.buffer[reader.pos : end]
        reader.pos = end
        return Element(label, index, text, value)
