"""New actors: every run of capitalised words that is not exactly a known actor is proposed,
and `classify` judges the parts of it not covered by known names; an organisation whose name
contains a known one ("UN Human Rights Council") replaces the known mentions inside it."""

from __future__ import annotations

import bisect
import re

from newsdigest.ingest.tag.classify import classify
from newsdigest.ingest.tag.lexicon import distinctive
from newsdigest.ingest.tag.model import Mention
from newsdigest.ingest.tag.organisations import (
    ORG_LAST_WORDS,
    hyphen_adjective,
    org_noun_near,
    org_suffix,
)
from newsdigest.ingest.tag.text import UPPER, Text, in_word, trim, words_in
from newsdigest.ingest.tag.words import CONNECTORS, NAME_PARTICLES, NOT_NAME
from newsdigest.vocab import Vocabulary

# A capitalised word (Lee-Anne, O'Brien, McDonald, Zelenskyy), initials (J., J.J.) or an acronym.
_NAME_WORD = rf"(?:{UPPER}[a-z]{{0,2}}\.(?:{UPPER}\.)*(?=\s)|{UPPER}[\w’'-]*)"
_PARTICLE = "(?:" + "|".join(sorted(NAME_PARTICLES, key=len, reverse=True)) + ")"
# Runs of capitalised words, allowing name particles and "of/for/and" inside organisation names.
_SEQUENCE = re.compile(  # "al-" and "el-" before the first word: see _sequences
    rf"{_NAME_WORD}"
    rf"(?:(?:[ \t]+|-)(?:(?:{_PARTICLE}|of|for|and|the|on|to|&)[ \t]+)*(?:(?:al|el)-)?{_NAME_WORD})*"
)


def new_mentions(
    vocab: Vocabulary, article: Text, known: list[Mention]
) -> tuple[list[Mention], set[int]]:
    """People named with a role title or by context; organisations with a telling name.

    Returns the new mentions and the ids of known mentions that turned out to be
    part of a longer organisation name ("UN" in "UN Human Rights Council").
    """
    text = article.text
    spans = sorted(((m.start, m.end), m) for m in known if m.weight >= 1)
    taken = [span for span, _ in spans]
    found: list[Mention] = []
    swallowed: set[int] = set()
    article.roles = {}
    exactly_known = set(taken)
    runs = list(_sequences(text))
    article.runs = {text[s:e] for s, e in runs}
    for match_start, match_end in runs:
        if (match_start, match_end) in exactly_known:
            continue
        word = text[match_start:match_end]
        if word in NOT_NAME:
            continue  # a lone "The", "However", "Monday"
        if (
            word.isalpha()
            and not word.isupper()
            and not org_noun_near(text, match_start, match_end)
        ):
            continue  # a lone capitalised word is a new actor only with an organisation noun by it
        if article.in_headline(match_start):
            continue  # every word of a Title Case headline is capitalised: no evidence there
        first = bisect.bisect_left(taken, (match_start, 0))
        last = bisect.bisect_left(taken, (match_end, 0))
        inside = [m for (s, e), m in spans[first:last] if e <= match_end]
        longer = (
            inside
            and word.rsplit(None, 1)[-1].rstrip(".,") in ORG_LAST_WORDS
            and _longer_organisation(vocab, text, match_start, match_end, inside)
        )
        if longer:
            found.append(longer)
            swallowed.update(id(m) for m in inside)
            continue
        overlapping = taken[max(0, first - 1) : last]
        for start, end in _free_parts(match_start, match_end, overlapping, text):
            found.extend(classify(vocab, article, start, end))
    return found + _headline_repeats(article, found), swallowed


def _headline_repeats(article: Text, found: list[Mention]) -> list[Mention]:
    """Names found in the body also count where a Title Case headline repeats them."""
    if not (article.title_case and found):
        return []
    names = {m.actor: m for m in found}
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    repeats = []
    for match in pattern.finditer(article.text, 0, article.title_end):
        m = names[match.group()]
        repeats.append(Mention(match.start(), match.end(), m.actor, m.kind, 1.0, m.pronoun))
    return repeats


def _sequences(text: str):
    """(start, end) of every run of capitalised words (see _SEQUENCE) that starts a word,
    with an "al-"/"el-" before it (al-Sadr, el-Sisi)."""
    search, pos = _SEQUENCE.search, 0
    while (match := search(text, pos)) is not None:
        start, end = match.span()
        pos = end
        if start and (text[start - 1].isalnum() or text[start - 1] in "_’'-"):
            prefix = text[start - 3 : start]
            if prefix in ("al-", "el-") and (start == 3 or not in_word(text[start - 4])):
                yield start - 3, end
            else:
                pos = start + 1  # inside a word ("iPhone"): a run may start later in it
            continue
        yield start, end


def _free_parts(
    start: int, end: int, taken: list[tuple[int, int]], text: str
) -> list[tuple[int, int]]:
    """The parts of [start, end) not covered by known actor mentions."""
    parts, cursor = [], start
    for s, e in taken:
        if e <= start or s >= end:
            continue
        if s > cursor:
            parts.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < end:
        parts.append((cursor, end))
    cleaned = []
    for s, e in parts:
        piece = text[s:e]
        lead = len(piece) - len(piece.lstrip(" ’'s-"))
        piece_stripped = piece.strip()
        if piece_stripped.startswith(("’s ", "'s ")):
            lead = piece.find(piece_stripped) + 3
        s2 = s + lead
        e2 = s + len(piece.rstrip(" -’'"))
        if e2 > s2:
            cleaned.append((s2, e2))
    return cleaned


def _longer_organisation(
    vocab: Vocabulary, text: str, start: int, end: int, inside: list[Mention]
) -> Mention | None:
    """'UN Human Rights Council', 'Amazon Environmental Research Institute': a new organisation
    whose name contains a known one."""
    if any(m.kind == "person" for m in inside):
        return None
    words = trim(words_in(text, start, end))
    while words and words[0][0] in NOT_NAME:
        words = words[1:]
    if not words or not org_suffix([w for w, _, _ in words]):
        return None
    if any(hyphen_adjective(w) for w, _, _ in words):
        return None  # "Budapest-based Danube Policy Institute": the name starts later
    start, end = words[0][1], words[-1][2]
    if inside[-1].end >= end or inside[0].start < start:
        return None
    if any(re.match(r"['’]s\s| and\s", text[m.end : m.end + 5]) for m in inside):
        return None  # "NASA's Commercial ... Services", "SpaceX and Tyvak ... Systems": two names
    outside = [w for w, s, e in words if not any(m.start <= s < m.end for m in inside)]
    outside = [w for w in outside if w.lower() not in CONNECTORS]
    if not outside:
        return None
    if all(m.kind == "state" for m in inside) and not distinctive(vocab, outside):
        return None
    return Mention(start, end, text[start:end], "organisation", 1.0)
