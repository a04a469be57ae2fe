"""backchat: a keyboard-first terminal client for ChatGPT's web backend-api."""

__version__ = "0.1.0"
"""The release, as in pyproject.toml (tests/test_version.py keeps the two equal).

A constant rather than ``importlib.metadata.version``: reading the installed metadata cost
~9 ms of every start-up (the User-Agent needs it before the first request)."""
