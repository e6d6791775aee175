"""The `invoke publish` flow: build with production settings, check the result (checks.py),
deploy it to a target (targets/), or roll a target back.

The configuration is publish.toml (see publish.toml.example) with NEWSDIGEST_* environment
variables on top. Nothing is deployed unless every check passes.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsdigest.lock import LockedError, folder_lock
from newsdigest.publish.checks import check_site
from newsdigest.publish.targets import Changes, PublishError, SiteSize, local_size, make_target

__all__ = ["PublishError", "PublishConfig", "load_config", "publish", "rollback"]

CONFIG_FILE = "publish.toml"
CONFIG_KEYS = {"default_target", "site", "analytics", "checks", "targets"}


@dataclass
class PublishConfig:
    site_url: str = ""
    feed_domain: str = ""
    analytics_script: str = ""
    analytics_attributes: dict[str, str] = field(default_factory=dict)
    min_size_ratio: float = 0.5
    default_target: str = ""
    targets: dict[str, dict] = field(default_factory=dict)
    source: str = "environment"

    def target(self, name: str | None = None):
        name = name or self.default_target
        if not self.targets:
            raise PublishError(
                f"no publish targets configured ({self.source}); see publish.toml.example"
            )
        if not name:
            raise PublishError(f"which target? choose one with --target: {', '.join(self.targets)}")
        if name not in self.targets:
            raise PublishError(
                f"no target named {name!r} in {self.source}; configured: {', '.join(self.targets)}"
            )
        return make_target(name, self.targets[name])


def load_config(
    path: Path | None = None, environ: Mapping[str, str] | None = None
) -> PublishConfig:
    """publish.toml (or the file NEWSDIGEST_PUBLISH_CONFIG names), then the environment on top."""
    environ = os.environ if environ is None else environ
    named = path or environ.get("NEWSDIGEST_PUBLISH_CONFIG")
    path = Path(named or CONFIG_FILE)
    data: dict = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise PublishError(f"{path}: {error}") from None
    elif named:
        raise PublishError(f"publish configuration {path} does not exist")
    unknown = set(data) - CONFIG_KEYS
    if unknown:
        raise PublishError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    site, analytics = data.get("site", {}), data.get("analytics", {})
    for name in analytics.get("attributes", {}):
        if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
            raise PublishError(f"{path}: analytics attribute {name!r} is not an attribute name")
    config = PublishConfig(
        site_url=environ.get("NEWSDIGEST_SITEURL") or site.get("url", ""),
        feed_domain=environ.get("NEWSDIGEST_FEED_DOMAIN") or site.get("feed_domain", ""),
        analytics_script=environ.get("NEWSDIGEST_ANALYTICS_SCRIPT", analytics.get("script", "")),
        analytics_attributes=dict(analytics.get("attributes", {})),
        min_size_ratio=float(data.get("checks", {}).get("min_size_ratio", 0.5)),
        default_target=environ.get("NEWSDIGEST_PUBLISH_TARGET") or data.get("default_target", ""),
        targets=dict(data.get("targets", {})),
        source=str(path) if data else "environment",
    )
    return config


def production_settings(config: PublishConfig) -> dict:
    """Pelican settings on top of pelican.conf.py for the published site."""
    site_url = config.site_url.rstrip("/")
    if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", site_url):
        raise PublishError(
            "a production build needs the site's absolute address: set [site] url in "
            f"{CONFIG_FILE} or NEWSDIGEST_SITEURL (now {site_url or 'unset'!r})"
        )
    return {
        "SITEURL": site_url,
        "CANONICAL_SITEURL": site_url,
        "FEED_DOMAIN": config.feed_domain.rstrip("/") or site_url,
        "RELATIVE_URLS": False,
        "ANALYTICS_SCRIPT": config.analytics_script,
        "ANALYTICS_ATTRIBUTES": config.analytics_attributes,
        # Drafts are previewed locally but never written for the public: the site plugin
        # drops them, and no address is left for them.
        "PUBLISH_DRAFTS": False,
        "DRAFT_SAVE_AS": "",
        "DRAFT_LANG_SAVE_AS": "",
        "DRAFT_PAGE_SAVE_AS": "",
        "DRAFT_PAGE_LANG_SAVE_AS": "",
        # A clean folder: nothing left over from a preview build or a deleted article.
        "DELETE_OUTPUT_DIRECTORY": True,
        "OUTPUT_RETENTION": [],
    }


@dataclass
class Built:
    report: object  # newsdigest.ingest.Report
    articles: list[str]  # where each published article is saved, relative to the output
    size: SiteSize


class _Errors(logging.Handler):
    """Collects Pelican's error messages: a build that logged one is a failed build."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def build_production(
    seeds: Path, content: Path, output: Path, config: PublishConfig, *, strict: bool = False
) -> Built:
    """Ingest, then build with production settings; refuse on failed seeds (strict) or errors."""

    from newsdigest.ingest.run import ingest
    from newsdigest.site import build as site

    settings = production_settings(config)
    try:
        report = ingest(Path(seeds), Path(content))
    except (LockedError, FileNotFoundError) as error:
        raise PublishError(str(error)) from None
    if strict and report.failed:
        name, reason = report.failed[0]
        raise PublishError(
            f"{len(report.failed)} seed(s) failed and --strict is set (first: {name}: {reason})"
        )
    errors = _Errors()
    logging.getLogger("pelican").addHandler(errors)
    try:
        built = site.build_site(Path(content), Path(output), force=True, **settings)
    except LockedError as error:
        raise PublishError(str(error)) from None
    except Exception as error:
        raise PublishError(f"the build failed: {type(error).__name__}: {error}") from error
    finally:
        logging.getLogger("pelican").removeHandler(errors)
    if errors.messages:
        raise PublishError(f"the build failed: {errors.messages[0]}")
    # The build's own bookkeeping is not part of the site.
    stamp = getattr(site, "STAMP_NAME", None)
    if stamp:
        (Path(output) / stamp).unlink(missing_ok=True)
    return Built(report, list(built.articles), local_size(Path(output)))


