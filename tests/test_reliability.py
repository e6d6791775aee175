"""Bad input, editors' changes, crashes and concurrent runs: nothing is lost, nothing stops.

The crash tests kill real `invoke` processes with SIGKILL while they write, then check that
every file left behind is whole and that the next run ends byte for byte where an
uninterrupted run ends.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from newsdigest.content_format import dump, parse
from newsdigest.ingest.ledger import Ledger
from newsdigest.ingest.run import ingest
from newsdigest.lock import LockedError, folder_lock, lock_holder
from tests.conftest import ROOT, SEEDS
from tests.hostile_seeds import BAD, GOOD, make_hostile_seeds

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}  # 2026-01-01: undated seeds get one fixed day
BODY = (
    "The regional council voted on Monday to extend the night bus service to three more "
    "districts, officials said.\n\nThe change takes effect in January and costs little, "
    "the council's transport office said in a statement."
)


def invoke(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **EPOCH, **env},
    )


def start_invoke(*args: str) -> subprocess.Popen:
    """A real `invoke` run in its own process group, so SIGKILL reaches its workers too."""
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **EPOCH},
        start_new_session=True,
    )


def kill_when(process: subprocess.Popen, ready, timeout: float = 120) -> None:
    """SIGKILL `process` as soon as `ready()` holds; fail if it ended first."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "the run ended before it could be killed midway"
        assert time.monotonic() < deadline, "the run never got far enough"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL


def count_files(folder: Path, suffix: str) -> int:
    return sum(name.endswith(suffix) for _, _, files in os.walk(folder) for name in files)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def write_seed(folder: Path, name: str, title: str, body: str = BODY, byline: str = "") -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n{byline + chr(10) * 2 if byline else ''}{body}\n", "utf-8")
    return path


def articles(content: Path) -> dict[str, dict]:
    """Front matter and body of every article, by the seed file it came from."""
    found = {}
    for path in sorted(content.rglob("*.md")):
        fields = parse(path.read_text(encoding="utf-8"))
        fields["path"] = path
        found[fields["source"]["file"]] = fields
    return found


@pytest.fixture(scope="module")
def batch_seeds(tmp_path_factory) -> Path:
    """600 distinct seeds made from the demo ones: enough that a run can be killed midway."""
    folder = tmp_path_factory.mktemp("batch") / "seeds"
    folder.mkdir()
    demo = sorted(SEEDS.glob("*.txt"))
    for number in range(600):
        title, rest = demo[number % len(demo)].read_text("utf-8", "replace").split("\n", 1)
        text = f"Dispatch {number}: {title}\n{rest}\nThis was dispatch number {number}.\n"
        (folder / f"{number:04d}.txt").write_text(text, encoding="utf-8")
    return folder


# --- bad input -------------------------------------------------------------------------------


def test_hostile_corpus_one_line_per_bad_file_and_good_ones_kept(tmp_path):
    seeds = make_hostile_seeds(tmp_path / "seeds")
    content, output = tmp_path / "content", tmp_path / "output"
    strict = invoke("ingest", "--strict", "--seeds", str(seeds), "--content", str(content))
    assert strict.returncode == 2, strict.stderr
    summary = f"ingest: {len(GOOD)} ingested, 0 unchanged, {len(BAD)} failed"
    assert summary in strict.stdout
    assert "some files failed" in strict.stdout
    lines = strict.stderr.splitlines()
    for name, reason in BAD.items():
        mine = [line for line in lines if f"{seeds / name}:" in line]
        assert len(mine) == 1, (name, mine)
        assert reason in mine[0], (name, mine[0])
    for name in GOOD:
        assert not [line for line in lines if f"{seeds / name}:" in line], name

    found = articles(content)
    assert set(found) == set(GOOD)
    for name, (title, phrases) in GOOD.items():
        assert found[name]["title"] == title, name
        for phrase in phrases:
            assert phrase in found[name]["body"], (name, phrase)
    for path in content.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert not any(ch in text for ch in "\x00\x01\x07\x08\x0b\x1b\x7f\ufeff\ufffd"), path

    # the default run goes on, says that files failed, and builds a site with sound feeds
    build = invoke(
        "build", "--seeds", str(seeds), "--content", str(content), "--output", str(output)
    )
    assert build.returncode == 0, build.stderr
    assert f"0 ingested, {len(GOOD)} unchanged, {len(BAD)} failed" in build.stdout
    assert "some files failed" in build.stdout
    assert build.stderr.count("error: ") == len(BAD)
    for feed in (output / "feeds").rglob("*.xml"):
        etree.fromstring(feed.read_bytes())  # strict XML parser: raises on any bad character
        assert not feedparser.parse(feed.read_bytes()).bozo, feed


