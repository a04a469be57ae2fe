"""The reading controller alone: list paging, opening, branches, and tidying with rollback."""

from __future__ import annotations

import pytest

from tests.controllers.conftest import PAGE
from tests.controllers.recording_host import RecordingHost
from tui.api.errors import AuthError, NotFoundError, ServerError
from tui.controllers import messages as m
from tui.controllers.reading import History
from tui.demo.server import DemoServer

pytestmark = pytest.mark.anyio


def listed(demo: DemoServer, *, archived: bool = False) -> list[str]:
    return [record.id for record in demo.state.listing(archived=archived)]


def title_on_server(demo: DemoServer, conversation_id: str) -> str | None:
    record = demo.state.get(conversation_id)
    assert record is not None
    return record.title


async def opened(
    host: RecordingHost, history: History, conversation_id: str
) -> m.ConversationShown:
    """Open ``conversation_id`` and return what was shown (the messages so far are forgotten)."""
    history.open(conversation_id)
    await host.settled()
    (shown,) = host.of(m.ConversationShown)
    host.clear()
    return shown


# -- the list ------------------------------------------------------------------------------------


async def test_pages_come_in_order_and_each_list_apart(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    history.reload_list()
    assert host.messages == [m.ListRestarted(archived=False)]
    history.load_page(0, archived=False)
    await host.settled()
    history.load_page(PAGE, archived=False)
    await host.settled()
    first, second = host.of(m.ListPageLoaded)
    assert [item.id for item in first.page.items + second.page.items] == listed(demo)[: 2 * PAGE]
    assert (first.page.offset, second.page.offset) == (0, PAGE)
    assert not first.archived
    assert not first.loading_all

    host.clear()
    history.toggle_archived()
    assert host.messages == [m.ListRestarted(archived=True)]
    history.load_page(0, archived=True)
    await host.settled()
    (page,) = host.of(m.ListPageLoaded)
    assert page.archived
    assert [item.id for item in page.page.items] == listed(demo, archived=True)
    assert history.title_of(page.page.items[0].id) == page.page.items[0].title


async def test_no_page_is_fetched_before_signing_in(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    history.ready = False
    history.load_page(0, archived=False)
    await host.settled()
    assert host.messages == [m.ListPageFailed()]
    assert demo.state.requests == []


async def test_a_page_that_fails_says_why_and_the_list_can_ask_again(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    demo.faults.arm("server_500", on="read")
    history.load_page(0, archived=False)
    await host.settled()
    failed, notice = host.messages
    assert failed == m.ListPageFailed()
    assert isinstance(notice, m.ErrorNotice)
    assert notice.doing == "Loading conversations"
    assert isinstance(notice.error, ServerError)
    host.clear()
    history.resume()
    assert host.messages == [m.ListResumed()]
    history.load_page(0, archived=False)
    await host.settled()
    assert [type(message) for message in host.messages] == [m.ListResumed, m.ListPageLoaded]


async def test_load_all_brings_every_page_then_says_so(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    history.load_all(PAGE, archived=False)
    await host.settled()
    pages = host.of(m.ListPageLoaded)
    assert all(page.loading_all for page in pages)
    ids = [item.id for page in pages for item in page.page.items]
    assert ids == listed(demo)[PAGE:]
    assert host.messages[-1] == m.ListComplete(archived=False)


# -- opening and branches --------------------------------------------------------------------


async def test_open_shows_the_conversation_and_its_title(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    showcase = listed(demo)[0]
    history.open(showcase)
    await host.settled()
    bar, shown = host.messages
    assert isinstance(bar, m.TitleBar)
    assert isinstance(shown, m.ConversationShown)
    assert bar.title == title_on_server(demo, showcase)
    count = len(shown.session.messages)
    assert bar.detail.startswith(f"{count} messages")
    assert shown.session.id == showcase == history.open_id
    assert shown.keep_from is None


async def test_a_branch_switch_is_remembered_when_reopening(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    showcase = listed(demo)[0]
    shown = await opened(host, history, showcase)
    forked = next(message for message in shown.session.messages if message.sibling_count > 1)
    other = (forked.sibling_index + 1) % forked.sibling_count
    position = shown.session.messages.index(forked)
    history.switch_branch(forked.node_id, other)
    bar, switched = host.messages
    assert isinstance(bar, m.TitleBar)
    assert isinstance(switched, m.BranchSwitched)
    assert switched.position == position
    assert switched.messages[position].sibling_index == other
    leaf = history.session.leaf_id if history.session else None
    host.clear()

    reopened = await opened(host, history, showcase)
    assert reopened.session.leaf_id == leaf
    assert reopened.session.messages[position].sibling_index == other


async def test_a_conversation_gone_from_the_server_leaves_the_list(
    host: RecordingHost, history: History
) -> None:
    history.open("00000000-0000-4000-8000-00000000dead")
    await host.settled()
    notice, removed = host.messages
    assert isinstance(notice, m.ErrorNotice)
    assert isinstance(notice.error, NotFoundError)
    assert removed == m.ConversationRemoved("00000000-0000-4000-8000-00000000dead", undoable=False)
    assert history.session is None


async def test_an_open_stopped_by_a_refused_token_runs_again_after_signing_in(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    wanted = listed(demo)[1]
    demo.faults.arm("expired_401", on="read")
    history.open(wanted)
    await host.settled()
    (notice,) = host.messages
    assert isinstance(notice, m.ErrorNotice)
    assert isinstance(notice.error, AuthError)
    history.resume()
    await host.settled()
    assert history.open_id == wanted
    assert host.of(m.ConversationShown)[-1].session.id == wanted


# -- tidying -----------------------------------------------------------------------------------


async def test_rename_shows_at_once_and_rolls_back_when_the_server_refuses(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    target = listed(demo)[2]
    await opened(host, history, target)
    old = history.title_of(target)
    demo.faults.arm("server_500", on="write")
    history.rename(target, old, "Shiny new name")
    await host.settled()
    assert host.messages[:2] == [
        m.TitleChanged(target, "Shiny new name"),
        m.TitleBar("Shiny new name", host.messages[1].detail),  # type: ignore[union-attr]
    ]
    assert host.messages[2:4] == [
        m.TitleChanged(target, old),
        m.TitleBar(old, host.messages[3].detail),  # type: ignore[union-attr]
    ]
    (notice,) = host.of(m.ErrorNotice)
    assert notice.doing == "Rename undone"
    assert title_on_server(demo, target) == old == history.title_of(target)

    host.clear()
    history.rename(target, old, "Shiny new name")
    await host.settled()
    assert host.messages[-1] == m.Notice("Renamed to “Shiny new name”.")
    assert title_on_server(demo, target) == "Shiny new name" == history.title_of(target)


async def test_an_unchanged_title_is_not_a_rename(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    target = listed(demo)[2]
    history.rename(target, "Same", "Same")
    await host.settled()
    assert host.messages == []
    assert not any(request.method == "PATCH" for request in demo.state.requests)


async def test_delete_puts_the_row_back_when_refused_and_closes_the_open_one(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    target = listed(demo)[3]
    await opened(host, history, target)
    title = history.title_of(target)
    demo.faults.arm("bad_gateway_502", on="write")
    history.delete(target)
    await host.settled()
    removed, restored, notice = host.messages
    assert (removed, restored) == (m.ConversationRemoved(target), m.ConversationRestored(target))
    assert isinstance(notice, m.ErrorNotice)
    assert notice.doing == "Delete undone"
    assert history.open_id == target
    assert target in listed(demo)

    host.clear()
    history.delete(target)
    await host.settled()
    assert host.messages == [
        m.ConversationRemoved(target),
        m.ConversationClosed(),
        m.Notice(f"Deleted “{title}”."),
    ]
    assert history.session is None
    assert target not in listed(demo)


async def test_archive_keeps_the_open_conversation_and_says_archived(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    target = listed(demo)[4]
    await opened(host, history, target)
    history.archive(target)
    await host.settled()
    removed, bar, notice = host.messages
    assert removed == m.ConversationRemoved(target)
    assert isinstance(bar, m.TitleBar)
    assert bar.detail.endswith("archived")
    assert isinstance(notice, m.Notice)
    assert notice.text.startswith("Archived “")
    assert history.open_id == target
    assert target in listed(demo, archived=True)


async def test_tidy_keys_without_a_conversation_say_so(
    host: RecordingHost, history: History
) -> None:
    assert not history.has_target(None)
    history.archive(None)
    history.generate_title("")
    await host.settled()
    assert host.messages == [m.Notice("Select a conversation first.")] * 3


async def test_a_title_is_generated_only_for_an_untitled_conversation(
    demo: DemoServer, host: RecordingHost, history: History
) -> None:
    untitled = next(
        record.id for record in demo.state.listing(archived=False) if record.title == "New chat"
    )
    titled = listed(demo)[0]
    history.load_page(0, archived=False)
    await host.settled()
    host.clear()
    history.generate_title(titled)
    await host.settled()
    (refused,) = host.messages
    assert isinstance(refused, m.Notice)
    assert refused.text.startswith("Already titled")

    host.clear()
    history.generate_title(untitled)
    await host.settled()
    changed, notice = host.messages
    assert isinstance(changed, m.TitleChanged)
    assert changed.conversation_id == untitled
    assert changed.title
    assert changed.title != "New chat"
    assert notice == m.Notice(f"Titled “{changed.title}”.")
    assert title_on_server(demo, untitled) == changed.title
