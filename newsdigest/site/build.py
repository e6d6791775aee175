"""Build the site: run Pelican on the content folder with our settings and plugin.

A build that would change nothing is skipped: the output folder keeps a stamp, the
hash of everything the build reads (fingerprint.py). A build that runs renders only
the pages whose inputs changed (writer.py, cache.py).

The process that calls `build_site` never loads Pelican: reading the settings, hashing
the inputs and Pelican's run happen in a forked child, whose memory (every article,
the renderers, Pelican and its libraries) goes back to the system when it ends. The
caller stays small, so the child's copy of what they share is small, and the search
index is built once the child has ended (search_index.py), by a process that holds
nothing else.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from newsdigest.lock import folder_lock
from newsdigest.parallel import Forked, start_forked
from newsdigest.site.fingerprint import (
    ROOT,
    code_fingerprint,
    content_listing,
    folder_times,
    inputs_fingerprint,
)
from newsdigest.site.search_index import index_site

STAMP_NAME = ".newsdigest-build"
# What the last build kept is read while ingest runs only up to this size: ingest holds its
# own memory meanwhile, and an unchanged site took 500 MB rather than 250 MB at 100,000
# articles (and over 2 s rather than 1.7 s). 48 MB is what a site of about 20,000 articles
# keeps; a larger one's is read once ingest writes an article (the build will need it),
# found by its folder's time, looked at this often (seconds).
READ_AHEAD_BYTES = 48 * 2**20
WRITES_POLL = 0.1


@dataclass(frozen=True)
class SiteBuild:
    """What `build_site` did: whether it wrote the site, and where the articles it published
    were saved (relative to the output folder)."""

    written: bool
    articles: tuple[str, ...] = ()


class BuildError(RuntimeError):
    """Articles that Pelican could not process; the site was written without them."""

    def __init__(self, failures: list[tuple[str, str]]):
        self.failures = failures
        lines = [f"{name}: {reason}" for name, reason in failures]
        super().__init__(
            f"{len(failures)} article file(s) could not be processed and are missing from the "
            "site: " + "; ".join(lines)
        )


class _Unprocessed(logging.Handler):
    """Collects Pelican's "Could not process" errors, which it logs and then goes on."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.failures: list[tuple[str, str]] = []

    def emit(self, record):
        if not str(record.msg).startswith("Could not process") or not record.args:
            return
        # Pelican logs it from inside its `except` block: the exception is the one in flight.
        error = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        text = str(error or "").strip()
        reason = text.splitlines()[0] if text else type(error).__name__ if error else "unknown"
        self.failures.append((str(record.args[0]), reason))


def pelican_settings(
    content_dir: Path, output_dir: Path, settings_file: Path | None = None, **overrides
) -> dict:
    """Our settings, with the folders given on the command line."""
    from pelican.settings import read_settings

    settings_file = Path(settings_file or ROOT / "pelican.conf.py")
    output_dir = Path(output_dir).resolve()
    override = {
        # Pelican gzips its content cache by default: seconds per build at 10,000 articles.
        "GZIP_CACHE": False,
        "PATH": str(Path(content_dir).resolve()),
        "OUTPUT_PATH": str(output_dir),
        "THEME": str((settings_file.parent / "theme").resolve()),
        "CACHE_PATH": str(output_dir.parent / f".{output_dir.name}-cache"),
    }
    override.update(overrides)
    return read_settings(str(settings_file), override=override)


def start_build(
    content_dir: Path, output_dir: Path, settings_file: Path | None = None, **overrides
) -> Forked:
    """A build's child, started now: it loads Pelican and the settings and hashes the inputs
    while the caller does other work (ingest, on the other core); `build_site` then tells it
    whether to go on, so that a build loads Pelican once."""
    return start_forked(_build, content_dir, output_dir, settings_file, overrides)


def build_site(
    content_dir: Path,
    output_dir: Path,
    settings_file: Path | None = None,
    *,
    force: bool = False,
    started: Forked | None = None,
    stale: bool = False,
    **overrides,
) -> SiteBuild:
    """Render the site into `output_dir`; `written` is False when it was already up to date.

    `started` is the child `start_build` began (with the same folders and settings); `stale`
    says files may have changed since it began (ingest wrote some). Its hash of the inputs
    stands when nothing is stale and no content folder changed since (ingest writes every
    file by renaming it into its folder): an unchanged site is then known at once."""
    output_dir = Path(output_dir)
    child = started or start_build(content_dir, output_dir, settings_file, **overrides)
    try:
        with folder_lock(output_dir):
            stamp = output_dir / STAMP_NAME
            last = _read(stamp)
            inputs, folders = _logged(child)
            fresh = not stale and folder_times(Path(content_dir).resolve()) == folders
            if not force and fresh and last == inputs:
                return SiteBuild(False)
            child.send((force, fresh, last))
            build = _logged(child)
            if build.inputs is None:
                return SiteBuild(False)
            if build.search is not None:
                index_site(*build.search)
            if build.failures:  # no stamp: the next build tries them again
                raise BuildError(build.failures)
            stamp.write_text(build.inputs + "\n", encoding="utf-8")
    finally:
        child.close()
    return SiteBuild(True, build.articles)


def _logged(child: Forked):
    """The child's next outcome, with the log records it sent along logged here."""
    try:
        records, value = child.result()
    except BaseException as error:
        _log(getattr(error, "log_records", []))
        raise
    _log(records)
    return value


