"""The window of mounted messages under the transcript: which messages are mounted, and when.

Only a window of consecutive messages is mounted, never the whole conversation:

- opening a conversation mounts the newest messages that fill about two screens (at most
  :data:`MessageWindow.INITIAL_COUNT`), with the view anchored to the bottom, so the first frame
  costs the same for 30 messages or 500;
- scrolling within a screen of the top mounts an older batch above (about two screens' worth,
  at most :data:`MessageWindow.BATCH_SIZE` messages), scrolling near the bottom of a window that
  does not reach the newest message mounts a newer batch below;
- past :data:`MessageWindow.MAX_MOUNTED` messages, the end of the window far from the user is
  unmounted again.

Why a window and not "mount everything in the background after the first frame": each mounted
message is rendered by Rich once per width, so mounting all 500 messages of the bench keeps the
event loop busy for ~2.5 s and every terminal resize afterwards costs ~2.3 s again, against
~0.2 s with the window (bench/transcript_open.py, 2-core VM). A bounded window bounds the
resize, the layout per frame and the memory, however long the conversation.

Changes above the viewport (a batch mounted above, or the top of the window unmounted) must not
move what the user reads. The scroll offset is corrected inside the layout pass that includes
the change (see :meth:`MessageWindow.arrange`), so no frame is painted at the wrong position.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Region, Size
from textual.layout import DockArrangeResult
from textual.widget import Widget
from textual.widgets import Static

from tui.conversation.tree import VisibleMessage
from tui.rendering.markdown_render import estimate_lines, warm_up
from tui.text.times import Clock, local_now
from tui.widgets.message_view import MessageView, RenderedMarkdown
from tui.widgets.view_factory import ViewFactory, prerender

EMPTY_NO_CONVERSATION = "Select a conversation"
"""Shown when no conversation is open."""

WARM_UP_DELAY = 0.4
"""Seconds after mounting before the lexers are warmed up: after the first page is shown."""

EMPTY_NO_MESSAGES = "No messages"
"""Shown when the open conversation has nothing visible."""


@dataclass(slots=True)
class _KeepInPlace:
    """A message that must stay at the same screen row while the window changes above it."""

    view: MessageView
    """The message to keep in place."""
    screen_y: int
    """Its row, relative to the top of the viewport."""
    scroll_y: int
    """The scroll offset last set or seen, to tell the user's own scrolling apart."""

    @classmethod
    def of(cls, view: MessageView, window: MessageWindow) -> _KeepInPlace:
        scroll_y = round(window.scroll_y)
        return cls(view, view.virtual_region.y - scroll_y, scroll_y)


