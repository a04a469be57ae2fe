"""The seeded demo history: 320 conversations (or any number) with fixed ids, titles and times.

Only list metadata is made here (cheap: no text is generated); each conversation's mapping is
built on first use by a builder from :mod:`tui.demo.showcase` or :func:`filler`. Times are
fixed around 2026-11-01 and every random choice comes from a seeded ``random.Random``, so the
history (and every screenshot of it) is identical on every run.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from tui.demo.nodes import Ids, Json
from tui.demo.seed_records import Record, Tree
from tui.demo.showcase import BUILDERS
from tui.demo.text import TOPICS, Writer

SEED = 20261101
COUNT = 320
"""Conversations in the seeded history (archived ones included)."""
NEWEST = datetime(2026, 11, 1, 9, 30, tzinfo=UTC).timestamp()
"""``update_time`` of the top conversation; new activity in the demo happens after this."""

DEFAULT_MODEL = "text-davinci-002-render-sha"

SPECIAL: tuple[tuple[str, str, str], ...] = (
    ("showcase", "Faster CSV parsing in Rust", "gpt-4o"),
    ("long", "Field notes: building a key-value store", "gpt-4"),
    ("tools", "Plot sensor data with pandas", "gpt-4-code-interpreter"),
    ("thinking", "Five meetings, three rooms", "o1"),
    ("browsing", "What's new in Python 3.14", "gpt-4o"),
    ("image", "What plant is this? 🌿", "gpt-4o"),
    ("cut", "README for a log-cleaning CLI", DEFAULT_MODEL),
    ("three", "Cover letter: three tries", DEFAULT_MODEL),
    ("hostile", "[bold]Not bold[/bold] and a stray [/]", DEFAULT_MODEL),
    ("filler", "用 Python 读取 Excel 文件", DEFAULT_MODEL),
    ("filler", "🎂 Birthday party ideas 🎉", DEFAULT_MODEL),
    ("filler", "ترجمة رسالة عمل إلى العربية", DEFAULT_MODEL),
    ("filler", "מתכון לחלה לשבת", DEFAULT_MODEL),
    ("hostile", "[link=file:///etc/passwd]x[/]", DEFAULT_MODEL),
    ("untitled", "New chat", DEFAULT_MODEL),
    # The title predates the tree being made whole; kept so that no snapshot changes.
    ("sampling", "Sampling notes (with a missing piece)", DEFAULT_MODEL),
    ("hostile", "Clear \x1b[2Jscreen?", DEFAULT_MODEL),
    ("hostile", "Copy \x1b]52;c;SGVsbG8=\x07 this", DEFAULT_MODEL),
    ("filler", "東京で雨の日に行ける場所", DEFAULT_MODEL),
    ("custom", "Explain DNS like I'm five", "gpt-4o"),
    ("filler", "Как настроить SSH-ключи", DEFAULT_MODEL),
    ("filler", "서울 맛집 추천 🍜", DEFAULT_MODEL),
)
"""The newest conversations, top first: (builder, title, model)."""

ARCHIVED = frozenset({24, 61, 118, 203, 290})
"""Indices (0 = newest) of archived conversations."""

EVERYDAY = (
    "Weekly meal plan on a budget", "Fix a squeaky door hinge", "Gift ideas for a new dad",
    "Summarise this article", "Email to reschedule a meeting", "Beginner running plan",
    "Compare two phone plans", "Houseplant watering schedule", "Packing list for Lisbon",
    "Polite reminder to a client", "Explain compound interest", "Rename photos by date",
    "Sourdough starter help", "Draft a toast for a wedding", "Learn Spanish in 3 months",
    "Negotiate a salary offer", "Birthday message for grandma", "Fix my bike gears",
)  # fmt: skip


def filler_title(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return rng.choice(EVERYDAY)
    topic = rng.choice(TOPICS)
    verb = rng.choice(topic.verbs).capitalize()
    noun = rng.choice(topic.nouns)
    lang = rng.choice(topic.languages).capitalize()
    pattern = rng.choice(
        ("{v} the {n}", "{v} a {n} in {l}", "{l}: {n} question", "Why {n} is slow")
    )
    return pattern.format(v=verb, n=noun, l=lang)


def filler(record: Record) -> None:
    """An ordinary chat of 1-4 turns; some have an edited prompt or a regenerated answer."""
    rng = random.Random(record.id)
    ids = Ids(record.id)
    tree = Tree(
        record,
        ids,
        record.create_time,
        step=(record.update_time - record.create_time) / 12,
    )
    writer = Writer(record.id, rng.choice(TOPICS))
    parent = tree.root()
    for turn in range(rng.randint(1, 4)):
        question = writer.question()
        ask = tree.user(parent, question)
        answer = writer.reply() if rng.random() < 0.3 else writer.short_reply()
        parent = tree.assistant(ask, answer)
        if turn == 0 and rng.random() < 0.12:
            parent = tree.assistant(ask, writer.short_reply(), message_type="variant")
        elif turn == 0 and rng.random() < 0.12:
            edited = tree.user(tree.mapping[ask]["parent"], question + " (shorter, please)")
            parent = tree.assistant(edited, writer.short_reply())


def mixed(record: Record) -> None:
    """A chat of any size, for histories larger than the standard one (``--conversations N``).

    Most chats are short, some run to dozens of turns, and about one in five has an edited
    prompt or a regenerated answer somewhere, so a benchmark meets the mix a real history has.
    """
    rng = random.Random(record.id)
    tree = Tree(record, Ids(record.id), record.create_time, step=1.0)
    writer = Writer(record.id, rng.choice(TOPICS))
    turns = rng.choice(_TURN_COUNTS)
    tree.step = (record.update_time - record.create_time) / (2 * turns + 2)
    parent = tree.root()
    for _ in range(turns):
        question = writer.question()
        ask = tree.user(parent, question)
        answer = writer.reply() if rng.random() < 0.15 else writer.short_reply()
        parent = tree.assistant(ask, answer)
        roll = rng.random()
        if roll < 0.04:
            parent = tree.assistant(ask, writer.short_reply(), message_type="variant")
        elif roll < 0.07:
            edited = tree.user(tree.mapping[ask]["parent"], question + " Be brief.")
            parent = tree.assistant(edited, writer.short_reply())


_TURN_COUNTS = (1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5, 6, 8, 10, 12, 16, 24, 32)
"""Turns per :func:`mixed` chat, drawn uniformly: median 3, a long tail to 40."""


def seed_records(count: int = COUNT) -> list[Record]:
    """The seeded history, newest first. Cheap: no mapping is built here.

    The first :data:`COUNT` conversations are the standard history (screenshots rely on it);
    a larger ``count`` adds :func:`mixed` chats below them, a smaller one keeps the newest.
    """
    if count < 0:
        raise ValueError("the number of conversations must not be negative")
    rng = random.Random(SEED)
    ids = Ids(SEED)
    records = []
    update = NEWEST
    for index in range(count):
        kind, title, model = (
            SPECIAL[index] if index < len(SPECIAL) else ("filler", "", DEFAULT_MODEL)
        )
        if index >= COUNT:
            kind = "mixed"
        conv_id = ids.uuid()
        title = title or filler_title(rng)
        duration = rng.choice((300.0, 900.0, 3600.0, 7200.0, 86400.0))
        record = Record(
            id=conv_id,
            title=title,
            create_time=round(update - duration - rng.random(), 6),
            update_time=round(update, 6),
            model_slug=model,
            is_archived=index in ARCHIVED or (index >= COUNT and index % 53 == 7),
            builder=mixed if kind == "mixed" else BUILDERS.get(kind, filler),
        )
        records.append(record)
        update -= rng.uniform(600.0, 60000.0)
    return records


SHARES = (
    (0, "Faster CSV parsing in Rust"),
    (3, "Five meetings, three rooms"),
    (9, "用 Python 读取 Excel 文件"),
    (40, ""),
    (77, ""),
)
"""Share links: (index of the shared conversation, title at share time; empty = its title)."""


def payload_once(record: Record) -> Json:
    """``record.payload()``, without keeping a :func:`mixed` tree that was built just for it.

    A history of 10,000 mixed chats would otherwise hold every tree in memory once a client
    synced it. A tree nobody built before this call has not been changed (sends build it
    first and keep it), and :func:`mixed` rebuilds the same tree from the record's seed.
    """
    disposable = record.mapping is None and record.builder is mixed
    payload = record.payload()
    if disposable:
        record.mapping = None
        record.current_node = None
    return payload
