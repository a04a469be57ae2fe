"""AccountScreen: every tab, "—" for missing values, section errors, the export flow."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from textual.widgets import DataTable, TabbedContent

from tests.screens.harness import (
    HOSTILE,
    HOSTILE_SHOWN,
    Harness,
    rows,
    running,
    screen_text,
    settle,
)
from tui.screens.account import (
    EXPORT_QUEUED_MESSAGE,
    AccountInfo,
    AccountOverview,
    AccountScreen,
    MessageLimit,
    ModelSummary,
    SharedLinkRow,
    limit_text,
    window_text,
)
from tui.screens.confirm import ConfirmScreen

SIZE = (120, 40)


FULL = AccountOverview(
    account=AccountInfo(
        plan="chatgptplusplan",
        paid=True,
        role="account-owner",
        country="KR",
        features=["shareable_links", "beta_features"],
    ),
    models=[
        ModelSummary("gpt-4o", "GPT-4o", 8191, "Our fastest model."),
        ModelSummary("o1-mini", "o1 mini", 32768, "Reasons fast."),
    ],
    beta_features={"browsing": True, "code_interpreter": False},
    limit=MessageLimit(
        message_cap=40.0,
        window_minutes=180.0,
        disclaimers={"textarea": "GPT-4 currently has a cap of 40 messages every 3 hours."},
    ),
    shared_links=[
        SharedLinkRow("9942703e", "Logistics", datetime(2023, 12, 13, 12, 0, tzinfo=UTC)),
    ],
)


async def show_tab(pilot: Any, tab: str) -> str:
    """Activate a tab and return the screen text."""
    pilot.app.screen.query_one(TabbedContent).active = tab
    await pilot.pause()
    return screen_text(pilot.app)


@pytest.mark.anyio
async def test_every_tab_shows_its_values() -> None:
    app = Harness(AccountScreen(FULL))
    async with running(app, SIZE) as pilot:
        text = screen_text(app)
        for tab in ("Account", "Models", "Beta features", "Limits", "Shared links"):
            assert tab in text
        assert re.search(r"Plan\s+chatgptplusplan", text)
        assert re.search(r"Paid\s+yes", text)
        assert re.search(r"Role\s+account-owner", text)
        assert re.search(r"Country\s+KR", text)
        assert "shareable_links" in text

        text = await show_tab(pilot, "tab-models")
        assert "GPT-4o" in text
        assert "gpt-4o" in text
        assert "max tokens 8,191" in text
        assert "Our fastest model." in text
        assert "o1-mini" in text

        text = await show_tab(pilot, "tab-beta")
        assert re.search(r"browsing\s+on", text)
        assert re.search(r"code_interpreter\s+off", text)

        text = await show_tab(pilot, "tab-limits")
        assert "40 messages every 3 h" in text
        assert "GPT-4 currently has a cap of 40 messages every 3 hours." in text

        text = await show_tab(pilot, "tab-shared")
        assert "Logistics" in text
        assert "https://chatgpt.com/share/9942703e" in text
        assert "2023-12-13" in text


@pytest.mark.anyio
async def test_tabs_switch_with_arrow_keys() -> None:
    app = Harness(AccountScreen(FULL))
    async with running(app, SIZE) as pilot:
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "tab-account"
        await pilot.press("right")
        assert tabs.active == "tab-models"
        await pilot.press("right", "right", "right")
        assert tabs.active == "tab-shared"


@pytest.mark.anyio
async def test_missing_values_show_a_dash() -> None:
    overview = AccountOverview(
        account=AccountInfo(),
        models=[ModelSummary("gpt-x")],
        limit=MessageLimit(),
        shared_links=[SharedLinkRow("abc")],
    )
    app = Harness(AccountScreen(overview))
    async with running(app, SIZE) as pilot:
        text = screen_text(app)
        for label in ("Plan", "Paid", "Role", "Country"):
            assert re.search(label + r"\s+—", text), label
        lines = rows(text)
        assert lines[lines.index("Features") + 1] == "—"

        text = await show_tab(pilot, "tab-models")
        assert "gpt-x" in text
        assert "max tokens —" in text

        text = await show_tab(pilot, "tab-beta")
        assert "—" in rows(text)

        text = await show_tab(pilot, "tab-limits")
        assert "— every —" in text

        await show_tab(pilot, "tab-shared")
        table = app.screen.query_one("#account-shared", DataTable)
        assert [str(cell) for cell in table.get_row_at(0)] == [
            "—",
            "https://chatgpt.com/share/abc",
            "—",
        ]


@pytest.mark.anyio
async def test_an_empty_overview_shows_dashes_everywhere() -> None:
    app = Harness(AccountScreen(AccountOverview()))
    async with running(app, SIZE) as pilot:
        for tab in ("tab-account", "tab-models", "tab-beta", "tab-limits", "tab-shared"):
            text = await show_tab(pilot, tab)
            assert "—" in rows(text), tab


@pytest.mark.anyio
async def test_section_errors_are_shown_in_their_section() -> None:
    overview = AccountOverview(
        account=FULL.account,
        models_error=f"Could not load the models: HTTP 500 {HOSTILE}",
        beta_features_error="Beta features: HTTP 403",
        limit_error="Limits: timed out",
        shared_links_error="Shared links: HTTP 404",
    )
    app = Harness(AccountScreen(overview))
    async with running(app, SIZE) as pilot:
        assert "HTTP 500" not in screen_text(app)
        text = await show_tab(pilot, "tab-models")
        assert f"Could not load the models: HTTP 500 {HOSTILE_SHOWN}" in text
        assert "[2J" not in text
        assert "Beta features: HTTP 403" in await show_tab(pilot, "tab-beta")
        assert "Limits: timed out" in await show_tab(pilot, "tab-limits")
        assert "Shared links: HTTP 404" in await show_tab(pilot, "tab-shared")


@pytest.mark.anyio
async def test_hostile_server_strings_are_literal() -> None:
    overview = AccountOverview(
        account=AccountInfo(plan=HOSTILE, features=[HOSTILE]),
        models=[ModelSummary("gpt-[/]", f"Title {HOSTILE}", 1, f"Desc {HOSTILE}")],
        beta_features={f"flag{HOSTILE}": True},
        limit=MessageLimit(1, 1, {HOSTILE: f"Disclaimer {HOSTILE}"}),
        shared_links=[SharedLinkRow("[b]id", f"Share {HOSTILE}", None)],
    )
    app = Harness(AccountScreen(overview))
    async with running(app, SIZE) as pilot:
        texts = [screen_text(app)]
        for tab in ("tab-models", "tab-beta", "tab-limits", "tab-shared"):
            texts.append(await show_tab(pilot, tab))
        text = "\n".join(texts)
        assert re.search(r"Plan\s+\[/\] \[bold\]x y", text)
        assert f"Title {HOSTILE_SHOWN}" in text
        assert "gpt-[/]" in text
        assert f"Desc {HOSTILE_SHOWN}" in text
        assert f"flag{HOSTILE_SHOWN}" in text
        assert f"Disclaimer {HOSTILE_SHOWN}" in text
        assert f"Share {HOSTILE_SHOWN}" in text
        assert "https://chatgpt.com/share/[b]id" in text
        assert "[2J" not in text


class FakeExport:
    """The app's export request: counts calls, answers or raises."""

    def __init__(self, answer: str | Exception = "queued") -> None:
        self.answer = answer
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.mark.anyio
async def test_export_asks_first_then_requests_and_shows_queued() -> None:
    export = FakeExport()
    app = Harness(AccountScreen(FULL, export))
    async with running(app, SIZE) as pilot:
        assert "e request data export" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert export.calls == 0
        assert "Request a data export?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        assert export.calls == 1
        assert EXPORT_QUEUED_MESSAGE in screen_text(app)


