"""What can go wrong with the local store, each as a sentence a user can act on."""

from __future__ import annotations

from pathlib import Path

REBUILD_HINT = "backchat sync --rebuild"
"""The command that moves a bad store aside (never deleting it) and fills a new one."""


class StoreError(Exception):
    """Base of every store error; ``str()`` is fit to show a user."""


class StoreCorruptError(StoreError):
    """The file at the store's path is damaged, or is not a backchat store at all."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"{path} {problem}. Run `{REBUILD_HINT}` to move it aside (it is kept, not deleted) "
            "and build a new copy of your history."
        )
        self.path = path
        """The file that could not be used."""


class StoreTooNewError(StoreError):
    """The store was written by a newer backchat whose schema this one does not know."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"{path} uses store schema {found}, but this backchat knows only up to {known}. "
            "Update backchat, or run `backchat sync --rebuild` to start a new copy "
            "(the old file is kept)."
        )
        self.path = path


class StoreFullError(StoreError):
    """The disk (or the file system's quota) is full; the last change was rolled back."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"The disk holding {path} is full. Nothing half-written was kept: the store holds "
            "everything saved before this point. Free some space and run the command again."
        )
        self.path = path


class StoreBusyError(StoreError):
    """Another process kept the store locked for longer than we wait."""

    def __init__(self, path: Path, seconds: float) -> None:
        super().__init__(
            f"{path} stayed locked by another backchat process for {seconds:.0f} s. "
            "Try again when it has finished."
        )
        self.path = path
