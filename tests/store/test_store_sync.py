"""``sync_history`` over HTTP against the demo: complete, resumable, patient, never lossy."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

from tests.store.conftest import SMALL, FakeSleep
from tui.api import BackendClient
from tui.demo.server import DemoServer
from tui.store import Store
from tui.store.sync import RetryPolicy, sync_history

pytestmark = pytest.mark.anyio


async def assert_complete_copy(client: BackendClient, store: Store, demo: DemoServer) -> None:
    """Every listed conversation is stored, byte for byte what the server sends now."""
    listed = demo.state.listing(archived=False) + demo.state.listing(archived=True)
    assert store.counts().with_body == len(listed) == SMALL
    for record in listed[::7]:
        assert store.conversation_json(record.id) == await client.conversation_bytes(record.id)


def requested_paths(demo: DemoServer) -> list[str]:
    return [request.path for request in demo.state.requests]


async def test_a_sync_copies_everything_and_a_second_reads_only_the_list(
    sync_client: BackendClient, store: Store, small_demo: DemoServer
) -> None:
    report = await sync_history(sync_client, store)
    assert (report.new, report.updated, report.failed, report.only_local) == (SMALL, 0, 0, 0)
    assert report.list_complete
    await assert_complete_copy(sync_client, store, small_demo)
    small_demo.state.requests.clear()
    again = await sync_history(sync_client, store)
    assert (again.new, again.updated, again.unchanged) == (0, 0, SMALL)
    assert set(requested_paths(small_demo)) == {"/backend-api/conversations"}


async def test_a_changed_conversation_is_fetched_again(
    sync_client: BackendClient, store: Store, small_demo: DemoServer
) -> None:
    await sync_history(sync_client, store)
    target = small_demo.state.listing(archived=False)[5]
    conv = await sync_client.conversation(target.id)
    await sync_client.send_and_collect(
        "One more question about lighthouses",
        model="text-davinci-002-render-sha",
        parent_message_id=conv.current_node,
        conversation_id=target.id,
    )
    report = await sync_history(sync_client, store)
    assert (report.new, report.updated, report.unchanged) == (0, 1, SMALL - 1)
    assert [hit.conversation_id for hit in store.search("lighthouses")] == [target.id]


async def test_a_conversation_gone_from_the_server_stays_until_pruned(
    sync_client: BackendClient, store: Store, small_demo: DemoServer
) -> None:
    await sync_history(sync_client, store)
    gone = small_demo.state.listing(archived=False)[3].id
    await sync_client.delete_conversation(gone)
    report = await sync_history(sync_client, store)
    assert report.only_local == 1
    item = store.item(gone)
    assert item is not None
    assert item.only_local
    assert store.conversation_json(gone) is not None
    assert store.search(item.title), "still searchable"
    pruned = await sync_history(sync_client, store, prune=True)
    assert pruned.pruned == 1
    assert store.item(gone) is None
    assert store.counts().conversations == SMALL - 1


async def test_dropped_connections_are_retried_without_loss(
    sync_client: BackendClient, store: Store, small_demo: DemoServer, fake_sleep: FakeSleep
) -> None:
    small_demo.faults.arm("drop_connection", times=6, on="read")
    report = await sync_history(sync_client, store, sleep=fake_sleep)
    assert report.failed == 0
    assert len(fake_sleep.waits) == 6
    await assert_complete_copy(sync_client, store, small_demo)


async def test_after_dropped_connections_a_second_run_completes_the_copy(
    sync_client: BackendClient, store: Store, small_demo: DemoServer
) -> None:
    reports = []

    async def first_run() -> None:
        reports.append(await sync_history(sync_client, store, retry=RetryPolicy(attempts=1)))

    async with anyio.create_task_group() as group:
        group.start_soon(first_run)
        # Once the list is stored, the connection starts dropping: fetches fail for good.
        while store.counts().conversations < SMALL // 2:
            await anyio.lowlevel.checkpoint()  # yields to the sync; no time passes by design
        small_demo.faults.arm("drop_connection", times=12, on="read")
    [report] = reports
    assert report.failed > 0
    assert all("Could not reach" in failure.reason for failure in report.failures)
    stored_before = store.counts().with_body
    assert stored_before < SMALL
    small_demo.faults.clear()
    resumed = await sync_history(sync_client, store)
    assert resumed.failed == 0
    assert resumed.new == SMALL - stored_before, "what was stored is not fetched again"
    await assert_complete_copy(sync_client, store, small_demo)


async def test_an_interrupted_sync_resumes_where_it_stopped(
    sync_client: BackendClient, store: Store, small_demo: DemoServer
) -> None:
    await sync_history(sync_client, store)
    store.close()
    fresh = Store(store.path.with_name("fresh.sqlite3"))
    # Let a few conversations through, then hold one request and interrupt (as ctrl+c does).
    hold = None
    async with anyio.create_task_group() as group:
        group.start_soon(sync_history, sync_client, fresh)
        while fresh.counts().with_body < 5:
            await anyio.lowlevel.checkpoint()  # yields to the sync; no time passes by design
        hold = small_demo.faults.hold(on="read")
        await anyio.to_thread.run_sync(hold.reached.wait)
        group.cancel_scope.cancel()
    hold.release()
    partial = fresh.counts().with_body
    assert 5 <= partial < SMALL
    resumed = await sync_history(sync_client, fresh)
    assert resumed.new == SMALL - partial
    await assert_complete_copy(sync_client, fresh, small_demo)
    fresh.close()


async def test_a_storm_of_429s_is_waited_out(
    sync_client: BackendClient, store: Store, small_demo: DemoServer, fake_sleep: FakeSleep
) -> None:
    small_demo.faults.arm("rate_limit_plain", times=25, on="read")
    report = await sync_history(sync_client, store, sleep=fake_sleep)
    assert report.failed == 0
    assert len(fake_sleep.waits) == 25
    assert min(fake_sleep.waits) >= 2.0, "the server's Retry-After: 2 is honoured"
    await assert_complete_copy(sync_client, store, small_demo)


async def test_server_errors_are_retried(
    sync_client: BackendClient, store: Store, small_demo: DemoServer, fake_sleep: FakeSleep
) -> None:
    small_demo.faults.arm("server_500", times=3, on="read")
    small_demo.faults.arm("bad_gateway_502", times=3, on="read")
    report = await sync_history(sync_client, store, sleep=fake_sleep)
    assert report.failed == 0
    assert len(fake_sleep.waits) == 6
    await assert_complete_copy(sync_client, store, small_demo)


async def test_an_expired_token_stops_the_run(
    sync_client: BackendClient, store: Store, small_demo: DemoServer
) -> None:
    small_demo.faults.arm("expired_401", times=1, on="read")
    report = await sync_history(sync_client, store)
    assert report.stopped is not None
    assert "backchat login" in report.stopped
    assert not report.list_complete


async def test_a_full_disk_stops_the_run_and_keeps_what_was_stored(
    sync_client: BackendClient, store: Store, small_demo: DemoServer
) -> None:
    pages = store._connection.execute("PRAGMA page_count").fetchone()[0]
    store._connection.execute(f"PRAGMA max_page_count = {pages + 60}")
    report = await sync_history(sync_client, store)
    assert report.stopped is not None
    assert "full" in report.stopped
    counts = store.counts()
    assert 0 < counts.with_body < SMALL
    store._connection.execute("PRAGMA max_page_count = 1073741823")
    resumed = await sync_history(sync_client, store)
    assert resumed.stopped is None
    await assert_complete_copy(sync_client, store, small_demo)
