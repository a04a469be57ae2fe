"""``serve-demo`` in a real subprocess: it prints its URL and token, serves, and stops."""

from __future__ import annotations

import select
import signal
import subprocess
import sys

import httpx

from tui.demo import DEMO_TOKEN
from tui.demo.process import DemoProcess, spawn_demo_server
from tui.demo.serve_command import build_parser


def wait_ready(child: DemoProcess, timeout: float = 10.0) -> bool:
    """Block until the child serves (it prints its URL then); False on timeout or death."""
    stdout = child.process.stdout
    if stdout is None:
        return False
    readable, _, _ = select.select([stdout], [], [], timeout)
    return bool(readable) and stdout.readline().startswith(b"url: ")


def test_parser_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.wire, args.pace) == ("127.0.0.1", 0, "auto", 0.02)


def test_serve_demo_subprocess() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.demo", "--pace", "0", "--wire", "v1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url_line = process.stdout.readline().strip()
        token_line = process.stdout.readline().strip()
        assert url_line.startswith("url: http://127.0.0.1:")
        assert token_line == f"token: {DEMO_TOKEN}"
        url = url_line.removeprefix("url: ")
        headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
        page = httpx.get(f"{url}/backend-api/conversations", headers=headers, params={"limit": 5})
        assert page.status_code == 200
        assert len(page.json()["items"]) == 5
        body = {
            "action": "next",
            "messages": [{"id": "aaa-1", "author": {"role": "user"},
                          "content": {"content_type": "text", "parts": ["hi"]}}],
            "parent_message_id": "aaa-0",
            "model": "gpt-4o",
        }  # fmt: skip
        reply = httpx.post(f"{url}/backend-api/conversation", headers=headers, json=body)
        assert reply.text.startswith("event: delta_encoding")
        assert reply.text.endswith("data: [DONE]\n\n")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_spawned_child_process() -> None:
    with spawn_demo_server(pace=0.0) as child:
        # Requests made before the child is ready wait in the backlog instead of failing.
        headers = {"Authorization": f"Bearer {child.token}"}
        page = httpx.get(f"{child.backend_url}/conversations", headers=headers, timeout=20.0)
        assert page.json()["total"] >= 300
        assert wait_ready(child)
    assert child.process.returncode == 0


def test_a_child_that_stopped_on_its_own_says_so() -> None:
    with spawn_demo_server(pace=0.0) as child:
        assert wait_ready(child)
        child.process.terminate()  # not through stop(): as if it had crashed
        child.process.wait(10)
    failure = child.failure()
    assert failure is not None
    assert f"status {-signal.SIGTERM}" in failure


def test_a_child_stopped_by_the_app_reports_nothing() -> None:
    with spawn_demo_server(pace=0.0) as child:
        assert wait_ready(child)
    assert child.process.returncode == 0
    assert child.failure() is None


def test_a_child_that_cannot_start_says_why() -> None:
    child = spawn_demo_server(wire="no-such-wire")
    assert not wait_ready(child)
    child.stop()
    failure = child.failure()
    assert failure is not None
    assert "status 2" in failure
    assert "invalid choice" in failure  # argparse's own words, from the child's stderr
