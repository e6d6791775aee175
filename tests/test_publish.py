"""Publishing against real local targets: folders through rsync, a bare git repository.

Every test builds a real site from sample seeds with production settings; nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
import yaml

from newsdigest.publish.checks import check_site, size_problems
from newsdigest.publish.command import (
    PublishConfig,
    build_production,
    load_config,
    production_settings,
    publish,
    rollback,
)
from newsdigest.publish.targets import PublishError, make_target
from newsdigest.publish.targets.rsync import parse_itemized
from newsdigest.publish.targets.s3 import content_type, is_page, plan_sync

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SITE = "https://news.example.org"
FIRST = [
    "000_630b42074d3af39e.txt",
    "001_ecb-holds-rates.txt",
    "004_lublin-mayoral-by-election.txt",
]
MORE = ["009_nyc-marathon-rotich.txt", "012_cop31-adaptation-funding.txt"]

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync")


@pytest.fixture
def project(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in FIRST:
        shutil.copy(SEEDS / name, seeds / name)
    return tmp_path


def add_seeds(project: Path, names: list[str]) -> None:
    for name in names:
        shutil.copy(SEEDS / name, project / "seeds" / name)


def config(**targets) -> PublishConfig:
    return PublishConfig(site_url=SITE, targets=targets, default_target=next(iter(targets), ""))


def run(project: Path, conf: PublishConfig, **options) -> list[str]:
    said: list[str] = []
    publish(
        project / "seeds",
        project / "content",
        project / "output",
        config=conf,
        say=said.append,
        **options,
    )
    return said


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


# Configuration and production settings


def test_config_file_and_environment(tmp_path):
    path = tmp_path / "publish.toml"
    path.write_text(
        'default_target = "web"\n'
        '[site]\nurl = "https://a.example"\n'
        '[analytics]\nscript = "https://stats.example/s.js"\n'
        'attributes = { "data-domain" = "a.example" }\n'
        "[checks]\nmin_size_ratio = 0.8\n"
        '[targets.web]\ntype = "rsync"\npath = "/srv/www"\n'
    )
    conf = load_config(path, environ={})
    assert (conf.site_url, conf.feed_domain, conf.min_size_ratio) == ("https://a.example", "", 0.8)
    assert conf.analytics_attributes == {"data-domain": "a.example"}
    assert conf.target().folder == "/srv/www"
    env = {
        "NEWSDIGEST_SITEURL": "https://b.example/",
        "NEWSDIGEST_FEED_DOMAIN": "https://feeds.b.example",
        "NEWSDIGEST_ANALYTICS_SCRIPT": "",
        "NEWSDIGEST_PUBLISH_CONFIG": str(path),
    }
    settings = production_settings(load_config(environ=env))
    assert settings["SITEURL"] == "https://b.example"
    assert settings["FEED_DOMAIN"] == "https://feeds.b.example"
    assert settings["RELATIVE_URLS"] is False and settings["ANALYTICS_SCRIPT"] == ""
    assert settings["DRAFT_SAVE_AS"] == ""
    # The example file shipped with the project is valid.
    example = load_config(ROOT / "publish.toml.example", environ={})
    assert {n: type(example.target(n)).__name__ for n in example.targets} == {
        "web": "RsyncTarget",
        "pages": "GitTarget",
        "bucket": "S3Target",
    }


def test_config_mistakes_are_refused_clearly(tmp_path):
    path = tmp_path / "publish.toml"
    path.write_text('[site]\nurl = "https://a.example"\n[target.web]\ntype = "rsync"\n')
    with pytest.raises(PublishError, match="unknown setting.*target"):
        load_config(path, environ={})
    with pytest.raises(PublishError, match="does not exist"):
        load_config(environ={"NEWSDIGEST_PUBLISH_CONFIG": str(tmp_path / "nope.toml")})
    path.write_text('[targets.web]\ntype = "ftp"\n')
    with pytest.raises(PublishError, match="type must be one of"):
        load_config(path, environ={}).target("web")
    with pytest.raises(PublishError, match="no target named 'live'"):
        config(web={"type": "rsync", "path": "/x"}).target("live")
    with pytest.raises(PublishError, match="keep at least 2"):
        make_target("web", {"type": "rsync", "path": "/x", "keep": 1})
    path.write_text(
        '[analytics]\nscript = "https://s.example/a.js"\nattributes = { "on load" = "x" }\n'
    )
    with pytest.raises(PublishError, match="not an attribute name"):
        load_config(path, environ={})
    for url in ("", "news.example.org", "/blog"):
        with pytest.raises(PublishError, match="absolute address"):
            production_settings(PublishConfig(site_url=url))


def test_production_build_links_absolutely_and_leaves_drafts_out(project):
    from newsdigest.site.build import build_site

    content = project / "content"
    add_seeds(project, MORE)
    draft = content / "drafts-by-editors" / "embargoed.md"
    draft.parent.mkdir(parents=True)
    draft.write_text(
        "---\ntitle: Embargoed Story\nslug: embargoed-story\ndate: '2026-11-20'\n"
        "status: draft\ntopics: [elections]\n---\nNot for readers yet.\n"
    )
    built = build_production(project / "seeds", content, project / "prod", config(), strict=True)
    assert len(built.articles) == len(FIRST) + len(MORE)
    assert all((project / "prod" / path).is_file() for path in built.articles)
    assert not [p for p, data in files(project / "prod").items() if b"127.0.0.1" in data]
    assert not [p for p in files(project / "prod") if p.startswith(".")], "only the site's files"
    prod = project / "prod"
    assert not any("embargoed" in path for path in files(prod))
    assert not any(b"Embargoed Story" in data for data in files(prod).values())
    # A preview build of the same content shows the draft to editors, body and all.
    env_url = os.environ.pop("NEWSDIGEST_SITEURL", None)
    try:
        build_site(content, project / "preview")
    finally:
        if env_url is not None:
            os.environ["NEWSDIGEST_SITEURL"] = env_url
    preview = project / "preview"
    shown = (preview / "drafts" / "embargoed-story.html").read_text(encoding="utf-8")
    assert "Embargoed Story" in shown and "<p>Not for readers yet.</p>" in shown
    assert "embargoed" not in (preview / "feeds" / "all.atom.xml").read_text(encoding="utf-8")

    page = next(p for p in prod.rglob("index.html") if "marathon" in p.parent.name)
    links = [h for h in hrefs(page.read_text()) if not h.startswith(("#", "mailto:"))]
    internal = [h for h in links if h.startswith(SITE)]
    assert len(internal) >= 3
    assert not [h for h in links if h.startswith(("/", ".")) or "127.0.0.1" in h]
    twin = preview / page.relative_to(prod)
    preview_links = hrefs(twin.read_text())
    assert not [h for h in preview_links if h.startswith(SITE)]
    assert [h for h in preview_links if not h.startswith(("http", "#", "mailto:"))]

    for folder, domain in ((prod, SITE), (preview, "http://127.0.0.1:8000")):
        feed = feedparser.parse((folder / "feeds" / "all.atom.xml").read_bytes())
        assert not feed.bozo and len(feed.entries) == len(built.articles)
        assert all(entry.link.startswith(domain + "/") for entry in feed.entries)


def test_analytics_only_when_configured(project):
    script = "https://stats.example.org/script.js"
    on = PublishConfig(
        site_url=SITE, analytics_script=script, analytics_attributes={"data-site": "news"}
    )
    build_production(project / "seeds", project / "content", project / "on", on)
    build_production(project / "seeds", project / "content", project / "off", config())
    pages_on = [p.read_text() for p in (project / "on").rglob("*.html")]
    assert pages_on and all(script in html for html in pages_on)
    assert all('data-site="news"' in html for html in pages_on)
    assert not any("stats.example.org" in p.read_text() for p in (project / "off").rglob("*.html"))


# Folder target: releases, atomic switch, rollback


def test_folder_target_releases_switch_and_rollback(project, tmp_path):
    www = tmp_path / "www"
    conf = config(web={"type": "rsync", "path": str(www), "keep": 3})
    said = run(project, conf)
    assert any("releases/" in line and "is live" in line for line in said), said
    live = www / "current"
    assert live.is_symlink()
    assert files(live.resolve()) == files(project / "output-production")
    first = live.resolve()

    said = run(project, conf)
    assert "nothing changed" in said[-1]
    assert live.resolve() == first and len(list((www / "releases").iterdir())) == 1

    add_seeds(project, MORE[:1])
    said = run(project, conf)
    assert f"Digest of {dt.datetime.now(dt.UTC):%Y-%m-%d}" in said[-1]
    assert f"{len(FIRST) + 1} articles (1 new, " in said[-1]
    second = live.resolve()
    assert second != first and files(second) == files(project / "output-production")
    new_pages = set(files(second)) - set(files(first))
    assert any("marathon" in path for path in new_pages)
    # Unchanged files are hard links to the previous release, not copies.
    shared = [p for p in files(first) if files(first)[p] == files(second).get(p)]
    assert shared and all(
        (first / p).stat().st_ino == (second / p).stat().st_ino for p in shared[:20]
    )
    mode = (second / "index.html").stat().st_mode
    assert stat.S_IMODE(mode) == 0o644

    said: list[str] = []
    rollback(config=conf, say=said.append, dry_run=True)
    assert "would switch" in said[0] and live.resolve() == second
    rollback(config=conf, say=said.append)
    assert live.resolve() == first and files(live.resolve()) == files(first)
    with pytest.raises(PublishError, match="no release older"):
        rollback(config=conf)

    # Old releases go; the live one and the newest stay.
    for name in MORE[1:]:
        add_seeds(project, [name])
        run(project, conf)
    (project / "seeds" / FIRST[2]).write_text("Edited Headline\n\n" + "A longer new body. " * 40)
    run(project, conf)
    releases = sorted((www / "releases").iterdir())
    assert len(releases) == 3 and live.resolve() == releases[-1]


def test_dry_run_shows_changes_and_changes_nothing(project, tmp_path):
    www = tmp_path / "www"
    conf = config(web={"type": "rsync", "path": str(www)})
    from newsdigest.ingest.run import ingest
    from newsdigest.site.build import build_site

    ingest(project / "seeds", project / "content")
    build_site(project / "content", project / "output")  # the editors' preview
    preview = files(project / "output")
    said = run(project, conf, dry_run=True)
    assert files(project / "output") == preview  # production went to its own folder
    count = len(files(project / "output-production"))
    assert f"would get {count} added, 0 changed, 0 deleted" in said[-2] and not www.exists()
    assert all(line.startswith(("+ ", "  ... and")) for line in said[-1].splitlines())
    run(project, conf)
    before = files(www / "current")
    add_seeds(project, MORE[:1])
    said = run(project, conf, dry_run=True)
    summary = next(line for line in said if line.startswith("dry run:"))
    # (the search index names its files after their content: some of them go)
    assert re.search(r"would get [1-9]\d* added, [1-9]\d* changed, \d+ deleted", summary), summary
    assert "nothing was changed" in summary
    assert files(www / "current") == before
    assert len(list((www / "releases").iterdir())) == 1
    assert files(project / "output") == preview  # nor did the real publish touch the preview


def test_parse_itemized_counts_only_file_content_changes():
    text = (
        ">f+++++++++ new.html\n>fcs....... index.html\n.f...p..... perms-only.css\n"
        "cd+++++++++ topics/\n*deleting   gone.html\n*deleting   old/\n"
    )
    changes = parse_itemized(text)
    assert (changes.added, changes.changed, changes.deleted) == (
        ["new.html"],
        ["index.html"],
        ["gone.html"],
    )


def test_a_release_left_half_copied_is_never_live_kept_or_rolled_back_to(project, tmp_path):
    www = tmp_path / "www"
    conf = config(web={"type": "rsync", "path": str(www), "keep": 2})
    run(project, conf)
    first = (www / "current").resolve()
    # What a publish killed while rsync copies leaves: a newer release folder, half made.
    torn = www / "releases" / ".incomplete-20991231T235959000000Z"
    torn.mkdir()
    (torn / "index.html").write_text("<html><body>half")
    with pytest.raises(PublishError, match="no release older"):
        rollback(config=conf)  # nothing complete to go back to, and not to the torn one
    assert (www / "current").resolve() == first

    add_seeds(project, MORE[:1])
    said = run(project, conf)
    assert any("is live" in line for line in said)
    assert not torn.exists()  # cleaned up by the next publish
    releases = sorted(p.name for p in (www / "releases").iterdir())
    assert len(releases) == 2 and first.name in releases  # both kept releases are whole
    said = []
    rollback(config=conf, say=said.append)
    assert f"to releases/{first.name}" in said[-1] and (www / "current").resolve() == first


def test_mirror_folder_deletes_after_and_has_no_rollback(project, tmp_path):
    www = tmp_path / "mirror"
    conf = config(web={"type": "rsync", "path": str(www), "releases": False})
    run(project, conf)
    assert files(www) == files(project / "output-production")
    (www / "stale.html").write_text("left over")
    said = run(project, conf)
    assert "1 deleted" in said[-1] and not (www / "stale.html").exists()
    with pytest.raises(PublishError, match="keeps no releases"):
        rollback(config=conf)


def test_a_retracted_article_goes_offline_with_the_next_publish(project, tmp_path):
    """Deleting an article's file is how an editor retracts it: the next publish removes its
    page (and its feed entries) from the production build and from the target."""
    www = tmp_path / "mirror"
    conf = config(web={"type": "rsync", "path": str(www), "releases": False})
    run(project, conf)
    retracted = sorted((project / "content").glob("20*/*/*.md"))[0]
    page = f"{retracted.relative_to(project / 'content').with_suffix('')}/index.html"
    assert (www / page).exists()
    front = yaml.safe_load(retracted.read_text(encoding="utf-8").split("---")[1])
    (project / "seeds" / front["source"]["file"]).unlink()  # else ingest makes it again
    retracted.unlink()

    run(project, conf, force=True)  # a smaller site: the size check would ask for --force
    assert not (project / "output-production" / page).exists()
    assert not (www / page).exists()
    assert files(www) == files(project / "output-production")


REMOTE_SHELL = """#!/bin/sh
# Stands in for ssh in tests: drops the host name and runs the command on this machine.
shift
exec sh -c "$*"
"""


def test_ssh_host_through_a_remote_shell(project, tmp_path):
    """The SSH code path (remote rsync, remote release commands) with the network hop replaced
    by a local remote shell; a real SSH server is not part of the tests."""
    shell = tmp_path / "remote-shell"
    shell.write_text(REMOTE_SHELL)
    shell.chmod(0o755)
    www = tmp_path / "remote www"  # a space, to prove the remote commands are quoted
    target = {"type": "rsync", "path": f"example-host:{www}", "rsh": str(shell)}
    conf = config(web=target)
    run(project, conf)
    first = (www / "current").resolve()
    assert files(first) == files(project / "output-production")
    add_seeds(project, MORE[:1])
    said = run(project, conf, dry_run=True)
    assert any(line.startswith("+ ") and "marathon" in line for line in said[-1].splitlines())
    run(project, conf)
    assert (www / "current").resolve() != first
    rollback(config=conf)
    assert (www / "current").resolve() == first


# Git branch target


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_git_branch_commits_only_when_something_changed(project, tmp_path):
    remote = tmp_path / "site.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    conf = config(pages={"type": "git", "repository": str(remote), "cname": "news.example.org"})
    said = run(project, conf, dry_run=True)
    assert "would get" in said[-2]
    assert subprocess.run(["git", "--git-dir", str(remote), "rev-parse", "gh-pages"]).returncode

    said = run(project, conf)
    assert "pushed" in said[-1]
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"
    message = git(remote, "log", "-1", "--format=%s", "gh-pages")
    assert re.fullmatch(
        rf"Digest of \d{{4}}-\d\d-\d\d \d\d:\d\d UTC: {len(FIRST)} articles \(3 new, 0 updated\)",
        message,
    )
    tree = set(git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines())
    assert tree == set(files(project / "output-production")) | {"CNAME", ".nojekyll"}

    said = run(project, conf)
    assert "nothing changed" in said[-1]
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"

    add_seeds(project, MORE[:1])
    run(project, conf)
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert f"{len(FIRST) + 1} articles (1 new, " in git(
        remote, "log", "-1", "--format=%s", "gh-pages"
    )
    second_tree = git(remote, "rev-parse", "gh-pages^{tree}")

    rollback(config=conf)
    assert git(remote, "rev-list", "--count", "gh-pages") == "3", "rollback adds a commit"
    assert git(remote, "rev-parse", "gh-pages^{tree}") == git(
        remote, "rev-parse", "gh-pages~2^{tree}"
    )
    assert git(remote, "rev-parse", "gh-pages^{tree}") != second_tree


# Refusals: nothing reaches the target


def test_refuses_failed_seeds_under_strict(project, tmp_path):
    www = tmp_path / "www"
    (project / "seeds" / "broken.txt").write_bytes(b"")
    conf = config(web={"type": "rsync", "path": str(www)})
    with pytest.raises(PublishError, match=r"1 seed\(s\) failed and --strict is set.*broken.txt"):
        run(project, conf, strict=True)
    assert not www.exists()
    run(project, conf)  # without --strict the good articles go online
    assert (www / "current" / "index.html").is_file()


def test_refuses_a_failed_build(project, tmp_path):
    www = tmp_path / "www"
    bad = project / "content" / "hand-written.md"
    bad.parent.mkdir(parents=True)
    bad.write_text("---\ntitle: Written By Hand\ndate: the day after tomorrow\n---\nText.\n")
    with pytest.raises(PublishError, match="the build failed"):
        run(project, config(web={"type": "rsync", "path": str(www)}))
    assert not www.exists()


def test_refuses_a_broken_internal_link(project, tmp_path):
    www = tmp_path / "www"
    note = project / "content" / "2026" / "11" / "editors-note.md"
    note.parent.mkdir(parents=True)
    note.write_text(
        "---\ntitle: An Editor's Note\nslug: editors-note\ndate: '2026-11-24'\n---\n"
        "See [our earlier report](/2026/01/a-story-that-never-was/).\n"
    )
    with pytest.raises(PublishError, match="a-story-that-never-was"):
        run(project, config(web={"type": "rsync", "path": str(www)}))
    assert not www.exists()


def test_refuses_a_feed_that_does_not_parse(project):
    conf = config()
    build_production(project / "seeds", project / "content", project / "output", conf)
    check_site(project / "output", conf, None)  # the real build passes
    feed = next((project / "output" / "feeds").rglob("*.rss.xml"))
    feed.write_bytes(feed.read_bytes().replace(b"</channel>", b"<channel>", 1))
    with pytest.raises(PublishError, match=rf"feed {feed.relative_to(project / 'output')}"):
        check_site(project / "output", conf, None)


def test_refuses_a_much_smaller_site_unless_forced(project, tmp_path):
    www = tmp_path / "www"
    add_seeds(project, MORE)
    conf = config(web={"type": "rsync", "path": str(www)})
    conf.min_size_ratio = 0.9
    run(project, conf)
    published = (www / "current").resolve()
    # A fresh checkout with a single seed: a much smaller site than the one online.
    small = tmp_path / "small"
    (small / "seeds").mkdir(parents=True)
    shutil.copy(SEEDS / FIRST[0], small / "seeds")
    with pytest.raises(PublishError, match="much smaller than the site online.*--force"):
        run(small, conf)
    assert (www / "current").resolve() == published
    run(small, conf, force=True)
    assert (www / "current").resolve() != published
    assert files((www / "current").resolve()) == files(small / "output-production")


def test_a_target_that_cannot_work_is_refused_before_anything_is_built(project, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for web, reason in [
        ({"type": "rsync", "path": str(blocker / "www")}, "is not a writable folder"),
        (
            {"type": "rsync", "path": "deploy@web.example:/srv/www", "rsh": "no-such-ssh"},
            "`no-such-ssh` is not installed",
        ),
        (
            {"type": "git", "repository": str(tmp_path / "no-repo")},
            f"reaching {tmp_path / 'no-repo'}",
        ),
    ]:
        with pytest.raises(PublishError, match=re.escape(reason)):
            run(project, config(web=web), dry_run=True)
        assert not (project / "output-production").exists()


def test_refuses_an_empty_output(tmp_path):
    (tmp_path / "empty").mkdir()
    assert "is empty" in size_problems(tmp_path / "empty", None, 0.5, force=True)[0]
    (tmp_path / "empty" / "style.css").write_text("body {}")
    assert "no index.html" in size_problems(tmp_path / "empty", None, 0.5, force=True)[0]


# Object store: the parts that run without a store


def test_object_store_types_caching_and_plan():
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("feeds/all.atom.xml") == "application/atom+xml; charset=utf-8"
    assert content_type("feeds/topics/x.rss.xml") == "application/rss+xml; charset=utf-8"
    assert content_type("theme/css/site.css") == "text/css; charset=utf-8"
    assert content_type("images/a.png") == "image/png"
    assert content_type("search/index.json") == "application/json; charset=utf-8"
    assert content_type("LICENCE") == "application/octet-stream"
    assert is_page("2026/11/x/index.html") and is_page("feeds/all.rss.xml")
    assert not is_page("theme/css/site.css")
    plan = plan_sync(
        {"a.html": "1", "b.css": "2", "c.png": "3"},
        {"a.html": '"1"', "b.css": '"9"', "gone.html": '"4"'},
    )
    assert (plan.added, plan.changed, plan.deleted) == (["c.png"], ["b.css"], ["gone.html"])


def test_object_store_failure_is_a_clear_error(tmp_path, monkeypatch):
    """An unreachable store (or, without the s3 extra, a missing client) is a clear refusal."""
    try:
        import boto3  # noqa: F401

        expected = "target bucket: listing the bucket failed"
    except ImportError:
        expected = "target bucket needs boto3"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    target = make_target(
        "bucket",
        {"type": "s3", "bucket": "site", "endpoint_url": "http://127.0.0.1:9", "region": "x"},
    )
    with pytest.raises(PublishError, match=expected):
        target.published_size()
    with pytest.raises(PublishError, match="keeps no releases"):
        target.rollback()


# The command line


def invoke(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**{k: v for k, v in os.environ.items() if k != "NEWSDIGEST_SITEURL"}, **env},
    )


def test_invoke_build_production_and_publish(project, tmp_path):
    www = tmp_path / "www"
    toml = tmp_path / "publish.toml"
    toml.write_text(
        f'default_target = "web"\n[site]\nurl = "{SITE}"\n'
        f'[targets.web]\ntype = "rsync"\npath = "{www}"\n'
    )
    env = {"NEWSDIGEST_PUBLISH_CONFIG": str(toml)}
    folders = ["--seeds", str(project / "seeds"), "--content", str(project / "content")]
    folders += ["--output", str(project / "output")]

    result = invoke("build", "--production", *folders, env=env)
    assert result.returncode == 0, result.stderr
    assert f'href="{SITE}/' in (project / "output" / "index.html").read_text()

    result = invoke("publish", *folders, env=env)
    assert result.returncode == 0, result.stderr
    assert "checks: passed" in result.stdout and "is live" in result.stdout
    first = (www / "current").resolve()

    add_seeds(project, MORE[:1])
    result = invoke("publish", "--target", "web", "--dry-run", *folders, env=env)
    assert result.returncode == 0 and "would get" in result.stdout
    assert (www / "current").resolve() == first
    assert invoke("publish", "--target", "web", *folders, env=env).returncode == 0
    assert (www / "current").resolve() != first

    result = invoke("publish", "--rollback", env=env)
    assert result.returncode == 0, result.stderr
    assert "rolled back" in result.stdout and (www / "current").resolve() == first

    (project / "seeds" / "broken.txt").write_bytes(b"")
    result = invoke("publish", "--strict", *folders, env=env)
    assert result.returncode == 2
    assert "error: not published: 1 seed(s) failed and --strict is set" in result.stderr

    result = invoke("publish", "--target", "elsewhere", *folders, env=env)
    assert result.returncode == 2 and "no target named 'elsewhere'" in result.stderr


# The scheduled examples


def test_cron_example_publishes_new_seeds_and_keeps_the_ledger_in_git(tmp_path):
    """The line of examples/crontab, run as cron would: new seeds arrive through git, the site
    goes online, and the new articles with their ledger go back to the repository."""
    line = next(
        text
        for text in (ROOT / "examples" / "crontab").read_text().splitlines()
        if text.startswith("*/")
    )
    command = line.split(None, 5)[5]
    origin, clone, editor, www = (tmp_path / n for n in ("origin.git", "srv", "editor", "www"))
    subprocess.run(["git", "clone", "-q", "--bare", str(ROOT), str(origin)], check=True)
    for folder in (clone, editor):
        subprocess.run(["git", "clone", "-q", str(origin), str(folder)], check=True)
    (clone / "publish.toml").write_text(
        f'default_target = "web"\n[site]\nurl = "{SITE}"\n'
        f'[targets.web]\ntype = "rsync"\npath = "{www}"\n'
    )
    # A new seed arrives: committed by a scraper to the repository.
    text = (SEEDS / FIRST[0]).read_text(encoding="utf-8")
    arrived = (
        "Harbour Authority Opens Night Ferry Route After Summer Trial\n" + text.split("\n", 1)[1]
    )
    (editor / "seeds" / "arrived-today.txt").write_text(arrived, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDIGEST_")}
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    for kind in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{kind}_NAME"], env[f"GIT_{kind}_EMAIL"] = "Scraper", "scraper@example.org"
    subprocess.run(["git", "-C", str(editor), "add", "seeds"], check=True)
    subprocess.run(
        ["git", "-C", str(editor), "commit", "-q", "-m", "seeds: one more"], check=True, env=env
    )
    subprocess.run(["git", "-C", str(editor), "push", "-q"], check=True)

    command = command.replace("/srv/newsdigest", str(clone))
    command = command.replace("/tmp/newsdigest-publish.lock", str(tmp_path / "lock"))
    command = command.replace("/var/log/newsdigest-publish.log", str(tmp_path / "log"))
    result = subprocess.run(["sh", "-c", command], env=env, cwd=tmp_path)
    log = (tmp_path / "log").read_text()
    assert result.returncode == 0, log
    assert "checks: passed" in log and "is live" in log
    assert (www / "current" / "index.html").is_file()
    subject = git(origin, "log", "-1", "--format=%s", "HEAD")
    assert subject == "content: scheduled ingest"
    committed = git(origin, "ls-tree", "-r", "--name-only", "HEAD", "content").splitlines()
    assert "content/.ledger.json" in committed
    assert any(path.endswith(".md") for path in committed)


def test_workflow_example_is_valid_and_uses_real_commands():
    import yaml

    workflow = yaml.safe_load((ROOT / "examples" / "publish.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads on: as True
    assert triggers["schedule"][0]["cron"] and "seeds/**" in triggers["push"]["paths"]
    steps = workflow["jobs"]["publish"]["steps"]
    commands = " ".join(step.get("run", "") for step in steps)
    assert "invoke publish" in commands and "invoke publish --rollback" in commands
    assert "git add seeds content" in commands
    listed = subprocess.run(
        [sys.executable, "-m", "invoke", "--help", "publish"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    assert "--rollback" in listed and "--dry-run" in listed
