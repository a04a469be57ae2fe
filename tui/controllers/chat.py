"""Writing: send a prompt, stream the reply, stop, regenerate, edit into a branch, continue.

One reply streams at a time (the server answers 429 "only one message at a time" otherwise).
Nothing the user typed or the model said is lost: a prompt that fails before streaming goes back
into the composer unchanged; a stopped or broken reply stays on screen, marked, with retry and
continue offered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.worker import Worker

from tui.api.errors import ApiError
from tui.controllers.reply_run import ReplyRun, SendRequest
from tui.conversation.session import OpenConversation
from tui.conversation.tree import Block, BlockKind, VisibleMessage
from tui.widgets.streaming import StreamingReply

if TYPE_CHECKING:
    from tui.app import BackchatApp
    from tui.controllers.reading import History
    from tui.screens.main import MainScreen

NEW_CHAT_KEY = ""
"""The draft key of the unsaved new chat."""
CONTINUABLE = frozenset({"max_tokens", "interrupted", "stopped"})
"""How a reply may have ended for ``continue`` to pick it up."""
FALLBACK_MODEL = "text-davinci-002-render-sha"
"""Used only when /models could not be read: the model every ninja setup accepts."""


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
        self.run: ReplyRun | None = None
        """The latest reply run (streaming, settling or done)."""
        self.reply: StreamingReply | None = None
        self._waiting: tuple[str, Callable[[], None]] | None = None
        """(draft key, action) asked for while the last reply was being synced: run after."""
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
        """Whether a reply is streaming (what stop stops)."""
        return self.run is not None and self.run.phase == "streaming"

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
        self.screen.refresh_bindings()  # continue may have become possible (or not)
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
        if self.streaming or self._after_sync(lambda: self._send_unchanged(text)):
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
        """Regenerate the last reply (``variant``): a new sibling; the old one stays reachable.

        When the branch ends with a prompt that got no reply (an error in the stream), this
        asks for its reply again, as the web app's retry does.
        """
        if self.streaming or self._after_sync(self.regenerate):
            return
        session = self.history.session
        if session is None or not session.messages:
            return
        last = session.messages[-1]
        if last.role == "user":
            prompt, keep = last, len(session.messages)
        elif last.role == "assistant" and len(session.messages) >= 2:
            prompt, keep = session.messages[-2], len(session.messages) - 1
        else:
            prompt, keep = None, 0
        if prompt is None or prompt.role != "user":
            self.app.notify("The last message is not a reply to regenerate.", markup=False)
            return
        user_node = prompt.last_node_id
        node = session.conversation.mapping.get(user_node)
        self._start(
            SendRequest(
                action="variant",
                prompt=prompt.text,
                parent_message_id=(node.parent if node else None) or user_node,
                conversation_id=session.id,
                model=self._model_of(session),
                message_id=user_node,
                keep_position=keep,
            ),
            shown_prompt=None,
        )

    def can_stop(self) -> bool:
        """Whether escape does something: stop a reply, or leave editing a prompt."""
        return self.streaming or self.editing is not None

    def can_continue(self) -> bool:
        """Whether the branch ends with a reply that was cut off, stopped or broke off."""
        session = self.history.session
        if self.streaming or session is None or not session.messages:
            return False
        last = session.messages[-1]
        return last.role == "assistant" and last.finish_type in CONTINUABLE

    def continue_reply(self) -> None:
        """Continue a reply cut at max_tokens (or broken off); shown as one message."""
        if self.streaming or self._after_sync(self.continue_reply):
            return
        session = self.history.session
        if session is None or not session.messages:
            return
        last = session.messages[-1]
        if last.role != "assistant":
            self.app.notify("There is no reply to continue: press g to ask again.", markup=False)
            return
        if last.finish_type not in CONTINUABLE:
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
        composer = self.screen.composer
        if self.editing is None:
            # What was being typed comes back when the edit is left (escape).
            self.drafts[self.draft_key] = composer.text
        self._set_editing(message)
        composer.text = message.text
        composer.move_cursor(composer.document.end)
        composer.focus()

    def _set_editing(self, message: VisibleMessage | None) -> None:
        self.editing = message
        composer = self.screen.composer
        composer.border_title = (
            "Editing a prompt: enter sends it as a new branch" if message is not None else ""
        )
        composer.set_class(message is not None, "-editing")
        self.screen.refresh_bindings()  # escape now leaves editing

    def stop(self) -> None:
        """Stop the streaming reply; the partial reply stays, marked stopped."""
        if self.streaming and self.worker is not None:
            self.worker.cancel()
        elif self.editing is not None:
            self._set_editing(None)
            self.screen.composer.text = self.drafts.pop(self.draft_key, "")

    # -- syncing with the server after a reply ----------------------------------------------

    def _after_sync(self, action: Callable[[], None]) -> bool:
        """Whether ``action`` must wait for the last reply to be synced with the server's tree.

        Until it is (while it settles, or after reloading the conversation failed), the session
        predates the reply: a prompt sent now would hang from the message before it. A failed
        reload is tried again now; ``action`` runs once the tree is shown, and is dropped (the
        prompt stays in the composer, the user is told) if reloading fails again.
        """
        run = self.run
        if run is None or run.phase == "streaming":
            return False
        if run.phase == "done":
            if not (run.unsynced and run.reply.is_attached):
                return False  # in sync, or the user opened something else since
            run.phase = "settling"
            self.screen.run_worker(run.resync(), group="settle")
        self._waiting = (self.draft_key, action)
        return True

    def synced(self, run: ReplyRun, error: ApiError | None) -> None:
        """``run``'s reply is synced with the server's tree, or reloading failed (``error``)."""
        waiting, self._waiting = self._waiting, None
        if error is not None:
            if waiting is not None:
                self.app.report_error(error, "Not sent: reloading the conversation failed")
            elif not run.outcome.broken:
                # A broken reply says so already; this one looks finished but is not in sync.
                self.app.report_error(error, "Reply kept; reloading failed (retried on next send)")
            return
        if waiting is not None and run is self.run and waiting[0] == self.draft_key:
            waiting[1]()

    def new_chat_saved(self, conversation_id: str) -> None:
        """The new chat on screen is now saved as ``conversation_id``: it keeps its draft (and
        what waits to be sent), rather than leaving them behind as a new chat's."""
        if self.draft_key != NEW_CHAT_KEY:
            return
        self.draft_key = conversation_id
        if self._waiting is not None and self._waiting[0] == NEW_CHAT_KEY:
            self._waiting = (conversation_id, self._waiting[1])

    def _send_unchanged(self, text: str) -> None:
        # Sent after the sync only if the composer still holds it (it was not edited meanwhile).
        if self.screen.composer.text.strip() == text:
            self.send_prompt(text)

    def _model_of(self, session: OpenConversation) -> str:
        for message in reversed(session.messages):
            if message.model_slug:
                return message.model_slug
        return session.conversation.default_model_slug or self.default_model()

    # -- the stream --------------------------------------------------------------------------

    def _start(self, request: SendRequest, *, shown_prompt: str | None) -> None:
        """Show the prompt (if any) and the live reply at once, and stream in a worker."""
        transcript = self.screen.transcript
        if self.reply is not None and self.reply.is_attached:
            # A broken-off reply kept on screen from the last run gives way to the new one.
            self.reply.remove()
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
        self.run = ReplyRun(self, request, self.reply, shown_prompt)
        self.worker = self.screen.run_worker(self.run.run(), group="stream", exclusive=True)

    def keep_partial(self, reply: StreamingReply) -> None:
        """Show a broken-off reply the server did not keep again, under the thread just shown."""
        kept = StreamingReply(model_slug=reply.model_slug, initial_text=reply.text)
        kept.finish(status=reply.status, note=reply.note)
        self.reply = kept
        self.screen.transcript.mount_reply(kept)
