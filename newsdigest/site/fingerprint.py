"""What a build depends on, as hashes: equal hashes give the same site.

`inputs_fingerprint` covers everything Pelican reads (content files, settings, theme,
our plugin and the modules it imports, the vocabulary, library versions); file
contents enter through their size and modification time, so computing it costs one
`stat` per file, not a read. `code_fingerprint` is the same without the content: it
keys every page (see cache.py).
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import sys
from fnmatch import translate
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # newsdigest/
ROOT = PACKAGE.parent  # the project: pelican.conf.py, theme/, vocab/
# Bump when the build's own logic changes what it writes.
BUILD_VERSION = "1"


def inputs_fingerprint(settings: dict, code: str | None = None, listing: dict | None = None) -> str:
    """A hash over everything a build depends on; equal hashes give the same site.

    `code` is `code_fingerprint(settings)` when the caller has it already (a tenth of a
    second: the libraries' versions, our modules' imports); `listing` is
    `content_listing(settings)`, likewise."""
    digest = hashlib.sha256((code or code_fingerprint(settings)).encode())
    digest.update(b"[content]\n")
    for line in _lines(listing if listing is not None else content_listing(settings)):
        digest.update(line.encode("utf-8", "surrogateescape"))
    digest.update(review_lists(settings).encode())
    return digest.hexdigest()


def content_listing(settings: dict, last: dict | None = None) -> dict:
    """The content files as the inputs' hash takes them, by folder (`_listing`).

    With `last`, an earlier listing of the same build, a folder that still has the time it
    had then keeps its files' lines from it: ingest writes every file by renaming it into
    its folder, so the listing after it stats the files of the folders it wrote to, not
    100,000 files again (2 s of a +10 at 100,000 articles)."""
    return _listing(Path(settings["PATH"]), settings.get("IGNORE_FILES", []), last)


def review_lists(settings: dict) -> str:
    """The review lists' sizes and times: they give terms their kinds, and Pelican ignores
    them as content."""
    lines = []
    for declaration in (settings.get("TAXONOMIES") or {}).values():
        if declaration.get("proposed"):
            path = Path(settings["PATH"]) / declaration["proposed"]
            try:
                info = path.stat()
                lines.append(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n")
            except OSError:
                lines.append(f"{path}\0-\n")
    return "".join(lines)


def folder_times(folder: Path) -> list[tuple[str, int]]:
    """Every folder below `folder` (itself included) with its modification time. A file
    written atomically (renamed into its folder), added or removed changes its folder's."""
    found, stack = [], [str(folder)]
    while stack:
        current = stack.pop()
        try:
            found.append((current, os.stat(current).st_mtime_ns))
            stack += [e.path for e in os.scandir(current) if e.is_dir(follow_symlinks=True)]
        except OSError:
            found.append((current, -1))
    return sorted(found)


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
    if not relative.parts:
        return [PACKAGE / "__init__.py"]
    return [PACKAGE / relative.with_suffix(".py"), PACKAGE / relative / "__init__.py"]


# Settings that say how a build works, not what it writes.
HOW_NOT_WHAT = {
    "PAGE_CACHE",
    "PAGE_CACHE_KEY",
    "PARALLEL_READ_MIN_FILES",
    "READ_AHEAD_BYTES",
    "REMOVE_TEMPORARIES",
    "RENDER_BATCH_PAGES",
    "RENDER_PROCESSES",
}


def _settings_text(settings: dict) -> str:
    """The settings as stable text: object addresses, which change every run, left out."""
    lines = [f"{key}={settings[key]!r}" for key in sorted(settings) if key not in HOW_NOT_WHAT]
    return re.sub(r" at 0x[0-9a-fA-F]+", "", "\n".join(lines)) + "\n"


def _tree_listing(folder: Path, ignore: list[str]):
    """One line per file below `folder`: path, size and modification time, in a stable order."""
    return _lines(_listing(folder, ignore))


def _listing(folder: Path, ignore: list[str], last: dict | None = None) -> dict:
    """{folder: (its time, a line per file in it, its subfolders)} below `folder`, itself
    included; empty if it is not a folder. A folder's time is taken before it is read: a
    file renamed into it meanwhile changes it. A folder whose time is the one it has in
    `last` takes its entry from there (`content_listing`).

    Names matching an `ignore` pattern are left out, as Pelican leaves them out of the
    content (the editors' review list is rewritten by every ingest, and never read).
    """
    if not folder.is_dir():
        return {}
    # One expression for all the patterns (fnmatch's own translation), matched once a name.
    ignored = re.compile("|".join([translate(p) for p in ignore] + [r"__pycache__\Z"]))
    last = last or {}
    found: dict[str, tuple[int, list[str], list[str]]] = {}
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            time = os.stat(current).st_mtime_ns
            kept = last.get(current)
            if kept is None or kept[0] != time:
                kept = (time, *_folder_lines(current, ignored))
        except OSError:
            continue
        found[current] = kept
        stack += kept[2]
    return found


def _folder_lines(folder: str, ignored: re.Pattern) -> tuple[list[str], list[str]]:
    """A line per file of one folder (path, size, modification time), and its subfolders."""
    lines, folders = [], []
    for entry in os.scandir(folder):
        if ignored.match(entry.name):
            continue
        if entry.is_dir(follow_symlinks=True):
            folders.append(entry.path)
            continue
        try:
            info = entry.stat()
        except OSError:
            continue
        lines.append(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\n")
    return lines, folders


def _lines(listing: dict):
    """A listing's lines, sorted; "(none)" for a folder that is not there."""
    if not listing:
        yield "(none)\n"
        return
    yield from sorted(line for _, lines, _ in listing.values() for line in lines)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"
