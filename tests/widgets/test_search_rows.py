"""Search result rows, the find count and the hit query: untrusted text stays literal."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.api.search_models import SearchItem
from tui.screens.search_jump import as_typed
from tui.store.records import SearchHit, Segment
from tui.widgets.find_bar import count_text
from tui.widgets.search_rows import MATCH_STYLE, hit_row, item_row, marked, marked_text

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


def matched(content: object) -> list[str]:
    plain = str(content)
    return [plain[s.start : s.end] for s in content.spans if str(s.style) == MATCH_STYLE]  # type: ignore[attr-defined]


def test_marked_keeps_the_blanks_around_a_match() -> None:
    content = marked([Segment("Why "), Segment("worker", True), Segment(" pool")], limit=100)
    assert str(content) == "Why worker pool"
    assert matched(content) == ["worker"]


def test_control_sequences_and_markup_stay_literal() -> None:
    content = marked([Segment("[bold]x[/] \x1b]52;c;SGk=\x07"), Segment("[/]", True)], limit=100)
    assert "\x1b" not in str(content)
    assert "\x07" not in str(content)
    assert str(content).startswith("[bold]x[/]")
    assert matched(content) == ["[/]"]


def test_server_snippets_are_marked_case_insensitively() -> None:
    content = marked_text("Worker pools and a WORKER", ["worker"], limit=100)
    assert matched(content) == ["Worker", "WORKER"]


def test_a_hit_row_has_title_date_role_then_snippet() -> None:
    hit = SearchHit(
        conversation_id="c",
        message_id="m",
        title="Sourdough",
        role="assistant",
        create_time=datetime(2026, 10, 1, 9, 0, tzinfo=UTC),
        snippet=(Segment("Feed the "), Segment("starter", True)),
        title_segments=(Segment("Sourdough"),),
        rank=-1.0,
    )
    first, second = str(hit_row(hit, NOW)).split("\n")
    assert first == "Sourdough  2026-10-01 · assistant"
    assert second == "Feed the starter"


def test_a_server_row_without_a_title_says_untitled() -> None:
    item = SearchItem.model_validate(
        {"conversation_id": "c", "title": None, "payload": {"snippet": "x\ny"}}
    )
    first, second = str(item_row(item, ["y"], NOW)).split("\n")
    assert first == "Untitled"
    assert second == "x y"


def test_count_text() -> None:
    assert count_text(None, 0, "") == ""
    assert count_text(None, 0, "x") == "no matches"
    assert count_text(None, 1, "x") == "1 match"
    assert count_text(None, 12, "x") == "12 matches"
    assert count_text(2, 12, "x") == "3 of 12"


def test_as_typed_widens_only_a_bare_last_word() -> None:
    assert as_typed("worker po") == "worker po*"
    assert as_typed("worker ") == "worker "
    assert as_typed("a") == "a"
    assert as_typed('"a phrase"') == '"a phrase"'
    assert as_typed("x -java") == "x -java"
    assert as_typed("pars*") == "pars*"
