"""Full-text site search on any static host: Pagefind's chunked index and the search page.

Article pages mark what Pagefind indexes: the story (`data-pagefind-body`: title, body,
quotes, terms), its date (`data-pagefind-sort`, `data-pagefind-meta`) and one filter
per declared taxonomy (`data-pagefind-filter` on each term chip). After Pelican has
written the site, Pagefind (`pagefind[bin]`, the static-search standard) indexes it: an
index split in small chunks, so that a query downloads a few hundred kilobytes whatever
the size of the site.

Pagefind has no incremental mode and holds every page it indexes in memory, so the
articles are indexed in blocks of time (`search_blocks`), each a bundle of its own in
`pagefind/<block>/`, listed in `pagefind/bundles.json`; the browser merges them (Pagefind's
`mergeIndex`). New articles are recent, so a build re-indexes the newest month (a busy
one: its newest week) and leaves the other blocks alone; no block grows past `SEARCH_BLOCK_SIZE` articles, so neither does
the indexer's memory. The blocks follow from the articles' dates alone: a rebuild gives the
bundles a full build gives. Each bundle is built beside the old one and copied over it
file by file, entry file last, and the list of bundles is written after them, so a
killed build leaves a working search.

Pagefind writes each filter's values in hash-map order, so two builds of the same site
would differ; `stable_filters` sorts them and renames the files after their content
(the format is Pagefind's: gzip of "pagefind_dcd" and CBOR; `pagefind[bin]` is pinned
to the release this is tested on).

theme/static/js/search.js drives the search page with Pagefind's JavaScript API, in the
site's own markup; without JavaScript the page points to the topic and actor indexes.
"""

from __future__ import annotations

import datetime as dt
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
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import cbor2
from pelican.generators import Generator

from newsdigest.atomic import atomic_write, write_if_changed
from newsdigest.site.cache import SEARCH_KEY

log = logging.getLogger(__name__)

DEFAULTS = {
    "SEARCH_URL": "search/",
    "SEARCH_SAVE_AS": "search/index.html",
    "SEARCH_BUNDLE_DIR": "pagefind",
    "SEARCH_BLOCK_SIZE": 4096,
}
MANIFEST = "bundles.json"
# A newest month over this many pages is indexed by its weeks: a rebuild re-indexes a
# week's pages (a quarter of a second) rather than a busy month's (over a second).
NEWEST_BY_WEEKS = 256
# What the search page uses of a bundle; Pagefind's own UI files are left out.
_UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


class SearchError(RuntimeError):
    """Pagefind could not index the site; the message says why."""


class SearchGenerator(Generator):
    """Writes the search page and notes the article pages the index will read (`write_bundle`)."""

    def generate_context(self):
        self.options = {key: self.settings.get(key, value) for key, value in DEFAULTS.items()}
        self.context["SEARCH_URL"] = self.options["SEARCH_URL"]
        self.context["SEARCH_BUNDLE_URL"] = self.options["SEARCH_BUNDLE_DIR"] + "/"

    def generate_output(self, writer):
        writer.write_file(
            self.options["SEARCH_SAVE_AS"],
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=self.options["SEARCH_URL"],
        )
        _PAGES[id(self.settings)] = [
            (page.save_as, page.date)
            for article in self.context.get("articles", [])
            for page in (article, *article.translations)
            if page.save_as
        ]


_PAGES: dict[int, list[tuple[str, dt.datetime]]] = {}


def write_bundle(pelican, page_keys: dict[str, str] | None = None) -> None:
    """Pelican has written the site: index its article pages, block by block.

    `page_keys` (the writer's) hold each article page's search key: what the index reads
    of it. A block is indexed again when one of its pages' search keys changed. With
    `SEARCH_DEFERRED` set, the work is left for `deferred_bundle` to hand to the caller,
    which indexes once Pelican's process has ended (build.py)."""
    settings = pelican.settings
    pages = _PAGES.pop(id(settings), [])
    cache = settings.get("CACHE_PATH")
    size = int(settings.get("SEARCH_BLOCK_SIZE", DEFAULTS["SEARCH_BLOCK_SIZE"]))
    job = (
        Path(settings["OUTPUT_PATH"]),
        str(settings.get("DEFAULT_LANG") or "en"),
        search_blocks(pages, size),
        settings.get("SEARCH_BUNDLE_DIR", DEFAULTS["SEARCH_BUNDLE_DIR"]),
        # In a folder of its own: the cache folder's files are Pelican's pickles, checked as such.
        Path(cache) / "search" if cache else None,
        {k: v for k, v in (page_keys or {}).items() if k.startswith(SEARCH_KEY)},
    )
    if settings.get("SEARCH_DEFERRED"):
        _DEFERRED.append(job)
    else:
        index_site(*job)


