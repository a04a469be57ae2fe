"""The app reads through the local store: the stored list first, stored conversations at once,
the copy kept up to date, and offline mode (server unreachable, or ``--offline``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.app.pilot_helpers import (
    SIZE,
    idle,
    listing,
    messages_text,
    notices,
    open_row,
    press_on_row,
    ready_to_chat,
    row_ids,
    select,
    send_and_settle,
    started,
    title_bar,
    type_text,
    wait_for,
)
from tests.app.test_tidy import rename_to
from tui.api import ApiSettings, BackendClient
from tui.app import BackchatApp, create_demo_app
from tui.demo.server import DemoServer, start_demo_server
from tui.screens.confirm import ConfirmScreen
from tui.screens.rename import RenameScreen
from tui.store import ListEntry, Store, store_path

pytestmark = pytest.mark.anyio

STORED_TEXT = "This is the stored copy's wording."
"""Put in an older stored copy of a conversation, to tell it from the server's."""


def backend_url(demo: DemoServer) -> str:
    return demo.base_url + "/backend-api"


def store_of(demo: DemoServer, data_dir: Path) -> Store:
    """The store the app opens for ``demo`` with its data dir at ``data_dir``."""
    return Store.for_backend(backend_url(demo), data_dir)


async def fill_store(
    demo: DemoServer, data_dir: Path, *, bodies: int = 0, older: Sequence[str] = ()
) -> list[str]:
    """Copy the server's first list page and the first ``bodies`` conversations into the
    store, as a sync would; the conversations in ``older`` are stored as an older version
    (their first user message reworded, their update time earlier). Returns the listed ids."""
    settings = ApiSettings(base_url=demo.base_url, backend_url=backend_url(demo), token=demo.token)
    async with BackendClient(settings) as client:
        page = await client.conversations(limit=28)
        raws = [await client.conversation_bytes(item.id) for item in page.items[:bodies]]
        raws += [await client.conversation_bytes(cid) for cid in older]
    with store_of(demo, data_dir) as store:
        store.put_list_items(ListEntry.from_item(item) for item in page.items)
        for raw in raws[:bodies]:
            store.put_conversation(raw)
        for raw in raws[bodies:]:
            store.put_conversation(_older(raw))
    return [item.id for item in page.items]


def _older(raw: bytes) -> bytes:
    data = json.loads(raw)
    data["update_time"] = float(data["update_time"]) - 3600
    for node in data["mapping"].values():
        message = node.get("message") or {}
        if (message.get("author") or {}).get("role") == "user":
            message["content"]["parts"] = [STORED_TEXT]
            break
    return json.dumps(data).encode()


def make(demo: DemoServer, tmp_path: Path, **settings: object) -> BackchatApp:
    return create_demo_app(
        demo, state_path=tmp_path / "state.json", data_dir=tmp_path / "data", **settings
    )


# -- start-up ----------------------------------------------------------------------------------


