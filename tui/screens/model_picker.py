"""New chat: pick the model, and whether the chat is temporary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.modal import MODALS_CSS_PATH, KeyHints
from tui.text.sanitize import clean_line

TEMPORARY_LABEL = "Temporary chat (not saved to history, not used for training)"
"""The checkbox's label."""

SHORT_HEIGHT = 24
"""Below this many rows the model list shrinks to keep the checkbox in view."""

NO_MODELS_MESSAGE = "The server listed no models."
"""Shown when there is nothing to pick."""

ModelEntry = tuple[str, str, str]
"""``(slug, title, description)`` of one model, as the server sent them."""


@dataclass(frozen=True)
class ModelChoice:
    """The model for the new chat, and whether the chat is temporary."""

    slug: str
    """The model's slug, sent with the first message."""
    temporary: bool
    """True: ``history_and_training_disabled`` (not saved, not used for training)."""


def model_prompt(slug: str, title: str, description: str) -> Content:
    """An option's two lines: ``Title  slug`` then the description, dim. Shown literally."""
    title_text = clean_line(title, limit=80)
    slug_text = clean_line(slug, limit=80)
    first = Content.assemble(
        (title_text or slug_text, "bold"),
        ("  " + slug_text, "dim italic") if title_text and title_text != slug_text else "",
    )
    description_text = clean_line(description, limit=200)
    if not description_text:
        return first
    return Content("\n").join([first, Content.styled(description_text, "dim")])


class ModelPickerScreen(ModalScreen[ModelChoice | None]):
    """Pick a model for a new chat. Dismisses with a :class:`ModelChoice`, or ``None``."""

    CSS_PATH = MODALS_CSS_PATH
    """The shared dialog stylesheet."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: with the checkbox focused, enter would toggle it; space does that.
        Binding(
            "enter",
            "submit",
            "start chat",
            priority=True,
            id="model_picker.submit",
            tooltip="Start a new chat with the highlighted model",
        ),
        Binding(
            "t",
            "toggle_temporary",
            "temporary",
            id="model_picker.temporary",
            tooltip="Toggle a temporary chat (not saved, not used for training)",
        ),
        Binding("escape", "cancel", "cancel", id="model_picker.cancel", tooltip="No new chat"),
    ]
    """enter starts the chat, t toggles "temporary", escape cancels."""

    def __init__(
        self,
        models: Sequence[ModelEntry],
        selected: str | None = None,
        *,
        temporary: bool = False,
    ) -> None:
        """``selected`` is the last used slug (highlighted first); ``temporary`` the initial
        state of the checkbox. A ``selected`` slug missing from ``models`` is still offered."""
        super().__init__()
        # Option ids must be unique, and an empty id would be no id at all.
        entries: list[ModelEntry] = []
        for slug, title, description in models:
            if slug and all(slug != seen for seen, _, _ in entries):
                entries.append((slug, title, description))
        if selected and all(slug != selected for slug, _, _ in entries):
            entries.insert(0, (selected, "", ""))
        self._models = entries
        """The models to offer, in order."""
        self._selected = selected
        """The slug to highlight first."""
        self._temporary = temporary
        """The checkbox's initial state."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="model-picker-box"):
            yield Label("New chat", classes="modal-title")
            with Vertical(classes="modal-body"):
                if self._models:
                    yield OptionList(
                        *(
                            Option(model_prompt(slug, title, description), id=slug)
                            for slug, title, description in self._models
                        ),
                        id="model-list",
                    )
                else:
                    yield Static(NO_MODELS_MESSAGE, classes="modal-error -shown", markup=False)
                yield Checkbox(TEMPORARY_LABEL, self._temporary, id="model-temporary")
            yield KeyHints(classes="modal-hints")

    def on_resize(self, event: events.Resize) -> None:
        # On a short terminal the list gets fewer rows (styles/modals.tcss), so that the
        # temporary-chat box under it stays on screen.
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    def on_mount(self) -> None:
        self.set_class(self.app.size.height < SHORT_HEIGHT, "-short")
        if not self._models:
            self.query_one("#model-temporary", Checkbox).focus()
            return
        options = self.query_one("#model-list", OptionList)
        slugs = [slug for slug, _, _ in self._models]
        options.highlighted = slugs.index(self._selected) if self._selected in slugs else 0
        options.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return bool(self._models)
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # A click on an option (enter is the screen's priority binding).
        event.stop()
        self._finish(event.option.id)

    def _finish(self, slug: str | None) -> None:
        if slug is None:
            return
        temporary = self.query_one("#model-temporary", Checkbox).value
        self.dismiss(ModelChoice(slug=slug, temporary=temporary))

    def action_submit(self) -> None:
        """Dismiss with the highlighted model and the checkbox's state."""
        options = self.query_one("#model-list", OptionList)
        if options.highlighted is None:
            return
        self._finish(options.get_option_at_index(options.highlighted).id)

    def action_toggle_temporary(self) -> None:
        """Flip the "temporary chat" checkbox."""
        checkbox = self.query_one("#model-temporary", Checkbox)
        checkbox.value = not checkbox.value

    def action_cancel(self) -> None:
        """Dismiss with ``None``."""
        self.dismiss(None)
