"""How long the demo backend takes to come up, in-process and as a child process.

Run: ``uv run python -m bench.demo_startup``. Every sample is a fresh interpreter, so imports
are cold-ish (bytecode cached, modules not loaded), as for ``backchat --demo``. The
``*_with_textual_s`` figures time "start the demo, import Textual's App, fetch the first
sidebar page", which is the shape of the app's start-up.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from bench._common import emit

RUNS = 7

FETCH = """
import http.client
def fetch(base_url, token, path):
    conn = http.client.HTTPConnection(base_url.removeprefix("http://"), timeout=30)
    conn.request("GET", path, headers={"Authorization": "Bearer " + token})
    body = conn.getresponse().read()
    conn.close()
    return body
PAGE = "/backend-api/conversations?offset=0&limit=28&order=updated"
"""

IN_PROCESS = (
    FETCH
    + """
import json, time
t0 = time.perf_counter()
from tui.demo import start_demo_server
t1 = time.perf_counter()
server = start_demo_server()
t2 = time.perf_counter()
fetch(server.base_url, server.token, PAGE)
t3 = time.perf_counter()
server.stop()
print(json.dumps({"import_s": t1 - t0, "start_s": t2 - t1, "first_page_s": t3 - t2}))
"""
)

WITH_TEXTUAL = (
    FETCH
    + """
import json, time
t0 = time.perf_counter()
if MODE == "spawn":
    from tui.demo.process import spawn_demo_server as start
else:
    from tui.demo import start_demo_server as start
server = start()
t1 = time.perf_counter()
import textual.app
fetch(server.base_url, server.token, PAGE)
t2 = time.perf_counter()
server.stop()
print(json.dumps({"call_s": t1 - t0, "total_s": t2 - t0}))
"""
)

TEXTUAL_ONLY = """
import json, time
t0 = time.perf_counter()
import textual.app
print(json.dumps({"total_s": time.perf_counter() - t0}))
"""


def sample(code: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def medians(code: str, prefix: str) -> dict[str, float]:
    samples = [sample(code) for _ in range(RUNS)]
    return {
        f"{prefix}{key}": round(statistics.median(s[key] for s in samples), 4) for key in samples[0]
    }


def main() -> None:
    result: dict[str, object] = {"benchmark": "demo_startup", "runs": RUNS}
    result |= medians(IN_PROCESS, "in_process_")
    result |= medians("MODE = 'thread'\n" + WITH_TEXTUAL, "thread_with_textual_")
    result |= medians("MODE = 'spawn'\n" + WITH_TEXTUAL, "spawn_with_textual_")
    result |= medians(TEXTUAL_ONLY, "textual_import_only_")
    emit(result)


if __name__ == "__main__":
    main()
