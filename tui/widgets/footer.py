"""The key bar at the bottom: Textual's Footer, rebuilt only when the keys it shows change."""

from __future__ import annotations

from collections.abc import Hashable

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that rebuilds once per burst of binding changes, and not at all for no change.

    Textual's Footer (checked on 8.2.x) schedules a full recompose, one new widget per key, for
    every ``bindings_updated`` signal, even when several arrive before the next frame and when
    nothing it shows changed (a focus moved within a pane): at start-up that was six rebuilds,
    and restyling the keys was a third of the time from import to the first frame.
    """

    _rebuild_pending = False
    _shown: Hashable = None
    """What the last rebuild showed (see :meth:`_keys_shown`)."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def _keys_shown(self) -> Hashable:
        """Everything the footer's compose reads from the bindings, as one comparable value."""
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (key, binding.action, binding.description, binding.show, enabled, tip)
                + ((binding.group.description, binding.group.compact) if binding.group else ())
                for key, (_node, binding, enabled, tip) in self.screen.active_bindings.items()
            ),
        )

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        shown = self._keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()
