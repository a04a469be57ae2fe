"""Export a conversation to a file: which part, which format, where."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from tui.screens.modal import MODALS_CSS_PATH, KeyHints, after_typed_keys, plain
from tui.text.sanitize import clean_line

Scope = Literal["branch", "tree"]
"""``branch``: the messages on screen; ``tree``: every branch of the conversation."""

Format = Literal["markdown", "json"]
"""The file format."""

EXTENSIONS: dict[Format, str] = {"markdown": ".md", "json": ".json"}
"""The suggested file extension of each format."""

EMPTY_PATH_MESSAGE = "Choose a file name"
"""Shown when enter is pressed with an empty path."""

FOLDER_MESSAGE = "That is a folder: add a file name"
"""Shown when the path names an existing directory."""

SLUG_MAX = 60
"""The longest slug taken from a title (characters)."""


@dataclass(frozen=True)
class ExportChoice:
    """What the user chose: export ``scope`` as ``fmt`` to ``path``."""

    scope: Scope
    """Active branch or whole tree."""
    fmt: Format
    """Markdown or JSON."""
    path: Path
    """Where to write; relative paths are already resolved against the suggested directory."""


def slugify(title: str | None) -> str:
    """A file-name-safe form of a title: ``"Hello, World!"`` → ``hello-world``.

    Letters of any script are kept (``物流`` stays), everything else becomes a single dash.
    An empty result becomes ``conversation``.
    """
    words = re.sub(r"[^\w]+", "-", clean_line(title).lower()).replace("_", "-")
    slug = re.sub(r"-{2,}", "-", words).strip("-")[:SLUG_MAX].strip("-")
    return slug or "conversation"


def suggested_name(title: str | None, fmt: Format) -> str:
    """``<slugified-title>.md`` (or ``.json``)."""
    return slugify(title) + EXTENSIONS[fmt]


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
    ) -> None:
        """``title`` is the conversation's title (the file name is made from it);
        ``directory`` is where a relative path goes (the current directory by default)."""
        super().__init__()
        self._title = title
        """The conversation's title, from the server."""
        self._directory = directory if directory is not None else Path.cwd()
        """The base of relative paths."""
        self._scope: Scope = scope
        """The scope chosen so far."""
        self._fmt: Format = fmt
        """The format chosen so far."""
        self._suggestion = suggested_name(title, fmt)
        """The last file name we suggested; replaced on a format switch unless edited."""

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
                                "Whole tree (all branches)",
                                value=self._scope == "tree",
                                id="scope-tree",
                            )
                    with Vertical(classes="export-group", id="export-format-group"):
                        yield Label("Format", classes="modal-label")
                        with RadioSet(id="export-format"):
                            yield RadioButton(
                                "Markdown", value=self._fmt == "markdown", id="format-markdown"
                            )
                            yield RadioButton("JSON", value=self._fmt == "json", id="format-json")
                yield Label("File", classes="modal-label")
                yield Input(self._suggestion, id="export-path", placeholder="file name or path")
                yield Static(f"Relative to {self._directory}", id="export-directory", markup=False)
                yield Static("", id="export-error", classes="modal-error", markup=False)
            yield KeyHints(classes="modal-hints")

    def on_mount(self) -> None:
        self.query_one("#export-scope", RadioSet).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        pressed = event.pressed.id or ""
        if event.radio_set.id == "export-scope":
            self._scope = "tree" if pressed == "scope-tree" else "branch"
        elif event.radio_set.id == "export-format":
            self._set_format("json" if pressed == "format-json" else "markdown")

    def _set_format(self, fmt: Format) -> None:
        self._fmt = fmt
        field = self.query_one("#export-path", Input)
        if field.value.strip() == self._suggestion:
            # Still our suggestion: follow the format. An edited path is the user's business.
            self._suggestion = suggested_name(self._title, fmt)
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
