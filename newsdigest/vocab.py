"""Load the editors' vocabularies (vocab/*.yaml) and compile them into fast matchers.

Topics and actors are data that editors own; this module turns them into a few
compiled regular expressions, built once per run, so that tagging an article is
a handful of scans over its text rather than a loop over hundreds of patterns.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import pycountry
import yaml

from newsdigest import iptc
from newsdigest.kept import keep, read_kept

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"
# What the fingerprint covers; rejected.yaml lists the names editors never want as actors.
VOCAB_FILES = ("topics.yaml", "actors.yaml", "states.yaml", "rejected.yaml")
ACTOR_KINDS = ("person", "organisation", "state")
KEPT_NAME = "vocabulary.json"  # the compiled topics and patterns (`newsdigest.kept`)


class VocabularyError(Exception):
    """A vocabulary file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    iptc: str
    parent: str | None = None  # slug of the top-level topic
    iptc_name: str | None = None
    terms: dict[str, float] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    role: str | None = None
    aliases: tuple[str, ...] = ()
    pronoun: str | None = None  # he | she | they, for people
    code: str | None = None  # ISO 3166 alpha-2, for states
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    unless_next: tuple[str, ...] = ()  # words that, right after a name, mean something else
    topics: tuple[str, ...] = ()  # slugs of the topics an article naming it is likely about


@dataclass(frozen=True)
class Form:
    """One surface form of an actor and how it counts as evidence."""

    actor: str
    mode: str  # name | alias | surname | demonym | capital


@dataclass
class Vocabulary:
    topics: list[Topic]
    actors: dict[str, Actor]
    scoring: dict[str, float]
    fingerprint: str
    forms: dict[str, list[Form]]
    # The forms that start with a capital letter, as one pattern that starts with that letter,
    # not with a look-behind, so that the regex engine skips ahead to capitals; callers keep the
    # matches that start a word (`word_matches`). The few other forms (von der Leyen, dpa) are
    # found one by one (`lowercase_forms`).
    actor_pattern: re.Pattern[str]
    lowercase_forms: tuple[str, ...]
    term_pattern: re.Pattern[str]
    term_topics: dict[str, list[tuple[Topic, float]]]  # term (without *) -> topics
    term_weights: dict[str, list[tuple[str, float]]]  # term -> (topic name, weight), each once
    wildcard_terms: set[str]  # terms that end in *
    rejected: frozenset[str] = frozenset()  # names never tagged or published


_DOCUMENTS = ("topics.yaml", "states.yaml", "actors.yaml")  # parsed once, kept as JSON


