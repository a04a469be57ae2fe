"""Find inside the open conversation: the messages of the whole thread, mounted or not.

:class:`FindingWindow` is the message window with find added: the text is looked for in every
message of the thread (:func:`tui.conversation.locate.find_in_messages`), the mounted views
mark it, and stepping focuses each match's message (mounting a window around it) and scrolls
the match itself into view. The find bar (:mod:`tui.widgets.find_bar`) collects the text; the
screen passes it here. With find off, ``n`` / ``N`` ask the screen for the next search hit.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Region
from textual.message import Message

from tui.conversation.locate import FindMatch, find_in_messages, find_pattern
from tui.conversation.tree import VisibleMessage
from tui.widgets.message_view import MessageView
from tui.widgets.message_window import MessageWindow


class FindingWindow(MessageWindow):
    """The message window, plus find over the whole thread. Its keys (/, n, N, esc) are bound
    in the transcript's ``BINDINGS``, after the navigation keys, as the help lists them."""

    class FindWanted(Message):
        """The user asked to find text in the conversation (the screen shows the find bar)."""

    class FindMoved(Message):
        """The current find match changed: the find bar shows "3 of 12"."""

        def __init__(self, index: int | None, total: int) -> None:
            self.index = index
            """0-based index of the current match; None before the first step."""
            self.total = total
            """How many matches the whole thread has."""
            super().__init__()

    class FindDismissed(Message):
        """esc in the messages while find is on: the screen closes the find bar."""

    class MatchStep(Message):
        """n / N with no find active: the screen steps through its search hits."""

        def __init__(self, step: int) -> None:
            self.step = step
            """+1 for the next hit, -1 for the previous one."""
            super().__init__()

    def __init__(self, **window_options: Any) -> None:
        """``window_options``: as :class:`MessageWindow` takes them (``now``, ``id``...)."""
        super().__init__(**window_options)
        self._find_text = ""
        """What the find bar looks for ("" when find is off)."""
        self._find_matches: list[FindMatch] = []
        """Every match in the whole thread (mounted or not), in thread order."""
        self._find_index: int | None = None
        """The current match, once the user has stepped to one."""

    def replace_from(self, position: int, messages: list[VisibleMessage]) -> None:
        """As the window does; a find that is on searches the new thread again."""
        self._messages = list(messages)
        self._refind()
        super().replace_from(position, messages)

    def focus_message(self, position: int) -> None:
        """Focus and show the message at ``position`` (the transcript knows how)."""
        raise NotImplementedError

    @property
    def find_matches(self) -> tuple[FindMatch, ...]:
        """Where the find bar's text occurs in the whole thread."""
        return tuple(self._find_matches)

    def set_find(self, text: str) -> int:
        """Find ``text`` in every message of the thread and mark it; returns the match count."""
        self._find_text = text
        self._find_index = None
        self._refind()
        if not text:
            self.post_message(self.FindMoved(None, 0))
        return len(self._find_matches)

    def clear_find(self) -> None:
        """Find is off: no marks, n / N step through search hits again."""
        self.set_find("")

    def step_find(self, step: int) -> None:
        """Focus the next (+1) or previous (-1) match, wrapping around."""
        matches = self._find_matches
        if not matches:
            self.app.bell()
            return
        if self._find_index is None:
            self._find_index = 0 if step > 0 else len(matches) - 1
        else:
            self._find_index = (self._find_index + step) % len(matches)
        match = matches[self._find_index]
        ordinal = sum(
            1 for other in matches[: self._find_index] if other.position == match.position
        )
        self.focus_message(match.position)
        self.call_after_refresh(self._show_match_line, match.position, ordinal)
        self.post_message(self.FindMoved(self._find_index, len(matches)))

    def _show_match_line(self, position: int, ordinal: int) -> None:
        """Scroll the match itself into view (in a long message it may be far below its top)."""
        start, end = self.window
        if not start <= position < end:
            return
        view = self._views[position - start]
        line = view.match_line(ordinal)
        if not line:
            return
        target = Region(0, view.virtual_region.y + line, 1, 1)
        self.scroll_to_region(target, animate=False, immediate=True, center=True)

    def _refind(self) -> None:
        pattern = find_pattern(self._find_text)
        self._find_matches = find_in_messages(self._messages, self._find_text)
        if self._find_index is not None and self._find_index >= len(self._find_matches):
            self._find_index = None
        for view in self._views:
            view.set_find(pattern)
        if self._find_text:
            # Another conversation or branch: the bar's count follows the thread shown.
            self.post_message(self.FindMoved(self._find_index, len(self._find_matches)))

    def _make_view(self, message: VisibleMessage, position: int) -> MessageView:
        view = super()._make_view(message, position)
        view.set_find(find_pattern(self._find_text))
        return view

    def action_find(self) -> None:
        """Ask the screen for the find bar."""
        self.post_message(self.FindWanted())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """esc closes find only while it is on; otherwise it stops a reply, as everywhere."""
        if action == "close_find":
            return bool(self._find_text)
        return True

    def action_close_find(self) -> None:
        self.post_message(self.FindDismissed())

    def action_match(self, step: int) -> None:
        """n / N: the next or previous find match; with find off, the next search hit."""
        if self._find_text:
            self.step_find(step)
        else:
            self.post_message(self.MatchStep(step))