@dataclass
class _Built:
    """What the child that ran Pelican hands back (`_build`): `inputs` is None when the
    site was up to date."""

    inputs: str | None
    failures: list[tuple[str, str]]
    articles: tuple[str, ...]
    search: tuple | None


def _build(content_dir, output_dir, settings_file, overrides):
    """In the build's child: the settings and the inputs' hash, sent as soon as they are
    known; then, told `(force, fresh, last)` (`last`: the stamp the caller read), Pelican's
    run unless the site is up to date. The log records go with each outcome, also when it
    fails."""
    forwarded = _Forwarded()
    root = logging.getLogger()
    handlers, root.handlers = root.handlers, [forwarded]
    try:
        logging.getLogger("pelican").setLevel(logging.WARNING)
        settings = pelican_settings(content_dir, output_dir, settings_file, **overrides)
        folders = folder_times(Path(settings["PATH"]))  # first: a write after this is seen
        code = code_fingerprint(settings)  # ingest changes content, not code, theme, settings
        listing = content_listing(settings)
        inputs = inputs_fingerprint(settings, code, listing)
        # The last build's kept articles are read back on this core while ingest runs on the
        # other; a site found up to date ends this process without waiting for it.
        told = threading.Event()
        reading = threading.Thread(
            target=_read_ahead, args=(settings, code, folders, told), daemon=True
        )
        reading.start()
        force, fresh, last = yield forwarded.taken(), (inputs, folders)
        told.set()
        reading.join()
        if not fresh:  # ingest wrote files: the folders it wrote to are listed again
            inputs = inputs_fingerprint(settings, code, content_listing(settings, listing))
        listing = None
        if not force and last == inputs:
            return forwarded.taken(), _Built(None, [], (), None)
        # Only a build that did not finish leaves temporary files: a walk of the whole output
        # otherwise costs a second at 100,000 articles for nothing.
        settings["REMOVE_TEMPORARIES"] = last is None
        # a build that fails midway leaves no stamp behind
        (Path(output_dir) / STAMP_NAME).unlink(missing_ok=True)
        # Computed once here rather than by the writer; --force renders every page.
        settings["PAGE_CACHE_KEY"] = code
        settings["PAGE_CACHE"] = not force
        failures, articles, search = _run_pelican(settings)
        return forwarded.taken(), _Built(inputs, failures, articles, search)
    except BaseException as error:
        error.log_records = forwarded.taken()
        raise
    finally:
        root.handlers = handlers


def _read_ahead(settings: dict, code: str, folders: list, told: threading.Event) -> None:
    """What a build reads that ingest does not write: the vocabularies, and the last build's
    kept articles and records; when they are too big to hold beside an ingest that may
    change nothing, only once ingest has written an article (READ_AHEAD_BYTES). Told to go
    on or stop before that, it leaves them to the build."""
    from newsdigest.site.cache import page_cache_folder, read_ahead
    from newsdigest.site.read_cache import read_kept
    from newsdigest.site.taxonomies import read_vocabularies

    read_vocabularies(settings)
    limit = int(settings.get("READ_AHEAD_BYTES", READ_AHEAD_BYTES))
    if _folder_bytes(page_cache_folder(settings)) > limit:
        while _same_times(folders):
            if told.wait(WRITES_POLL):
                return
    read_kept(settings, code)
    read_ahead(settings)


def _same_times(folders: list[tuple[str, int]]) -> bool:
    """Whether each folder still has its time (`folder_times`: a file renamed into a folder,
    or a new folder in it, changes it); a stat each, no listing."""
    for path, time in folders:
        try:
            if os.stat(path).st_mtime_ns != time:
                return False
        except OSError:
            return False
    return True


def _folder_bytes(folder: Path) -> int:
    """The size of the files in a folder and its subfolders (0 if there is none)."""
    total = 0
    for root, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


def _run_pelican(settings: dict) -> tuple[list[tuple[str, str]], tuple, tuple | None]:
    """Pelican's run: the articles' failures, the pages of the articles published, and the
    search index's work, done by the caller once this process has ended and what it held
    (every article, its pages' renderers) has gone back to the system."""
    from pelican import Pelican, signals

    from newsdigest.site.search import deferred_bundle

    unprocessed, pelican_log = _Unprocessed(), logging.getLogger("pelican")
    pelican_log.addHandler(unprocessed)
    settings["SEARCH_DEFERRED"] = True
    articles: list[str] = []

    def published(generator):
        articles.extend(article.save_as for article in generator.articles)

    signals.article_generator_finalized.connect(published)
    try:
        Pelican(settings).run()
    finally:  # where there is no fork, this ran in the caller's process
        pelican_log.removeHandler(unprocessed)
        signals.article_generator_finalized.disconnect(published)
    failures = sorted(set(unprocessed.failures))
    return failures, tuple(articles), deferred_bundle()


def _log(records: list[logging.LogRecord]) -> None:
    for record in records:
        logging.getLogger(record.name).handle(record)


class _Forwarded(logging.Handler):
    """Keeps a forked process's log records, made picklable, for its parent to log."""

    def __init__(self):
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def taken(self) -> list[logging.LogRecord]:
        """The records kept so far, handed over once."""
        records, self.records = self.records, []
        return records

    def emit(self, record):
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