def test_unreadable_seed_is_reported(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("running as root: chmod 000 does not stop root from reading a file")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    write_seed(seeds, "good.txt", "Night Buses Extended")
    locked = write_seed(seeds, "locked.txt", "Locked Away")
    locked.chmod(0)
    try:
        result = invoke("ingest", "--seeds", str(seeds), "--content", str(tmp_path / "content"))
    finally:
        locked.chmod(0o644)
    assert result.returncode == 0
    assert "1 ingested, 0 unchanged, 1 failed" in result.stdout
    assert f"error: {locked}: Permission denied" in result.stderr


def test_symbolic_links_among_the_seeds_are_refused(tmp_path, capsys):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    shutil.copy(SEEDS / "000_630b42074d3af39e.txt", seeds / "real.txt")
    secret = tmp_path / "secret.txt"
    secret.write_text("Private notes\n\nThe password of the server is hunter2, said the admin.\n")
    (seeds / "passwd.txt").symlink_to("/etc/passwd")
    (seeds / "secret.txt").symlink_to(secret)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(secret, outside / "more.txt")
    (seeds / "folder").symlink_to(outside, target_is_directory=True)
    (seeds / "again.txt").symlink_to(seeds / "real.txt")  # inside the seeds folder

    report = ingest(seeds, content)
    err = capsys.readouterr().err
    refused = dict(report.failed)
    assert set(refused) == {"passwd.txt", "secret.txt", "folder", "again.txt"}
    assert all("symbolic link" in reason for reason in refused.values())
    assert "outside the seeds folder" in refused["passwd.txt"]
    assert "inside the seeds folder" in refused["again.txt"]
    assert f"error: {seeds / 'passwd.txt'}: is a symbolic link" in err
    texts = "".join(p.read_text() for p in content.rglob("*.md"))
    assert "hunter2" not in texts and "root:" not in texts
    assert report.ingested == ["real.txt"]

    # Allowed on request, the link that stays inside is read; the others still are not.
    shutil.rmtree(content)
    report = ingest(seeds, content, links_inside=True)
    assert set(dict(report.failed)) == {"passwd.txt", "secret.txt", "folder"}
    assert report.duplicates == [("real.txt", "again.txt")] or "again.txt" in report.ingested


def test_a_stale_review_list_is_put_right_by_the_next_run(tmp_path):
    """A run killed after saving the ledger and before writing the review list."""
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    names = sorted(p.name for p in SEEDS.iterdir() if p.suffix in (".txt", ".html"))
    for name in names[:6]:
        shutil.copy(SEEDS / name, seeds)
    ingest(seeds, content)
    stale = (content / "candidates.yaml").read_bytes()
    for name in names[6:]:
        shutil.copy(SEEDS / name, seeds)
    ingest(seeds, content)
    fresh = (content / "candidates.yaml").read_bytes()
    assert fresh != stale
    (content / "candidates.yaml").write_bytes(stale)  # the list the killed run left

    report = ingest(seeds, content)
    assert report.ingested == [] and len(report.unchanged) == len(names)
    assert (content / "candidates.yaml").read_bytes() == fresh


def test_an_article_pelican_cannot_process_fails_the_build_by_name(tmp_path):
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    seeds.mkdir()
    shutil.copy(SEEDS / "000_630b42074d3af39e.txt", seeds)
    args = ["--seeds", str(seeds), "--content", str(content), "--output", str(output)]
    assert invoke("build", *args).returncode == 0
    broken = content / "2026" / "broken.md"
    broken.parent.mkdir(parents=True, exist_ok=True)
    broken.write_text("---\ntitle: [unclosed\n---\nBody.\n")  # an editor's slip

    for _ in range(2):  # and again: a failed build is never taken as up to date
        done = invoke("build", *args)
        assert done.returncode != 0
        assert f"error: {broken}: could not be processed:" in done.stderr
        assert "1 article(s) missing" in done.stderr and "up to date" not in done.stdout
    broken.unlink()
    assert invoke("build", *args).returncode == 0


def _small_disk_reason() -> str | None:
    """Why a run on a small disk cannot be set up here (a tmpfs in a user namespace), or None."""
    if not shutil.which("unshare"):
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        text=True,
    )
    return (
        None if probe.returncode == 0 else f"no tmpfs in a user namespace: {probe.stderr.strip()}"
    )


