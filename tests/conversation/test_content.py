"""How one message's content becomes blocks (tui.conversation.content), type by type."""

from __future__ import annotations

from typing import Any

import pytest

from tui.api.models import Message
from tui.conversation.content import Block, BlockKind, custom_instructions, describe, is_hidden


def message(content: dict[str, Any], role: str = "assistant", **extra: Any) -> Message:
    return Message.model_validate({"author": {"role": role}, "content": content, **extra})


def test_image_pointer_description() -> None:
    part = {
        "content_type": "image_asset_pointer",
        "asset_pointer": "file-service://file-abc",
        "width": 1024,
        "height": 1024,
    }
    blocks = describe(message({"content_type": "multimodal_text", "parts": [part, "look"]}, "user"))
    assert blocks == [
        Block(BlockKind.IMAGE, "image 1024×1024 (file-service://file-abc)", label="image"),
        Block(BlockKind.MARKDOWN, "look"),
    ]


def test_audio_parts() -> None:
    parts = [
        {"content_type": "audio_transcription", "text": "spoken words", "direction": "in"},
        {"content_type": "audio_asset_pointer", "asset_pointer": "sediment://a"},
    ]
    blocks = describe(message({"content_type": "multimodal_text", "parts": parts}, "user"))
    assert [(b.kind, b.text) for b in blocks] == [
        (BlockKind.MARKDOWN, "spoken words"),
        (BlockKind.NOTE, "audio (sediment://a)"),
    ]


@pytest.mark.parametrize(
    ("content", "label", "text"),
    [
        (
            {
                "content_type": "tether_quote",
                "title": "Docs",
                "url": "https://x.test/a",
                "text": "t",
            },
            "quote",
            "Docs — https://x.test/a",
        ),
        (
            {"content_type": "sonic_webpage", "title": "Page", "domain": "x.test", "text": "t"},
            "web page",
            "Page — x.test",
        ),
        (
            {"content_type": "tether_browsing_display", "result": "L0: a\nL1: b", "summary": None},
            "browsing",
            "L0: a L1: b",
        ),
    ],
)
def test_browsing_is_compact(content: dict[str, Any], label: str, text: str) -> None:
    blocks = describe(message(content, "tool"))
    assert blocks == [Block(BlockKind.BROWSE, text, label=label)]


def test_long_descriptions_are_truncated() -> None:
    blocks = describe(message({"content_type": "tether_quote", "title": "w" * 500}, "tool"))
    assert len(blocks[0].text) == 200
    assert blocks[0].text.endswith("…")


def test_system_error_is_an_error_block() -> None:
    blocks = describe(message({"content_type": "system_error", "name": "Timeout", "text": "slow"}))
    assert blocks == [Block(BlockKind.ERROR, "slow", label="Timeout")]


def test_tool_text_is_a_short_note() -> None:
    text = "DALL·E displayed 1 images. The images are already plainly visible."
    tool = Message.model_validate(
        {
            "author": {"role": "tool", "name": "dalle.text2im"},
            "content": {"content_type": "text", "parts": [text]},
        }
    )
    assert describe(tool) == [Block(BlockKind.NOTE, text, label="dalle.text2im")]


def test_internal_tool_calls_are_hidden_code_interpreter_is_not() -> None:
    call = {"content_type": "code", "language": "json", "text": '{"q": 1}'}
    assert describe(message(call, recipient="web.run")) == []
    assert describe(message(call, recipient="dalle.text2im")) == []
    shown = describe(message({**call, "language": "unknown"}, recipient="python"))
    assert shown == [Block(BlockKind.CODE, '{"q": 1}', language="python", label="python")]


def test_thoughts_without_a_recap() -> None:
    thoughts = {"content_type": "thoughts", "thoughts": [{"summary": "Plan", "content": "steps"}]}
    assert describe(message(thoughts)) == [
        Block(BlockKind.THOUGHTS, "Plan\nsteps", label="thoughts")
    ]


def test_hidden_rules() -> None:
    text = {"content_type": "text", "parts": ["x"]}
    assert is_hidden(message(text, weight=0.0))
    assert is_hidden(message(text, metadata={"is_visually_hidden_from_conversation": True}))
    assert is_hidden(message({"content_type": "user_editable_context"}, "user"))
    assert not is_hidden(message(text))


def test_custom_instructions_text() -> None:
    in_parts = message({"content_type": "text", "parts": ["Be brief."]}, "system")
    assert custom_instructions(in_parts) == "Be brief."
    empty = message(
        {"content_type": "text", "parts": [""]},
        "system",
        metadata={
            "user_context_message_data": {"about_user_message": "", "about_model_message": ""}
        },
    )
    assert custom_instructions(empty) == ""


@pytest.mark.parametrize(
    "content",
    [
        {"content_type": "text", "parts": [None, 5, {"odd": True}]},
        {"content_type": "thoughts", "thoughts": [None, "x", {"summary": 3}]},
        {"content_type": "execution_output", "text": None},
        {"content_type": "app_pairing_content", "workspaces": [], "context_parts": []},
    ],
)
def test_describe_survives_odd_shapes(content: dict[str, Any]) -> None:
    for block in describe(message(content)):
        assert isinstance(block.text, str)
