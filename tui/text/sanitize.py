"""The one sanitiser for every string that comes from the server (titles, messages, errors).

Measured on Textual 8.2.8 (docs/TEXTUAL-NOTES.md §7): a title of ``[/]`` in a Label, Static,
OptionList or notify() crashes the app with MarkupError, ``textual.markup.escape`` misses
``[$var]`` and unterminated tags, and ESC / C1 sequences (clear screen, OSC 52 clipboard writes)
pass straight to the terminal, in ``Markdown`` too. So untrusted text is (1) stripped of control
characters here and (2) always shown through ``rich.text.Text`` / ``Content`` objects or with
``markup=False``, never as a markup string. Rich Markdown is rendered with
``hyperlinks=False`` (tui.rendering.markdown_render), so no link reaches the terminal as OSC 8.
"""

from __future__ import annotations

import re

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


def clean_text(text: object) -> str:
    """Return ``text`` as a string with every terminal control sequence removed.

    Tabs and newlines stay (messages need them). Anything that is not a string is turned into
    one first, so a malformed payload (a number or null where a title belongs) still displays.
    """
    if text is None:
        return ""
    value = text if isinstance(text, str) else str(text)
    if not _needs_cleaning(value):
        return value
    value = _ESCAPE_SEQUENCE.sub("", value)
    value = _C1_SEQUENCE.sub("", value)
    return _CONTROL.sub("", value)


def clean_line(text: object, *, limit: int | None = None) -> str:
    """Like :func:`clean_text` for one-line places (titles, notices): newlines become spaces.

    ``limit`` truncates with an ellipsis, so an absurdly long title cannot swamp a row.
    """
    value = " ".join(clean_text(text).split())
    if limit is not None and len(value) > limit:
        value = value[: max(0, limit - 1)] + "…"
    return value


def _needs_cleaning(value: str) -> bool:
    # Fast path: most messages contain no control characters at all.
    return _CONTROL.search(value) is not None
