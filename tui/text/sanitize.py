"""The one sanitiser for every string that comes from the server (titles, messages, errors).

Measured on Textual 8.2.8 (see docs/FAULTS.md, "Hostile text"): a title of ``[/]`` in a Label,
Static, OptionList or notify() crashes the app with MarkupError, ``textual.markup.escape`` misses
``[$var]`` and unterminated tags, and ESC / C1 sequences (clear screen, OSC 52 clipboard writes)
pass straight to the terminal, in ``Markdown`` too. So untrusted text is (1) cleaned here and
(2) always shown through ``rich.text.Text`` / ``Content`` objects or with ``markup=False``, never
as a markup string. Links are limited to http/https.

Invisible characters that change how text reads are handled by place:

- one-line places (titles, model names, notices, file names, :func:`clean_line`): every bidi
  control and zero-width character is shown as a visible ``⟨U+202E⟩``, so a title cannot
  display as something it is not. A zero-width joiner inside an emoji sequence and a
  zero-width non-joiner between letters of a script that needs it stay.
- message bodies (:func:`clean_text`): a bidi embedding, override or isolate that is closed on
  its own line stays (Arabic and Hebrew text use them); one left open at the end of its line is
  shown visibly instead, so it cannot reorder anything after it. Zero-width characters stay.
"""

from __future__ import annotations

import re
import unicodedata

C0 = frozenset(range(0x00, 0x20)) | {0x7F}
"""C0 control characters and DEL."""
C1 = frozenset(range(0x80, 0xA0))
"""C1 control characters (their 8-bit CSI/OSC forms are escape sequences of their own)."""
BIDI_OPENERS = {0x202A: 0x202C, 0x202B: 0x202C, 0x202D: 0x202C, 0x202E: 0x202C}
"""LRE, RLE, LRO, RLO: each is ended by PDF (U+202C)."""
BIDI_ISOLATES = {0x2066: 0x2069, 0x2067: 0x2069, 0x2068: 0x2069}
"""LRI, RLI, FSI: each is ended by PDI (U+2069)."""
BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
"""Every bidi control: ALM, LRM, RLM, the embeddings/overrides with PDF, the isolates with PDI."""
ZERO_WIDTH = frozenset(
    {0x00AD, 0x034F, 0x180E, 0x200B, 0x200C, 0x200D, *range(0x2060, 0x2065), 0xFEFF}
    | set(range(0x206A, 0x2070))
)
"""Soft hyphen, grapheme joiner, Mongolian vowel separator, ZWSP/ZWNJ/ZWJ, word joiner,
invisible operators, the deprecated format characters U+206A-206F and the BOM."""

ZWNJ, ZWJ = 0x200C, 0x200D

# C0 controls except TAB and LF, DEL, and the C1 range (U+0080-U+009F). CR is dropped too:
# a lone CR would move the terminal cursor back to column 0.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# ESC-introduced sequences are removed whole, so that "\x1b[2J" does not leave "[2J" behind.
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), and two-byte escapes (ESC + one char).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated by BEL or ST (or unterminated)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS / SOS / PM / APC strings
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
)
# The 8-bit forms of the same introducers (C1 CSI / OSC), with their parameters.
_C1_SEQUENCE = re.compile(r"\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*[\x07\x9c]?")
_INVISIBLE = re.compile("[" + "".join(f"\\u{cp:04x}" for cp in sorted(BIDI | ZERO_WIDTH)) + "]")
# What the fast path looks for: anything any of the steps below would change.
_SUSPECT = re.compile(f"{_CONTROL.pattern}|{_INVISIBLE.pattern}|[\u2028\u2029]")


def visible(code_point: int) -> str:
    """How an invisible character is shown where it must not act: ``⟨U+202E⟩``."""
    return f"⟨U+{code_point:04X}⟩"


def clean_text(text: object) -> str:
    """Return ``text`` as a string that cannot drive the terminal, for multi-line places.

    Terminal control sequences are removed; tabs and newlines stay (messages need them); a bidi
    control left open at the end of its line is shown visibly. Anything that is not a string
    is turned into one first, so a malformed payload (a number or null) still displays.
    """
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    if _SUSPECT.search(value) is None:
        return value
    value = _strip_controls(value).replace("\u2028", "\n").replace("\u2029", "\n")
    if _INVISIBLE.search(value) is None:
        return value
    return "\n".join(_confine_bidi(line) for line in value.split("\n"))


def clean_line(text: object, *, limit: int | None = None) -> str:
    """Like :func:`clean_text` for one-line places (titles, notices): newlines become spaces and
    every bidi control or stray zero-width character is shown as ``⟨U+XXXX⟩``.

    ``limit`` truncates with an ellipsis, so an absurdly long title cannot swamp a row.
    """
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    value = _strip_controls(value)
    if _INVISIBLE.search(value) is not None:
        value = _show_invisible(value)
    value = " ".join(value.split())
    if limit is not None and len(value) > limit:
        value = value[: max(0, limit - 1)] + "…"
    return value


def _needs_cleaning(value: str) -> bool:
    # Fast path: most messages contain no control characters at all.
    return _CONTROL.search(value) is not None


def _strip_controls(value: str) -> str:
    if _CONTROL.search(value) is None:
        return value
    value = _ESCAPE_SEQUENCE.sub("", value)
    value = _C1_SEQUENCE.sub("", value)
    return _CONTROL.sub("", value)


def _confine_bidi(line: str) -> str:
    """Keep embeddings, overrides and isolates closed on this line; show any left open."""
    open_at: list[tuple[int, int]] = []  # (index, closer) of each opener not closed yet
    for index, char in enumerate(line):
        code = ord(char)
        closer = BIDI_OPENERS.get(code) or BIDI_ISOLATES.get(code)
        if closer is not None:
            open_at.append((index, closer))
        elif open_at and code == open_at[-1][1]:
            open_at.pop()
        elif code == 0x2069:
            # A PDI also closes every embedding opened after the isolate it matches.
            while open_at and open_at[-1][1] != 0x2069:
                open_at.pop()
            if open_at:
                open_at.pop()
    if not open_at:
        return line
    pieces = list(line)
    for index, _ in open_at:
        pieces[index] = visible(ord(line[index]))
    return "".join(pieces)


def _show_invisible(value: str) -> str:
    out: list[str] = []
    last = len(value) - 1
    for index, char in enumerate(value):
        code = ord(char)
        if code not in BIDI and code not in ZERO_WIDTH:
            out.append(char)
            continue
        before = value[index - 1] if index > 0 else ""
        after = value[index + 1] if index < last else ""
        joins = (code == ZWJ and _joins_emoji(before, after)) or (
            code == ZWNJ and _joins_letters(before, after)
        )
        if joins:
            out.append(char)
        else:
            out.append(visible(code))
    return "".join(out)


def _joins_emoji(before: str, after: str) -> bool:
    # 👨‍👩‍👧: ZWJ between pictographs (the one before may carry a variation selector or a skin
    # tone, both of which are not So themselves).
    def pictograph(char: str) -> bool:
        return bool(char) and (
            unicodedata.category(char) in ("So", "Sk")
            or 0xFE00 <= ord(char) <= 0xFE0F
            or 0x1F3FB <= ord(char) <= 0x1F3FF
        )

    return pictograph(before) and pictograph(after)


def _joins_letters(before: str, after: str) -> bool:
    # Persian and the Indic scripts need ZWNJ between letters; Latin text never does.
    def letter(char: str) -> bool:
        return bool(char) and ord(char) >= 0x0590 and unicodedata.category(char)[0] in "LM"

    return letter(before) and letter(after)
