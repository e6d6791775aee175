"""The ledger: what ingest knows about each article it has written.

It keeps an article's slug and first-seen date forever (so URLs and feed
entries never move), the seed's content hash (so unchanged seeds are skipped
and renamed seeds are recognised) and fingerprints of the values it last wrote
(so an editor's change to a field is noticed and kept).

It lives in the content folder as `.ledger.json`, sorted, one line per article, so that the same
seeds give the same bytes. During a run each finished article is appended to
`.ledger.journal` first; a run killed midway loses nothing it had written, and
the next run folds the journal back in.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from newsdigest.atomic import atomic_write
from newsdigest.content_format import FrontMatterError, parse

log = logging.getLogger("newsdigest")

LEDGER_NAME = ".ledger.json"
JOURNAL_NAME = ".ledger.journal"


@dataclass
class Entry:
    slug: str
    seed: str  # seed file name, relative to the seeds folder
    digest: str  # sha256 of the seed's bytes
    date: str  # first-seen or declared publication date; never changes
    path: str  # content file, relative to the content folder
    written: str = ""  # sha256 of the file as ingest last wrote it
    fields: dict[str, str] = field(default_factory=dict)  # fingerprints of the machine values
    pipeline: str = ""  # pipeline and vocabulary fingerprint that produced it
    candidates: list[dict] = field(default_factory=list)  # new actors found in it


class Ledger:
    def __init__(self, content_dir: Path):
        self.content_dir = content_dir
        self.entries: dict[str, Entry] = {}
        self._journal = None
        self.changed = False  # since it was loaded: else saving it would write the same bytes
        self._lines: dict[str, str] = {}  # each entry's line as read, until it is recorded again

    @property
    def path(self) -> Path:
        return self.content_dir / LEDGER_NAME

    @property
    def journal_path(self) -> Path:
        return self.content_dir / JOURNAL_NAME

    def load(self) -> Ledger:
        """Read the ledger and fold in the journal of a run that was killed.

        A ledger that is not valid JSON (a bad merge, a hand edit) is rebuilt from the
        front matter of the articles, so that no article loses its slug or date.
        """
        if self.path.exists():
            try:
                text = self.path.read_text(encoding="utf-8")
                data = json.loads(text)
                for slug, values in data["articles"].items():
                    self.entries[slug] = _entry(slug=slug, **values)
                self._lines = _lines_as_written(text, self.entries)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                log.warning("%s is damaged (%s); rebuilt from the articles", self.path, error)
                self.entries = self._from_articles()
                self.changed = True
        else:
            self.changed = True
        if self.journal_path.exists():
            self.changed = True
            for line in self.journal_path.read_text(
                encoding="utf-8", errors="replace"
            ).splitlines():
                try:
                    values = json.loads(line)
                    self.entries[values["slug"]] = _entry(**values)
                    self._lines.pop(values["slug"], None)
                except (ValueError, KeyError, TypeError):
                    continue  # a line torn by a crash: its article is redone
        return self

    def _from_articles(self) -> dict[str, Entry]:
        """Entries from the articles' own front matter: slug, date and seed file name.

        Their digests and fingerprints are unknown, so every seed is read again and every
        article is treated as the editor's: nothing in it is overwritten.
        """
        entries: dict[str, Entry] = {}
        for root, dirs, files in os.walk(self.content_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.endswith(".md"):
                    continue
                path = Path(root, name)
                try:
                    meta = parse(path.read_text(encoding="utf-8", errors="replace"))
                except (OSError, FrontMatterError):
                    continue
                slug, date = str(meta.get("slug") or ""), str(meta.get("date") or "")
                source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
                if slug and date and slug not in entries:
                    entries[slug] = Entry(
                        slug=slug,
                        seed=str(source.get("file") or ""),
                        digest="",
                        date=date,
                        path=path.relative_to(self.content_dir).as_posix(),
                    )
        return entries

    def by_seed(self) -> dict[str, Entry]:
        return {entry.seed: entry for entry in self.entries.values()}

    def by_digest(self) -> dict[str, Entry]:
        return {
            entry.digest: entry for entry in sorted(self.entries.values(), key=lambda e: e.slug)
        }

    def record(self, entry: Entry) -> None:
        """Remember an entry now, durably enough to survive a killed run."""
        self.entries[entry.slug] = entry
        self._lines.pop(entry.slug, None)
        self.changed = True
        if self._journal is None:
            self.content_dir.mkdir(parents=True, exist_ok=True)
            self._journal = self.journal_path.open("a", encoding="utf-8")
        stored = {name: getattr(entry, name) for name in _FIELDS}  # asdict copies deeply
        self._journal.write(_json(stored, sort_keys=True) + "\n")
        self._journal.flush()

    def save(self) -> None:
        """Write the sorted ledger atomically and drop the journal."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if not self.changed:
            return
        # One line per article, each by the C encoder (an indented dump is pure Python:
        # seconds at 100,000 articles); an entry not recorded since it was read keeps its line.
        lines = [
            self._lines.get(slug) or _line(self.entries[slug]) for slug in sorted(self.entries)
        ]
        text = _HEAD + ",\n".join(lines) + _TAIL
        if not self.path.exists() or self.path.read_text(encoding="utf-8") != text + "\n":
            atomic_write(self.path, text + "\n")
        self.journal_path.unlink(missing_ok=True)
        self.changed = False
        self._lines = {}


