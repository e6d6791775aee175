"""Build the site: run Pelican on the content folder with our settings and plugin.

A build that would change nothing is skipped: the output folder keeps a stamp, the
hash of everything the build reads (fingerprint.py). A build that runs renders only
the pages whose inputs changed (writer.py, cache.py).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from newsdigest.lock import folder_lock
from newsdigest.site.fingerprint import ROOT, code_fingerprint, inputs_fingerprint

STAMP_NAME = ".newsdigest-build"


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
        # Computed once here rather than by the writer; --force renders every page.
        settings["PAGE_CACHE_KEY"] = code_fingerprint(settings)
        settings["PAGE_CACHE"] = not force
        unprocessed = _Unprocessed()
        pelican_log = logging.getLogger("pelican")
        pelican_log.addHandler(unprocessed)
        try:
            Pelican(settings).run()
        finally:
            pelican_log.removeHandler(unprocessed)
        if unprocessed.failures:  # no stamp: the next build tries them again
            raise BuildError(sorted(set(unprocessed.failures)))
        stamp.write_text(inputs + "\n", encoding="utf-8")
    return True


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
