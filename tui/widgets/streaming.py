"""The live assistant reply: Markdown that streams in without freezing the app.

Why not Textual's ``Markdown`` widget with ``MarkdownStream``: on a 50 KB reply it stalls the
event loop for up to a second per frame, because every frame lays out every block widget of the
document; and ``update(full_text)`` per chunk never finishes (docs/TEXTUAL-NOTES.md §1).

What this does instead ("rich-split", measured in that section and in ``bench/stream_render.py``):

- :meth:`StreamingReply.append` only stores the delta. A timer renders at most once per frame,
  however many deltas arrived in between.
- The text is cut, at safe points only (:mod:`tui.rendering.stream_split`), into finished pieces
  and the
  live tail. A finished piece is rendered by Rich once (per width) and kept as strips in a
  :class:`FrozenMarkdown` widget; each of those holds many pieces, so the widget count stays
  small. Only the tail, usually one or two blocks, is rendered again on each frame.
- Pieces are rendered with the transcript's renderer
  (:func:`tui.rendering.markdown_render.markdown_renderable`,
  :func:`tui.rendering.markdown_render.render_to_text`) and the cuts are chosen so that the pieces
  stacked look
  exactly like the whole reply rendered at once, which is what the reply becomes when the
  conversation is reloaded.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Static

from tui.conversation.citations import Citations
from tui.rendering.gc_tuning import (
    OLD_GC_THRESHOLD,
    YOUNG_GC_THRESHOLD,
    begin_streaming_gc,
    end_streaming_gc,
)
from tui.rendering.stream_split import SplitScanner, is_safe_cut
from tui.text.sanitize import clean_line
from tui.widgets.markdown_strips import (
    STAND_IN,
    FrozenMarkdown,
    LiveMarkdown,
    MarkdownStrips,
    render_piece,
)
from tui.widgets.message_view import RenderedMarkdown

if TYPE_CHECKING:
    from rich.terminal_theme import TerminalTheme

__all__ = [
    "OLD_GC_THRESHOLD",
    "STAND_IN",
    "YOUNG_GC_THRESHOLD",
    "FrozenMarkdown",
    "LiveMarkdown",
    "MarkdownStrips",
    "StreamingReply",
    "begin_streaming_gc",
    "end_streaming_gc",
    "render_piece",
    "status_text",
]

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
"""Frames of the quiet "still streaming" indicator in the status line."""

STATUS_LABELS: dict[str, str] = {
    "streaming": "",
    "done": "",
    "stopped": "⏹ stopped",
    "interrupted": "⚠ interrupted",
    "max_tokens": "✂ cut off",
}
"""What the status line says for each status, before the caller's note."""

DEFAULT_NOTES: dict[str, str] = {"max_tokens": "continue available"}
"""The note shown when the caller gives none."""


def status_text(status: str, note: str = "", frame: int = 0) -> str:
    """The status line's text: a label for ``status`` and the caller's ``note`` (plain text).

    "streaming" shows a spinner frame and "…"; "done" shows nothing (or just the note); an
    unknown status is shown by its own (cleaned) name.
    """
    note = clean_line(note or DEFAULT_NOTES.get(status, ""), limit=200)
    if status == "streaming":
        label = f"{SPINNER[frame % len(SPINNER)]} …"
    else:
        label = STATUS_LABELS.get(status, clean_line(status, limit=40))
    if label and note:
        return f"{label} — {note}"
    return label or note


