"""The live assistant reply: Markdown that streams in without freezing the app.

Why not Textual's ``Markdown`` widget with ``MarkdownStream``: on a 50 KB reply it stalls the
event loop for up to a second per frame, because every frame lays out every block widget of the
document; and ``update(full_text)`` per chunk never finishes (TEXTUAL-research.md §1).

What this does instead ("rich-split", measured in §1 and in ``bench/stream_render.py``):

- :meth:`StreamingReply.append` only stores the delta. A timer renders at most once per frame,
  however many deltas arrived in between.
- The text is cut, at safe points only (:mod:`tui.markdown_split`), into finished pieces and the
  live tail. A finished piece is rendered by Rich once (per width) and kept as strips in a
  :class:`FrozenMarkdown` widget; each of those holds many pieces, so the widget count stays
  small. Only the tail, usually one or two blocks, is rendered again on each frame.
- Pieces are rendered with the transcript's renderer (:func:`tui.render.markdown_renderable`,
  :func:`tui.render.render_to_text`) and the cuts are chosen so that the pieces stacked look
  exactly like the whole reply rendered at once, which is what the reply becomes when the
  conversation is reloaded.
"""

from __future__ import annotations

import gc
import io
import time
from typing import ClassVar

from rich.console import Console
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from tui.markdown_split import SplitScanner, is_safe_cut
from tui.render import markdown_renderable, render_to_text
from tui.sanitize import clean_line, clean_text

STAND_IN = "x\n\n"
"""A one-line paragraph rendered in front of every piece but the first, then dropped.

Rich puts the blank line between two top-level blocks *before* the second one, and only when
the element closed last asks for it (rich.markdown 15.0.0). Rendered behind a stand-in, a piece
gets exactly the leading blank line (or none: a quote or a list brings its own) that it has in
the whole reply.
"""

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


# Text.render needs a console only to look up named styles; rendered Text holds Style objects.
_SEGMENT_CONSOLE = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")


def render_piece(source: str, width: int, *, follows: bool) -> list[Strip]:
    """Render one piece of a reply's Markdown at ``width`` into unstyled strips.

    ``follows``: the piece comes after an earlier one, so it is rendered behind
    :data:`STAND_IN` (dropped again) to get the spacing it has in the whole reply. Strips carry
    only the Markdown's own styles; the widget's colours are applied when painting, so hovering
    or a theme change never re-renders the Markdown.
    """
    if not source.strip():
        return []
    markdown = STAND_IN + source if follows else source
    try:
        text = render_to_text(markdown_renderable(markdown), width)
    except Exception:
        # A renderer failure (a Pygments lexer, odd Markdown) must not take the app down
        # mid-stream: show the piece as plain text, as the transcript does.
        text = Text(clean_text(markdown), no_wrap=True, overflow="fold")
    if not text.plain:
        return []  # nothing to show (an HTML comment): not one empty line
    lines = text.split("\n", allow_blank=True)
    return [
        Strip(line.render(_SEGMENT_CONSOLE), line.cell_len) for line in lines[1 if follows else 0 :]
    ]


YOUNG_GC_THRESHOLD = 20_000
"""Allocations between young garbage collections while a reply streams (CPython's is 700)."""

OLD_GC_THRESHOLD = 100
"""Middle-generation collections between full ones while a reply streams (CPython's is 10)."""

_streams = 0
_saved_threshold: tuple[int, int, int] | None = None


def begin_streaming_gc() -> None:
    """Collect the young generation less often while a reply streams; calls nest.

    Every frame renders new strips, and Textual 8.2.8 caches strips in reference cycles
    (``Strip.divide`` keeps ``[self]``, ``adjust_cell_length`` keeps ``self``), so they can only
    be freed by the collector. With CPython's default threshold of 700 allocations they outlive
    a few young collections, get promoted, and trigger a full collection every half second or
    so, each blocking the event loop for 100-330 ms on the reference VM (bench/stream_render.py:
    loop lag max 112-355 ms over five runs). With a young generation of 20,000 allocations most
    of a frame's garbage dies young, and full collections wait for the end of the stream (one of
    70-130 ms, :attr:`StreamingReply.GC_RESTORE_DELAY` after it): loop lag max 18-32 ms.
    """
    global _streams, _saved_threshold
    if _streams == 0:
        _saved_threshold = gc.get_threshold()
        young, middle, old = _saved_threshold
        gc.set_threshold(max(young, YOUNG_GC_THRESHOLD), middle, max(old, OLD_GC_THRESHOLD))
    _streams += 1


