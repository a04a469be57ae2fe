"""``httpx``, imported without its command-line module when that would pull in click.

``httpx/__init__.py`` (checked on 0.28.1) tries ``from ._main import main`` for the ``httpx``
CLI, and ``_main`` imports click, rich's console and pygments when click is installed, which it
is here as a dependency of uvicorn: about 40-80 ms on the app's start-up path for a CLI nobody
runs (docs/TEXTUAL-NOTES.md §8). Blocking that one module while httpx first loads makes httpx take
its own fallback (``main`` then only says "install httpx[cli]"). Every other module, and a later
``import httpx._main`` by anyone who wants it, is unaffected.
"""

from __future__ import annotations

import sys


def _import_httpx() -> None:
    if "httpx" in sys.modules:
        return
    blocked = "httpx._main" not in sys.modules
    if blocked:
        # A None entry makes `import httpx._main` raise ImportError, which httpx catches.
        sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    finally:
        if blocked and sys.modules.get("httpx._main", ...) is None:
            del sys.modules["httpx._main"]


_import_httpx()

import httpx  # noqa: E402  (after the guarded first import above, on purpose)

__all__ = ["httpx"]
