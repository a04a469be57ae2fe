"""Every message a controller posts to the UI: plain, typed, immutable, no Textual.

A controller decides *what* changed (a page came, a title changed, a reply grew); the host's
handlers decide how it looks. The list, the open conversation, the composer, the live reply and
the notices each have a few messages here; ``docs/ARCHITECTURE.md`` shows where they flow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from tui.api.models import ConversationItem, ConversationPage
from tui.controllers.account_overview import AccountOverview
from tui.conversation.session import OpenConversation
from tui.conversation.tree import VisibleMessage

Severity = Literal["information", "warning", "error"]
"""How loudly a notice is shown."""

ReplyStatus = Literal["done", "max_tokens", "stopped", "interrupted"]
"""How a live reply ended, as its status line says."""


# -- the conversation list ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListRestarted:
    """Forget every row and start the list again from its first page."""

    archived: bool
    """Whether the archived list is the one shown from now on."""


@dataclass(frozen=True, slots=True)
class ListPageLoaded:
    """A page of the list came from the server."""

    page: ConversationPage
    """The page, as the server sent it."""
    archived: bool
    """Which list it belongs to (a late page for the other list is dropped)."""
    loading_all: bool = False
    """Part of loading every page: the progress shown follows it."""


@dataclass(frozen=True, slots=True)
class ListPageFailed:
    """The page asked for did not come (the reason is in an :class:`ErrorNotice`)."""


@dataclass(frozen=True, slots=True)
class ListResumed:
    """Signed in again: fetch again what failed, keeping every row."""


@dataclass(frozen=True, slots=True)
class ListComplete:
    """Every page of the list is loaded (asked for with load-all)."""

    archived: bool
    """Which list was loaded."""


@dataclass(frozen=True, slots=True)
class ConversationTouched:
    """A conversation just changed (a reply, a new chat): show it first in the list."""

    item: ConversationItem
    """Its row, updated."""


@dataclass(frozen=True, slots=True)
class TitleChanged:
    """A conversation's title changed (a rename, its rollback, a generated title)."""

    conversation_id: str
    """The conversation renamed."""
    title: str | None
    """Its title now."""


@dataclass(frozen=True, slots=True)
class ConversationRemoved:
    """Take a conversation's row out of the list (deleted, archived, or gone on the server)."""

    conversation_id: str
    """The conversation whose row goes."""
    undoable: bool = True
    """Whether a :class:`ConversationRestored` may put it back (the server may refuse)."""


@dataclass(frozen=True, slots=True)
class ConversationRestored:
    """Put back a row taken out by an undoable :class:`ConversationRemoved` (server refused)."""

    conversation_id: str
    """The conversation whose row comes back, where it was."""


# -- the open conversation ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConversationShown:
    """Show this conversation on this branch (opened, reloaded, or synced after a reply)."""

    session: OpenConversation
    """The conversation and the branch to show."""
    keep_from: int | None = None
    """Already on screen: only the messages from this position down changed (a reply)."""


@dataclass(frozen=True, slots=True)
class BranchSwitched:
    """Another branch of the open conversation: the messages from ``position`` down change."""

    position: int
    """Index of the first message that changed."""
    messages: Sequence[VisibleMessage]
    """Every visible message of the branch now shown."""


@dataclass(frozen=True, slots=True)
class ConversationClosed:
    """The open conversation was deleted: show none."""


@dataclass(frozen=True, slots=True)
class NewChatStarted:
    """An empty pane for a new chat, the composer ready; the first send creates it."""

    label: str
    """What the title bar says ("New chat", "Temporary chat")."""
    model: str
    """The model the chat will use."""


@dataclass(frozen=True, slots=True)
class TitleBar:
    """What the bar above the messages says."""

    title: str | None
    """The open conversation's title; None when nothing is open."""
    detail: str = ""
    """The dim part after it: message count, model, "archived"."""


# -- the composer ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftShown:
    """Put this text in the composer (another conversation's draft, a prompt given back...)."""

    text: str
    """The composer's whole text from now on."""
    cursor_at_end: bool = False
    """Move the cursor after the text (to go on typing)."""
    focus: bool = False
    """Give the composer the focus."""


@dataclass(frozen=True, slots=True)
class EditingChanged:
    """A prompt is being edited into a new branch, or not any more."""

    editing: bool
    """Whether sending now makes a new branch from an earlier prompt."""


@dataclass(frozen=True, slots=True)
class ActionsChanged:
    """What stop, continue and the like can do may have changed: ask the controller again."""


@dataclass(frozen=True, slots=True)
class ModelsLoaded:
    """The models the account may use, for the new-chat picker."""

    models: Sequence[tuple[str, str, str]]
    """(slug, title, description) of each."""


