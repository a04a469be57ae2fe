"""The demo server's routes: every backend-api endpoint the client uses, plus ``/_demo`` controls.

Every route goes through :meth:`DemoApi.guard`, which records the request, adds the configured
latency, checks the bearer token and fires any armed status fault, in that order, so tests see
each request in ``state.requests`` whether or not it succeeded.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from tui.demo import bodies, model, send, shapes, shares
from tui.demo.faults import (
    DROP_FAULTS,
    SHAPE_FAULTS,
    STALL,
    STATUS_FAULTS,
    WIRES,
    DemoConfig,
    Faults,
)
from tui.demo.history_state import DemoState, RecordedRequest
from tui.demo.seed import payload_once
from tui.demo.server_search import search_page

Handler = Callable[[Request, Any], Awaitable[Response]]
_NO_BODY = object()
"""Marks a request whose body was not valid JSON."""


def fault_response(name: str) -> Response:
    """The response an armed status fault replaces the real one with."""
    if name == "rate_limit_concurrent":
        return JSONResponse(bodies.CONCURRENT, status_code=429)
    if name == "rate_limit_model_cap":
        return JSONResponse(bodies.MODEL_CAP, status_code=429)
    if name == "rate_limit_plain":
        return JSONResponse(bodies.PLAIN_RATE_LIMIT, status_code=429, headers={"Retry-After": "2"})
    if name == "server_500":
        return PlainTextResponse("Internal Server Error", status_code=500)
    if name == "bad_gateway_502":
        return HTMLResponse(bodies.gateway_html(502, "Bad Gateway"), status_code=502)
    if name == "unavailable_503":
        return HTMLResponse(
            bodies.gateway_html(503, "Service Temporarily Unavailable"), status_code=503
        )
    if name == "expired_401":
        return JSONResponse(bodies.TOKEN_EXPIRED, status_code=401)
    if name == "forbidden_html_403":
        return HTMLResponse(bodies.CLOUDFLARE_403, status_code=403)
    if name == "too_long_413":
        return JSONResponse(bodies.TOO_LONG, status_code=413)
    raise ValueError(name)


class HalfResponse(Response):
    """Sends the status, the headers and half the body of ``whole``, then drops the connection.

    Returning from the ASGI call with the body unfinished makes uvicorn close the socket, so
    the client sees what a dropped connection looks like: a body shorter than announced.
    """

    def __init__(self, whole: Response) -> None:
        self.status_code = whole.status_code
        self.background = None
        self.raw_headers = whole.raw_headers
        self.body = bytes(whole.body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = {"type": "http.response.start", "status": self.status_code}
        await send({**start, "headers": self.raw_headers})
        half = self.body[: len(self.body) // 2]
        await send({"type": "http.response.body", "body": half, "more_body": True})


def _kind(method: str, path: str) -> str:
    if method == "GET":
        return "read"
    return "send" if method == "POST" and path == "/backend-api/conversation" else "write"


class DemoApi:
    """Route handlers bound to one state, fault set and config."""

    def __init__(self, state: DemoState, faults: Faults, config: DemoConfig, token: str) -> None:
        self.state = state
        self.faults = faults
        self.config = config
        self.token = token

    def guard(
        self, handler: Handler, *, control: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            body: Any = None
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = _NO_BODY
            path = request.url.path
            if not control:
                recorded = raw.decode("utf-8", "replace") if body is _NO_BODY else body
                self.state.record_request(
                    RecordedRequest(request.method, path, dict(request.query_params), recorded)
                )
                if self.faults.latency > 0:
                    await anyio.sleep(self.faults.latency)
                hold = self.faults.take_hold(_kind(request.method, path))
                if hold is not None:
                    await anyio.to_thread.run_sync(hold.wait)
            if request.headers.get("authorization") != f"Bearer {self.token}":
                return JSONResponse(bodies.TOKEN_EXPIRED, status_code=401)
            if control:
                return await handler(request, body)
            kind = _kind(request.method, path)
            fault = self.faults.take(kind, STATUS_FAULTS)
            if fault is not None:
                return fault_response(fault)
            if self.faults.take(kind, (STALL,)) is not None:
                await self.faults.stall()
            canned, reply = self.faults.take_json(kind, path)
            if canned:
                return JSONResponse(reply)
            if kind != "send" and self.faults.take(kind, ("error_body",)) is not None:
                return JSONResponse(shapes.ERROR_BODY)  # in place of the work, not after it
            if body is _NO_BODY:
                return JSONResponse(
                    bodies.bad_json("Expecting value: line 1 column 1 (char 0)"), 422
                )
            kind = _kind(request.method, path)
            if not control and kind != "send" and self.faults.take(kind, DROP_FAULTS):
                return HalfResponse(await handler(request, body))
            response = await handler(request, body)
            shape = self.faults.take(kind, SHAPE_FAULTS) if kind != "send" else None
            return response if shape is None else shapes.apply(shape, path, response)

        return endpoint

    # -- account and settings ---------------------------------------------------------------

    async def check(self, request: Request, body: Any) -> Response:
        return JSONResponse(bodies.accounts_check())

    async def check_v4(self, request: Request, body: Any) -> Response:
        return JSONResponse(bodies.accounts_check_v4())

    async def models(self, request: Request, body: Any) -> Response:
        return JSONResponse(bodies.models())

    async def beta_features(self, request: Request, body: Any) -> Response:
        return JSONResponse(bodies.BETA_FEATURES)

    async def conversation_limit(self, request: Request, body: Any) -> Response:
        return JSONResponse(bodies.CONVERSATION_LIMIT)

    async def data_export(self, request: Request, body: Any) -> Response:
        return JSONResponse({"status": "queued"})

    # -- lists ------------------------------------------------------------------------------

    async def conversations(self, request: Request, body: Any) -> Response:
        query = request.query_params
        numbers: dict[str, int] = {}
        for name, default, maximum in (("offset", 0, None), ("limit", 20, 100)):
            raw = query.get(name)
            try:
                value = default if raw is None else int(raw)
            except ValueError:
                return JSONResponse(
                    bodies.bad_query(name, "value is not a valid integer", "type_error.integer"),
                    422,
                )
            if value < 0:
                detail = bodies.bad_query(
                    name,
                    "ensure this value is greater than or equal to 0",
                    "value_error.number.not_ge",
                    {"limit_value": 0},
                )
                return JSONResponse(detail, 422)
            if maximum is not None and value > maximum:
                detail = bodies.bad_query(
                    name,
                    f"ensure this value is less than or equal to {maximum}",
                    "value_error.number.not_le",
                    {"limit_value": maximum},
                )
                return JSONResponse(detail, 422)
            numbers[name] = value
        archived = query.get("is_archived", "false").lower() == "true"
        rows = self.state.listing(archived=archived)
        offset, limit = numbers["offset"], numbers["limit"]
        return JSONResponse(
            {
                "items": [record.list_item() for record in rows[offset : offset + limit]],
                "total": len(rows),
                "limit": limit,
                "offset": offset,
                "has_missing_conversations": False,
            }
        )

    async def search(self, request: Request, body: Any) -> Response:
        query = request.query_params.get("query", "")
        cursor = request.query_params.get("cursor", "")
        return JSONResponse(search_page(self.state, query, cursor))

    async def shared(self, request: Request, body: Any) -> Response:
        items = self.state.visible_shares()
        return JSONResponse(
            {
                "items": items,
                "total": len(items),
                "limit": 50,
                "offset": 0,
                "has_missing_conversations": False,
            }
        )

    async def share_create(self, request: Request, body: Any) -> Response:
        status, answer = shares.create(self.state, body)
        return JSONResponse(answer, status)

    async def share_update(self, request: Request, body: Any) -> Response:
        status, answer = shares.update(self.state, request.path_params["share_id"], body)
        return JSONResponse(answer, status)

    async def share_delete(self, request: Request, body: Any) -> Response:
        status, answer = shares.delete(self.state, request.path_params["share_id"])
        return JSONResponse(answer, status)

    # -- one conversation -------------------------------------------------------------------

    async def get_conversation(self, request: Request, body: Any) -> Response:
        conv_id = request.path_params["conv_id"]
        record = self.state.get(conv_id)
        if record is None:
            return JSONResponse({"detail": f"Can't load conversation {conv_id}"}, 404)
        with self.state.lock:  # rendered here, so a stream cannot change the tree mid-dump
            return JSONResponse(payload_once(record))

    async def patch_conversation(self, request: Request, body: Any) -> Response:
        record = self.state.get(request.path_params["conv_id"])
        if record is None:
            return JSONResponse(bodies.CONVERSATION_NOT_FOUND, 404)
        if not isinstance(body, dict):
            return JSONResponse(bodies.missing_field("is_visible"), 422)
        with self.state.lock:
            if body.get("is_visible") is False:
                record.is_visible = False
            if isinstance(body.get("title"), str):
                record.title = body["title"]
            if isinstance(body.get("is_archived"), bool):
                record.is_archived = body["is_archived"]
        return JSONResponse({"success": True})

    async def patch_all(self, request: Request, body: Any) -> Response:
        if isinstance(body, dict) and body.get("is_visible") is False:
            self.state.hide_all()
        return JSONResponse({"success": True})

    async def gen_title(self, request: Request, body: Any) -> Response:
        record = self.state.get(request.path_params["conv_id"])
        if record is None:
            return JSONResponse(bodies.CONVERSATION_NOT_FOUND, 404)
        if not isinstance(body, dict) or "message_id" not in body:
            return JSONResponse(bodies.missing_field("message_id"), 422)
        with self.state.lock:
            if record.title != "New chat":
                message = f"Conversation {record.id} already has title '{record.title}'"
                return JSONResponse({"message": message})
            record.title = model.title_for(_first_prompt(record, body.get("message_id")))
            return JSONResponse({"title": record.title})

    async def send(self, request: Request, body: Any) -> Response:
        return await send.handle(self.state, self.faults, self.config, body)

    # -- /_demo controls --------------------------------------------------------------------

    async def control_faults(self, request: Request, body: Any) -> Response:
        body = body if isinstance(body, dict) else {}
        name = body.get("name")
        try:
            if body.get("clear"):
                self.faults.clear()
            elif name == "latency":
                self.faults.latency = float(body.get("seconds", body.get("value", 0.0)))
            elif isinstance(name, str):
                self.faults.arm(name, int(body.get("times", 1)), on=str(body.get("on", "any")))
        except (TypeError, ValueError) as error:
            return JSONResponse({"detail": str(error)}, 422)
        return JSONResponse({"armed": self.faults.armed(), "latency": self.faults.latency})

    async def control_config(self, request: Request, body: Any) -> Response:
        body = body if isinstance(body, dict) else {}
        wire = body.get("wire", self.config.wire)
        pace = body.get("pace", self.config.pace)
        if wire not in WIRES or not isinstance(pace, int | float) or pace < 0:
            return JSONResponse({"detail": "wire must be auto|classic|v1 and pace >= 0"}, 422)
        self.config.wire, self.config.pace = wire, float(pace)
        return JSONResponse(asdict(self.config))

    async def control_requests(self, request: Request, body: Any) -> Response:
        with self.state.lock:
            return JSONResponse([asdict(item) for item in self.state.requests])


def _first_prompt(record: Any, message_id: Any) -> str:
    """The first user prompt on the thread that ends at ``message_id`` (or the current node)."""
    tree = record.ensure_tree()
    node_id = message_id if message_id in tree else record.current_node
    prompt = ""
    seen: set[str] = set()
    while node_id in tree and node_id not in seen:
        seen.add(node_id)
        node = tree[node_id]
        msg = node.get("message") or {}
        if msg.get("author", {}).get("role") == "user":
            parts = msg.get("content", {}).get("parts") or []
            prompt = "\n".join(part for part in parts if isinstance(part, str))
        node_id = node.get("parent")
    return prompt


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = "Not Found" if status == 404 else "Method Not Allowed" if status == 405 else "Error"
    return JSONResponse({"detail": detail}, status_code=status)


def build_app(
    state: DemoState, faults: Faults, config: DemoConfig, token: str, reset: Callable[[], None]
) -> Starlette:
    """The ASGI app for one demo server."""
    api = DemoApi(state, faults, config, token)

    async def control_reset(request: Request, body: Any) -> Response:
        reset()
        return JSONResponse({"success": True})

    g = api.guard
    b = "/backend-api"
    routes: list[Route] = [
        Route(f"{b}/accounts/check", g(api.check)),
        Route(f"{b}/accounts/check/v4-2023-04-27", g(api.check_v4)),
        Route(f"{b}/models", g(api.models)),
        Route(f"{b}/settings/beta_features", g(api.beta_features)),
        Route("/public-api/conversation_limit", g(api.conversation_limit)),
        Route(f"{b}/conversations", g(api.conversations), methods=["GET"]),
        Route(f"{b}/conversations/search", g(api.search), methods=["GET"]),
        Route(f"{b}/conversations", g(api.patch_all), methods=["PATCH"]),
        Route(f"{b}/conversation", g(api.send), methods=["POST"]),
        Route(f"{b}/conversation/gen_title/{{conv_id}}", g(api.gen_title), methods=["POST"]),
        Route(f"{b}/conversation/{{conv_id}}", g(api.get_conversation), methods=["GET"]),
        Route(f"{b}/conversation/{{conv_id}}", g(api.patch_conversation), methods=["PATCH"]),
        Route(f"{b}/shared_conversations", g(api.shared)),
        Route(f"{b}/share/create", g(api.share_create), methods=["POST"]),
        Route(f"{b}/share/{{share_id}}", g(api.share_update), methods=["PATCH"]),
        Route(f"{b}/share/{{share_id}}", g(api.share_delete), methods=["DELETE"]),
        Route(f"{b}/accounts/data_export", g(api.data_export), methods=["POST"]),
        Route("/_demo/faults", g(api.control_faults, control=True), methods=["POST"]),
        Route("/_demo/config", g(api.control_config, control=True), methods=["POST"]),
        Route("/_demo/reset", g(control_reset, control=True), methods=["POST"]),
        Route("/_demo/requests", g(api.control_requests, control=True), methods=["GET"]),
    ]
    return Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_found})
