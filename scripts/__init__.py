"""Maintenance scripts (run with ``uv run python -m scripts.NAME``)."""
