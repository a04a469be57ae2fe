"""The sidebar's paging rules, without Textual: what to ask for and what an answer means."""

from __future__ import annotations

from tui.widgets.list_paging import Arrival, ListPaging, PageFacts, PageRequest


def facts(
    offset: int, count: int, total: int | None = 100, limit: int = 28, bad: int = 0
) -> PageFacts:
    return PageFacts(offset=offset, count=count, total=total, limit=limit, unreadable=bad)


def loaded(paging: ListPaging, *pages: PageFacts) -> ListPaging:
    for page in pages:
        assert paging.next_request() is not None
        assert paging.arrived(page) is Arrival.APPEND
    return paging


def test_pages_follow_each_other_and_stop_at_the_total() -> None:
    paging = ListPaging()
    assert paging.next_request() == PageRequest(0, False)
    assert paging.next_request() is None, "one page at a time"
    assert paging.arrived(facts(0, 28, total=40)) is Arrival.APPEND
    assert paging.next_request() == PageRequest(28, False)
    paging.arrived(facts(28, 12, total=40))
    assert not paging.has_more
    assert paging.next_request() is None
    assert paging.marker() == ""


def test_without_a_total_a_short_page_is_the_end() -> None:
    paging = loaded(ListPaging(), facts(0, 28, total=None))
    assert paging.has_more
    paging.next_request()
    paging.arrived(facts(28, 3, total=None))
    assert not paging.has_more


def test_a_refresh_keeps_what_is_shown_until_its_first_page() -> None:
    paging = loaded(ListPaging(), facts(0, 28), facts(28, 28))
    assert paging.restart() == PageRequest(0, False)
    assert paging.is_loading
    assert paging.next_offset == 56, "the shown list's paging stays while waiting"
    assert paging.next_request() is None
    assert paging.arrived(facts(28, 28)) is Arrival.IGNORE, "only a first page ends a refresh"
    assert paging.arrived(facts(0, 28)) is Arrival.REPLACE
    assert paging.next_offset == 28
    assert not paging.is_loading


def test_a_failed_refresh_keeps_everything_and_can_be_asked_again() -> None:
    paging = loaded(ListPaging(), facts(0, 28))
    paging.restart()
    paging.request_failed()
    assert paging.marker() == "load failed"
    assert paging.next_offset == 28
    assert paging.failed_restart is False
    assert paging.next_request() == PageRequest(28, False), "scrolling on still pages the rows"


def test_a_switch_to_the_archived_list_and_back() -> None:
    paging = loaded(ListPaging(), facts(0, 28))
    assert paging.restart(True) == PageRequest(0, True)
    assert paging.wanted_archived
    assert not paging.shown_archived
    assert paging.arrived(facts(28, 10), archived=False) is Arrival.IGNORE
    assert paging.arrived(facts(0, 5, total=5), archived=True) is Arrival.REPLACE
    assert paging.shown_archived
    assert paging.total == 5


def test_a_failed_switch_leaves_the_shown_list() -> None:
    paging = loaded(ListPaging(), facts(0, 28))
    paging.restart(True)
    paging.request_failed()
    assert not paging.shown_archived
    assert not paging.wanted_archived
    assert paging.failed_restart is True
    assert paging.arrived(facts(0, 5), archived=True) is Arrival.IGNORE, "late answer dropped"
    assert paging.arrived(facts(28, 28), archived=False) is Arrival.APPEND


def test_a_newer_restart_wins_over_an_older_one() -> None:
    paging = loaded(ListPaging(), facts(0, 28))
    paging.restart(True)
    paging.restart(False)
    assert paging.arrived(facts(0, 5), archived=True) is Arrival.IGNORE
    assert paging.arrived(facts(0, 7), archived=False) is Arrival.REPLACE


def test_unreadable_rows_are_counted_and_keep_their_offsets() -> None:
    paging = loaded(ListPaging(), facts(0, 27, bad=1, total=None))
    assert paging.unreadable == 1
    assert paging.unreadable_note() == "1 conversation could not be read"
    assert paging.next_offset == 28
    assert paging.has_more, "a full page (counting the unreadable row) is not the end"
    paging.next_request()
    paging.arrived(facts(28, 20, bad=2, total=None))
    assert paging.unreadable_note() == "3 conversations could not be read"
    paging.restart()
    paging.arrived(facts(0, 28, total=None))
    assert paging.unreadable_note() == "", "a fresh first page starts the count again"


def test_load_all_and_progress() -> None:
    paging = loaded(ListPaging(), facts(0, 28, total=200))
    assert paging.load_all() == PageRequest(28, False)
    assert paging.load_all() is None
    paging.start_progress(28)
    assert paging.marker() == "loading…"
    assert paging.progress_note() == "loading… 28 of 200"
    paging.arrived(facts(28, 100, total=200))
    paging.set_progress(128, 200)
    assert paging.progress_note() == "loading… 128 of 200"
    paging.arrived(facts(128, 72, total=200))
    assert paging.marker() == paging.progress_note() == ""
    assert not paging.loading_all


def test_a_kept_copy_has_nothing_in_flight_and_kept_rows_move_the_offset() -> None:
    paging = loaded(ListPaging(), facts(0, 28, total=200))
    paging.load_all()
    paging.start_progress(28)
    saved = paging.kept()
    assert (saved.next_offset, saved.total, saved.shown_archived) == (28, 200, False)
    assert not saved.is_loading
    assert saved.progress_note() == ""
    assert saved.next_request() == PageRequest(28, False)
    fresh = loaded(ListPaging(), facts(0, 28, total=200))
    fresh.rows_kept(90)
    assert fresh.next_request() == PageRequest(90, False)


def test_local_row_changes_shift_the_offsets() -> None:
    paging = loaded(ListPaging(), facts(0, 28, total=40))
    paging.row_removed()
    assert (paging.next_offset, paging.total) == (27, 39)
    paging.row_added()
    paging.row_added()
    assert (paging.next_offset, paging.total) == (29, 41)
    assert paging.total_shown(50) == 50