def load_vocabulary(vocab_dir: Path | None = None) -> Vocabulary:
    """Read the YAML files of `vocab_dir` (default: the repository's vocab/) and compile them."""
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    raw = {name: _read_bytes(vocab_dir / name) for name in VOCAB_FILES}
    fingerprint = vocabulary_fingerprint(vocab_dir, raw)
    # The topics with their IPTC evidence and the two patterns are most of the time: kept.
    kept_key = [fingerprint, _code_fingerprint()]
    kept = read_kept(KEPT_NAME, kept_key) or {}
    docs = _kept_documents(kept.get("documents"))
    for name in set(_DOCUMENTS) - set(docs):
        docs[name] = _parse(vocab_dir / name, raw[name])
    topics_doc = docs["topics.yaml"] or {}
    topics = _kept_topics(kept.get("topics"))
    if topics is None:
        entries = _topic_entries(topics_doc, vocab_dir)
        topics = [_topic(entry, vocab_dir / "topics.yaml") for entry in entries]
    scoring = {"min_score": 6.0, "min_terms": 2, "relative": 0.35, "max_topics": 4}
    scoring.update(topics_doc.get("scoring") or {})

    actors: dict[str, Actor] = {}
    for actor in _states(docs["states.yaml"] or {}):
        actors[actor.name] = actor
    for entry in docs["actors.yaml"] or []:
        actor = _actor(entry, vocab_dir / "actors.yaml")
        actors[actor.name] = actor

    forms = _forms(actors)
    term_topics: dict[str, list[tuple[Topic, float]]] = {}
    wildcard_terms: set[str] = set()
    for topic in topics:
        for term, weight in topic.terms.items():
            term = " ".join(term.lower().split())
            if term.endswith("*"):
                term = term[:-1]
                wildcard_terms.add(term)
            term_topics.setdefault(term, []).append((topic, float(weight)))
    # A phrase an editor wrote out takes its matches from a wildcard it starts with
    # ("striker" is not "strike*"); one read from the IPTC tree shares them ("teachers" is
    # still "teacher*").
    written = {
        " ".join(str(term).lower().split()).rstrip("*")
        for entry in topics_doc.get("topics") or []
        if isinstance(entry, dict)
        for term in entry.get("terms") or {}
    }
    for term in sorted(set(term_topics) - written - wildcard_terms):
        for cut in range(len(term) - 1, 0, -1):
            if term[:cut] in wildcard_terms:
                term_topics[term].extend(term_topics[term[:cut]])
                break
    actor_pattern, term_pattern = kept.get("actor_pattern"), kept.get("term_pattern")
    if not (isinstance(actor_pattern, str) and isinstance(term_pattern, str)):
        actor_pattern = trie_pattern(f for f in forms if not f[0].islower())
        term_pattern = trie_pattern(term_topics, wildcards=wildcard_terms)
        keep(KEPT_NAME, kept_key, _kept_data(topics, docs, actor_pattern, term_pattern))
    return Vocabulary(
        topics=topics,
        actors=actors,
        scoring=scoring,
        fingerprint=fingerprint,
        forms=forms,
        actor_pattern=re.compile(r"(?:" + actor_pattern + r")(?![\w&])"),
        lowercase_forms=tuple(f for f in forms if f[0].islower()),
        term_pattern=re.compile(r"(?<![\w&])(?:" + term_pattern + r")(?![\w&])"),
        term_topics=term_topics,
        term_weights={
            term: list({topic.name: weight for topic, weight in pairs}.items())
            for term, pairs in term_topics.items()
        },
        wildcard_terms=wildcard_terms,
        rejected=rejected_names(vocab_dir, raw["rejected.yaml"]),
    )


def _kept_topics(kept) -> list[Topic] | None:
    try:
        return [Topic(**entry) for entry in kept] if isinstance(kept, list) else None
    except TypeError:  # kept by another version of the code
        return None


def _kept_documents(kept) -> dict:
    """The vocabulary files kept as parsed: reading them as JSON takes a tenth of the time
    the YAML constructor takes (0.16 s for the shipped files, at every run of ingest)."""
    if not isinstance(kept, dict):
        return {}
    return {name: kept[name] for name in _DOCUMENTS if name in kept}


def _kept_data(topics: list[Topic], docs: dict, actor_pattern: str, term_pattern: str) -> dict:
    """What `load_vocabulary` keeps: not what JSON would not give back as it is (a value of
    a type JSON does not have, such as a date, or a key such as Norway's `NO`, which YAML
    reads as false)."""
    data = {"actor_pattern": actor_pattern, "term_pattern": term_pattern}
    topics_data = [asdict(topic) for topic in topics]
    if _as_json(topics_data):
        data["topics"] = topics_data
    data["documents"] = {name: doc for name, doc in docs.items() if _as_json(doc)}
    return data


def _as_json(value) -> bool:
    """Whether JSON gives `value` back as it is."""
    try:
        return json.loads(json.dumps(value)) == value
    except (TypeError, ValueError):
        return False


def _code_fingerprint() -> str:
    """The code that builds the topics' evidence and the patterns, and the word frequencies
    the evidence is weighed by."""
    digest = hashlib.sha256()
    for module in (__file__, iptc.__file__):
        digest.update(Path(module).read_bytes())
    digest.update(metadata.version("wordfreq").encode())
    return digest.hexdigest()


