"""The data that moves between the pipeline stages.

read -> RawArticle -> clean -> Article -> tag -> Article (+ terms, quotes) -> write.
Plain dataclasses, so that every stage can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class RawArticle:
    """A seed file decoded to text; `format` is "text" or "html"."""

    path: Path
    format: str
    text: str
    digest: str  # sha256 of the raw bytes: the seed's identity in the ledger


@dataclass
class Quote:
    speaker: str
    text: str


@dataclass
class Article:
    """One article in flight. `body` is Markdown, already safe to render."""

    title: str
    body: str
    source_file: str
    author: str | None = None
    date: str | None = None  # ISO 8601 as the source declared it, timezone kept
    modified: str | None = None
    summary: str = ""
    source_name: str | None = None
    source_url: str | None = None
    lang: str | None = None
    image: str | None = None
    # Terms per taxonomy, by front matter field ("topics", "actors", ...), in that order.
    terms: dict[str, list[str]] = field(default_factory=dict)
    quotes: list[Quote] = field(default_factory=list)
