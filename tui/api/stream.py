"""Turn the reply stream of ``POST /conversation`` into :class:`~tui.api.events.StreamEvent`.

The server speaks one of two wire formats (docs/PROTOCOL.md §4): *classic*, where every
``data:`` frame carries the whole message so far, and *delta encoding v1*, where a message
arrives as one JSON document followed by JSON-pointer ops (applied by :mod:`tui.api.delta`).
:class:`StreamParser` detects the format frame by frame, reads each message with the rules of
:mod:`tui.api.message_rules` and feeds both formats into one
:class:`~tui.api.visible_text.VisibleText`, so the same reply gives the same events whichever
format carried it. This module holds the state machine: frames in, events out, and when the
reply ends.

Choices a consumer must know:

* One ``feed`` gives at most one TEXT (a v1 patch with several appends is merged). Every event
  carries ``message_id``, ``conversation_id``, ``model_slug`` and ``user_message_id`` as far as
  they are known by then.
* DONE needs the server to have said the message finished (``status: finished_successfully``,
  ``end_turn: true`` or ``finish_details``; see :func:`~tui.api.message_rules.finish_of`).
  ``[DONE]``, ``message_stream_complete`` or EOF without that give INTERRUPTED with the partial
  text.
* TEXT events carry only ``delta``; their ``text`` is empty. DONE and INTERRUPTED carry the
  whole text, and :attr:`StreamParser.text` has it at any time. A full copy of the text on every
  event costs O(n) each, so a long reply would parse in quadratic time (see
  ``bench/stream_parse.py``) and a UI that keeps a backlog of events would hold one copy each.
* When new text does not extend what was shown (the server rewrote the message), TEXT comes
  with ``extra["rewrite"] = True`` and ``delta`` holds the whole new visible text: replace, do
  not append. So the deltas since the last rewrite always concatenate to :attr:`text`.
* A turn can hold several visible assistant messages (tool use, browsing). Their texts are
  joined with a blank line, as :mod:`tui.conversation.tree` merges a turn for reading. An update to
  an earlier message after a later one has started is ignored; text already shown is never
  taken back because its message later turned hidden.
* ``stream_handoff`` (the rest of the reply moves to a websocket) is not supported: the HTTP
  stream then ends, and :meth:`StreamParser.finish` says INTERRUPTED with
  ``extra["handoff"] = True``.
* ``resume_conversation_token`` frames are dropped unread: whoever holds that token can resume
  the stream, so it must not reach events, logs or ``extra``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tui.api.delta import Documents, Rope, as_text, list_index
from tui.api.events import EventKind, StreamEvent
from tui.api.message_rules import error_text, finish_of, is_visible, metadata, role, text_of
from tui.api.visible_text import VisibleText

__all__ = ["StreamParser"]

_PARTS = ("message", "content", "parts")
_CONTENT = ("message", "content")

_ENDED_EARLY = "The server ended the reply before it finished."
_CONNECTION_CLOSED = "The connection closed before the reply finished."
_HANDOFF = "The server moved the rest of this reply to a websocket; backchat does not support that."


class StreamParser:
    """Turns SSE events (``httpx_sse.ServerSentEvent``: ``.event``, ``.data``) into StreamEvents.

    Auto-detects the wire format. Never raises on what the server sends: frames that are not
    JSON are skipped and counted in :attr:`malformed`; paths and ops that make no sense are
    ignored.
    """

    def __init__(self) -> None:
        self._transcript = VisibleText()
        self._wire: str | None = None
        self._malformed = 0
        self._message_id: str | None = None
        self._conversation_id: str | None = None
        self._user_message_id: str | None = None
        self._model_slug: str | None = None
        self._title: str | None = None
        self._finish: str | None = None
        """Finish type of the latest assistant message, once it has finished."""
        self._ended: StreamEvent | None = None
        """The DONE or INTERRUPTED event, once one has been produced."""
        self._last_error: str | None = None
        self._handoff = False
        # Delta encoding v1: the documents, and what is known of the current one.
        self._documents = Documents()
        self._current_visible = False
        self._current_error: Any = None
        # Output of the call in progress; TEXT is merged to one event per frame.
        self._out: list[StreamEvent] = []
        self._pending: list[str] = []
        self._pending_rewrite = False

    # --- public interface

    def feed(self, event: str, data: str) -> list[StreamEvent]:
        """Parse one SSE event (``event`` may be ``""`` or ``"message"``); return what it means."""
        self._out = []
        try:
            self._dispatch(event, data)
        except Exception:
            # The last line of defence, for a frame nobody foresaw: losing one frame is better
            # than losing the reply the user is reading. Counted like a frame that is not JSON.
            self._malformed += 1
        self._flush_text()
        out, self._out = self._out, []
        return out

    def finish(self) -> list[StreamEvent]:
        """The HTTP stream ended: DONE if the reply finished, else INTERRUPTED. Idempotent."""
        self._out = []
        reason = _HANDOFF if self._handoff else self._last_error or _CONNECTION_CLOSED
        self._end_of_reply(reason)
        out, self._out = self._out, []
        return out

    def interrupt(self, reason: str) -> StreamEvent:
        """The connection broke or was cancelled: INTERRUPTED with the partial text.

        If the reply had already finished (or the stream had already ended), that is said
        instead: the finished reply's DONE, or the earlier terminal event.
        """
        if self._ended is None:
            self._ended = self._terminal_event(reason)
        return self._ended

    @property
    def text(self) -> str:
        """The visible assistant text so far (joined on demand: O(n) once after each growth)."""
        return self._transcript.value()

    @property
    def message_id(self) -> str | None:
        """Id of the latest assistant message: the next ``parent_message_id``."""
        return self._message_id

    @property
    def conversation_id(self) -> str | None:
        return self._conversation_id

    @property
    def user_message_id(self) -> str | None:
        """Id of the user message the server echoed, if it did."""
        return self._user_message_id

    @property
    def model_slug(self) -> str | None:
        return self._model_slug

    @property
    def title(self) -> str | None:
        """The last ``title_generation`` title, if any."""
        return self._title

    @property
    def finished(self) -> bool:
        """Whether the server said the reply finished (even if DONE has not been produced yet)."""
        return self._finish is not None

    @property
    def finish_type(self) -> str | None:
        """``stop`` | ``max_tokens`` | ``interrupted`` once finished, else None."""
        return self._finish

    @property
    def ended(self) -> bool:
        """Whether DONE or INTERRUPTED has been produced: later frames add no text."""
        return self._ended is not None

    @property
    def wire_format(self) -> str | None:
        """``classic`` or ``v1``: the format of the first frame that said which."""
        return self._wire

    @property
    def malformed(self) -> int:
        """How many frames were skipped as unreadable."""
        return self._malformed

    # --- dispatch

    def _dispatch(self, event: str, data: str) -> None:
        if event == "ping":
            return
        raw = data.strip()
        if event == "delta_encoding":
            if raw.strip('"') == "v1":
                self._wire = "v1"
            return
        if event == "error":
            self._on_error_event(raw)
            return
        if not raw:
            return
        if raw == "[DONE]":
            self._end_of_reply(_ENDED_EARLY)
            return
        try:
            frame = json.loads(raw)
        except ValueError:
            self._malformed += 1
            return
        if not isinstance(frame, dict):
            if frame == "v1":
                self._wire = "v1"
            else:
                self._malformed += 1
            return
        if "v" in frame or "p" in frame or "o" in frame:
            self._on_delta(frame)
        elif "message" in frame:
            self._on_classic(frame)
        elif isinstance(frame.get("type"), str):
            self._on_meta(frame)
        elif "moderation_response" in frame or "is_completion" in frame:
            self._on_moderation(frame)
        else:
            self._note_conversation(frame)
            if frame.get("error") is not None:
                self._on_error(frame["error"])

    def _on_classic(self, frame: dict[str, Any]) -> None:
        self._wire = self._wire or "classic"
        self._note_conversation(frame)
        message = frame.get("message")
        if isinstance(message, dict):
            self._observe(message, text_changed=True)
        if frame.get("error") is not None:
            self._on_error(frame["error"])

    def _on_meta(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "resume_conversation_token":
            return
        self._note_conversation(frame)
        if kind == "title_generation":
            title = as_text(frame.get("title"))
            if title:
                self._title = title
                self._emit(EventKind.TITLE, title=title)
        elif kind == "message_stream_complete":
            self._end_of_reply(_ENDED_EARLY)
        elif kind == "moderation":
            self._on_moderation(frame)
        elif kind == "server_ste_metadata":
            server = frame.get("metadata")
            slug = as_text(server.get("model_slug")) if isinstance(server, dict) else None
            if slug:
                self._model_slug = slug
        elif kind == "input_message":
            # The server's echo of the user's message: its id is all the reply needs from it.
            message = frame.get("input_message")
            if isinstance(message, dict) and role(message) == "user":
                self._user_message_id = as_text(message.get("id")) or self._user_message_id
        elif kind == "stream_handoff":
            self._handoff = True
        # message_marker, conversation_detail_metadata and newer types: nothing the reply needs.

    def _on_moderation(self, frame: dict[str, Any]) -> None:
        self._note_conversation(frame)
        self._emit(EventKind.MODERATION, moderation=frame)

    def _on_error(self, error: Any) -> None:
        if self._ended is not None:
            return
        text = error_text(error)
        if text != self._last_error:
            self._last_error = text
            self._emit(EventKind.ERROR, error=text)

    def _on_error_event(self, raw: str) -> None:
        """An SSE ``event: error`` (some proxies): JSON with error/detail/message, or text."""
        try:
            frame = json.loads(raw)
        except ValueError:
            frame = raw
        if isinstance(frame, dict):
            frame = frame.get("error") or frame.get("detail") or frame
        self._on_error(frame)

    def _note_conversation(self, frame: Mapping[str, Any]) -> None:
        conversation_id = as_text(frame.get("conversation_id"))
        if conversation_id:
            self._conversation_id = conversation_id

    # --- both formats: one message seen in full

    def _observe(self, message: Mapping[str, Any], *, text_changed: bool) -> bool:
        """Take in the current state of one message; returns whether it is visible."""
        if self._ended is not None:
            return False
        author = role(message)
        key = as_text(message.get("id")) or ""
        if author == "user":
            self._user_message_id = key or self._user_message_id
            return False
        if author != "assistant":
            if author == "tool":
                # A tool answered, so the assistant is not done: more of the turn follows.
                self._finish = None
            return False
        if key:
            self._message_id = key
        slug = as_text(metadata(message).get("model_slug"))
        if slug:
            self._model_slug = slug
        self._finish = finish_of(message)
        if not is_visible(message):
            return False
        if text_changed:
            delta, rewrite = self._transcript.snapshot(key, text_of(message))
            self._add_text(delta, rewrite=rewrite)
        return True

    # --- delta encoding v1

    def _on_delta(self, frame: dict[str, Any]) -> None:
        self._wire = self._wire or "v1"
        value = frame.get("v")
        key = frame.get("c")
        if not isinstance(key, int | str):
            key = None
        if (
            key is not None
            and isinstance(value, dict)
            and frame.get("p", "") == ""
            and frame.get("o", "add") == "add"
        ):
            self._add_document(key, value)
            return
        if self._documents.select(key):
            self._current_visible = False  # unknown for that document: the next op checks
        for tokens, op, item in self._documents.ops(frame):
            self._apply(tokens, op, item)
        self._check_document_error()

    def _add_document(self, key: int | str | None, document: dict[str, Any]) -> None:
        self._documents.add(key, document)
        self._current_visible = False
        self._current_error = None
        self._note_conversation(document)
        message = document.get("message")
        if isinstance(message, dict):
            self._current_visible = self._observe(message, text_changed=True)
        self._check_document_error()

    def _apply(self, tokens: tuple[str, ...], op: str, value: Any) -> None:
        if self._ended is not None:
            return
        document = self._documents.current
        if document is None:
            # An op before any document: only a whole new document makes sense.
            if not tokens and op in ("add", "replace") and isinstance(value, dict):
                self._add_document(None, value)
            return
        if (
            op == "append"
            and isinstance(value, str)
            and len(tokens) == 4
            and tokens[:3] == _PARTS
            and self._append_text(document, tokens[3], value)
        ):
            return
        if not self._documents.apply(tokens, op, value):
            return
        document = self._documents.current
        message = document.get("message") if isinstance(document, dict) else None
        if isinstance(message, dict):
            head = tokens[:2]
            touches_text = head == _CONTENT[: len(head)]
            self._current_visible = self._observe(
                message, text_changed=touches_text or not self._current_visible
            )

    def _append_text(self, document: Any, token: str, piece: str) -> bool:
        """The hot path: one append to a part of the current message. False if not that case.

        When the part already had text, is the last part and the message is the visible one
        being shown, ``piece`` is the delta as is: no look at the rest of the message.
        """
        message = document.get("message") if isinstance(document, dict) else None
        if not isinstance(message, dict):
            return False
        content = message.get("content")
        parts = content.get("parts") if isinstance(content, dict) else None
        if not isinstance(parts, list):
            return False
        index = list_index(parts, token, allow_end=False)
        if index is None:
            return False
        target = parts[index]
        if isinstance(target, str):
            target = parts[index] = Rope(target)
        elif not isinstance(target, Rope):
            return False
        extends_shown = len(target) > 0 and index == len(parts) - 1
        target.append(piece)
        key = as_text(message.get("id")) or ""
        if extends_shown and self._current_visible and self._transcript.is_current(key):
            self._add_text(self._transcript.extend(piece), rewrite=False)
        else:
            self._current_visible = self._observe(message, text_changed=True)
        return True

    def _check_document_error(self) -> None:
        document = self._documents.current
        error = document.get("error") if isinstance(document, dict) else None
        if error is not self._current_error:
            self._current_error = error
            if error is not None:
                self._on_error(error)

    # --- output

    def _add_text(self, delta: str, *, rewrite: bool) -> None:
        if rewrite:
            self._pending = [delta]
            self._pending_rewrite = True
        elif delta:
            self._pending.append(delta)

    def _flush_text(self) -> None:
        if not self._pending and not self._pending_rewrite:
            return
        delta = self._pending[0] if len(self._pending) == 1 else "".join(self._pending)
        extra = {"rewrite": True} if self._pending_rewrite else {}
        self._pending = []
        self._pending_rewrite = False
        self._out.append(self._event(EventKind.TEXT, delta=delta, extra=extra))

    def _emit(self, kind: EventKind, **fields: Any) -> None:
        self._flush_text()
        self._out.append(self._event(kind, **fields))

    def _event(self, kind: EventKind, **fields: Any) -> StreamEvent:
        return StreamEvent(
            kind=kind,
            message_id=self._message_id,
            conversation_id=self._conversation_id,
            model_slug=self._model_slug,
            user_message_id=self._user_message_id,
            **fields,
        )

    def _end_of_reply(self, reason: str) -> None:
        if self._ended is None:
            self._flush_text()
            self._ended = self._terminal_event(reason)
            self._out.append(self._ended)

    def _terminal_event(self, reason: str) -> StreamEvent:
        if self._finish is not None:
            return self._event(EventKind.DONE, text=self.text, finish_type=self._finish)
        return self._event(
            EventKind.INTERRUPTED,
            text=self.text,
            finish_type="interrupted",
            error=reason,
            extra={"handoff": True} if self._handoff else {},
        )
