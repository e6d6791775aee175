"""Articles as Pelican read them, kept between builds, a few dozen to a file.

Pelican makes an `Article` of every file on every build. Its own content cache spares the
parsing, not the object (paths, dates, URL formats, metadata): 1.5 s of a rebuild at
10,000 articles, 17 s at 100,000, for articles that did not change. And it is one file,
written whole again by every build. Here the articles are kept as they were right after
reading, in files of about 64 articles each (by a hash of the article file's path), each
article with its file's size and modification time when it was read. A build takes back every article
whose file is unchanged, and writes again only the files where an article was added,
changed or removed: ten new articles rewrite at most ten small files, not the site.

What an article refers to that belongs to the running build is not kept: its settings
and the site's context are this build's, and its author and category are this build's
objects of that name. A kept file made by other code or settings (`build_key`), or one
that cannot be read back, is passed over: its articles are read from their files again.
Pelican's own content cache is off (pelican.conf.py); its files, if an older build left
some, are removed.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import os
import pickle
from pathlib import Path

from pelican.contents import Article
from pelican.urlwrappers import URLWrapper

from newsdigest.atomic import atomic_write
from newsdigest.site.cache import build_key, page_cache_folder, stamp_of
from newsdigest.site.prepare import all_articles

log = logging.getLogger(__name__)

KEPT_NAME = "articles"  # folder beside the page keys
SHARD = 64  # articles per kept file, about: a change writes that many articles again
_BUILD_OWN = ("settings", "_context", "translations")  # this build's: set again when taken
_PELICAN_CACHES = ("ArticlesGenerator", "PagesGenerator")  # names its cache files start with


class _Taken:
    """The kept files read back (`read_kept`), and what this build took from them: the
    articles by kept file, so that the files whose articles are all still there, unchanged,
    are not written again."""

    def __init__(self):
        self.read_for: tuple[int, str] | None = None  # (id of the settings, code key)
        self.kept: dict[str, dict[str, Article]] = {}  # kept file -> {path: article}
        self.articles: dict[int, Article] = {}  # id -> article, kept alive: ids stay theirs
        self.files: dict[str, set[str]] = {}  # kept file name -> paths of the articles it held

    def clear(self):
        self.read_for = None
        self.kept.clear()
        self.articles.clear()
        self.files.clear()


_TAKEN = _Taken()


def kept_folder(settings: dict) -> Path:
    return page_cache_folder(settings) / KEPT_NAME


def kept_file(path: str, count: int) -> str:
    """The name of the file that keeps the article at `path` (relative) in a site of `count`
    articles: one of about `count / SHARD` files, by a hash of the path."""
    shards = 1 << max(0, (count - 1) // SHARD).bit_length()
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).digest()
    return f"{int.from_bytes(digest[:4], 'big') % shards:x}.pickle"


def read_kept(settings: dict, key: str) -> None:
    """Read the kept files back into articles, for a build with these settings and code key.

    The build's process does it while ingest still runs (build.py), on the other core: the
    files are the last build's, which ingest does not touch; which articles still hold is
    known only later, by their files' stamps (`take_kept_articles`)."""
    _TAKEN.clear()
    folder = kept_folder(settings)
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.name.endswith(".pickle"))
    except OSError:
        names = []
    revive = _Reviver(settings)
    collecting = gc.isenabled()
    gc.disable()  # thousands of objects made at once: nothing for the collector to find
    try:
        for name in names:
            _TAKEN.kept[name] = revive.load(folder / name, key)
    finally:
        if collecting:
            gc.enable()
    _TAKEN.read_for = (id(settings), key)


def take_kept_articles(generator) -> None:
    """Hand Pelican's article generator the kept articles whose files are unchanged.

    The generator asks its generator-level cache (`get_cached_data`) before reading a
    file, by file name and modification time; that cache is filled here rather than by
    Pelican, which would pickle the whole site's context with every article."""
    settings = generator.settings
    _remove_pelican_caches(settings)
    cache = getattr(generator, "_cache", None)
    if not settings.get("PAGE_CACHE", True) or not isinstance(cache, dict):
        _TAKEN.clear()  # --force reads every file
        return
    key, root = build_key(settings), generator.path
    if _TAKEN.read_for != (id(settings), key):
        read_kept(settings, key)
    for name, kept in _TAKEN.kept.items():
        for path, article in kept.items():
            info = _stat(os.path.join(root, path))
            if info is None or stamp_of(info) != article._file_stamp:  # taken when read
                continue
            article.settings, article._context = settings, generator.context
            article.translations = []
            cache[path] = (info.st_mtime, article)  # the time Pelican's cache compares
            _TAKEN.articles[id(article)] = article
        _TAKEN.files[name] = set(kept)
    _TAKEN.kept.clear()
    if cache and generator._filestamp_func is os.path.getmtime:
        generator._filestamp_func = _taken_times(cache, os.path.join(root, ""))


def _taken_times(cache: dict[str, tuple], root: str):
    """Pelican's check of a kept article's file answered with the time taken when it was
    handed over (its entry in the generator's cache): a second `stat` of every file cost
    0.8 s at 100,000 articles. Pelican's one way to stamp a file, and it has no public hook;
    the files it reads itself are stamped as before."""

    def stamp(filename: str) -> float:
        taken = cache.get(filename[len(root) :]) if filename.startswith(root) else None
        return os.path.getmtime(filename) if taken is None else taken[0]

    return stamp