class MessageWindow(VerticalScroll):
    """A scrollable list of :class:`MessageView` over a conversation, mounted as a window.

    :class:`~tui.widgets.transcript.Transcript` adds the conversation, the keys and the copy and
    branch actions on top; this class only decides what is mounted and keeps the view steady.
    """

    DEFAULT_CSS = """
    MessageWindow {
        height: 1fr;
    }
    MessageWindow > #transcript-empty {
        width: 100%;
    }
    """
    """Only what the widget needs to work; the look lives in styles/messages.tcss."""

    INITIAL_COUNT: ClassVar[int] = 20
    """At most this many messages are mounted when a conversation opens (the newest)."""

    BATCH_SIZE: ClassVar[int] = 20
    """At most this many messages are mounted per step when the user scrolls to an edge."""

    SCREENS_PER_BATCH: ClassVar[float] = 2.0
    """A batch (and the first window) stops once it is estimated to fill this many screens."""

    MAX_MOUNTED: ClassVar[int] = 50
    """Past this many mounted messages, the far end of the window is unmounted."""

    FOLLOW_MARGIN: ClassVar[int] = 2
    """Within this many lines of the bottom the view follows new content."""

    def __init__(
        self,
        *,
        now: Clock = local_now,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._messages: list[VisibleMessage] = []
        self._views: list[MessageView] = []
        self._start = 0
        self._loading = False
        self._recheck_scheduled = False
        self._generation = 0
        self._keep: _KeepInPlace | None = None
        self._empty = Static(EMPTY_NO_CONVERSATION, id="transcript-empty", markup=False)
        self._empty_text = EMPTY_NO_CONVERSATION
        self._early_replies: list[Widget] = []
        self._placed: dict[Widget, Region] = {}
        """Where the last layout put each child (with its margin), in scrollable coordinates."""
        self._factory = ViewFactory(now)
        """Makes the views, handing out those :meth:`prepare` rendered ahead."""
        self.holding_focus = False
        """True from when the pane takes the focus from a message being replaced until its
        Focus event is handled (the caller focuses the message it wants meanwhile)."""

    def compose(self) -> ComposeResult:
        """Only the empty state; messages are mounted as the window opens."""
        yield self._empty

    def on_mount(self) -> None:
        """Follow the bottom from the start, and watch for the user nearing an edge."""
        # Textual's anchor (checked on 8.2.8) keeps the view at the bottom *inside* the
        # compositor's arrange step, so the first frame of a conversation is already at its end
        # and a growing reply is followed without a frame at the old position. It lets go when
        # the user scrolls up and re-engages when they scroll back to the end.
        if self._views or self._early_replies:
            self.mount_all([*self._views, *self._early_replies])
            self._early_replies.clear()
        if self._start + len(self._views) >= len(self._messages):
            self.anchor()
        self.watch(self, "scroll_y", self._on_scroll, init=False)
        self.watch(self.app, "theme", self._theme_changed, init=False)
        # Pygments loads a lexer the first time a language is highlighted (~20-30 ms each);
        # do it off the event loop, rather than on the frame that opens a conversation. Not at
        # once, though: the thread holds the GIL while it compiles, and start-up measured
        # 52-80 ms slower to the first page when it ran alongside the first frame.
        self.set_timer(WARM_UP_DELAY, self._warm_up)

    def _warm_up(self) -> None:
        self.run_worker(warm_up, thread=True, group="transcript-warm-up", exit_on_error=False)

    # -- public interface ------------------------------------------------------------------

    @property
    def messages(self) -> tuple[VisibleMessage, ...]:
        """Every visible message of the conversation, mounted or not."""
        return tuple(self._messages)

    @property
    def views(self) -> tuple[MessageView, ...]:
        """The mounted message widgets, oldest first."""
        return tuple(self._views)

    @property
    def window(self) -> tuple[int, int]:
        """Positions ``(start, end)`` of the mounted messages (end exclusive)."""
        return self._start, self._start + len(self._views)

    @property
    def focused_view(self) -> MessageView | None:
        """The focused message widget of this transcript, if any."""
        if not self.is_attached:
            return None
        focused = self.screen.focused
        if isinstance(focused, MessageView) and focused.parent is self:
            return focused
        return None

    def append_message(self, message: VisibleMessage) -> None:
        """Add one message at the bottom (e.g. the user's prompt, the moment it is sent)."""
        following = self.is_at_bottom()
        if not self._window_has_newest():
            self._open_at_end()
            following = True
        position = len(self._messages)
        self._messages.append(message)
        view = self._make_view(message, position)
        self._views.append(view)
        self._mount_at_bottom([view])
        self._update_empty()
        if following:
            self._follow_bottom()

    def replace_from(self, position: int, messages: list[VisibleMessage]) -> None:
        """Show ``messages``, the whole new list, re-rendering only from ``position`` down.

        Used after a branch switch (``position`` is the switched message) or to drop what
        follows a point (``messages`` shorter than before). ``messages[:position]`` must be the
        messages already shown there: their widgets are kept as they are (same objects, not
        re-rendered, not moved). If a replaced message had the focus, the new message at
        ``position`` gets it.
        """
        messages = list(messages)
        position = max(0, min(position, len(messages), len(self._messages)))
        self._messages = messages
        start, end = self.window
        if not self._views or position < start:
            # Nothing mounted, or a change above the window (not possible from the keys, only
            # from the app putting a whole conversation back): show the newest messages.
            self._open_at_end()
            return
        if position > end:
            return  # below the window: nothing on screen changes; it loads on scroll
        # A batch being mounted meanwhile is abandoned (its widgets stay, its trimming and
        # position correction do not happen).
        self._generation += 1
        self._loading = False
        self._keep = None
        keep = position - start
        dropped = self._views[keep:]
        # Focus follows the switched message only if it was on a replaced one (the user was
        # using the keys or the switcher); a prompt being typed elsewhere keeps the focus.
        refocus = self.focused_view in dropped
        if refocus:
            # Hold the focus here meanwhile (Textual 8.2.8): removing the focused widget makes
            # the screen focus a neighbour *and scroll it to the centre*, a jump away from what
            # the user was reading.
            self._hold_focus()
        for view in dropped:
            view.remove()
        del self._views[keep:]
        new_end = self._span_newer(position)
        new_views = [
            self._make_view(self._messages[index], index) for index in range(position, new_end)
        ]
        self._factory.drop()
        self._views.extend(new_views)
        if new_views:
            if keep:
                self._mount_views(new_views, after=self._views[keep - 1])
            else:
                self._mount_at_bottom(new_views)
            if refocus:
                new_views[0].focus(scroll_visible=False)
        if not self._window_has_newest():
            self.anchor(False)
        self._update_empty()

    def mount_reply(self, widget: Widget) -> None:
        """Mount a widget (the streaming reply) at the bottom, following it if at the bottom."""
        following = self.is_at_bottom()
        if not self._window_has_newest():
            self._open_at_end()
            following = True
        if self.is_mounted:
            self.mount(widget)
        else:
            self._early_replies.append(widget)
        self._update_empty()
        if following:
            self._follow_bottom()

    def follow_end(self) -> None:
        """Show the newest message and follow the bottom from now on, wherever the reader was
        (a prompt was just sent). Scrolling up lets go again, as always."""
        if not self._window_has_newest():
            self._open_at_end()
        # A batch being mounted meanwhile is abandoned: it would hold the view where it was.
        self._generation += 1
        self._loading = False
        self._keep = None
        self.anchor()

    def scroll_to_view(self, view: Widget, *, top: bool = False) -> None:
        """Scroll at once so that ``view`` is in sight (at the top with ``top``).

        ``scroll_to_widget`` (Textual 8.2.8) asks the screen where the widget is, and for a
        message off screen that rebuilds the compositor's whole map, so the next frame
        repaints the whole screen; the last layout of this pane says it as well.
        """
        region = self._placed.get(view)
        if region is None:
            self.scroll_to_widget(view, animate=False, top=top, immediate=True)
        else:
            self.scroll_to_region(region, animate=False, top=top, immediate=True)

    def is_at_bottom(self) -> bool:
        """True when the view is within :data:`FOLLOW_MARGIN` lines of the bottom."""
        return self.max_scroll_y - self.scroll_y <= self.FOLLOW_MARGIN

    def scroll_to_end_if_following(self) -> None:
        """Scroll to the end if the user is at (near) the bottom; leave them alone otherwise.

        Call after content at the bottom grew. ``scroll_end`` also re-engages the anchor, so the
        compositor keeps following from here on until the user scrolls away.
        """
        if self.is_at_bottom() and self._window_has_newest():
            self._follow_bottom()

    async def prepare(
        self, messages: Sequence[VisibleMessage], known: RenderedMarkdown | None = None
    ) -> None:
        """Render these messages' bodies off the event loop, for the views about to show them.

        The next :meth:`show` or :meth:`replace_from` mounts these views rather than new ones
        (and drops any it did not need), so the frame that shows a long reply only lays it out.
        ``known``: a reply already rendered (the live one); a message that is exactly its
        Markdown takes its lines. A later call, or a theme change, drops what is prepared.
        """
        await self._factory.prepare(messages, self._widths(known), self.app.ansi_theme, known)

    async def load_older(self) -> int:
        """Mount the batch of messages above the window; returns how many were mounted."""
        await self._acquire()
        return await self._load(older=True)

    async def load_newer(self) -> int:
        """Mount the batch of messages below the window; returns how many were mounted."""
        await self._acquire()
        return await self._load(older=False)

    # -- layout ----------------------------------------------------------------------------

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        """Arrange the messages, then keep the one being read where it was on screen.

        Workaround checked on Textual 8.2.8: when widgets are mounted or removed above the
        viewport, ``scroll_y`` keeps its value and the content under it moves. Correcting it
        after the refresh paints one frame at the wrong place (a visible jump), so the offset
        is set here, between arranging the children and placing them, which is where Textual's
        own ``anchor()`` adjusts it too (``_compositor.add_widget``).
        """
        result = super().arrange(size, optimal)
        self._placed = {
            placement.widget: placement.region.grow(placement.margin)
            for placement in result.placements
        }
        keep = self._keep
        if keep is None:
            return result
        scroll_y = round(self.scroll_y)
        if scroll_y != keep.scroll_y:
            # Someone else scrolled meanwhile (the user, a focus change): honour their move.
            keep.screen_y -= scroll_y - keep.scroll_y
        for placement in result.placements:
            if placement.widget is keep.view:
                target = max(0, placement.region.y - keep.screen_y)
                keep.scroll_y = target
                if target != scroll_y:
                    self.set_reactive(Widget.scroll_y, target)
                    self.set_reactive(Widget.scroll_target_y, target)
                    self.vertical_scrollbar.position = target
                break
        return result

    # -- the window ------------------------------------------------------------------------

    def _make_view(self, message: VisibleMessage, position: int) -> MessageView:
        return self._factory.make(message, position)

    def _follow_bottom(self) -> None:
        # immediate=True (Textual 8.2.8): the scroll happens now and re-engages the anchor, so
        # the compositor keeps the bottom in view through the next layouts. The default defers
        # the scroll until after the next refresh, where it can yank back a user who has
        # scrolled away in between.
        self.scroll_end(animate=False, immediate=True)

    def _window_has_newest(self) -> bool:
        return self._start + len(self._views) >= len(self._messages)

    def _screen_lines(self) -> int:
        height = self.scrollable_content_region.height or self.app.size.height
        return max(10, height)

    def _budget(self) -> int:
        return int(self._screen_lines() * self.SCREENS_PER_BATCH)

    def _content_width(self) -> int:
        width = self.scrollable_content_region.width or self.app.size.width
        return max(20, width - 4)

    def _span_older(self, end: int, cap: int | None = None) -> int:
        """Start of a batch ending (exclusive) at ``end``: about two screens, at most ``cap``."""
        cap = self.BATCH_SIZE if cap is None else cap
        budget, width, lines, start = self._budget(), self._content_width(), 0, end
        while start > 0 and end - start < cap and lines < budget:
            start -= 1
            lines += estimate_lines(self._messages[start].blocks, width) + 2
        return start

    def _span_newer(self, start: int, cap: int | None = None) -> int:
        """End (exclusive) of a batch starting at ``start``: about two screens, at most ``cap``."""
        cap = self.BATCH_SIZE if cap is None else cap
        budget, width, lines, end = self._budget(), self._content_width(), 0, start
        while end < len(self._messages) and end - start < cap and lines < budget:
            lines += estimate_lines(self._messages[end].blocks, width) + 2
            end += 1
        return end

    def _open_at_end(self) -> None:
        total = len(self._messages)
        self._open_window(self._span_older(total, self.INITIAL_COUNT), total, at_end=True)

    def _open_window(self, start: int, end: int, *, at_end: bool) -> None:
        """Unmount everything and mount messages ``start:end``, at the bottom or the top."""
        self._generation += 1
        self._loading = False
        self._keep = None
        if self.focused_view is not None:
            # The focused message is about to go: hold the focus on the pane, as replace_from
            # does, or Textual (8.2.8) focuses a neighbour and scrolls it to the centre, and the
            # pane's on_focus then focuses the newest mounted message over the caller's choice
            # (home showed "message 4 of 520" with the first message on screen).
            self._hold_focus()
        for child in list(self.children):
            if child is not self._empty:
                child.remove()
        self._start = start
        self._views = [self._make_view(self._messages[i], i) for i in range(start, end)]
        self._factory.drop()
        if self._views:
            self._mount_views(self._views)
        # The old children are still listed until their removal completes.
        self._update_empty(bool(self._views))
        if at_end:
            # Re-engages the anchor: the first frame shows the newest messages.
            self.anchor()
        else:
            self.anchor(False)
            self.scroll_home(animate=False, immediate=True)
        # A short window may not fill the screen: check once it has been laid out.
        self.call_after_refresh(self._maybe_load)

    def _mount_at_bottom(self, views: Iterable[MessageView]) -> None:
        # Message views go above anything mounted with mount_reply (a streaming reply stays
        # last), and at the very end otherwise.
        later = [
            child
            for child in self.children
            if child is not self._empty and not isinstance(child, MessageView)
        ]
        if later:
            self._mount_views(views, before=later[0])
        else:
            self._mount_views(views)

    def _mount_views(
        self,
        views: Iterable[MessageView],
        *,
        before: Widget | None = None,
        after: Widget | None = None,
    ) -> None:
        # Called before this widget is mounted (show() from a compose method), the views stay
        # in self._views and on_mount mounts them: Textual refuses to mount into an unmounted
        # parent (MountError, 8.2.8).
        if self.is_mounted:
            self.mount_all(views, before=before, after=after)

    def _hold_focus(self) -> None:
        """Move the focus from a message to the pane, whose on_focus then leaves it alone once.

        Called only while a message has the focus, so the pane does receive a Focus event
        (which clears :attr:`holding_focus`). Not cleared after a refresh: Textual (8.2.8) can
        run after-refresh callbacks before the pane handles its Focus event.
        """
        self.holding_focus = True
        self.screen.set_focus(self, scroll_visible=False)

    def _update_empty(self, has_content: bool | None = None) -> None:
        if has_content is None:
            has_content = bool(self._views) or any(
                child is not self._empty and not isinstance(child, MessageView)
                for child in self.children
            )
        self._empty.display = not has_content
        self._empty.update(self._empty_text)

    def _theme_changed(self) -> None:
        # A body is cached with the ANSI palette it was rendered for (dark or light Markdown
        # colours): the views that are painted render again; none is laid out again.
        self._factory.drop()  # a prepare under way renders with the old palette
        for view in self._views:
            view.refresh()

    def _on_scroll(self) -> None:
        if (
            self._window_has_newest()
            and not self.is_anchored
            and self.scroll_y >= self.max_scroll_y
            and self._views
        ):
            # Back at the real end after reading older parts: follow new replies again.
            self.anchor()
        self._maybe_load()

    def _recheck(self) -> None:
        self._recheck_scheduled = False
        self._maybe_load()

    def _maybe_load(self) -> None:
        if self._loading or not self._views or not self.is_attached:
            return
        if self.app.animator.is_being_animated(self, "scroll_y"):
            # A smooth scroll (PageUp, focus) is under way: mounting now would shift the
            # content under the animation. Look again once it has moved on.
            if not self._recheck_scheduled:
                self._recheck_scheduled = True
                self.call_after_refresh(self._recheck)
            return
        screen = self._screen_lines()
        start, end = self.window
        older = start > 0 and self.scroll_y <= screen
        newer = end < len(self._messages) and self.max_scroll_y - self.scroll_y <= screen
        if older or newer:
            # Taken now, not when the worker starts: otherwise every scroll event until then
            # would queue one more batch.
            self._loading = True
            self.run_worker(self._load(older=older), group="transcript-window")

    async def _acquire(self) -> None:
        while self._loading:
            await self._next_refresh()
        self._loading = True

    async def _load(self, *, older: bool) -> int:
        """Mount one batch; the caller has set ``_loading``, this clears it."""
        generation = self._generation
        count = 0
        try:
            if self._views:
                # A scroll animation would fight the position correction (it keeps moving
                # toward its old target); stop it where it is.
                await self.app.animator.stop_animation(self, "scroll_y", complete=False)
                count = await (self._prepend(generation) if older else self._append(generation))
                # Let the layout (and the position correction) happen before letting go.
                await self._next_refresh()
        finally:
            if generation == self._generation:
                self._keep = None
                self._loading = False
        if generation == self._generation:
            self._maybe_load()
        return count

    async def _prepend(self, generation: int) -> int:
        start = self._span_older(self._start)
        if start >= self._start:
            return 0
        views = [self._make_view(self._messages[i], i) for i in range(start, self._start)]
        await self._prerender(views)
        if generation != self._generation:
            return 0  # show() / clear() / replace_from() changed everything meanwhile
        anchor = self._views[0]
        self._keep = _KeepInPlace.of(anchor, self)
        self._views[0:0] = views
        self._start = start
        await self.mount_all(views, before=anchor)
        if generation != self._generation:
            return 0
        if len(self._views) > self.MAX_MOUNTED:
            # The bottom of the window is far below the user: let it go (no correction needed,
            # nothing above the viewport changes). Newer messages come back on scroll down.
            dropped = self._views[self.MAX_MOUNTED :]
            del self._views[self.MAX_MOUNTED :]
            self.anchor(False)
            await self.remove_children(dropped)
        return len(views)

    async def _append(self, generation: int) -> int:
        end = self._start + len(self._views)
        new_end = self._span_newer(end)
        if new_end <= end:
            return 0
        views = [self._make_view(self._messages[i], i) for i in range(end, new_end)]
        await self._prerender(views)
        if generation != self._generation:
            return 0
        last = self._views[-1]
        self._views.extend(views)
        await self.mount_all(views, after=last)
        if generation != self._generation:
            return 0
        excess = len(self._views) - self.MAX_MOUNTED
        if excess > 0:
            # The top of the window is far above the user: unmount it, keeping the first
            # remaining message where it is on screen.
            kept = self._views[excess]
            self._keep = _KeepInPlace.of(kept, self)
            dropped = self._views[:excess]
            del self._views[:excess]
            self._start += excess
            await self.remove_children(dropped)
        return len(views)

    async def _prerender(self, views: list[MessageView]) -> None:
        """Render a batch's bodies in a thread, at the widths their roles have on screen now."""
        await prerender(views, self._widths(), self.app.ansi_theme)

    def _widths(self, known: RenderedMarkdown | None = None) -> dict[str, int]:
        """The body width of each role ("-user", "-assistant"...) among the mounted views."""
        widths: dict[str, int] = {}
        for view in self._views:
            width = view.content_size.width
            if width > 0:
                widths.setdefault(view.role_class, width)
        if known is not None:
            # The live reply wears the assistant look (styles/streaming.tcss): same width.
            widths.setdefault("-assistant", known.width)
        return widths

    async def _next_refresh(self) -> None:
        """Wait until Textual has laid out and painted the pending changes."""
        done = asyncio.Event()
        self.call_after_refresh(done.set)
        await done.wait()
