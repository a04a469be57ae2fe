"""Search syntax, ranking, snippets as data, and queries that must never raise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.store.test_store_basics import conversation
from tui.store import Segment, Store
from tui.store.query import parse


@pytest.fixture
def filled(store: Store) -> Store:
    store.put_conversation(
        conversation("rust", "Faster CSV parsing in Rust", 1000.0, "How do I parse a CSV file?",
                     "Use the csv crate with a buffered reader.")
    )  # fmt: skip
    store.put_conversation(
        conversation("py", "Python scripts", 900.0, "Parse JSON in Python",
                     "Use json.loads; for CSV use the csv module.")
    )  # fmt: skip
    store.put_conversation(
        conversation("bread", "Sourdough", 800.0, "My starter smells of [bold]acetone[/bold]",
                     "Feed it twice a day. A buffered starter is calmer.")
    )  # fmt: skip
    return store


def ids(hits: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(hit.conversation_id, hit.role) for hit in hits]


def test_words_all_match_and_rank(filled: Store) -> None:
    hits = filled.search("csv crate")
    assert ids(hits) == [("rust", "assistant")]
    assert {hit.conversation_id for hit in filled.search("csv")} == {"rust", "py"}


def test_a_quoted_phrase_matches_only_in_order(filled: Store) -> None:
    assert ids(filled.search('"buffered reader"')) == [("rust", "assistant")]
    assert filled.search('"reader buffered"') == []


def test_prefix_and_exclusion(filled: Store) -> None:
    assert {hit.conversation_id for hit in filled.search("buff*")} == {"rust", "bread"}
    assert {hit.conversation_id for hit in filled.search("buff* -starter")} == {"rust"}
    assert filled.search("-csv") == [], "only exclusions match nothing"


def test_as_you_type_widens_the_last_word(filled: Store) -> None:
    assert filled.search("sourd") == []
    assert [hit.conversation_id for hit in filled.search("sourd", as_you_type=True)] == ["bread"]


def test_a_title_match_shows_once_per_conversation(filled: Store) -> None:
    hits = filled.search("sourdough")
    assert ids(hits) == [("bread", "user")]
    assert hits[0].title_segments == (Segment("Sourdough", match=True),)


def test_snippets_are_segments_not_markup(filled: Store) -> None:
    [hit] = filled.search("acetone")
    assert hit.snippet_text == "My starter smells of [bold]acetone[/bold]"
    assert [segment.text for segment in hit.snippet if segment.match] == ["acetone"]
    start, end = hit.snippet_offsets()[0]
    assert hit.snippet_text[start:end] == "acetone"


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "AND", "NEAR(csv", "title:csv", "csv)", "(", "*", "-", '""', "c++ OR", "^csv"],
)
def test_odd_queries_never_raise(filled: Store, query: str) -> None:
    filled.search(query)
    filled.search(query, as_you_type=True)
    filled.hits_in("rust", query)


def test_operator_words_are_searched_as_words(filled: Store) -> None:
    assert parse("csv AND json").include == ['"csv"', '"AND"', '"json"']
    assert {hit.conversation_id for hit in filled.search("(csv)")} == {"rust", "py"}


def test_hits_in_one_conversation_follow_the_thread(filled: Store) -> None:
    hits = filled.hits_in("rust", "csv")
    assert [hit.role for hit in hits] == ["user", "assistant"]
    assert filled.hits_in("rust", "rust") == [], "a title match is not a message hit"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_query(query: str) -> None:
    # A fresh in-memory-sized store per run would be slow; the parser and the SQL are what
    # can fail, and they are exercised against one small store.
    hits = _SHARED.search(query, as_you_type=True)
    assert isinstance(hits, list)


class _Shared:
    store: Store | None = None

    def search(self, query: str, *, as_you_type: bool) -> list:  # type: ignore[type-arg]
        if self.store is None:
            import tempfile
            from pathlib import Path

            path = Path(tempfile.mkdtemp()) / "fuzz.sqlite3"
            self.store = Store(path)
            self.store.put_conversation(conversation("c", "Title", 1.0, "some text here"))
        return self.store.search(query, as_you_type=as_you_type)


_SHARED = _Shared()


def test_accents_and_case_fold_like_the_index(store: Store) -> None:
    store.put_conversation(conversation("cv", "Jobs", 10.0, "Update my Résumé\nfor the café"))
    [hit] = store.search("resume cafe")
    assert [segment.text for segment in hit.snippet if segment.match] == ["Résumé", "café"]
    assert hit.snippet_text == "Update my Résumé for the café", "one line"
