"""Where the cursor goes when the server's first page replaces the stored list."""

from __future__ import annotations

from tui.controllers.list_merge import cursor_after

STORED = ["a", "b", "c", "d", "e"]


def test_the_cursor_stays_on_its_conversation_wherever_the_server_puts_it() -> None:
    assert cursor_after(STORED, "c", ["x", "a", "b", "c", "d"]) == "c"
    assert cursor_after(STORED, "c", ["c", "a", "b"]) == "c"


def test_a_conversation_the_server_dropped_gives_the_cursor_to_the_next_one_still_listed() -> None:
    assert cursor_after(STORED, "c", ["a", "b", "e"]) == "e"


def test_with_nothing_after_it_listed_the_cursor_goes_to_the_nearest_one_before() -> None:
    assert cursor_after(STORED, "d", ["x", "a", "b"]) == "b"


def test_with_nothing_of_the_old_list_left_the_cursor_goes_to_the_first_row() -> None:
    assert cursor_after(STORED, "c", ["x", "y"]) == "x"
    assert cursor_after([], "gone", ["x", "y"]) == "x"


def test_no_cursor_or_no_rows_means_no_cursor() -> None:
    assert cursor_after(STORED, None, ["a"]) is None
    assert cursor_after(STORED, "a", []) is None
