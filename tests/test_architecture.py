"""The shape of the code, tested through what it does: the demo site is the recorded one, the
site needs nothing of ingest, and a third taxonomy is one declaration and a vocabulary file."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
from test_site import search_bundle

from newsdigest.content_format import dump
from newsdigest.site.build import build_site

ROOT = Path(__file__).resolve().parent.parent
RECORDED = Path(__file__).with_name("demo-site.sha256")


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".newsdigest")
    }


def test_the_demo_site_is_the_recorded_one(tmp_path):
    """Every file of the demo build, byte for byte, as recorded in tests/demo-site.sha256.

    A change that means to alter the site records the new digests with it:
    `python tests/test_architecture.py`.
    """
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    build_site(content, tmp_path / "output")
    built = _digests(tmp_path / "output")
    recorded = dict(
        reversed(line.split("  ", 1)) for line in RECORDED.read_text().splitlines() if line
    )
    changed = sorted(
        name for name in built.keys() | recorded.keys() if built.get(name) != recorded.get(name)
    )
    assert not changed, f"{len(changed)} files differ from the recorded demo site: {changed[:20]}"


def test_the_site_loads_nothing_of_ingest():
    """Pelican loads the plugin; the tagger, the extractor and trafilatura stay out."""
    script = (
        "import sys, newsdigest.site\n"
        "newsdigest.site.register()\n"
        "loaded = [m for m in sys.modules if m.startswith(('newsdigest.ingest', 'trafilatura'))]\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_process_that_builds_never_loads_pelican(demo_site, tmp_path):
    """Pelican runs in a forked child whose memory goes back to the system when it ends: the
    caller stays small, so the child copies little of it and the search index is built by a
    process that holds nothing else."""
    output = tmp_path / "output"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from newsdigest.site.build import build_site\n"
        f"done = build_site(Path({str(demo_site['content'])!r}), Path({str(output)!r}))\n"
        "print(done.written, [m for m in sys.modules if m.split('.')[0] in ('pelican', 'jinja2')])\n"
    )
    run = [sys.executable, "-c", script]
    first = subprocess.run(run, capture_output=True, text=True, check=True)
    assert first.stdout.split("\n")[-2] == "True []"
    assert (output / "index.html").is_file() and (output / "pagefind" / "bundles.json").is_file()
    again = subprocess.run(run, capture_output=True, text=True, check=True)
    assert again.stdout.split("\n")[-2] == "False []"  # up to date: Pelican never loaded


PLACES = """
TAXONOMIES["places"] = {
    "singular": "place",
    "title": "Places",
    "url": "places/{slug}/",
    "save_as": "places/{slug}/index.html",
    "index_url": "places/",
    "index_save_as": "places/index.html",
    "feed_atom": "feeds/places/{slug}.atom.xml",
    "feed_rss": "feeds/places/{slug}.rss.xml",
    "vocabulary": "places",
    "group_by": "kind",
    "groups": {"city": "Cities", "region": "Regions"},
}
"""


def _article(title: str, day: str, places: list[str]) -> str:
    return dump(
        {
            "title": title,
            "slug": title.lower().replace(" ", "-"),
            "date": day,
            "summary": f"{title}, in brief.",
            "topics": ["Politics"],
            "places": places,
            "body": f"{title}: the whole story.",
        }
    )


def test_a_third_taxonomy_is_one_declaration_and_a_vocabulary(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(ROOT / "theme", site / "theme")
    shutil.copytree(ROOT / "vocab", site / "vocab")
    (site / "vocab" / "places.yaml").write_text(
        "- name: Oslo\n  kind: city\n- name: Lapland\n  kind: region\n  slug: lappi\n"
    )
    settings = site / "pelican.conf.py"
    settings.write_text((ROOT / "pelican.conf.py").read_text() + PLACES)
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text(_article("Harbour opens", "2026-03-02", ["Oslo"]))
    (content / "b.md").write_text(_article("Snow closes roads", "2026-03-03", ["Lapland", "Oslo"]))
    output = tmp_path / "output"
    build_site(content, output, settings, VOCAB_PATH=str(site / "vocab"))

    oslo = (output / "places" / "oslo" / "index.html").read_text()
    assert "Harbour opens" in oslo and "Snow closes roads" in oslo
    assert "Snow closes roads" in (output / "places" / "lappi" / "index.html").read_text()
    index = (output / "places" / "index.html").read_text()
    assert "Cities" in index and "Regions" in index and "places/oslo/" in index
    for name in ("oslo.atom.xml", "oslo.rss.xml"):
        feed = feedparser.parse((output / "feeds" / "places" / name).read_bytes())
        assert not feed.bozo
        assert sorted(entry.title for entry in feed.entries) == [
            "Harbour opens",
            "Snow closes roads",
        ]
    edition = (output / "editions" / "2026" / "03" / "03" / "index.html").read_text()
    assert 'class="chips chips-places"' in edition and "places/lappi/" in edition
    assert "places/" in (output / "index.html").read_text()  # the navigation names it
    places = search_bundle(output)["filters"]["place"]  # a search filter of its own
    assert sorted(places) == ["Lapland", "Oslo"] and len(places["Oslo"]) == 2


if __name__ == "__main__":  # record the demo site's digests
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(ROOT / "content", Path(folder) / "content")
        build_site(Path(folder) / "content", Path(folder) / "output")
        lines = [f"{digest}  {name}" for name, digest in _digests(Path(folder) / "output").items()]
    RECORDED.write_text("\n".join(lines) + "\n")
    print(f"{len(lines)} digests recorded in {RECORDED}")
