"""The editors' review list of new actors: ingest writes every article's candidates to one
YAML file (`write_review_list`); `review` prints it and `accept` adds an entry to
vocab/actors.yaml."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml

from newsdigest.atomic import atomic_write
from newsdigest.ingest.tag.model import Candidate
from newsdigest.vocab import ACTOR_KINDS, VOCAB_DIR, load_vocabulary, rejected_names


def write_review_list(
    candidates_by_article: dict[str, list[Candidate]], path: Path, source: str = ""
) -> int:
    """Write every new actor of every article to `path` (YAML), most widespread first.

    Each entry is a ready-made vocabulary block (name, kind, role) plus what an editor
    needs to judge it (articles, context); returns the number of candidates written.
    `source` names what the list was made from (a digest), kept in its last header line.
    """
    merged: dict[str, dict] = {}
    for article in sorted(candidates_by_article):
        for candidate in candidates_by_article[article]:
            entry = merged.setdefault(
                candidate.name,
                {
                    "name": candidate.name,
                    "kinds": Counter(),
                    "role": None,
                    "articles": [],
                    "context": candidate.context,
                },
            )
            entry["kinds"][candidate.kind] += 1
            entry["role"] = entry["role"] or candidate.role
            if article not in entry["articles"]:
                entry["articles"].append(article)
    entries = []
    for entry in sorted(merged.values(), key=lambda e: (-len(e["articles"]), e["name"])):
        item = {"name": entry["name"], "kind": entry["kinds"].most_common(1)[0][0]}
        if entry["role"]:
            item["role"] = entry["role"]
        item["articles"] = entry["articles"]
        item["context"] = entry["context"]
        entries.append(item)
    header = (
        "# New actors found in the articles, not yet in vocab/actors.yaml.\n"
        "# Written by `invoke ingest`; do not edit here, your changes are overwritten.\n"
        '# To accept one: `invoke actors --accept "Name"`, or copy its name/kind/role\n'
        "# lines to the end of vocab/actors.yaml (add aliases if you like). The next\n"
        "# build tags it as a known actor on every article.\n"
    ) + (f"{SOURCE_MARK}{source}\n" if source else "")
    body = (
        yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
        if entries
        else "[]\n"
    )
    atomic_write(Path(path), header + body)
    return len(entries)


SOURCE_MARK = "# Made from: "


def review_list_source(path: Path) -> str | None:
    """The `source` a review list was written from, read from its header (None if unknown)."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            for _, line in zip(range(12), handle, strict=False):
                if line.startswith(SOURCE_MARK):
                    return line[len(SOURCE_MARK) :].strip()
    except OSError:
        return None
    return None


def load_review_list(path: Path) -> list[dict]:
    """The entries of a review list written by `write_review_list` ([] if there is none)."""
    path = Path(path)
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def actor_block(entry: dict) -> str:
    """The YAML lines that add `entry` to vocab/actors.yaml."""
    lines = [f"- name: {_yaml_scalar(entry['name'])}", f"  kind: {entry.get('kind', 'person')}"]
    if entry.get("role"):
        lines.append(f"  role: {_yaml_scalar(entry['role'])}")
    if entry.get("aliases"):
        lines.append("  aliases: [" + ", ".join(_yaml_scalar(a) for a in entry["aliases"]) + "]")
    return "\n".join(lines) + "\n"


