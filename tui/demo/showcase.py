"""Builders of the hand-made conversations of the seeded history.

Each builder takes a :class:`Record` and fills its mapping. They cover what the client must
handle: branches from edits and regenerations, a 500-message thread, tool calls and their
output, images, reasoning, browsing, a reply cut by ``max_tokens`` and hostile text. Every tree
conforms (no dangling links): broken shapes are opt-in demo faults. Ids come from an
:class:`Ids` seeded by the record id, so every build is identical.
"""

from __future__ import annotations

from tui.demo import nodes
from tui.demo.nodes import Ids, Json
from tui.demo.seed_records import Record, Tree
from tui.demo.text import CODE, TOPICS, Writer

HOSTILE_TEXT = (
    "These should all show up as plain text:\n\n"
    "- Rich markup: [bold red]not bold, not red[/bold red] and a lone closing tag [/]\n"
    "- A link: [link=file:///etc/passwd]click me[/link]\n"
    "- ANSI colours: \x1b[31mred?\x1b[0m and a clear screen \x1b[2J here\n"
    "- An OSC 52 clipboard write: \x1b]52;c;SGVsbG8=\x07 (must not reach the terminal)\n"
    "- A bell \x07 and a backspace \x08 and a carriage return \r in the middle\n"
)


def _tree(record: Record, messages: int = 12) -> tuple[Tree, str]:
    # Spread the messages over the conversation's lifetime, so none is newer than update_time.
    step = (record.update_time - record.create_time) / (messages + 1)
    tree = Tree(record, Ids(record.id), record.create_time, step)
    return tree, tree.root()


def showcase(record: Record) -> None:
    """The top conversation: code, a regenerated answer (2 versions) and an edited prompt."""
    tree, top = _tree(record)
    rust = Writer("showcase", TOPICS[0])
    first = tree.turn(
        top,
        "How do I read a large CSV in Rust without loading the whole file into memory?",
        "Use the `csv` crate's streaming reader: it hands you one record at a time, so memory "
        "stays flat no matter how big the file is.\n\n## Streaming the rows\n\n"
        "```rust\nuse std::error::Error;\n\nfn main() -> Result<(), Box<dyn Error>> {\n"
        '    let mut reader = csv::Reader::from_path("events.csv")?;\n'
        "    let mut total: u64 = 0;\n    for record in reader.records() {\n"
        "        let record = record?;\n"
        '        total += record.get(2).unwrap_or("0").parse::<u64>()?;\n    }\n'
        '    println!("total = {total}");\n    Ok(())\n}\n```\n\n'
        "- **`records()`** borrows one reusable buffer per row.\n"
        "- **`?`** stops at the first malformed row; see below to skip those instead.\n"
        "- Wrap the file in a `BufReader` only if you open it yourself.",
    )
    question = tree.user(first, "Can you make it skip malformed rows instead of failing?")
    tree.assistant(
        question,
        "Sure: match on each row and count the failures instead of returning early.\n\n"
        "```rust\nlet mut skipped = 0;\nfor record in reader.records() {\n"
        "    match record {\n        Ok(row) => handle(&row)?,\n        Err(_) => skipped += 1,\n"
        '    }\n}\neprintln!("skipped {skipped} bad rows");\n```',
        message_type="next",
    )
    second = tree.assistant(
        question,
        "Yes. Two changes make the reader forgiving:\n\n"
        "1. Build it with `flexible(true)` so rows with a different number of fields parse.\n"
        "2. Handle each `Result` instead of using `?`.\n\n"
        "```rust\nlet mut reader = csv::ReaderBuilder::new()\n    .flexible(true)\n"
        '    .from_path("events.csv")?;\nlet mut skipped = 0usize;\n'
        "for (line, record) in reader.records().enumerate() {\n    match record {\n"
        "        Ok(row) => total += parse_amount(&row),\n"
        "        Err(err) => {\n            skipped += 1;\n"
        '            eprintln!("line {}: {err}", line + 2);\n'
        "        }\n    }\n}\n```\n\n| Row problem | What happens |\n|---|---|\n"
        "| wrong field count | parsed (flexible) |\n| bad UTF-8 | skipped, logged |\n"
        "| unparsable number | skipped by `parse_amount` |",
        message_type="variant",
    )
    tree.turn(second, "How fast is this on a 2 GB file?", rust.reply())
    # The last prompt was edited: the newer wording is the current branch.
    tree.turn(second, "How fast is this on a 2 GB file, and can rayon help?", rust.reply())


