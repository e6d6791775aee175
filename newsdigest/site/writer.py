"""A Pelican writer that writes every page and feed atomically, and only when it changed.

Pelican's own writer opens the target and writes into it, so a build killed midway
leaves truncated pages. This one renders into memory, then writes a temporary file
beside the target and renames it over it: a reader of `output/` sees the old page or
the new one, never half of one. A page whose bytes did not change is not written at
all, so a rebuild touches only what changed (and rsync or a web cache sees the same).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from pelican.writers import FileOverwriteFailedError, Writer

from newsdigest.atomic import remove_stale_temporaries, write_if_changed

log = logging.getLogger(__name__)


class AtomicWriter(Writer):
    """Pelican's Writer with atomic, change-only writes."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.unchanged = 0  # files whose bytes were already there
        self._summary_only = False
        # Temporaries of a build that was killed; the output folder's lock is held by now.
        if Path(output_path).is_dir():
            remove_stale_temporaries(Path(output_path))

    def write_feed(self, elements, context, *args, **kwargs):
        # Topic and actor feeds say so in their context (taxonomy.py), not in the settings.
        self._summary_only = bool(context.get("RSS_FEED_SUMMARY_ONLY"))
        try:
            return super().write_feed(elements, context, *args, **kwargs)
        finally:
            self._summary_only = False

    def _add_item_to_the_feed(self, feed, item):
        """Pelican's, without rendering the full text of a feed that shows summaries only."""
        super()._add_item_to_the_feed(feed, _WithoutText(item) if self._summary_only else item)

    def _open_w(self, filename, encoding, override=False):
        """A file-like object that lands on disk in one rename when its `with` block ends.

        The bookkeeping is Pelican's: a file is written once per build, unless one write
        says it overrides the others, in which case the later ones are dropped.
        """
        if filename in self._overridden_files:
            if override:
                raise FileOverwriteFailedError(
                    f'cannot overwrite "{filename}" a second time (it was already overridden)'
                )
            log.info('Skipping "%s", an earlier write overrides it', filename)
            return _Discarded()
        if filename in self._written_files and not override:
            raise FileOverwriteFailedError(
                f'"{filename}" was already written in this build (set override=True if intended)'
            )
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)
        return _AtomicFile(Path(filename), encoding, self)


class _AtomicFile(io.StringIO):
    """Collects the text; on a clean exit writes it atomically if it differs from the file's."""

    def __init__(self, path: Path, encoding: str, writer: AtomicWriter):
        super().__init__()
        self.path, self.target_encoding, self.writer = path, encoding, writer

    def __exit__(self, kind, value, traceback):
        if kind is None and not write_if_changed(
            self.path, self.getvalue().encode(self.target_encoding)
        ):
            self.writer.unchanged += 1  # a template that failed midway (kind set) writes nothing
        return super().__exit__(kind, value, traceback)


class _WithoutText:
    """An article as a summary-only feed entry sees it: everything but its full text."""

    def __init__(self, article):
        self._article = article

    def __getattr__(self, name):
        return getattr(self._article, name)

    def get_content(self, siteurl):
        return None


class _Discarded(io.StringIO):
    """Where a write goes that an earlier, overriding write replaces."""


def get_writer(pelican):
    return AtomicWriter


CACHE_MARK = ".being-written"


def discard_torn_cache(pelican) -> None:
    """Delete Pelican's content cache when the last build may have left it half-written.

    Pelican saves the cache in place and reads it back without catching a cut-off
    pickle (`EOFError`), so one build killed while saving would stop every later one.
    A mark file lives in the cache folder from the start of a build until every
    generator has saved its cache; a mark left behind, or a cache file that is empty
    or does not end in pickle's STOP opcode, means the cache goes and is rebuilt.
    """
    folder = Path(pelican.settings.get("CACHE_PATH") or "cache")
    mark = folder / CACHE_MARK
    interrupted = mark.exists()
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and path != mark and (interrupted or not _ends_whole(path)):
                log.warning("discarding %s: a build was interrupted while saving it", path)
                path.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    mark.touch()


def cache_saved(generators) -> None:
    """Every generator has read its content and saved its cache: the mark goes."""
    if generators:
        folder = Path(generators[0].settings.get("CACHE_PATH") or "cache")
        (folder / CACHE_MARK).unlink(missing_ok=True)


def _ends_whole(path: Path) -> bool:
    """Cheap check of a plain pickle cache (a gzip one Pelican checks itself)."""
    try:
        with path.open("rb") as handle:
            if handle.read(2) == b"\x1f\x8b":
                return True
            handle.seek(0, 2)
            if handle.tell() == 0:
                return False
            handle.seek(-1, 2)
            return handle.read(1) == b"."
    except OSError:
        return False
