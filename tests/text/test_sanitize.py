"""The one sanitiser: control sequences never reach the terminal, text otherwise intact."""

import pytest

from tui.text.sanitize import clean_line, clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("[bold]x[/]", "[bold]x[/]"),  # markup is not our job here: it is shown literally
        ("a\x1b[2Jb", "ab"),
        ("A\x1b]52;c;SGVsbG8=\x07B", "AB"),
        ("X\x1b]52;c;SGVsbG8=\x1b\\Y", "XY"),
        ("X\x9b2JY\x9d52;c;abc\x9cZ", "XYZ"),
        ("red\x1b[31mRED\x1b[0m", "redRED"),
        ("tab\tnew\nline", "tab\tnew\nline"),
        ("cr\r\x00nul\x7f", "crnul"),
        ("中文 🎉 עברית", "中文 🎉 עברית"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_non_strings() -> None:
    assert clean_text(None) == ""
    assert clean_text(42) == "42"


def test_clean_line_folds_and_truncates() -> None:
    assert clean_line("a\n  b\tc") == "a b c"
    assert clean_line("x" * 10, limit=5) == "xxxx…"
