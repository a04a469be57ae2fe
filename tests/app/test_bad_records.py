"""One bad record never hides the others: odd rows, odd messages and a broken tree, end to end."""

from __future__ import annotations

import pytest

from tests.app.pilot_helpers import (
    SHOWCASE,
    idle,
    listing,
    main,
    messages_text,
    open_row,
    row_ids,
    running,
    screenshot_text,
    views,
)
from tui.app import BackchatApp
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


async def test_an_unreadable_row_is_counted_and_the_rest_listed(
    app: BackchatApp, demo: DemoServer
) -> None:
    first_page = listing(demo)
    demo.faults.arm("bad_records", on="read")
    async with running(app) as pilot:
        await idle(pilot)
        sidebar = main(app).sidebar
        assert sidebar.unreadable == 1
        assert first_page[0].id not in row_ids(app)  # the row without an id
        assert row_ids(app)[0] == first_page[1].id
        assert sidebar.title_of(first_page[1].id) == "404"
        assert "1 conversation could not be read" in screenshot_text(app)


async def test_an_unreadable_message_shows_as_a_placeholder_in_its_conversation(
    app: BackchatApp, demo: DemoServer
) -> None:
    target = listing(demo)[SHOWCASE].id
    async with running(app) as pilot:
        await open_row(pilot, target)
        whole = messages_text(app)
        demo.faults.arm("bad_records", on="read")
        # The stored copy is up to date by the list: only a reload (ctrl+r) asks the server.
        main(app).history.open(target, from_server=True)
        await idle(pilot)
        spoiled = messages_text(app)
        assert main(app).history.open_id == target
        placeholder = next(text for text in spoiled if "Could not read this message" in text)
        assert placeholder.startswith("[unreadable] Could not read this message: content is text.")
        assert "How do I read a large CSV in Rust" in placeholder  # the text it carried
        # Everything else is still there.
        assert len(spoiled) == len(whole)


async def test_a_broken_tree_opens_with_what_can_be_reached(
    app: BackchatApp, demo: DemoServer
) -> None:
    target = listing(demo)[SHOWCASE].id
    demo.faults.arm("broken_tree", on="read")
    async with running(app) as pilot:
        await open_row(pilot, target)
        assert main(app).history.open_id == target
        assert views(app)
        assert any(view.message.role == "assistant" for view in views(app))