class StreamingReply(Vertical):
    """The assistant reply while it streams: header, Markdown body, status line.

    Feed it with :meth:`append`, end it with :meth:`finish`; :attr:`text` is everything so far.
    """

    DEFAULT_CSS = """
    StreamingReply {
        height: auto;
    }
    StreamingReply > #reply-header {
        color: $text-muted;
    }
    StreamingReply > #reply-status {
        color: $text-muted;
    }
    """
    """Only what the widget needs to work; the look lives in styles/streaming.tcss."""

    FRAME_INTERVAL: ClassVar[float] = 1 / 20
    """Seconds between renders while text is arriving (deltas in between are coalesced).

    Each render grows the reply, which scrolls the whole pane up a line or more: Textual lays
    out and repaints the pane, whatever the renderer costs. 20 a second reads as smooth and
    makes a third fewer of those frames than 30 (bench/app_stream.py: ``app_cpu_percent``)."""

    FREEZE_AT: ClassVar[int] = 600
    """Cut finished blocks off the tail once it holds this many characters."""

    FROZEN_WIDGET_CHARS: ClassVar[int] = 16_000
    """Start another :class:`FrozenMarkdown` once the last one holds this many characters."""

    RENDER_SHARE: ClassVar[float] = 0.5
    """At most this share of the time is spent rendering the tail: when the tail is slow to
    render (a huge code block, which cannot be cut), frames are spaced further apart."""

    SPINNER_TICKS: ClassVar[int] = 2
    """Frames per spinner step (ten a second)."""

    TUNE_GC: ClassVar[bool] = True
    """Collect garbage less often while streaming (see :func:`begin_streaming_gc`); an app
    that sets its own collector thresholds turns this off."""

    GC_RESTORE_DELAY: ClassVar[float] = 1.0
    """Seconds after :meth:`finish` before the collector's thresholds are restored."""

    status: reactive[str] = reactive("streaming", init=False)
    """Where the reply stands: "streaming", "done", "stopped", "interrupted" or "max_tokens"."""

    note: reactive[str] = reactive("", init=False)
    """The caller's words after the status (what to press to retry or continue); plain text."""

    model_slug: reactive[str | None] = reactive(None, init=False)
    """The model writing the reply, shown in the header ("Assistant" when unknown)."""

    def __init__(
        self,
        model_slug: str | None = None,
        initial_text: str = "",
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(StreamingReply.model_slug, model_slug)
        self._frame = 0
        self._header = Static(self._header_content(), id="reply-header")
        self._status_line = Static(self._status_content(), id="reply-status")
        self._citations = Citations()
        """Citation numbers of this reply, the same in every piece (see render_piece)."""
        self._live = LiveMarkdown(citations=self._citations, id="reply-tail")
        self._frozen: list[FrozenMarkdown] = []
        self._frozen_parts: list[str] = []
        self._frozen_chars = 0
        self._tail = ""
        self._pending: list[str] = [initial_text] if initial_text else []
        self._scanner = SplitScanner()
        self._needs_whole = False
        self._finished = False
        self._timer: Timer | None = None
        self._ready = False
        self._gc_tuned = False
        self._gc_restore: asyncio.Task[None] | None = None
        self._ticks = 0
        self._last_render = 0.0
        self._min_gap = self.FRAME_INTERVAL

    # -- public ---------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """All the reply's text so far, including deltas not rendered yet."""
        return "".join(self._frozen_parts) + self._tail + "".join(self._pending)

    @property
    def finished(self) -> bool:
        """True once :meth:`finish` has been called."""
        return self._finished

    def rendered(self) -> RenderedMarkdown | None:
        """The finished reply's Markdown and its lines as shown, when all are at one width.

        The pieces stacked are the whole text rendered at once (see the module's docstring),
        so the message that replaces this reply can show these lines rather than render again.
        """
        if not self._finished or self._pending:
            return None
        widths: set[int] = set()
        themes: list[TerminalTheme | None] = []
        lines: list[Strip] = []
        for widget in [*self._frozen, self._live]:
            if not any(source.strip() for source in widget.sources):
                continue  # renders to nothing, whatever its width
            rendered = widget.rendered()
            if rendered is None:
                return None
            width, theme, strips = rendered
            widths.add(width)
            themes.append(theme)
            lines.extend(strips)
        if len(widths) != 1 or any(theme is not themes[0] for theme in themes):
            return None
        return RenderedMarkdown(self.text, widths.pop(), themes[0], tuple(lines))

    def append(self, delta: str) -> None:
        """Add streamed text; it is shown at the next frame (cheap: nothing is parsed here).

        After :meth:`finish` a delta is ignored: a late chunk from a stream being cancelled must
        not reopen a reply that the app has already settled.
        """
        if self._finished or not delta:
            return
        self._pending.append(delta)
        if self._timer is None and self._ready:
            self._start_timer()

    def replace_text(self, text: str) -> None:
        """Replace everything so far with ``text`` (the server rewrote the reply); shown now.

        Rare (a classic snapshot that does not extend the previous one), so it renders at once
        rather than waiting for the frame timer. Ignored after :meth:`finish`.
        """
        if self._finished:
            return
        self._pending.clear()
        self._replace_text(text)
        self._needs_whole = self._needs_whole or self._scanner.needs_whole_render
        if self._ready:
            self._live.replace(self._tail, follows=self._frozen_chars > 0)

    def flush(self) -> None:
        """Render what has arrived, now (the frame timer calls it; so do tests and finish)."""
        started = time.perf_counter()
        if self._pending:
            self._tail += "".join(self._pending)
            self._pending.clear()
            self._scanner.feed(self._tail)
            self._needs_whole = self._needs_whole or self._scanner.needs_whole_render
            self._freeze_finished_blocks()
        if not self._ready:
            return
        self._live.replace(self._tail, follows=self._frozen_chars > 0)
        now = time.perf_counter()
        self._last_render = now
        self._min_gap = max(self.FRAME_INTERVAL, (now - started) / self.RENDER_SHARE)

    def finish(self, *, text: str | None = None, status: str = "done", note: str = "") -> None:
        """End the stream: render the final text now and show ``status``.

        ``text``, when given, is the authoritative full text (the stream's last message); it
        replaces what was accumulated. The result looks exactly like the whole text rendered
        at once by :func:`tui.rendering.markdown_render.markdown_renderable`.
        """
        self._stop_timer(later=True)
        self.flush()
        self._finished = True
        if text is not None and text != self.text:
            self._replace_text(text)
        self._scanner.feed(self._tail + "\n")  # the last line, unfinished until now
        if self._needs_whole or self._scanner.needs_whole_render:
            self._render_whole()
        elif self._frozen_parts and not self._tail.strip():
            # A blank tail leaves nothing after the last piece; whole, it has no blank line
            # after it either, so that piece becomes the tail again.
            self._tail = self._pop_frozen() + self._tail
        if self._ready:
            self._live.replace(self._tail, follows=self._frozen_chars > 0)
        self.set_status(status, note)

    def set_status(self, status: str, note: str = "") -> None:
        """Show ``status`` ("streaming", "done", "stopped", "interrupted", "max_tokens") and the
        caller's ``note`` (e.g. which keys retry or continue) in the status line."""
        self.status = status
        self.note = note
        self._update_status()

    # -- Textual --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Header, the tail (frozen pieces are mounted before it), status line."""
        yield self._header
        yield from self._frozen
        yield self._live
        yield self._status_line

    def on_mount(self) -> None:
        """Show what arrived before mounting, and start the frame timer while streaming."""
        self._ready = True
        self._update_status()
        if not self._finished:
            self._start_timer()
        self.flush()

    def on_unmount(self) -> None:
        """A removed reply stops rendering (its text stays readable through :attr:`text`).

        A finished reply's delayed restore of the collector still happens on time: this reply
        is removed right after it finished, when the server's copy replaces it.
        """
        self._stop_timer()
        self._ready = False

    def watch_status(self) -> None:
        """Restyle the status line for the new status."""
        self._update_status()

    def watch_note(self) -> None:
        """Show the new note."""
        self._update_status()

    def watch_model_slug(self) -> None:
        """Show the new model in the header."""
        self._header.update(self._header_content())

    # -- internals ------------------------------------------------------------------------

    def _start_timer(self) -> None:
        if self._timer is None:
            self._timer = self.set_interval(
                self.FRAME_INTERVAL, self._on_frame, name="streaming-reply-frame"
            )
        if self.TUNE_GC and not self._gc_tuned:
            self._gc_tuned = True
            begin_streaming_gc()

    def _stop_timer(self, *, later: bool = False) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._gc_restore is not None:
            return  # the thresholds come back when it is due
        if later and self._ready and self._gc_tuned and self.GC_RESTORE_DELAY > 0:
            # Restoring the thresholds usually sets off a full collection (~180 ms in
            # bench/app_stream.py): let the final frame and the swap to the server's copy reach
            # the screen first. A task rather than a timer of this widget, whose timers stop
            # when the swap removes it; cancelled (the app exits), it restores them at once.
            self._gc_restore = asyncio.create_task(self._end_gc_tuning_later())
        else:
            self._end_gc_tuning()

    async def _end_gc_tuning_later(self) -> None:
        try:
            await asyncio.sleep(self.GC_RESTORE_DELAY)
        finally:
            self._end_gc_tuning()

    def _end_gc_tuning(self) -> None:
        if self._gc_tuned:
            self._gc_tuned = False
            end_streaming_gc()

    def _on_frame(self) -> None:
        self._ticks += 1
        if self._pending and time.perf_counter() - self._last_render >= self._min_gap:
            self.flush()
        if self.status == "streaming" and self._ticks % self.SPINNER_TICKS == 0:
            self._frame += 1
            self._status_line.update(self._status_content(), layout=False)

    def _freeze_finished_blocks(self) -> None:
        cut = self._scanner.best
        if not cut or len(self._tail) < self.FREEZE_AT:
            return
        if not is_safe_cut(self._tail, cut):
            # The scanner is conservative, but the renderer's parser has the last word.
            self._scanner.discard_best()
            return
        piece, self._tail = self._tail[:cut], self._tail[cut:]
        self._scanner.rebase(cut)
        self._add_frozen(piece)

    def _add_frozen(self, piece: str) -> None:
        follows = self._frozen_chars > 0
        self._frozen_parts.append(piece)
        self._frozen_chars += len(piece)
        if not self._frozen or self._frozen[-1].chars >= self.FROZEN_WIDGET_CHARS:
            widget = FrozenMarkdown(citations=self._citations, classes="-frozen")
            self._frozen.append(widget)
            # Not while the app exits (is_attached is False then, checked on Textual 8.2.8):
            # quitting mid-stream finishes the reply, and mounting would raise MountError.
            if self._ready and self.is_attached:
                self.mount(widget, before=self._live)
        self._frozen[-1].add(piece, follows=follows)

    def _pop_frozen(self) -> str:
        piece = self._frozen_parts.pop()
        self._frozen_chars -= len(piece)
        widget = self._frozen[-1]
        widget.pop()
        if not widget.sources:
            self._frozen.pop()
            widget.remove()
        return piece

    def _clear_frozen(self) -> None:
        for widget in self._frozen:
            widget.remove()
        self._frozen = []
        self._frozen_parts = []
        self._frozen_chars = 0

    def _replace_text(self, text: str) -> None:
        frozen = "".join(self._frozen_parts)
        if frozen and text.startswith(frozen):
            self._tail = text[len(frozen) :]
        else:
            self._clear_frozen()
            self._tail = text
        self._scanner = SplitScanner()
        self._scanner.feed(self._tail)

    def _render_whole(self) -> None:
        tail = self.text
        self._clear_frozen()
        self._tail = tail

    def _header_content(self) -> Content:
        return Content(clean_line(self.model_slug or "Assistant", limit=40))

    def _status_content(self) -> Content:
        return Content(status_text(self.status, self.note, self._frame))

    def _update_status(self) -> None:
        for name in STATUS_LABELS:
            self.set_class(self.status == name, f"-{name}")
        content = self._status_content()
        self._status_line.update(content)
        self._status_line.display = bool(content)
