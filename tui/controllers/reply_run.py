"""One reply being written: the request, the stream, and syncing with the server after.

:class:`tui.controllers.chat.Chat` decides *what* to send; a :class:`ReplyRun` sends it, posts
what the live reply shows (:class:`~tui.controllers.messages.ReplyText`, cheap: one per chunk),
and when the stream ends however it ends (finished, stopped, broken, refused before it started)
posts what puts the screen in the state the user expects: the server's tree, with nothing they
typed or the model said lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Literal, Protocol

from tui.api.client import BackendClient
from tui.api.errors import (
    ApiError,
    ForbiddenError,
    InvalidRequestError,
    NetworkError,
    RateLimitError,
    ServerError,
    TooLongError,
)
from tui.api.events import EventKind, StreamEvent
from tui.api.models import Conversation
from tui.controllers.host import Host
from tui.controllers.messages import (
    ConversationTouched,
    ErrorNotice,
    Notice,
    ReplyDropped,
    ReplyEnded,
    Replying,
    ReplyKept,
    ReplyReplaced,
    ReplyStarted,
    ReplyStatus,
    ReplyText,
)
from tui.controllers.reading import UNTITLED, History
from tui.conversation.tree import VisibleMessage
from tui.text.sanitize import clean_line
from tui.text.times import format_duration

Action = Literal["next", "variant", "continue"]
Phase = Literal["streaming", "settling", "done"]


@dataclass
class SendRequest:
    """One request to the server, with what the UI needs to undo or finish it."""

    action: Action
    prompt: str | None
    parent_message_id: str
    conversation_id: str | None
    model: str
    message_id: str | None = None
    temporary: bool = False
    keep_position: int = 0
    """How many visible messages stay above the new ones (the rest is being replaced)."""
    initial_text: str = ""
    """For continue: the text the continuation extends (shown as one message with it)."""


@dataclass
class Outcome:
    """What a stream ended with."""

    conversation_id: str | None = None
    message_id: str | None = None
    """The assistant message being written (the server's id)."""
    title: str | None = None
    text: str = ""
    """The whole reply text from DONE / INTERRUPTED (empty if the stream never said)."""
    finish_type: str | None = None
    error: str | None = None
    interrupted: bool = False
    stopped: bool = False

    @property
    def broken(self) -> bool:
        """The reply did not finish: stopped, cut by the network or by a server error."""
        return self.stopped or self.interrupted or self.error is not None


class ReplyOwner(Protocol):
    """What a run tells the controller that started it (:class:`tui.controllers.chat.Chat`)."""

    @property
    def run(self) -> ReplyRun | None:
        """The latest run: an older one no longer changes what is shown."""
        ...

    def give_back(self, prompt: str, *, elsewhere: str | None = None) -> None:
        """The prompt was not sent: put it back in the composer, or with ``elsewhere`` (the
        draft key of its chat, no longer on screen) into that chat's draft."""
        ...

    def reply_saved(self) -> None:
        """The reply is on the server (a new chat's model choice is used up)."""
        ...

    def new_chat_saved(self, conversation_id: str) -> None:
        """The new chat on screen is saved as ``conversation_id``."""
        ...

    def synced(self, run: ReplyRun, error: ApiError | None) -> None:
        """The run's reply is synced with the server's tree, or reloading failed."""
        ...


class ReplyRun:
    """Sends one request and keeps the live reply and then the transcript right."""

    def __init__(
        self,
        owner: ReplyOwner,
        host: Host,
        client: BackendClient,
        history: History,
        request: SendRequest,
        reply_id: int,
        shown_prompt: str | None,
        prompt_message: VisibleMessage | None = None,
    ) -> None:
        self.owner = owner
        self.host = host
        self.client = client
        self.history = history
        self.request = request
        self.reply_id = reply_id
        """Names the live reply in the messages this run posts."""
        self.shown_prompt = shown_prompt
        """The prompt shown at once (None for regenerate / continue): put back on failure."""
        self.prompt_message = prompt_message
        """The prompt as shown above the live reply (None for regenerate / continue)."""
        self.shown = False
        """Whether the live reply is on screen (see :meth:`show`); the chat hides it when the
        user opens another conversation, and shows it again when they come back."""
        self.outcome = Outcome(conversation_id=request.conversation_id)
        self.phase: Phase = "streaming"
        """Streaming, then settling (showing the server's tree), then done."""
        self.unsynced = False
        """Reloading the conversation after the reply failed: the session predates the reply."""
        self._pane = history.pane_version
        self._mark: str | None = None
        self._title: str | None = None
        self._heard = False
        """Whether the server has sent any event yet."""
        self._received: list[str] = [self.request.initial_text]
        """The reply's text as it arrived (pieces), to compare with the server's copy."""
        self._replying_row: str | None = None
        """The conversation whose list row says it is replying, while the stream runs."""

    @property
    def received_text(self) -> str:
        """What arrived of the reply so far (the continued text included)."""
        return "".join(self._received)

    @property
    def on_screen(self) -> bool:
        """Whether the live reply is still shown: the pane has shown nothing else since."""
        return self.history.pane_version == self._pane

    @property
    def conversation_id(self) -> str | None:
        """The conversation the reply is written into (a new chat's once the server says)."""
        return self.outcome.conversation_id

    def show(self, thread: Sequence[VisibleMessage] | None) -> None:
        """Show the prompt and the live reply, with everything that arrived so far, under
        ``thread`` (the messages kept above); the pane shows this run's chat from now on.

        Called as the request is sent, and again when the user comes back to the chat while
        the reply still streams: they see it where it is, then growing, never an old copy.
        """
        self._pane = self.history.pane_version
        self.shown = True
        request = self.request
        self.host.post(
            ReplyStarted(
                reply_id=self.reply_id,
                model=request.model,
                initial_text=self.received_text,
                keep_position=request.keep_position,
                thread=thread,
                prompt=self.prompt_message,
            )
        )

    def _mark_row(self, conversation_id: str | None) -> None:
        """Say in the list which conversation is replying (None: none any more)."""
        if self.request.temporary or conversation_id == self._replying_row:
            return
        if self._replying_row is not None:
            self.host.post(Replying(self._replying_row, False))
        self._replying_row = conversation_id
        if conversation_id is not None:
            self.host.post(Replying(conversation_id, True))

    async def run(self) -> None:
        """The stream: stream, then settle (a stop settles in background work of its own)."""
        self._mark_row(self.request.conversation_id)
        try:
            await self._stream()
        finally:
            self._mark_row(None)

    async def _stream(self) -> None:
        request = self.request
        events = self.client.send(
            action=request.action,
            prompt=request.prompt,
            parent_message_id=request.parent_message_id,
            conversation_id=request.conversation_id,
            model=request.model,
            message_id=request.message_id,
            temporary=request.temporary,
        )
        try:
            # aclosing: leaving the loop for any reason (stop included) closes the HTTP stream.
            async with aclosing(events) as stream:
                async for event in stream:
                    self.apply(event)
        except ApiError as error:
            self.phase = "done"
            self.failed_before_stream(error)
            return
        except asyncio.CancelledError:
            if not self._heard:
                # Stopped before the server said a word (it stalled): like a failure before
                # the stream, everything goes back as it was, the prompt into the composer.
                self.phase = "done"
                self._put_back()
                self.host.post(
                    Notice(
                        "Not sent: stopped before the server answered; your prompt is back in "
                        "the box. The server may still have received it: ctrl+r shows what it "
                        "holds."
                    )
                )
                raise
            # Stop: keep the partial reply; settle in new work, this one is being cancelled.
            self.outcome.stopped = True
            self.host.post(ReplyEnded(self.reply_id, "stopped"))
            self.phase = "settling"
            self.host.run(self.settle(), group="settle")
            raise
        self._mark_row(None)  # the stream is over: the row stops saying so before the sync
        await self.settle()

    def apply(self, event: StreamEvent) -> None:
        """Fold one stream event into the live reply and the outcome."""
        self._heard = True
        outcome = self.outcome
        if event.conversation_id and event.conversation_id != outcome.conversation_id:
            outcome.conversation_id = event.conversation_id
            if self.request.conversation_id is None and not self.request.temporary:
                # A new chat is listed as soon as the server names it, as on the web: the
                # user can leave it while it replies and find it again.
                item = self.history.item_for_new(event.conversation_id, UNTITLED)
                self.host.post(ConversationTouched(item))
            self._mark_row(event.conversation_id)
        if event.message_id:
            outcome.message_id = event.message_id
        kind = event.kind
        if kind is EventKind.TEXT:
            if event.extra.get("rewrite"):
                # The server replaced the text (a classic snapshot that is not an extension).
                text = self.request.initial_text + event.delta
                self._received = [text]
                self.host.post(ReplyText(self.reply_id, text, replace=True))
            else:
                self._received.append(event.delta)
                self.host.post(ReplyText(self.reply_id, event.delta))
        elif kind is EventKind.TITLE and event.title:
            outcome.title = event.title
        elif kind is EventKind.ERROR:
            outcome.error = event.error or "The server reported an error."
        elif kind is EventKind.INTERRUPTED:
            outcome.interrupted = True
            outcome.text = event.text
            outcome.error = outcome.error or event.error
        elif kind is EventKind.DONE:
            outcome.finish_type = event.finish_type
            outcome.text = event.text

    def failed_before_stream(self, error: ApiError) -> None:
        """Nothing was streamed: put everything back as it was, prompt included."""
        self._put_back()
        self.host.post(ErrorNotice(advice(error), error))

    def _put_back(self) -> None:
        """Take the live reply away and give the prompt back, as if nothing had been sent.

        When the user has moved on to another chat, what is on screen is theirs: the prompt
        goes back into its own chat's draft instead.
        """
        session = self.history.session
        if not self.on_screen:
            if self.shown_prompt is not None:
                key = self.request.conversation_id or ""
                self.owner.give_back(self.shown_prompt, elsewhere=key)
            return
        self.host.post(
            ReplyDropped(
                self.reply_id,
                keep_position=self.request.keep_position,
                thread=None if session is None else session.messages,
                clear=session is None and self.shown_prompt is not None,
            )
        )
        if self.shown_prompt is not None:
            self.owner.give_back(self.shown_prompt)

    async def settle(self) -> None:
        """The stream ended (finished, broke or was stopped): show the server's tree.

        The reply as the server stored it replaces the live one, so the screen is exactly
        what reopening the conversation shows. A reply that broke off keeps its partial text,
        marked, with continue and retry offered; if the server kept nothing of it, the live
        reply stays under the server's thread with what had arrived.
        """
        self.phase = "settling"
        outcome = self.outcome
        if outcome.stopped:
            self._mark = "stopped"  # the live reply says so already (see run)
        elif outcome.broken:
            self._mark = "interrupted"
            reason = clean_line(outcome.error or "The reply broke off.", limit=160)
            text = self._full(outcome.text)
            self.host.post(ReplyEnded(self.reply_id, "interrupted", text, reason))
        else:
            status: ReplyStatus = "max_tokens" if outcome.finish_type == "max_tokens" else "done"
            self.host.post(ReplyEnded(self.reply_id, status, self._full(outcome.text)))
        await self._syncing(self._first_sync())

    async def resync(self) -> None:
        """Reload once more after a failed sync (the user's next action waits for it)."""
        self.phase = "settling"
        await self._syncing(self.sync())

    async def _syncing(self, sync: Awaitable[ApiError | None]) -> None:
        """Run ``sync``, then tell the owner (what the user asked for meanwhile runs now)."""
        try:
            error = await sync
        finally:
            self.phase = "done"
        self.owner.synced(self, error)

    async def _first_sync(self) -> ApiError | None:
        outcome, request = self.outcome, self.request
        if not outcome.conversation_id:
            return None  # refused before the server made a conversation: nothing to show
        self._title = outcome.title
        if request.conversation_id is None and not outcome.title and not request.temporary:
            self._title = await self._generated_title(outcome.conversation_id, outcome.message_id)
        return await self.sync()

    async def sync(self) -> ApiError | None:
        """Reload the conversation and show it, the server's copy of the reply replacing the
        live one; returns the error if reloading failed (the reply then stays as it is).

        The host renders the new messages ahead (:meth:`Host.prepare`, off the event loop in
        the app) before they are shown, so a long reply is swapped in one short frame.
        """
        history, request, outcome = self.history, self.request, self.outcome
        cid = outcome.conversation_id or ""
        try:
            # The server's copy also goes into the local store (not a temporary chat's).
            conversation = await history.fetch_and_keep(cid, keep=not request.temporary)
        except ApiError as error:
            self.unsynced = True
            return error
        self.unsynced = False
        if self._title:
            conversation.title = self._title
        if not request.temporary:
            item = history.item_for_new(cid, conversation.title or "New chat")
            self.host.post(ConversationTouched(item))
        kept = outcome.message_id is not None and outcome.message_id in conversation.mapping
        if (
            kept
            and outcome.broken
            and len(_stored(conversation, outcome.message_id)) < len(self.received_text.strip())
        ):
            # The server has the reply's node but not (yet) what arrived of it, e.g. a stop
            # while it stalled: the partial text on screen is the better copy, so it stays.
            kept = False
        if kept:
            history.branches.remember(cid, outcome.message_id or "")
        elif request.message_id and request.message_id in conversation.mapping:
            # No reply on the server (an in-stream error): the prompt is the branch's end.
            history.branches.remember(cid, request.message_id)
        # Remembered even when the user has moved on: opening the chat again shows the reply.
        if self._superseded():
            return None
        self.owner.reply_saved()
        new_chat = request.conversation_id is None
        # Only what is below the kept messages changes: no re-render above, no scroll jump
        # for a user who scrolled up to read while the reply streamed. A new chat: the pane
        # showed no conversation yet, so it is shown whole.
        keep = 0 if new_chat else request.keep_position
        session = history.session_for(conversation, mark_last=self._mark if kept else None)
        await self.host.prepare(session.messages[keep:])
        if self._superseded():
            return None  # the user moved on while it rendered: what was prepared is dropped
        if new_chat:
            self.owner.new_chat_saved(cid)
        history.show_session(session, keep_from=None if new_chat else keep)
        if new_chat:
            if not kept and outcome.broken:
                self.host.post(ReplyKept(self.reply_id))
        elif kept or not outcome.broken:
            self.host.post(ReplyReplaced(self.reply_id))  # the server's copy shows in its place
        # else: the server kept nothing of the reply; what arrived stays below the thread,
        # marked, as it was while streaming.
        return None

    def _superseded(self) -> bool:
        """Whether the pane moved on: another conversation is open, or a new chat is being
        written that is not this run's (the user pressed ctrl+n meanwhile)."""
        session = self.history.session
        if session is not None:
            return session.id != self.outcome.conversation_id
        new_chat = self.request.conversation_id is None
        return not new_chat or not self.on_screen or self.owner.run is not self

    def _full(self, text: str) -> str | None:
        """The reply's whole text (a continuation includes the part before), None if unknown."""
        if not text:
            return None
        return self.request.initial_text + text if self.request.action == "continue" else text

    async def _generated_title(self, conversation_id: str, message_id: str | None) -> str | None:
        """A new chat's title when the stream brought none (classic wire): ask gen_title."""
        if not message_id:
            return None
        try:
            result = await self.client.generate_title(conversation_id, message_id)
        except ApiError:
            return None
        return result.title


def advice(error: ApiError) -> str:
    """The notice title: what failed and what to do (the prompt is back in the composer)."""
    if isinstance(error, TooLongError):
        return "Not sent: shorten the prompt"
    if isinstance(error, RateLimitError):
        if error.kind == "concurrent":
            return "Not sent: one reply at a time — wait for the other one, then send again"
        if error.retry_after:
            return f"Not sent: retry in {format_duration(error.retry_after)}"
        return "Not sent: rate limited — wait a little, then send again"
    if isinstance(error, ForbiddenError):
        return "Not sent: the server refused access — check the token or sign in again"
    if isinstance(error, InvalidRequestError):
        return "Not sent: the server rejected the request"
    if isinstance(error, ServerError):
        return "Not sent: the server failed — try again in a moment"
    if isinstance(error, NetworkError):
        return "Not sent: check your connection, then press enter to try again"
    return "Not sent: your prompt is still in the box"


def _stored(conversation: Conversation, node_id: str | None) -> str:
    """The text parts the server holds for one message ("" when it holds none)."""
    node = conversation.mapping.get(node_id or "")
    message = node.message if node is not None else None
    parts = message.content.parts if message is not None else None
    return "".join(part for part in parts or [] if isinstance(part, str)).strip()
