"""A streamed reply numbers its citation markers the way the opened reply will."""

from __future__ import annotations

import pytest

from tests.widgets.test_streaming import SIZE, Harness, body_lines, feed
from tui.api.models import Conversation
from tui.conversation.tree import active_thread, visible_messages
from tui.widgets.streaming import FrozenMarkdown, StreamingReply


@pytest.mark.anyio
async def test_markers_are_numbered_alike_in_every_piece_and_when_opened() -> None:
    filler = "Filler paragraph long enough to be frozen away. " * 30
    text = (
        f"First claim 【0†docs.python.org】.\n\n{filler}\n\n"
        f"Second claim 【1†peps.python.org】 and again 【0†docs.python.org】.\n\n{filler}\n\n"
        "Last words."
    )
    reply = StreamingReply()
    async with Harness(reply).run_test(size=SIZE) as pilot:
        await feed(pilot, reply, [text[i : i + 40] for i in range(0, len(text), 40)])
        assert reply.query(FrozenMarkdown)  # the markers landed in different pieces
        live = "\n".join(body_lines(reply))
    assert "【" not in live
    assert "First claim [1]." in live
    assert "Second claim [2] and again [1]." in live

    # The same reply opened from the server: the same numbers, with the sources listed.
    def node(key: str, role: str, part: str, parent: str | None = None) -> dict[str, object]:
        content = {"content_type": "text", "parts": [part]}
        message = {"author": {"role": role}, "content": content}
        return {"id": key, "parent": parent, "message": message}

    mapping = {"u": node("u", "user", "q"), "a": node("a", "assistant", text, "u")}
    conv = Conversation.model_validate({"mapping": mapping, "current_node": "a"})
    opened = visible_messages(conv, active_thread(conv))[-1].text
    assert "First claim \\[1\\]." in opened
    assert "Second claim \\[2\\] and again \\[1\\]." in opened
    assert "\\[2\\] peps.python.org" in opened
