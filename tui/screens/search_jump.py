"""From a search hit to the message: open its conversation on the branch that holds it.

The main screen owns one :class:`SearchJump`. ``ctrl+f`` opens the search dialog
(:mod:`tui.screens.search`); the hit it returns is opened through the reading controller's
ordinary open path, and when the conversation is shown (``ConversationShown``) the jump
applies its pending target: if the message is on another branch, that branch is remembered
(its leaf as ``[`` / ``]`` would reach it, :func:`tui.conversation.locate.leaf_through`) and the
conversation shown again on it; then the message is focused, which scrolls to it and marks it.
``n`` / ``N`` in the messages then step through the conversation's other hits, across branches.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.conversation.locate import leaf_through, position_of
from tui.conversation.session import OpenConversation
from tui.screens.hosting import ControllerScreen
from tui.screens.search import SearchScreen, SearchTarget
from tui.store.store_errors import StoreError
from tui.store.tree_hits import hits_in_tree

if TYPE_CHECKING:
    from tui.store.store import Store

StoreSource = Callable[[], "Store | None"]
"""Gives the local copy to search (None when there is none)."""

NO_HITS = "No search hits here: ctrl+f searches your history, / finds text in this chat."
HIDDEN_HIT = "That hit is in a message the web app hides: H shows hidden messages."
STREAMING_HIT = "That hit is on another branch: open it once the reply has finished."
GONE_HIT = "That message is no longer in this conversation."


def as_typed(query: str) -> str:
    """``query`` as the dialog searched it: a bare last word of 2+ letters is a prefix."""
    words = query.split()
    if not words or query[-1:].isspace():
        return query
    last = words[-1]
    if last.startswith(("-", '"')) or last.endswith(("*", '"')) or len(last) < 2:
        return query
    return query + "*"


@dataclass
class _Hits:
    """The hits of the last search inside the conversation it opened."""

    conversation_id: str
    query: str
    message_ids: list[str]
    index: int = 0


class SearchJump:
    """Opens search hits at their message and steps through a conversation's hits."""

    def __init__(self, screen: ControllerScreen, store_source: StoreSource) -> None:
        self.screen = screen
        self.store_source = store_source
        """Where the local copy comes from (opened on first use)."""
        self.pending: SearchTarget | None = None
        """A hit to show once its conversation is shown."""
        self.hits: _Hits | None = None
        self.last_query = ""
        """The last query searched: the dialog opens with it."""
        self._switching = False
        """True while the conversation is shown again on the hit's branch."""
        self._store: Store | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        """Where the demo's copy lives (see :meth:`store`)."""

    # -- the local copy ----------------------------------------------------------------------

    def store(self) -> Store | None:
        """The local copy of this backend, opened on first use (created empty if missing).

        The demo's history is made up and its port (so its file name) changes every run: its
        copy lives in a temporary folder, never in the user's data dir.
        """
        if self._store is None:
            from tui.store.store import Store

            settings = self.screen.context.settings
            root: Path | None = None
            if settings.demo:
                if self._scratch is None:
                    self._scratch = tempfile.TemporaryDirectory(prefix="backchat-demo-search-")
                root = Path(self._scratch.name)
            self._store = Store.for_backend(settings.resolved_backend_url, root)
        return self._store

    def close(self) -> None:
        """Close the copy (the screen is going away)."""
        if self._store is not None:
            self._store.close()
        if self._scratch is not None:
            self._scratch.cleanup()

    # -- the dialog --------------------------------------------------------------------------

    def open_dialog(self, *, server_note: str = "") -> None:
        """Show the search dialog; open the hit it returns."""
        context = self.screen.context
        problem = ""
        try:
            store = self.store_source()
        except StoreError as error:
            store, problem = None, str(error)
        dialog = SearchScreen(
            store=store,
            client=context.client,
            now=context.now,
            server_note=server_note,
            query=self.last_query,
            store_problem=problem,
        )
        self.screen.app.push_screen(dialog, self.start)

    def start(self, target: SearchTarget | None) -> None:
        """Open ``target``'s conversation at its message (None: the dialog was closed)."""
        if target is None:
            return
        self.last_query = target.query
        ids = [target.message_id] if target.message_id else []
        self.hits = _Hits(target.conversation_id, target.query, ids)
        self._load_hits(target)
        self.pending = target
        history = self.screen.history
        session = history.session
        if session is not None and session.id == target.conversation_id:
            self.shown(session)
        else:
            history.open(target.conversation_id)

    def _load_hits(self, target: SearchTarget) -> None:
        """Fetch every hit of the query in the conversation, for n / N."""
        try:
            store = self.store_source()
        except StoreError:
            return
        if store is None:
            return

        async def load() -> None:
            try:
                found = await asyncio.to_thread(
                    store.hits_in, target.conversation_id, as_typed(target.query)
                )
            except StoreError:
                return
            hits = self.hits
            ids = [hit.message_id for hit in found]
            if hits is None or hits.conversation_id != target.conversation_id or not ids:
                return
            hits.message_ids = ids
            if target.message_id in ids:
                hits.index = ids.index(target.message_id)

        self.screen.run_worker(load(), group="search-hits", exclusive=True)

    # -- showing the message -----------------------------------------------------------------

    def shown(self, session: OpenConversation) -> None:
        """A conversation is on screen: go to the pending hit if it is in this one."""
        target = self.pending
        if target is None or session.id != target.conversation_id:
            return
        self.pending = None
        hits = self.hits
        if hits is not None and hits.conversation_id == session.id and len(hits.message_ids) < 2:
            # Not stored (a server hit): the fetched tree gives the other hits for n / N.
            found = hits_in_tree(session.conversation, as_typed(hits.query))
            if found:
                hits.message_ids = found
                if target.message_id in found:
                    hits.index = found.index(target.message_id)
        may_switch, self._switching = not self._switching, False
        if target.message_id is not None:
            self._go(session, target, may_switch=may_switch)

    def _go(self, session: OpenConversation, target: SearchTarget, *, may_switch: bool) -> None:
        node_id = target.message_id
        assert node_id is not None
        position = position_of(session.messages, node_id)
        transcript = self.screen.transcript
        if position is not None:
            # After the transcript has mounted what it was just given.
            transcript.call_after_refresh(transcript.focus_message, position)
            return
        if node_id in session.thread:
            self.screen.notify(HIDDEN_HIT, markup=False)
            return
        leaf = leaf_through(session.conversation, node_id)
        if leaf is None or not may_switch:
            self.screen.notify(GONE_HIT, severity="warning", markup=False)
            return
        if self.screen.chat.streaming:
            # Showing the conversation again would take the live reply off the screen.
            self.screen.notify(STREAMING_HIT, severity="warning", markup=False)
            return
        history = self.screen.history
        history.branches.remember(session.id, leaf)
        # Shown again on the branch that holds the message; shown() then focuses it.
        self.pending, self._switching = target, True
        history.show(session.conversation, keep_branch=True)
        # Once only: a tree where the branch does not lead to the message cannot loop here.
        self.pending, self._switching = None, False

    def step(self, step: int) -> None:
        """n / N: the next or previous hit of the last search in the open conversation."""
        hits = self.hits
        session = self.screen.history.session
        if hits is None or session is None or session.id != hits.conversation_id:
            self.screen.notify(NO_HITS, markup=False)
            return
        if not hits.message_ids:
            self.screen.notify(NO_HITS, markup=False)
            return
        hits.index = (hits.index + step) % len(hits.message_ids)
        target = SearchTarget(hits.conversation_id, hits.message_ids[hits.index], hits.query)
        self.screen.notify(
            f"Hit {hits.index + 1} of {len(hits.message_ids)}", markup=False, timeout=2
        )
        self._go(session, target, may_switch=True)
