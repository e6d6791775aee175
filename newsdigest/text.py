"""Small text helpers shared by the stages: Markdown escaping, summaries, slugs."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

# Characters that mean something to CommonMark or GFM anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|])")
# Line starts that would turn a paragraph into a heading, quote, list or rule.
_BLOCK_START = re.compile(r"^(\s*)(#|>|[-+=]|\d{1,9}(?=[.)]))")

# A sentence that seems to end here but does not: an initial or a common abbreviation.
ABBREVIATION_END = re.compile(
    r"(?:\b[A-Z]|U\.S|U\.K|U\.N|E\.U|Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|St|Jr|Sr|"
    r"No|Inc|Ltd|Co|Corp|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$"
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
SUMMARY_LIMIT = 300


def escape_markdown(text: str) -> str:
    """Escape plain text so that Markdown renders it as the same words, nothing more."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _BLOCK_START.sub(r"\1\\\2", text)


def unescape_markdown(text: str) -> str:
    """Undo `escape_markdown` (for matching words in the text)."""
    return re.sub(r"\\([\\`*_\[\]<>&~|#+=\-.)>])", r"\1", text)


def sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations such as `U.S.` inside."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        candidate = text[start : match.start()].rstrip("\"”’')]")
        if ABBREVIATION_END.search(candidate[-7:]):
            continue
        parts.append(text[start : match.start()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def summarize(lead: str, limit: int = SUMMARY_LIMIT) -> str:
    """One or two sentences from the lead paragraph, at most `limit` characters."""
    parts = sentences(" ".join(lead.split()))
    if not parts:
        return ""
    summary = parts[0]
    if len(parts) > 1 and len(summary) + 1 + len(parts[1]) <= limit:
        summary += " " + parts[1]
    if len(summary) > limit:
        summary = summary[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return summary


def slugify(text: str, limit: int = 100) -> str:
    """An ASCII URL slug; transliterates other scripts so Cyrillic titles keep a readable slug."""
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).lower()
    ascii_text = ascii_text.replace("'", "").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug
