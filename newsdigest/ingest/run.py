"""The ingest run: every seed through read, clean, tag and write.

Unchanged seeds are skipped by their content hash. Changed ones are cleaned
and tagged in parallel worker processes; the main process alone assigns
slugs and dates, merges editors' changes and writes files, so the result does
not depend on which worker finished first. One bad file is reported on one
line and never stops the batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsdigest import parallel
from newsdigest.article import Article
from newsdigest.atomic import atomic_write, remove_stale_temporaries, storage_failure
from newsdigest.content_format import (
    FrontMatterError,
    article_fields,
    dump,
    fingerprint,
    parse,
    same_fingerprint,
)
from newsdigest.ingest.clean import CleanError, clean
from newsdigest.ingest.ledger import Entry, Ledger, SeedStats
from newsdigest.ingest.read import MAX_BYTES, ReadError, read_seed, seed_format
from newsdigest.lock import folder_lock
from newsdigest.text import slugify

log = logging.getLogger(__name__)

# Bump when cleaning or tagging changes what is written: every article is redone once.
PIPELINE_VERSION = "2"
PARALLEL_THRESHOLD = 32  # below this many changed seeds, worker start-up costs more than it saves
# File names Windows refuses whatever the extension: a slug never takes one of them.
RESERVED_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(10)
}
_ISO_DAY = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\d])")


@dataclass
class Report:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    edited: list[tuple[str, list[str]]] = field(default_factory=list)  # kept editor changes
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    seedless: list[str] = field(default_factory=list)
    untouched: bool = False  # nothing changed: the content folder was not even looked into

    def summary(self) -> str:
        parts = [
            f"{len(self.ingested)} ingested",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.failed)} failed",
        ]
        if self.edited:
            parts.append(f"{len(self.edited)} with editor changes kept")
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} duplicates skipped")
        if self.seedless:
            parts.append(f"{len(self.seedless)} kept without a seed")
        line = "ingest: " + ", ".join(parts)
        if self.failed:
            line += " — some files failed, see the errors above"
        return line


@dataclass
class _Seed:
    name: str  # relative to the seeds folder, with forward slashes
    where: str  # the file
    digest: str
    stat: list  # size, modification time, digest: as SeedStats records it
    trusted: bool  # the digest is the recorded one: size and time had not changed

    @property
    def path(self) -> Path:
        return Path(self.where)


def ingest(
    seeds_dir: Path,
    content_dir: Path,
    *,
    force: bool = False,
    workers: int | None = None,
    vocab_dir: Path | None = None,
    today: dt.date | None = None,
    links_inside: bool = False,
) -> Report:
    """Ingest every seed in `seeds_dir` into `content_dir`; never raises for a bad seed.

    Symbolic links among the seeds are refused (a link could publish any file of the
    machine); `links_inside` accepts those that lead to a place inside the seeds folder."""
    seeds_dir, content_dir = Path(seeds_dir), Path(content_dir)
    content_dir.mkdir(parents=True, exist_ok=True)
    with folder_lock(content_dir):
        day = today or first_seen_day()
        return _ingest(seeds_dir, content_dir, force, workers, vocab_dir, day, links_inside)


def first_seen_day() -> dt.date:
    """The date given to an article whose source declares none: today (UTC), or SOURCE_DATE_EPOCH."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


