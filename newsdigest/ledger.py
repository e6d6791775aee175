"""The ledger: what ingest knows about each article it has written.

It keeps an article's slug and first-seen date forever (so URLs and feed
entries never move), the seed's content hash (so unchanged seeds are skipped
and renamed seeds are recognised) and fingerprints of the values it last wrote
(so an editor's change to a field is noticed and kept).

It lives in the content folder as `.ledger.json`, sorted, so that the same
seeds give the same bytes. During a run each finished article is appended to
`.ledger.journal` first; a run killed midway loses nothing it had written, and
the next run folds the journal back in.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from newsdigest.write import atomic_write

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

    @property
    def path(self) -> Path:
        return self.content_dir / LEDGER_NAME

    @property
    def journal_path(self) -> Path:
        return self.content_dir / JOURNAL_NAME

    def load(self) -> Ledger:
        if self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            for slug, values in data.get("articles", {}).items():
                self.entries[slug] = Entry(slug=slug, **values)
        if self.journal_path.exists():
            for line in self.journal_path.read_text(
                encoding="utf-8", errors="replace"
            ).splitlines():
                try:
                    values = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line torn by a crash: its article is redone
                self.entries[values["slug"]] = Entry(**values)
        return self

    def by_seed(self) -> dict[str, Entry]:
        return {entry.seed: entry for entry in self.entries.values()}

    def by_digest(self) -> dict[str, Entry]:
        return {
            entry.digest: entry for entry in sorted(self.entries.values(), key=lambda e: e.slug)
        }

    def record(self, entry: Entry) -> None:
        """Remember an entry now, durably enough to survive a killed run."""
        self.entries[entry.slug] = entry
        if self._journal is None:
            self.content_dir.mkdir(parents=True, exist_ok=True)
            self._journal = self.journal_path.open("a", encoding="utf-8")
        self._journal.write(json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True) + "\n")
        self._journal.flush()

    def save(self) -> None:
        """Write the sorted ledger atomically and drop the journal."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        articles = {}
        for slug in sorted(self.entries):
            values = asdict(self.entries[slug])
            del values["slug"]
            articles[slug] = values
        text = json.dumps(
            {"version": 1, "articles": articles}, ensure_ascii=False, indent=1, sort_keys=True
        )
        if not self.path.exists() or self.path.read_text(encoding="utf-8") != text + "\n":
            atomic_write(self.path, text + "\n")
        self.journal_path.unlink(missing_ok=True)
