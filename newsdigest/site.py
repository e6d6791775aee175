"""Build the site: run Pelican on the content folder with our settings.

A build that would change nothing is skipped: the output folder keeps a stamp,
a hash over everything Pelican reads (content files, settings, theme, our plugins
and the modules they import, the vocabulary for term kinds and roles, library
versions). File contents enter the hash through their size and
modification time, so computing it costs one `stat` per file, not a read.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import os
import re
import sys
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

from newsdigest.lock import folder_lock

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent
STAMP_NAME = ".newsdigest-build"
# Bump when the build's own logic changes what it writes.
BUILD_VERSION = "1"


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
        Pelican(settings).run()
        stamp.write_text(inputs + "\n", encoding="utf-8")
    return True


def inputs_fingerprint(settings: dict) -> str:
    """A hash over everything a build depends on; equal hashes give the same site."""
    digest = hashlib.sha256()
    digest.update(f"build {BUILD_VERSION}\n".encode())
    for name in ("pelican", "jinja2", "markupsafe", "feedgenerator", "cmarkgfm", "nh3", "pyyaml"):
        digest.update(f"{name} {_version(name)}\n".encode())
    digest.update(f"python {sys.version}\n".encode())
    digest.update(_settings_text(settings).encode())
    for label, folder, ignore in (
        ("content", settings["PATH"], settings.get("IGNORE_FILES", [])),
        ("theme", settings["THEME"], []),
        ("vocabulary", settings.get("VOCAB_PATH") or ROOT / "vocab", []),
    ):
        digest.update(f"[{label}]\n".encode())
        for line in _tree_listing(Path(folder), ignore):
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
    todo = list((PACKAGE / "pelican").glob("*.py"))
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
