"""Turn the reply stream of ``POST /conversation`` into :class:`~tui.api.events.StreamEvent`.

The server speaks one of two wire formats (PROTOCOL-research.md §3): *classic*, where every
``data:`` frame carries the whole message so far, and *delta encoding v1*, where a message
arrives as one JSON document followed by JSON-pointer ops (applied by :mod:`tui.api.delta`).
:class:`StreamParser` detects the format frame by frame and feeds both into one
:class:`_Transcript`, so the same reply gives the same events whichever format carried it.

Choices a consumer must know:

* One ``feed`` gives at most one TEXT (a v1 patch with several appends is merged). Every event
  carries ``message_id``, ``conversation_id``, ``model_slug`` and ``user_message_id`` as far as
  they are known by then.
* DONE needs the server to have said the message finished (``status: finished_successfully``,
  ``end_turn: true`` or ``finish_details``; see ``_finish_of``). ``[DONE]``,
  ``message_stream_complete`` or EOF without that give INTERRUPTED with the partial text.
* TEXT events carry only ``delta``; their ``text`` is empty. DONE and INTERRUPTED carry the
  whole text, and :attr:`StreamParser.text` has it at any time. A full copy of the text on every
  event costs O(n) each, so a long reply would parse in quadratic time (see
  ``bench/stream_parse.py``) and a UI that keeps a backlog of events would hold one copy each.
* When new text does not extend what was shown (the server rewrote the message), TEXT comes
  with ``extra["rewrite"] = True`` and ``delta`` holds the whole new visible text: replace, do
  not append. So the deltas since the last rewrite always concatenate to :attr:`text`.
* A turn can hold several visible assistant messages (tool use, browsing). Their texts are
  joined with a blank line, as :mod:`tui.conversation` merges a turn for reading. An update to
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

__all__ = ["StreamParser"]

_WINDOW = 64
"""How many characters at each end of the shown text are compared to trust a new snapshot."""
_VISIBLE_CONTENT = frozenset({"text", "multimodal_text"})
_PARTS = ("message", "content", "parts")
_CONTENT = ("message", "content")
_EMPTY: Mapping[str, Any] = {}
_MAX_ERROR = 500

_ENDED_EARLY = "The server ended the reply before it finished."
_CONNECTION_CLOSED = "The connection closed before the reply finished."
_HANDOFF = "The server moved the rest of this reply to a websocket; backchat does not support that."
_GENERIC_ERROR = "The server reported an error."


# --- reading one message (a classic frame's ``message``, or a v1 document's) -----------------


def _metadata(message: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = message.get("metadata")
    return metadata if isinstance(metadata, dict) else _EMPTY


def _role(message: Mapping[str, Any]) -> str | None:
    author = message.get("author")
    # Dec 2022 put ``role`` on the message itself, before ``author`` existed.
    return as_text(author.get("role") if isinstance(author, dict) else message.get("role"))


def _is_visible(message: Mapping[str, Any]) -> bool:
    """Whether an assistant message is the answer a reader sees (not a tool call or thought)."""
    if (as_text(message.get("recipient")) or "all") != "all":
        return False
    channel = message.get("channel")
    if channel is not None and as_text(channel) != "final":
        return False
    content = message.get("content")
    if not isinstance(content, dict):
        return False
    if as_text(content.get("content_type", "text")) not in _VISIBLE_CONTENT:
        return False
    return _metadata(message).get("is_visually_hidden_from_conversation") is not True


def _text_of(message: Mapping[str, Any]) -> str:
    """The message's text: its non-empty string parts, a blank line apart (as tui.content)."""
    content = message.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return ""
    texts = [text for text in map(as_text, parts) if text]
    # The usual single part is returned as is: no copy of a string that may be a megabyte.
    return texts[0] if len(texts) == 1 else "\n\n".join(texts)


def _finish_of(message: Mapping[str, Any]) -> str | None:
    """How the message finished (``stop``, ``max_tokens``...), or None while it goes on.

    The 2023 stream has no ``status``: it ends with ``end_turn: true`` and
    ``metadata.finish_details``. ``end_turn: false`` marks a message in the middle of a turn
    (a tool call follows), which is not the end of the reply unless it hit the token limit.
    """
    if as_text(message.get("status")) == "in_progress":
        return None
    details = _metadata(message).get("finish_details")
    kind = as_text(details.get("type")) if isinstance(details, dict) else None
    if kind == "max_tokens":
        return kind
    end_turn = message.get("end_turn")
    if end_turn is False:
        return None
    if end_turn is True or isinstance(details, dict):
        return kind or "stop"
    if as_text(message.get("status")) == "finished_successfully":
        return "stop"
    return None


def _error_text(error: Any) -> str:
    """The user-facing text of an in-stream ``error`` (a string, or a dict with a message)."""
    if isinstance(error, dict):
        error = error.get("message") or error.get("detail")
    text = (as_text(error) or "").strip()
    # A proxy may put a whole HTML error page here; the first lines say enough.
    return text[:_MAX_ERROR] if text else _GENERIC_ERROR


