"""The keys dialog: every active binding, grouped by pane, with the id that remaps it.

The id is what ``[keymap]`` in the config file takes (``conversation.rename = "R"``), so the
dialog is where a user finds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.screens.modal import MODALS_CSS_PATH, KeyHints
from tui.text.sanitize import clean_line

HelpEntry = tuple[str, str, str] | tuple[str, str, str, str]
"""``(group, key_display, description[, binding_id])``, e.g.
``("Sidebar", "r", "Rename conversation", "conversation.rename")``."""

HelpRow = tuple[str, str] | tuple[str, str, str]
"""``(key_display, description[, binding_id])``: one line of a group."""

KEY_COLUMN_MIN = 8
"""The key column is at least this wide (cells)."""


def group_entries(entries: Iterable[HelpEntry]) -> dict[str, list[HelpRow]]:
    """Entries grouped by their group, groups in order of first appearance."""
    groups: dict[str, list[HelpRow]] = {}
    for entry in entries:
        groups.setdefault(entry[0], []).append(entry[1:])
    return groups


class HelpScreen(ModalScreen[None]):
    """List the key bindings the app passes in; escape, q or ? closes."""

    CSS_PATH = MODALS_CSS_PATH
    """The shared dialog stylesheet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark",
            "close",
            "close",
            id="help.close",
            tooltip="Close the keys dialog",
        ),
    ]
    """escape, q or ? closes."""

    def __init__(self, entries: Iterable[HelpEntry], *, title: str = "Keys") -> None:
        """``entries`` in display order; the app decides which bindings are active."""
        super().__init__()
        self._groups = group_entries(entries)
        """Group name → (key, description) rows."""
        self._title = title
        """The title bar's text."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="help-box"):
            yield Label(Content(clean_line(self._title)), classes="modal-title")
            with VerticalScroll(id="help-scroll", classes="modal-body"):
                if not self._groups:
                    yield Static("No keys to show.", markup=False)
                for group, rows in self._groups.items():
                    yield Static(Content(clean_line(group)), classes="help-group")
                    yield Static(self._rows(rows), classes="help-rows")
            yield KeyHints(classes="modal-hints")

    @staticmethod
    def _rows(rows: list[HelpRow]) -> Content:
        keys = [clean_line(row[0]) for row in rows]
        descriptions = [clean_line(row[1]) for row in rows]
        width = max(KEY_COLUMN_MIN, *(cell_len(key) + 2 for key in keys))
        said = max(cell_len(description) for description in descriptions) + 2
        lines = []
        for key, description, row in zip(keys, descriptions, rows, strict=True):
            binding_id = clean_line(row[2]) if len(row) > 2 else ""
            lines.append(
                Content.assemble(
                    (key + " " * (width - cell_len(key)), "bold $accent"),
                    description + (" " * (said - cell_len(description)) if binding_id else ""),
                    (binding_id, "$text-muted"),
                )
            )
        return Content("\n").join(lines)

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)
