"""The build renders only what changed, and what it skips is what a full build would write."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from newsdigest.ingest.run import ingest
from newsdigest.site.build import (
    STAMP_NAME,
    BuildError,
    build_site,
    pelican_settings,
    start_build,
)
from newsdigest.site.cache import article_records_path, page_cache_folder
from newsdigest.site.read_cache import kept_folder

ROOT = Path(__file__).resolve().parent.parent
BOOKKEEPING = {STAMP_NAME}


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
    assert build_site(content, output).written is True
    assert build_site(content, output).written is False  # nothing changed: Pelican does not run

    generate.generate(3, seeds, seed=7, start=30, progress=False)  # three new articles
    edited = sorted(seeds.glob("*.txt"))[4]
    edited.write_text(edited.read_text() + "\nThe ministry confirmed the figures.\n")
    ingest(seeds, content)
    assert build_site(content, output).written is True

    fresh = tmp_path / "fresh"
    build_site(content, fresh, force=True)
    assert _files(output) == _files(fresh)


def test_a_large_sites_kept_articles_read_while_ingest_writes_give_a_full_builds_site(
    tmp_path, generate
):
    """As `invoke build` does: the build's process starts, ingest runs, the build goes on.
    With READ_AHEAD_BYTES at 0 every site is too large to read ahead beside an ingest that
    may change nothing: the kept articles are read once ingest writes one."""
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    large = {"READ_AHEAD_BYTES": 0}
    generate.generate(30, seeds, seed=7, progress=False)
    ingest(seeds, content)
    assert build_site(content, output, **large).written is True
    started = start_build(content, output, **large)
    assert ingest(seeds, content).untouched  # nothing written: told before reading anything
    assert build_site(content, output, started=started, **large).written is False

    generate.generate(3, seeds, seed=7, start=30, progress=False)
    started = start_build(content, output, **large)
    assert len(ingest(seeds, content).ingested) == 3
    assert build_site(content, output, started=started, stale=True, **large).written is True
    # Its stamp lists the folders ingest wrote to again, and took the others as listed first.
    assert build_site(content, output, **large).written is False
    fresh = tmp_path / "fresh"
    build_site(content, fresh, force=True)
    assert _files(output) == _files(fresh)


def test_rebuilds_after_removals_hand_edits_vocabulary_and_settings_match_a_full_build(
    tmp_path, generate
):
    """Every kind of change a digest sees, one after another: each rebuild writes what a
    full build of the same inputs writes, byte for byte."""
    import yaml

    vocab = tmp_path / "vocab"
    shutil.copytree(ROOT / "vocab", vocab)
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(30, seeds, seed=17, progress=False)
    ingest(seeds, content, vocab_dir=vocab)
    settings = {"VOCAB_PATH": str(vocab), "RENDER_PROCESSES": 2, "RENDER_BATCH_PAGES": 4}
    build_site(content, output, **settings)
    fresh_builds = iter(range(10))
    keys = page_cache_folder(pelican_settings(content, output)) / "keys.json"

    def rebuild_is_a_full_build(**changed) -> dict[str, bytes]:
        assert build_site(content, output, **settings, **changed).written is True
        fresh = tmp_path / f"fresh-{next(fresh_builds)}"
        build_site(content, fresh, force=True, **settings, **changed)
        assert _files(output) == _files(fresh)
        # What the rebuild took from the last build is what a full build computes afresh.
        kept = keys.read_text()
        build_site(content, output, force=True, **settings, **changed)
        assert keys.read_text() == kept
        return _files(output)

    generate.generate(2, seeds, seed=17, start=30, progress=False)  # the newest news
    ingest(seeds, content, vocab_dir=vocab)
    before = rebuild_is_a_full_build()
    articles = sorted(content.glob("20*/*/*.md"))
    articles[3].unlink()  # an editor deletes an article
    edited = articles[5]  # and retitles another, keeping the file's size
    text = edited.read_text(encoding="utf-8")
    title = yaml.safe_load(text.split("---")[1])["title"]
    edited.write_text(text.replace(title, title[::-1], 1), encoding="utf-8")
    after_edits = rebuild_is_a_full_build()
    assert after_edits != before
    assert any(title[::-1].encode() in page for page in after_edits.values())

    # The vocabulary: a tagged person's role is reworded.
    named = {
        name
        for path in content.glob("20*/*/*.md")
        for name in yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]).get(
            "actors", []
        )
    }
    actors_file = vocab / "actors.yaml"
    entries = yaml.safe_load(actors_file.read_text(encoding="utf-8"))
    person = next(e for e in entries if e["name"] in named and e.get("role"))
    actors_file.write_text(
        actors_file.read_text(encoding="utf-8").replace(
            f"role: {person['role']}", f"role: Former {person['role']}", 1
        ),
        encoding="utf-8",
    )
    ingest(seeds, content, vocab_dir=vocab)
    after_vocabulary = rebuild_is_a_full_build()
    assert any(f"Former {person['role']}".encode() in page for page in after_vocabulary.values())

    # The settings: the site's name, and how many entries a feed shows.
    after_settings = rebuild_is_a_full_build(SITENAME="The Other Digest", FEED_MAX_ITEMS=5)
    assert b"The Other Digest" in after_settings["index.html"]


def test_an_actor_published_or_withheld_by_another_article_shows_as_a_full_build_shows_it(
    tmp_path,
):
    """A proposed actor is published once two articles name it: the pages of the first
    article (its day's edition among them) change without its file changing."""
    from newsdigest.content_format import dump

    def article(title: str, day: str, actors: list[str]) -> str:
        slug = title.lower().replace(" ", "-")
        fields = {"title": title, "slug": slug, "date": day, "summary": f"{title}, in brief."}
        return dump({**fields, "topics": ["Politics"], "actors": actors, "body": f"{title}."})

    content, output = tmp_path / "content", tmp_path / "output"
    (content / "2026").mkdir(parents=True)
    (content / "candidates.yaml").write_text("- name: Zed Quux\n  kind: person\n")
    first = article("Harbour opens", "2026-03-02T10:00:00", ["Zed Quux", "France"])
    (content / "2026" / "a.md").write_text(first)
    (content / "2026" / "c.md").write_text(article("Bridge shuts", "2026-03-01", ["France"]))
    build_site(content, output)
    assert not (output / "actors" / "zed-quux").exists()  # named once: withheld
    second = content / "2026" / "b.md"
    for change in ("add", "remove"):
        if change == "add":
            second.write_text(article("Snow closes roads", "2026-02-03T10:00:00", ["Zed Quux"]))
        else:
            second.unlink()
        build_site(content, output)
        fresh = tmp_path / f"fresh-{change}"
        build_site(content, fresh, force=True)
        assert _files(output) == _files(fresh)
        edition = (output / "editions" / "2026" / "03" / "02" / "index.html").read_text()
        assert ("zed-quux" in edition) is (change == "add")


def test_pages_a_new_article_reaches_without_their_files_changing_match_a_full_build(tmp_path):
    """A page is keyed again only when a change can reach it (reach.py): an article slotted
    between two others relinks them; one on another subject names a speaker an older
    article quotes; a name written another way renames a term on every page that shows it."""
    from newsdigest.content_format import dump

    def article(title: str, day: str, topic: str, actors: list[str], quotes=()) -> str:
        slug = title.lower().replace(" ", "-")
        fields = {"title": title, "slug": slug, "date": day, "summary": f"{title}, in brief."}
        fields.update(topics=[topic], actors=actors, quotes=list(quotes))
        return dump({**fields, "body": f"{title}."})

    content, output = tmp_path / "content", tmp_path / "output"
    (content / "2026").mkdir(parents=True)
    said = [{"speaker": "Zed Quux", "text": "We will rebuild the harbour."}]
    first = article("Harbour", "2026-03-01", "Politics", ["Ruritania"], said)
    (content / "2026" / "a.md").write_text(first)
    (content / "2026" / "c.md").write_text(article("Bridge", "2026-03-05", "Politics", []))
    build_site(content, output)
    changes = [
        ("b.md", article("Snow", "2026-03-03", "Politics", ["Ruritania"])),  # between a and c
        ("e.md", article("Final", "2026-03-09", "Sport", ["Zed Quux"])),  # names the speaker
        ("d.md", article("Flood", "2026-03-07", "Politics", ["ruritania"])),  # the newest so
    ]
    harbour = output / "2026" / "03" / "harbour" / "index.html"
    for number, (name, text) in enumerate(changes):
        (content / "2026" / name).write_text(text)
        assert build_site(content, output).written is True
        fresh = tmp_path / f"fresh-{number}"
        build_site(content, fresh, force=True)
        assert _files(output) == _files(fresh)
        assert ("/2026/03/snow/" in harbour.read_text()) is True
        assert ("actors/zed-quux/" in harbour.read_text()) is (number >= 1)
    assert ">ruritania<" in harbour.read_text()


def test_a_build_after_one_that_did_not_finish_removes_its_temporary_files(tmp_path, generate):
    """A build killed midway leaves no stamp, and maybe a temporary file; the next one
    removes it (a build after one that finished does not search the output for them)."""
    from newsdigest.atomic import TEMP_SUFFIX

    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(5, seeds, seed=19, progress=False)
    ingest(seeds, content)
    build_site(content, output)
    page = next(output.glob("20*/*/*/index.html"))
    left = page.parent / f".index.html.k1ll3d{TEMP_SUFFIX}"
    left.write_text("<!DOCTYPE html><html><body><p>half", encoding="utf-8")
    (output / STAMP_NAME).unlink()  # the stamp goes first when a build starts

    assert build_site(content, output).written is True
    assert not left.exists()
    assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_pages_deleted_from_the_output_are_written_again(tmp_path, generate):
    """A page or feed no change reaches keeps its last key only while its file is there:
    the next build that runs writes again what was deleted by hand, and nothing else."""
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(12, seeds, seed=29, progress=False)
    ingest(seeds, content)
    build_site(content, output)
    expected = _files(output)
    deleted = [
        next(output.glob("20*/*/*/index.html")),  # an article's page
        next(output.glob("topics/*/index.html")),  # a topic's
        next(output.glob("feeds/actors/*.atom.xml")),  # an actor's feed
    ]
    for path in deleted:
        path.unlink()
    (output / STAMP_NAME).unlink()  # the build runs, with the same code and so the same key
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*.html")}
    assert build_site(content, output).written is True
    assert _files(output) == expected
    assert all(path.stat().st_mtime_ns == when for path, when in before.items())


def _damaged_then_rebuilt(tmp_path, generate, count: int, damage) -> None:
    """Build, damage a record the build keeps (`damage(content, output)` gives the texts to
    put in its place, one after another), and check each rebuild gives the same site."""
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(count, seeds, seed=count, progress=False)
    ingest(seeds, content)
    build_site(content, output)
    expected = _files(output)
    path, texts = damage(content, output)
    for text in texts:
        path.write_text(text, encoding="utf-8")
        (output / STAMP_NAME).unlink()  # the build runs, with the same code and so the same key
        assert build_site(content, output).written is True
        assert _files(output) == expected


def test_damaged_article_records_are_made_again(tmp_path, generate):
    """What the last build kept of each article file is taken only when it is whole."""
    import json

    def damage(content, output):
        records = article_records_path(pelican_settings(content, output))
        text = records.read_text(encoding="utf-8")
        data = json.loads(text)
        for number, (path, record) in enumerate(sorted(data["articles"].items())):
            damaged = [record[0], None, 7, ["x"]] if number % 2 else [record[0]]
            data["articles"][path] = damaged
        return records, [json.dumps(data), text[:100]]  # values of other kinds; cut off

    _damaged_then_rebuilt(tmp_path, generate, 8, damage)


def test_damaged_kept_articles_are_read_again(tmp_path, generate):
    """Articles kept as read (read_cache.py) are taken only from a file read back whole."""
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(6, seeds, seed=23, progress=False)
    ingest(seeds, content)
    build_site(content, output)
    expected = _files(output)
    (kept,) = kept_folder(pelican_settings(content, output)).glob("*.pickle")
    data = kept.read_bytes()
    for damaged in (b"", data[: len(data) // 2], b"not a pickle at all", data[:-1] + b"x"):
        kept.write_bytes(damaged)
        (output / STAMP_NAME).unlink()  # the build runs, with the same code and so the same key
        assert build_site(content, output).written is True
        assert _files(output) == expected
        assert kept.read_bytes() == data  # made again, as a build from the files makes it


def test_a_new_or_edited_article_writes_again_only_the_kept_file_it_is_in(tmp_path, generate):
    """A rebuild takes the unchanged articles as they were kept, and writes again only the
    kept files where an article was added, changed or removed."""
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(150, seeds, seed=29, progress=False)
    ingest(seeds, content)
    build_site(content, output)
    folder = kept_folder(pelican_settings(content, output))

    def kept():
        return {path.name: path.read_bytes() for path in folder.glob("*.pickle")}

    for change in ("add", "edit", "remove"):
        before = kept()
        assert len(before) > 1
        if change == "add":
            generate.generate(1, seeds, seed=29, start=150, progress=False)
            ingest(seeds, content)
        else:
            article = sorted(content.glob("20*/*/*.md"))[3]
            if change == "edit":
                article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n")
            else:
                article.unlink()
        assert build_site(content, output).written is True
        after = kept()
        changed = {
            name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
        }
        assert len(changed) == 1, change
    fresh = tmp_path / "fresh"
    build_site(content, fresh, force=True)
    assert _files(output) == _files(fresh)


def test_large_records_are_written_in_pieces_and_read_back_whole(tmp_path):
    """The page keys and article records of a large site are written a few thousand entries
    at a time; what is read back is what was saved, as JSON writes it."""
    import json

    from newsdigest.site.cache import load_page_cache, save_article_records, save_page_cache

    keys = {f"topics/t{n % 97}/page/{n}/index.html": f'k\u00e9"{n}' for n in range(10_001)}
    path = tmp_path / "pages" / "keys.json"
    save_page_cache(path, keys)
    assert load_page_cache(path) == keys
    assert path.read_text(encoding="utf-8") == json.dumps(keys, sort_keys=True)
    records = {
        f"2026/{n}.md": [f"{n}:1", "a" * 64, "b", f"/a/{n}/", f"a/{n}.html"] for n in range(9000)
    }
    save_article_records(path, "code", records)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"key": "code", "articles": records}
    compact = json.dumps(data, sort_keys=True, separators=(",", ":"))
    assert path.read_text(encoding="utf-8") == compact


def test_damaged_related_rankings_are_ranked_again(tmp_path, generate):
    """The last build's related articles are taken only when their record is whole."""
    import json

    def damage(content, output):
        kept = page_cache_folder(pelican_settings(content, output)) / "related.json"
        text = kept.read_text(encoding="utf-8")
        data = json.loads(text)
        rankings = data["related"]
        damaged = [
            {**data, "related": {**rankings, "related": [[10**6]] * len(rankings["related"])}},
            {**data, "related": {**rankings, "order": rankings["order"][1:]}},
            {**data, "related": {**rankings, "lists": {"topics\0x": "y"}, "terms": [None]}},
            {**data, "related": [1, 2]},
        ]
        return kept, [text[:100], *map(json.dumps, damaged)]

    _damaged_then_rebuilt(tmp_path, generate, 12, damage)


def test_a_damaged_record_of_written_files_removes_nothing_outside_the_output(tmp_path, generate):
    """A rebuild removes the files the last build wrote and this one does not, as its
    record names them: never a file outside the output folder, whatever the record says."""
    import json

    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(4, seeds, seed=29, progress=False)
    ingest(seeds, content)
    build_site(content, output)
    outside = tmp_path / "keep.txt"
    outside.write_text("an editor's file", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "index.html").write_text("kept", encoding="utf-8")
    (output / "linked").symlink_to(tmp_path / "elsewhere")
    keys = page_cache_folder(pelican_settings(content, output)) / "keys.json"
    recorded = json.loads(keys.read_text(encoding="utf-8"))
    for name in ("../keep.txt", str(outside), "linked/index.html", "", "."):
        recorded[name] = "x"
    keys.write_text(json.dumps(recorded), encoding="utf-8")
    (output / STAMP_NAME).unlink()

    assert build_site(content, output).written is True
    assert outside.read_text(encoding="utf-8") == "an editor's file"
    assert (tmp_path / "elsewhere" / "index.html").read_text(encoding="utf-8") == "kept"
    assert (output / "index.html").exists()


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
    assert build_site(content, output, tmp_path / "settings.py").written is True
    assert page.read_text() != "stale"


def test_a_template_edited_in_place_shows_in_the_next_build(tmp_path, generate):
    """Compiled templates are kept between builds; an edit of one is in the next build."""
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    generate.generate(3, seeds, seed=4, progress=False)
    ingest(seeds, content)
    settings = tmp_path / "settings.py"
    settings.write_text((ROOT / "pelican.conf.py").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(ROOT / "theme", tmp_path / "theme")
    build_site(content, output, settings)
    article = tmp_path / "theme" / "templates" / "article.html"
    article.write_text(article.read_text().replace("</article>", "<p>edited</p></article>", 1))
    assert build_site(content, output, settings).written is True
    pages = list(output.glob("20*/*/*/index.html"))
    assert len(pages) == 3 and all("<p>edited</p>" in page.read_text() for page in pages)


def test_reading_on_every_core_gives_the_same_site(tmp_path, generate, caplog):
    """Articles read in worker processes make the site that reading in one process makes,
    and a file that cannot be read is reported all the same."""
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    generate.generate(24, seeds, seed=5, progress=False)
    ingest(seeds, content)
    (content / "2025" / "broken.md").write_text("---\ntitle: [unclosed\n---\nBody.\n")

    with pytest.raises(BuildError) as alone:
        build_site(content, tmp_path / "alone", force=True, PARALLEL_READ_MIN_FILES=10**9)
    errors_alone = [r.getMessage() for r in caplog.records if "broken.md" in r.getMessage()]
    caplog.clear()
    with pytest.raises(BuildError) as parallel:
        build_site(
            content,
            tmp_path / "parallel",
            force=True,
            PARALLEL_READ_MIN_FILES=1,
            RENDER_PROCESSES=2,
        )
    errors_parallel = [r.getMessage() for r in caplog.records if "broken.md" in r.getMessage()]
    assert alone.value.failures == parallel.value.failures
    ((name, reason),) = alone.value.failures
    assert name.endswith("broken.md") and reason  # the file, and why

    assert _files(tmp_path / "alone") == _files(tmp_path / "parallel")
    assert len(list((tmp_path / "alone").glob("20*/*/*/index.html"))) == 24
    assert errors_alone and errors_parallel == errors_alone


@pytest.mark.parametrize("batch", [1, 4])
def test_pages_rendered_in_forked_batches_are_the_pages_of_one_process(tmp_path, generate, batch):
    """Article pages go out in batches to forked processes; the site and the page cache
    they leave are those of a build that renders everything in one process."""
    import json

    seeds, content = tmp_path / "seeds", tmp_path / "content"
    generate.generate(30, seeds, seed=11, progress=False)
    ingest(seeds, content)

    output = tmp_path / "output"  # the same folder: it is part of the settings, so of the keys
    keys_file = page_cache_folder(pelican_settings(content, output)) / "keys.json"
    build_site(content, output, RENDER_PROCESSES=1)
    alone, keys = _files(output), json.loads(keys_file.read_text())
    shutil.rmtree(output)
    build_site(content, output, RENDER_PROCESSES=2, RENDER_BATCH_PAGES=batch)

    assert _files(output) == alone
    assert json.loads(keys_file.read_text()) == keys
    assert len(keys) > 30


def test_a_failing_page_fails_the_build_whichever_process_renders_it(tmp_path, generate):
    """A template error in a forked batch is an error of the build, not a missing page."""
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    generate.generate(12, seeds, seed=13, progress=False)
    ingest(seeds, content)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    failing = "{{ article.no_such_thing.upper() }}{% endblock %}"
    article.write_text(article.read_text().replace("{% endblock %}", failing, 1))
    settings = tmp_path / "pelican.conf.py"
    settings.write_text((ROOT / "pelican.conf.py").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="rendering process"):
        build_site(content, tmp_path / "out", settings, RENDER_PROCESSES=2, RENDER_BATCH_PAGES=2)
    assert not (tmp_path / "out" / STAMP_NAME).exists()