def production_folder(output: Path) -> Path:
    """Where publish builds the production site: beside the preview, never over it."""
    return output.parent / f"{output.name}-production"


def describe(built: Built, changes: Changes, now: dt.datetime | None = None) -> str:
    """The deploy's message: when, how many articles, how many of them new or updated online."""
    now = now or dt.datetime.now(dt.UTC)
    pages = set(built.articles)
    new = sum(path in pages for path in changes.added)
    updated = sum(path in pages for path in changes.changed)
    return (
        f"Digest of {now:%Y-%m-%d %H:%M} UTC: {len(pages)} articles ({new} new, {updated} updated)"
    )


def publish(
    seeds: Path,
    content: Path,
    output: Path,
    *,
    target_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    strict: bool = False,
    config: PublishConfig | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Check the target, build, check the site, deploy. Raises PublishError, with nothing
    deployed, when anything is wrong.

    The production site is built into its own folder beside `output` (`output-production/`):
    the preview in `output/` is never replaced, dry run or not."""
    config = config or load_config()
    target = config.target(target_name)
    target.prerequisites()  # tools, and a destination that answers and can be written
    say(f"target: {target.name} is ready")
    output = production_folder(Path(output))
    built = build_production(seeds, content, output, config, strict=strict)
    say(built.report.summary())
    say(f"build: {len(built.articles)} articles, {built.size} in {output}/ for {config.site_url}")
    with folder_lock(output):
        published = target.published_size()
        check_site(output, config, published, force=force)
        say(f"checks: passed (online now: {published or 'nothing'})")
        if dry_run:
            changes = target.preview(output)
            say(f"dry run: {target.name} would get {changes.summary()}; nothing was changed")
            if changes:
                say(changes.listing())
            return
        say(target.deploy(output, lambda changes: describe(built, changes)))


def rollback(
    target_name: str | None = None,
    *,
    dry_run: bool = False,
    config: PublishConfig | None = None,
    say: Callable[[str], None] = print,
) -> None:
    config = config or load_config()
    say(config.target(target_name).rollback(dry_run=dry_run))
