"""The keys dialog: every active binding, grouped by pane, with the id that remaps it.

The id is what ``[keymap]`` in the config file takes (``conversation.rename = "R"``), so the
dialog is where a user finds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len
from textual import events
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


class HelpRows(Static):
    """One group's rows: key, description, binding id, in columns.

    Where the three do not fit on one line, the id goes on a line of its own under the
    description, instead of wrapping to the left edge under the key.
    """

    def __init__(self, rows: list[HelpRow], *, classes: str | None = None) -> None:
        super().__init__(rows_content(rows), classes=classes)
        self.rows = rows
        """The rows shown."""

    def on_resize(self, event: events.Resize) -> None:
        """Lay the rows out again for the new width."""
        self.update(rows_content(self.rows, event.size.width))


def rows_content(rows: list[HelpRow], width: int | None = None) -> Content:
    """``rows`` as lines at ``width`` cells (None: any width, one line per row)."""
    keys = [clean_line(row[0]) for row in rows]
    descriptions = [clean_line(row[1]) for row in rows]
    ids = [clean_line(row[2]) if len(row) > 2 else "" for row in rows]
    key_width = max(KEY_COLUMN_MIN, *(cell_len(key) + 2 for key in keys))
    said = max(cell_len(description) for description in descriptions) + 2
    widest_id = max(cell_len(binding_id) for binding_id in ids)
    one_line = width is None or key_width + said + widest_id <= width
    lines = []
    for key, description, binding_id in zip(keys, descriptions, ids, strict=True):
        head = (key + " " * (key_width - cell_len(key)), "bold $accent")
        if one_line:
            gap = " " * (said - cell_len(description)) if binding_id else ""
            lines.append(Content.assemble(head, description + gap, (binding_id, "$text-muted")))
            continue
        lines.append(Content.assemble(head, description))
        if binding_id:
            lines.append(Content.assemble(" " * key_width, (binding_id, "$text-muted")))
    return Content("\n").join(lines)


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
                    yield HelpRows(rows, classes="help-rows")
            yield KeyHints(classes="modal-hints")

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the dialog."""
        self.dismiss(None)
