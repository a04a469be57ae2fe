"""Writing: send a prompt, stream the reply, stop, regenerate, edit into a branch, continue.

One reply streams at a time (the server answers 429 "only one message at a time" otherwise).
The reply belongs to its chat: opening another conversation leaves it streaming in the
background (its list row says "replying…"), and coming back shows it where it is. Sending in
another chat meanwhile is refused with a notice naming the chat that replies, the prompt kept.
Nothing the user typed or the model said is lost: a prompt that fails before streaming goes back
into the composer unchanged; a stopped or broken reply stays on screen, marked, with retry and
continue offered. Drafts are kept per conversation: the host says what the composer holds
(:meth:`~tui.controllers.host.Host.typed_text`) and shows what
:class:`~tui.controllers.messages.DraftShown` says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tui.api.client import BackendClient
from tui.api.errors import ApiError
from tui.controllers.host import Host, Running
from tui.controllers.messages import (
    ActionsChanged,
    DraftShown,
    EditingChanged,
    ErrorNotice,
    ModelsLoaded,
    NewChatStarted,
    Notice,
    ReplyAway,
)
from tui.controllers.reading import History
from tui.controllers.reply_run import ReplyRun, SendRequest
from tui.conversation.session import OpenConversation
from tui.conversation.tree import Block, BlockKind, VisibleMessage
from tui.text.sanitize import clean_line

NEW_CHAT_KEY = ""
"""The draft key of the unsaved new chat."""
CONTINUABLE = frozenset({"max_tokens", "interrupted", "stopped"})
"""How a reply may have ended for ``continue`` to pick it up."""
FALLBACK_MODEL = "text-davinci-002-render-sha"
"""Used only when /models could not be read: the model every ninja setup accepts."""


class Chat:
    """The controller behind the composer and the live reply."""

    def __init__(
        self,
        host: Host,
        client: BackendClient,
        history: History,
        *,
        now: Callable[[], datetime],
        preferred_model: Callable[[], str | None],
    ) -> None:
        self.host = host
        self.client = client
        """The API client (its token may change after a sign-in: read it each time)."""
        self.history = history
        """The reading side: the open conversation, the branches, the list rows."""
        self.now = now
        """The clock, for the time shown on a prompt just sent."""
        self.preferred_model = preferred_model
        """The model asked for in the settings or picked last time, if any."""
        self.models: list[tuple[str, str, str]] = []
        """(slug, title, description) from /models."""
        self.new_chat_model: str | None = None
        """The model picked for the new chat being written, if any."""
        self.new_chat_temporary = False
        """Whether the new chat being written is temporary (not saved to history)."""
        self.drafts: dict[str, str] = {}
        """Unsent text per conversation (NEW_CHAT_KEY for a new chat), kept while the app runs."""
        self.draft_key: str = NEW_CHAT_KEY
        """Whose draft the composer holds."""
        self.worker: Running | None = None
        """The stream of the latest reply run (what stop cancels)."""
        self.run: ReplyRun | None = None
        """The latest reply run (streaming, settling or done)."""
        self._replies = 0
        """How many replies were started: the next one's id."""
        self._waiting: tuple[str, Callable[[], None]] | None = None
        """(draft key, action) asked for while the last reply was being synced: run after."""
        self.editing: VisibleMessage | None = None
        """The user message being edited into a new branch, if any."""
        history.on_session_change = self.conversation_changed

    @property
    def streaming(self) -> bool:
        """Whether a reply is streaming, in whichever chat."""
        return self.run is not None and self.run.phase == "streaming"

    @property
    def replying_here(self) -> bool:
        """Whether a reply is streaming in the chat on screen (what escape stops)."""
        return self.streaming and self.run is not None and self.run.on_screen

    def _busy_elsewhere(self) -> bool:
        """Whether a reply streams in another chat; if so, say so (nothing is sent)."""
        if not self.streaming or self.replying_here:
            return False
        run = self.run
        cid = run.conversation_id if run is not None else None
        title = clean_line(self.history.title_of(cid), limit=60) if cid else "the new chat"
        self.host.post(
            Notice(
                f"Not sent: “{title}” is still replying — one reply at a time. Wait for it, "
                "or open it and press esc to stop it.",
                severity="warning",
            )
        )
        return True

    # -- models and new chats ----------------------------------------------------------------

    def load_models(self) -> None:
        async def fetch() -> None:
            try:
                listing = await self.client.models()
            except ApiError:
                return  # the picker falls back to the configured model; not worth a notice
            self.models = [
                (model.slug, model.title or model.slug, model.description or "")
                for model in listing.models
            ]
            self.host.post(ModelsLoaded(tuple(self.models)))

        self.host.run(fetch(), group="models")

    def default_model(self) -> str:
        wanted = self.preferred_model()
        slugs = [slug for slug, _title, _description in self.models]
        if wanted and (wanted in slugs or not slugs):
            return wanted
        return slugs[0] if slugs else FALLBACK_MODEL

    def picker_models(self) -> list[tuple[str, str, str]]:
        """What the new-chat picker offers: /models, or the default model alone."""
        return self.models or [(self.default_model(), self.default_model(), "")]

    def start_new_chat(self, model: str, *, temporary: bool = False) -> None:
        """Clear the pane for a new chat with ``model``; the first send creates it."""
        self.history.forget_open()
        self.new_chat_model = model
        self.new_chat_temporary = temporary
        label = "Temporary chat" if temporary else "New chat"
        self.host.post(NewChatStarted(label, model))
        self.conversation_changed()

    # -- drafts ------------------------------------------------------------------------------

    def conversation_changed(self) -> None:
        """Keep the composer's draft per conversation; cancel an edit in progress."""
        self.host.post(ActionsChanged())  # continue may have become possible (or not)
        session = self.history.session
        key = session.id if session is not None else NEW_CHAT_KEY
        if key != self.draft_key:
            self.drafts[self.draft_key] = self.host.typed_text()
            self._show_draft(self.drafts.pop(key, ""))
            self.draft_key = key
            self._set_editing(None)
        self._follow_reply()

    def _follow_reply(self) -> None:
        """The streaming reply stays with its chat: hidden when another conversation is shown,
        shown again (as far as it has come) when its own is opened again."""
        run = self.run
        if run is None or run.phase != "streaming" or run.on_screen:
            return
        session = self.history.session
        if session is not None and session.id == run.conversation_id:
            run.show(session.messages[: run.request.keep_position])
        elif run.shown:
            run.shown = False
            self.host.post(ReplyAway(run.reply_id))

    def _show_draft(self, text: str, *, cursor_at_end: bool = False, focus: bool = False) -> None:
        self.host.post(DraftShown(text, cursor_at_end=cursor_at_end, focus=focus))

    def give_back(self, prompt: str, *, elsewhere: str | None = None) -> None:
        """A prompt was not sent: put it back in the composer, unless something was typed.

        ``elsewhere``: the draft key of the prompt's chat, which is no longer on screen; the
        prompt becomes that chat's draft (unless it has one), shown when it is opened again.
        """
        if elsewhere is not None and elsewhere != self.draft_key:
            if not self.drafts.get(elsewhere, "").strip():
                self.drafts[elsewhere] = prompt
            return
        if not self.host.typed_text().strip():
            self._show_draft(prompt, cursor_at_end=True)

    # -- sending -----------------------------------------------------------------------------

    def send_prompt(self, text: str) -> None:
        if self._busy_elsewhere() or self.streaming:
            return  # here, the composer refuses while busy and says why
        if self._after_sync(lambda: self._send_unchanged(text)):
            return
        session = self.history.session
        editing = self.editing
        if session is None:
            request = SendRequest(
                action="next",
                prompt=text,
                parent_message_id=self.client.new_message_id(),
                conversation_id=None,
                model=self.new_chat_model or self.default_model(),
                message_id=self.client.new_message_id(),
                temporary=self.new_chat_temporary,
            )
        elif editing is not None and editing.node_id in session.conversation.mapping:
            position = session.messages.index(editing) if editing in session.messages else 0
            parent = session.conversation.mapping[editing.node_id].parent
            request = SendRequest(
                action="next",
                prompt=text,
                parent_message_id=parent or self.client.new_message_id(),
                conversation_id=session.id,
                model=self._model_of(session),
                message_id=self.client.new_message_id(),
                keep_position=position,
            )
        else:
            request = SendRequest(
                action="next",
                prompt=text,
                parent_message_id=session.reply_parent_id() or self.client.new_message_id(),
                conversation_id=session.id,
                model=self._model_of(session),
                message_id=self.client.new_message_id(),
                keep_position=len(session.messages),
            )
        self._show_draft("")
        self._set_editing(None)
        self._start(request, shown_prompt=text)

    def regenerate(self) -> None:
        """Regenerate the last reply (``variant``): a new sibling; the old one stays reachable.

        When the branch ends with a prompt that got no reply (an error in the stream), this
        asks for its reply again, as the web app's retry does.
        """
        if self._busy_elsewhere() or self.streaming or self._after_sync(self.regenerate):
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
            self.host.post(Notice("The last message is not a reply to regenerate."))
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
        """Whether escape does something: stop the reply of the chat on screen, or leave
        editing a prompt."""
        return self.replying_here or self.editing is not None

    def can_continue(self) -> bool:
        """Whether the branch ends with a reply that was cut off, stopped or broke off."""
        session = self.history.session
        if self.streaming or session is None or not session.messages:
            return False
        last = session.messages[-1]
        return last.role == "assistant" and last.finish_type in CONTINUABLE

    def continue_reply(self) -> None:
        """Continue a reply cut at max_tokens (or broken off); shown as one message."""
        if self._busy_elsewhere() or self.streaming or self._after_sync(self.continue_reply):
            return
        session = self.history.session
        if session is None or not session.messages:
            return
        last = session.messages[-1]
        if last.role != "assistant":
            self.host.post(Notice("There is no reply to continue: press g to ask again."))
            return
        if last.finish_type not in CONTINUABLE:
            self.host.post(Notice("The last reply finished; there is nothing to continue."))
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

    def edit(self, message: VisibleMessage | None) -> None:
        """Put ``message`` (the focused one) into the composer; sending it makes a new branch."""
        if message is None or message.role != "user":
            self.host.post(Notice("Focus one of your prompts to edit it (tab, then ↑/↓)."))
            return
        if self.editing is None:
            # What was being typed comes back when the edit is left (escape).
            self.drafts[self.draft_key] = self.host.typed_text()
        self._set_editing(message)
        self._show_draft(message.text, cursor_at_end=True, focus=True)

    def _set_editing(self, message: VisibleMessage | None) -> None:
        self.editing = message
        self.host.post(EditingChanged(message is not None))  # escape now leaves editing

    def stop(self) -> None:
        """Stop the reply streaming in the chat on screen; the partial reply stays, marked
        stopped. A reply streaming in another chat goes on."""
        if self.replying_here and self.worker is not None:
            self.worker.cancel()
        elif self.editing is not None:
            self._set_editing(None)
            self._show_draft(self.drafts.pop(self.draft_key, ""))

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
            if not (run.unsynced and run.on_screen):
                return False  # in sync, or the user opened something else since
            run.phase = "settling"
            self.host.run(run.resync(), group="settle")
        self._waiting = (self.draft_key, action)
        return True

    def synced(self, run: ReplyRun, error: ApiError | None) -> None:
        """``run``'s reply is synced with the server's tree, or reloading failed (``error``)."""
        waiting, self._waiting = self._waiting, None
        if error is not None:
            if waiting is not None:
                self.host.post(ErrorNotice("Not sent: reloading the conversation failed", error))
            elif not run.outcome.broken:
                # A broken reply says so already; this one looks finished but is not in sync.
                self.host.post(
                    ErrorNotice("Reply kept; reloading failed (retried on next send)", error)
                )
            return
        if waiting is not None and run is self.run and waiting[0] == self.draft_key:
            waiting[1]()

    def reply_saved(self) -> None:
        """A reply is on the server: the model picked for a new chat is used up."""
        self.new_chat_model = None

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
        if self.host.typed_text().strip() == text:
            self.send_prompt(text)

    def _model_of(self, session: OpenConversation) -> str:
        for message in reversed(session.messages):
            if message.model_slug:
                return message.model_slug
        return session.conversation.default_model_slug or self.default_model()

    # -- the stream --------------------------------------------------------------------------

    def _start(self, request: SendRequest, *, shown_prompt: str | None) -> None:
        """Show the prompt (if any) and the live reply at once, and stream in the background."""
        self._replies += 1
        session = self.history.session
        prompt: VisibleMessage | None = None
        if shown_prompt is not None:
            prompt = VisibleMessage(
                node_id=request.message_id or "",
                node_ids=(request.message_id or "",),
                role="user",
                blocks=(Block(BlockKind.MARKDOWN, shown_prompt),),
                create_time=self.now(),
            )
        self.run = ReplyRun(
            self, self.host, self.client, self.history, request, self._replies, shown_prompt, prompt
        )
        self.run.show(None if session is None else session.messages[: request.keep_position])
        self.worker = self.host.run(self.run.run(), group="stream", exclusive=True)
