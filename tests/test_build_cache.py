"""The build renders only what changed, and what it skips is what a full build would write."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from newsdigest.ingest.run import ingest
from newsdigest.site.build import PAGE_CACHE_NAME, STAMP_NAME, build_site

ROOT = Path(__file__).resolve().parent.parent
BOOKKEEPING = {STAMP_NAME, PAGE_CACHE_NAME}


def _generator():
    name = "benchmark_generate"
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file() and path.name not in BOOKKEEPING
    }


@pytest.fixture(scope="module")
def generate():
    return _generator()


def test_rebuilds_match_a_full_build(tmp_path, generate):
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(30, seeds, seed=7, progress=False)
    ingest(seeds, content)
    assert build_site(content, output) is True
    assert build_site(content, output) is False  # nothing changed: Pelican does not run

    generate.generate(3, seeds, seed=7, start=30, progress=False)  # three new articles
    edited = sorted(seeds.glob("*.txt"))[4]
    edited.write_text(edited.read_text() + "\nThe ministry confirmed the figures.\n")
    ingest(seeds, content)
    assert build_site(content, output) is True

    fresh = tmp_path / "fresh"
    build_site(content, fresh, force=True)
    assert _files(output) == _files(fresh)


def test_a_theme_change_renders_every_page_again(tmp_path, generate):
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(5, seeds, seed=3, progress=False)
    ingest(seeds, content)
    build_site(content, output)
    page = next(output.glob("20*/*/*/index.html"))
    page.write_text("stale")  # a page the cache believes is current

    theme = tmp_path / "theme"
    (tmp_path / "settings.py").write_text(
        (ROOT / "pelican.conf.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copytree(ROOT / "theme", theme)
    assert build_site(content, output, tmp_path / "settings.py") is True
    assert page.read_text() != "stale"


def test_reading_on_every_core_gives_the_same_site(tmp_path, generate, monkeypatch, caplog):
    """Articles read in worker processes make the site that reading in one process makes,
    and a file that cannot be read is reported all the same."""
    from newsdigest.site import reader

    seeds, content = tmp_path / "seeds", tmp_path / "content"
    generate.generate(24, seeds, seed=5, progress=False)
    ingest(seeds, content)
    (content / "2025" / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")

    monkeypatch.setattr(reader, "PREFETCH_THRESHOLD", 10**9)  # one process
    build_site(content, tmp_path / "alone", force=True)
    errors_alone = [r.getMessage() for r in caplog.records if "broken.md" in r.getMessage()]
    caplog.clear()

    from newsdigest.site import build as site

    left_over = []  # what the worker processes read and Pelican did not take

    def forget():
        left_over.append(len(reader._PREFETCHED))
        reader.forget_prefetched()

    monkeypatch.setattr(reader, "PREFETCH_THRESHOLD", 1)  # every core
    monkeypatch.setattr(site, "forget_prefetched", forget)
    prefetched = []
    original = reader.prefetch
    monkeypatch.setattr(
        site,
        "prefetch",
        lambda generator: (original(generator), prefetched.append(len(reader._PREFETCHED))),
    )
    build_site(content, tmp_path / "parallel", force=True)
    errors_parallel = [r.getMessage() for r in caplog.records if "broken.md" in r.getMessage()]

    assert prefetched == [24] and left_over == [0]  # the good files, all taken by Pelican
    assert _files(tmp_path / "alone") == _files(tmp_path / "parallel")
    assert errors_alone and errors_parallel == errors_alone


def test_pages_rendered_in_forked_batches_are_the_pages_of_one_process(
    tmp_path, generate, monkeypatch
):
    """Article pages go out in batches to forked processes; the site and the page cache
    they leave are those of a build that renders everything in one process."""
    import json

    from newsdigest.site import build as site

    seeds, content = tmp_path / "seeds", tmp_path / "content"
    generate.generate(30, seeds, seed=11, progress=False)
    ingest(seeds, content)

    output = tmp_path / "output"
    monkeypatch.setattr(site, "BATCH_PAGES", 10**9)  # everything in this process
    build_site(content, output)
    alone, alone_keys = _files(output), json.loads((output / PAGE_CACHE_NAME).read_text())
    shutil.rmtree(output)

    forks = []
    fork = site.PageRenderer._fork
    monkeypatch.setattr(site, "BATCH_PAGES", 4)
    monkeypatch.setattr(site.PageRenderer, "_fork", lambda *a: forks.append(1) or fork(*a))
    build_site(content, output)

    assert len(forks) >= 5  # 30 article pages, 4 a batch, some taken by this process
    assert _files(output) == alone
    assert json.loads((output / PAGE_CACHE_NAME).read_text()) == alone_keys
    assert len(alone_keys) > 30
    assert not list(output.glob(f"{PAGE_CACHE_NAME}.*.part"))


def test_every_job_in_one_forked_batch(tmp_path, generate, monkeypatch):
    """When forked processes take every batch, this process waits for them and the site
    is complete all the same."""
    from collections import deque

    from newsdigest.site import build as site

    seeds, content = tmp_path / "seeds", tmp_path / "content"
    generate.generate(6, seeds, seed=13, progress=False)
    ingest(seeds, content)
    build_site(content, tmp_path / "alone")
    monkeypatch.setattr(site, "_shares", lambda jobs, workers: (deque(), [list(jobs)]))
    monkeypatch.setattr(site.PageRenderer, "__init__", _with_workers(site.PageRenderer.__init__, 2))
    build_site(content, tmp_path / "forked")
    assert _files(tmp_path / "forked") == _files(tmp_path / "alone")


def _with_workers(init, workers):
    def patched(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.workers = workers

    return patched
