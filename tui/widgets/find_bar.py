"""The find bar under the messages: what to find in the open conversation, and "3 of 12".

It only collects the text and the keys; the transcript finds and marks the matches in every
message of the thread (:meth:`tui.widgets.transcript.Transcript.set_find`), mounted or not.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, Static


def count_text(index: int | None, total: int, text: str) -> str:
    """ "3 of 12", "12 matches", "no matches" or "" (nothing typed)."""
    if not text.strip():
        return ""
    if total == 0:
        return "no matches"
    if index is None:
        return f"{total} match{'es' if total != 1 else ''}"
    return f"{index + 1} of {total}"


class FindBar(Horizontal):
    """A one-line bar: "Find", the text box, the match count. Hidden until opened."""

    DEFAULT_CSS = """
    FindBar {
        display: none;
        height: 1;
        &.-open { display: block; }
        Label { width: auto; padding: 0 1; color: $text-muted; }
        Input, Input:focus { width: 1fr; height: 1; border: none; padding: 0 1; }
        #find-count { width: auto; min-width: 12; padding: 0 1; color: $text-muted; }
    }
    """
    """Only what the bar needs to work and fit in one row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "close",
            "Close find",
            id="find.close",
            tooltip="Close the find bar and clear the marks",
        ),
        Binding(
            "down",
            "step(1)",
            "Next match",
            show=False,
            id="find.next",
            tooltip="Go to the next match",
        ),
        Binding(
            "up",
            "step(-1)",
            "Previous match",
            show=False,
            id="find.previous",
            tooltip="Go to the previous match",
        ),
    ]
    """esc closes; enter (or down) goes to the next match, up to the previous one."""

    class Changed(Message):
        """The text to find changed."""

        def __init__(self, text: str) -> None:
            self.text = text
            """What to find ("" finds nothing)."""
            super().__init__()

    class Stepped(Message):
        """The user asked for the next (+1) or previous (-1) match."""

        def __init__(self, step: int, *, leave: bool) -> None:
            self.step = step
            self.leave = leave
            """True: move the focus to the match (enter), so n / N carry on from there."""
            super().__init__()

    class Closed(Message):
        """The user closed the bar (esc)."""

    def compose(self) -> ComposeResult:
        yield Label("Find")
        yield Input(placeholder="text in this conversation", id="find-text")
        yield Static(id="find-count", markup=False)

    @property
    def text(self) -> str:
        return self.query_one(Input).value

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def open(self) -> None:
        """Show the bar with its text selected, ready to be typed over."""
        self.add_class("-open")
        field = self.query_one(Input)
        field.focus()
        field.select_all()

    def show_count(self, index: int | None, total: int) -> None:
        self.query_one("#find-count", Static).update(Content(count_text(index, total, self.text)))

    @on(Input.Changed, "#find-text")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#find-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Stepped(1, leave=True))

    def action_step(self, step: int) -> None:
        self.post_message(self.Stepped(step, leave=False))

    def action_close(self) -> None:
        """Hide the bar; the screen clears the marks."""
        self.remove_class("-open")
        self.post_message(self.Closed())
