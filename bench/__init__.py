"""Benchmarks: each script prints one JSON object (run with ``uv run python -m bench.NAME``)."""
