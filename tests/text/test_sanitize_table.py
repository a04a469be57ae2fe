"""Every C0, C1, bidi and zero-width code point, through both the one-line and the body cleaner."""

from __future__ import annotations

import pytest

from tui.text.sanitize import BIDI, C0, C1, ZERO_WIDTH, clean_line, clean_text, visible

CONTROLS = sorted(C0 | C1)
INVISIBLE = sorted(BIDI | ZERO_WIDTH)
EVERY = sorted(C0 | C1 | BIDI | ZERO_WIDTH)
INTRODUCERS = {0x1B, 0x9B, 0x9D}
"""ESC, CSI and OSC start a sequence: the text after them is part of it."""


def test_the_table_covers_the_ranges() -> None:
    assert len(C0) == 33  # U+0000-001F and DEL
    assert len(C1) == 32
    assert {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069} <= BIDI
    assert {0x200E, 0x200F, 0x061C} <= BIDI
    assert {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF} <= ZERO_WIDTH


@pytest.mark.parametrize("code", EVERY, ids=lambda code: f"U+{code:04X}")
def test_one_line_places_never_carry_the_character(code: int) -> None:
    """Titles, model names, notices, file names: removed, or shown as ⟨U+XXXX⟩."""
    shown = clean_line(f"left{chr(code)}right")
    assert chr(code) not in shown
    if code in INTRODUCERS:
        assert shown.startswith("left")  # what follows is the sequence it starts, removed whole
    elif code in CONTROLS:
        assert shown in ("leftright", "left right")
    else:
        assert shown == f"left{visible(code)}right"


@pytest.mark.parametrize("code", CONTROLS, ids=lambda code: f"U+{code:04X}")
def test_bodies_drop_controls_but_tab_and_newline(code: int) -> None:
    body = clean_text(f"left{chr(code)}right")
    if code in INTRODUCERS:
        assert body.startswith("left")
        assert not any(ord(char) in C0 | C1 for char in body)
    elif code in (0x09, 0x0A):
        assert body == f"left{chr(code)}right"
    else:
        assert body == "leftright"


@pytest.mark.parametrize("code", sorted(ZERO_WIDTH), ids=lambda code: f"U+{code:04X}")
def test_bodies_keep_zero_width_characters(code: int) -> None:
    # Harmless in a body (they cannot move text) and needed by emoji, Persian and Indic text.
    assert clean_text(f"left{chr(code)}right") == f"left{chr(code)}right"


@pytest.mark.parametrize(
    "code", [0x202A, 0x202B, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068], ids=lambda c: f"U+{c:04X}"
)
def test_bodies_show_an_opener_left_open_at_the_end_of_its_line(code: int) -> None:
    body = clean_text(f"a{chr(code)}b\nnext line")
    assert body == f"a{visible(code)}b\nnext line"


@pytest.mark.parametrize(
    ("opener", "closer"),
    [
        (0x202A, 0x202C),
        (0x202B, 0x202C),
        (0x202D, 0x202C),
        (0x202E, 0x202C),
        (0x2066, 0x2069),
        (0x2067, 0x2069),
        (0x2068, 0x2069),
    ],
    ids=lambda c: f"U+{c:04X}",
)
def test_bodies_keep_a_pair_closed_on_its_own_line(opener: int, closer: int) -> None:
    text = f"a{chr(opener)}עברית{chr(closer)}b\nnext"
    assert clean_text(text) == text


@pytest.mark.parametrize("code", [0x061C, 0x200E, 0x200F, 0x202C, 0x2069])
def test_bodies_keep_marks_and_stray_closers(code: int) -> None:
    # Marks set the direction of one neutral character; a closer with nothing open does nothing.
    assert clean_text(f"a{chr(code)}b") == f"a{chr(code)}b"


def test_a_pdi_closes_embeddings_opened_inside_its_isolate() -> None:
    text = "a\u2067b\u202ec\u2069d"
    assert clean_text(text) == text


def test_an_override_cannot_cross_a_newline() -> None:
    # The classic spoof: "exe.txt" reversed by an RLO, continued on the next line.
    body = clean_text("invoice\u202etxt.exe\nsecond")
    assert "\u202e" not in body
    assert body.startswith("invoice⟨U+202E⟩txt.exe")


def test_line_and_paragraph_separators() -> None:
    assert clean_text("a\u2028b\u2029c") == "a\nb\nc"
    assert clean_line("a\u2028b\u2029c") == "a b c"


@pytest.mark.parametrize(
    "text",
    ["👨\u200d👩\u200d👧", "🏳️\u200d🌈", "👍🏽\u200d🔥", "می\u200cخواهم"],
    ids=["family", "rainbow-flag", "skin-tone", "persian-zwnj"],
)
def test_one_line_places_keep_joiners_that_join(text: str) -> None:
    assert clean_line(text) == text


def test_one_line_places_show_joiners_that_hide() -> None:
    assert clean_line("pay\u200dpal") == f"pay{visible(0x200D)}pal"
    assert clean_line("pay\u200cpal") == f"pay{visible(0x200C)}pal"
