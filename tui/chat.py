"""Writing: send a prompt, stream the reply, stop, regenerate, edit into a branch, continue.

One reply streams at a time (the server answers 429 "only one message at a time" otherwise).
Nothing the user typed or the model said is lost: a prompt that fails before streaming goes back
into the composer unchanged; a stopped or broken reply stays on screen, marked, with retry and
continue offered.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from textual.worker import Worker

from tui.api.errors import ApiError, RateLimitError, TooLongError
from tui.api.events import EventKind, StreamEvent
from tui.conversation import Block, BlockKind, VisibleMessage
from tui.sanitize import clean_line
from tui.session import OpenConversation
from tui.widgets.streaming import StreamingReply

if TYPE_CHECKING:
    from tui.app import BackchatApp
    from tui.history import History
    from tui.screens.main import MainScreen

Action = Literal["next", "variant", "continue"]

NEW_CHAT_KEY = ""
"""The draft key of the unsaved new chat."""
FALLBACK_MODEL = "text-davinci-002-render-sha"
"""Used only when /models could not be read: the model every ninja setup accepts."""


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
    """For continue: the text the continuation extends."""


class Chat:
    """The controller behind the composer and the live reply."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.models: list[tuple[str, str, str]] = []
        """(slug, title, description) from /models."""
        self.new_chat_model: str | None = None
        """The model picked for the new chat being written, if any."""
        self.new_chat_temporary = False
        """Whether the new chat being written is temporary (not saved to history)."""
        self.drafts: dict[str, str] = {}
        """Unsent text per conversation (NEW_CHAT_KEY for a new chat), kept while the app runs."""
        self.draft_key: str = NEW_CHAT_KEY
        self.worker: Worker[None] | None = None
        self.reply: StreamingReply | None = None
        self.editing: VisibleMessage | None = None
        """The user message being edited into a new branch, if any."""

    @property
    def app(self) -> BackchatApp:
        return self.screen.backchat

    @property
    def history(self) -> History:
        return self.screen.history

    @property
    def streaming(self) -> bool:
        return self.worker is not None and self.worker.is_running

    # -- models and new chats ----------------------------------------------------------------

    def load_models(self) -> None:
        async def fetch() -> None:
            try:
                listing = await self.app.client.models()
            except ApiError:
                return  # the picker falls back to the configured model; not worth a notice
            self.models = [
                (model.slug, model.title or model.slug, model.description or "")
                for model in listing.models
            ]

        self.screen.run_worker(fetch(), group="models")

    def default_model(self) -> str:
        wanted = self.app.settings.model or self.app.ui_state.model
        slugs = [slug for slug, _title, _description in self.models]
        if wanted and (wanted in slugs or not slugs):
            return wanted
        return slugs[0] if slugs else FALLBACK_MODEL

    def new_chat(self) -> None:
        from tui.screens.model_picker import ModelChoice, ModelPickerScreen

        def chosen(choice: ModelChoice | None) -> None:
            if choice is None:
                return
            self.app.ui_state.model = choice.slug
            from tui.state import save_state

            save_state(self.app.ui_state, self.app.state_path)
            self.start_new_chat(choice.slug, temporary=choice.temporary)

        models = self.models or [(self.default_model(), self.default_model(), "")]
        self.app.push_screen(ModelPickerScreen(models, self.default_model()), chosen)

    def start_new_chat(self, model: str, *, temporary: bool = False) -> None:
        """Clear the pane for a new chat with ``model``; the first send creates it."""
        self.history.session = None
        self.new_chat_model = model
        self.new_chat_temporary = temporary
        self.screen.transcript.clear()
        label = "Temporary chat" if temporary else "New chat"
        self.screen.set_title(label, model)
        self.conversation_changed()
        self.screen.composer.focus()

    # -- drafts ------------------------------------------------------------------------------

    def conversation_changed(self) -> None:
        """Keep the composer's draft per conversation; cancel an edit in progress."""
        session = self.history.session
        key = session.id if session is not None else NEW_CHAT_KEY
        if key == self.draft_key:
            return
        composer = self.screen.composer
        self.drafts[self.draft_key] = composer.text
        composer.text = self.drafts.pop(key, "")
        self.draft_key = key
        self._set_editing(None)

    # -- sending -----------------------------------------------------------------------------

    def send_prompt(self, text: str) -> None:
        if self.streaming:
            return
        session = self.history.session
        editing = self.editing
        if session is None:
            request = SendRequest(
                action="next",
                prompt=text,
                parent_message_id=self.app.client.new_message_id(),
                conversation_id=None,
                model=self.new_chat_model or self.default_model(),
                message_id=self.app.client.new_message_id(),
                temporary=self.new_chat_temporary,
            )
        elif editing is not None and editing.node_id in session.conversation.mapping:
            position = session.messages.index(editing) if editing in session.messages else 0
            parent = session.conversation.mapping[editing.node_id].parent
            request = SendRequest(
                action="next",
                prompt=text,
                parent_message_id=parent or self.app.client.new_message_id(),
                conversation_id=session.id,
                model=self._model_of(session),
                message_id=self.app.client.new_message_id(),
                keep_position=position,
            )
        else:
            request = SendRequest(
                action="next",
                prompt=text,
                parent_message_id=session.reply_parent_id() or self.app.client.new_message_id(),
                conversation_id=session.id,
                model=self._model_of(session),
                message_id=self.app.client.new_message_id(),
                keep_position=len(session.messages),
            )
        self.screen.composer.text = ""
        self._set_editing(None)
        self._start(request, shown_prompt=text)

    def regenerate(self) -> None:
        """Regenerate the last reply (``variant``): a new sibling; the old one stays reachable."""
        session = self.history.session
        if self.streaming or session is None or len(session.messages) < 2:
            return
        reply = session.messages[-1]
        prompt = session.messages[-2]
        if reply.role != "assistant" or prompt.role != "user":
            self.app.notify("The last message is not a reply to regenerate.", markup=False)
            return
        user_node = prompt.last_node_id
        parent = session.conversation.mapping.get(user_node)
        self._start(
            SendRequest(
                action="variant",
                prompt=prompt.text,
                parent_message_id=(parent.parent if parent else None) or user_node,
                conversation_id=session.id,
                model=self._model_of(session),
                message_id=user_node,
                keep_position=len(session.messages) - 1,
            ),
            shown_prompt=None,
        )

    def continue_reply(self) -> None:
        """Continue a reply cut at max_tokens (or broken off); shown as one message."""
        session = self.history.session
        if self.streaming or session is None or not session.messages:
            return
        last = session.messages[-1]
        if last.role != "assistant":
            self.app.notify("There is no reply to continue.", markup=False)
            return
        if last.finish_type not in {"max_tokens", "interrupted", "stopped"}:
            self.app.notify("The last reply finished; there is nothing to continue.", markup=False)
            return
        self._start(
            SendRequest(
                action="continue",
                prompt=None,
                parent_message_id=last.last_node_id,
                conversation_id=session.id,
                model=self._model_of(session),
                keep_position=len(session.messages) - 1,
                initial_text=last.text,
            ),
            shown_prompt=None,
        )

    def edit_focused(self) -> None:
        """Put the focused prompt into the composer; sending it makes a new branch."""
        message = self.screen.transcript.focused_message
        if message is None or message.role != "user":
            self.app.notify("Focus one of your prompts to edit it (tab, then ↑/↓).", markup=False)
            return
        self._set_editing(message)
        self.screen.composer.text = message.text
        self.screen.composer.focus()

    def _set_editing(self, message: VisibleMessage | None) -> None:
        self.editing = message
        composer = self.screen.composer
        composer.border_title = (
            "Editing a prompt: enter sends it as a new branch" if message is not None else ""
        )
        composer.set_class(message is not None, "-editing")

    def stop(self) -> None:
        """Stop the streaming reply; the partial reply stays, marked stopped."""
        if self.streaming and self.worker is not None:
            self.worker.cancel()
        elif self.editing is not None:
            self._set_editing(None)
            self.screen.composer.text = self.drafts.pop(self.draft_key, "")

    def _model_of(self, session: OpenConversation) -> str:
        for message in reversed(session.messages):
            if message.model_slug:
                return message.model_slug
        return session.conversation.default_model_slug or self.default_model()

    # -- the stream --------------------------------------------------------------------------

    def _start(self, request: SendRequest, *, shown_prompt: str | None) -> None:
        transcript = self.screen.transcript
        session = self.history.session
        if session is not None:
            transcript.replace_from(
                request.keep_position, session.messages[: request.keep_position]
            )
        if shown_prompt is not None:
            transcript.append_message(
                VisibleMessage(
                    node_id=request.message_id or "",
                    node_ids=(request.message_id or "",),
                    role="user",
                    blocks=(Block(BlockKind.MARKDOWN, shown_prompt),),
                    create_time=self.app.now(),
                )
            )
        self.reply = StreamingReply(model_slug=request.model, initial_text=request.initial_text)
        transcript.mount_reply(self.reply)
        self.screen.composer.busy = True
        self.worker = self.screen.run_worker(
            self._stream(request, self.reply, shown_prompt), group="stream", exclusive=True
        )

    async def _stream(
        self, request: SendRequest, reply: StreamingReply, shown_prompt: str | None
    ) -> None:
        client = self.app.client
        events = client.send(
            action=request.action,
            prompt=request.prompt,
            parent_message_id=request.parent_message_id,
            conversation_id=request.conversation_id,
            model=request.model,
            message_id=request.message_id,
            temporary=request.temporary,
        )
        outcome = _Outcome(conversation_id=request.conversation_id)
        try:
            async with aclosing(events) as stream:
                async for event in stream:
                    self._apply(event, reply, outcome)
        except ApiError as error:
            self._failed_before_stream(error, shown_prompt, reply)
            return
        except asyncio.CancelledError:
            # Stop: the HTTP stream is already closed (aclosing); keep the partial reply and
            # settle in a new worker, since this one is being cancelled.
            outcome.stopped = True
            reply.finish(status="stopped")
            reply.set_status("stopped", "ctrl+t continues · g regenerates")
            self.screen.run_worker(self._settle(request, reply, outcome), group="settle")
            raise
        finally:
            self.screen.composer.busy = False
        await self._settle(request, reply, outcome)

    def _apply(self, event: StreamEvent, reply: StreamingReply, outcome: _Outcome) -> None:
        if event.conversation_id:
            outcome.conversation_id = event.conversation_id
        if event.message_id:
            outcome.message_id = event.message_id
        kind = event.kind
        if kind is EventKind.TEXT:
            reply.append(event.delta)
            self.screen.transcript.scroll_to_end_if_following()
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

    def _failed_before_stream(
        self, error: ApiError, shown_prompt: str | None, reply: StreamingReply
    ) -> None:
        """Nothing was streamed: put everything back as it was, prompt included."""
        reply.remove()
        session = self.history.session
        if session is not None:
            self.screen.transcript.replace_from(0, session.messages)
        elif shown_prompt is not None:
            self.screen.transcript.clear()
        if shown_prompt is not None and not self.screen.composer.text.strip():
            self.screen.composer.text = shown_prompt
        self.app.report_error(error, _advice(error))

    async def _settle(self, request: SendRequest, reply: StreamingReply, outcome: _Outcome) -> None:
        """The stream ended (finished, broke or was stopped): sync with the server's tree.

        A reply that broke off keeps its partial text on screen either way: from the server's
        copy when it kept one (then marked, with continue offered), else the live widget stays.
        """
        broken = outcome.stopped or outcome.interrupted or outcome.error is not None
        mark: str | None = None
        if outcome.stopped:
            mark = "stopped"
        elif broken:
            mark = "interrupted"
            reply.finish(text=outcome.text or None, status="interrupted")
            note = clean_line(outcome.error or "The reply broke off.", limit=160)
            reply.set_status("interrupted", f"{note} · ctrl+t continues · g retries")
        else:
            reply.finish(text=outcome.text or None, status="done")
            if outcome.finish_type == "max_tokens":
                reply.set_status("max_tokens", "cut off at the length limit · ctrl+t continues")

        cid = outcome.conversation_id
        if not cid:
            return
        title = outcome.title
        if request.conversation_id is None and not title and not request.temporary:
            title = await self._generated_title(cid, outcome.message_id)
        try:
            conversation = await self.app.client.conversation(cid)
        except ApiError as error:
            if not broken:
                self.app.report_error(error, "Reloading the conversation")
            return
        if title:
            conversation.title = title
        if not request.temporary:
            item = self.history.item_for_new(cid, conversation.title or "New chat")
            self.screen.sidebar.move_to_top(item)
        if self.history.session is not None and self.history.session.id != cid:
            return  # the user opened another conversation meanwhile
        if (
            request.conversation_id is None
            and self.history.session is None
            and self.reply is not reply
        ):
            return  # a newer new chat replaced this one on screen
        if broken and outcome.message_id not in conversation.mapping:
            return  # the server kept nothing of the reply: the live widget stays as it is
        if outcome.message_id in conversation.mapping:
            self.history.branches.remember(cid, outcome.message_id)
        self.new_chat_model = None
        self.history.show(conversation, mark_last=mark)

    async def _generated_title(self, conversation_id: str, message_id: str | None) -> str | None:
        """A new chat's title when the stream brought none (classic wire): ask gen_title."""
        if not message_id:
            return None
        try:
            result = await self.app.client.generate_title(conversation_id, message_id)
        except ApiError:
            return None
        return result.title


@dataclass
class _Outcome:
    """What a stream ended with."""

    conversation_id: str | None = None
    message_id: str | None = None
    title: str | None = None
    text: str = ""
    finish_type: str | None = None
    error: str | None = None
    interrupted: bool = False
    stopped: bool = False


def _advice(error: ApiError) -> str:
    """The notice title: what failed and what to do."""
    if isinstance(error, TooLongError):
        return "Not sent: shorten the prompt"
    if isinstance(error, RateLimitError):
        if error.retry_after:
            return f"Not sent: retry in {_duration(error.retry_after)}"
        return "Not sent: rate limited"
    return "Not sent: your prompt is still in the box"


def _duration(seconds: float) -> str:
    seconds = max(1, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"