def long_thread(record: Record) -> None:
    """A 500+ message conversation of varied Markdown."""
    tree, parent = _tree(record, messages=520)
    writer = Writer("long-thread", TOPICS[0])
    languages = tuple(CODE)
    for turn in range(260):
        if turn % 7 == 0:
            answer = writer.section() + "\n\n" + writer.code(languages[turn % len(languages)])
        elif turn % 5 == 0:
            answer = writer.table(5) + "\n\n" + writer.paragraph(3)
        elif turn % 3 == 0:
            answer = writer.short_reply()
        else:
            answer = writer.reply()
        parent = tree.turn(parent, writer.question(), answer)


def tools(record: Record) -> None:
    """Code Interpreter: code for tool ``python``, its output, an image, then the answer."""
    tree, top = _tree(record)
    ask = tree.user(top, "Plot the hourly average of sensor.csv and tell me if anything is odd.")
    intro = nodes.message(
        tree.ids.uuid(),
        "assistant",
        nodes.text_content("Let me load the file first."),
        create_time=tree.tick(),
        end_turn=False,
        metadata={"model_slug": record.model_slug, "parent_id": ask},
    )
    step = tree.add(ask, intro)
    code = (
        "import pandas as pd\n\ndf = pd.read_csv('/mnt/data/sensor.csv', parse_dates=['ts'])\n"
        "hourly = df.set_index('ts')['value'].resample('1h').mean()\nhourly.describe()"
    )
    for source, output in (
        (
            code,
            "count    168.000000\nmean      21.483000\nstd        1.902000\nmax       29.910000",
        ),
        ("hourly.plot(figsize=(10, 4))", "\n<<ImageDisplayed>>"),
    ):
        call = nodes.message(
            tree.ids.uuid(),
            "assistant",
            {"content_type": "code", "language": "unknown", "text": source},
            create_time=tree.tick(),
            end_turn=False,
            recipient="python",
            metadata={"model_slug": record.model_slug},
        )
        step = tree.add(step, call)
        meta: Json = {"is_complete": True}
        if "Image" in output:
            pointer = "file-service://file-demo0plot0001"
            meta["aggregate_result"] = {
                "messages": [{"message_type": "image", "image_url": pointer}]
            }
        result = nodes.message(
            tree.ids.uuid(),
            "tool",
            {"content_type": "execution_output", "text": output},
            create_time=tree.tick(),
            name="python",
            metadata=meta,
        )
        step = tree.add(step, result)
    tree.assistant(
        step,
        "The readings hover around **21.5 °C**, but there is a spike to **29.9 °C** on "
        "Tuesday at 14:00. That looks like direct sunlight on the sensor rather than a real "
        "temperature change.\n\n- Mean: 21.48\n- Std: 1.90\n- Max: 29.91 (the outlier)",
    )