_FIELDS = {f.name for f in fields(Entry)}
_STORED = sorted(_FIELDS - {"slug"})


_HEAD, _TAIL = '{"articles": {\n', '\n}, "version": 1}'


def _entry(**values) -> Entry:
    """An Entry from stored values; keys a later version added are left out."""
    try:
        return Entry(**values)
    except TypeError:
        return Entry(**{k: v for k, v in values.items() if k in _FIELDS})


def _line(entry: Entry) -> str:
    """An entry's line in the ledger file; field by field, as dataclasses.asdict copies deeply."""
    stored = {name: getattr(entry, name) for name in _STORED}
    return f"{_json(entry.slug)}: {_json(stored, sort_keys=True)}"


def _lines_as_written(text: str, entries: dict[str, Entry]) -> dict[str, str]:
    """Each entry's line of a ledger file as `save` writes it, by slug; nothing when the file
    is not in that form (written by hand, or by a version that stored other fields). A line
    holds no line break (JSON escapes them), so the entries are the lines, in their order."""
    if not (entries and text.startswith(_HEAD) and text.endswith(_TAIL + "\n")):
        return {}
    lines = text[len(_HEAD) : -len(_TAIL) - 1].split(",\n")
    if len(lines) != len(entries):
        return {}
    by_slug = dict(zip(entries, lines, strict=True))
    first = next(iter(entries))
    return by_slug if by_slug[first] == _line(entries[first]) else {}


def _json(value, **options) -> str:
    """JSON text, readable Unicode where it can be encoded in UTF-8 (a seed's file name may hold
    bytes that are not, which then stay as escapes)."""
    text = json.dumps(value, ensure_ascii=False, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, **options)
    return text


class SeedStats:
    """What the last run saw of the seeds: each one's size, modification time and digest,
    and what the content folder looked like when it ended.

    A seed whose size and modification time are those recorded is trusted to be unchanged,
    as make and rsync trust them, and is not read again; when nothing at all changed, ingest
    ends without reading the ledger. Kept beside the content folder, in
    `.<content>-cache/seeds.json`: file times differ from machine to machine, content/ must
    not. Losing it costs one run that reads every seed again."""

    def __init__(self, content_dir: Path):
        self.path = content_dir.parent / f".{content_dir.name}-cache" / "seeds.json"
        self.content_dir = content_dir

    def load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) and isinstance(data.get("seeds"), dict) else {}
        except (OSError, ValueError):
            return {}

    def save(self, pipeline: str, seeds: dict[str, list], seedless: list[str]) -> None:
        data = {
            "pipeline": pipeline,
            "content": self.content_state(),
            "seeds": seeds,
            "seedless": seedless,
        }
        atomic_write(self.path, _json(data, sort_keys=True, separators=(",", ":")))

    def content_state(self) -> list[list]:
        """The size and time of the files at the top of the content folder (the ledger, a
        journal left by a killed run, the review list) and the time of every folder of
        articles (a deleted article changes its folder's): what ingest would look at."""
        state = []
        try:
            top = [e for e in os.scandir(self.content_dir) if e.is_file()]
        except OSError:
            top = []
        for entry in sorted(top, key=lambda e: e.name):
            try:
                info = entry.stat()
                state.append([entry.name, info.st_size, info.st_mtime_ns])
            except OSError:
                continue
        for root, dirs, _ in os.walk(self.content_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            try:
                # relative: the same folder named as given or absolutely is the same folder
                state.append(
                    [os.path.relpath(root, self.content_dir), None, os.stat(root).st_mtime_ns]
                )
            except OSError:
                continue
        return state
