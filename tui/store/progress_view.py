"""The progress bar of ``backchat sync``: counts, rate and time left, on stderr (Rich)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Conversations per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.0f}/s", style="progress.data.speed")


class SyncProgressView:
    """Implements :class:`tui.store.sync.Progress` with a Rich progress bar."""

    def __init__(self, console: Console | None = None) -> None:
        self._progress = Progress(
            TextColumn("sync"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            RateColumn(),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._counts = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0}
        self._task = self._progress.add_task("sync", total=None, detail=self._detail())

    def _detail(self) -> str:
        return " ".join(f"{name} {count}" for name, count in self._counts.items())

    def total(self, count: int) -> None:
        self._progress.update(self._task, total=count)

    def advance(self, outcome: str, count: int = 1) -> None:
        self._counts[outcome] = self._counts.get(outcome, 0) + count
        self._progress.update(self._task, advance=count, detail=self._detail())

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._progress.stop()