def vocabulary_fingerprint(vocab_dir: Path | None = None, raw: dict | None = None) -> str:
    """A hash of the vocabulary files (and the IPTC tree and country list they draw on), read
    without compiling them: ingest knows from it whether articles need tagging again."""
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    raw = raw or {name: _read_bytes(vocab_dir / name) for name in VOCAB_FILES}
    digest = hashlib.sha256()
    for name in VOCAB_FILES:
        digest.update(name.encode() + b"\0" + raw[name] + b"\0")
    digest.update(f"pycountry={_pycountry_version()}".encode())
    # The data files a vocabulary names (the IPTC tree), found without parsing it.
    for path in sorted(vocab_dir.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + _read_bytes(path) + b"\0")
    return digest.hexdigest()


def rejected_names(vocab_dir: Path, data: bytes | None = None) -> frozenset[str]:
    """The names of vocab/rejected.yaml (a YAML list): never an actor, never published."""
    path = Path(vocab_dir) / "rejected.yaml"
    data = _read_bytes(path) if data is None else data
    names = _parse(path, data) or []
    if not isinstance(names, list):
        raise VocabularyError(f"{path}: a list of names is expected")
    return frozenset(" ".join(str(name).split()) for name in names if name)


def term_entries(
    vocabulary: str, vocab_dir: Path | None = None, proposed: Path | None = None
) -> dict[str, dict]:
    """What the site shows of the terms of one vocabulary, by name: slug, kind, role, IPTC code.

    `vocabulary` is what a taxonomy declares: "topics" (found by name or slug) and
    "actors" (states from pycountry included) are the tagger's vocabularies; any other
    name is a file `<vocabulary>.yaml` holding a list of entries with at least a `name`.
    Read without compiling the tagger's matchers: the site needs none of them.

    `proposed` is a review list of ingest (a YAML list of entries with `name`, `kind`,
    `role`): terms the editors have not accepted yet take their kind and role from it, and
    are marked `proposed`.
    """
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    found = _vocabulary_entries(vocabulary, vocab_dir)
    if vocabulary == "actors":
        for name in rejected_names(vocab_dir):
            found[name] = {"rejected": True}
    if proposed is not None and Path(proposed).is_file():
        for entry in _parse(Path(proposed), Path(proposed).read_bytes()) or []:
            if isinstance(entry, dict) and entry.get("name"):
                name = " ".join(str(entry["name"]).split())
                kept = {k: entry[k] for k in ("kind", "role") if entry.get(k)}
                found.setdefault(name, {**kept, "proposed": True})
    return found


_ENTRIES: dict[tuple[str, str], tuple[list, dict]] = {}  # read in this process, by files' stamps


def _vocabulary_entries(vocabulary: str, vocab_dir: Path) -> dict[str, dict]:
    """The entries of a vocabulary, read once a process while its files stay the same."""
    stamps = _folder_stamps(vocab_dir)
    known = _ENTRIES.get((vocabulary, str(vocab_dir)))
    if known is None or known[0] != stamps:
        known = _ENTRIES[vocabulary, str(vocab_dir)] = (
            stamps,
            _read_entries(vocabulary, vocab_dir),
        )
    return {name: dict(entry) for name, entry in known[1].items()}  # the caller's to change


def _folder_stamps(folder: Path) -> list:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        infos = [(e.name, e.stat()) for e in entries if e.is_file()]
        return [(name, info.st_size, info.st_mtime_ns) for name, info in infos]
    except OSError:
        return []


