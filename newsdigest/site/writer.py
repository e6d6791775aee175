"""The site's writer: Pelican's, rendering only what changed, on every core, atomically.

Pelican hands every page and feed to its writer as its generators ask for them. This
writer collects them instead, and renders them when Pelican is done (`finalized`):

- a page or feed whose key is the one it had at the last build, and whose file is
  still there, is not rendered again (keys: cache.py);
- article pages go out in batches, each to a fresh forked process that ends with it,
  while this process renders the listings and feeds (which touch every article);
- every file is written to a temporary name and renamed over its target, and only when
  its bytes changed, so a reader of the output sees the old page or the new one, and a
  rebuild touches only what changed;
- a file the last build wrote and this one does not (a deleted article's page, the page
  of a term no article has any more) is removed, as a full build would not have it;
- a feed that shows summaries never renders an article's body;
- an article's feed entry is made once per build and kind of feed, though it is in the
  feeds of every term it has;
- listings and feeds are rendered in the order of the newest article they show, so that
  an article's card, on the pages of each of its terms, is made once and reused while kept.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import logging
import os
import threading
from collections import deque
from pathlib import Path

from pelican.contents import Content
from pelican.writers import FileOverwriteFailedError, Writer
from tqdm import tqdm

from newsdigest import parallel
from newsdigest.atomic import remove_stale_temporaries, write_if_changed
from newsdigest.site.cache import (
    SEARCH_KEY,
    Job,
    PageKeys,
    article_records_path,
    build_key,
    feed_job,
    load_page_cache,
    page_cache_folder,
    page_job,
    page_key,
    save_article_records,
    save_page_cache,
    saved_article_records,
    written_files,
)
from newsdigest.site.feeds import adjust_entry, summary_only, written_once
from newsdigest.site.reach import Scopes

log = logging.getLogger(__name__)

BATCH_PAGES = 200  # article pages per forked process: what one process copies stays small
KEPT_ENTRIES = 4096  # feed entries kept for the other feeds of their article
SPLIT_JOBS = 64  # fewer jobs than this are not worth a forked process
RENDER_COLLECT_EVERY = 700  # allocations between two runs of the cycle collector (Python's)
_OPEN: list[DigestWriter] = []  # writers whose pages are not rendered yet


class DigestWriter(Writer):
    """Pelican's Writer: deferred, skipping unchanged pages, forked, atomic (module docstring)."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        settings = self.settings
        # Temporaries of a build that was killed; the output folder's lock is held by now.
        if Path(output_path).is_dir() and settings.get("REMOVE_TEMPORARIES", True):
            remove_stale_temporaries(Path(output_path))
        (Path(output_path) / ".newsdigest-pages.json").unlink(missing_ok=True)  # kept there once
        self.cache_path = page_cache_folder(settings) / "keys.json"
        self.records_path = article_records_path(settings)
        self.previous = load_page_cache(self.cache_path)  # also what the last build wrote
        self.reuse = settings.get("PAGE_CACHE", True)  # False: render every page (--force)
        self._gone = _Gone(output_path, written_files(self.previous) if self.reuse else [])
        fields = tuple(settings.get("TAXONOMIES") or {})
        code_key = build_key(settings)
        self.keys = PageKeys(
            code_key, settings.get("FEED_MAX_ITEMS"), fields, saved_article_records()
        )
        self.workers = int(settings.get("RENDER_PROCESSES") or parallel.workers())
        self.batch_pages = int(settings.get("RENDER_BATCH_PAGES") or BATCH_PAGES)
        self.jobs: list[Job] = []
        self.skipped = 0
        self.page_keys: dict[str, str] = {}
        self._entries: dict[tuple, tuple] = {}  # feed entries made (`_add_item_to_the_feed`)
        self._feed_context: dict = {}  # the context of the feed being written
        _OPEN.append(self)

    def write_file(self, name, template, context, *args, **kwargs):
        if name:
            # The context itself, as Pelican's generators pass it: a copy per page would
            # hold the whole settings ten thousand times over until the pages are rendered.
            self.jobs.append(page_job(name, (name, template, context, *args), kwargs))

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        if path:
            self.jobs.append(feed_job(path, (elements, context, path, *args), kwargs))

    def flush(self) -> None:
        """Key and render every collected job on every core; raise if any failed.

        Each page is rendered once, in this process or in a forked one. A forked process
        copies every page of memory whose objects it touches (their reference counts
        change), and listings and feeds touch every article: those stay here. The article
        pages go out in batches, in the order their articles lie in memory, each batch to
        a fresh process that ends with it, so no process collects a copy of the site.
        This process renders its own jobs meanwhile, then takes batches too. A rebuild
        keys every job here first and hands out only the changed ones (`_shares`: a few
        are shared with one forked process, or stay here).
        """
        jobs, self.jobs = self.jobs, []
        self._gone.wait()
        scopes = Scopes(self.keys, self.previous if self.reuse else {})
        context = _context(jobs)
        scopes.take_terms(context.get("taxonomies") or {}, context.get("articles") or [])
        for job in jobs:  # here, so that every process shares them and this one keeps them
            if _article_page(job):
                self.keys.article_record(job.kwargs["article"])
            scopes.note(job)
        keys: dict[str, str] = {}
        todo = jobs
        if self.reuse and self.previous and self.keys.saved:
            # A rebuild with the last build's code leaves most pages as they were: the pages
            # a change cannot reach keep their keys (reach.py), the others are keyed here,
            # which costs less than the processes that would render them, and only the
            # changed ones are handed out. (Keying in a forked process would read, and so
            # copy, every article.)
            todo = [
                job
                for job in jobs
                if not self._kept(job, keys, scopes) and not self._unchanged(job, keys)
            ]
        own, batches = _shares(todo, self.workers, self.batch_pages)
        self.skipped, failed = len(jobs) - len(todo), []
        running: list[tuple[parallel.Forked, int]] = []  # (child, jobs in its batch)
        bar = tqdm(total=len(jobs), desc="render", unit="file", leave=False, disable=None)
        bar.update(self.skipped)

        def collect(block: bool) -> None:
            for child, size in list(running):
                if block or child.done():
                    running.remove((child, size))
                    try:
                        part_keys, skipped = child.result()
                    except Exception as error:
                        failed.append(error)
                        continue
                    keys.update(part_keys)
                    self.skipped += skipped
                    bar.update(size)

        # The collector in a child would touch, and so copy, every object it shares; here, it
        # would walk them all again for the strings of the saved keys (0.3 s at 10,000).
        gc.freeze()
        # Rendering leaves cycles behind (template contexts): collected at Python's pace again,
        # or a cold build at 10,000 articles peaks 20 MB higher (cli.COLLECT_EVERY).
        pace = gc.get_threshold()
        gc.set_threshold(RENDER_COLLECT_EVERY, *pace[1:])
        try:
            try:
                while own or batches:
                    collect(block=False)
                    while batches and len(running) < self.workers - 1:
                        batch = batches.popleft()
                        running.append((parallel.Forked(self._render_batch, batch), len(batch)))
                    if own:
                        mine = [own.popleft()]
                    elif batches:
                        mine = batches.pop()
                    else:  # the last batches went to other processes
                        break
                    self.skipped += sum(self._render(job, keys) for job in mine)
                    bar.update(len(mine))
            finally:
                collect(block=True)
                bar.close()
            if failed:
                for error in failed:
                    log.error("rendering failed: %s", error)
                raise RuntimeError(
                    f"{len(failed)} rendering process(es) failed, see the errors above"
                )
            gone = [name for name in written_files(self.previous) if name not in keys]
            _remove(Path(self.output_path), gone)
            scopes.keep(keys)
            save_page_cache(self.cache_path, keys)
            save_article_records(self.records_path, self.keys.code_key, self.keys.records)
        finally:
            # The batch pace again: what follows builds lists over every article, and at
            # Python's pace the collector went through all of them again and again (the
            # search blocks took 2 s rather than 0.1 s at 100,000 articles).
            gc.set_threshold(*pace)
            gc.unfreeze()
        self.page_keys = keys
        log.info(
            "%d files, %d unchanged ones not rendered again, %d no longer written removed",
            len(jobs),
            self.skipped,
            len(gone),
        )

    def _render_batch(self, batch: list[Job]) -> tuple[dict[str, str], int]:
        keys: dict[str, str] = {}
        skipped = sum(self._render(job, keys) for job in batch)
        return keys, skipped

    def _render(self, job: Job, keys: dict[str, str]) -> int:
        """Render one job unless its key is unchanged (then 1); its key goes into `keys`
        (a page that is always rendered has the empty key: the next build knows it was written)."""
        if job.name not in keys and self._unchanged(job, keys):  # a rebuild keyed it already
            return 1
        if job.method == "write_feed":
            elements, context, *rest = job.args
            if summary_only(context):
                elements = [_WithoutText(element) for element in elements]
            self._feed_context = context
            super().write_feed(elements, context, *rest, **job.kwargs)
        else:
            super().write_file(*job.args, **job.kwargs)
        return 0

    def _create_new_feed(self, feed_type, feed_title, context):
        """Pelican's feed, writing each entry's XML once per build (`feeds.written_once`).

        Pelican's one place for making a feed, and it has no public hook."""
        feed = super()._create_new_feed(feed_type, feed_title, context)
        feed.__class__ = written_once(type(feed))
        return feed

    def _add_item_to_the_feed(self, feed, item):
        """Pelican's entry for an article, made what readers need (`feeds.adjust_entry`) once
        per build, feed type and summary mode: an article is in the feeds of each of its
        terms, a dozen at most, and Pelican would format its dates, tag URI and title again
        for each.

        Pelican's one place for a feed entry, and it has no public hook."""
        article = getattr(item, "_article", item)
        key = (id(article), type(item), type(feed), self.site_url)
        made = self._entries.get(key)
        if made is None:
            super()._add_item_to_the_feed(feed, item)
            entry = feed.items.pop()
            adjust_entry(entry, article, self._feed_context)
            if len(self._entries) >= KEPT_ENTRIES:  # the oldest go first: memory stays bounded
                del self._entries[next(iter(self._entries))]
            made = self._entries[key] = (article, entry)  # the article kept: its id stays its own
        feed.items.append(made[1])  # the feed only reads it

    def _kept(self, job: Job, keys: dict[str, str], scopes: Scopes) -> bool:
        """A job no change can reach keeps its last key, if its file is still there."""
        last = self.previous.get(job.name)
        if last is None or not scopes.unchanged(job) or job.name in self._gone.names:
            return False
        keys[job.name] = last
        search = self.previous.get(SEARCH_KEY + job.name) or self.keys.search_key(job)
        if search is not None:
            keys[SEARCH_KEY + job.name] = search
        return True

    def _unchanged(self, job: Job, keys: dict[str, str]) -> bool:
        """Key a job into `keys`; whether its file is the one the last build wrote for it."""
        keys[job.name] = ""
        if job.kind is None:
            return False
        key, last = self.keys.key(job), self.previous.get(job.name)
        same = self.reuse and page_key(last) == key
        keys[job.name] = last if same else key  # the last build's text: one copy in memory
        # A page key covers all its search key does (cache.py): an unchanged page's stands.
        search = self.previous.get(SEARCH_KEY + job.name) if same else None
        search = search or self.keys.search_key(job)
        if search is not None:
            keys[SEARCH_KEY + job.name] = search
        return same and job.name not in self._gone.names

    def _open_w(self, filename, encoding, override=False):
        """A file-like object that lands on disk in one rename when its `with` block ends.

        Pelican's one place for opening an output file, and it has no public hook (tested by
        the kill tests in tests/test_reliability.py). The bookkeeping is Pelican's: a file is
        written once per build, unless one write says it overrides the others.
        """
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'cannot overwrite "{filename}" a second time (it was already overridden)'
                )
            log.info('Skipping "%s", an earlier write overrides it', filename)
            return io.StringIO()
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'"{filename}" was already written in this build (set override=True if intended)'
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _AtomicFile(Path(filename), encoding)


