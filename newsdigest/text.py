"""Small text helpers shared by the stages: sentences, summaries, slugs, tags in headlines."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

# A sentence that seems to end here but does not: an initial or a common abbreviation.
ABBREVIATION_END = re.compile(
    r"(?:\b[A-Z]|U\.S|U\.K|U\.N|E\.U|Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|St|Jr|Sr|"
    r"No|Inc|Ltd|Co|Corp|vs|etc|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$"
)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
SUMMARY_LIMIT = 300
# Tags, comments included, as a headline may carry them.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->")
_TAG_OPENING = re.compile(r"<(?=[A-Za-z/!?])")


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
    return shorten(summary, limit)


def shorten(text: str, limit: int) -> str:
    """`text`, or its words that fit in `limit` characters followed by an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def slugify(text: str, limit: int = 100) -> str:
    """An ASCII URL slug; transliterates other scripts so Cyrillic titles keep a readable slug."""
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).lower()
    ascii_text = ascii_text.replace("'", "").replace("&", " and ")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug


def strip_tags(text: str) -> str:
    """A headline holds no markup: tags left in it go (nested ones too), their words stay,
    and so does the opening of a tag cut short ("<SCRIPT SRC=x?<"): feed readers that show
    titles as HTML would read it as one."""
    for _ in range(5):
        text, removed = _TAG.subn(" ", text)
        if not removed:
            break
    return _TAG_OPENING.sub("", text)
