"""Helpers shared by the benchmark scripts."""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(result: dict[str, Any]) -> None:
    """Print the benchmark's result as one JSON object, with the machine it ran on."""
    result = {**result, "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(result, indent=2, sort_keys=True))