def thinking(record: Record) -> None:
    """A reasoning model: thoughts, a reasoning recap, then the final answer."""
    tree, top = _tree(record)
    ask = tree.user(
        top,
        "Five meetings (A-E), three rooms. A and B share people, C must follow A, E needs the "
        "big room. Can it fit in two slots?",
    )
    thoughts = {
        "content_type": "thoughts",
        "thoughts": [
            {
                "summary": "Listing constraints",
                "content": "A and B cannot overlap; C after A.",
                "finished": True,
            },
            {
                "summary": "Trying two slots",
                "content": "Slot 1: A, D, E. Slot 2: B, C.",
                "finished": True,
            },
        ],
        "source_analysis_msg_id": tree.ids.uuid(),
    }
    meta: Json = {"model_slug": record.model_slug, "reasoning_title": "Scheduling the meetings"}
    step = tree.add(
        ask,
        nodes.message(
            tree.ids.uuid(), "assistant", thoughts, create_time=tree.tick(), metadata=meta
        ),
    )
    recap = nodes.message(
        tree.ids.uuid(),
        "assistant",
        {"content_type": "reasoning_recap", "content": "Thought for 12s"},
        create_time=tree.tick(),
        metadata={"model_slug": record.model_slug, "finished_duration_sec": 12},
    )
    step = tree.add(step, recap)
    answer = nodes.assistant_message(
        tree.ids.uuid(),
        "Yes, two slots are enough:\n\n"
        "| Slot | Room 1 (big) | Room 2 | Room 3 |\n|---|---|---|---|\n"
        "| 1 | E | A | D |\n| 2 | - | B | C |\n\nA and B never overlap, C comes after A, and E "
        "gets the big room.",
        tree.tick(),
        parent_id=step,
        model_slug=record.model_slug,
    )
    answer["channel"] = "final"
    tree.add(step, answer)


def browsing(record: Record) -> None:
    """Browsing: a search, its result page, a quote, and the cited answer."""
    tree, top = _tree(record)
    step = tree.user(top, "What's new in Python 3.14? Please look it up.")
    steps: list[tuple[str, Json]] = [
        (
            "assistant",
            {
                "content_type": "code",
                "language": "unknown",
                "text": 'search("Python 3.14 what\'s new")',
            },
        ),
        (
            "tool",
            {
                "content_type": "tether_browsing_display",
                "summary": None,
                "assets": None,
                "tether_id": None,
                "result": "# 【0†What's New In Python 3.14†docs.python.org】\n"
                "Template strings, deferred "
                "annotations, free-threaded build support...",
            },
        ),
        ("assistant", {"content_type": "code", "language": "unknown", "text": "mclick([0])"}),
        (
            "tool",
            {
                "content_type": "tether_quote",
                "url": "https://docs.python.org/3.14/whatsnew/3.14.html",
                "domain": "docs.python.org",
                "title": "What's New In Python 3.14",
                "text": "PEP 750 adds template string literals (t-strings)...",
                "tether_id": None,
            },
        ),
    ]
    for role, content in steps:
        msg = nodes.message(
            tree.ids.uuid(),
            role,
            content,
            create_time=tree.tick(),
            name="browser" if role == "tool" else None,
            recipient="browser" if role == "assistant" else "all",
            metadata={"model_slug": record.model_slug},
            end_turn=False if role == "assistant" else None,
        )
        step = tree.add(step, msg)
    tree.assistant(
        step,
        "Highlights of Python 3.14 【0†docs.python.org】:\n\n"
        '- **Template strings** (`t"..."`, PEP 750)\n'
        "- **Deferred evaluation of annotations** (PEP 649)\n- Official support for the "
        "**free-threaded** build\n- A new `compression.zstd` module",
    )


def image(record: Record) -> None:
    """A user message with an uploaded photo (multimodal_text + image_asset_pointer)."""
    tree, top = _tree(record)
    content = {
        "content_type": "multimodal_text",
        "parts": [
            {
                "content_type": "image_asset_pointer",
                "asset_pointer": "file-service://file-demo0leaf0001",
                "size_bytes": 482113,
                "width": 1024,
                "height": 768,
                "fovea": 512,
                "metadata": None,
            },
            "What plant is this? The leaves are turning yellow at the edges.",
        ],
    }
    msg = nodes.message(
        tree.ids.client(),
        "user",
        content,
        create_time=tree.tick(),
        metadata={"timestamp_": "absolute", "message_type": None, "attachments": []},
    )
    ask = tree.add(top, msg)
    tree.assistant(
        ask,
        "That looks like a **pothos** (*Epipremnum aureum*). Yellow edges usually mean:\n\n"
        "1. Overwatering: let the top 3 cm of soil dry out.\n2. Too much direct sun.\n"
        "3. Old leaves being shed (normal if only one or two).",
    )


