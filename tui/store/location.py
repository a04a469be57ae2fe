"""Where a backend's store lives, and how a bad one is moved aside.

One file per backend URL, so two proxies (or the demo) never mix their histories. The name
keeps the host and path readable and adds a short hash of the exact URL, so URLs that differ
only in characters a file name cannot hold still get different files.
"""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

from tui.paths import data_dir

SUFFIX = ".sqlite3"
"""The store file's extension."""
_SIDE_FILES = ("-wal", "-shm")
"""SQLite's WAL-mode companions of a database file: moved with it."""


def store_path(backend_url: str, root: Path | None = None) -> Path:
    """The store file for ``backend_url`` under ``root`` (default: the XDG data dir)."""
    url = backend_url.strip().rstrip("/")
    parts = urlsplit(url)
    readable = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{parts.netloc}{parts.path}").strip("_.")
    digest = hashlib.sha256(url.encode()).hexdigest()[:10]
    name = f"{readable[:80] or 'backend'}-{digest}{SUFFIX}"
    return (root if root is not None else data_dir()) / name


def move_aside(path: Path) -> Path | None:
    """Rename ``path`` (and its WAL files) to ``<name>.broken-<time>``; None if it was absent.

    Never deletes: a damaged store may still hold the only copy of something.
    """
    if not path.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{counter}")
    path.rename(target)
    for side in _SIDE_FILES:
        companion = path.with_name(path.name + side)
        if companion.exists():
            companion.rename(target.with_name(target.name + side))
    return target
