"""The title bar says the message count once: "message 5 of 6" makes "6 messages" redundant."""

from __future__ import annotations

import pytest

from tui.screens.hosting import title_detail


@pytest.mark.parametrize(
    ("where", "detail", "shown"),
    [
        ("", "6 messages · gpt-4o", "6 messages · gpt-4o"),
        ("message 5 of 6 · branch 2/2", "6 messages", "message 5 of 6 · branch 2/2"),
        ("message 5 of 6", "6 messages · gpt-4o · archived", "message 5 of 6 · gpt-4o · archived"),
        ("message 1 of 1", "1 message", "message 1 of 1"),
        ("message 9 of 1,200", "1,200 messages · gpt-4o", "message 9 of 1,200 · gpt-4o"),
        ("message 1 of 2", "", "message 1 of 2"),
        # A model named like a count is not a count.
        ("message 1 of 2", "2 messages · gpt-4o-messages", "message 1 of 2 · gpt-4o-messages"),
    ],
)
def test_title_detail(where: str, detail: str, shown: str) -> None:
    assert title_detail(where, detail) == shown
