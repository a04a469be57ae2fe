"""Fuzz the whole app: random but well-formed JSON served to list and open (demo ``serve_json``).

Whatever shape comes, the app does not crash: rows it can read are listed, the rest counted,
a conversation it cannot read is an error notice, odd messages are placeholders. Few examples,
each a whole app run with several replies, so it stays inside the fuzz budget (docs/FAULTS.md).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.test_stream_props import json_values
from tests.app.conftest import make_app
from tests.app.pilot_helpers import idle, main, running
from tests.conversation.test_tree_fuzz import IDS, raw_nodes
from tui.demo.server import DemoServer

LIST = "/backend-api/conversations"
ONE = "/backend-api/conversation/"

rows = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"id": st.one_of(st.text(min_size=1, max_size=8), json_values)},
        optional={
            "title": json_values,
            "update_time": st.one_of(json_values, st.floats(-1e12, 1e12)),
            "create_time": json_values,
            "is_archived": json_values,
        },
    ),
)
pages = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"items": st.lists(rows, max_size=6)},
        optional={"total": json_values, "limit": json_values, "offset": json_values},
    ),
)
conversations = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"mapping": st.dictionaries(st.sampled_from(IDS), raw_nodes, max_size=len(IDS))},
        optional={
            "current_node": st.one_of(st.sampled_from(IDS), json_values),
            "title": json_values,
            "default_model_slug": json_values,
        },
    ),
)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(pages, min_size=1, max_size=3), st.lists(conversations, min_size=1, max_size=3))
def test_random_shapes_through_list_and_open_never_crash(
    demo_server: DemoServer, tmp_path: Path, served_pages: list[Any], served: list[Any]
) -> None:
    demo = demo_server
    demo.reset()

    async def run() -> None:
        app = make_app(demo, tmp_path / "state.json")
        async with running(app) as pilot:
            history = main(app).history
            target = main(app).sidebar.visible_ids[0]
            for page in served_pages:
                demo.faults.serve_json(page, on="read", path=LIST)
                history.reload_list()
                await idle(pilot)
                assert app._exception is None  # Textual 8.2: where a crash is kept
            for conversation in served:
                demo.faults.serve_json(conversation, on="read", path=ONE)
                history.open(target)
                await idle(pilot)
                assert app._exception is None
            # Still usable: the real list and a real conversation come back.
            demo.faults.clear()
            history.reload_list()
            await idle(pilot)
            history.open(target)
            await idle(pilot)
            assert history.open_id == target
            assert main(app).sidebar.loaded > 0

    asyncio.run(run())
