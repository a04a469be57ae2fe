"""Garbage collection tuned so the event loop does not stall: while a reply streams, and by
setting the settled heap aside once it has settled (after start-up and after each reply)."""

from __future__ import annotations

import gc

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
        # A full collection that does happen mid-stream walks only what was made since: the
        # app's (and an in-process demo server's) existing heap is set aside until the end.
        # In the real app (bench/app_stream.py) full collections blocked the loop for 200-270 ms.
        gc.freeze()
    _streams += 1


def end_streaming_gc() -> None:
    """Undo one :func:`begin_streaming_gc`; the last one restores the previous thresholds."""
    global _streams, _saved_threshold
    if _streams == 0:
        return
    _streams -= 1
    if _streams == 0:
        gc.unfreeze()
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
    if _streams == 0:
        settle_heap()


def settle_heap() -> None:
    """Collect everything once, then set what is still alive aside (``gc.freeze``).

    Full collections walk every tracked object, and most of the heap never becomes garbage:
    modules, classes, Textual's and pydantic's internals, the open conversation. Frozen, it is
    skipped: in bench/app_open_long.py full collections during an open went from 70-100 ms to
    15-30 ms, and opens from up to 160 ms to about 100. Called once the start-up heap has
    settled, and when a reply's tuning ends (after :func:`gc.unfreeze`, so what the reply left
    behind is collected first). Does nothing while a reply streams: that heap is not settled.
    Something frozen that later becomes garbage (a conversation left for another) waits for the
    next settle; bounded, since each settle after a reply unfreezes first.
    """
    if _streams:
        return
    gc.collect()
    gc.freeze()
