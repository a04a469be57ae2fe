"""Say so when the server is slow, and let escape stop waiting.

A request that hears nothing for :attr:`Settings.slow_notice_after` seconds (a stalled proxy, a
server that accepted the connection and went quiet) gets a notice: what is being waited for
and that escape stops it. Progress resets the clock: a reply that streams, or a load-all that
brings page after page, is not "waiting". The threshold is a setting so tests can use a tiny
one and wait on the notice, never on the clock.

Watched by worker group; each group names what it waits for, how to tell progress, and what
to put right when the wait is given up (the sidebar must stop saying "loading…").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.widget import Widget
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from tui.screens.hosting import ControllerScreen

CANCELLABLE = frozenset({"list-page", "open", "tidy"})
"""Groups escape gives up on when slow; a slow reply is stopped by the chat (partial kept)."""


@dataclass(frozen=True, slots=True)
class Watched:
    """How one worker group is watched."""

    what: str
    """What the user waits for, in words ("loading conversations")."""
    progress: Callable[[], object] = lambda: None
    """A value that changes while the work gets on (compared at each check)."""
    on_cancel: Callable[[], None] = lambda: None
    """Put the UI right after the wait was given up."""
    after_cancel: str = ""
    """Said after the wait was given up ("" for the plain "Stopped waiting")."""


@dataclass(slots=True)
class _Wait:
    watched: Watched
    last_progress: object
    timer: Timer | None = None
    slow: bool = False
    """A notice has been shown: escape may stop this one."""


class SlowWatch:
    """Timers over the watched workers of one screen."""

    def __init__(self, owner: Widget, after: float, groups: dict[str, Watched]) -> None:
        self._owner = owner
        self._after = after
        self._groups = groups
        self._waits: dict[Worker[object], _Wait] = {}

    @property
    def slow(self) -> list[Worker[object]]:
        """The watched workers a notice was shown for, still running."""
        return [worker for worker, wait in self._waits.items() if wait.slow]

    def changed(self, worker: Worker[object]) -> None:
        """Follow a worker's state (call from the screen's ``Worker.StateChanged`` handler)."""
        watched = self._groups.get(worker.group)
        if watched is None:
            return
        if worker.state is WorkerState.RUNNING and worker not in self._waits:
            self._waits[worker] = _Wait(watched, watched.progress())
            self._arm(worker)
        elif worker.is_finished:
            wait = self._waits.pop(worker, None)
            if wait is not None and wait.timer is not None:
                wait.timer.stop()

    def cancel_slow(self, *, groups: frozenset[str] | None = None) -> bool:
        """Stop every slow worker (of ``groups``); False when there was none."""
        stopped = False
        for worker in self.slow:
            if groups is not None and worker.group not in groups:
                continue
            wait = self._waits.pop(worker)
            if wait.timer is not None:
                wait.timer.stop()
            worker.cancel()
            wait.watched.on_cancel()
            self._owner.notify(
                wait.watched.after_cancel or f"Stopped waiting: {wait.watched.what}.",
                title="Cancelled",
                markup=False,
            )
            stopped = True
        return stopped

    def _arm(self, worker: Worker[object]) -> None:
        wait = self._waits.get(worker)
        if wait is not None:
            wait.timer = self._owner.set_timer(self._after, lambda: self._check(worker))

    def _check(self, worker: Worker[object]) -> None:
        wait = self._waits.get(worker)
        if wait is None or worker.is_finished:
            return
        now = wait.watched.progress()
        if now != wait.last_progress:
            wait.last_progress = now
            wait.slow = False  # getting on again: escape no longer means "stop waiting"
            self._arm(worker)
            return
        if not wait.slow:
            wait.slow = True
            seconds = f"{self._after:g} s" if self._after < 60 else f"{self._after / 60:g} min"
            self._owner.notify(
                f"Still waiting for the server ({wait.watched.what}, nothing for {seconds}). "
                "Press esc to stop waiting.",
                title="Slow server",
                severity="warning",
                markup=False,
            )
        self._arm(worker)


def watch_requests(screen: ControllerScreen) -> SlowWatch:
    """The main screen's watch: list pages, opening, tidy changes and the reply stream."""

    def reply_progress() -> object:
        run = screen.chat.run
        return None if run is None else len(run.received_text)

    groups = {
        "list-page": Watched(
            "loading conversations",
            progress=lambda: screen.sidebar.loaded,
            on_cancel=screen.sidebar.page_failed,
        ),
        "open": Watched("opening the conversation"),
        "tidy": Watched(
            "saving a change",
            after_cancel="Stopped waiting. The server may still make the change: "
            "ctrl+r shows what it holds.",
        ),
        "stream": Watched("the reply", progress=reply_progress),
    }
    return SlowWatch(screen, screen.context.settings.slow_notice_after, groups)
