"""The key bar at the bottom: Textual's Footer, rebuilt at most once per frame."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    """A Footer that coalesces the rebuilds a burst of binding changes asks for.

    Textual's Footer (checked on 8.2.x) schedules a full recompose, one new widget per key, for
    every ``bindings_updated`` signal, even when several arrive before the next frame: at start-up
    that was six rebuilds (focus, screen resume, the list's first page, the composer's state),
    and restyling the keys was a third of the time from import to the first frame. One rebuild
    after the burst shows the same keys.
    """

    _rebuild_pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
