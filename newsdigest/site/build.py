"""Build the site: run Pelican on the content folder with our settings.

A build that would change nothing is skipped: the output folder keeps a stamp,
a hash over everything Pelican reads (content files, settings, theme, our plugins
and the modules they import, the vocabulary for term kinds and roles, library
versions). File contents enter the hash through their size and modification time,
so computing it costs one `stat` per file, not a read.

A build that runs renders less and on every core (`PageRenderer`): an article page
whose inputs did not change since the last build is not rendered again, nor is a
feed whose entries did not change; the remaining pages are rendered by one process
per core, forked once Pelican has built its context.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import gc
import hashlib
import inspect
import json
import logging
import os
import re
import sys
import traceback
from collections import deque
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path

from pelican import Pelican, signals
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator
from pelican.settings import read_settings
from tqdm import tqdm

from newsdigest.lock import folder_lock
from newsdigest.site.reader import forget_prefetched, prefetch

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent.parent  # newsdigest/
ROOT = PACKAGE.parent  # the project: pelican.conf.py, theme/, vocab/
STAMP_NAME = ".newsdigest-build"
# Bump when the build's own logic changes what it writes.
BUILD_VERSION = "1"


def pelican_settings(
    content_dir: Path, output_dir: Path, settings_file: Path | None = None, **overrides
) -> dict:
    """Our settings, with the folders given on the command line."""
    settings_file = Path(settings_file or ROOT / "pelican.conf.py")
    override = {
        # Pelican gzips its content cache by default: seconds per build at 10,000 articles.
        "GZIP_CACHE": False,
        "PATH": str(Path(content_dir).resolve()),
        "OUTPUT_PATH": str(Path(output_dir).resolve()),
        "THEME": str((settings_file.parent / "theme").resolve()),
        "CACHE_PATH": str(Path(output_dir).resolve().parent / f".{Path(output_dir).name}-cache"),
    }
    override.update(overrides)
    return read_settings(str(settings_file), override=override)


def build_site(
    content_dir: Path,
    output_dir: Path,
    settings_file: Path | None = None,
    *,
    force: bool = False,
    **overrides,
) -> bool:
    """Render the site into `output_dir`; return False when it was already up to date."""
    logging.getLogger("pelican").setLevel(logging.WARNING)
    settings = pelican_settings(content_dir, output_dir, settings_file, **overrides)
    output_dir = Path(output_dir)
    with folder_lock(output_dir):
        stamp = output_dir / STAMP_NAME
        inputs = inputs_fingerprint(settings)
        if not force and _read(stamp) == inputs:
            return False
        stamp.unlink(missing_ok=True)  # a build that fails midway leaves no stamp behind
        DigestPelican(settings, code_fingerprint(settings), force=force).run()
        stamp.write_text(inputs + "\n", encoding="utf-8")
    return True


def inputs_fingerprint(settings: dict) -> str:
    """A hash over everything a build depends on; equal hashes give the same site."""
    digest = hashlib.sha256(code_fingerprint(settings).encode())
    digest.update(b"[content]\n")
    for line in _tree_listing(Path(settings["PATH"]), settings.get("IGNORE_FILES", [])):
        digest.update(line.encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def code_fingerprint(settings: dict) -> str:
    """A hash over what shapes every page but the content: settings, theme, code, vocabulary."""
    digest = hashlib.sha256()
    digest.update(f"build {BUILD_VERSION}\n".encode())
    for name in ("pelican", "jinja2", "markupsafe", "feedgenerator", "cmarkgfm", "nh3", "pyyaml"):
        digest.update(f"{name} {_version(name)}\n".encode())
    digest.update(f"python {sys.version}\n".encode())
    digest.update(_settings_text(settings).encode())
    for label, folder in (
        ("theme", settings["THEME"]),
        ("vocabulary", settings.get("VOCAB_PATH") or ROOT / "vocab"),
    ):
        digest.update(f"[{label}]\n".encode())
        for line in _tree_listing(Path(folder), []):
            digest.update(line.encode("utf-8", "surrogateescape"))
    digest.update(b"[plugins]\n")
    for path in sorted(plugin_sources()):
        info = path.stat()
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def plugin_sources() -> set[Path]:
    """Our Pelican plugins and every module of the package they import, found in their source.

    Modules only ingest uses (extraction, cleaning) are left out: a change there reaches
    the site through the content files it rewrites.
    """
    found: set[Path] = set()
    todo = sorted((PACKAGE / "site").glob("*.py"))
    while todo:
        path = todo.pop()
        if path in found or not path.exists():
            continue
        found.add(path)
        tree = ast.parse(path.read_bytes(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name == PACKAGE.name or name.startswith(PACKAGE.name + "."):
                    todo.extend(_module_files(name))
    return found


def _module_files(name: str) -> list[Path]:
    relative = Path(*name.split(".")[1:])
    return [PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"]


def _settings_text(settings: dict) -> str:
    """The settings as stable text: object addresses, which change every run, left out."""
    lines = [f"{key}={settings[key]!r}" for key in sorted(settings)]
    return re.sub(r" at 0x[0-9a-fA-F]+", "", "\n".join(lines)) + "\n"


def _tree_listing(folder: Path, ignore: list[str]):
    """One line per file below `folder`: path, size and modification time, in a stable order.

    Names matching an `ignore` pattern are left out, as Pelican leaves them out of the
    content (the editors' review list is rewritten by every ingest, and never read).
    """
    if not folder.is_dir():
        yield "(none)\n"
        return
    stack = [folder]
    entries = []
    while stack:
        current = stack.pop()
        try:
            scan = list(os.scandir(current))
        except OSError:
            continue
        for entry in scan:
            if entry.name == "__pycache__" or any(fnmatch(entry.name, p) for p in ignore):
                continue
            if entry.is_dir(follow_symlinks=True):
                stack.append(Path(entry.path))
                continue
            try:
                info = entry.stat()
            except OSError:
                continue
            entries.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\n")
    yield from sorted(entries)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None


# --- rendering only what changed, on every core -------------------------------------------

PAGE_CACHE_NAME = ".newsdigest-pages.json"
FULL, LISTING, LINK = 0, 1, 2  # how much of an object a page key takes in (`_summary`)


class DigestPelican(Pelican):
    """Pelican, with its writer wrapped in a `PageRenderer`."""

    def __init__(self, settings: dict, code_key: str, *, force: bool = False):
        super().__init__(settings)
        self.code_key, self.force = code_key, force
        self.page_renderer: PageRenderer | None = None

    def _get_generator_classes(self):
        return [
            _ArticlesGenerator if cls is ArticlesGenerator else cls
            for cls in super()._get_generator_classes()
        ]

    def _get_writer(self):
        # Beside the pages it describes: deleting the output folder forgets them too.
        cache = None if self.force else Path(self.settings["OUTPUT_PATH"]) / PAGE_CACHE_NAME
        self.page_renderer = PageRenderer(super()._get_writer(), self.code_key, cache)
        return self.page_renderer

    def run(self):
        _RUNNING.append(self)
        try:
            super().run()
        finally:
            _RUNNING.remove(self)
            self.page_renderer = None


class _ArticlesGenerator(ArticlesGenerator):
    """Pelican's, reading on every core, and without the tag, category and author pages
    our settings switch off.

    Pelican lists each one's articles anyway, by a membership test of every article in
    every list: seconds at 10,000 articles, and worse than linear.
    """

    def generate_context(self):
        prefetch(self)
        try:
            super().generate_context()
        finally:
            forget_prefetched()

    def generate_tags(self, write):
        if self.settings.get("TAG_SAVE_AS"):
            super().generate_tags(write)

    def generate_categories(self, write):
        if self.settings.get("CATEGORY_SAVE_AS"):
            super().generate_categories(write)

    def generate_authors(self, write):
        if self.settings.get("AUTHOR_SAVE_AS"):
            super().generate_authors(write)


# Pelican names its content cache after the generator class: the same file as Pelican's own.
_ArticlesGenerator.__name__ = _ArticlesGenerator.__qualname__ = ArticlesGenerator.__name__


def _flush_pages(pelican) -> None:
    """Render the collected pages once every generator has asked for its own."""
    renderer = getattr(pelican, "page_renderer", None)
    if renderer is not None:
        renderer.flush()


signals.finalized.connect(_flush_pages)


def _remember_urls(generators) -> None:
    """Compute each article's URL and file name once, not on every use.

    Pelican works them out from the URL settings at each access (a strftime and a format),
    and the pages, feeds and links of a 10,000-article site ask some 100,000 times. By now
    every generator has read and linked the articles: their slugs and dates are final.
    """
    if not _RUNNING:  # only in our builds, not in another Pelican run of the process
        return
    for generator in generators:
        for name in ("articles", "translations", "drafts", "drafts_translations"):
            for article in getattr(generator, name, None) or []:
                if isinstance(article, Content):
                    article.__class__ = _remembering(type(article))


_REMEMBERING: dict[type, type] = {}
_RUNNING: list = []  # the DigestPelican builds under way


def _remember_new_article(content) -> None:
    """The same for an article as soon as Pelican has made it: Pelican itself asks for its
    file name and URL while reading (to check them), once per setting each time."""
    if _RUNNING and isinstance(content, Article):
        content.__class__ = _remembering(type(content))


signals.content_object_init.connect(_remember_new_article)


def _remembering(cls: type) -> type:
    """`cls` with `url` and `save_as` kept once computed (same name, a subclass)."""
    if isinstance(inspect.getattr_static(cls, "url", None), functools.cached_property):
        return cls  # already
    if cls not in _REMEMBERING:
        namespace = {
            name: functools.cached_property(getattr(cls, name).fget)
            for name in ("url", "save_as")
            if isinstance(getattr(cls, name, None), property)
        }
        _REMEMBERING[cls] = type(cls.__name__, (cls,), namespace)
    return _REMEMBERING[cls]


signals.all_generators_finalized.connect(_remember_urls)


class PageRenderer:
    """Stands in for Pelican's writer: collects the pages, renders them at the end.

    An article or term page is skipped when its key is the one it had at the last build
    and the file is still there. The key covers the code (settings, theme, plugins), the
    terms named in an article's metadata (a quote links its speaker), and what the page is given:
    an article by every attribute of it and the URL, name or title and date of everything
    it links to (terms, edition, related, previous and next articles); a term or an
    edition by its attributes and its articles (all their attributes but their links to
    other articles). A feed is skipped the same way, keyed by the entries it shows (text,
    metadata, terms and link of each). Other pages (home, editions index, search) may
    show anything of the site and are always rendered. The rendering is shared among
    processes, one per core at a time (see `flush`).
    """

    def __init__(self, writer, code_key: str, cache_path: Path | None, workers: int = 0):
        self.writer = writer
        self.code_key = code_key
        self.cache_path = cache_path
        self.workers = workers or os.cpu_count() or 1
        self.previous: dict[str, str] = _load_json(cache_path) if cache_path else {}
        self.jobs: list[tuple] = []  # (output name, writer method, kind of key, args, kwargs)
        self.skipped = 0
        # Summaries by object, for this build only: pages share their articles and terms.
        self._summaries: dict[int, tuple[str, str]] = {}
        self._objects: dict[int, tuple] = {}
        self._identities: dict[int, tuple] = {}
        self._feed_entries: dict[int, str] = {}
        self._terms: list | None = None

    def __getattr__(self, name):
        return getattr(self.writer, name)

    def write_file(self, name, template, context, *args, **kwargs):
        if not name:
            return
        kind = "page" if _cacheable(kwargs) else None
        # The context itself, as Pelican's generators pass it: a copy per page would hold
        # the whole settings ten thousand times over until the pages are rendered.
        self.jobs.append((name, "write_file", kind, (name, template, context, *args), kwargs))

    def write_feed(self, elements, context, path=None, *args, **kwargs):
        if not path:
            return
        # The context itself, not a copy: feed plugins keep lookups in it from feed to feed.
        self.jobs.append((path, "write_feed", "feed", (elements, context, path, *args), kwargs))

    def _job_key(self, job) -> str:
        """The key of a page or feed: what it is made of (see the class docstring)."""
        name, _, kind, args, kwargs = job
        if kind == "feed":
            elements, extra = args[0], args[3:]
            limit = self.writer.settings.get("FEED_MAX_ITEMS") or len(elements)
            entries = [self._feed_entry(element) for element in elements[:limit]]
            return self._key("feed", name, self.code_key, extra, sorted(kwargs.items()), entries)
        template, context, extra = args[1], args[2], args[3:]
        article = kwargs.get("article")
        named = self._named_terms(article, context) if article is not None else ""
        inputs = [part for item in sorted(kwargs.items(), key=lambda i: i[0]) for part in item]
        return self._key("page", name, template.name, self.code_key, named, extra, *inputs)

    def flush(self) -> None:
        """Key and render every collected job on every core; raise if any failed.

        Each page is rendered once, in this process or in a forked one. A forked process
        copies every page of memory whose objects it touches (their reference counts
        change), and listings and feeds touch every article: those stay here. The
        article pages go out in batches, in the order their articles lie in memory, each
        batch to a fresh process that ends with it, so no process collects a copy of
        the site. This process renders its own jobs meanwhile, then takes batches too.
        Keys come back through one small file per batch, then make the cache.
        """
        jobs, self.jobs = self.jobs, []
        own, batches = _shares(jobs, self.workers)
        folder = Path(self.writer.output_path)
        keys: dict[str, str] = {}
        self.skipped, failed = 0, 0
        running: dict[int, tuple[Path, int]] = {}  # pid -> (shard file, jobs in its batch)
        bar = tqdm(total=len(jobs), desc="render", unit="file", leave=False, disable=None)

        def finished(pid: int, status: int) -> None:
            nonlocal failed
            shard, size = running.pop(pid)
            failed += os.waitstatus_to_exitcode(status) != 0
            part = _load_json(shard)
            keys.update(part.get("keys", {}))
            self.skipped += part.get("skipped", 0)
            shard.unlink(missing_ok=True)
            bar.update(size)

        def reap(block: bool) -> None:
            for pid in list(running):
                done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
                if done:
                    finished(pid, status)

        gc.freeze()  # the collector in a child would touch, and so copy, every object it shares
        try:
            number = 0
            while own or batches:
                reap(block=False)
                while batches and len(running) < self.workers - 1:
                    batch, number = batches.pop(0), number + 1
                    shard = folder / f"{PAGE_CACHE_NAME}.{number}.part"
                    running[self._fork(batch, shard)] = (shard, len(batch))
                if own:
                    mine = [own.popleft()]
                elif batches:
                    mine = batches.pop()
                else:  # the last batches went to other processes
                    break
                for job in mine:
                    self.skipped += self._render_one(job, keys)
                bar.update(len(mine))
        finally:
            while running:
                finished(*os.waitpid(next(iter(running)), 0))
            gc.unfreeze()
            bar.close()
        if failed:
            raise RuntimeError(f"{failed} rendering process(es) failed, see the errors above")
        if self.cache_path is not None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(keys, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.cache_path)
        log.info("%d files, %d unchanged ones not rendered again", len(jobs), self.skipped)

    def _fork(self, batch: list, shard: Path) -> int:
        """Render `batch` in a child process that writes its keys to `shard`; its pid."""
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            return pid
        code = 1  # the child does its share and leaves without running any cleanup
        try:
            keys: dict[str, str] = {}
            skipped = sum(self._render_one(job, keys) for job in batch)
            shard.write_text(json.dumps({"keys": keys, "skipped": skipped}))
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)

    def _render_one(self, job, keys: dict[str, str]) -> int:
        """Render one job unless its key is unchanged (then 1); its key goes into `keys`."""
        name, method, kind, args, kwargs = job
        if kind is not None:
            key = keys[name] = self._job_key(job)
            if self.previous.get(name) == key and os.path.exists(
                os.path.join(self.writer.output_path, name)
            ):
                return 1
        getattr(self.writer, method)(*args, **kwargs)
        return 0

    def _feed_entry(self, article) -> str:
        """What a feed shows of an article: its text, metadata, terms and link."""
        if not isinstance(article, Content):
            return self._summary(article, LINK)
        known = self._feed_entries.get(id(article))
        if known is not None:
            return known
        parts = [
            _identity(article),
            getattr(article, "body_digest", None)
            or hashlib.sha256(str(getattr(article, "_content", "")).encode()).hexdigest(),
            self._summary(getattr(article, "_summary", None), LINK),
            self._summary(article.metadata, LINK),
            self._summary([getattr(article, name, None) for name in ("topics", "actors")], LINK),
        ]
        text = "|".join(parts).encode("utf-8", "surrogatepass")
        known = self._feed_entries[id(article)] = hashlib.sha256(text).hexdigest()
        return known

    def _named_terms(self, article, context: dict) -> str:
        """The terms named anywhere in an article's metadata (a quote's speaker links to one)."""
        if self._terms is None:
            self._terms = [
                getattr(taxonomy, "terms", {})
                for taxonomy in (context.get("taxonomies") or {}).values()
            ]
        found = []
        for name in _strings(article.metadata):
            for terms in self._terms:
                term = terms.get(name) if isinstance(terms, dict) else None
                if term is not None:
                    found.append(_identity(term))
        return ",".join(sorted(found))

    def _key(self, *parts) -> str:
        digest = hashlib.sha256()
        for part in parts:
            digest.update(self._summary(part).encode("utf-8", "surrogatepass"))
            digest.update(b"\1")
        return digest.hexdigest()

    def _summary(self, value, level: int = FULL) -> str:
        """Text that changes when anything a page shows of `value` changes.

        FULL: an article by all its attributes, another object by its public attributes
        (summarised at LISTING). LISTING: articles in full, other objects by identity.
        LINK (inside an article): everything by identity, as a link shows it.
        """
        if value is None or isinstance(value, str | int | float | bool):
            return repr(value)
        if isinstance(value, dt.date | dt.time):
            return value.isoformat()
        if isinstance(value, Content):
            if level == LINK:
                return self._identity(value)
            return self._article_summary(value, with_links=level == FULL)
        if level == LINK and isinstance(value, dict | list | tuple):
            try:  # one text per value, built by the C encoder
                return json.dumps(
                    value, ensure_ascii=False, check_circular=False, default=self._as_link
                )
            except (TypeError, ValueError):  # keys that are not text: the long way
                pass
        inner = max(level, LISTING)  # only an article given on its own is taken in full
        if isinstance(value, list | tuple):
            return "[" + ",".join(self._summary(item, inner) for item in value) + "]"
        if isinstance(value, set | frozenset):
            return "{" + ",".join(sorted(self._summary(item, inner) for item in value)) + "}"
        if isinstance(value, dict):  # in insertion order: the same inputs build the same dicts
            return "{" + ",".join(f"{k}:{self._summary(v, inner)}" for k, v in value.items()) + "}"
        if level == FULL and hasattr(value, "__dict__"):
            known = self._objects.get(id(value))
            if known is None:  # a term or an edition, the same for all its pages
                public = {k: v for k, v in vars(value).items() if not k.startswith("_")}
                text = f"{_identity(value)}{self._summary(public, LISTING)}"
                digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
                known = (value, digest)  # the value is kept: its id stays its own
                self._objects[id(value)] = known
            return known[1]
        if hasattr(value, "__dict__") or hasattr(value, "url"):
            return self._identity(value)
        return f"{type(value).__name__}:{value}"

    def _as_link(self, value):
        """How the JSON encoder writes what it does not know, inside an article (LINK)."""
        if isinstance(value, set | frozenset):
            return sorted(self._summary(item, LINK) for item in value)
        return self._summary(value, LINK)

    def _identity(self, value) -> str:
        known = self._identities.get(id(value))
        if known is None:
            known = self._identities[id(value)] = (value, _identity(value))
        return known[1]

    def _article_summary(self, article, with_links: bool) -> str:
        """An article by all its attributes; in a listing, without its links to other articles."""
        known = self._summaries.get(id(article))
        if known is None:
            own, links = {}, {}
            for name, item in vars(article).items():
                if name not in _CONTENT_INTERNALS:
                    (links if _links(item) else own)[name] = item
            # one text for all the attributes: one call of the C encoder, not one each
            own_text = self._summary(own, LINK).encode("utf-8", "surrogatepass")
            links_text = self._summary(links, LINK).encode("utf-8", "surrogatepass")
            without = hashlib.sha256(own_text).hexdigest()
            known = (without, hashlib.sha256(own_text + b"\0" + links_text).hexdigest())
            self._summaries[id(article)] = known
        return known[1] if with_links else known[0]


BATCH_PAGES = 400  # article pages per forked process: what one process copies stays small


def _shares(jobs: list, workers: int) -> tuple[deque, list[list]]:
    """This process's own jobs, and batches of article pages for forked processes.

    Articles were created one after another as they were read, so the order of their
    addresses is the order their objects lie in memory: a batch of neighbours touches
    few pages of it.
    """
    if workers < 2 or len(jobs) < 2 * BATCH_PAGES:
        return deque(jobs), []
    own, pages = [], []
    for job in jobs:
        (pages if isinstance(job[4].get("article"), Content) else own).append(job)
    pages.sort(key=lambda job: id(job[4]["article"]))
    batches = [pages[start : start + BATCH_PAGES] for start in range(0, len(pages), BATCH_PAGES)]
    return deque(own), batches


def _cacheable(kwargs: dict) -> bool:
    """Article, term and edition pages show what they are given; other pages (the home
    page, the editions index, search) may show anything of the site."""
    if kwargs.get("page_name") == "index":
        return False
    return isinstance(kwargs.get("article"), Content) or any(
        kwargs.get(kind) is not None for kind in ("term", "edition")
    )


def _links(value) -> bool:
    """Whether `value` is another article, or a list of them (related, previous, next)."""
    if isinstance(value, list | tuple):
        return bool(value) and all(isinstance(item, Content) for item in value)
    return isinstance(value, Content)


# Attributes of Pelican content that are the whole site or settings, not the article.
_CONTENT_INTERNALS = {"_context", "settings", "_cache", "translations"}


def _strings(value):
    """Every string in a structure of dicts and lists."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _identity(value) -> str:
    """What a link to `value` shows: its kind, URL, name or title, and date."""
    date = getattr(value, "date", None)
    name = getattr(value, "name", None) or getattr(value, "title", None)
    when = date.isoformat() if isinstance(date, dt.date) else repr(date)
    return f"<{type(value).__name__}|{getattr(value, 'url', '')}|{name}|{when}>"


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
