"""Citation markers become numbered references, with the cited sources listed."""

from __future__ import annotations

from tui.conversation.citations import Citations


def test_bare_markers_are_numbered_by_first_appearance() -> None:
    cites = Citations()
    text = cites.apply(
        "A 【0†docs.python.org】 B 【1†source】 C 【0†docs.python.org】 D 【2†source】", {}
    )
    assert text == "A \\[1\\] B \\[2\\] C \\[1\\] D \\[3\\]"
    # Each marker's own label stands for its source; two "source" markers stay two sources.
    assert cites.markdown().split("  \n") == [
        "**Sources**\n\n\\[1\\] docs.python.org",
        "\\[2\\] source",
        "\\[3\\] source",
    ]


def test_sources_come_from_the_metadata() -> None:
    text = "t-strings【3†source】 and zstd \ue200cite\ue202turn0search0\ue201."
    marker = text[text.index("【") : text.index("】") + 1]
    metadata = {
        "citations": [
            {
                "start_ix": text.index("【"),
                "end_ix": text.index("】") + 1,
                "metadata": {"title": "What's New *3.14*", "url": "https://docs.python.org/3.14/"},
            }
        ],
        "content_references": [
            {
                "matched_text": "\ue200cite\ue202turn0search0\ue201",
                "items": [{"title": "PEP 784", "url": "https://peps.python.org/pep-0784/"}],
            },
            {"matched_text": " ", "type": "sources_footnote", "sources": [{"url": "https://x.io"}]},
        ],
    }
    cites = Citations()
    assert marker not in cites.apply(text, metadata)
    assert cites.apply(text, metadata) == "t-strings\\[1\\] and zstd \\[2\\]."
    listed = cites.markdown()
    assert "\\[1\\] What's New \\*3.14\\* — https://docs.python.org/3.14/" in listed
    assert "\\[2\\] PEP 784 — https://peps.python.org/pep-0784/" in listed
    assert "\\[3\\] https://x.io" in listed


def test_text_without_markers_is_untouched() -> None:
    cites = Citations()
    assert cites.apply("no 【 marker here", {"citations": "garbage"}) == "no 【 marker here"
    assert cites.markdown() == ""
