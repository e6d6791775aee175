"""Hand-made content folders for site tests: articles written as editors would write them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml


def write_article(content: Path, slug: str, body: str = "Some text.", **fields) -> Path:
    """One Markdown article with YAML front matter; `fields` become front matter keys."""
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    fields.setdefault("date", "2026-03-02T09:00:00+00:00")
    fields["slug"] = slug
    day = dt.datetime.fromisoformat(str(fields["date"]))
    path = content / f"{day:%Y}" / f"{day:%m}" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    return path


def many_articles(content: Path, count: int, topic: str = "diplomacy") -> list[str]:
    """`count` articles on one topic, one every six hours from 1 March 2026; returns their slugs."""
    start = dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC)
    slugs = []
    for number in range(count):
        slug = f"story-{number:03d}"
        actors = ["Ukraine"] + (["Kaja Kallas"] if number % 3 == 0 else [])
        write_article(
            content,
            slug,
            body=f"Paragraph {number} of a story about talks.\n\nA second paragraph.",
            title=f"Story number {number}",
            date=(start + dt.timedelta(hours=6 * number)).isoformat(),
            summary=f"Summary of story {number}.",
            topics=[topic],
            actors=actors,
        )
        slugs.append(slug)
    return slugs
