"""Build the site: run Pelican on the content folder with our settings and plugin.

A build that would change nothing is skipped: the output folder keeps a stamp, the
hash of everything the build reads (fingerprint.py). A build that runs renders only
the pages whose inputs changed (writer.py, cache.py).
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from newsdigest.lock import folder_lock
from newsdigest.site.fingerprint import ROOT, code_fingerprint, inputs_fingerprint

STAMP_NAME = ".newsdigest-build"


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
        Pelican(settings).run()
        stamp.write_text(inputs + "\n", encoding="utf-8")
    return True


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