@pytest.mark.parametrize(("task", "size"), [("ingest", "60k"), ("build", "700k")])
def test_a_full_disk_is_one_clear_line_and_the_next_run_recovers(tmp_path, task, size):
    reason = _small_disk_reason()
    if reason:
        pytest.skip(reason)
    disk = tmp_path / "disk"
    disk.mkdir()
    folders = f"--seeds {SEEDS} --content {disk}/content"
    folders += f" --output {disk}/output" if task == "build" else ""
    run = f"{sys.executable} -m invoke {task} {folders}"
    script = (
        f"mount -t tmpfs -o size={size} tmpfs {disk} || exit 9\n"
        f"{run} > {tmp_path}/out1 2> {tmp_path}/err1; echo $? > {tmp_path}/rc1\n"
        f"mount -o remount,size=200m {disk}\n"  # room again
        f"{run} > {tmp_path}/out2 2> {tmp_path}/err2; echo $? > {tmp_path}/rc2\n"
        f"find {disk} -name '*.md' -exec cat {{}} + > {tmp_path}/articles\n"
        f"find {disk} -name '*.newsdigest-tmp' > {tmp_path}/leftovers\n"
    )
    env = {**os.environ, **EPOCH, "NEWSDIGEST_NER_MODEL": "none"}
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=ROOT, env=env)
    assert done.returncode == 0
    first = (tmp_path / "err1").read_text()
    assert (tmp_path / "rc1").read_text().strip() == "1"
    assert first.count("\n") == 1 and "Traceback" not in first, first
    assert first.startswith(f"error: no space left on device while writing {disk}/")
    assert (tmp_path / "rc2").read_text().strip() == "0", (tmp_path / "err2").read_text()
    assert (tmp_path / "leftovers").read_text() == ""
    assert (tmp_path / "articles").read_text().count("\ntitle: ") >= 20  # every article whole


def test_undated_articles_get_the_time_they_were_first_seen(tmp_path):
    """Not all 00:00: a seed without a date (or with today's date and no time) is dated by the
    time it arrived in the seeds folder, so feed entries have distinct, truthful times."""
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    morning = max(now - dt.timedelta(hours=2), now.replace(hour=0, minute=0, second=1))
    noon = max(now - dt.timedelta(minutes=30), morning + dt.timedelta(seconds=1))
    for name, title, when in (
        ("a.txt", "Ferry Strike Ends", morning),
        ("b.txt", "Bridge Reopens", noon),
    ):
        path = write_seed(seeds, name, title)
        os.utime(path, (when.timestamp(), when.timestamp()))
    ingest(seeds, content)
    dates = {
        meta["title"]: str(meta["date"])
        for meta in map(parse, (p.read_text() for p in content.rglob("*.md")))
    }
    assert dates == {"Ferry Strike Ends": morning.isoformat(), "Bridge Reopens": noon.isoformat()}


