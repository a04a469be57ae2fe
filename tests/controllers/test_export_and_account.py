"""The export writer and the account loader alone, against the demo backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.controllers.recording_host import RecordingHost
from tui.api import BackendClient
from tui.controllers import messages as m
from tui.controllers.account_loader import LOADING, AccountLoader
from tui.controllers.export_files import Exporter, render_export
from tui.controllers.reading import History
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_export_writes_the_branch_and_says_where(
    demo: DemoServer, host: RecordingHost, history: History, tmp_path: Path
) -> None:
    history.open(demo.state.listing(archived=False)[0].id)
    await host.settled()
    session = history.session
    assert session is not None
    host.clear()
    exporter = Exporter(host)
    exporter.export(session, "branch", "markdown", tmp_path / "notes" / "csv.md")
    exporter.export(session, "tree", "json", tmp_path / "tree.json")
    await host.settled()

    written = tmp_path / "notes" / "csv.md"
    assert written.read_text(encoding="utf-8") == render_export(
        session.conversation, "branch", "markdown", leaf_id=session.leaf_id
    )
    tree = json.loads((tmp_path / "tree.json").read_text(encoding="utf-8"))
    assert set(tree["mapping"]) == set(session.conversation.mapping)
    assert sorted(host.messages, key=str) == sorted(
        [m.Notice(f"Exported to {written}"), m.Notice(f"Exported to {tmp_path / 'tree.json'}")],
        key=str,
    )


async def test_export_many_writes_each_and_counts_the_failures(
    demo: DemoServer, host: RecordingHost, client: BackendClient, tmp_path: Path
) -> None:
    ids = [record.id for record in demo.state.listing(archived=False)[:3]]
    exporter = Exporter(host, client)
    exporter.export_many([*ids, "no-such-conversation"], tmp_path / "many", fmt="json")
    await host.settled()
    files = sorted((tmp_path / "many").iterdir())
    assert len(files) == 3
    assert {json.loads(f.read_text(encoding="utf-8"))["conversation_id"] for f in files} == set(ids)
    assert host.messages == [m.Notice(f"Exported 3 conversations to {tmp_path / 'many'}, 1 failed")]


async def test_an_export_that_cannot_be_written_says_why(
    demo: DemoServer, host: RecordingHost, history: History, tmp_path: Path
) -> None:
    assert history.exportable() is None
    assert host.messages == [m.Notice("Open a conversation to export it.")]
    history.open(demo.state.listing(archived=False)[0].id)
    await host.settled()
    session = history.exportable()
    assert session is not None
    host.clear()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    Exporter(host).export(session, "branch", "markdown", tmp_path / "a-file" / "x.md")
    await host.settled()
    (notice,) = host.messages
    assert isinstance(notice, m.ErrorNotice)
    assert notice.doing == "Export failed"
    assert isinstance(notice.error, OSError)


async def test_the_account_loads_every_section(
    demo: DemoServer, host: RecordingHost, client: BackendClient
) -> None:
    loader = AccountLoader(host, client)
    loader.load()
    assert host.messages == [m.Notice(LOADING, timeout=2)]
    await host.settled()
    (loaded,) = host.of(m.AccountLoaded)
    overview = loaded.overview
    assert overview.account is not None
    assert overview.models
    assert overview.limit is not None
    assert overview.shared_links is not None
    assert overview.beta_features is not None
    assert not any((overview.account_error, overview.models_error, overview.limit_error))
    assert await loader.request_export() == "queued"


async def test_one_failing_section_does_not_hide_the_others(
    demo: DemoServer, host: RecordingHost, client: BackendClient
) -> None:
    demo.faults.arm("server_500", on="read")
    AccountLoader(host, client).load()
    await host.settled()
    (loaded,) = host.of(m.AccountLoaded)
    overview = loaded.overview
    sections = [
        (overview.account, overview.account_error),
        (overview.models, overview.models_error),
        (overview.beta_features, overview.beta_features_error),
        (overview.limit, overview.limit_error),
        (overview.shared_links, overview.shared_links_error),
    ]
    # One of the five parallel requests took the fault; the four others show their data.
    failed = [data for data, error in sections if error]
    assert failed == [None]
    assert all(data is not None for data, error in sections if not error)
