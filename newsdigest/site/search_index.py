"""Pagefind's index of a written site, block by block (the blocks: search.py).

Runs once Pelican's process has ended (build.py), in a process that never loaded Pelican:
Pagefind holds every page of a block in memory, and nothing else of the build is left.
Each bundle is built beside the old one and copied over it file by file, entry file last,
and the list of bundles is written after them, so a killed build leaves a working search.

Pagefind writes each filter's values in hash-map order, so two builds of the same site
would differ; `stable_filters` sorts them and renames the files after their content
(the format is Pagefind's: gzip of "pagefind_dcd" and CBOR; `pagefind[bin]` is pinned
to the release this is tested on).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cbor2

from newsdigest.atomic import atomic_write, write_if_changed

log = logging.getLogger(__name__)

MANIFEST = "bundles.json"
# What the search page uses of a bundle; Pagefind's own UI files are left out.
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")
# The blocks' pages and new bundles are made in one folder, deleted once every block is
# indexed. On ext4 without a journal a file is created more slowly while many inodes were
# freed in the last minute: deleting each block's folder as soon as it was done made the
# index of 10,000 articles take 19.5 s, 14.5 s of it in the kernel, rather than 11.6 s.
SCRATCH_PREFIX = ".search-"


class SearchError(RuntimeError):
    """Pagefind could not index the site; the message says why."""


def index_site(
    output: Path,
    language: str,
    blocks: dict[str, list[str]],
    name: str = "pagefind",
    state: Path | None = None,
    page_keys: dict[str, str] | None = None,
) -> None:
    """Index each block of pages of a written site into `output/<name>/<block>/`.

    With a `state` folder, a block is skipped when its pages are the ones it read last
    time, so a build re-indexes only the blocks it changed. A page is known by its search
    key when `page_keys` ({page: search key}) has one, else by its file's size and modification time (the
    writer leaves a page whose bytes did not change untouched)."""
    root = output / name
    if state:
        state.mkdir(parents=True, exist_ok=True)
        for left in state.glob(f"{SCRATCH_PREFIX}*"):  # by a build that was killed
            shutil.rmtree(left, ignore_errors=True)
    done = _read_json(state / "blocks.json") if state else {}
    stamps, indexed = {}, []
    scratch = None
    try:
        for block, pages in blocks.items():
            stamps[block] = _pages_stamp(output, pages, language, page_keys or {})
            if done.get(block) == stamps[block] and (root / block / "pagefind-entry.json").exists():
                continue
            if scratch is None:
                scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=state or output.parent))
            _index_block(output, pages, language, root / block, scratch / block)
            indexed.append(block)
    finally:
        if scratch is not None:  # all at once, at the end (SCRATCH_PREFIX)
            shutil.rmtree(scratch, ignore_errors=True)
    log.info("search index: %d of %d blocks indexed: %s", len(indexed), len(blocks), indexed)
    if blocks:
        manifest = {"bundles": sorted(blocks)}
        write_if_changed(root / MANIFEST, json.dumps(manifest, separators=(",", ":")) + "\n")
    _remove_others(root, set(blocks) | ({MANIFEST} if blocks else set()))
    if state:
        atomic_write(state / "blocks.json", json.dumps(stamps, sort_keys=True, indent=0))


def _index_block(output: Path, pages: list[str], language: str, bundle: Path, work: Path) -> None:
    """Pagefind over a folder that holds only the block's pages (hard links to them), into
    a new bundle in `work` that is then copied over the old one."""
    for page in pages:
        target = work / "site" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(output / page, target)
        except OSError:  # another file system
            shutil.copyfile(output / page, target)
    _pagefind(work / "site", work / "bundle", language)
    stable_filters(work / "bundle")
    _sync(work / "bundle", bundle)


def _pagefind(site: Path, fresh: Path, language: str) -> None:
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-path",
        str(fresh),
        "--force-language",
        language,
        "--silent",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SearchError(f"search index: pagefind did not run: {error}") from None
    if done.returncode != 0 or not (fresh / "pagefind.js").exists():
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(
            f"search index: pagefind failed: {reason[-1] if reason else done.returncode}"
        )
    for path in fresh.glob("pagefind-*"):
        if path.name.startswith(_UNUSED):
            path.unlink()


def _remove_others(root: Path, wanted: set[str]) -> None:
    """Bundles of blocks that are gone, and files of an older layout, once the list is written."""
    if not root.is_dir():
        return
    for path in sorted(root.iterdir()):
        if path.name in wanted:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _pages_stamp(output: Path, pages: list[str], language: str, page_keys: dict) -> str:
    """What a block's bundle depends on: its pages (and the Pagefind release)."""
    digest = hashlib.sha256(f"{PAGEFIND}\n{language}\n".encode())
    for page in pages:
        key = page_keys.get(page)
        if key is None:
            info = (output / page).stat()
            key = f"{info.st_size}\0{info.st_mtime_ns}"
        digest.update(f"{page}\0{key}\n".encode())
    return digest.hexdigest()


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _sync(fresh: Path, bundle: Path) -> None:
    """Copy the new bundle over the old one, leaving unchanged files untouched (rebuilds and
    uploads see only what changed). The entry file, which names the index in use, is written
    after every file it leads to, and old files go last: a reader meanwhile gets the old
    index or the new one, whole."""
    entry = Path("pagefind-entry.json")
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    for relative in [f for f in files if f != entry] + [entry]:
        write_if_changed(bundle / relative, (fresh / relative).read_bytes())
    wanted = set(files)
    for path in sorted(bundle.rglob("*"), reverse=True):
        relative = path.relative_to(bundle)
        if path.is_file() and relative not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


_MAGIC = b"pagefind_dcd"
PAGEFIND = importlib.metadata.version("pagefind")


def stable_filters(bundle: Path) -> None:
    """Sort the values of every filter file, and name the files after their content."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        renamed = {}
        for path in sorted((bundle / "filter").glob(f"{language['wasm']}_*.pf_filter")):
            name, values = _read(path)
            values.sort(key=lambda value: value[0])
            renamed[path.stem] = _write(bundle / "filter", [name, values], "pf_filter", 7, language)
            if renamed[path.stem] != path.stem:
                path.unlink()
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _replace(_read(meta_path), renamed)
        stem = _write(bundle, meta, "pf_meta", 10, language, prefix="pagefind.")
        if stem != language["hash"]:
            meta_path.unlink()
        language["hash"] = stem
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_MAGIC):
        raise SearchError(f"search index: {path.name} is not in the Pagefind format this knows")
    return cbor2.loads(data[len(_MAGIC) :])


def _write(folder: Path, value, suffix: str, length: int, language: dict, prefix: str = "") -> str:
    data = _MAGIC + cbor2.dumps(value)
    stem = f"{language['wasm']}_{hashlib.sha256(data).hexdigest()[:length]}"
    (folder / f"{prefix}{stem}.{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return stem


def _replace(value, renamed: dict):
    """The metadata with the filter files' new names; its list of filters sorted by name."""
    if isinstance(value, str):
        return renamed.get(value, value)
    if isinstance(value, list):
        items = [_replace(item, renamed) for item in value]
        if items and all(_is_filter_file(item, renamed) for item in items):
            items.sort()
        return items
    return value


def _is_filter_file(item, renamed: dict) -> bool:
    return isinstance(item, list) and len(item) == 2 and item[1] in renamed.values()