@pytest.mark.anyio
async def test_export_cancelled_at_the_question_calls_nothing() -> None:
    export = FakeExport()
    app = Harness(AccountScreen(FULL, export))
    async with running(app, SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, AccountScreen)
        assert export.calls == 0
        assert EXPORT_QUEUED_MESSAGE not in screen_text(app)


@pytest.mark.anyio
async def test_export_error_and_other_status_are_shown() -> None:
    export = FakeExport(RuntimeError(f"HTTP 429 {HOSTILE}"))
    app = Harness(AccountScreen(FULL, export))
    async with running(app, SIZE) as pilot:
        await pilot.press("e", "y")
        await settle(pilot)
        assert f"Export failed: HTTP 429 {HOSTILE_SHOWN}" in screen_text(app)
        export.answer = "pending"
        await pilot.press("e", "y")
        await settle(pilot)
        assert "Export requested (status: pending)" in screen_text(app)
    assert export.calls == 2


@pytest.mark.anyio
async def test_without_export_callback_e_does_nothing() -> None:
    app = Harness(AccountScreen(FULL))
    async with running(app, SIZE) as pilot:
        assert "request data export" not in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)


@pytest.mark.anyio
async def test_copy_link_only_on_the_shared_links_tab(monkeypatch: pytest.MonkeyPatch) -> None:
    copied: list[str] = []
    app = Harness(AccountScreen(FULL))
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with running(app, SIZE) as pilot:
        assert "c copy link" not in screen_text(app)
        await pilot.press("c")
        assert copied == []
        text = await show_tab(pilot, "tab-shared")
        assert "c copy link" in text
        await pilot.press("c")
        await pilot.pause()
    assert copied == ["https://chatgpt.com/share/9942703e"]


@pytest.mark.anyio
async def test_escape_closes() -> None:
    app = Harness(AccountScreen(FULL))
    async with running(app, SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AccountScreen)
    assert app.results == [None]


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(180.0, "3 h"), (60, "1 h"), (90, "1 h 30 min"), (1, "1 min"), (2.5, "2 min 30 s")],
)
def test_window_text(minutes: float, text: str) -> None:
    assert window_text(minutes) == text


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (MessageLimit(40.0, 180.0), "40 messages every 3 h"),
        (MessageLimit(1, None), "1 message every —"),
    ],
)
def test_limit_text(limit: MessageLimit, text: str) -> None:
    assert limit_text(limit) == text
