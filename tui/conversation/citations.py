"""Citations in a reply: ``【0†source】`` markers become numbered references, sources listed.

Pure (no I/O, no Textual). Browsing replies carry markers in their text and, when the server
sent them, the sources in the message metadata (docs/PROTOCOL.md, "message metadata"):

- ``citations``: ``[{start_ix, end_ix, metadata: {title, url, text}}]``, where
  ``text[start_ix:end_ix]`` is the marker (older replies);
- ``content_references``: ``[{matched_text, start_idx, end_idx, items: [{title, url}],
  sources: [...], alt}]`` (newer replies; the marker may be private-use characters, and a
  ``matched_text`` of white space only lists sources without marking a place).

A marker becomes ``[1]`` (or ``[1][2]``), numbered by first appearance, one number per source;
the sources are listed under the reply. A marker with no metadata is still numbered, its own
label (``source``, ``docs.python.org``) standing for the source, so no word of it is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_MARKER = re.compile(r"【[^【】\n]{1,200}】|\ue200[^\ue200\ue201\n]{0,200}\ue201")
"""A bracketed citation marker, or the private-use one of newer replies."""

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")


@dataclass(frozen=True, slots=True)
class Source:
    """One cited source."""

    title: str
    url: str = ""
    ref: str = ""
    """For a source known only from a bare marker: the marker, so that two markers with the
    same label ("source") stay two sources."""


@dataclass(slots=True)
class Citations:
    """Numbers markers across the parts of one reply and lists the sources they cite."""

    sources: list[Source] = field(default_factory=list)
    """Every source cited so far, in order of first citation ([1] is the first)."""

    def apply(self, text: str, metadata: Mapping[str, Any]) -> str:
        """``text`` with its markers replaced by reference numbers; sources remembered."""
        known = _from_metadata(text, metadata)
        text = self._replace_markers(text, known)
        for sources in known.footnotes:  # listed after the cited ones
            self._numbers(sources)
        return text

    def _replace_markers(self, text: str, known: _Known) -> str:
        if not known.markers and "【" not in text and "\ue200" not in text:
            return text
        pattern = _MARKER
        if known.markers:
            extra = "|".join(re.escape(m) for m in sorted(known.markers, key=len, reverse=True))
            pattern = re.compile(f"{extra}|{_MARKER.pattern}")

        def number(match: re.Match[str]) -> str:
            marker = match.group(0)
            found = known.markers.get(marker)
            if isinstance(found, str):
                return found  # the server's own replacement text (``alt``)
            numbers = self._numbers(found or [_label_source(marker)])
            return "".join(f"\\[{n}\\]" for n in numbers)

        return pattern.sub(number, text)

    def markdown(self) -> str:
        """The sources as Markdown lines ("" when none): ``[1] Title — https://...``."""
        lines = []
        for index, source in enumerate(self.sources, 1):
            parts = [_escape(part) for part in (source.title, source.url) if part]
            lines.append(f"\\[{index}\\] " + " — ".join(parts))
        return "**Sources**\n\n" + "  \n".join(lines) if lines else ""

    def _numbers(self, sources: list[Source]) -> list[int]:
        numbers = []
        for source in sources:
            key = next((i for i, s in enumerate(self.sources) if _same(s, source)), None)
            if key is None:
                self.sources.append(source)
                key = len(self.sources) - 1
            if key + 1 not in numbers:
                numbers.append(key + 1)
        return numbers


@dataclass(slots=True)
class _Known:
    markers: dict[str, list[Source] | str] = field(default_factory=dict)
    """Marker text → its sources (or a replacement text when it has none)."""
    footnotes: list[list[Source]] = field(default_factory=list)
    """Sources listed without a marker (a ``sources_footnote`` reference)."""


def _from_metadata(text: str, metadata: Mapping[str, Any]) -> _Known:
    known = _Known()
    citations = metadata.get("citations")
    for citation in citations if isinstance(citations, list) else []:
        if not isinstance(citation, dict):
            continue
        start, end = citation.get("start_ix"), citation.get("end_ix")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            source = _source(citation.get("metadata"))
            if source is not None:
                known.markers.setdefault(text[start:end], [])
                sources = known.markers[text[start:end]]
                if isinstance(sources, list) and source not in sources:
                    sources.append(source)
    references = metadata.get("content_references")
    for reference in references if isinstance(references, list) else []:
        if not isinstance(reference, dict):
            continue
        matched = reference.get("matched_text")
        sources = [
            source
            for key in ("items", "sources")
            for item in _list(reference.get(key))
            if (source := _source(item)) is not None
        ]
        if not isinstance(matched, str) or not matched.strip():
            if sources:
                known.footnotes.append(sources)
            continue
        if sources:
            known.markers[matched] = sources
        elif isinstance(reference.get("alt"), str) and matched not in known.markers:
            known.markers[matched] = reference["alt"]
    return known


def _source(value: object) -> Source | None:
    if not isinstance(value, dict):
        return None
    title = _text(value.get("title")) or _text(value.get("attribution"))
    url = _text(value.get("url"))
    return Source(title, url) if title or url else None


def _label_source(marker: str) -> Source:
    """The source a bare marker names: ``【3†Python docs†docs.python.org】`` → its label."""
    inner = marker.strip("【】\ue200\ue201").replace("\ue202", " ")
    parts = [part.strip() for part in inner.split("†")]
    label = " — ".join(part for part in parts[1:] if part) or inner
    return Source(label, ref=marker)


def _same(first: Source, second: Source) -> bool:
    if first.url or second.url:
        return first.url == second.url
    return (first.title, first.ref) == (second.title, second.ref)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _escape(text: str) -> str:
    """Shown as written: Markdown's special characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