class _Gone:
    """The files the last build wrote that are no longer in the output folder, found by a
    thread while Pelican's generators run: a `stat` per file (150,000 at 100,000 articles)
    waits for the system, not for this process. The build holds the output folder's lock:
    nothing else writes there meanwhile."""

    def __init__(self, output_path: str, names: list[str]):
        self.names: set[str] = set()
        self._thread = threading.Thread(target=self._find, args=(output_path, names), daemon=True)
        self._thread.start()

    def _find(self, output_path: str, names: list[str]) -> None:
        exists, join = os.path.exists, os.path.join  # not pathlib: one check per page
        self.names = {name for name in names if not exists(join(output_path, name))}

    def wait(self) -> None:
        self._thread.join()


class _AtomicFile(io.StringIO):
    """Collects the text; on a clean exit writes it atomically if it differs from the file's."""

    def __init__(self, path: Path, encoding: str):
        super().__init__()
        self.path, self.target_encoding = path, encoding

    def __exit__(self, kind, value, traceback):
        if kind is None:  # a template that failed midway writes nothing
            write_if_changed(self.path, self.getvalue().encode(self.target_encoding))
        return super().__exit__(kind, value, traceback)


class _WithoutText:
    """An article as a summary-only feed entry sees it: everything but its full text."""

    def __init__(self, article):
        self._article = article

    def __getattr__(self, name):
        return getattr(self._article, name)

    def get_content(self, siteurl):
        return None


