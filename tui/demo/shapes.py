"""The shape faults: a real JSON reply changed into one a client must survive.

``bad_records``: one list row without an id and one with a number as its title; in a
conversation, one message whose content is a bare string and one whose role is a number.
``broken_tree``: the node above the current one is cut out of the mapping, leaving its parent
pointing at a missing child and the current node orphaned (seen in real exports).
``truncated_body``: the reply stops halfway through its declared length (the connection closes).
``error_body``: HTTP 200 with an error object where the data belongs (the request is not
carried out; :mod:`tui.demo.routes` answers it before the handler runs).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

ERROR_BODY = {"detail": "Something went wrong, please try again later."}
"""What ``error_body`` answers (a shape real proxies have sent with status 200)."""


def apply(fault: str, path: str, response: Response) -> Response:
    """``response`` with ``fault`` applied (unchanged when the fault does not fit the reply)."""
    if response.status_code != 200:
        return response
    if fault == "error_body":
        return JSONResponse(ERROR_BODY)
    if fault == "truncated_body":
        return TruncatedResponse(bytes(response.body))
    try:
        data = json.loads(bytes(response.body))
    except ValueError:
        return response
    if fault == "bad_records":
        data = bad_records(data)
    elif fault == "broken_tree":
        data = broken_tree(data)
    return JSONResponse(data)


def bad_records(data: Any) -> Any:
    """Spoil two list rows or two messages; the rest stays as it was."""
    if not isinstance(data, dict):
        return data
    rows = data.get("items")
    if isinstance(rows, list) and len(rows) >= 2:
        rows = [dict(row) if isinstance(row, dict) else row for row in rows]
        rows[0].pop("id", None)
        rows[1]["title"] = 404
        return {**data, "items": rows}
    mapping = data.get("mapping")
    if isinstance(mapping, dict):
        spoiled = 0
        mapping = {key: dict(node) for key, node in mapping.items()}
        for node in mapping.values():
            message = node.get("message")
            if not isinstance(message, dict) or spoiled >= 2:
                continue
            message = dict(message)
            role = (message.get("author") or {}).get("role")
            if spoiled == 0 and role == "user":
                parts = (message.get("content") or {}).get("parts") or []
                message["content"] = " ".join(part for part in parts if isinstance(part, str))
                spoiled += 1
            elif spoiled == 1 and role == "assistant":
                message["author"] = {**message["author"], "role": 7}
                spoiled += 1
            node["message"] = message
        return {**data, "mapping": mapping}
    return data


def broken_tree(data: Any) -> Any:
    """Cut the current node's parent out of the mapping (if it has a parent that is not root)."""
    if not isinstance(data, dict) or not isinstance(data.get("mapping"), dict):
        return data
    mapping = dict(data["mapping"])
    current = mapping.get(data.get("current_node") or "")
    parent_id = current.get("parent") if isinstance(current, dict) else None
    parent = mapping.get(parent_id or "")
    if not isinstance(parent, dict) or parent.get("parent") is None:
        return data
    del mapping[parent_id]
    return {**data, "mapping": mapping}


class TruncatedResponse(Response):
    """Declares the whole body's length, sends half of it, and leaves the response unfinished.

    uvicorn then closes the connection (its "returned without completing" log line is one the
    demo filters out, see :func:`tui.demo.send.install_log_filter`).
    """

    def __init__(self, body: bytes) -> None:
        super().__init__(body, media_type="application/json")
        self.whole = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(self.whole)).encode()),
                ],
            }
        )
        half = self.whole[: max(1, len(self.whole) // 2)]
        await send({"type": "http.response.body", "body": half, "more_body": True})
