"""``POST /backend-api/conversation``: grow the tree and stream the fake model's reply.

The request is validated and the tree updated before the first byte is sent, as the web app
expects: ``next`` adds a user node under ``parent_message_id`` (an edit is a ``next`` from the
edited message's parent, so it makes a sibling), ``variant`` adds another assistant child to
the repeated user message, ``continue`` adds an assistant node under the cut-off reply. The
assistant node is in the mapping from the start and is finalised as the stream ends, however
it ends (finished, dropped, cut short, or the client went away).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio.lowlevel import checkpoint
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from tui.demo import bodies, model, nodes, wire
from tui.demo.faults import STREAM_FAULTS, DemoConfig, Faults
from tui.demo.history_state import DemoState
from tui.demo.nodes import Json
from tui.demo.seed_records import Record

ACTIONS = ("next", "variant", "continue")
SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"}
_DROP_LOG = "ASGI callable returned without completing response."


class DropConnection(Exception):
    """Raised inside a reply stream to cut the connection without finishing the body."""


class _QuietDrops(logging.Filter):
    """uvicorn logs an error when a response is left unfinished; ours are deliberate."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _DROP_LOG


def install_log_filter() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, _QuietDrops) for existing in logger.filters):
        logger.addFilter(_QuietDrops())


class SseResponse(Response):
    """Streams a reply and notices when the client hangs up (to free the one-stream slot)."""

    def __init__(self, body: AsyncIterator[bytes], on_close: Callable[[], None]) -> None:
        # Not Response.__init__: it would declare ``content-length: 0`` for the empty body.
        self.status_code = 200
        self.background = None
        self.raw_headers = [(key.encode(), value.encode()) for key, value in SSE_HEADERS.items()]
        self.chunks = body
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        try:
            async with anyio.create_task_group() as group:

                async def watch_disconnect() -> None:
                    while (await receive())["type"] != "http.disconnect":
                        pass
                    group.cancel_scope.cancel()

                group.start_soon(watch_disconnect)
                try:
                    async for chunk in self.chunks:
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                except DropConnection:
                    pass  # returning unfinished makes uvicorn close the socket mid-body
                finally:
                    group.cancel_scope.cancel()
        finally:
            with anyio.CancelScope(shield=True):
                await self.chunks.aclose()  # type: ignore[attr-defined]
            self.on_close()


def _error(status: int, body: Json) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def _prompt(messages: list[Any]) -> tuple[str, str | None, Json]:
    """(text, id, content) of the first message the client sent."""
    first: Json = messages[0] if messages and isinstance(messages[0], dict) else {}
    raw = first.get("content")
    content: Json = raw if isinstance(raw, dict) else {}
    parts = content.get("parts") or [""]
    text = "\n".join(part for part in parts if isinstance(part, str))
    msg_id = first.get("id") if isinstance(first.get("id"), str) else None
    return text, msg_id, content or nodes.text_content(text)


@dataclass
class Turn:
    """Everything one send needs while it streams."""

    record: Record
    assistant: Json
    user_echo: Json | None
    reply: model.Reply
    new_chat: bool
    prompt: str
    fault: str | None
    owner: object = field(default_factory=object)
    stall: Callable[[], Awaitable[None]] | None = None
    """Waits until the demo's stalls are released (``stall_mid_stream``)."""