def _ingest(seeds_dir, content_dir, force, workers, vocab_dir, today, links_inside) -> Report:
    report = Report()
    remove_stale_temporaries(content_dir)  # left by a run that was killed; we hold the lock
    tagging = _pipeline_fingerprint(vocab_dir)
    stats = SeedStats(content_dir)
    seen = stats.load()
    listed = list(_list_seeds(seeds_dir, report, links_inside, seen["seeds"] if seen else {}))
    # No folder of articles changed since the last run: none of its files was deleted, so
    # each file the ledger names is still there (one check, not one per seed: a second at
    # 100,000 seeds).
    content_kept = bool(seen) and seen.get("content") == stats.content_state()
    if (
        not force
        and seen.get("pipeline") == tagging
        and all(seed.trusted for seed in listed)
        and len(listed) == len(seen["seeds"])
        and content_kept
    ):  # nothing changed since the last run: the ledger need not even be read
        report.unchanged = [seed.name for seed in listed]
        report.seedless = list(seen.get("seedless") or [])
        report.untouched = True
        return report
    ledger = Ledger(content_dir).load()
    by_seed, by_digest = ledger.by_seed(), ledger.by_digest()

    seeds, planned = [], {}
    for seed in listed:
        entry = by_seed.get(seed.name)
        renamed = by_digest.get(seed.digest)
        if entry is None and renamed is not None and renamed.seed != seed.name:
            if (seeds_dir / renamed.seed).exists():
                report.duplicates.append((seed.name, renamed.seed))
                log.warning("skipped: %s: same content as %s", seed.name, renamed.seed)
                continue
            entry = renamed  # the seed was renamed: it keeps its slug and date
        unchanged = (
            not force
            and entry is not None
            and entry.digest == seed.digest
            and entry.pipeline == tagging
            and (content_kept or (content_dir / entry.path).exists())
        )
        if unchanged:
            if entry.seed != seed.name:
                entry.seed = seed.name
                ledger.record(entry)
            report.unchanged.append(seed.name)
        else:
            seeds.append(seed)
            planned[seed.name] = entry

    present = {seed.name for seed in seeds} | set(report.unchanged)
    present |= {name for name, _ in report.duplicates} | {name for name, _ in report.failed}
    report.seedless = sorted(e.seed for e in ledger.entries.values() if e.seed not in present)

    for seed, outcome in _process(seeds, workers, vocab_dir):
        if isinstance(outcome, str):
            report.failed.append((seed.name, outcome))
            print(f"error: {seeds_dir / seed.name}: {outcome}", file=sys.stderr)
            continue
        article, candidates = outcome
        entry = planned[seed.name]
        try:
            _store(
                article, candidates, seed, entry, ledger, content_dir, tagging, today, force, report
            )
        except Exception as error:  # one bad file never stops the batch
            if storage_failure(error):
                raise  # a full disk: every next write would fail too; the journal keeps the rest
            if isinstance(error, FrontMatterError) and entry is not None:
                reason = f"{content_dir / entry.path}: {error} (fix it, or use --force)"
            elif isinstance(error, OSError):
                reason = f"cannot write: {error.strerror or error}"
            else:
                log.debug("unexpected error on %s", seed.name, exc_info=True)
                reason = f"unexpected error: {type(error).__name__}: {error}"
            report.failed.append((seed.name, reason))
            print(f"error: {seeds_dir / seed.name}: {reason}", file=sys.stderr)
            continue
        report.ingested.append(seed.name)

    ledger.save()
    _write_review_list(ledger, content_dir)
    done = set(report.unchanged) | set(report.ingested)
    stats.save(
        tagging, {seed.name: seed.stat for seed in listed if seed.name in done}, report.seedless
    )
    return report


