"""The conversation that is open: its tree, the chosen branch and what the reader sees.

Pure state over the tree functions (no Textual, no I/O), so branch switching is tested without
a screen. The app keeps one :class:`BranchMemory` for the run, so a branch the user picked is
still picked when they come back to that conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tui.api.models import Conversation
from tui.conversation.tree import (
    VisibleMessage,
    active_thread,
    switch_sibling,
    visible_messages,
)


@dataclass
class BranchMemory:
    """Per conversation, the leaf of the branch the user last looked at (for this run only)."""

    leaves: dict[str, str] = field(default_factory=dict)
    show_hidden: bool = False
    """Whether the reader asked to see the messages the web app hides (for this run only)."""

    def remember(self, conversation_id: str, leaf_id: str) -> None:
        self.leaves[conversation_id] = leaf_id

    def leaf_for(self, conversation: Conversation) -> str | None:
        leaf = self.leaves.get(conversation.key)
        return leaf if leaf in conversation.mapping else None


@dataclass
class OpenConversation:
    """A fetched conversation with the thread being shown."""

    conversation: Conversation
    thread: list[str]
    messages: list[VisibleMessage]
    show_hidden: bool = False
    """Hidden messages are shown (dimmed) and branch switchers count every sibling."""

    @classmethod
    def build(
        cls, conversation: Conversation, leaf_id: str | None = None, *, show_hidden: bool = False
    ) -> OpenConversation:
        thread = active_thread(conversation, leaf_id)
        messages = visible_messages(conversation, thread, show_hidden=show_hidden)
        return cls(conversation, thread, messages, show_hidden)

    @property
    def id(self) -> str:
        return self.conversation.key

    @property
    def title(self) -> str:
        return self.conversation.title or "Untitled"

    @property
    def leaf_id(self) -> str | None:
        return self.thread[-1] if self.thread else None

    def switch(self, node_id: str, index: int) -> int:
        """Show sibling ``index`` of ``node_id``; return the position of the first changed message.

        Everything above that position is unchanged, so the view re-renders only from there.
        """
        self.thread = switch_sibling(
            self.conversation, self.thread, node_id, index, show_hidden=self.show_hidden
        )
        return self._update()

    def set_show_hidden(self, show: bool) -> int:
        """Show or hide the hidden messages; return the position of the first changed message."""
        self.show_hidden = show
        return self._update()

    def _update(self) -> int:
        """Rebuild the messages from the thread; the position of the first one that changed."""
        new_messages = visible_messages(
            self.conversation, self.thread, show_hidden=self.show_hidden
        )
        position = 0
        for old, new in zip(self.messages, new_messages, strict=False):
            if old != new:
                break
            position += 1
        self.messages = new_messages
        return position

    def mark_last_reply(self, finish_type: str) -> None:
        """Mark the last message, if a reply, as ended by ``finish_type`` (stopped...)."""
        if self.messages and self.messages[-1].role == "assistant":
            self.messages[-1] = replace(self.messages[-1], finish_type=finish_type)

    def reply_parent_id(self) -> str | None:
        """The node a new prompt hangs from: the last node of the shown branch (as the web app)."""
        return self.leaf_id