def plan(state: DemoState, body: Json) -> Turn | JSONResponse:
    """Validate the send and update the tree; an error response if it cannot be done."""
    for key in ("action", "model", "parent_message_id"):
        if key not in body or body[key] is None:
            return _error(422, bodies.missing_field(key))
    action = body["action"]
    if action not in ACTIONS:
        detail = {
            "loc": ["body", "action"],
            "type": "type_error.enum",
            "msg": "value is not a valid enumeration member; "
            "permitted: 'next', 'variant', 'continue'",
        }
        return _error(422, {"detail": [detail]})
    messages = body.get("messages") or []
    if action != "continue" and not messages:
        return _error(422, bodies.missing_field("messages"))
    parent_id = str(body["parent_message_id"])
    model_slug = str(body["model"])
    conv_id = body.get("conversation_id")
    now = state.now()
    new_chat = not conv_id
    if new_chat:
        if action != "next":
            return _error(404, bodies.CONVERSATION_NOT_FOUND)
        record = Record(
            id=state.new_id(),
            title="New chat",
            create_time=now,
            update_time=now,
            model_slug=model_slug,
            is_temporary=bool(body.get("history_and_training_disabled")),
            mapping={},
        )
        tree = record.ensure_tree()
        # The client's parent id becomes the (message-less) root; the server adds the hidden
        # system message under it and hangs the prompt from that.
        nodes.add_node(tree, parent_id, None, None)
        system_id = state.new_id()
        nodes.add_node(tree, system_id, nodes.hidden_system(system_id), parent_id)
        parent_id = system_id
        state.add(record)
    else:
        found = state.get(str(conv_id))
        if found is None:
            return _error(404, bodies.CONVERSATION_NOT_FOUND)
        record = found
    with state.lock:
        tree = record.ensure_tree()
        text, user_id, content = _prompt(messages)
        # A regeneration hangs from the repeated user message; everything else from the parent.
        if parent_id not in tree and not (action == "variant" and user_id in tree):
            missing = f"Message {parent_id} not found in conversation {record.id}"
            return _error(404, {"detail": missing})
        user_echo: Json | None = None
        if action == "continue":
            previous = tree[parent_id]["message"] or {}
            previous_text = "".join(
                part
                for part in previous.get("content", {}).get("parts", [])
                if isinstance(part, str)
            )
            reply = model.continuation_for(previous_text, record.remainders.pop(parent_id, None))
            reply_parent, message_type = parent_id, "continue"
        elif action == "variant" and user_id in tree:
            reply_parent, message_type = str(user_id), "variant"
            count = len(tree[reply_parent]["children"])
            reply = model.reply_for(text, salt=str(count))
            user_echo = tree[reply_parent]["message"]
        else:
            user_id = user_id if user_id and user_id not in tree else state.new_id()
            user_echo = nodes.message(
                user_id,
                "user",
                content,
                create_time=now,
                metadata={"timestamp_": "absolute", "message_type": None},
            )
            nodes.add_node(tree, user_id, user_echo, parent_id)
            reply_parent, message_type = user_id, action if action == "variant" else "next"
            reply = model.reply_for(text)
        assistant = nodes.assistant_message(
            state.new_id(),
            "",
            state.now(),
            parent_id=reply_parent,
            model_slug=model_slug,
            message_type=message_type,
        )
        nodes.add_node(tree, assistant["id"], wire.in_progress(assistant, ""), reply_parent)
        record.current_node = assistant["id"]
        record.update_time = state.now()
    return Turn(record, assistant, user_echo, reply, new_chat, text, None)


def _commit(state: DemoState, turn: Turn, text: str, finish: str | None) -> None:
    """Store the reply as it ended: ``finish`` None means it was interrupted."""
    with state.lock:
        tree = turn.record.ensure_tree()
        node = tree.get(turn.assistant["id"])
        if node is None:
            return
        if finish is None:
            msg = wire.finished(turn.assistant, text, "interrupted")
            msg["status"] = "finished_partial_completion"
            msg["end_turn"] = False
        else:
            msg = wire.finished(turn.assistant, text, finish)
            if finish == "max_tokens" and turn.reply.remainder:
                turn.record.remainders[turn.assistant["id"]] = turn.reply.remainder
        node["message"] = msg


def _drop_assistant(state: DemoState, turn: Turn) -> None:
    with state.lock:
        tree = turn.record.ensure_tree()
        node = tree.pop(turn.assistant["id"], None)
        if node and node["parent"] in tree:
            tree[node["parent"]]["children"].remove(turn.assistant["id"])
            turn.record.current_node = node["parent"]