def cut_reply(record: Record) -> None:
    """The last reply ended with ``max_tokens``: the UI can offer to continue it."""
    tree, top = _tree(record)
    text = Writer("readme", TOPICS[3]).long_document(2400)
    half = text.rfind(" ", 0, len(text) // 2) + 1
    ask = tree.user(top, "Write a long README for my CLI tool `tidy` (it cleans up log folders).")
    reply = tree.assistant(ask, text[:half], finish="max_tokens")
    record.remainders[reply] = text[half:]


def three_tries(record: Record) -> None:
    """Three versions of the prompt (edits) and three answers to the last one (regenerations)."""
    tree, top = _tree(record)
    writer = Writer("three-tries", TOPICS[1])
    prompts = (
        "Make my cover letter sound more confident.",
        "Make my cover letter sound more confident, but not arrogant.",
        "Rewrite my cover letter: confident, warm, and under 200 words.",
    )
    for prompt in prompts:
        ask = tree.user(top, prompt)
        tree.assistant(ask, writer.short_reply())
    for _ in range(2):
        tree.assistant(ask, writer.short_reply(), message_type="variant")


def hostile(record: Record) -> None:
    """Messages full of markup and terminal escapes that must be shown, never interpreted."""
    tree, top = _tree(record)
    tree.turn(top, "Does [bold]this[/bold] render? \x1b[2J", HOSTILE_TEXT)
    tree.turn(
        tree.record.current_node or top, "[link=file:///etc/passwd]x[/]", "Plain text: `[/]`."
    )


def sampling(record: Record) -> None:
    """Two short turns about sampling notes.

    It used to have a hole in its tree; the default history is now one any client can read end
    to end, and a broken tree is opt-in: the ``broken_tree`` fault cuts one out of any
    conversation as it is served (see docs/FAULTS.md).
    """
    tree, top = _tree(record)
    writer = Writer("broken", TOPICS[2])
    first = tree.turn(top, "Summarise my notes on sampling.", writer.short_reply())
    asked = tree.user(first, "And the part about stratified samples?")
    tree.assistant(asked, writer.short_reply())


def custom_instructions(record: Record) -> None:
    """Custom instructions at the root, as a system message the user wrote."""
    tree, top = _tree(record)
    context = nodes.message(
        tree.ids.uuid(),
        "system",
        {
            "content_type": "user_editable_context",
            "user_profile": "I teach primary school.",
            "user_instructions": "Explain things simply, with everyday examples.",
        },
        create_time=None,
        metadata={
            "is_user_system_message": True,
            "is_visually_hidden_from_conversation": True,
            "user_context_message_data": {"about_user_message": "I teach primary school."},
        },
    )
    top = tree.add(top, context)
    tree.turn(
        top,
        "Explain DNS like I'm five.",
        "Imagine the internet is a huge town and every house has a number. **DNS is the phone "
        "book**: you look up a name like `example.com` and it tells you the house number.",
    )


def untitled(record: Record) -> None:
    """A chat still called "New chat", so ``gen_title`` has something to do."""
    tree, top = _tree(record)
    writer = Writer("untitled", TOPICS[4])
    tree.turn(top, "How can I lazy-load routes in a React app?", writer.reply())


BUILDERS = {
    "showcase": showcase,
    "long": long_thread,
    "tools": tools,
    "thinking": thinking,
    "browsing": browsing,
    "image": image,
    "cut": cut_reply,
    "three": three_tries,
    "hostile": hostile,
    "sampling": sampling,
    "custom": custom_instructions,
    "untitled": untitled,
}
"""Special conversation kinds by name."""
