"""Build the site: run Pelican on the content folder with our settings."""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from newsdigest.lock import folder_lock

ROOT = Path(__file__).resolve().parent.parent


def pelican_settings(
    content_dir: Path, output_dir: Path, settings_file: Path | None = None, **overrides
) -> dict:
    """Our settings, with the folders given on the command line."""
    settings_file = Path(settings_file or ROOT / "pelican.conf.py")
    override = {
        "PATH": str(Path(content_dir).resolve()),
        "OUTPUT_PATH": str(Path(output_dir).resolve()),
        "THEME": str((settings_file.parent / "theme").resolve()),
        "CACHE_PATH": str(Path(output_dir).resolve().parent / f".{Path(output_dir).name}-cache"),
    }
    override.update(overrides)
    return read_settings(str(settings_file), override=override)


def build_site(
    content_dir: Path, output_dir: Path, settings_file: Path | None = None, **overrides
) -> None:
    """Render the site into `output_dir`."""
    logging.getLogger("pelican").setLevel(logging.WARNING)
    settings = pelican_settings(content_dir, output_dir, settings_file, **overrides)
    with folder_lock(Path(output_dir)):
        Pelican(settings).run()