def end_streaming_gc() -> None:
    """Undo one :func:`begin_streaming_gc`; the last one restores the previous thresholds."""
    global _streams, _saved_threshold
    if _streams == 0:
        return
    _streams -= 1
    if _streams == 0 and _saved_threshold is not None:
        young, middle, old = _saved_threshold
        if gc.get_threshold() == (
            max(young, YOUNG_GC_THRESHOLD),
            middle,
            max(old, OLD_GC_THRESHOLD),
        ):
            # Only if nobody else has changed the thresholds meanwhile.
            gc.set_threshold(young, middle, old)
        _saved_threshold = None


class MarkdownStrips(Widget):
    """Pieces of a reply's Markdown, each rendered once per width and kept as strips.

    One plain widget for many pieces: Textual lays out every widget on every frame, so fewer
    widgets keep each frame cheap (TEXTUAL-research.md §2).
    """

    DEFAULT_CSS = """
    MarkdownStrips {
        height: auto;
    }
    """
    """Only what the widget needs: its height is its rendered lines."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._pieces: list[tuple[str, bool]] = []
        self._lines: list[Strip] = []
        self._counts: list[int] = []
        self._width = 0

    @property
    def sources(self) -> list[str]:
        """The Markdown of each piece, in order."""
        return [source for source, _ in self._pieces]

    @property
    def chars(self) -> int:
        """Characters of Markdown held."""
        return sum(len(source) for source, _ in self._pieces)

    def add(self, source: str, *, follows: bool) -> None:
        """Append a piece (rendered now if the width is known) and grow to fit it."""
        self._pieces.append((source, follows))
        if self._width:
            strips = render_piece(source, self._width, follows=follows)
            self._lines.extend(strips)
            self._counts.append(len(strips))
        self.refresh(layout=True)

    def replace(self, source: str, *, follows: bool) -> None:
        """Show ``source`` as the only piece; lay out again only if the height changed."""
        if self._pieces == [(source, follows)]:
            return
        self._pieces = [(source, follows)]
        if not self._width:
            self.refresh(layout=True)
            return
        height = len(self._lines)
        strips = render_piece(source, self._width, follows=follows)
        self._lines = strips
        self._counts = [len(strips)]
        self.refresh(layout=len(strips) != height)

    def pop(self) -> str:
        """Remove the last piece and return its Markdown."""
        source, _ = self._pieces.pop()
        if self._width and self._counts:
            count = self._counts.pop()
            del self._lines[len(self._lines) - count :]
        self.refresh(layout=True)
        return source

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The rendered lines at ``width`` (rendering now if the width changed)."""
        self._render_at(width)
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        """One rendered line, in the widget's current colours."""
        width = self.size.width
        self._render_at(width)
        style = self.rich_style
        if 0 <= y < len(self._lines):
            return self._lines[y].apply_style(style)
        return Strip.blank(width, style)

    def _render_at(self, width: int) -> None:
        if width == self._width or width <= 0:
            return
        self._width = width
        self._lines = []
        self._counts = []
        for source, follows in self._pieces:
            strips = render_piece(source, width, follows=follows)
            self._lines.extend(strips)
            self._counts.append(len(strips))


class FrozenMarkdown(MarkdownStrips):
    """Finished pieces of the reply: rendered once, never again unless the width changes."""


class LiveMarkdown(MarkdownStrips):
    """The unfinished tail of the reply, rendered again on each frame while it grows."""


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

    FRAME_INTERVAL: ClassVar[float] = 1 / 30
    """Seconds between renders while text is arriving (deltas in between are coalesced)."""

    FREEZE_AT: ClassVar[int] = 600
    """Cut finished blocks off the tail once it holds this many characters."""

    FROZEN_WIDGET_CHARS: ClassVar[int] = 16_000
    """Start another :class:`FrozenMarkdown` once the last one holds this many characters."""

    RENDER_SHARE: ClassVar[float] = 0.5
    """At most this share of the time is spent rendering the tail: when the tail is slow to
    render (a huge code block, which cannot be cut), frames are spaced further apart."""

    SPINNER_TICKS: ClassVar[int] = 3
    """Frames per spinner step."""

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
        self._live = LiveMarkdown(id="reply-tail")
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
        at once by :func:`tui.render.markdown_renderable`.
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
        """A removed reply stops rendering (its text stays readable through :attr:`text`)."""
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
        if later and self._ready and self.GC_RESTORE_DELAY > 0:
            # Restoring the thresholds usually sets off a full collection: let the final frame
            # reach the screen first.
            self.set_timer(self.GC_RESTORE_DELAY, self._end_gc_tuning, name="streaming-reply-gc")
        else:
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
            widget = FrozenMarkdown(classes="-frozen")
            self._frozen.append(widget)
            if self._ready:
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
