"""The composer: a multi-line prompt box under the message pane."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import TextArea


class Composer(TextArea):
    """Multi-line prompt. ``enter`` sends; ``ctrl+j`` (or ``shift+enter``) starts a new line.

    Many terminals send the same byte for ``shift+enter`` as for ``enter``, so ``ctrl+j`` (a
    plain line feed, which every terminal can send) is the documented way to add a line.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "send",
            "Send",
            id="composer.send",
            priority=True,
            tooltip="Send the prompt (ctrl+j adds a new line)",
        ),
    ]
    """``enter`` is a priority binding so it wins over TextArea's own newline insertion."""

    NEWLINE_KEYS = frozenset({"ctrl+j", "shift+enter", "alt+enter"})
    """Keys that insert a line break instead of sending."""

    busy: reactive[bool] = reactive(False)
    """True while a reply streams: sending is disabled (one reply at a time per account)."""

    @dataclass
    class Submitted(Message):
        """The user asked to send ``text`` (already stripped, never empty)."""

        composer: Composer
        text: str

    class Refused(Message):
        """The user pressed send while a reply streams; the app says why."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            show_line_numbers=False,
            tab_behavior="focus",
            compact=True,
            placeholder="Message… (enter sends · ctrl+j new line)",
        )

    async def _on_key(self, event: events.Key) -> None:
        if event.key in self.NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
            return
        await super()._on_key(event)

    def action_send(self) -> None:
        # Textual 8.2.8 runs a priority binding as soon as its key arrives, while keys typed
        # just before it (a fast typist, a pasted burst, tmux send-keys) may still wait in this
        # widget's queue: read the text only after they have been inserted.
        self.call_later(self._send_typed)

    def _send_typed(self) -> None:
        text = self.text.strip()
        if not text:
            return
        if self.busy:
            self.post_message(self.Refused())
            return
        self.post_message(self.Submitted(self, text))

    def watch_busy(self, busy: bool) -> None:
        self.set_class(busy, "-busy")
        self.border_subtitle = "replying… (esc stops)" if busy else ""
        if self.is_attached:
            # The footer's stop / continue keys depend on whether a reply streams.
            self.screen.refresh_bindings()