async def test_the_stored_list_is_on_the_first_frame_and_read_offline_when_unreachable(
    tmp_path: Path,
) -> None:
    server = start_demo_server(pace=0.0)
    try:
        ids = await fill_store(server, tmp_path / "data", bodies=2)
    finally:
        server.stop()  # nothing listens there any more: connection refused
    app = make(server, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert row_ids(app) == ids  # composed with the first frame, before any request
        await wait_for(pilot, lambda: app.main.history.offline, "the app to go offline")
        await idle(pilot)
        assert row_ids(app) == ids
        assert "offline" in title_bar(app)
        assert any("cannot be reached" in n for n in notices(app))

        await open_row(pilot, ids[0])
        assert messages_text(app)  # read from the store
        # Writing is refused plainly; what was typed stays.
        await type_text(pilot, "a prompt for later")
        await pilot.press("enter")
        await idle(pilot)
        assert app.main.composer.text == "a prompt for later"
        assert any("Sending needs the server — you are offline." in n for n in notices(app))
        await press_on_row(pilot, ids[1], "r")
        assert not isinstance(app.screen, RenameScreen)
        assert any("Renaming needs the server" in n for n in notices(app))
        # A conversation only listed, never stored, says so instead of waiting on the network.
        await press_on_row(pilot, ids[5], "enter")
        assert any("not in your local copy" in n for n in notices(app))
        assert app.main.transcript.conversation_id == ids[0]


async def test_offline_flag_reads_the_copy_and_never_asks_the_server(
    demo: DemoServer, tmp_path: Path
) -> None:
    ids = await fill_store(demo, tmp_path / "data", bodies=1)
    demo.state.requests.clear()
    app = make(demo, tmp_path, offline=True)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        assert row_ids(app) == ids
        assert "offline" in title_bar(app)
        await open_row(pilot, ids[0])
        assert messages_text(app)
        for key, said in (
            ("ctrl+n", "A new chat"),
            ("d", "Deleting"),
            ("a", "Archiving"),
            ("S", "Sharing"),
        ):
            await press_on_row(pilot, ids[0], key)
            assert not isinstance(app.screen, ConfirmScreen)
            assert any(f"{said} needs the server — you are offline." in n for n in notices(app))
        await type_text(pilot, "kept draft")
        await pilot.press("enter")
        await idle(pilot)
        assert app.main.composer.text == "kept draft"
        await pilot.press("ctrl+r")
        await idle(pilot)
    assert demo.state.requests == []


async def test_the_servers_first_page_reconciles_the_stored_list_keeping_the_cursor(
    demo: DemoServer, tmp_path: Path
) -> None:
    ids = await fill_store(demo, tmp_path / "data")
    with store_of(demo, tmp_path / "data") as store:
        newest = store.list_page(limit=1)[0].update_time
        assert newest is not None
        store.rename(ids[3], "A title the server no longer has")
        # Deleted on the web since the copy was made: the server will not list it.
        store.put_list_items(
            [ListEntry("gone", "Deleted elsewhere", None, newest.timestamp() + 60, False)]
        )
    first_page = demo.faults.hold(on="read")
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        sidebar = app.main.sidebar
        assert row_ids(app) == ["gone", *ids[:27]]  # one page: the stored list's first 28
        assert sidebar.title_of(ids[3]) == "A title the server no longer has"
        await wait_for(pilot, first_page.reached.is_set, "the first page to be asked for")
        await select(pilot, ids[3])
        first_page.release()
        await started(pilot)
        # Near the end of the first page, the list goes on to the second.
        assert row_ids(app)[:28] == ids
        assert "gone" not in row_ids(app)
        assert sidebar.highlighted_id == ids[3]  # the same conversation, one row up
        assert sidebar.title_of(ids[3]) != "A title the server no longer has"


async def test_a_cursor_on_a_row_the_server_dropped_moves_to_the_next_listed_one(
    demo: DemoServer, tmp_path: Path
) -> None:
    ids = await fill_store(demo, tmp_path / "data")
    with store_of(demo, tmp_path / "data") as store:
        times = [row.update_time for row in store.list_page(limit=28)]
        before_last, last = times[-2], times[-1]
        assert before_last is not None
        assert last is not None
        between = (before_last.timestamp() + last.timestamp()) / 2
        store.put_list_items([ListEntry("gone", "Deleted elsewhere", None, between, False)])
    first_page = demo.faults.hold(on="read")
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert row_ids(app) == [*ids[:27], "gone"]
        await wait_for(pilot, first_page.reached.is_set, "the first page to be asked for")
        await select(pilot, "gone")
        before = row_ids(app)
        first_page.release()
        await started(pilot)
        assert row_ids(app)[:28] == ids
        assert "gone" not in row_ids(app)
        # Nothing after it was listed: the nearest listed row before it takes the cursor.
        assert app.main.sidebar.highlighted_id == before[-2] == ids[26]


# -- opening -----------------------------------------------------------------------------------


async def test_a_stored_conversation_shows_at_once_then_the_newer_server_copy(
    demo: DemoServer, tmp_path: Path
) -> None:
    target = (await fill_store(demo, tmp_path / "data"))[0]
    await fill_store(demo, tmp_path / "data", older=[target])
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        reload = demo.faults.hold(on="read")
        await select(pilot, target)
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: app.main.transcript.conversation_id == target, "the stored copy"
        )
        assert STORED_TEXT in messages_text(app)  # before the server has answered
        await wait_for(pilot, reload.reached.is_set, "the server's copy to be asked for")
        reload.release()
        await wait_for(
            pilot, lambda: STORED_TEXT not in messages_text(app), "the server's newer copy"
        )
        await idle(pilot)
        assert app.main.history.open_id == target
    settings = ApiSettings(base_url=demo.base_url, backend_url=backend_url(demo), token=demo.token)
    async with BackendClient(settings) as client:
        served = await client.conversation_bytes(target)
    with store_of(demo, tmp_path / "data") as store:
        assert store.conversation_json(target) == served  # the copy is the server's now


