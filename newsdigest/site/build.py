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

import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from newsdigest.lock import folder_lock
from newsdigest.parallel import run_forked
from newsdigest.site.fingerprint import ROOT, code_fingerprint, folder_times, inputs_fingerprint
from newsdigest.site.search_index import index_site

STAMP_NAME = ".newsdigest-build"


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


def build_site(
    content_dir: Path,
    output_dir: Path,
    settings_file: Path | None = None,
    *,
    force: bool = False,
    early: tuple[str, list] | None = None,
    **overrides,
) -> SiteBuild:
    """Render the site into `output_dir`; `written` is False when it was already up to date.

    `early` is what `inputs_early` took while ingest ran: its hash of the inputs stands when
    no content folder changed since (ingest writes every file by renaming it into its folder),
    and then an unchanged site is known without loading Pelican at all."""
    output_dir = Path(output_dir)
    with folder_lock(output_dir):
        stamp = output_dir / STAMP_NAME
        last = _read(stamp)
        if early is not None and folder_times(Path(content_dir).resolve()) != early[1]:
            early = None
        if not force and early is not None and last == early[0]:
            return SiteBuild(False)
        try:
            build = run_forked(
                _build, content_dir, output_dir, settings_file, force, early, last, overrides
            )
        except BaseException as error:
            _log(getattr(error, "log_records", []))
            raise
        _log(build.log_records)
        if build.inputs is None:
            return SiteBuild(False)
        if build.search is not None:
            index_site(*build.search)
        if build.failures:  # no stamp: the next build tries them again
            raise BuildError(build.failures)
        stamp.write_text(build.inputs + "\n", encoding="utf-8")
    return SiteBuild(True, build.articles)


@dataclass
class _Built:
    """What the child that ran Pelican hands back (`_build`): `inputs` is None when the
    site was up to date."""

    inputs: str | None
    log_records: list
    failures: list[tuple[str, str]]
    articles: tuple[str, ...]
    search: tuple | None


def _build(content_dir, output_dir, settings_file, force, early, last, overrides) -> _Built:
    """In the forked child: the settings, the inputs' hash, and Pelican's run when the site
    is not up to date (`last`: the stamp the caller read). The log records go back with the
    outcome, also when it fails."""
    forwarded = _Forwarded()
    root = logging.getLogger()
    handlers, root.handlers = root.handlers, [forwarded]
    try:
        logging.getLogger("pelican").setLevel(logging.WARNING)
        settings = pelican_settings(content_dir, output_dir, settings_file, **overrides)
        inputs = early[0] if early is not None else inputs_fingerprint(settings)
        if not force and last == inputs:
            return _Built(None, forwarded.records, [], (), None)
        # Only a build that did not finish leaves temporary files: a walk of the whole output
        # otherwise costs a second at 100,000 articles for nothing.
        settings["REMOVE_TEMPORARIES"] = last is None
        # a build that fails midway leaves no stamp behind
        (Path(output_dir) / STAMP_NAME).unlink(missing_ok=True)
        # Computed once here rather than by the writer; --force renders every page.
        settings["PAGE_CACHE_KEY"] = code_fingerprint(settings)
        settings["PAGE_CACHE"] = not force
        failures, articles, search = _run_pelican(settings)
        return _Built(inputs, forwarded.records, failures, articles, search)
    except BaseException as error:
        error.log_records = forwarded.records
        raise
    finally:
        root.handlers = handlers


def inputs_early(
    content_dir: Path, output_dir: Path, settings_file: Path | None = None, **overrides
) -> tuple[str, list] | None:
    """The hash of the build's inputs and the content folders' times, taken while ingest runs
    on the other core (in a forked child: the caller does not load Pelican); `build_site`
    keeps the hash if the folders did not change meanwhile."""
    try:
        settings = pelican_settings(content_dir, output_dir, settings_file, **overrides)
        folders = folder_times(Path(settings["PATH"]))  # first: a write after this is seen
        return inputs_fingerprint(settings), folders
    except Exception:  # the build itself says what is wrong
        return None


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