async def stream(
    state: DemoState, config: DemoConfig, turn: Turn, v1: bool
) -> AsyncIterator[bytes]:
    """The reply's frames in the chosen wire format, with any armed stream fault applied."""
    record, conv_id = turn.record, turn.record.id
    chunks = turn.reply.chunks
    text = ""
    committed = False
    index = 0
    try:
        if v1:
            yield wire.V1_HEADER
        if turn.user_echo is not None:
            yield (
                wire.v1_add(turn.user_echo, conv_id, index)
                if v1
                else wire.data(wire.envelope(turn.user_echo, conv_id))
            )
            index += 1
        if turn.fault == "error_in_stream":
            _drop_assistant(state, turn)
            committed = True
            state.end_stream(turn.owner)
            yield wire.data(wire.envelope(None, conv_id, bodies.UNUSUAL_ACTIVITY))
            yield wire.DONE
            return
        start = wire.in_progress(turn.assistant, "")
        yield wire.v1_add(start, conv_id, index) if v1 else wire.data(wire.envelope(start, conv_id))
        for position, chunk in enumerate(chunks):
            await state.gate.passage()  # at once unless a test holds the reply here
            if config.pace > 0 and position > 0:
                await anyio.sleep(config.pace)
            elif position % 50 == 0:
                await checkpoint()  # let other requests in even when pace is 0
            if turn.fault == "drop_mid_stream" and position == max(1, len(chunks) // 3):
                raise DropConnection
            if turn.fault == "stream_ends_early" and position == max(1, len(chunks) // 2):
                _commit(state, turn, text, None)
                committed = True
                state.end_stream(turn.owner)
                yield wire.DONE
                return
            if turn.fault == "stream_without_done" and position == max(1, len(chunks) // 2):
                return  # the response ends cleanly, mid-reply: no finish, no [DONE]
            stall = turn.stall if turn.fault == "stall_mid_stream" else None
            if stall is not None and position == max(1, len(chunks) // 3):
                await stall()
            text += chunk
            last = position == len(chunks) - 1
            if v1 and last:
                yield wire.v1_finish(chunk, turn.reply.finish)
            elif v1:
                yield wire.v1_first_append(chunk) if position == 0 else wire.v1_append(chunk)
            else:
                snap = (
                    wire.finished(turn.assistant, text, turn.reply.finish)
                    if last
                    else wire.in_progress(turn.assistant, text)
                )
                yield wire.data(wire.envelope(snap, conv_id))
        _commit(state, turn, text, turn.reply.finish)
        committed = True
        title = model.title_for(turn.prompt) if turn.new_chat and v1 else None
        if title is not None:
            with state.lock:
                record.title = title
        # Free the slot before the last frames: a client that sends again as soon as it reads
        # [DONE] must not race the server's bookkeeping into a 429.
        state.end_stream(turn.owner)
        if v1:
            if title is not None:
                yield wire.title_generation(title, conv_id)
            yield wire.stream_complete(conv_id)
        else:
            message_id = str(turn.assistant["id"])
            yield wire.data(wire.moderation(conv_id, message_id, "modr-" + state.new_id()[:28]))
        yield wire.DONE
    finally:
        if not committed:
            _commit(state, turn, text, None)
        state.end_stream(turn.owner)


async def handle(state: DemoState, faults: Faults, config: DemoConfig, body: Any) -> Response:
    """The whole send: busy check, plan, then the streaming response."""
    if not isinstance(body, dict):
        return _error(422, bodies.bad_json("Expecting value: line 1 column 1 (char 0)"))
    owner = object()
    if not state.try_begin_stream(owner):
        return _error(429, bodies.CONCURRENT)
    try:
        planned = plan(state, body)
    except Exception:
        state.end_stream(owner)
        raise
    if isinstance(planned, JSONResponse):
        state.end_stream(owner)
        return planned
    planned.owner = owner
    planned.fault = faults.take("send", STREAM_FAULTS)
    planned.stall = faults.stall
    wants_v1 = "v1" in (body.get("supported_encodings") or [])
    v1 = config.wire == "v1" or (config.wire == "auto" and wants_v1)
    return SseResponse(stream(state, config, planned, v1), lambda: state.end_stream(owner))
