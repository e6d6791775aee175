"""Invoke tasks: thin wrappers around the newsdigest package. `invoke --list` shows them."""

import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent


@task(
    help={
        "seeds": "folder of raw articles (default seeds/)",
        "content": "folder for the Markdown articles (default content/)",
        "strict": "exit non-zero when any seed failed",
        "force": "regenerate every article, overwriting editors' changes",
        "rules_only": "tag with the vocabularies and rules alone, without the recogniser (bulk imports)",
        "links_inside": "read symbolic links among the seeds that stay inside the seeds folder",
    }
)
def ingest(
    c,
    seeds="seeds",
    content="content",
    strict=False,
    force=False,
    rules_only=False,
    links_inside=False,
):
    """Clean every raw article in the seeds folder into Markdown with front matter."""
    from newsdigest.cli import run_ingest

    run_ingest(
        Path(seeds),
        Path(content),
        strict=strict,
        force=force,
        rules_only=rules_only,
        links_inside=links_inside,
    )


@task(
    help={
        "seeds": "folder of raw articles (default seeds/)",
        "content": "folder for the Markdown articles (default content/)",
        "output": "folder for the site (default output/)",
        "strict": "exit non-zero when any seed failed",
        "force": "regenerate every article, overwriting editors' changes",
        "production": "absolute links and analytics from publish.toml, no drafts",
        "links_inside": "read symbolic links among the seeds that stay inside the seeds folder",
    }
)
def build(
    c,
    seeds="seeds",
    content="content",
    output="output",
    strict=False,
    force=False,
    production=False,
    links_inside=False,
):
    """Ingest, then render the site with Pelican."""
    from newsdigest.cli import run_build

    run_build(
        Path(seeds),
        Path(content),
        Path(output),
        strict=strict,
        force=force,
        production=production,
        links_inside=links_inside,
    )


@task(
    help={
        "sources": "the sources file (default sources.yaml)",
        "seeds": "folder the new articles are saved into (default seeds/)",
        "strict": "exit non-zero when any feed or page failed",
    }
)
def fetch(c, sources="sources.yaml", seeds="seeds", strict=False):
    """Save every new entry of the sources' feeds as a seed (politely, nothing twice)."""
    from newsdigest.cli import run_fetch

    run_fetch(Path(sources), Path(seeds), strict=strict)


@task(
    help={
        "sources": "the sources file (default sources.yaml)",
        "seeds": "folder of raw articles (default seeds/)",
        "content": "folder for the Markdown articles (default content/)",
        "output": "folder for the site (default output/)",
        "strict": "exit non-zero when any feed, page or seed failed",
        "production": "absolute links and analytics from publish.toml, no drafts",
    }
)
def update(
    c,
    sources="sources.yaml",
    seeds="seeds",
    content="content",
    output="output",
    strict=False,
    production=False,
):
    """Fetch, then build: the command a schedule runs."""
    from newsdigest.cli import run_build, run_fetch

    run_fetch(Path(sources), Path(seeds), strict=strict)
    run_build(Path(seeds), Path(content), Path(output), strict=strict, production=production)


@task(
    help={
        "target": "a target of publish.toml (default: its default_target)",
        "dry_run": "build and check, then show what would change; change nothing",
        "rollback": "switch the target back to its previous release (no build)",
        "force": "publish even when the site is much smaller than the one online",
        "strict": "refuse when any seed failed",
        "seeds": "folder of raw articles (default seeds/)",
        "content": "folder for the Markdown articles (default content/)",
        "output": "folder for the site (default output/)",
    }
)
def publish(
    c,
    target="",
    dry_run=False,
    rollback=False,
    force=False,
    strict=False,
    seeds="seeds",
    content="content",
    output="output",
):
    """Build with production settings, check the site, and deploy it to a target."""
    from newsdigest.cli import run_publish

    run_publish(
        Path(seeds),
        Path(content),
        Path(output),
        target=target,
        dry_run=dry_run,
        rollback=rollback,
        force=force,
        strict=strict,
    )


@task(help={"output": "folder to remove (default output/)"})
def clean(c, output="output"):
    """Remove the built site and its cache."""
    from newsdigest.cli import run_clean

    run_clean(Path(output))


@task(
    help={"port": "port on 127.0.0.1 (default 8000)", "output": "folder to serve (default output/)"}
)
def serve(c, port=8000, output="output"):
    """Preview the built site on http://127.0.0.1:PORT/."""
    from newsdigest.cli import run_serve

    run_serve(Path(output), int(port))


@task(help={"output": "folder of the built site (default output/)"})
def check(c, output="output"):
    """Check every internal link of the built site; exit 1 on any broken one."""
    from newsdigest.publish.checks import run_check

    run_check(Path(output))


@task(
    help={
        "k": "only tests matching this expression",
        "browser": "include the browser tests (default on)",
    }
)
def test(c, k="", browser=True):
    """Run the test suite."""
    # This interpreter, not the first `python` on PATH: the tests run in invoke's environment.
    args = [sys.executable, "-m", "pytest", "-q", "-rs"]
    if k:
        args += ["-k", k]
    if not browser:
        args += ["-m", "not browser"]
    c.run(" ".join(f"'{a}'" if " " in a else a for a in args), pty=False)


@task(
    help={
        "accept": "add this actor to vocab/actors.yaml (from the review list, or by hand with --kind)",
        "kind": "with --accept: person, organisation or state",
        "role": "with --accept: the role shown on the actor's page",
        "reject": "never tag or publish this name again (vocab/rejected.yaml)",
        "merge": "another name of the actor given by --into, added to its aliases",
        "into": "with --merge: the actor's canonical name",
        "content": "content folder holding the review list (default content/)",
    }
)
def actors(c, accept="", kind="", role="", reject="", merge="", into="", content="content"):
    """Review the new actors ingest found (strongest first), accept, reject or merge them."""
    from newsdigest.cli import run_actors

    run_actors(
        Path(content), accept=accept, kind=kind, role=role, reject=reject, merge=merge, into=into
    )


@task
def evaluate(c):
    """Score the tagger on the labelled evaluation set (tests/eval/)."""
    from newsdigest.ingest.tag.evaluate import main

    raise SystemExit(main())


@task(
    help={
        "sizes": "article counts, comma-separated (default 1000,10000)",
        "repeat": "runs per measure; the median is reported (default 3)",
    }
)
def bench(c, sizes="1000,10000", repeat=3):
    """Build performance against plain Pelican; writes the table into benchmarks/README.md."""
    args = [
        sys.executable,
        "benchmarks/run.py",
        "--sizes",
        *sizes.split(","),
        "--repeat",
        str(repeat),
    ]
    c.run(" ".join(args + ["--readme", "benchmarks/README.md"]), pty=False)