def review(candidates_path: Path | None = None, vocab_dir: Path | None = None, out=None) -> int:
    """Print the review list for editors (`invoke actors`); returns how many are open."""
    out = out or sys.stdout
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    candidates_path = Path(candidates_path) if candidates_path else vocab_dir / "candidates.yaml"
    vocabulary = load_vocabulary(vocab_dir)
    entries = [
        e
        for e in load_review_list(candidates_path)
        if e["name"] not in vocabulary.actors and e["name"] not in vocabulary.rejected
    ]
    if not entries:
        print("No new actors waiting for review.", file=out)
        return 0
    print(f"{len(entries)} new actors found in the articles (most widespread first):\n", file=out)
    for entry in entries:
        articles = entry.get("articles") or []
        role = entry.get("role") or "no role given"
        print(f"{entry['name']}  ({entry.get('kind', 'person')}; {role})", file=out)
        print(
            f"  in {len(articles)} article(s): {', '.join(articles[:5])}{' ...' if len(articles) > 5 else ''}",
            file=out,
        )
        print(f"  “{entry.get('context', '')}”", file=out)
        quoted = _shell_quote(entry["name"])
        print(f"  accept: invoke actors --accept {quoted}   reject: --reject {quoted}", file=out)
        print("", file=out)
    print("Or copy an entry's name/kind/role lines to the end of vocab/actors.yaml.", file=out)
    return len(entries)


def accept(
    name: str,
    candidates_path: Path | None = None,
    vocab_dir: Path | None = None,
    kind: str | None = None,
    role: str | None = None,
    aliases: tuple[str, ...] = (),
) -> bool:
    """Append `name` to vocab/actors.yaml, as the review list has it or with the kind given;
    False when it is already there, or neither on the list nor given a kind."""
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    candidates_path = Path(candidates_path) if candidates_path else vocab_dir / "candidates.yaml"
    if name in load_vocabulary(vocab_dir).actors:
        return False
    entry = next((e for e in load_review_list(candidates_path) if e["name"] == name), None)
    if entry is None and not kind:
        return False
    entry = dict(entry or {"name": name})
    entry.update({k: v for k, v in (("kind", kind), ("role", role)) if v})
    if entry.get("kind") not in ACTOR_KINDS:
        raise ValueError(f"kind must be one of {', '.join(ACTOR_KINDS)}")
    if aliases:
        entry["aliases"] = list(aliases)
    _append(vocab_dir / "actors.yaml", actor_block(entry))
    return True


def reject(name: str, vocab_dir: Path | None = None) -> bool:
    """Add `name` to vocab/rejected.yaml: never tagged or published again. False if it is."""
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    if name in rejected_names(vocab_dir):
        return False
    path = vocab_dir / "rejected.yaml"
    if not path.exists():
        atomic_write(path, REJECTED_HEADER)
    _append(path, f"- {_yaml_scalar(name)}\n")
    return True


def merge(alias: str, name: str, candidates_path: Path | None = None, vocab_dir=None) -> bool:
    """Make `alias` another name of the actor `name`: added to its aliases in vocab/actors.yaml,
    or `name` accepted from the review list with it. False when `name` is neither."""
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    actors = load_vocabulary(vocab_dir).actors
    if name not in actors:
        return accept(name, candidates_path, vocab_dir, aliases=(alias,))
    if alias in actors[name].aliases:
        return True
    path = vocab_dir / "actors.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if _entry_name(line) == name)
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith(("- ", "#"))), len(lines)
    )
    aliases = [*actors[name].aliases, alias]
    block = [line for line in lines[start + 1 : end] if not line.startswith("  aliases:")]
    at = next((i + 1 for i, line in enumerate(block) if line.startswith("  kind:")), 0)
    block.insert(at, "  aliases: [" + ", ".join(_yaml_scalar(a) for a in aliases) + "]")
    atomic_write(path, "\n".join(lines[: start + 1] + block + lines[end:]))
    load_vocabulary(vocab_dir)  # the file still reads; an error names the entry
    return True


REJECTED_HEADER = (
    "# Names that are never actors: ingest does not tag them, the site does not publish them.\n"
    '# Written by `invoke actors --reject "Name"`; edit freely.\n'
)


def _entry_name(line: str) -> str | None:
    if not line.startswith("- name:"):
        return None
    value = yaml.safe_load(line[len("- name:") :]) if line[len("- name:") :].strip() else None
    return " ".join(str(value).split()) if value else None


def _append(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    atomic_write(path, text + block)


def _yaml_scalar(value: str) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1000).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


def _shell_quote(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'