def _read_entries(vocabulary: str, vocab_dir: Path) -> dict[str, dict]:
    if vocabulary == "topics":
        path = vocab_dir / "topics.yaml"
        doc = _parse(path, _read_bytes(path)) or {}
        topics = [_topic(entry, path) for entry in _topic_entries(doc, vocab_dir, evidence=False)]
        found = {topic.name: _fields(topic) for topic in topics}
        found.update({topic.slug: _fields(topic) for topic in topics})
        return found
    if vocabulary == "actors":
        states = _parse(vocab_dir / "states.yaml", _read_bytes(vocab_dir / "states.yaml")) or {}
        actors = {actor.name: _fields(actor) for actor in _states(states)}
        path = vocab_dir / "actors.yaml"
        for entry in _parse(path, _read_bytes(path)) or []:
            actor = _actor(entry, path)
            actors[actor.name] = _fields(actor)
        return actors
    path = vocab_dir / f"{vocabulary}.yaml"
    entries = _parse(path, _read_bytes(path)) or []
    if isinstance(entries, dict):  # {places: [...]} as well as a plain list
        entries = entries.get(vocabulary) or []
    found = {}
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("name"):
            raise VocabularyError(f"{path}: an entry without a name: {entry!r}")
        found[" ".join(str(entry["name"]).split())] = dict(entry)
    return found


def _fields(entry) -> dict:
    return {name: getattr(entry, name) for name in entry.__dataclass_fields__}


def word_matches(pattern: re.Pattern[str], text: str, inside_word: str = "&"):
    """The matches of `pattern` in `text` that start a word: not after a letter, a digit, `_`
    or a character of `inside_word`. The same matches as a look-behind at the front of the
    pattern, found faster."""
    search, pos = pattern.search, 0
    while (match := search(text, pos)) is not None:
        start = match.start()
        if start and (text[start - 1].isalnum() or text[start - 1] in inside_word):
            pos = start + 1  # inside a word: try again from the next character
            continue
        yield match
        pos = match.end() if match.end() > start else start + 1


def trie_pattern(words, wildcards: set[str] = frozenset()) -> str:
    """A regular expression matching any of `words`, longest first, factored as a prefix tree.

    One alternation per distinct next character keeps the regex engine from trying
    hundreds of alternatives at every position. Words in `wildcards` also match
    any word characters after them.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = "*" if word in wildcards else ""
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    branches = [
        re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char
    ]
    end = node.get("")
    if end == "*":
        branches.append(r"\w*")
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if end == "" and "" in node:
        return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
    return body


def _forms(actors: dict[str, Actor]) -> dict[str, list[Form]]:
    """Every surface form that names an actor, with the kind of evidence it is."""
    forms: dict[str, list[Form]] = {}

    def add(text: str, actor: Actor, mode: str) -> None:
        text = " ".join(text.split())
        if len(text) < 2:
            return
        entries = forms.setdefault(text, [])
        if all(f.actor != actor.name for f in entries):
            entries.append(Form(actor.name, mode))

    for actor in actors.values():  # names and aliases first: they win over derived forms
        add(actor.name, actor, "name")
        for alias in actor.aliases:
            add(alias, actor, "alias")
    for actor in actors.values():
        for demonym in actor.demonyms:
            add(demonym, actor, "demonym")
        for capital in actor.capitals:
            add(capital, actor, "capital")
        if actor.kind == "person":
            surname = person_surname(actor.name)
            if (
                surname
                and surname not in forms
                or surname
                and all(f.mode == "surname" for f in forms[surname])
            ):
                add(surname, actor, "surname")
    return forms


_ROMAN = re.compile(r"^(?:[IVX]+|Jr\.?|Sr\.?)$")


def person_surname(name: str) -> str | None:
    """The last name of a person's canonical name, used alone once the full name has appeared."""
    words = name.split()
    while words and _ROMAN.match(words[-1]):
        words.pop()
    if len(words) < 2:
        return None
    return words[-1]


