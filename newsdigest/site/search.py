"""Full-text site search on any static host: Pagefind's chunked index and the search page.

Article pages mark what Pagefind indexes: the story (`data-pagefind-body`: title, body,
quotes, terms), its date (`data-pagefind-sort`, `data-pagefind-meta`) and one filter
per declared taxonomy (`data-pagefind-filter` on each term chip). After Pelican has
written the site, Pagefind (`pagefind[bin]`, the static-search standard) indexes it
into `pagefind/`: an index split in small chunks, so that a query downloads a few
hundred kilobytes whatever the size of the site. The bundle is built beside the old
one and copied over it file by file, entry file last, so a killed build leaves a
working search.

Pagefind writes each filter's values in hash-map order, so two builds of the same site
would differ; `stable_filters` sorts them and renames the files after their content
(the format is Pagefind's: gzip of "pagefind_dcd" and CBOR; `pagefind[bin]` is pinned
to the release this is tested on).

theme/static/js/search.js drives the search page with Pagefind's JavaScript API, in the
site's own markup; without JavaScript the page points to the topic and actor indexes.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cbor2
from pelican.generators import Generator

from newsdigest.atomic import atomic_write, write_if_changed

log = logging.getLogger(__name__)

DEFAULTS = {
    "SEARCH_URL": "search/",
    "SEARCH_SAVE_AS": "search/index.html",
    "SEARCH_BUNDLE_DIR": "pagefind",
}


class SearchError(RuntimeError):
    """Pagefind could not index the site; the message says why."""


class SearchGenerator(Generator):
    """Writes the search page; the index is written once the site is (`write_bundle`)."""

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


def write_bundle(pelican) -> None:
    """Pelican has written the site: index its article pages."""
    settings = pelican.settings
    index_site(
        Path(settings["OUTPUT_PATH"]),
        str(settings.get("DEFAULT_LANG") or "en"),
        article_pages(settings.get("ARTICLE_SAVE_AS", "{slug}.html")),
        settings.get("SEARCH_BUNDLE_DIR", DEFAULTS["SEARCH_BUNDLE_DIR"]),
        # In a folder of its own: the cache folder's files are Pelican's pickles, checked as such.
        Path(settings["CACHE_PATH"]) / "search" / "pages" if settings.get("CACHE_PATH") else None,
    )


def article_pages(save_as: str) -> str:
    """The glob of article pages, from ARTICLE_SAVE_AS: Pagefind reads only those."""
    return re.sub(r"\{[^}]*\}", "*", save_as)


def index_site(
    output: Path,
    language: str,
    pages: str = "**/*.html",
    name: str = DEFAULTS["SEARCH_BUNDLE_DIR"],
    stamp_path: Path | None = None,
) -> None:
    """Index the pages of a written site with Pagefind into `output/<name>/`.

    With a `stamp_path`, skipped when the pages it would read are the ones it read last time
    (a digest of their names and bytes, kept there), so a build that only touched term or
    edition pages costs nothing here."""
    bundle, fresh = output / name, output / f".{name}-new"
    shutil.rmtree(fresh, ignore_errors=True)  # from a build that was killed
    stamp = _pages_stamp(output, pages, language) if stamp_path else None
    if stamp and (bundle / "pagefind-entry.json").exists() and _read_stamp(stamp_path) == stamp:
        return
    if next(output.glob(pages), None) is None:  # no article yet: nothing to search
        shutil.rmtree(bundle, ignore_errors=True)
        return
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(output),
        "--glob",
        pages,
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
        shutil.rmtree(fresh, ignore_errors=True)
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(
            f"search index: pagefind failed: {reason[-1] if reason else done.returncode}"
        )
    stable_filters(fresh)
    _sync(fresh, bundle)
    shutil.rmtree(fresh, ignore_errors=True)
    if stamp_path:  # beside Pelican's cache: the output holds only the site
        atomic_write(stamp_path, stamp)


def _pages_stamp(output: Path, pages: str, language: str) -> str:
    """What the index depends on: the pages' names and bytes (and the Pagefind release)."""
    digest = hashlib.sha256(f"{PAGEFIND}\n{pages}\n{language}\n".encode())
    for path in sorted(output.glob(pages)):
        digest.update(f"{path.relative_to(output)}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _read_stamp(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


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