# --- the visible text ----------------------------------------------------------------------


class _Transcript:
    """The turn's visible text: one section per visible assistant message, a blank line apart.

    It is kept as a list of pieces and joined only when read, so growing it costs O(new text).
    """

    def __init__(self) -> None:
        self._pieces: list[str] = []
        self._length = 0
        self._section: str | None = None
        """Message id of the section that is growing now."""
        self._section_start = 0
        """Where that section's text starts in the whole text."""
        self._section_length = 0
        self._head = ""
        """The section's first ``_WINDOW`` characters."""
        self._tail = ""
        """The section's last ``_WINDOW`` characters."""
        self._closed: set[str] = set()
        """Messages whose sections are finished: later snapshots of them are ignored."""

    def is_current(self, key: str) -> bool:
        return self._section == key

    def value(self) -> str:
        if len(self._pieces) > 1:
            # Collapse, so reading again without growth in between costs nothing.
            self._pieces = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    def snapshot(self, key: str, text: str) -> tuple[str, bool]:
        """Message ``key`` now reads ``text`` in full; returns (delta, whether it is a rewrite).

        A classic snapshot of length n that extends the shown text by k characters must cost
        O(k), not O(n): ``text.startswith(shown)`` would compare all n characters on each of
        thousands of events, quadratic over a long reply. Snapshots are cumulative by the
        protocol, so a longer snapshot is trusted to extend the shown text once its first and
        last ``_WINDOW`` shown characters are where they should be. An edit inside the shown
        text shifts or changes what sits under the tail window, so real rewrites are caught;
        only an edit that keeps both the length order and both windows intact would slip by.
        """
        if key in self._closed:
            return "", False
        if key != self._section:
            if not text:
                # No separator for a message that has shown nothing yet (it may stay empty).
                return "", False
            if self._section is not None:
                self._closed.add(self._section)
            separator = "\n\n" if self._length else ""
            self._append(separator)
            self._section = key
            self._section_start = self._length
            self._section_length = 0
            self._head = self._tail = ""
        else:
            separator = ""
        shown = self._section_length
        if (
            len(text) >= shown
            and text.startswith(self._head)
            and text.startswith(self._tail, shown - len(self._tail))
        ):
            delta = text[shown:]
            self._append(delta)
            self._section_length = len(text)
            if len(self._head) < _WINDOW:
                self._head = text[:_WINDOW]
            self._tail = text[max(0, len(text) - _WINDOW) :]
            return separator + delta, False
        # A rewrite: rare, so one join of the whole text is fine here.
        prefix = self.value()[: self._section_start]
        self._pieces = [prefix, text] if prefix else [text]
        self._length = len(prefix) + len(text)
        self._section_length = len(text)
        self._head = text[:_WINDOW]
        self._tail = text[max(0, len(text) - _WINDOW) :]
        return prefix + text, True

    def extend(self, piece: str) -> str:
        """The current section grew by ``piece`` (a v1 append, trusted as is); returns it."""
        self._append(piece)
        self._section_length += len(piece)
        if len(self._head) < _WINDOW:
            self._head = (self._head + piece)[:_WINDOW]
        self._tail = (self._tail + piece)[-_WINDOW:]
        return piece

    def _append(self, piece: str) -> None:
        if piece:
            self._pieces.append(piece)
            self._length += len(piece)


# --- the parser ----------------------------------------------------------------------------


class StreamParser:
    """Turns SSE events (``httpx_sse.ServerSentEvent``: ``.event``, ``.data``) into StreamEvents.

    Auto-detects the wire format. Never raises on what the server sends: frames that are not
    JSON are skipped and counted in :attr:`malformed`; paths and ops that make no sense are
    ignored.
    """

    def __init__(self) -> None:
        self._transcript = _Transcript()
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
            metadata = frame.get("metadata")
            slug = as_text(metadata.get("model_slug")) if isinstance(metadata, dict) else None
            if slug:
                self._model_slug = slug
        elif kind == "input_message":
            # The server's echo of the user's message: its id is all the reply needs from it.
            message = frame.get("input_message")
            if isinstance(message, dict) and _role(message) == "user":
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
        text = _error_text(error)
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
        role = _role(message)
        key = as_text(message.get("id")) or ""
        if role == "user":
            self._user_message_id = key or self._user_message_id
            return False
        if role != "assistant":
            if role == "tool":
                # A tool answered, so the assistant is not done: more of the turn follows.
                self._finish = None
            return False
        if key:
            self._message_id = key
        slug = as_text(_metadata(message).get("model_slug"))
        if slug:
            self._model_slug = slug
        self._finish = _finish_of(message)
        if not _is_visible(message):
            return False
        if text_changed:
            delta, rewrite = self._transcript.snapshot(key, _text_of(message))
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