def _shares(jobs: list[Job], workers: int, size: int) -> tuple[deque, deque]:
    """This process's own jobs, and batches of article pages for forked processes (fewer
    jobs than two batches: half of them, for one).

    Articles were created one after another as they were read, so the order of their
    addresses is the order their objects lie in memory: a batch of neighbours touches
    few pages of it.
    """
    if workers < 2 or len(jobs) < 2 * size:
        if workers < 2 or len(jobs) < SPLIT_JOBS or len({job.name for job in jobs}) < len(jobs):
            return deque(_in_time_order(jobs)), deque()
        # A rebuild's few changed pages, split in two: its feeds to one more process, the pages
        # here (no file is written twice, so Pelican's overriding is not split). Each side
        # then makes once what its own kind shares: the feeds their entries, the listings
        # the articles' cards (templates.py); they take about as long.
        ordered = _in_time_order(jobs)
        own = [job for job in ordered if job.method != "write_feed"]
        share = [job for job in ordered if job.method == "write_feed"]
        return deque(own), deque([share] if share else [])
    own, pages = [], []
    for job in jobs:
        (pages if _article_page(job) else own).append(job)
    pages.sort(key=lambda job: id(job.kwargs["article"]))
    batches = [pages[start : start + size] for start in range(0, len(pages), size)]
    return deque(_in_time_order(own)), deque(batches)


