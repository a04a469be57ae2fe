"""A yes/no question before something that cannot be taken back (delete, archive, export)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from tui.screens.modal import MODALS_CSS_PATH, KeyHints, plain
from tui.text.sanitize import clean_line


class ConfirmScreen(ModalScreen[bool]):
    """Ask ``question``; dismiss with ``True`` to go ahead, ``False`` to cancel.

    ``question`` and ``detail`` may hold server text (a conversation title): both are shown
    literally, never parsed as markup.
    """

    CSS_PATH = MODALS_CSS_PATH
    """The shared dialog stylesheet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "confirm", "yes", id="confirm.yes", tooltip="Go ahead"),
        Binding("n,escape", "cancel", "no", id="confirm.no", tooltip="Cancel, change nothing"),
        Binding(
            "left",
            "app.focus_previous",
            show=False,
            id="confirm.previous",
            tooltip="Focus the previous button",
        ),
        Binding(
            "right",
            "app.focus_next",
            show=False,
            id="confirm.next",
            tooltip="Focus the next button",
        ),
    ]
    """y or enter confirms, n or escape cancels; left/right move between the two buttons."""

    def __init__(
        self,
        question: str,
        detail: str = "",
        *,
        confirm_label: str = "Confirm",
        cancel_label: str = "Cancel",
        danger: bool = False,
        title: str = "Are you sure?",
    ) -> None:
        """``danger`` paints the confirm button (and the box) in the error colour."""
        super().__init__(classes="-danger" if danger else None)
        self._question = question
        """The question, e.g. ``Delete “<title>”?``."""
        self._detail = detail
        """One or two sentences under the question; empty for none."""
        self._confirm_label = confirm_label
        """The confirm button's text, e.g. ``Delete``."""
        self._cancel_label = cancel_label
        """The cancel button's text."""
        self._danger = danger
        """Whether confirming destroys or hides something."""
        self._title = title
        """The title bar's text."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="confirm-box"):
            yield Label(plain(self._title), classes="modal-title")
            with Vertical(classes="modal-body"):
                yield Static(plain(self._question, limit=300), id="confirm-question")
                if self._detail:
                    yield Static(plain(self._detail, one_line=False), id="confirm-detail")
                with Horizontal(classes="modal-buttons"):
                    # Button() parses a str label as markup: always hand it Content.
                    yield Button(
                        Content(clean_line(self._cancel_label)), id="confirm-cancel", compact=True
                    )
                    yield Button(
                        Content(clean_line(self._confirm_label)),
                        id="confirm-ok",
                        variant="error" if self._danger else "primary",
                        compact=True,
                    )
            yield KeyHints(classes="modal-hints")

    def on_mount(self) -> None:
        # enter on the focused button presses it, so focusing "confirm" keeps enter = yes.
        self.query_one("#confirm-ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-ok")

    def action_confirm(self) -> None:
        """Dismiss with ``True``."""
        self.dismiss(True)

    def action_cancel(self) -> None:
        """Dismiss with ``False``."""
        self.dismiss(False)
