"""The headline: the declared title without the outlet's name glued to it."""

from __future__ import annotations

import re

from newsdigest.ingest.extract.text import fold

# " | ", " - ", " :: " and the like between a headline and the outlet's name
TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]{1,2}\s+")


def clean_title(title: str | None, site_name: str | None, h1: str | None = None) -> str | None:
    """The headline without the outlet's name glued before or after it."""
    if not title:
        return None
    title = " ".join(title.split())
    h1_folded = fold(h1 or "")
    title_folded = fold(title)
    if (
        h1_folded
        and title_folded.startswith(h1_folded)
        and len(h1_folded) >= len(title_folded) / 3
        and len(h1) < len(title)
    ):
        return h1  # "<h1> | Site" in <title>: the h1 is the headline
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site = fold(site_name or "")
    site_words = set(site.split())
    if site:
        for index in (-1, 0):
            part = fold(parts[index])
            part_words = part.split()
            if part and (
                set(part_words) <= site_words  # "Harbour Times" for "The Harbour Times"
                or (site in part and len(part_words) <= len(site_words) + 2)  # "... Online"
            ):
                rest = parts[1:] if index == 0 else parts[:-1]
                return _rejoin(title, rest)
    # no site name declared: a short last part after "|" is the outlet's name
    last = parts[-1]
    if "|" in title and len(last.split()) <= 4 and len(parts[0].split()) >= 3:
        return _rejoin(title, parts[:-1])
    return title


def _rejoin(title: str, parts: list[str]) -> str:
    """Rebuild the kept parts with their original separators."""
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip()
