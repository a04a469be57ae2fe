"""Rename a conversation: one input, pre-filled with the current title."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.widgets.input import Selection

from tui.screens.modal import MODALS_CSS_PATH, KeyHints, after_typed_keys
from tui.text.sanitize import clean_line

MAX_TITLE_LENGTH = 200
"""The longest title the dialog accepts (in characters, after trimming)."""

EMPTY_MESSAGE = "A title can't be empty"
"""Shown under the input when the trimmed title is empty."""


def too_long_message(length: int) -> str:
    """Shown under the input when the title passes :data:`MAX_TITLE_LENGTH`."""
    return f"A title can be at most {MAX_TITLE_LENGTH} characters (this one has {length})"


class RenameScreen(ModalScreen[str | None]):
    """Ask for a new title. Dismisses with the trimmed title, or ``None`` when cancelled."""

    CSS_PATH = MODALS_CSS_PATH
    """The shared dialog stylesheet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority, so that it wins over the Input's own enter binding; the Input would only
        # post Submitted, and the screen does the same work here.
        Binding(
            "enter",
            "submit",
            "rename",
            priority=True,
            id="rename.submit",
            tooltip="Save the new title",
        ),
        Binding("escape", "cancel", "cancel", id="rename.cancel", tooltip="Keep the old title"),
    ]
    """enter saves, escape cancels."""

    def __init__(self, title: str | None) -> None:
        """``title`` is the conversation's current title, straight from the server."""
        super().__init__()
        self._current = clean_line(title)
        """The current title, cleaned (the input is pre-filled with it)."""
        self._error = ""
        """The error shown under the input, if any."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="rename-box"):
            yield Label("Rename conversation", classes="modal-title")
            with Vertical(classes="modal-body"):
                yield Input(
                    self._current,
                    placeholder="New title",
                    id="rename-input",
                    select_on_focus=False,
                )
                yield Static("", id="rename-error", classes="modal-error", markup=False)
            yield KeyHints(classes="modal-hints")

    def on_mount(self) -> None:
        field = self.query_one("#rename-input", Input)
        field.focus()
        # The whole title selected with the cursor at its end: typing replaces it, and
        # right/end keeps it for editing.
        field.selection = Selection(0, len(field.value))

    def on_input_changed(self, event: Input.Changed) -> None:
        length = len(event.value.strip())
        if length > MAX_TITLE_LENGTH:
            self._show_error(too_long_message(length))
        elif length or self._error != EMPTY_MESSAGE:
            # An empty title keeps "can't be empty": a Changed that arrives after enter (a
            # pasted or scripted value) must not wipe the refusal the user has to see.
            self._show_error("")

    def _show_error(self, message: str) -> None:
        self._error = message
        error = self.query_one("#rename-error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def action_submit(self) -> None:
        """Dismiss with the trimmed title, unless it is empty or too long."""
        after_typed_keys(self.query_one("#rename-input", Input), self._submit)

    def _submit(self) -> None:
        if not self.is_attached:
            return
        title = self.query_one("#rename-input", Input).value.strip()
        if not title:
            self._show_error(EMPTY_MESSAGE)
        elif len(title) > MAX_TITLE_LENGTH:
            self._show_error(too_long_message(len(title)))
        else:
            self.dismiss(title)

    def action_cancel(self) -> None:
        """Dismiss with ``None``: the title stays as it was."""
        self.dismiss(None)