def _states(overrides: dict) -> list[Actor]:
    """One state actor per pycountry country, with the editors' names and demonyms applied."""
    states = []
    territories = set(overrides.get("territories") or ())
    for country in pycountry.countries:
        if country.alpha_2 in territories:
            continue  # a dependency or a part of a state: a place
        extra = overrides.get(country.alpha_2) or {}
        common = getattr(country, "common_name", None)
        name = extra.get("name") or common or country.name
        aliases = [country.name, getattr(country, "official_name", None), common]
        aliases = [a.removeprefix("the ") if a else a for a in aliases]  # the State of Eritrea
        aliases += list(extra.get("aliases") or [])
        aliases = tuple(dict.fromkeys(a for a in aliases if a and a != name and "," not in a))
        states.append(
            Actor(
                name=name,
                kind="state",
                aliases=aliases,
                code=country.alpha_2,
                demonyms=tuple(extra.get("demonyms") or ()),
                capitals=tuple(extra.get("capitals") or ()),
                unless_next=tuple(extra.get("unless_next") or ()),
            )
        )
    return states


def _topic_entries(doc: dict, vocab_dir: Path, evidence: bool = True) -> list:
    """The topics topics.yaml lists, then the other topics of the IPTC tree it names, down to
    its `levels` (`newsdigest.iptc`); with `evidence`, every topic also gets the evidence its
    IPTC entry gives, under the editors' own terms."""
    entries = list(doc.get("topics") or [])
    settings = doc.get("iptc_tree") or {}
    if not settings.get("file"):
        return entries
    path = vocab_dir / str(settings["file"])
    try:
        tree = iptc.read_tree(path)
    except (OSError, ValueError) as error:
        raise VocabularyError(f"{path}: cannot read the IPTC tree: {error}") from error
    by_code = {entry["code"]: entry for entry in tree}
    spread = iptc.definition_spread(tree) if evidence else None
    known = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("iptc") in by_code:
            if evidence:
                terms = iptc.evidence(by_code[entry["iptc"]], spread)
                terms.update({str(k).lower(): v for k, v in (entry.get("terms") or {}).items()})
                entry = {**entry, "terms": terms}
            known[entry["iptc"]] = entry
    listed = [known.get(e.get("iptc"), e) if isinstance(e, dict) else e for e in entries]
    return listed + iptc.tree_topics(tree, known, int(settings.get("levels", 4)), spread)


def _topic(entry: dict, path: Path) -> Topic:
    try:
        return Topic(
            name=str(entry["name"]),
            slug=str(entry["slug"]),
            iptc=str(entry["iptc"]),
            parent=entry.get("parent"),
            iptc_name=entry.get("iptc_name"),
            terms={str(k): float(v) for k, v in (entry.get("terms") or {}).items()},
        )
    except (KeyError, TypeError, ValueError) as error:
        raise VocabularyError(f"{path}: bad topic entry {entry!r}: {error}") from error


def _actor(entry: dict, path: Path) -> Actor:
    try:
        kind = entry.get("kind", "person")
        if kind not in ACTOR_KINDS:
            raise ValueError(f"kind must be one of {ACTOR_KINDS}")
        return Actor(
            name=" ".join(str(entry["name"]).split()),
            kind=kind,
            role=entry.get("role"),
            aliases=tuple(str(a) for a in entry.get("aliases") or ()),
            pronoun=entry.get("pronoun"),
            demonyms=tuple(str(a) for a in entry.get("demonyms") or ()),
            capitals=tuple(str(a) for a in entry.get("capitals") or ()),
            unless_next=tuple(str(a) for a in entry.get("unless_next") or ()),
            topics=tuple(str(a) for a in entry.get("topics") or ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise VocabularyError(f"{path}: bad actor entry {entry!r}: {error}") from error


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if path.name in ("states.yaml", "rejected.yaml"):
            return b""
        raise VocabularyError(f"{path}: vocabulary file missing") from None


def _parse(path: Path, data: bytes):
    try:
        text = data.decode("utf-8")
        if data and hasattr(yaml, "CSafeLoader"):  # libyaml: the same values, ten times faster
            try:
                return yaml.load(text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                pass  # the pure-Python loader decides and words the error
        return yaml.safe_load(text) if data else None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise VocabularyError(f"{path}: {error}") from error


def _pycountry_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pycountry")
    except PackageNotFoundError:
        return "unknown"