def test_failed_file_is_retried_next_run(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    (seeds / "later.txt").write_bytes(b"")
    first = ingest(seeds, content)
    assert first.failed == [("later.txt", "file is empty")]
    write_seed(seeds, "later.txt", "Night Buses Extended")
    second = ingest(seeds, content)
    assert second.ingested == ["later.txt"] and not second.failed
    assert articles(content)["later.txt"]["title"] == "Night Buses Extended"


# --- editors' changes, slugs and dates ---------------------------------------------------------


def test_editor_edits_survive_and_untouched_fields_refresh(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="newsdigest.ingest.run")  # information, not a warning
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    seed = write_seed(seeds, "buses.txt", "Night Buses Extended to Three Districts")
    ingest(seeds, content)
    original = articles(content)["buses.txt"]
    path = original["path"]

    edited = {k: v for k, v in original.items() if k != "path"}
    edited["title"] = "Night buses extended to three more districts"
    edited["summary"] = "The council adds night buses in three districts from January."
    edited["topics"] = ["public transport"]
    edited["body"] = original["body"] + "\n\nEditor's note: the vote was unanimous."
    path.write_text(dump(edited), encoding="utf-8")

    # the seed changes: the scraper now has a byline, so the machine has an author to add
    write_seed(seeds, seed.name, "Night Buses Extended to Three Districts", byline="By Jane Doe")
    report = ingest(seeds, content)
    assert report.ingested == ["buses.txt"]
    assert report.edited and report.edited[0][0] == "buses.txt"
    assert set(report.edited[0][1]) >= {"title", "summary", "topics", "body"}
    assert "kept editor changes" in caplog.text and "with editor changes kept" in report.summary()
    after = articles(content)["buses.txt"]
    for key in ("title", "summary", "topics", "body"):
        assert after[key] == edited[key], key
    assert after["author"] == "Jane Doe"  # a machine field the editor did not touch: refreshed
    assert after["slug"] == original["slug"] and after["date"] == original["date"]
    assert after["path"] == path

    # an unchanged seed leaves the edited file alone, byte for byte
    before = path.read_bytes()
    assert ingest(seeds, content).unchanged == ["buses.txt"]
    assert path.read_bytes() == before

    # --force regenerates from the seed
    ingest(seeds, content, force=True)
    forced = articles(content)["buses.txt"]
    assert forced["title"] == "Night Buses Extended to Three Districts"
    assert "Editor's note" not in forced["body"] and forced["author"] == "Jane Doe"


def test_same_titles_get_different_slugs_stably(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("b.txt", "a.txt", "c.html"):
        if name.endswith(".html"):
            (seeds / name).write_text(
                f"<html><head><title>Markets Rally</title></head><body><article><h1>Markets "
                f"Rally</h1><p>{BODY}</p></article></body></html>"
            )
        else:
            write_seed(seeds, name, "Markets Rally", body=f"{BODY} Seed {name}.")
    slugs = {}
    for run in ("one", "two"):
        ingest(seeds, tmp_path / run)
        slugs[run] = {name: fields["slug"] for name, fields in articles(tmp_path / run).items()}
    assert slugs["one"] == slugs["two"]
    assert slugs["one"] == {
        "a.txt": "markets-rally",
        "b.txt": "markets-rally-2",
        "c.html": "markets-rally-3",
    }
    # a newcomer with the same title never takes a slug that is already out there
    write_seed(seeds, "0.txt", "Markets Rally", body=f"{BODY} Seed zero.")
    ingest(seeds, tmp_path / "one")
    again = {name: f["slug"] for name, f in articles(tmp_path / "one").items()}
    assert again == {**slugs["one"], "0.txt": "markets-rally-4"}


def test_renamed_and_touched_seeds_keep_url_and_date(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    write_seed(seeds, "old-name.txt", "Night Buses Extended")
    ingest(seeds, content, today=dt.date(2026, 3, 17))
    before = articles(content)["old-name.txt"]
    (seeds / "old-name.txt").rename(seeds / "new-name.txt")
    os.utime(seeds / "new-name.txt", (2_000_000_000, 2_000_000_000))
    report = ingest(seeds, content, today=dt.date(2026, 5, 1))
    assert report.unchanged == ["new-name.txt"] and not report.ingested
    after = articles(content)
    assert list(after) == ["old-name.txt"]  # source.file is what the scraper first called it
    moved = after["old-name.txt"]
    assert (moved["slug"], moved["date"], moved["path"]) == (
        before["slug"],
        "2026-03-17",
        before["path"],
    )
    # the renamed seed, now edited, is still the same article
    write_seed(seeds, "new-name.txt", "Night Buses Extended", body=BODY + " Updated.")
    ingest(seeds, content, today=dt.date(2026, 6, 1))
    (only,) = articles(content).values()
    assert (only["slug"], only["date"]) == (before["slug"], "2026-03-17")
    assert only["source"]["file"] == "new-name.txt"


def test_removed_seed_is_kept_and_reported(tmp_path):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    write_seed(seeds, "stays.txt", "Night Buses Extended")
    gone = write_seed(seeds, "goes.txt", "Markets Rally")
    ingest(seeds, content)
    gone.unlink()
    report = ingest(seeds, content)
    assert report.seedless == ["goes.txt"]
    assert "1 kept without a seed" in report.summary()
    assert set(articles(content)) == {"stays.txt", "goes.txt"}


def test_reingest_of_untouched_content_changes_no_byte(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    content = tmp_path / "content"
    ingest(seeds, content)
    before = snapshot(content)
    times = {p: p.stat().st_mtime_ns for p in content.rglob("*.md")}
    report = ingest(seeds, content)
    assert not report.ingested and len(report.unchanged) == len(list(SEEDS.iterdir()))
    assert snapshot(content) == before
    assert {p: p.stat().st_mtime_ns for p in content.rglob("*.md")} == times


# --- names and YAML --------------------------------------------------------------------------


HOSTILE_TITLES = [
    'Breaking: "NATO" says #1 — yes: --- !!python/object',
    "!!python/object/apply:os.system ['echo owned']",
    "--- &a [*a, *a]",
    "../../../etc/passwd",
    "/etc/shadow",
    "..\\..\\windows\\system32",
    "CON",
    "nul",
    "Up/Down: Markets \\ Bonds // Rates",
    "...",
    "key: value\nother: value",
    "@handle `code` | pipe > quote {brace} [list] 'single' \"double\" %percent &amp;",
]


def test_hostile_titles_round_trip_and_names_stay_inside(tmp_path):
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    seeds.mkdir()
    for number, title in enumerate(HOSTILE_TITLES):
        write_seed(seeds, f"{number:02d}.txt", title.replace("\n", " "))
    (seeds / "COM1.txt").write_text(f"LPT1\n\n{BODY}\n")
    report = ingest(seeds, content)
    assert not report.failed
    found = articles(content)
    for number, title in enumerate(HOSTILE_TITLES):
        assert found[f"{number:02d}.txt"]["title"] == title.replace("\n", " ")
    reserved = {"con", "prn", "aux", "nul", *(f"{p}{n}" for p in ("com", "lpt") for n in range(10))}
    for fields in found.values():
        path = fields["path"].resolve()
        assert path.is_relative_to(content.resolve())
        assert path.stem.split(".")[0].lower() not in reserved
        assert all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in fields["slug"])
    hand = content / "2026" / "01" / "hand.md"  # an editor's slug that climbs out
    hand.parent.mkdir(parents=True)
    hand.write_text(dump({"title": "Hand", "slug": "../../../../escaped", "date": "2026-01-02",
                            "body": BODY}), encoding="utf-8")  # fmt: skip
    from newsdigest.site.build import build_site

    build_site(content, output)
    for path in output.rglob("*"):
        assert path.resolve().is_relative_to(output.resolve())
    assert (output / "2026" / "01" / "escaped" / "index.html").exists()
    assert not (tmp_path / "etc").exists() and not Path("/etc/passwd.md").exists()


def test_yaml_front_matter_executes_nothing(tmp_path):
    text = (
        "---\ntitle: !!python/object/apply:os.system ['touch " + str(tmp_path / "owned") + "']\n"
        "slug: x\n---\n\nBody.\n"
    )
    from newsdigest.content_format import FrontMatterError

    with pytest.raises(FrontMatterError):
        parse(text)
    assert not (tmp_path / "owned").exists()


# --- crashes and concurrency ---------------------------------------------------------------


def test_sigkill_during_ingest_then_rerun_equals_uninterrupted(batch_seeds, tmp_path):
    reference, content = tmp_path / "reference", tmp_path / "content"
    done = invoke("ingest", "--seeds", str(batch_seeds), "--content", str(reference))
    assert done.returncode == 0, done.stderr
    expected = snapshot(reference)

    run = start_invoke("ingest", "--seeds", str(batch_seeds), "--content", str(content))
    kill_when(run, lambda: count_files(content, ".md") >= 120)
    written = list(content.rglob("*.md"))
    assert 120 <= len(written) < 600
    for path in written:  # every article on disk is whole
        fields = parse(path.read_text(encoding="utf-8"))
        assert fields["title"] and fields["body"]

    again = invoke("ingest", "--seeds", str(batch_seeds), "--content", str(content))
    assert again.returncode == 0, again.stderr
    assert "0 failed" in again.stdout
    assert snapshot(content) == expected


def test_sigkill_during_build_then_rebuild_equals_uninterrupted(batch_seeds, tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    cache = tmp_path / ".output-cache"
    args = ["--seeds", str(batch_seeds), "--content", str(content), "--output", str(output)]
    done = invoke("build", *args)
    assert done.returncode == 0, done.stderr
    expected = snapshot(output)
    pages = sum(name.endswith(".html") for name in expected)
    shutil.rmtree(output)
    shutil.rmtree(cache)

    run = start_invoke("build", *args)
    kill_when(run, lambda: count_files(output, ".html") >= 150)
    partial = snapshot(output)
    assert 150 <= sum(name.endswith(".html") for name in partial) < pages
    for name, data in partial.items():  # whatever is there is whole
        if name.endswith(".html"):
            assert data.rstrip().endswith(b"</html>"), name
        elif name.endswith(".xml"):
            etree.fromstring(data)

    again = invoke("build", *args)
    assert again.returncode == 0, again.stderr
    assert snapshot(output) == expected


def test_rebuild_touches_only_what_changed(batch_seeds, tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for path in sorted(batch_seeds.iterdir())[:40]:
        shutil.copy(path, seeds)
    content, output = tmp_path / "content", tmp_path / "output"
    args = ["--seeds", str(seeds), "--content", str(content), "--output", str(output)]
    assert invoke("build", *args).returncode == 0
    # every page, feed and index; not the theme's static files, which Pelican copies itself,
    # nor the build's own stamp
    times = {
        p: p.stat().st_mtime_ns
        for p in output.rglob("*")
        if p.is_file() and "theme" not in p.relative_to(output).parts and p.name[0] != "."
    }

    assert invoke("build", "--force", *args).returncode == 0  # everything redone, nothing new
    assert sorted(p.name for p, t in times.items() if p.stat().st_mtime_ns != t) == []

    seed = seeds / "0003.txt"
    seed.write_text(seed.read_text("utf-8").replace("Dispatch 3:", "Dispatch 3 (corrected):"))
    assert invoke("build", *args).returncode == 0
    # rewritten, or gone (the search index names some files after their content)
    touched = {p for p, t in times.items() if not p.exists() or p.stat().st_mtime_ns != t}
    (page,) = [
        p
        for p in output.rglob("index.html")
        if "Dispatch 3 (corrected)" in p.read_text()
        and "<article" in p.read_text()
        and p.parent.parent.name.isdigit()
    ][:1] or [None]
    assert page in touched
    assert len(touched) < len(times) / 2, (len(touched), len(times))


def test_two_builds_at_once_one_waits_out_with_a_clear_message(batch_seeds, tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    args = ["--seeds", str(batch_seeds), "--content", str(content), "--output", str(output)]
    first = start_invoke("build", *args)
    try:
        deadline = time.monotonic() + 60
        while not _held_by(content, first.pid):
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        second = invoke("build", *args)
        assert second.returncode == 1
        assert "is in use by another newsdigest run" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert first.wait(timeout=300) == 0, first.stderr.read().decode()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    for path in content.rglob("*.md"):
        parse(path.read_text(encoding="utf-8"))
    third = invoke("build", *args)
    assert third.returncode == 0 and "0 ingested, 600 unchanged, 0 failed" in third.stdout


def test_the_lock_is_the_folders_own_whatever_tmpdir(tmp_path):
    folder, other_tmp = tmp_path / "content", tmp_path / "tmp"
    folder.mkdir()
    other_tmp.mkdir()
    code = (
        "import sys, time\nfrom newsdigest.lock import folder_lock\n"
        "with folder_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(60)\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(folder)],
        stdout=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(other_tmp)},
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == b"held"
        with pytest.raises(LockedError, match=f"pid {holder.pid}\\)"), folder_lock(folder):
            pass
    finally:
        holder.kill()
        holder.wait()
    with folder_lock(folder):  # free again: the kernel dropped it with its holder
        assert lock_holder(folder) == os.getpid()
    assert list(folder.iterdir()) == [] and list(other_tmp.iterdir()) == []  # no lock files


def _held_by(folder: Path, pid: int) -> bool:
    """Whether run `pid` holds the folder's lock, as the kernel says."""
    return folder.exists() and lock_holder(folder) == pid


def test_feeds_stay_well_formed_whatever_the_source_contained(tmp_path):
    seeds, content, output = tmp_path / "seeds", tmp_path / "content", tmp_path / "output"
    seeds.mkdir()
    odd = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff\ufdd0\U0001fffe\u2028\u2029"
    (seeds / "raw.txt").write_bytes(
        f"Storm {odd} Closes Pass\n\n{BODY} {odd}\n\n{BODY}\n\n{BODY}\n".encode()
        + b" lone surrogate \xed\xa0\x80 and a CESU pair \xed\xa0\xbd\xed\xb8\x80.\n"
    )
    refs = "&#0; &#1; &#x1b; &#xD800; &#xDFFF; &#xFFFE; &#xFFFF; &#x110000; &#65535; &#128;"
    (seeds / "refs.html").write_text(
        f"<html><head><title>Refs {refs} Title</title></head><body><article><h1>Refs {refs} "
        f"Title</h1><p>{BODY} {refs}</p><p><a href='http://example.com/{refs}'>{refs}</a></p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    ingest(seeds, content)
    assert set(articles(content)) == {"raw.txt", "refs.html"}
    hand = content / "2026" / "01" / "hand.md"  # an editor's file, bad bytes and all
    hand.parent.mkdir(parents=True)
    hand.write_bytes(
        f"---\ntitle: 'Hand {odd} made'\nslug: hand\ndate: '2026-01-02'\nsummary: \"x \\x01 "
        f'\\uFFFE y"\n---\n\n{BODY} {odd} {refs}\n'.encode("utf-8", "surrogatepass")
        + b"\xed\xa0\x80 \xff\xfe\n"
    )
    from newsdigest.site.build import build_site

    build_site(content, output)
    feeds = list((output / "feeds").rglob("*.xml"))
    assert feeds
    for feed in feeds:
        data = feed.read_bytes()
        etree.fromstring(data)  # strict XML 1.0: any forbidden character raises
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    titles = {
        e.title for e in feedparser.parse((output / "feeds/all.atom.xml").read_bytes()).entries
    }
    assert {"Storm Closes Pass", "Refs € Title", "Hand made"} <= {
        " ".join(t.split()) for t in titles
    }


def test_a_damaged_ledger_is_rebuilt_from_the_articles(tmp_path, caplog):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    write_seed(seeds, "a.txt", "Markets Rally", body=BODY + " A.")
    write_seed(seeds, "b.txt", "Markets Rally", body=BODY + " B.")
    ingest(seeds, content, today=dt.date(2026, 3, 17))
    before = snapshot(content)
    (content / ".ledger.json").write_text('{"version": 1, "articles": {', encoding="utf-8")
    report = ingest(seeds, content, today=dt.date(2026, 5, 1))
    assert "damaged" in caplog.text and not report.failed
    assert snapshot(content) == before  # articles and ledger alike, as if nothing happened
    slugs = {name: f["slug"] for name, f in articles(content).items()}
    assert slugs == {"a.txt": "markets-rally", "b.txt": "markets-rally-2"}
    assert ingest(seeds, content).unchanged == ["a.txt", "b.txt"]


def test_the_ledger_keeps_unchanged_lines_and_writes_what_a_whole_rewrite_writes(tmp_path):
    """Saving keeps the lines of entries no run recorded since it read them; the file is
    byte for byte the one written from scratch. A ledger in another form (written by hand,
    or with fields this version does not store) is written again whole."""
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    for letter in "ab":
        write_seed(seeds, f"{letter}.txt", f"Markets Rally {letter}", body=BODY + f" {letter}.")
    ingest(seeds, content, today=dt.date(2026, 3, 17))
    write_seed(seeds, "c.txt", "Harbour Opens", body=BODY + " C.")
    write_seed(seeds, "a.txt", "Markets Rally a", body=BODY + " a, and more.")
    report = ingest(seeds, content, today=dt.date(2026, 3, 18))
    assert report.ingested == ["a.txt", "c.txt"] and report.unchanged == ["b.txt"]
    ledger = (content / ".ledger.json").read_text(encoding="utf-8")
    assert ledger.count("\n") == 5  # one line per article

    rewritten = Ledger(content).load()
    rewritten.changed, rewritten._lines = True, {}
    rewritten.save()
    assert (content / ".ledger.json").read_text(encoding="utf-8") == ledger

    data = json.loads(ledger)
    for values in data["articles"].values():
        values["from_an_older_version"] = 1
    (content / ".ledger.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    edited = seeds / "c.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA line added.\n", "utf-8")
    assert ingest(seeds, content, today=dt.date(2026, 3, 19)).ingested == ["c.txt"]
    again = (content / ".ledger.json").read_text(encoding="utf-8")
    assert "from_an_older_version" not in again and again.count("\n") == 5
    assert json.loads(again)["articles"].keys() == data["articles"].keys()


def test_a_run_with_nothing_changed_still_notices_what_did(tmp_path):
    """Seeds whose size and time are unchanged are not read again; anything else that ingest
    looks at (an article deleted, a seed edited or removed, its own records lost) is seen."""
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    names = sorted(p.name for p in SEEDS.iterdir() if p.suffix == ".txt")[:4]
    for name in names:
        shutil.copy(SEEDS / name, seeds)
    first = ingest(seeds, content)
    assert len(first.ingested) == 4
    articles = sorted(content.rglob("*.md"))
    assert ingest(seeds, content).unchanged == names

    articles[0].unlink()  # an article deleted by hand is made again
    again = ingest(seeds, content)
    assert len(again.ingested) == 1 and articles[0].exists()

    edited = seeds / names[1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA line added later.\n", "utf-8")
    assert ingest(seeds, content).ingested == [names[1]]

    (seeds / names[2]).unlink()
    assert ingest(seeds, content).seedless == [names[2]]
    assert ingest(seeds, content).seedless == [names[2]]  # reported on every run

    stats = tmp_path / ".content-cache" / "seeds.json"
    assert stats.exists()
    stats.write_text("{not json", encoding="utf-8")  # lost: every seed is read again
    report = ingest(seeds, content)
    assert report.ingested == [] and len(report.unchanged) == 3
    assert json.loads(stats.read_text(encoding="utf-8"))["seeds"]


def test_nothing_changed_is_seen_whether_folders_are_named_relatively_or_not(tmp_path, monkeypatch):
    seeds, content = tmp_path / "seeds", tmp_path / "content"
    seeds.mkdir()
    for name in sorted(p.name for p in SEEDS.iterdir() if p.suffix == ".txt")[:2]:
        shutil.copy(SEEDS / name, seeds)
    monkeypatch.chdir(tmp_path)
    assert len(ingest(Path("seeds"), Path("content")).ingested) == 2
    assert ingest(Path("seeds"), Path("content")).untouched
    assert ingest(seeds, content).untouched  # the same folders, named absolutely
