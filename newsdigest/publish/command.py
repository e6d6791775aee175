"""Publishing: build with production settings, check the result, deploy it to a target.

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

import feedparser

from newsdigest.lock import LockedError, folder_lock
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
        # Drafts are previewed locally but never written for the public: this module, as a
        # plugin, drops them, and no address is left for them.
        "PLUGINS": [*_plugins(), __name__],
        "PUBLISH_DRAFTS": False,
        "DRAFT_SAVE_AS": "",
        "DRAFT_LANG_SAVE_AS": "",
        "DRAFT_PAGE_SAVE_AS": "",
        "DRAFT_PAGE_LANG_SAVE_AS": "",
        # A clean folder: nothing left over from a preview build or a deleted article.
        "DELETE_OUTPUT_DIRECTORY": True,
        "OUTPUT_RETENTION": [],
    }


def _plugins() -> list:
    from pelican.settings import get_settings_from_file

    from newsdigest.site.build import ROOT

    return list(get_settings_from_file(str(ROOT / "pelican.conf.py")).get("PLUGINS", []))


def register():
    """Pelican plugin of production builds (see production_settings): no drafts at all."""
    from pelican import signals

    signals.article_generator_pretaxonomy.connect(_drop_draft_articles)
    signals.page_generator_finalized.connect(_drop_draft_pages)


def _drop_draft_articles(generator):
    if not generator.settings.get("PUBLISH_DRAFTS", True):
        generator.drafts, generator.drafts_translations = [], []


def _drop_draft_pages(generator):
    if not generator.settings.get("PUBLISH_DRAFTS", True):
        generator.draft_pages, generator.draft_translations = [], []
        generator.context["draft_pages"] = []


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
    from pelican import signals

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
    errors, articles = _Errors(), []

    def count(generator):
        articles.extend(article.save_as for article in generator.articles)

    logging.getLogger("pelican").addHandler(errors)
    signals.article_generator_finalized.connect(count)
    try:
        site.build_site(Path(content), Path(output), force=True, **settings)
    except LockedError as error:
        raise PublishError(str(error)) from None
    except Exception as error:
        raise PublishError(f"the build failed: {type(error).__name__}: {error}") from error
    finally:
        logging.getLogger("pelican").removeHandler(errors)
        signals.article_generator_finalized.disconnect(count)
    if errors.messages:
        raise PublishError(f"the build failed: {errors.messages[0]}")
    # The build's own bookkeeping is not part of the site.
    stamp = getattr(site, "STAMP_NAME", None)
    if stamp:
        (Path(output) / stamp).unlink(missing_ok=True)
    return Built(report, articles, local_size(Path(output)))


def feed_problems(output: Path, feed_domain: str) -> list[str]:
    """Every feed must parse and link to absolute addresses on the feed domain."""
    problems = []
    feeds = sorted(
        p for p in Path(output).rglob("*.xml") if p.name.endswith((".atom.xml", ".rss.xml"))
    )
    for path in feeds:
        name = path.relative_to(output).as_posix()
        feed = feedparser.parse(path.read_bytes())
        if feed.bozo:
            problems.append(f"feed {name} does not parse: {feed.get('bozo_exception')}")
            continue
        for entry in feed.entries:
            link = entry.get("link", "")
            if not link.startswith(feed_domain.rstrip("/") + "/"):
                problems.append(f"feed {name}: entry link {link!r} is not on {feed_domain}")
                break
    return problems


def link_problems(output: Path, site_url: str) -> list[str]:
    from newsdigest.publish.checks import check_links

    return [f"broken internal link: {link}" for link in check_links(Path(output), site_url)]


def size_problems(
    output: Path, published: SiteSize | None, min_ratio: float, force: bool
) -> list[str]:
    """Guard against wiping the site: an empty build, or one much smaller than the site online."""
    built = local_size(output)
    if built.files == 0 or not (Path(output) / "index.html").is_file():
        return [f"{output}/ is empty or has no index.html"]
    if published is None or force:
        return []
    if built.bytes < min_ratio * published.bytes or built.files < min_ratio * published.files:
        return [
            f"{output}/ ({built}) is much smaller than the site online ({published}); "
            f"publish with --force if that is intended"
        ]
    return []


def check_site(output: Path, config: PublishConfig, published: SiteSize | None, force=False):
    """Every reason not to deploy, in one refusal."""
    settings = production_settings(config)
    problems = size_problems(Path(output), published, config.min_size_ratio, force)
    if not problems:
        problems += link_problems(Path(output), settings["SITEURL"])
        problems += feed_problems(Path(output), settings["FEED_DOMAIN"])
    if problems:
        shown = problems[:20] + (
            [f"... and {len(problems) - 20} more"] if len(problems) > 20 else []
        )
        raise PublishError("checks failed:\n  " + "\n  ".join(shown))


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
    """Build, check, deploy. Raises PublishError, with nothing deployed, when anything is wrong."""
    config = config or load_config()
    target = config.target(target_name)
    output = Path(output)
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
