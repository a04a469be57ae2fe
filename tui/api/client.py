"""The typed async client of the backend-api: one connection pool, typed replies, typed errors.

Every call goes through one ``httpx.AsyncClient`` so the TCP (and TLS) connection to the proxy
is reused. Ordinary calls have a whole-request deadline; the reply stream has no read timeout,
because a model that thinks for a minute sends nothing for a minute (docs/TEXTUAL-NOTES.md §4).
Only GETs are retried; a POST may already have started a reply on the server.

httpx (and :mod:`tui.api.transport`, built on it) is imported when the first request is made,
not when this module is: the app builds its client before its first frame, and that frame
(the stored list) needs no network (bench/app_startup_store.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import quote

from tui.api.endpoints import (
    AccountStatus,
    ActionResult,
    BetaFeatures,
    ConversationLimit,
    DataExportStatus,
    ModelList,
    SendResult,
    ShareCreated,
    SharedLinkPage,
    TitleResult,
)
from tui.api.error_body import sanitize
from tui.api.errors import MalformedResponseError, NetworkError
from tui.api.events import EventKind, StreamEvent
from tui.api.models import Conversation, ConversationPage
from tui.api.request_bodies import Action, build_conversation_body, new_message_id
from tui.api.search_models import SearchPage
from tui.api.secret import Secret
from tui.api.settings import ApiSettings

if TYPE_CHECKING:
    from tui.api.transport import ModelT, Transport

__all__ = ["Action", "BackendClient", "new_message_id"]


class BackendClient:
    """Async client of one backend-api. Use ``async with BackendClient(settings) as client:``."""

    def __init__(self, settings: ApiSettings) -> None:
        self._settings = settings
        self._made: Transport | None = None
        """The connection pool, made by the first request (see the module's docstring)."""

    @property
    def _transport(self) -> Transport:
        if self._made is None:
            from tui.api.transport import Transport

            self._made = Transport(self._settings)
        return self._made

    @classmethod
    def from_env(cls, **kwargs: Any) -> BackendClient:
        """A client from :meth:`ApiSettings.from_env` (same arguments)."""
        return cls(ApiSettings.from_env(**kwargs))

    @property
    def settings(self) -> ApiSettings:
        return self._made.settings if self._made is not None else self._settings

    def set_token(self, token: str | Secret) -> None:
        """Use a new access token from the next request on (after the user signs in again)."""
        self._settings = self._settings.replace(token=Secret.of(token))
        if self._made is not None:
            self._made.set_token(token)

    async def aclose(self) -> None:
        if self._made is not None:
            await self._made.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"BackendClient({self.settings.backend_url!r})"

    def _backend(self, path: str) -> str:
        return f"{self.settings.backend_url}/{path}"

    async def _get(
        self, model: type[ModelT], url: str, params: Mapping[str, str] | None = None
    ) -> ModelT:
        return validate(model, await self._transport.call("GET", url, params=params), url)

    async def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET any backend-api path (``files/<id>/download``...) and return the raw JSON.

        For endpoints this client does not wrap; same retries and errors as the others.
        """
        return await self._transport.call("GET", self._backend(path.lstrip("/")), params=params)

    # -- endpoints ------------------------------------------------------------------------------

    async def account_status(self) -> AccountStatus:
        """``GET /accounts/check`` (the 2023 form), as the normalised view."""
        url = self._backend("accounts/check")
        return AccountStatus.from_legacy(require_dict(await self._transport.call("GET", url), url))

    async def account_status_v4(self) -> AccountStatus:
        """``GET /accounts/check/v4-2023-04-27`` (what the web app calls), normalised."""
        url = self._backend("accounts/check/v4-2023-04-27")
        return AccountStatus.from_v4(require_dict(await self._transport.call("GET", url), url))

    async def models(self, history_and_training_disabled: bool = False) -> ModelList:
        """``GET /models``: the models this account may use."""
        flag = "true" if history_and_training_disabled else "false"
        return await self._get(
            ModelList, self._backend("models"), {"history_and_training_disabled": flag}
        )

    async def beta_features(self) -> BetaFeatures:
        """``GET /settings/beta_features``."""
        return await self._get(BetaFeatures, self._backend("settings/beta_features"))

    async def conversation_limit(self) -> ConversationLimit:
        """``GET {root}/public-api/conversation_limit``: the GPT-4 message cap."""
        url = f"{self.settings.base_url}/public-api/conversation_limit"
        return await self._get(ConversationLimit, url)

    async def conversations(
        self,
        offset: int = 0,
        limit: int = 28,
        order: str = "updated",
        is_archived: bool | None = None,
    ) -> ConversationPage:
        """``GET /conversations``: one page of the history (the web app shows 28 a page)."""
        if not 1 <= limit <= 100:
            # The server answers 422 above 100 (docs/PROTOCOL.md §6); say why up front.
            raise ValueError(f"limit must be between 1 and 100, got {limit}")
        if offset < 0:
            raise ValueError(f"offset must not be negative, got {offset}")
        params = {"offset": str(offset), "limit": str(limit), "order": order}
        if is_archived is not None:
            params["is_archived"] = "true" if is_archived else "false"
        url = self._backend("conversations")
        data = await self._transport.call("GET", url, params=params)
        return validate(ConversationPage, _required(data, "items", url), url)

    async def conversation(self, conversation_id: str) -> Conversation:
        """``GET /conversation/{id}``: the whole mapping tree."""
        url = self._conversation_url(conversation_id)
        data = await self._transport.call("GET", url)
        return validate(Conversation, _required(data, "mapping", url), url)

    async def conversation_bytes(self, conversation_id: str) -> bytes:
        """``GET /conversation/{id}`` as the exact bytes the server sent (for the local store).

        Same retries and errors as :meth:`conversation`; a body that is not a JSON object is
        a MalformedResponseError, so what a caller stores always parses.
        """
        url = self._conversation_url(conversation_id)
        body, content_type = await self._transport.call_bytes(url)
        if not _looks_like_object(body):
            raise MalformedResponseError(
                f"The reply from /conversation/{{id}} is not a JSON object "
                f"({sanitize(content_type) or 'no content type'})."
            )
        return body

    async def conversation_and_bytes(self, conversation_id: str) -> tuple[Conversation, bytes]:
        """``GET /conversation/{id}``: the tree, and the exact bytes it was read from (which the
        app keeps in the local store as they came)."""
        url = self._conversation_url(conversation_id)
        body = await self.conversation_bytes(conversation_id)
        try:
            data = json.loads(body)
        except ValueError:
            raise MalformedResponseError(
                "The reply from /conversation/{id} is not valid JSON."
            ) from None
        return validate(Conversation, _required(data, "mapping", url), url), body

    async def search_conversations(self, query: str, cursor: str | None = None) -> SearchPage:
        """``GET /conversations/search``: the server's full-text search, one page at a time.

        Pass the previous page's ``cursor`` for the next one; ``cursor`` None ends the list.
        """
        if not query.strip():
            raise ValueError("a search query cannot be empty")
        params = {"query": query, "cursor": cursor or ""}
        return await self._get(SearchPage, self._backend("conversations/search"), params)

    async def delete_conversation(self, conversation_id: str) -> ActionResult:
        """Soft delete (``PATCH {"is_visible": false}``); the server cannot undo it."""
        return await self._patch(conversation_id, {"is_visible": False})

    async def rename_conversation(self, conversation_id: str, title: str) -> ActionResult:
        """``PATCH {"title": ...}``; the title is trimmed and must not end up empty."""
        cleaned = " ".join(title.split())
        if not cleaned:
            raise ValueError("a conversation title cannot be empty")
        return await self._patch(conversation_id, {"title": cleaned})

    async def set_archived(self, conversation_id: str, archived: bool) -> ActionResult:
        """``PATCH {"is_archived": ...}``: archive or bring back a conversation."""
        return await self._patch(conversation_id, {"is_archived": archived})

    async def shared_links(self, order: str = "created") -> SharedLinkPage:
        """``GET /shared_conversations``: the share links this account made."""
        return await self._get(
            SharedLinkPage, self._backend("shared_conversations"), {"order": order}
        )

    async def create_share(
        self, conversation_id: str, current_node_id: str, *, anonymous: bool = True
    ) -> ShareCreated:
        """``POST /share/create``: a share of the conversation up to ``current_node_id``.

        The share is private until :meth:`update_share` makes it public (the web app's two
        steps, docs/PROTOCOL.md); a conversation shared before gives back its share.
        """
        if not current_node_id:
            raise ValueError("current_node_id is required")
        url = self._backend("share/create")
        body = {
            "conversation_id": _segment(conversation_id),
            "current_node_id": current_node_id,
            "is_anonymous": anonymous,
        }
        return validate(ShareCreated, await self._transport.call("POST", url, body=body), url)

    async def update_share(
        self,
        share_id: str,
        *,
        title: str | None,
        highlighted_message_id: str | None = None,
        public: bool = True,
        anonymous: bool = True,
    ) -> None:
        """``PATCH /share/{id}``: publish the share (``is_public``) under ``title``."""
        url = self._backend(f"share/{_segment(share_id)}")
        body = {
            "share_id": share_id,
            "highlighted_message_id": highlighted_message_id,
            "title": title,
            "is_public": public,
            "is_visible": True,
            "is_anonymous": anonymous,
        }
        # What the server answers varies (the share, or {"success": true}): the status counts.
        await self._transport.respond("PATCH", url, body=body)

    async def delete_share(self, share_id: str) -> None:
        """``DELETE /share/{id}``: the link stops working; the conversation stays."""
        url = self._backend(f"share/{_segment(share_id)}")
        await self._transport.respond("DELETE", url)

    async def share_conversation(
        self, conversation_id: str, current_node_id: str, title: str | None
    ) -> ShareCreated:
        """Create and publish a share in one go (:meth:`create_share`, :meth:`update_share`)."""
        share = await self.create_share(conversation_id, current_node_id)
        await self.update_share(
            share.share_id, title=title or share.title, highlighted_message_id=None
        )
        return share.model_copy(update={"is_public": True})

    async def request_data_export(self) -> DataExportStatus:
        """``POST /accounts/data_export``: the server e-mails the export; status ``queued``."""
        url = self._backend("accounts/data_export")
        return validate(DataExportStatus, await self._transport.call("POST", url), url)

    async def generate_title(self, conversation_id: str, message_id: str) -> TitleResult:
        """``POST /conversation/gen_title/{id}`` for the given assistant message."""
        if not message_id:
            raise ValueError("message_id is required")
        url = self._backend(f"conversation/gen_title/{_segment(conversation_id)}")
        data = await self._transport.call("POST", url, body={"message_id": message_id})
        return validate(TitleResult, data, url)

    def _conversation_url(self, conversation_id: str) -> str:
        return self._backend(f"conversation/{_segment(conversation_id)}")

    async def _patch(self, conversation_id: str, body: dict[str, Any]) -> ActionResult:
        url = self._conversation_url(conversation_id)
        result = validate(ActionResult, await self._transport.call("PATCH", url, body=body), url)
        if not result.success:
            # A 200 without "success": true (an error object, say) did not change anything.
            said = _said(result.model_extra or {})
            raise MalformedResponseError(
                f"The server did not confirm the change{f': {said}' if said else '.'}"
            )
        return result

    # -- the reply stream -----------------------------------------------------------------------

    @staticmethod
    def new_message_id() -> str:
        """A fresh id for a user message (or a new chat's parent)."""
        return new_message_id()

    def send(
        self,
        *,
        action: Action,
        prompt: str | None,
        parent_message_id: str,
        conversation_id: str | None,
        model: str,
        message_id: str | None = None,
        temporary: bool = False,
        supported_encodings: tuple[str, ...] = ("v1",),
        timezone_offset_min: int | None = None,
    ) -> AsyncGenerator[StreamEvent, None]:
        """``POST /conversation`` and the parsed reply stream, one StreamEvent at a time.

        ``next`` sends a new user message (``message_id`` made up when not given) under
        ``parent_message_id``; ``variant`` regenerates: pass the SAME user message's id and
        text, and its parent; ``continue`` extends a reply cut at ``max_tokens`` (parent: that
        reply). ``temporary`` keeps the chat out of history and training.

        The arguments are checked now (ValueError); the request goes out on the first
        iteration. HTTP errors before the stream are raised as ApiError; a connection that
        breaks mid-reply yields one INTERRUPTED event holding the partial text instead. Close
        the generator (``aclose()``, or ``async with contextlib.aclosing(...)``) to stop: the
        HTTP stream is closed at once.
        """
        body = build_conversation_body(
            action=action,
            prompt=prompt,
            parent_message_id=parent_message_id,
            conversation_id=conversation_id,
            model=model,
            message_id=message_id,
            temporary=temporary,
            supported_encodings=supported_encodings,
            timezone_offset_min=timezone_offset_min,
        )
        return self._stream(body)

    async def _stream(self, body: dict[str, Any]) -> AsyncGenerator[StreamEvent, None]:
        # Imported here so `import tui.api` does not pay for httpx_sse or the parser.
        from httpx_sse import aconnect_sse

        from tui.api._httpx import httpx
        from tui.api.stream import StreamParser
        from tui.api.transport import where

        url = self._backend("conversation")
        parser = StreamParser()
        failure: str | None = None
        broken: str | None = None
        started = False
        try:
            async with aconnect_sse(
                self._transport.http, "POST", url, json=body, timeout=self._transport.stream_timeout
            ) as source:
                response = source.response
                self._transport.log("POST", url, response.status_code)
                if not response.is_success:
                    # Checked before aiter_sse(), which raises SSEError on a JSON error body.
                    await response.aread()
                    raise self._transport.error(response)
                content_type = response.headers.get("content-type", "")
                if "text/event-stream" not in content_type:
                    await response.aread()
                    raise MalformedResponseError(
                        "The server answered the message with "
                        f"{sanitize(content_type) or 'no content type'} instead of a reply "
                        "stream.",
                        status=response.status_code,
                    )
                started = True
                try:
                    async with aclosing(source.aiter_sse()) as events:
                        async for sse in events:
                            for event in parser.feed(sse.event, sse.data):
                                yield event
                except httpx.TransportError as exc:
                    broken = type(exc).__name__
        except httpx.TransportError as exc:
            # Once the reply started, a failure (even while closing) only cuts it short.
            if started:
                broken = broken or type(exc).__name__
            else:
                failure = f"Could not reach {where(exc)} ({type(exc).__name__})."
        if failure is not None:
            raise NetworkError(failure)
        if broken is not None:
            self._transport.log("POST", url, f"broken ({broken})")
            yield parser.interrupt(f"The connection broke before the reply finished ({broken}).")
            return
        for event in parser.finish():
            yield event

    async def send_and_collect(
        self,
        prompt: str | None,
        *,
        model: str,
        parent_message_id: str | None = None,
        conversation_id: str | None = None,
        action: Action = "next",
        message_id: str | None = None,
        temporary: bool = False,
        supported_encodings: tuple[str, ...] = ("v1",),
    ) -> SendResult:
        """Send and wait for the whole reply (for scripts). A new chat needs no parent."""
        user_id = message_id or (new_message_id() if action == "next" else None)
        result = SendResult(user_message_id=user_id)
        stream = self.send(
            action=action,
            prompt=prompt,
            parent_message_id=parent_message_id or new_message_id(),
            conversation_id=conversation_id,
            model=model,
            message_id=user_id,
            temporary=temporary,
            supported_encodings=supported_encodings,
        )
        async with aclosing(stream) as events:
            async for event in events:
                _collect(result, event)
        return result


def _collect(result: SendResult, event: StreamEvent) -> None:
    """Fold one stream event into the running result."""
    if event.message_id:
        result.message_id = event.message_id
    if event.conversation_id:
        result.conversation_id = event.conversation_id
    # TEXT events carry only their delta; DONE and INTERRUPTED carry the whole text.
    if event.kind in (EventKind.DONE, EventKind.INTERRUPTED) and event.text:
        result.text = event.text
    if event.kind is EventKind.TITLE and event.title:
        result.title = event.title
    elif event.kind is EventKind.ERROR:
        result.error = event.error or "The server reported an error in the reply stream."
    elif event.kind is EventKind.INTERRUPTED:
        result.interrupted = True
        result.finish_type = event.finish_type or "interrupted"
    elif event.kind is EventKind.DONE:
        result.finish_type = event.finish_type


def _looks_like_object(body: bytes) -> bool:
    """Cheap check that ``body`` is a JSON object (full parsing is the caller's business)."""
    stripped = body.lstrip(b" \t\r\n\xef\xbb\xbf")
    return stripped.startswith(b"{") and body.rstrip().endswith(b"}")


def _required(data: Any, field: str, url: str) -> Any:
    """``data`` if it is an object with ``field``; else the error it stands for.

    A 200 whose body is an error object (``{"detail": ...}``) must not read as an empty list
    or an empty conversation: that would wipe what the reader sees.
    """
    if isinstance(data, dict) and field in data:
        return data
    from tui.api._httpx import httpx

    said = _said(data) if isinstance(data, dict) else ""
    where = httpx.URL(url).path
    raise MalformedResponseError(
        f"The reply from {where} has no {field}{f': the server said “{said}”' if said else '.'}"
    )


def _said(data: Mapping[str, Any]) -> str:
    """The server's own words in an error object (``detail``, ``error`` or ``message``)."""
    for key in ("detail", "error", "message"):
        value = data.get(key)
        if isinstance(value, dict):
            value = value.get("message") or value.get("detail")
        if isinstance(value, str) and value.strip():
            return sanitize(value, limit=200)
    return ""


def _segment(value: str) -> str:
    """One path segment: ids are UUIDs, but quote anyway so no id can change the path."""
    if not value or not value.strip():
        raise ValueError("a conversation id is required")
    return quote(value.strip(), safe="")


# The transport's helpers, imported with it on first use (see the module's docstring).


def validate(model: type[ModelT], data: Any, url: str) -> ModelT:
    from tui.api.transport import validate as checked

    return checked(model, data, url)


def require_dict(data: Any, url: str) -> dict[str, Any]:
    from tui.api.transport import require_dict as checked

    return checked(data, url)
