"""The transcript: a conversation's visible messages, with keys to move, copy and switch branch.

What is mounted when (a window over the conversation, loaded as the user scrolls) lives in
:mod:`tui.widgets.message_window`; one message is a :class:`~tui.widgets.message_view.MessageView`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.conversation.tree import VisibleMessage
from tui.rendering.markdown_render import code_blocks
from tui.text.times import Clock, local_now
from tui.widgets.find_window import FindingWindow
from tui.widgets.message_view import MessageView
from tui.widgets.message_window import EMPTY_NO_CONVERSATION, EMPTY_NO_MESSAGES

__all__ = ["EMPTY_NO_CONVERSATION", "EMPTY_NO_MESSAGES", "Transcript", "where_text"]


def where_text(message: VisibleMessage, position: int, total: int) -> str:
    """Where the reader is, for the title bar: "message 12 of 40 · branch 2/3"."""
    text = f"message {position + 1} of {total}"
    if message.sibling_count > 1:
        text += f" · branch {message.sibling_index + 1}/{message.sibling_count}"
    return text


BRANCH_KEYS = Binding.Group("Branch", compact=True)
"""``[`` and ``]`` share one footer entry, "[] Branch": the footer has no room for two."""


class Transcript(FindingWindow):
    """The message pane: one light :class:`MessageView` per visible message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up,k",
            "cursor_up",
            "Previous message",
            show=False,
            id="transcript.previous",
            tooltip="Focus the message above",
        ),
        Binding(
            "down,j",
            "cursor_down",
            "Next message",
            show=False,
            id="transcript.next",
            tooltip="Focus the message below",
        ),
        Binding(
            "home",
            "cursor_first",
            "First message",
            show=False,
            id="transcript.first",
            tooltip="Jump to the first message of the conversation",
        ),
        Binding(
            "end",
            "cursor_last",
            "Last message",
            show=False,
            id="transcript.last",
            tooltip="Focus the newest message and follow new replies",
        ),
        Binding(
            "y",
            "copy_message",
            "Copy",
            id="message.copy",
            tooltip="Copy the focused message as Markdown",
        ),
        Binding(
            "c",
            "copy_code",
            "Copy code",
            id="message.copy_code",
            tooltip="Copy the focused message's next code block",
        ),
        Binding(
            "left_square_bracket",
            "branch(-1)",
            "‹ Branch",
            id="message.branch_previous",
            group=BRANCH_KEYS,
            tooltip="Show the previous version of the focused message",
        ),
        Binding(
            "right_square_bracket",
            "branch(1)",
            "Branch ›",
            id="message.branch_next",
            group=BRANCH_KEYS,
            tooltip="Show the next version of the focused message",
        ),
        Binding(
            "left_curly_bracket",
            "fork(-1)",
            "Previous fork",
            show=False,
            id="transcript.prev_fork",
            tooltip="Focus the nearest message above with other versions (a fork)",
        ),
        Binding(
            "right_curly_bracket",
            "fork(1)",
            "Next fork",
            show=False,
            id="transcript.next_fork",
            tooltip="Focus the nearest message below with other versions (a fork)",
        ),
        Binding(
            "H",
            "toggle_hidden",
            "Hidden messages",
            show=False,
            id="transcript.toggle_hidden",
            tooltip="Show (dimmed) or hide the messages the web app hides: system, "
            "custom instructions, tool calls",
        ),
        Binding(
            "slash",
            "find",
            "Find",
            show=False,
            id="transcript.find",
            tooltip="Find text in every message of the branch shown (n / N: next, previous)",
        ),
        Binding(
            "escape",
            "close_find",
            "Close find",
            show=False,
            id="transcript.close_find",
            tooltip="Close the find bar and clear the marks (while find is on)",
        ),
        Binding(
            "n",
            "match(1)",
            "Next match",
            show=False,
            id="transcript.next_match",
            tooltip="The next match of the find bar, or the next search hit in this chat",
        ),
        Binding(
            "N",
            "match(-1)",
            "Previous match",
            show=False,
            id="transcript.previous_match",
            tooltip="The previous match of the find bar, or the previous search hit",
        ),
    ]
    """Message navigation, copy, branch and hidden-messages keys, then find's (its actions are
    :class:`~tui.widgets.find_window.FindingWindow`'s); the app remaps them by id."""

    class FocusMoved(Message):
        """The focused message changed: the title bar shows where the reader is."""

        def __init__(self, where: str) -> None:
            self.where = where
            """E.g. "message 12 of 40 · branch 2/3"; empty when no message is focused."""
            super().__init__()

    class HiddenToggled(Message):
        """The user asked to show or hide the messages the web app hides."""

    class BranchRequested(Message):
        """The user asked for another sibling of a message (keys [ / ] or a click on ‹ ›)."""

        def __init__(self, node_id: str, index: int) -> None:
            self.node_id = node_id
            """The message's first node (``VisibleMessage.node_id``), whose sibling to show."""
            self.index = index
            """The requested 0-based sibling index (already clamped to the siblings that exist)."""
            super().__init__()

    def __init__(
        self,
        *,
        now: Clock = local_now,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(now=now, id=id, classes=classes)
        self._conversation_id: str | None = None
        self._leaving = False

    @property
    def conversation_id(self) -> str | None:
        """The conversation shown, or None."""
        return self._conversation_id

    @property
    def focused_message(self) -> VisibleMessage | None:
        """The focused message, if any."""
        view = self.focused_view
        return view.message if view is not None else None

    def show(self, messages: list[VisibleMessage], *, conversation_id: str) -> None:
        """Replace the content with ``messages``, showing the newest at the bottom."""
        self._conversation_id = conversation_id
        self._empty_text = EMPTY_NO_MESSAGES
        self._messages = list(messages)
        self._refind()
        self._open_at_end()
        self.post_message(self.FocusMoved(""))

    def clear(self) -> None:
        """Show nothing: the "Select a conversation" state."""
        self._conversation_id = None
        self._empty_text = EMPTY_NO_CONVERSATION
        self._messages = []
        self._open_window(0, 0, at_end=True)
        self.post_message(self.FocusMoved(""))

    def focus_message(self, position: int) -> None:
        """Focus and show the message at ``position``, mounting a window around it if needed."""
        if 0 <= position < len(self._messages):
            self._focus_position(position)

    # -- focus -----------------------------------------------------------------------------

    def on_focus(self) -> None:
        """Tab into the pane focuses the newest mounted message, so what keys act on shows.

        Shift+tab out of a message lands here first (Textual's focus chain lists the pane
        before its messages): then the focus moves on, past the pane, rather than back in.
        """
        if self.holding_focus:
            self.holding_focus = False
            self._leaving = False
            return
        if self.screen.focused is not self:
            return
        if self._leaving:
            self._leaving = False
            self.screen.focus_previous()
            return
        if self._views:
            # Without scrolling: focusing the pane must not move what the reader is looking at
            # (e.g. a reply streaming in below the newest message).
            self._views[-1].focus(scroll_visible=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Tell the screen which message is focused now."""
        view = event.widget
        if isinstance(view, MessageView) and view.parent is self:
            where = where_text(view.message, view.position, len(self._messages))
            self.post_message(self.FocusMoved(where))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Remember, for one refresh, that focus left a message (see :meth:`on_focus`)."""
        if isinstance(event.widget, MessageView):
            self._leaving = True
            self.call_after_refresh(self._forget_leaving)

    def _forget_leaving(self) -> None:
        self._leaving = False

    def _target_view(self) -> MessageView | None:
        """The message that message keys act on: the focused one, else the newest mounted."""
        view = self.focused_view
        if view is not None:
            return view
        return self._views[-1] if self._views else None

    def _focus_view(self, view: MessageView) -> None:
        view.focus(scroll_visible=False)
        # Instant, not animated: a keyboard user moving through messages wants to read at once.
        # A message taller than the screen is shown from its header.
        tall = view.outer_size.height > self.scrollable_content_region.height
        self.scroll_to_view(view, top=tall)

    def _focus_after_load(self, view: MessageView, loaded: bool) -> None:
        """Focus ``view``; after a batch was mounted, scroll only once it has been laid out.

        A just-mounted view has no region yet, and the scroll correction that keeps the
        reader's place runs at the next layout: scrolling to it at once (Textual 8.2.8) could
        leave it above the viewport, which a loaded machine showed in tests.
        """
        if loaded:
            view.focus(scroll_visible=False)
            self.call_after_refresh(self._focus_view, view)
        else:
            self._focus_view(view)

    # -- actions ---------------------------------------------------------------------------

    async def action_cursor_up(self) -> None:
        """Focus the message above the focused one (the newest if none is focused)."""
        await self._step_focus(-1)

    async def action_cursor_down(self) -> None:
        """Focus the message below the focused one (the newest if none is focused)."""
        await self._step_focus(1)

    async def _step_focus(self, step: int) -> None:
        """Focus the message ``step`` away, mounting the next batch first at a window's edge."""
        view = self.focused_view
        if not self._views:
            return
        if view is None:
            self._focus_view(self._views[-1])
            return
        loaded = False
        if view is (self._views[0] if step < 0 else self._views[-1]):
            loaded = await (self.load_older() if step < 0 else self.load_newer()) > 0
            if not loaded:
                return
        index = self._views.index(view) + step  # after a load the view has moved in the list
        if 0 <= index < len(self._views):
            self._focus_after_load(self._views[index], loaded)

    def action_cursor_first(self) -> None:
        """Jump to the first message of the conversation and focus it."""
        if not self._messages:
            return
        if self._start > 0:
            self._open_window(0, self._span_newer(0), at_end=False)
        self._views[0].focus(scroll_visible=False)
        self.scroll_home(animate=False, immediate=True)

    def action_cursor_last(self) -> None:
        """Jump to the newest message, focus it and follow the bottom again."""
        if not self._messages:
            return
        if not self._window_has_newest():
            self._open_at_end()
        self._views[-1].focus(scroll_visible=False)
        self._follow_bottom()

    def action_fork(self, step: int) -> None:
        """Focus the nearest message above (-1) or below (+1) that has other versions."""
        view = self._target_view()
        if view is None:
            return
        position = view.position + step
        while 0 <= position < len(self._messages):
            if self._messages[position].sibling_count > 1:
                self._focus_position(position)
                return
            position += step
        self.app.bell()

    def _focus_position(self, position: int) -> None:
        """Focus the message at ``position``, opening a window around it if it is not mounted."""
        start, end = self.window
        if not start <= position < end:
            self._open_window(position, self._span_newer(position), at_end=False)
        start = self.window[0]
        self._focus_after_load(self._views[position - start], loaded=True)

    def action_toggle_hidden(self) -> None:
        """Ask for the hidden messages to be shown dimmed, or hidden again."""
        self.post_message(self.HiddenToggled())

    def action_copy_message(self) -> None:
        """Copy the focused message's Markdown to the clipboard (OSC 52 through Textual)."""
        view = self._target_view()
        if view is None:
            return
        self.app.copy_to_clipboard(view.message.text)
        self.notify("Copied message", markup=False)

    def action_copy_code(self) -> None:
        """Copy the focused message's code blocks one at a time, cycling."""
        view = self._target_view()
        if view is None:
            return
        blocks = code_blocks(view.message.blocks)
        if not blocks:
            self.notify("No code blocks in this message", severity="warning", markup=False)
            return
        index = view.code_cursor % len(blocks)
        self.app.copy_to_clipboard(blocks[index])
        view.code_cursor = index + 1
        self.notify(f"Copied code block {index + 1}/{len(blocks)}", markup=False)

    def action_branch(self, step: int) -> None:
        """Ask for the previous (-1) or next (+1) sibling of the focused message."""
        view = self._target_view()
        if view is not None:
            self._request_branch(view, step)

    @on(MessageView.BranchClicked)
    def _branch_clicked(self, event: MessageView.BranchClicked) -> None:
        event.stop()
        self._request_branch(event.view, event.step)

    def _request_branch(self, view: MessageView, step: int) -> None:
        message = view.message
        count = max(1, message.sibling_count)
        current = max(0, min(message.sibling_index, count - 1))
        index = max(0, min(current + step, count - 1))
        if index == current:
            # Already the first / last version: nothing to switch to.
            self.app.bell()
            return
        self.post_message(self.BranchRequested(message.node_id, index))
