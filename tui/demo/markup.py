"""The demo's hardest Markdown: text a renderer is tempted to drop (``#markup`` in a prompt).

HTML-like text in and out of code, generics, a list and a quote nested deeper than a pane can
indent, a table and a fence. Every word of it must reach the screen, streamed or opened later;
the tests count them.
"""

from __future__ import annotations

MARKUP_TRIGGER = "#markup"
"""Put this in a prompt to get :data:`MARKUP_REPLY` back."""

_DEEP_LIST = "".join(f"{'  ' * depth}- level {word}\n" for depth, word in enumerate(
    ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")
))  # fmt: skip

_DEEP_QUOTE = "".join(
    f"{'> ' * (depth + 1)}quote {word}\n"
    for depth, word in enumerate(("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"))
)

MARKUP_REPLY = (
    "# Heading with <angle> brackets\n\n"
    "Generics like List<Integer> and Map<String, List<Long>> stay; <b>bold tag</b> shows as "
    'typed. A <kbd>Ctrl</kbd> key, an <span class="note">inline span</span> element and a '
    "<!-- visible comment --> too, **real bold** and *real emphasis*.\n\n"
    '<div align="center">\nblock html paragraph\n</div>\n\n'
    "<pre>\n\npreformatted spaced words\n\n</pre>\n\n"
    f"{_DEEP_LIST}\n"
    f"{_DEEP_QUOTE}\n"
    "1. ordered <T> item\n"
    "   > nested quote in item with List<Byte>\n\n"
    "| column <a> | column <b> |\n|---|---|\n| cell<one> | cell two |\n\n"
    "```\ncode <stays> as code\n```\n\n"
    "Text after everything, final words.\n"
)
"""The reply: every construct above, then a last line that a silent drop would lose first."""
