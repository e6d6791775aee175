"""What the Invoke tasks run: argument handling, messages and exit codes."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import sys
from pathlib import Path

from newsdigest.atomic import storage_failure
from newsdigest.ingest.run import ingest
from newsdigest.lock import LockedError, folder_lock
from newsdigest.parallel import start_forked


def _fail(message: str, code: int = 1) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _summary(report, strict: bool, what: str):
    """The run's summary line; with --strict, exit 2 when anything failed."""
    print(report.summary())
    if strict and report.failed:
        _fail(f"{len(report.failed)} {what} failed and --strict is set", 2)
    return report


@contextlib.contextmanager
def _storage_errors():
    """A full disk (or quota, or a read-only folder) is one line and exit 1, not a traceback;
    every file is written atomically, so nothing is half made and the next run recovers."""
    try:
        yield
    except OSError as error:
        line = storage_failure(error)
        if line is None:
            raise
        _fail(f"{line}; nothing was left half written, run again when there is room")


# Allocations between two runs of the cycle collector (Python's default: 700). Ingest and
# builds hold tens of thousands of long-lived objects (the ledger, the articles, the terms)
# and make few cycles; at the default the collector walked them all again and again: 0.2 s of
# a rebuild after ten new seeds at 10,000 articles in the build's process, 0.15 s in ingest's.
COLLECT_EVERY = 50_000


def _few_collections() -> None:
    """The cycle collector run less often in this process and the ones it forks."""
    gc.set_threshold(COLLECT_EVERY, *gc.get_threshold()[1:])


def run_ingest(
    seeds: Path,
    content: Path,
    *,
    strict: bool = False,
    force: bool = False,
    rules_only=False,
    links_inside: bool = False,
):
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    logging.getLogger("newsdigest.ingest.run").setLevel(logging.INFO)  # kept editor changes
    _few_collections()
    if rules_only:  # the recogniser's setting, for this run and the workers it forks
        from newsdigest.ingest.tag import recogniser

        os.environ[recogniser.MODEL_VARIABLE] = recogniser.RULES_ONLY
    try:
        with _storage_errors():
            report = ingest(seeds, content, force=force, links_inside=links_inside)
    except (LockedError, FileNotFoundError, RuntimeError) as error:
        _fail(str(error))
    return _summary(report, strict, "seed(s)")


def run_build(
    seeds: Path,
    content: Path,
    output: Path,
    *,
    strict: bool = False,
    force: bool = False,
    production: bool = False,
    links_inside: bool = False,
):
    settings = _production_settings() if production else {}
    _few_collections()
    try:
        # One lock over ingest and render: another run cannot change articles mid-build.
        with folder_lock(content):
            # In a child process: what ingest holds is given back before rendering starts.
            ingesting = start_forked(
                run_ingest, seeds, content, strict=strict, force=force, links_inside=links_inside
            )
            report, built = _render(ingesting, content, output, force, settings)
    except LockedError as error:
        _fail(str(error))
    if built:
        print(f"build: site written to {output}/")
    else:
        print(f"build: {output}/ is up to date (nothing changed since the last build)")
    return report


def _render(ingesting, content: Path, output: Path, force: bool, settings: dict):
    """Ingest's report, and whether the site was written, once ingest is done; the inputs
    are hashed while ingest runs."""
    from newsdigest.site.build import BuildError, build_site, start_build
    from newsdigest.site.search_index import SearchError

    # The build's child loads Pelican and hashes the inputs meanwhile: this process never
    # loads Pelican, so the child copies little of it (build.py).
    building = start_build(content, output, **settings)
    try:
        report = ingesting.result()
    except BaseException:
        building.close()
        raise
    try:
        with _storage_errors():
            stale = not report.untouched
            built = build_site(
                content, output, force=force, started=building, stale=stale, **settings
            )
            return report, built.written
    except BuildError as error:
        for name, reason in error.failures:
            print(f"error: {content / name}: could not be processed: {reason}", file=sys.stderr)
        _fail(
            f"build: {len(error.failures)} article(s) missing from {output}/; fix them (or delete"
            " them) and build again"
        )
    except SearchError as error:
        _fail(f"build: {error}")


def run_fetch(sources: Path, seeds: Path, *, strict: bool = False):
    """Fetch new entries of every source into the seeds folder; one line per failure."""
    from newsdigest.fetch.run import fetch
    from newsdigest.fetch.sources import SourcesError

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        with _storage_errors():
            report = fetch(sources, seeds)
    except (SourcesError, LockedError, ValueError) as error:
        _fail(str(error))
    return _summary(report, strict, "source(s) or page(s)")


def _production_settings() -> dict:
    from newsdigest.publish.command import PublishError, load_config, production_settings

    try:
        return production_settings(load_config())
    except PublishError as error:
        _fail(str(error))


def run_publish(
    seeds: Path,
    content: Path,
    output: Path,
    *,
    target: str = "",
    dry_run: bool = False,
    rollback: bool = False,
    force: bool = False,
    strict: bool = False,
) -> None:
    from newsdigest.publish import command as publish

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        if rollback:
            publish.rollback(target or None, dry_run=dry_run)
        else:
            publish.publish(
                seeds,
                content,
                output,
                target_name=target or None,
                dry_run=dry_run,
                force=force,
                strict=strict,
            )
    except (publish.PublishError, LockedError) as error:
        _fail(f"{'not rolled back' if rollback else 'not published'}: {error}", 2)


def run_clean(output: Path) -> None:
    for folder in (output, output.parent / f".{output.name}-cache"):
        if folder.exists():
            shutil.rmtree(folder)
            print(f"removed {folder}/")


def run_serve(output: Path, port: int) -> None:
    from newsdigest.site.build import pelican_settings
    from newsdigest.site.preview import preview_server

    if not output.is_dir():
        _fail(f"{output}/ does not exist; run `invoke build` first")
    site_url = pelican_settings(Path("content"), output)["SITEURL"]
    with preview_server(output, port, site_url) as server:
        print(f"serving {output}/ on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def run_actors(
    content: Path,
    *,
    accept: str = "",
    kind: str = "",
    role: str = "",
    reject: str = "",
    merge: str = "",
    into: str = "",
) -> None:
    """The editor's review of new actors; every decision goes into the vocabularies."""
    from newsdigest.ingest import tag

    review_list = content / "candidates.yaml"
    if accept:
        try:
            done = tag.accept(accept, review_list, kind=kind or None, role=role or None)
        except ValueError as error:
            _fail(str(error))
        if not done:
            _fail(
                f"{accept!r} is already in the vocabulary, or not on the review list {review_list}"
                " (give --kind to add an actor by hand)"
            )
        print(f"accepted {accept!r} into vocab/actors.yaml; the next build tags it as known")
    elif reject:
        if not tag.reject(reject):
            _fail(f"{reject!r} is rejected already")
        print(f"rejected {reject!r} (vocab/rejected.yaml): never tagged or published again")
    elif merge:
        if not into:
            _fail("--merge ALIAS needs --into NAME")
        if not tag.merge(merge, into, review_list):
            _fail(f"{into!r} is neither in vocab/actors.yaml nor on the review list {review_list}")
        print(f"{merge!r} is now another name of {into!r} in vocab/actors.yaml")
    else:
        try:
            tag.review(candidates_path=review_list)
            sys.stdout.flush()
        except BrokenPipeError:  # `invoke actors | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
