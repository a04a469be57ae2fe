"""The demo's fake model: deterministic Markdown replies, cut into stream chunks.

Prompt triggers (anywhere in the prompt text):

- ``#long``: a ~50 KB Markdown reply (headings, lists, tables, code in several languages)
  streamed in exactly :data:`LONG_CHUNKS` (2,000) chunks. The streaming benchmark uses it.
- ``#markup``: a reply full of HTML-like text and deep nesting (:mod:`tui.demo.markup`).
- ``#cut``: the reply stops about halfway with ``finish_details {"type": "max_tokens"}`` and
  ``end_turn: false``; a following ``continue`` streams the rest and ends with ``stop``.

Anything else gets a ~1-2 KB reply (a heading, a list, a code block, sometimes a table), seeded
by the prompt text, ending with ``finish_details {"type": "stop", "stop_tokens": [...]}``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from tui.demo.markup import MARKUP_REPLY, MARKUP_TRIGGER
from tui.demo.text import Writer

LONG_TRIGGER = "#long"
CUT_TRIGGER = "#cut"
LONG_CHUNKS = 2000
"""Exact number of text chunks of a ``#long`` reply."""
LONG_SIZE = 50_000
"""Approximate size in characters of a ``#long`` reply."""
WORDS_PER_CHUNK = 3
"""Normal replies stream a few words per frame, like the real server's token batches."""


@dataclass(frozen=True, slots=True)
class Reply:
    """What the fake model answers to one prompt."""

    chunks: tuple[str, ...]
    """The text, in the pieces it is streamed in (joined they make the streamed text)."""
    finish: str = "stop"
    """``stop`` or ``max_tokens``."""
    remainder: str = ""
    """For ``max_tokens``: the text a ``continue`` will stream."""

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def _seed(text: str) -> int:
    # Python's hash() is salted per process; the demo must answer the same way every run.
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def word_chunks(text: str, words: int = WORDS_PER_CHUNK) -> tuple[str, ...]:
    """Split text into pieces of a few words each (whitespace kept, so they join back exactly)."""
    tokens = re.findall(r"\S+\s*|\s+", text)
    return tuple("".join(tokens[i : i + words]) for i in range(0, len(tokens), words))


def even_chunks(text: str, count: int) -> tuple[str, ...]:
    """Split text into exactly ``count`` non-empty pieces of nearly equal length."""
    count = max(1, min(count, len(text)))
    base, extra = divmod(len(text), count)
    pieces = []
    start = 0
    for index in range(count):
        end = start + base + (1 if index < extra else 0)
        pieces.append(text[start:end])
        start = end
    return tuple(pieces)


def reply_for(prompt: str, salt: str = "") -> Reply:
    """The fake model's answer to ``prompt``; another ``salt`` gives another answer (regenerate)."""
    # Seeded without the trigger tags: "X #cut" is the reply to "X", cut in two.
    plain = " ".join(prompt.replace(LONG_TRIGGER, " ").replace(CUT_TRIGGER, " ").split())
    writer = Writer(_seed(plain + ("\x00" + salt if salt else "")))
    if LONG_TRIGGER in prompt:
        return Reply(even_chunks(writer.long_document(LONG_SIZE), LONG_CHUNKS))
    if MARKUP_TRIGGER in prompt:
        return Reply(word_chunks(MARKUP_REPLY))
    text = writer.reply()
    if CUT_TRIGGER in prompt:
        # Cut at a word boundary near the middle, as a token limit would.
        half = text.rfind(" ", 0, len(text) // 2) + 1 or len(text) // 2
        return Reply(word_chunks(text[:half]), "max_tokens", text[half:])
    return Reply(word_chunks(text))


def continuation_for(previous: str, remainder: str | None) -> Reply:
    """What ``continue`` streams: the stored rest of a cut reply, or a fresh closing part."""
    if remainder:
        return Reply(word_chunks(remainder))
    writer = Writer(_seed("continue:" + previous))
    return Reply(word_chunks(writer.paragraph(3) + "\n\n" + writer.bullets(3)))


_FILLER = re.compile(
    r"^(please |can you |could you |can i |how can i |how do i |how should i |how to |what is |"
    r"what.s |why does |"
    r"tell me |write |show me )+",
    re.IGNORECASE,
)


def title_for(prompt: str) -> str:
    """A short title the way the real ``gen_title`` makes one: a few words from the prompt."""
    text = prompt.replace(LONG_TRIGGER, " ").replace(CUT_TRIGGER, " ")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = _FILLER.sub("", first).strip(" ?!.:,;")
    words = first.split()[:6]
    if not words:
        return "New conversation"
    title = " ".join(words)
    return title[0].upper() + title[1:]
