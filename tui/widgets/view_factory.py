"""Message views for the transcript's window, their bodies rendered ahead, off the event loop.

Rich rendering is most of what showing a message costs (~10 ms per 2 KB reply). A batch about
to be mounted is rendered in a thread first, so the event loop keeps handling keys and painting
meanwhile (the GIL is released every few ms), and the frame that mounts it only lays it out.
A reply that was just streamed needs no render at all: its live lines are taken as they are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from rich.terminal_theme import TerminalTheme

from tui.conversation.tree import VisibleMessage
from tui.rendering.markdown_render import render_console
from tui.text.times import Clock
from tui.widgets.message_view import MessageView, RenderedMarkdown


class ViewFactory:
    """Makes the window's message views, handing out those rendered ahead when they fit."""

    def __init__(self, now: Clock) -> None:
        self._now = now
        self._prepared: dict[str, MessageView] = {}
        """Views rendered ahead by :meth:`prepare`, by node id, for the next change to mount."""
        self._preparing: object | None = None
        """The latest :meth:`prepare` call: an earlier one still rendering is dropped."""

    @property
    def prepared(self) -> int:
        """How many views are rendered ahead and not handed out yet."""
        return len(self._prepared)

    def make(self, message: VisibleMessage, position: int) -> MessageView:
        """A view of ``message``: the prepared one if it shows exactly that, else a new one."""
        view = self._prepared.pop(message.node_id, None)
        if view is not None and view.message == message:
            view.position = position
            return view
        return MessageView(message, position=position, now=self._now)

    def drop(self) -> None:
        """Forget what is prepared, and what a :meth:`prepare` under way will bring."""
        self._prepared.clear()
        self._preparing = None

    async def prepare(
        self,
        messages: Sequence[VisibleMessage],
        widths: Mapping[str, int],
        theme: TerminalTheme | None,
        known: RenderedMarkdown | None = None,
    ) -> None:
        """Render these messages' views ahead, for the next :meth:`make` calls to hand out.

        A later call, or :meth:`drop` meanwhile, discards the result.
        """
        token = self._preparing = object()
        self._prepared.clear()
        views = [MessageView(message, position=0, now=self._now) for message in messages]
        await prerender(views, widths, theme, known)
        if self._preparing is token:
            self._prepared = {view.message.node_id: view for view in views}


async def prerender(
    views: Sequence[MessageView],
    widths: Mapping[str, int],
    theme: TerminalTheme | None,
    known: RenderedMarkdown | None = None,
) -> None:
    """Render the views' bodies in a thread, each at the width its role has (``widths``).

    A view whose role has no known width is left to render during layout, as is one whose
    width turns out different. ``known``: a reply already rendered whole (the live one); a
    message that is exactly its Markdown at that width takes its lines.
    """
    jobs = [(view, widths[view.role_class]) for view in views if view.role_class in widths]
    if not jobs:
        return

    def render_all() -> None:
        console = render_console()  # a Console is not thread-safe: one for this thread
        for view, width in jobs:
            view.prerender(width, theme, console, known)

    await asyncio.to_thread(render_all)
