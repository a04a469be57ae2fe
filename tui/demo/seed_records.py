"""One conversation of the demo history, and a helper that grows its mapping tree.

A record's list metadata (id, title, times, flags) exists from the start; its mapping is only
built the first time something needs it (``ensure_tree``), so seeding 300+ conversations costs
next to nothing and opening one costs only that one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tui.demo import nodes
from tui.demo.nodes import Ids, Json


@dataclass
class Record:
    """A conversation: list metadata, plus a lazily built mapping."""

    id: str
    title: str
    create_time: float
    update_time: float
    model_slug: str = "text-davinci-002-render-sha"
    is_archived: bool = False
    is_visible: bool = True
    """False after a soft delete: 404 on GET, never listed, never revived."""
    is_temporary: bool = False
    """``history_and_training_disabled`` chats: never listed."""
    builder: Callable[[Record], None] | None = None
    """Fills ``mapping`` and ``current_node`` on first use."""
    mapping: dict[str, Json] | None = None
    current_node: str | None = None
    remainders: dict[str, str] = field(default_factory=dict)
    """Assistant node id of a reply cut by ``max_tokens`` to the text ``continue`` streams."""

    def ensure_tree(self) -> dict[str, Json]:
        if self.mapping is None:
            if self.builder is not None:
                self.builder(self)
            if self.mapping is None:
                self.mapping = {}
        return self.mapping

    def list_item(self) -> Json:
        """This conversation as a row of ``GET /conversations`` (docs/PROTOCOL.md §6)."""
        return {
            "id": self.id,
            "title": self.title,
            "create_time": nodes.iso(self.create_time),
            "update_time": nodes.iso(self.update_time),
            "mapping": None,
            "current_node": None,
            "conversation_template_id": None,
            "gizmo_id": None,
            "is_archived": self.is_archived,
            "workspace_id": None,
        }

    def payload(self) -> Json:
        """This conversation as ``GET /conversation/{id}`` returns it."""
        return nodes.conversation_payload(
            self.id,
            self.title,
            self.create_time,
            self.update_time,
            self.ensure_tree(),
            self.current_node,
            is_archived=self.is_archived,
            model_slug=self.model_slug,
        )


class Tree:
    """Grows a record's mapping the way the server does, with a steadily advancing clock."""

    def __init__(self, record: Record, ids: Ids, start: float, step: float = 40.0) -> None:
        self.record = record
        self.ids = ids
        self.mapping: dict[str, Json] = {}
        self.time = start
        self.step = step
        record.mapping = self.mapping

    def tick(self) -> float:
        self.time += self.step
        return round(self.time, 6)

    def root(self) -> str:
        """The message-less root and the hidden system node under it; returns the system id."""
        root_id = self.ids.client()
        nodes.add_node(self.mapping, root_id, None, None)
        system_id = self.ids.uuid()
        nodes.add_node(self.mapping, system_id, nodes.hidden_system(system_id), root_id)
        return system_id

    def add(self, parent: str, msg: Json) -> str:
        nodes.add_node(self.mapping, msg["id"], msg, parent)
        self.record.current_node = msg["id"]
        return str(msg["id"])

    def user(self, parent: str, text: str) -> str:
        return self.add(parent, nodes.user_message(self.ids.client(), text, self.tick()))

    def assistant(
        self, parent: str, text: str, *, finish: str = "stop", message_type: str | None = "next"
    ) -> str:
        msg = nodes.assistant_message(
            self.ids.uuid(),
            text,
            self.tick(),
            parent_id=parent,
            model_slug=self.record.model_slug,
            message_type=message_type,
            finish=finish,
        )
        return self.add(parent, msg)

    def turn(self, parent: str, question: str, answer: str) -> str:
        """A user message and its reply; returns the reply's id."""
        return self.assistant(self.user(parent, question), answer)
