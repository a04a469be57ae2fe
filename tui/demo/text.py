"""Template-made Markdown: the fake model's replies and the seeded history's messages.

A :class:`Writer` draws from a seeded ``random.Random``, so the same seed always writes the same
text. It mixes headings, paragraphs, bullet and numbered lists, tables, quotes and fenced code in
several languages, which is what a Markdown renderer (and its benchmarks) need to chew on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    """What a conversation is about: the words its sentences and code are filled with."""

    name: str
    nouns: tuple[str, ...]
    verbs: tuple[str, ...]
    languages: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "key-value storage",
        ("write-ahead log", "memtable", "compaction", "index page", "checksum", "snapshot"),
        ("flush", "replay", "merge", "fsync", "truncate", "rebuild"),
        ("rust", "python", "sql"),
    ),
    Topic(
        "web APIs",
        ("request body", "status code", "retry policy", "timeout", "cache header", "cursor"),
        ("paginate", "validate", "retry", "serialize", "throttle", "authenticate"),
        ("python", "javascript", "bash"),
    ),
    Topic(
        "data analysis",
        ("dataframe", "outlier", "rolling mean", "histogram", "join key", "sample"),
        ("aggregate", "resample", "filter", "plot", "normalize", "bucket"),
        ("python", "sql"),
    ),
    Topic(
        "terminal tools",
        ("shell pipeline", "exit code", "environment variable", "config file", "prompt", "pager"),
        ("parse", "redirect", "escape", "quote", "pipe", "source"),
        ("bash", "python", "go"),
    ),
    Topic(
        "frontend builds",
        ("bundle", "component", "source map", "style sheet", "route", "hook"),
        ("minify", "hydrate", "lazy-load", "memoize", "tree-shake", "render"),
        ("typescript", "javascript", "json"),
    ),
    Topic(
        "concurrency",
        ("worker pool", "channel", "mutex", "deadline", "task", "back-pressure signal"),
        ("spawn", "cancel", "join", "lock", "schedule", "await"),
        ("rust", "go", "python"),
    ),
)

ADJECTIVES = (
    "small", "predictable", "idempotent", "boring", "explicit", "cheap", "bounded", "stable",
    "observable", "lazy",
)  # fmt: skip

OPENERS = (
    "Good question.",
    "Short answer: yes, with one caveat.",
    "There are two common ways to do this.",
    "Here is a practical approach.",
    "It depends a little on your constraints, but this works well in practice.",
    "Let's break it down.",
)

SENTENCES = (
    "The {noun} should stay {adj}, otherwise every later step has to guess.",
    "If you {verb} the {noun} first, the {noun2} becomes much easier to reason about.",
    "Most bugs here come from forgetting to {verb} the {noun2} after an error.",
    "A {adj} {noun} costs a little more up front and saves hours of debugging later.",
    "You rarely need to {verb} everything at once; do the {noun} and measure.",
    "Keep the {noun} and the {noun2} separate so that each can change on its own.",
    "In practice the {noun2} is where the time goes, not the {noun}.",
    "Write a test that fails when the {noun} is wrong before you {verb} anything.",
    "When in doubt, {verb} the {noun2} and log what you did, with the `{ident}` value.",
    "The trick is to make the {noun} {adj}: then retries are safe.",
    "Avoid clever shortcuts around the {noun}; a {adj} loop is easier to read.",
    "Note that `{ident}` is only valid until you {verb} the {noun2} again.",
)

QUESTIONS = (
    "How should I {verb} the {noun} without breaking the {noun2}?",
    "Can you show me a {lang} example that {verb}s a {noun}?",
    "Why does my {noun} get slower after I {verb} it a few times?",
    "What's the difference between a {noun} and a {noun2} here?",
    "Is it safe to {verb} the {noun} from two places at once?",
    "Could you write a short checklist for handling the {noun2}?",
    "My {noun} keeps failing with an error about `{ident}`. Any idea why?",
    "Compare two ways to {verb} a {noun}, with a table please.",
)

IDENTS = ("max_retries", "batch_size", "offset", "deadline_ms", "page_token", "chunk_len", "seq_no")

CODE: dict[str, tuple[str, ...]] = {
    "python": (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass {Name}:\n"
        '    """One {noun}, kept {adj}."""\n\n    {ident}: int = 0\n\n'
        "    def {verb}(self, items: list[str]) -> list[str]:\n"
        "        seen: set[str] = set()\n        out = []\n        for item in items:\n"
        "            if item not in seen:\n                seen.add(item)\n"
        "                out.append(item)\n        self.{ident} += len(out)\n        return out\n",
        "import json\nfrom pathlib import Path\n\n\ndef load_{snake}(path: Path) -> dict:\n"
        '    with path.open(encoding="utf-8") as handle:\n        data = json.load(handle)\n'
        '    data.setdefault("{ident}", {num})\n    return data\n\n\n'
        'if __name__ == "__main__":\n    print(load_{snake}(Path("{snake}.json")))\n',
        "import itertools\n\n\ndef batched(items, size={num}):\n"
        "    it = iter(items)\n    while chunk := list(itertools.islice(it, size)):\n"
        "        yield chunk\n\n\nfor batch in batched(range(100)):\n"
        '    print(len(batch), "items in this {noun}")\n',
    ),
    "rust": (
        "use std::collections::HashMap;\n\n#[derive(Debug, Default)]\npub struct {Name} {\n"
        "    {ident}: u64,\n    entries: HashMap<String, Vec<u8>>,\n}\n\nimpl {Name} {\n"
        "    pub fn {verb}(&mut self, key: &str, value: &[u8]) -> Option<Vec<u8>> {\n"
        "        self.{ident} += 1;\n        self.entries.insert(key.to_owned(), value.to_vec())\n"
        "    }\n}\n",
        "fn {snake}(input: &str) -> Result<Vec<u32>, std::num::ParseIntError> {\n"
        "    input\n        .split(',')\n        .map(str::trim)\n"
        "        .filter(|s| !s.is_empty())\n"
        "        .map(str::parse)\n        .collect()\n}\n\nfn main() {\n"
        '    println!("{:?}", {snake}("1, 2, {num}"));\n}\n',
    ),
    "sql": (
        "SELECT {snake}.id,\n       count(*) AS total,\n       max(updated_at) AS last_seen\n"
        "FROM {snake}\nJOIN events USING (id)\nWHERE events.kind = '{verb}'\n"
        "GROUP BY {snake}.id\nHAVING count(*) > {num}\nORDER BY total DESC\nLIMIT 20;\n",
        "CREATE TABLE {snake} (\n    id          INTEGER PRIMARY KEY,\n"
        "    {ident}   INTEGER NOT NULL DEFAULT {num},\n    payload     BLOB,\n"
        "    created_at  TEXT NOT NULL DEFAULT (datetime('now'))\n);\n\n"
        "CREATE INDEX {snake}_by_created ON {snake} (created_at);\n",
    ),
    "javascript": (
        "async function {verb}{Name}(url, { {ident} = {num} } = {}) {\n"
        "  for (let attempt = 0; attempt < {ident}; attempt++) {\n"
        "    const res = await fetch(url);\n    if (res.ok) return res.json();\n"
        "    await new Promise((r) => setTimeout(r, 2 ** attempt * 100));\n  }\n"
        "  throw new Error(`gave up on ${url}`);\n}\n",
        "const {snake} = items\n  .filter((item) => item.active)\n"
        "  .map(({ id, name }) => ({ id, label: name.trim() }))\n"
        "  .sort((a, b) => a.label.localeCompare(b.label));\n\nconsole.table({snake});\n",
    ),
    "typescript": (
        "export interface {Name} {\n  id: string;\n  {ident}: number;\n  tags?: string[];\n}\n\n"
        "export function {verb}(items: {Name}[]): Map<string, {Name}> {\n"
        "  return new Map(items.map((item) => [item.id, item]));\n}\n",
    ),
    "bash": (
        "#!/usr/bin/env bash\nset -euo pipefail\n\n"
        'for file in ./{snake}/*.log; do\n  echo "== $file"\n'
        '  grep -c "{verb}" "$file" || true\ndone | tee {snake}-summary.txt\n',
        "export {IDENT}={num}\ncurl -sS --retry 3 \\\n"
        '  -H "Accept: application/json" \\\n  "https://example.invalid/{snake}?limit=$'
        "{IDENT}\" | jq '.items[] | .id'\n",
    ),
    "go": (
        "func {verb}{Name}(ctx context.Context, jobs <-chan string) error {\n"
        "\tg, ctx := errgroup.WithContext(ctx)\n\tfor i := 0; i < {num}; i++ {\n"
        "\t\tg.Go(func() error {\n\t\t\tfor job := range jobs {\n"
        "\t\t\t\tif err := handle(ctx, job); err != nil {\n\t\t\t\t\treturn err\n"
        "\t\t\t\t}\n\t\t\t}\n\t\t\treturn nil\n\t\t})\n\t}\n\treturn g.Wait()\n}\n",
    ),
    "json": (
        '{\n  "name": "{snake}",\n  "{ident}": {num},\n  "enabled": true,\n'
        '  "tags": ["{verb}", "{adj}"]\n}\n',
    ),
}


class Writer:
    """Writes Markdown about one topic from one seed."""

    def __init__(self, seed: int | str, topic: Topic | None = None) -> None:
        self.rng = random.Random(seed)
        self.topic = topic if topic is not None else self.rng.choice(TOPICS)

    def _fill(self, template: str) -> str:
        rng, topic = self.rng, self.topic
        noun, noun2 = rng.sample(topic.nouns, 2)
        ident = rng.choice(IDENTS)
        verb = rng.choice(topic.verbs).replace("-", "_")
        snake = noun.replace(" ", "_").replace("-", "_")
        values = {
            "noun": noun,
            "noun2": noun2,
            "verb": verb,
            "adj": rng.choice(ADJECTIVES),
            "ident": ident,
            "IDENT": ident.upper(),
            "lang": rng.choice(topic.languages),
            "snake": snake,
            "Name": "".join(word.capitalize() for word in snake.split("_")),
            "num": str(rng.choice((3, 8, 16, 42, 100, 250))),
        }
        # Code templates are full of braces, so substitute known names instead of str.format.
        for key, value in values.items():
            template = template.replace("{" + key + "}", value)
        return template

    def sentence(self) -> str:
        text = self._fill(self.rng.choice(SENTENCES))
        return text[0].upper() + text[1:]

    def paragraph(self, sentences: int = 3) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def question(self) -> str:
        return self._fill(self.rng.choice(QUESTIONS))

    def heading(self, level: int = 2) -> str:
        words = self.rng.choice(
            ("Why it happens", "The fix", "A {adj} version", "Trade-offs", "Step by step",
             "Handling the {noun}", "Testing it", "What to watch for", "Putting it together")
        )  # fmt: skip
        text = self._fill(words)
        return "#" * level + " " + text[0].upper() + text[1:]

    def bullets(self, count: int = 4) -> str:
        lines = []
        for _ in range(count):
            line = f"- **{self._fill('{noun}').capitalize()}**: {self.sentence()}"
            lines.append(line)
        return "\n".join(lines)

    def numbered(self, count: int = 4) -> str:
        return "\n".join(f"{i}. {self.sentence()}" for i in range(1, count + 1))

    def table(self, rows: int = 4) -> str:
        head = "| Option | Cost | When to use |\n|---|---:|---|"
        lines = [head]
        for _ in range(rows):
            name = self._fill("`{verb}` the {noun}")
            cost = self.rng.choice(("low", "medium", "high", "~2 ms", "O(n)", "O(log n)"))
            when = self._fill("when the {noun2} is {adj}")
            lines.append(f"| {name} | {cost} | {when} |")
        return "\n".join(lines)

    def quote(self) -> str:
        return "> " + self.sentence()

    def code(self, language: str | None = None) -> str:
        lang = language or self.rng.choice(self.topic.languages)
        body = self._fill(self.rng.choice(CODE.get(lang, CODE["python"])))
        return f"```{lang}\n{body}```"

    def reply(self) -> str:
        """A normal answer, about 1-2 KB: opener, heading, list, code, closing advice."""
        parts = [
            self.rng.choice(OPENERS) + " " + self.paragraph(2),
            self.heading(2),
            self.paragraph(2),
            self.bullets(self.rng.randint(3, 4)),
            self.code(),
            self.paragraph(3),
        ]
        if self.rng.random() < 0.4:
            parts.insert(4, self.table(3))
        return "\n\n".join(parts)

    def short_reply(self) -> str:
        """A few hundred bytes: what most filler turns get, to keep the seed cheap."""
        parts = [self.rng.choice(OPENERS) + " " + self.paragraph(2)]
        if self.rng.random() < 0.5:
            parts.append(self.numbered(3))
        return "\n\n".join(parts)

    def section(self) -> str:
        """One varied chunk of a long document."""
        kinds = [self.paragraph, self.bullets, self.numbered, self.table, self.quote]
        parts = [self.heading(self.rng.choice((2, 3))), self.paragraph(3)]
        parts.append(self.rng.choice(kinds)())
        parts.append(self.code(self.rng.choice(tuple(CODE))))
        parts.append(self.paragraph(2))
        return "\n\n".join(parts)

    def long_document(self, size: int) -> str:
        """At least ``size`` characters of sections, every language's code included."""
        parts = ["# " + self.topic.name.capitalize() + ": a field guide", self.paragraph(4)]
        languages = list(CODE)
        total = sum(len(part) for part in parts)
        index = 0
        while total < size:
            section = self.section()
            if index < len(languages):
                section += "\n\n" + self.code(languages[index])
            parts.append(section)
            total += len(section) + 2
            index += 1
        return "\n\n".join(parts)