def keep_read_articles(generator) -> None:
    """Keep this build's articles, as read, for the next build: only the kept files where
    an article was added, changed or removed are written again.

    Runs once the articles are read and their URLs fixed (`prepare.settle_articles`),
    before anything else changes them: what is kept is what reading the file gives."""
    settings = generator.settings
    key, folder = build_key(settings), kept_folder(settings)
    read = [
        article
        for article in all_articles(generator)
        if isinstance(article, Article)
        and isinstance(getattr(article, "relative_source_path", None), str)
        and getattr(article, "_file_stamp", None) is not None
        and _keepable(article)
    ]
    by_file: dict[str, list[Article]] = {}
    for article in read:
        by_file.setdefault(kept_file(article.relative_source_path, len(read)), []).append(article)
    for name in sorted(set(by_file) | set(_TAKEN.files)):
        articles = by_file.get(name, [])
        paths = {article.relative_source_path for article in articles}
        unchanged = all(id(article) in _TAKEN.articles for article in articles)
        if unchanged and paths == _TAKEN.files.get(name):
            continue
        try:
            if articles:
                atomic_write(folder / name, _dumped(key, articles, generator))
            else:
                (folder / name).unlink(missing_ok=True)
        except OSError as error:  # a cache: the next build reads these files again
            log.debug("articles not kept in %s: %s", folder / name, error)
    _TAKEN.clear()


def _keepable(article) -> bool:
    """An article whose reading depends on nothing but its file, the code and settings: not
    one Pelican held back as a draft only because its date was still to come."""
    settings = article.settings
    if settings.get("WITH_FUTURE_DATES", True) or getattr(article, "status", None) != "draft":
        return True
    return str(getattr(article, "metadata", {}).get("status", "")).lower() == "draft"


def _dumped(key: str, articles: list[Article], generator) -> bytes:
    entries = {}
    for article in sorted(articles, key=lambda a: a.relative_source_path):
        # With the stamp its file had when it was read (`cache.known_address`), not now.
        state = {k: v for k, v in vars(article).items() if k not in _BUILD_OWN}
        entries[article.relative_source_path] = state
    buffer = io.BytesIO()
    _Keeper(buffer, generator).dump({"key": key, "articles": entries})
    return buffer.getvalue()


class _ReadPath:
    """An article taken back answers with the relative path it was read with: Pelican asks
    every article for it at every build and works it out again with `os.path.relpath`
    (0.12 s at 10,000 articles). The content folder is in the settings, and so in the key
    the article was kept under."""

    def get_relative_source_path(self, source_path=None):
        if not source_path or source_path == self.source_path:
            known = self.__dict__.get("relative_source_path")
            if isinstance(known, str):
                return known
        return super().get_relative_source_path(source_path)


# Named as Pelican's: it finds an article's URL settings by its class's name.
_KeptArticle = type(Article.__name__, (_ReadPath, Article), {})


class _Keeper(pickle.Pickler):
    """Pickles articles without what is the running build's (see the module docstring)."""

    def __init__(self, file, generator):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._settings, self._context = generator.settings, generator.context

    def persistent_id(self, obj):
        if obj is self._settings:
            return "settings"
        if obj is self._context:  # set again when taken back
            return "context"
        if isinstance(obj, URLWrapper):
            return ("wrapper", type(obj).__name__, str(obj.name))
        return None


class _Reviver:
    """Reads kept files back, giving the running build's settings and author and category
    objects (one of each name, for all the kept files)."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.wrappers: dict[tuple[str, str], URLWrapper] = {}
        self.kinds = {cls.__name__: cls for cls in _wrapper_classes()}

    def load(self, path: Path, key: str) -> dict[str, tuple]:
        """{article path: article} of a kept file; nothing if it is not this code's or
        cannot be read back."""
        try:
            with path.open("rb") as handle:
                data = _Unpickler(handle, self).load()
            if not isinstance(data, dict) or data.get("key") != key:
                return {}
            found = {}
            for name, state in data["articles"].items():
                article = _KeptArticle.__new__(_KeptArticle)
                article.__dict__.update(state)
                found[name] = article
            return found
        except Exception as error:  # a damaged or foreign file: its articles are read again
            log.debug("kept articles in %s passed over: %s", path, error)
            return {}

    def persistent(self, pid):
        if pid == "settings":
            return self.settings
        if pid == "context":
            return None
        _, kind, name = pid
        found = self.wrappers.get((kind, name))
        if found is None:
            found = self.wrappers[kind, name] = self.kinds[kind](name, self.settings)
        return found


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, reviver: _Reviver):
        super().__init__(file)
        self._reviver = reviver

    def persistent_load(self, pid):
        return self._reviver.persistent(pid)


def _wrapper_classes() -> list[type]:
    found, stack = [], [URLWrapper]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _remove_pelican_caches(settings: dict) -> None:
    folder = Path(settings.get("CACHE_PATH") or "cache")
    for name in _PELICAN_CACHES:
        for suffix in ("", "-Readers"):
            (folder / (name + suffix)).unlink(missing_ok=True)