# -- the live reply ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplyStarted:
    """A request was sent: show the prompt (if any) and an empty live reply under it."""

    reply_id: int
    """Names this reply in the messages that follow."""
    model: str
    """The model writing it."""
    initial_text: str
    """Text already there (a continuation extends the reply before it)."""
    keep_position: int
    """How many visible messages stay above the new ones."""
    thread: Sequence[VisibleMessage] | None
    """The messages kept above, when a conversation is open (None for a new chat)."""
    prompt: VisibleMessage | None
    """The prompt just sent, shown at once (None for regenerate and continue)."""


@dataclass(frozen=True, slots=True)
class ReplyText:
    """The live reply grew (sent once per stream chunk: handled cheaply, rendered per frame)."""

    reply_id: int
    """The reply it belongs to."""
    text: str
    """The new text: appended, or the whole reply when ``replace``."""
    replace: bool = False
    """The server rewrote the reply: ``text`` replaces all of it."""


@dataclass(frozen=True, slots=True)
class ReplyEnded:
    """The stream ended (finished, stopped or broken off): the reply is final on screen."""

    reply_id: int
    """The reply that ended."""
    status: ReplyStatus
    """How it ended."""
    text: str | None = None
    """Its whole text as the server last sent it; None to keep what arrived."""
    reason: str = ""
    """Why it broke off (server words, cleaned), for an interrupted reply."""


@dataclass(frozen=True, slots=True)
class ReplyDropped:
    """Nothing was streamed (the request was refused): show the thread as it was before."""

    reply_id: int
    """The reply that never started."""
    keep_position: int
    """Where the messages shown for the request begin."""
    thread: Sequence[VisibleMessage] | None
    """The open conversation's messages, shown again; None when no conversation is open."""
    clear: bool
    """No conversation is open and a prompt was shown: empty the pane again."""


@dataclass(frozen=True, slots=True)
class ReplyReplaced:
    """The server's copy of the reply shows now (in a :class:`ConversationShown`): drop the live
    one."""

    reply_id: int
    """The live reply to remove."""


@dataclass(frozen=True, slots=True)
class ReplyKept:
    """The server kept nothing of a broken-off reply: show what arrived, below the thread."""

    reply_id: int
    """The live reply whose text and status are shown again."""


@dataclass(frozen=True, slots=True)
class ReplyAway:
    """The chat whose reply streams left the screen (another one is shown): the reply goes on
    in the background; its live view, busy border and stop key leave with it."""

    reply_id: int
    """The live reply no longer on screen."""


@dataclass(frozen=True, slots=True)
class Replying:
    """A conversation's reply started or stopped streaming: its list row says so."""

    conversation_id: str
    """The conversation whose row changes."""
    replying: bool
    """Whether a reply streams into it now."""


# -- notices -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Notice:
    """A short message for the user (done, nothing to do, how to do it)."""

    text: str
    """Plain text, never markup."""
    severity: Severity = "information"
    """How loudly to show it."""
    timeout: float | None = None
    """Seconds on screen; None for the UI's default."""


@dataclass(frozen=True, slots=True)
class OfflineChanged:
    """The app went offline (reading from the local copy only) or came back online."""

    offline: bool
    """True while the server is not used: unreachable at start, or ``--offline``."""


@dataclass(frozen=True, slots=True)
class ErrorNotice:
    """Something failed: say what, in plain words (a refused token means signing in again)."""

    doing: str
    """What failed, or what happened because of it ("Rename undone")."""
    error: BaseException
    """The error (an ``ApiError`` carries the server's words)."""


@dataclass(frozen=True, slots=True)
class Copied:
    """Put ``text`` on the clipboard and say so (a link made for the user to paste)."""

    text: str
    """What goes on the clipboard."""
    notice: str
    """Plain text saying what was copied."""


# -- the account -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountLoaded:
    """The account details are fetched (each section or why it could not be)."""

    overview: AccountOverview
    """What the account dialog shows."""


ControllerMessage: TypeAlias = (
    ListRestarted
    | ListPageLoaded
    | ListPageFailed
    | ListResumed
    | ListComplete
    | ConversationTouched
    | TitleChanged
    | ConversationRemoved
    | ConversationRestored
    | ConversationShown
    | BranchSwitched
    | ConversationClosed
    | NewChatStarted
    | TitleBar
    | DraftShown
    | EditingChanged
    | ActionsChanged
    | ModelsLoaded
    | ReplyStarted
    | ReplyText
    | ReplyEnded
    | ReplyDropped
    | ReplyReplaced
    | ReplyKept
    | ReplyAway
    | Replying
    | Notice
    | ErrorNotice
    | Copied
    | OfflineChanged
    | AccountLoaded
)
"""Any of the messages above."""
