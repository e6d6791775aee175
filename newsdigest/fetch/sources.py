"""The sources file: which feeds to read, and how politely.

A source that is malformed is reported and left out; the others are still read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from newsdigest.text import slugify

FETCH_MODES = ("page", "feed")


class SourcesError(Exception):
    """The sources file cannot be used at all (missing, not YAML, no `sources:` list)."""


@dataclass(frozen=True)
class Source:
    """One feed. `fetch` is "page" (download each entry's page) or "feed" (the feed has the text)."""

    name: str
    feed: str
    fetch: str = "page"
    max_items: int = 50
    language: str | None = None
    enabled: bool = True

    @property
    def folder(self) -> str:
        """The seeds subfolder of this source's articles."""
        return slugify(self.name) or "source"


@dataclass(frozen=True)
class Politeness:
    """How the fetcher treats the servers it reads (the `fetch:` mapping of the sources file)."""

    contact: str = ""  # a URL or e-mail address for site owners, sent in the User-Agent
    delay: float = 1.0  # seconds between two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # without a byte
    total_timeout: float = 60.0  # for a whole response, however slowly it trickles in
    retries: int = 2  # on 429, 5xx and dropped connections, with backoff
    backoff: float = 1.0  # seconds before the first retry, doubled for each next one
    max_retry_wait: float = 60.0  # a longer Retry-After gives up on the URL for this run
    max_bytes: int = 5 * 2**20  # per response, after decompression
    max_redirects: int = 5
    hosts_at_once: int = 8  # different hosts fetched concurrently
    robots: bool = True  # honour robots.txt for pages

    def user_agent(self, version: str) -> str:
        contact = f"; +{self.contact}" if self.contact else ""
        return f"newsdigest/{version} (news digest fetcher{contact})"


@dataclass
class SourcesFile:
    sources: list[Source]
    politeness: Politeness
    problems: list[str] = field(default_factory=list)  # one line per source left out


def load_sources(path: Path) -> SourcesFile:
    """Read and check a sources file; raise SourcesError when nothing of it can be used."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"{path}: no sources file (see sources.yaml.example)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SourcesError(f"{path}: cannot read: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise SourcesError(f"{path}: not valid YAML{where}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise SourcesError(f"{path}: expected a mapping with a `sources:` list")
    politeness = _politeness(path, doc.get("fetch") or {})
    sources, problems, names = [], [], set()
    for number, item in enumerate(doc["sources"], start=1):
        try:
            source = _source(item)
        except ValueError as error:
            problems.append(f"{path}: source {number}: {error}")
            continue
        if source.name.casefold() in names:
            problems.append(f"{path}: source {number}: the name {source.name!r} is used twice")
            continue
        names.add(source.name.casefold())
        sources.append(source)
    return SourcesFile(sources, politeness, problems)


def _source(item) -> Source:
    if not isinstance(item, dict):
        raise ValueError("expected a mapping with name: and feed:")
    unknown = set(item) - {"name", "feed", "fetch", "max_items", "language", "enabled"}
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    name = str(item.get("name") or "").strip()
    feed = str(item.get("feed") or "").strip()
    if not name:
        raise ValueError("no name:")
    if urlsplit(feed).scheme not in ("http", "https") or not urlsplit(feed).hostname:
        raise ValueError(f"{name}: feed: must be an http(s) URL, not {feed!r}")
    fetch = str(item.get("fetch", "page"))
    if fetch not in FETCH_MODES:
        raise ValueError(f"{name}: fetch: must be one of {', '.join(FETCH_MODES)}")
    max_items = item.get("max_items", 50)
    if not isinstance(max_items, int) or isinstance(max_items, bool) or max_items < 1:
        raise ValueError(f"{name}: max_items: must be a positive whole number")
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValueError(f"{name}: enabled: must be true or false")
    language = item.get("language")
    return Source(name, feed, fetch, max_items, str(language) if language else None, enabled)


def _politeness(path: Path, raw) -> Politeness:
    if not isinstance(raw, dict):
        raise SourcesError(f"{path}: `fetch:` must be a mapping")
    defaults = Politeness()
    values = {}
    for key, value in raw.items():
        if key not in Politeness.__dataclass_fields__:
            raise SourcesError(f"{path}: fetch: unknown setting {key!r}")
        wanted = type(getattr(defaults, key))
        if wanted is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, wanted) or (wanted is not bool and isinstance(value, bool)):
            raise SourcesError(f"{path}: fetch: {key} must be a {wanted.__name__}")
        if wanted in (int, float) and value < 0:
            raise SourcesError(f"{path}: fetch: {key} must not be negative")
        values[key] = value
    return Politeness(**values)
