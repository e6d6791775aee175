"""The path from a raw article to a published page, on the user's seed article."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import yaml

from newsdigest.content_format import parse
from newsdigest.ingest.run import ingest
from tests.conftest import ROOT, SEED_FILE, SEEDS

TITLE = "Russian Official Advocates for Peace Deal that Excludes Ukraine from NATO Membership"


def _seed_markdown(content: Path) -> tuple[dict, str]:
    for path in sorted(content.rglob("*.md")):
        fields = parse(path.read_text(encoding="utf-8"))
        if fields.get("source", {}).get("file") == SEED_FILE:
            return fields, path.read_text(encoding="utf-8")
    raise AssertionError("the seed's Markdown file was not written")


def test_seed_front_matter(demo_site):
    fields, text = _seed_markdown(demo_site["content"])
    assert fields["title"] == TITLE
    assert "author" not in fields  # `Admin` is a placeholder, not a person
    assert fields["source"] == {"name": "BBC News", "file": SEED_FILE}
    assert (
        fields["slug"]
        == "russian-official-advocates-for-peace-deal-that-excludes-ukraine-from-nato-membership"
    )
    assert fields["summary"].startswith(
        "Russia is pushing for guarantees that Ukraine will not join NATO"
    )
    assert 1 <= fields["summary"].count(". ") + 1 <= 2
    assert isinstance(fields["topics"], list) and isinstance(fields["actors"], list)
    assert text.startswith("---\n")
    # the front matter is plain YAML that a safe loader reads
    yaml.safe_load(text.split("---\n")[1])


def test_seed_body_is_exactly_the_article(demo_site):
    fields, _ = _seed_markdown(demo_site["content"])
    body = fields["body"]
    raw = (SEEDS / SEED_FILE).read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in raw.split("\n\n") if p.strip()]
    start = next(
        i for i, p in enumerate(paragraphs) if p.startswith("Russia is pushing for guarantees")
    )
    end = next(i for i, p in enumerate(paragraphs) if p.endswith("against their own interests."))
    assert body == "\n\n".join(paragraphs[start : end + 1])
    assert body.startswith("Russia is pushing for guarantees that Ukraine will not join NATO")
    assert body.endswith("against their own interests.")
    assert "“We want to see if we can bring that war to an end,”" in body  # typography kept
    assert "Ukraine’s" in body
    for gone in ("Admin", "visit BBC News", "Source link", TITLE):
        assert gone not in body


def test_date_is_stable_across_runs(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / SEED_FILE, seeds)
    content = tmp_path / "content"
    import datetime as dt

    ingest(seeds, content, today=dt.date(2026, 3, 17))
    first, _ = _seed_markdown(content)
    (seeds / SEED_FILE).touch()
    ingest(seeds, content, today=dt.date(2026, 4, 1), force=True)
    again, _ = _seed_markdown(content)
    assert first["date"] == again["date"] == "2026-03-17"


def test_ingest_twice_gives_identical_content(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    one, two = tmp_path / "one", tmp_path / "two"
    ingest(seeds, one)
    ingest(seeds, two)
    snapshot = {p.relative_to(one): p.read_bytes() for p in one.rglob("*") if p.is_file()}
    stamps = {p: p.stat().st_mtime_ns for p in one.rglob("*") if p.is_file()}
    ingest(seeds, one)  # a second run over the same folder
    assert {p.relative_to(one): p.read_bytes() for p in one.rglob("*") if p.is_file()} == snapshot
    # nothing was written again: not the articles, the ledger or the review list
    assert {p: p.stat().st_mtime_ns for p in one.rglob("*") if p.is_file()} == stamps
    comparison = filecmp.dircmp(one, two)
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    assert {p.relative_to(two): p.read_bytes() for p in two.rglob("*") if p.is_file()} == snapshot


def test_site_has_article_topic_actor_pages_and_feeds(demo_site):
    output = demo_site["output"]
    fields, _ = _seed_markdown(demo_site["content"])
    article_page = output / fields["date"][:4] / fields["date"][5:7] / fields["slug"] / "index.html"
    html = article_page.read_text(encoding="utf-8")
    assert "Russia is pushing for guarantees" in html
    assert (output / "index.html").exists()
    assert fields["topics"] and fields["actors"]
    from newsdigest.text import slugify

    topic_page = output / "topics" / slugify(fields["topics"][0]) / "index.html"
    actor_page = output / "actors" / slugify(fields["actors"][0]) / "index.html"
    for page in (topic_page, actor_page):
        assert fields["slug"] in page.read_text(encoding="utf-8")
    feeds = [
        output / "feeds" / "all.atom.xml",
        output / "feeds" / "all.rss.xml",
        output / "feeds" / "topics" / f"{slugify(fields['topics'][0])}.atom.xml",
        output / "feeds" / "actors" / f"{slugify(fields['actors'][0])}.atom.xml",
    ]
    for feed_path in feeds:
        feed = feedparser.parse(feed_path.read_bytes())
        assert not feed.bozo, (feed_path, feed.get("bozo_exception"))
        titles = [entry.title for entry in feed.entries]
        assert TITLE in titles, feed_path
        entry = feed.entries[titles.index(TITLE)]
        assert entry.link.startswith("http"), "feed links are absolute"
        assert fields["slug"] in entry.link


def test_invoke_build_with_any_folders(tmp_path):
    """The real command line, pointed at folders it has never seen."""
    seeds = tmp_path / "in"
    seeds.mkdir()
    shutil.copy(SEEDS / SEED_FILE, seeds / "story.txt")
    (seeds / "empty.txt").write_text("")
    args = [
        "--seeds",
        str(seeds),
        "--content",
        str(tmp_path / "md"),
        "--output",
        str(tmp_path / "site"),
    ]
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "build", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "1 ingested, 0 unchanged, 1 failed" in result.stdout
    assert f"{seeds / 'empty.txt'}: file is empty" in result.stderr
    assert list((tmp_path / "site").rglob("index.html"))
    strict = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoke",
            "ingest",
            "--strict",
            "--seeds",
            str(seeds),
            "--content",
            str(tmp_path / "md"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert strict.returncode != 0
    assert "0 ingested, 1 unchanged, 1 failed" in strict.stdout


def test_invoke_build_skips_only_when_ingest_changed_nothing(tmp_path):
    """The build's inputs are hashed while ingest runs; a build after ingest wrote a new or
    edited article is never taken for one with nothing to do."""
    seeds, content, output = tmp_path / "in", tmp_path / "md", tmp_path / "site"
    seeds.mkdir()
    names = sorted(p.name for p in SEEDS.iterdir() if p.suffix == ".txt")[:3]
    for name in names[:2]:
        shutil.copy(SEEDS / name, seeds / name)
    args = ["--seeds", str(seeds), "--content", str(content), "--output", str(output)]

    def build() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "invoke", "build", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "site written" in build()
    assert "is up to date" in build()
    shutil.copy(SEEDS / names[2], seeds / names[2])
    assert "1 ingested" in (out := build()) and "site written" in out
    assert len(list(output.glob("20*/*/*/index.html"))) == 3
    assert "is up to date" in build()
    seed = seeds / names[0]
    lines = seed.read_text(encoding="utf-8").splitlines()
    lines.insert(len(lines) // 2, "A quokka was seen later.")  # in the body
    seed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "site written" in build()
    pages = [p.read_text(encoding="utf-8") for p in output.glob("20*/*/*/index.html")]
    assert any("A quokka was seen later." in page for page in pages)
