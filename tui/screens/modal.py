"""What every backchat dialog shares: the stylesheet, the key-hints line, and safe text helpers.

A dialog is a centred ``.modal-box`` holding a ``.modal-title`` bar, its body, and a
:class:`KeyHints` line ("enter rename · esc cancel") built from the screen's own bindings, so a
key the user remapped with a keymap is shown as remapped.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Static

from tui.paths import styles_dir
from tui.text.sanitize import clean_line, clean_text

MODALS_CSS_PATH = str(styles_dir() / "modals.tcss")
"""The dialogs' stylesheet. Screens name it in ``CSS_PATH`` so they look right in any app that
pushes them; Textual reads a path only once, however many screens (or the app) name it."""

HINT_SEPARATOR = " · "
"""Between two hints on the key-hints line."""


def after_typed_keys(field: Input, callback: Callable[[], object]) -> None:
    """Run ``callback`` once ``field`` has handled every key already sent to it.

    Textual 8.2.8 runs a priority binding (a dialog's enter) as soon as the key arrives, while
    keys typed just before it may still wait in the focused Input's message queue (fast typing,
    a terminal that sends a burst): reading the value at once loses them, e.g. a rename saved
    as "Senso" for "Sensor plots". A callback queued on the Input runs after those keys.
    """
    field.call_later(callback)


def plain(text: object, *, one_line: bool = True, limit: int | None = None) -> Content:
    """Untrusted text as ``Content`` that is shown literally: cleaned of control sequences and
    never parsed as markup (docs/TEXTUAL-NOTES.md §7)."""
    value = clean_line(text, limit=limit) if one_line else clean_text(text)
    return Content(value)


class KeyHints(Static):
    """One dim line listing the screen's visible bindings: ``enter rename · esc cancel``.

    It reads ``Screen.active_bindings`` (which already has the app's keymap applied) and keeps
    only bindings defined on the screen itself, so the app's global keys do not leak into a
    dialog. It refreshes whenever the screen's bindings change (focus moves, an action is
    disabled). Checked on Textual 8.2.8, where ``Footer`` does the same through the public
    ``bindings_updated_signal``.
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.refresh_hints)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh_hints()

    def refresh_hints(self) -> None:
        """Rebuild the line from the screen's active bindings."""
        self.update(self.hints_content())

    def hints_content(self) -> Content:
        """The hints as ``Content``: the key in bold, its description after it."""
        screen = self.screen
        # A remapped key moves to the end of active_bindings; keep the order of BINDINGS.
        order = {
            binding.action: index
            for index, binding in enumerate(Binding.make_bindings(screen.BINDINGS))
        }
        shown: dict[str, Binding] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if active.node is screen and binding.show and binding.action not in shown:
                shown[binding.action] = binding
        parts: list[str | Content | tuple[str, str]] = []
        for binding in sorted(shown.values(), key=lambda b: order.get(b.action, len(order))):
            if parts:
                parts.append((HINT_SEPARATOR, "dim"))
            # Textual 8.2.8 displays enter as "⏎"; the hints spell it out.
            key = self.app.get_key_display(binding).replace("⏎", "enter")
            parts.append((key, "bold"))
            parts.append(f" {binding.description}")
        return Content.assemble(*parts)