async def test_an_up_to_date_stored_conversation_is_not_fetched_again(
    demo: DemoServer, tmp_path: Path
) -> None:
    ids = await fill_store(demo, tmp_path / "data", bodies=1)
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot)
        demo.state.requests.clear()
        await open_row(pilot, ids[0])
        assert messages_text(app)
        assert not [r for r in demo.state.requests if r.path.endswith(ids[0])]


# -- the copy follows what the user does -------------------------------------------------------


async def test_opening_renaming_and_deleting_update_the_store(
    demo: DemoServer, tmp_path: Path
) -> None:
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot)
        ids = row_ids(app)
        await open_row(pilot, ids[2])
        await press_on_row(pilot, ids[2], "r")
        await rename_to(pilot, "Renamed in the app")
        await press_on_row(pilot, ids[4], "d", "y")
        await idle(pilot)
    with store_of(demo, tmp_path / "data") as store:
        assert [row.id for row in store.list_page(limit=28)][:2] == [ids[0], ids[1]]
        assert store.conversation_json(ids[2]) is not None
        stored = store.item(ids[2])
        assert stored is not None
        assert stored.title == "Renamed in the app"
        assert store.item(ids[4]) is None
        assert store.search("Renamed in the app")


async def test_a_reply_puts_the_servers_copy_in_the_store(demo: DemoServer, tmp_path: Path) -> None:
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready_to_chat(pilot)
        target = row_ids(app)[3]
        await open_row(pilot, target)
        await send_and_settle(pilot, "Remember this prompt in the copy")
    with store_of(demo, tmp_path / "data") as store:
        raw = store.conversation_json(target)
        assert raw is not None
        assert b"Remember this prompt in the copy" in raw
        assert store.search('"Remember this prompt"')


async def test_a_failing_store_gives_one_quiet_warning_and_the_app_goes_on(
    demo: DemoServer, tmp_path: Path
) -> None:
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot)
        store = app.local_copy.store
        assert store is not None
        store.close()  # every store call fails from here on, as with a vanished disk
        for target in row_ids(app)[2:5]:
            await open_row(pilot, target)
            assert messages_text(app)
        warnings = [n for n in notices(app) if "Local copy not used" in n]
        assert len(warnings) == 1


async def test_offline_because_unreachable_comes_back_online_on_refresh(
    demo: DemoServer, tmp_path: Path
) -> None:
    ids = await fill_store(demo, tmp_path / "data", bodies=1)
    # Every attempt at the first page loses its connection: the server is as good as away.
    demo.faults.arm("drop_connection", times=3, on="read")
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.main.history.offline, "the app to go offline")
        await idle(pilot)
        assert "offline" in title_bar(app)
        await select(pilot, ids[2])
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: not app.main.history.offline, "the app to be back online")
        await started(pilot)
        assert "offline" not in title_bar(app)
        assert any("Back online." in n for n in notices(app))
        assert app.main.sidebar.highlighted_id == ids[2]
        assert app.main.chat.models  # asked for once back online


async def test_a_corrupt_store_is_named_and_the_app_runs_online(
    demo: DemoServer, tmp_path: Path
) -> None:
    broken = store_path(backend_url(demo), tmp_path / "data")
    broken.parent.mkdir()
    broken.write_bytes(b"this is not a database, but someone's notes" * 100)
    app = make(demo, tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot)
        assert row_ids(app)[:28] == [r.id for r in listing(demo)[:28]]  # from the server
        said = " ".join(notices(app))
        assert str(broken) in said
        assert "backchat sync --rebuild" in said
        await open_row(pilot, row_ids(app)[0])
        assert messages_text(app)
    assert broken.read_bytes().startswith(b"this is not a database")  # never deleted