_DEFERRED: list[tuple] = []


def deferred_bundle() -> tuple | None:
    """The arguments of `index_site` that a deferred `write_bundle` left, if any."""
    return _DEFERRED.pop() if _DEFERRED else None


def search_blocks(pages: Iterable[tuple[str, dt.datetime]], size: int) -> dict[str, list[str]]:
    """The article pages in blocks of time, none over `size` pages.

    The newest month is a block of its own, or when it holds more than
    `NEWEST_BY_WEEKS` pages, its weeks (days 1-7, 8-14, 15-21, 22 to its end): that is
    where new articles land, and the only bundle most builds re-index. Every other year is one block when it fits,
    else its quarters, else its months; a month over `size` is cut, oldest first, into
    parts of `size`. Blocks depend on dates alone, never on the order articles came in."""
    months: dict[str, list[tuple[float, str]]] = defaultdict(list)
    weeks: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for path, when in pages:
        month = f"{when:%Y-%m}"
        months[month].append((when.timestamp(), path))
        weeks[f"{month}-w{min(when.day - 1, 21) // 7 + 1}"].append((when.timestamp(), path))
    if not months:
        return {}
    newest = max(months)
    blocks = _month(newest, months[newest], size)
    if len(months[newest]) > NEWEST_BY_WEEKS:
        blocks = {}
        for week in sorted(w for w in weeks if w.startswith(newest)):
            blocks.update(_month(week, weeks[week], size))
    years: dict[str, list[str]] = defaultdict(list)
    for month in months:
        if month != newest:
            years[month[:4]].append(month)
    for year, names in years.items():
        quarters: dict[str, list[str]] = defaultdict(list)
        for month in names:
            quarters[f"{year}-q{(int(month[5:]) - 1) // 3 + 1}"].append(month)
        groups = {year: names} if _count(months, names) <= size else quarters
        for name, group in groups.items():
            if _count(months, group) <= size:
                blocks[name] = [path for month in group for _, path in months[month]]
            else:
                for month in group:
                    blocks.update(_month(month, months[month], size))
    return {name: sorted(paths) for name, paths in sorted(blocks.items())}


def _count(months: dict, names: list[str]) -> int:
    return sum(len(months[name]) for name in names)


def _month(name: str, pages: list[tuple[float, str]], size: int) -> dict[str, list[str]]:
    if len(pages) <= size:
        return {name: [path for _, path in pages]}
    pages = sorted(pages)
    return {
        f"{name}-part{number + 1}": [path for _, path in pages[start : start + size]]
        for number, start in enumerate(range(0, len(pages), size))
    }


def index_site(
    output: Path,
    language: str,
    blocks: dict[str, list[str]],
    name: str = DEFAULTS["SEARCH_BUNDLE_DIR"],
    state: Path | None = None,
    page_keys: dict[str, str] | None = None,
) -> None:
    """Index each block of pages of a written site into `output/<name>/<block>/`.

    With a `state` folder, a block is skipped when its pages are the ones it read last
    time, so a build re-indexes only the blocks it changed. A page is known by its search
    key when `page_keys` has one, else by its file's size and modification time (the
    writer leaves a page whose bytes did not change untouched)."""
    root = output / name
    if state:
        state.mkdir(parents=True, exist_ok=True)
    done = _read_json(state / "blocks.json") if state else {}
    stamps, indexed = {}, []
    for block, pages in blocks.items():
        stamps[block] = _pages_stamp(output, pages, language, page_keys or {})
        if done.get(block) == stamps[block] and (root / block / "pagefind-entry.json").exists():
            continue
        _index_block(output, pages, language, root / block, state)
        indexed.append(block)
    log.info("search index: %d of %d blocks indexed: %s", len(indexed), len(blocks), indexed)
    if blocks:
        manifest = {"bundles": sorted(blocks)}
        write_if_changed(root / MANIFEST, json.dumps(manifest, separators=(",", ":")) + "\n")
    _remove_others(root, set(blocks) | ({MANIFEST} if blocks else set()))
    if state:
        atomic_write(state / "blocks.json", json.dumps(stamps, sort_keys=True, indent=0))


def _index_block(output: Path, pages: list[str], language: str, bundle: Path, state) -> None:
    """Pagefind over a folder that holds only the block's pages (hard links to them)."""
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=state or output.parent))
    fresh = bundle.parent / f".{bundle.name}-new"
    shutil.rmtree(fresh, ignore_errors=True)  # from a build that was killed
    try:
        for page in pages:
            target = work / "site" / page
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(output / page, target)
            except OSError:  # another file system
                shutil.copyfile(output / page, target)
        _pagefind(work / "site", fresh, language)
        stable_filters(fresh)
        _sync(fresh, bundle)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


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
        key = page_keys.get(SEARCH_KEY + page)
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