def _in_time_order(jobs: list[Job]) -> list[Job]:
    """Jobs by the newest article they show, newest first (those that show none first, in
    their order): the pages of an article's terms and its day then come close together,
    while its card is kept (templates.py). Cards made at 10,000 articles: 49,000 of
    98,000 instead of 70,000. Jobs that write one file twice keep their order (which of
    them wins is Pelican's to say)."""
    if len({job.name for job in jobs}) < len(jobs):
        return jobs

    def newest(job: Job) -> float:
        kwargs = job.kwargs
        shown = job.args[0] if job.method == "write_feed" else None
        if kwargs.get("articles_page") is not None:
            shown = kwargs["articles_page"].object_list
        elif kwargs.get("edition") is not None and job.kind is not None:
            shown = kwargs["edition"].articles
        date = getattr(shown[0], "date", None) if shown else None
        return -date.timestamp() if isinstance(date, dt.datetime) else float("-inf")

    return sorted(jobs, key=newest)


def _context(jobs: list[Job]) -> dict:
    """The site's context, as the build's pages are given it."""
    for job in jobs:
        if job.method == "write_file" and isinstance(job.args[2], dict):
            return job.args[2]
    return {}


def _article_page(job: Job) -> bool:
    return isinstance(job.kwargs.get("article"), Content)


def _remove(output: Path, names: list[str]) -> None:
    """Files the last build wrote and this one did not, and the folders they leave empty."""
    root = output.resolve()
    for name in sorted(names):
        path = (output / name).resolve()
        if not path.is_relative_to(root) or path == root:  # a damaged record names nothing else
            continue
        path.unlink(missing_ok=True)
        folder = path.parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def get_writer(pelican):
    _OPEN.clear()  # a writer left by a build that failed before it was done
    return DigestWriter


def render_pages(pelican) -> dict[str, str]:
    """Pelican is done asking: render what its generators asked of this build's writer.

    Returns the keys of the pages (and the search keys of the article pages) of this build."""
    keys: dict[str, str] = {}
    for writer in [w for w in _OPEN if w.settings is pelican.settings]:
        _OPEN.remove(writer)
        writer.flush()
        keys.update(writer.page_keys)
    return keys
