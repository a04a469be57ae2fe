"""Export a conversation to a file: which part, which format, where.

:func:`ask_export` runs the whole exchange: the dialog, then "Replace?" when the file exists;
answering no (or escape) there comes back to the dialog with the choice kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from tui.controllers.export_files import (
    EXTENSIONS,
    SLUG_MAX,
    Format,
    Scope,
    export_file_name,
    slugify,
)
from tui.screens.confirm import ConfirmScreen
from tui.screens.modal import MODALS_CSS_PATH, KeyHints, after_typed_keys, plain
from tui.text.sanitize import clean_line

__all__ = [
    "EMPTY_PATH_MESSAGE",
    "EXTENSIONS",
    "FOLDER_MESSAGE",
    "SLUG_MAX",
    "ExportChoice",
    "ExportScreen",
    "Format",
    "Scope",
    "ask_export",
    "slugify",
]

EMPTY_PATH_MESSAGE = "Choose a file name"
"""Shown when enter is pressed with an empty path."""

FOLDER_MESSAGE = "That is a folder: add a file name"
"""Shown when the path names an existing directory."""

SHORT_HEIGHT = 24
"""Below this many rows the dialog drops its blank lines (class ``-short``)."""


@dataclass(frozen=True)
class ExportChoice:
    """What the user chose: export ``scope`` as ``fmt`` to ``path``."""

    scope: Scope
    """Active branch or whole tree."""
    fmt: Format
    """Markdown or JSON."""
    path: Path
    """Where to write; relative paths are already resolved against the suggested directory."""


class ExportScreen(ModalScreen[ExportChoice | None]):
    """Ask what to export and where. Dismisses with an :class:`ExportChoice`, or ``None``."""

    CSS_PATH = MODALS_CSS_PATH
    """The shared dialog stylesheet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: inside a RadioSet enter would toggle a button; space does that here.
        Binding(
            "enter",
            "submit",
            "export",
            priority=True,
            id="export.submit",
            tooltip="Write the file",
        ),
        Binding("escape", "cancel", "cancel", id="export.cancel", tooltip="Do not export"),
    ]
    """enter exports, escape cancels (space picks an option)."""

    def __init__(
        self,
        title: str | None,
        *,
        directory: Path | None = None,
        scope: Scope = "branch",
        fmt: Format = "markdown",
        day: date | None = None,
        path: Path | None = None,
    ) -> None:
        """``title`` is the conversation's title and ``day`` its date (the file name is made
        from them); ``directory`` is where a relative path goes (the current directory by
        default); ``path`` is a path typed before (back from "Replace?"), kept as it was."""
        super().__init__()
        self._title = title
        """The conversation's title, from the server."""
        self._directory = directory if directory is not None else Path.cwd()
        """The base of relative paths."""
        self._scope: Scope = scope
        """The scope chosen so far."""
        self._fmt: Format = fmt
        """The format chosen so far."""
        self._day = day or date.today()
        """The date in the suggested file name."""
        self._suggestion = self._suggest()
        """The last file name we suggested; replaced on a scope or format switch unless edited."""
        self._initial = self._shown_path(path) if path is not None else self._suggestion
        """What the path field starts with."""

    def _suggest(self) -> str:
        return export_file_name(self._title, self._scope, self._fmt, self._day)

    def _shown_path(self, path: Path) -> str:
        """``path`` relative to the directory when it is inside it (as the user typed it)."""
        try:
            return str(path.relative_to(self._directory))
        except ValueError:
            return str(path)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="export-box"):
            yield Label("Export conversation", classes="modal-title")
            with Vertical(classes="modal-body"):
                yield Static(plain(self._title or "Untitled", limit=100), id="export-subject")
                with Horizontal(id="export-options"):
                    with Vertical(classes="export-group"):
                        yield Label("What", classes="modal-label")
                        with RadioSet(id="export-scope"):
                            yield RadioButton(
                                "Active branch", value=self._scope == "branch", id="scope-branch"
                            )
                            yield RadioButton(
                                "All branches", value=self._scope == "tree", id="scope-tree"
                            )
                    with Vertical(classes="export-group", id="export-format-group"):
                        yield Label("Format", classes="modal-label")
                        with RadioSet(id="export-format"):
                            yield RadioButton(
                                "Markdown", value=self._fmt == "markdown", id="format-markdown"
                            )
                            yield RadioButton("JSON", value=self._fmt == "json", id="format-json")
                yield Label("File", classes="modal-label")
                yield Input(self._initial, id="export-path", placeholder="file name or path")
                yield Static(f"Relative to {self._directory}", id="export-directory", markup=False)
                yield Static("", id="export-error", classes="modal-error", markup=False)
            yield KeyHints(classes="modal-hints")

    def on_resize(self, event: events.Resize) -> None:
        # On a short terminal the spacing goes (styles/modals.tcss), so that the file field
        # and the key hints stay on screen.
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    def on_mount(self) -> None:
        self.set_class(self.app.size.height < SHORT_HEIGHT, "-short")
        self.query_one("#export-scope", RadioSet).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        pressed = event.pressed.id or ""
        if event.radio_set.id == "export-scope":
            self._scope = "tree" if pressed == "scope-tree" else "branch"
        elif event.radio_set.id == "export-format":
            self._fmt = "json" if pressed == "format-json" else "markdown"
        self._follow_choice()

    def _follow_choice(self) -> None:
        field = self.query_one("#export-path", Input)
        if field.value.strip() == self._suggestion:
            # Still our suggestion: follow the choice. An edited path is the user's business.
            self._suggestion = self._suggest()
            field.value = self._suggestion

    def _show_error(self, message: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def action_submit(self) -> None:
        """Dismiss with the choice, unless the path is empty or a folder."""
        after_typed_keys(self.query_one("#export-path", Input), self._submit)

    def _submit(self) -> None:
        if not self.is_attached:
            return
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._show_error(EMPTY_PATH_MESSAGE)
            return
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self._directory / path
        if path.is_dir():
            self._show_error(FOLDER_MESSAGE)
            return
        self.dismiss(ExportChoice(scope=self._scope, fmt=self._fmt, path=path))

    def action_cancel(self) -> None:
        """Dismiss with ``None``."""
        self.dismiss(None)


def ask_export(
    app: App[object],
    title: str | None,
    write: Callable[[ExportChoice], None],
    *,
    directory: Path,
    day: date | None = None,
) -> None:
    """Ask what to export and where, then ``write`` the choice.

    A file that exists is replaced only after a yes to "Replace?"; no (or escape) there comes
    back to the dialog with everything chosen so far, to pick another name.
    """

    def show(previous: ExportChoice | None) -> None:
        if previous is None:
            dialog = ExportScreen(title, directory=directory, day=day)
        else:
            dialog = ExportScreen(
                title,
                directory=directory,
                day=day,
                scope=previous.scope,
                fmt=previous.fmt,
                path=previous.path,
            )
        app.push_screen(dialog, chosen)

    def chosen(choice: ExportChoice | None) -> None:
        if choice is None:
            return
        if not choice.path.exists():
            write(choice)
            return
        # Never replace a file the user may care about without asking.
        app.push_screen(
            ConfirmScreen(
                f"Replace “{clean_line(choice.path.name, limit=80)}”?",
                f"It already exists in {clean_line(str(choice.path.parent), limit=200)}.",
                confirm_label="Replace",
                danger=True,
            ),
            lambda replace: write(choice) if replace else show(choice),
        )

    show(None)