def _list_seeds(
    seeds_dir: Path, report: Report, links_inside: bool, seen: dict[str, list]
) -> Iterator[_Seed]:
    """Every seed in name order; hidden files and folders are not seeds, anything else is tried.
    A seed `seen` with its size and modification time is not read (its digest is trusted)."""
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"seeds folder not found: {seeds_dir}")
    found: list[tuple[tuple[str, ...], os.DirEntry]] = []
    refused: list[tuple[tuple[str, ...], str]] = []
    root_real = seeds_dir.resolve()
    visited = {str(root_real)}
    folders = [(str(seeds_dir), ())]
    while folders:  # os.scandir: one stat per seed, taken with the listing where it can be
        folder, rel = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_symlink():
                link = _refused_link(Path(entry.path), root_real, links_inside)
                if link:
                    refused.append(((*rel, name), link))
                    continue
            if entry.is_dir():
                real = os.path.realpath(entry.path)
                if real in visited:
                    continue
                visited.add(real)
                if seed_format(name) is None:
                    folders.append((entry.path, (*rel, name)))
                    continue  # a folder named like an article is reported below, not searched
            found.append(((*rel, name), entry))
    for parts, reason in sorted(refused):
        report.failed.append(("/".join(parts), reason))
        print(f"error: {seeds_dir.joinpath(*parts)}: {reason}", file=sys.stderr)
    for parts, entry in sorted(found, key=lambda item: item[0]):
        name = "/".join(parts)
        try:
            info = _seed_stat(entry)
            known = seen.get(name)
            trusted = bool(known) and known[:2] == [info.st_size, info.st_mtime_ns]
            digest = known[2] if trusted else _seed_digest(entry.path)
        except (ReadError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            report.failed.append((name, reason))
            print(f"error: {entry.path}: {reason}", file=sys.stderr)
            continue
        stats = [info.st_size, info.st_mtime_ns, digest]
        yield _Seed(name=name, where=entry.path, digest=digest, stat=stats, trusted=trusted)


def _refused_link(path: Path, root_real: Path, links_inside: bool) -> str | None:
    """Why a symbolic link among the seeds is not read (None for anything else)."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if links_inside and target.is_relative_to(root_real) and target.exists():
        return None
    where = "inside" if target.is_relative_to(root_real) else "outside"
    hint = " (--links-inside accepts links within the seeds folder)" if where == "inside" else ""
    return f"is a symbolic link to a place {where} the seeds folder; links are not followed{hint}"


def _seed_stat(entry: os.DirEntry) -> os.stat_result:
    """A seed's size and times, after the checks that need no reading."""
    if seed_format(entry.name) is None:
        if entry.is_dir():
            raise ReadError("is a directory, not a file")
        suffix = os.path.splitext(entry.name)[1]
        raise ReadError(f"unknown file type {suffix or '(no extension)'!r}, expected .txt or .html")
    info = entry.stat()
    if stat.S_ISDIR(info.st_mode):
        raise ReadError("is a directory named like an article, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("is not a regular file (a pipe, socket or device)")
    if info.st_size > MAX_BYTES:
        raise ReadError(
            f"file is too large ({info.st_size / 2**20:.1f} MB, limit {MAX_BYTES // 2**20} MB)"
        )
    return info


def _seed_digest(path: str) -> str:
    """The sha256 of a seed's bytes."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


_TAGGER = None


def _load_tagger(vocab_dir: Path | None):
    """The tagger of this run, made once per process (forked workers share the parent's)."""
    global _TAGGER
    from newsdigest.ingest.tag import Tagger, recogniser

    key = (vocab_dir, recogniser.model_name())
    if _TAGGER is None or _TAGGER[0] != key:
        _TAGGER = (key, Tagger.load(Path(vocab_dir) if vocab_dir else None))
    return _TAGGER[1]


def _pipeline_fingerprint(vocab_dir: Path | None) -> str:
    """The fingerprint of what ingest would do to a seed, known without loading the tagger."""
    from newsdigest.ingest.tag import recogniser, tagging_fingerprint
    from newsdigest.vocab import vocabulary_fingerprint

    tagging = tagging_fingerprint(vocabulary_fingerprint(vocab_dir), recogniser.model_name())
    return hashlib.sha256(f"{PIPELINE_VERSION}:{tagging}".encode()).hexdigest()[:16]


def _work(item: tuple[Path, Path | None]):
    """Read, clean and tag one seed; a string result is the reason it failed."""
    path, vocab_dir = item
    try:
        article = clean(read_seed(path))
        tags = _load_tagger(vocab_dir).tag(
            article.title, article.body, article.source_name, article.source_url
        )
    except (ReadError, CleanError) as error:
        return str(error)
    except RecursionError:
        return "article is nested too deeply to read"
    except Exception as error:  # one bad file never stops the batch
        log.debug("unexpected error on %s", path, exc_info=True)
        return f"unexpected error: {type(error).__name__}: {error}"
    article.terms, article.quotes = tags.terms, tags.quotes
    return article, [_candidate_dict(c) for c in tags.candidates]


def _candidate_dict(candidate) -> dict:
    return {
        "name": candidate.name,
        "kind": candidate.kind,
        "role": candidate.role,
        "context": candidate.context,
    }


def _process(seeds: list[_Seed], workers: int | None, vocab_dir: Path | None):
    """Yield (seed, outcome) in seed order, using worker processes for big batches."""
    items = [(seed.path, vocab_dir) for seed in seeds]
    progress = dict(
        total=len(items), unit="seed", desc="ingest", disable=None, leave=False, file=sys.stderr
    )
    if not items:
        return  # nothing to tag: the tagger is never loaded
    from tqdm import tqdm

    _load_tagger(vocab_dir)  # here, so that forked workers share it
    workers = workers or parallel.workers()
    if len(items) < PARALLEL_THRESHOLD or workers == 1:
        for seed, item in tqdm(zip(seeds, items, strict=True), **progress):
            yield seed, _work(item)
        return
    done = 0
    with tqdm(**progress) as bar:
        while done < len(items):
            try:
                for outcome in parallel.map_forked(_work, items[done:], workers, chunksize=16):
                    yield seeds[done], outcome
                    done += 1
                    bar.update()
            except parallel.BrokenProcessPool:
                # A worker died (killed, out of memory, a crash in a C library): the seed it was
                # on fails alone, in a process of its own, and the batch goes on.
                yield seeds[done], _work_isolated(items[done])
                done += 1
                bar.update()


def _work_isolated(item):
    try:
        return parallel.run_forked(_work, item)
    except RuntimeError:
        return "the process reading it died (out of memory, or a crash while parsing)"


def _store(
    article: Article,
    candidates: list[dict],
    seed: _Seed,
    entry: Entry | None,
    ledger: Ledger,
    content_dir: Path,
    tagging: str,
    today: dt.date,
    force: bool,
    report: Report,
) -> None:
    """Give the article its stable slug and date, keep editors' changes, write it."""
    if entry is None:
        date = _article_date(article.date, _first_seen(seed.path, today))
        slug = _free_slug(article.title, ledger)
        entry = Entry(
            slug=slug, seed=seed.name, digest=seed.digest, date=date, path=_content_path(slug, date)
        )
    machine = article_fields(article, entry.slug, entry.date)
    target = content_dir / entry.path
    fields, kept = machine, []
    if target.exists() and not force:
        current_text = target.read_text(encoding="utf-8", errors="replace")
        if entry.written and hashlib.sha256(current_text.encode()).hexdigest() == entry.written:
            pass  # untouched since ingest wrote it
        else:
            fields, kept = _merge(machine, parse(current_text), entry)
    text = dump(fields)
    if not target.exists() or target.read_text(encoding="utf-8", errors="replace") != text:
        atomic_write(target, text)
    entry.seed, entry.digest, entry.pipeline = seed.name, seed.digest, tagging
    entry.written = hashlib.sha256(text.encode()).hexdigest()
    entry.fields = {key: fingerprint(value) for key, value in machine.items()}
    entry.candidates = candidates
    ledger.record(entry)
    if kept:
        report.edited.append((seed.name, kept))
        log.info("kept editor changes: %s: %s", entry.path, ", ".join(kept))  # news, not trouble


def _merge(machine: dict, current: dict, entry: Entry) -> tuple[dict, list[str]]:
    """Fields the editor changed since the last write stay; the machine refreshes the rest."""
    if not entry.fields:  # a file ingest has no record of writing: all of it is the editor's
        return current, sorted(k for k in current if machine.get(k) != current.get(k))
    merged, kept = {}, []
    for key in list(machine) + [k for k in current if k not in machine]:
        last_written = entry.fields.get(key)
        if key in current and not same_fingerprint(current[key], last_written):
            merged[key] = current[key]
            if current[key] != machine.get(key):
                kept.append(key)
        elif key not in current and last_written is not None:
            kept.append(key)  # the editor removed it: it stays removed
        elif key in machine:
            merged[key] = machine[key]
    merged["slug"], merged["date"] = entry.slug, current.get("date", entry.date)
    return merged, kept


def _free_slug(title: str, ledger: Ledger) -> str:
    """The title's slug, numbered when another article already has it."""
    base = slugify(title) or "article"
    if base in RESERVED_NAMES:
        base += "-article"
    slug, number = base, 1
    while slug in ledger.entries:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _first_seen(path: Path, today: dt.date) -> str:
    """When this seed was first seen: the time it arrived in the seeds folder (its modification
    time, never later than now) on the day of this run; the day alone when the two disagree
    (SOURCE_DATE_EPOCH, or a run given its day)."""
    now = dt.datetime.now(dt.UTC)
    try:
        arrived = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except (OSError, OverflowError, ValueError):
        arrived = now
    arrived = min(arrived, now).replace(microsecond=0)
    return arrived.isoformat() if arrived.date() == today else today.isoformat()


def _article_date(declared: str | None, first_seen: str) -> str:
    """The source's date; its day with the first-seen time when it gives no time of day and
    is the day the seed was first seen; the first-seen time when it gives no date at all.
    So feed entries get distinct, truthful times, not all 00:00."""
    if not declared or not _ISO_DAY.match(declared):
        return first_seen
    if len(declared) == 10 and first_seen.startswith(declared) and len(first_seen) > 10:
        return first_seen
    return declared


def _content_path(slug: str, date: str) -> str:
    return f"{date[:4]}/{date[5:7]}/{slug}.md"


def _write_review_list(ledger: Ledger, content_dir: Path) -> None:
    """Collect the new-actor candidates of every article into the editors' review list.

    The list records a digest of the ledger's candidates it was made from, and is rewritten
    whenever the two differ: a run killed between saving the ledger and writing the list
    leaves a list that the next run puts right."""
    from newsdigest.ingest.tag.candidates import Candidate, review_list_source, write_review_list

    entries = sorted(ledger.entries.values(), key=lambda e: e.slug)
    source = hashlib.sha256(
        json.dumps([[e.slug, e.candidates] for e in entries], sort_keys=True).encode()
    ).hexdigest()
    path = content_dir / "candidates.yaml"
    if review_list_source(path) == source:
        return
    by_article = {e.slug: [Candidate(**candidate) for candidate in e.candidates] for e in entries}
    write_review_list(by_article, path, source)
