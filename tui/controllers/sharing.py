"""Links back to the web: the conversation's own link, and share links made from the app.

:func:`web_link` is the address of a conversation in the web app (only its owner can open it);
:class:`Sharing` makes a public share link of the open conversation the way the web app does
(``POST /share/create``, then ``PATCH /share/{id}`` to publish it, docs/PROTOCOL.md) and posts
:class:`~tui.controllers.messages.Copied` so the screen puts it on the clipboard. Revoking a link
happens in the account dialog, through :meth:`Sharing.revoke`.
"""

from __future__ import annotations

from urllib.parse import quote

from tui.api.client import BackendClient
from tui.api.errors import ApiError
from tui.config import DEFAULT_WEB_URL
from tui.controllers.host import Host
from tui.controllers.messages import Copied, ErrorNotice, Notice
from tui.conversation.session import OpenConversation

NOTHING_OPEN = "Open a conversation to share it."
"""Said when the share key is pressed with no conversation open."""

SHARING = "Creating a share link…"
"""Said while the two requests run."""


def web_link(conversation_id: str, web_url: str = DEFAULT_WEB_URL) -> str:
    """``https://chatgpt.com/c/<id>``: the conversation in the web app at ``web_url``."""
    return f"{web_url.rstrip('/')}/c/{quote(conversation_id, safe='')}"


def share_link(share_id: str, web_url: str = DEFAULT_WEB_URL) -> str:
    """``https://chatgpt.com/share/<id>``: a share's public page at ``web_url``."""
    return f"{web_url.rstrip('/')}/share/{quote(share_id, safe='')}"


class Sharing:
    """Copies a conversation's web link, and makes (or revokes) share links."""

    def __init__(
        self, host: Host, client: BackendClient, *, web_url: str = DEFAULT_WEB_URL
    ) -> None:
        self.host = host
        self.client = client
        """The API client (its token may change after a sign-in: read it each time)."""
        self.web_url = web_url
        """The web app's address (the ``web_url`` setting): a proxy serves only the API."""

    def copy_web_link(self, conversation_id: str) -> None:
        """Put the conversation's web link on the clipboard."""
        link = web_link(conversation_id, self.web_url)
        self.host.post(Copied(link, f"Copied the web link: {link}"))

    def share(self, session: OpenConversation | None) -> None:
        """Share the shown branch of ``session`` publicly and copy the link (in a worker)."""
        if session is None or not session.leaf_id:
            self.host.post(Notice(NOTHING_OPEN))
            return
        conversation_id, leaf_id, title = session.id, session.leaf_id, session.title

        async def run() -> None:
            try:
                share = await self.client.share_conversation(conversation_id, leaf_id, title)
            except ApiError as error:
                self.host.post(ErrorNotice("Sharing failed", error))
                return
            # The server's own link when it gives one: it knows where its shares live.
            link = share.share_url or share_link(share.share_id, self.web_url)
            again = " (shared before: same link)" if share.already_exists else ""
            self.host.post(Copied(link, f"Copied the share link{again}: {link}"))

        self.host.post(Notice(SHARING, timeout=2))
        self.host.run(run(), group="share", exclusive=True)

    async def revoke(self, share_id: str) -> None:
        """Delete a share link (raises the client's error; the account dialog shows it)."""
        await self.client.delete_share(share_id)
