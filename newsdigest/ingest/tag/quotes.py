"""Quotations and who said them: a name or a body next to a speech verb, or he/she resolved
to the person the text is about at that point."""

from __future__ import annotations

import bisect
import re

from newsdigest.article import Quote
from newsdigest.ingest.tag.model import Mention
from newsdigest.ingest.tag.text import SPEECH_VERB, Text, same_paragraph, word_after
from newsdigest.ingest.tag.words import SPEAKING_BODIES

_QUOTE = re.compile(r"“([^”\n]{2,1500})”|\"([^\"\n]{2,1500})\"")
_PRONOUN_ATTRIBUTION_AFTER = re.compile(
    rf"^[,.!?…]?\s*[—–-]?\s*(he|she)\s+(?:\w+ly\s+)?{SPEECH_VERB}\b", re.I
)
_NOUN_ATTRIBUTION_AFTER = re.compile(
    rf"^[,.!?…]?\s*[—–-]?\s*(?:(?:{SPEECH_VERB})\s+)?the\s+({'|'.join(sorted(SPEAKING_BODIES))}|"
    rf"(?:\w+\s+)?(?:minister|president|chancellor|governor|chief|spokesperson|spokesman|"
    rf"spokeswoman|official|executive|leader|judge|coach|American|Briton|player))"
    rf"\s*(?:{SPEECH_VERB})?\b",
    re.I,
)
_VERB_WORD = re.compile(rf"\b{SPEECH_VERB}\b", re.I)
_VERB_OR_ACCORDING = re.compile(rf"\b{SPEECH_VERB}\b|according to", re.I)
_SUBJECT_PRONOUN = re.compile(r"\s*(he|she)\b", re.I)
_SPOKESPEOPLE = {"spokesperson", "spokesman", "spokeswoman"}


def quotes(article: Text, mentions: list[Mention], actors: set[str]) -> list[Quote]:
    """The quotations of the body whose speaker is one of `actors`, in text order."""
    text = article.text
    # People named inside a quotation ("I congratulate Ms. Kowalczyk") are not who the text
    # is about: he/she never goes to them.
    found = list(_QUOTE.finditer(text))
    starts = [q.start() for q in found]
    narrative = []
    for m in mentions:
        i = bisect.bisect_left(starts, m.start) - 1
        if i < 0 or found[i].end() <= m.start:
            narrative.append(m)
    result: list[Quote] = []
    previous: tuple[int, str] | None = None  # (end of the last attributed quote, its speaker)
    for match in found:
        inner = (match.group(1) or match.group(2)).strip()
        if len(inner.split()) < 2 or match.start() < article.title_end:
            continue
        speaker = _speaker(article, match.start(), match.end(), mentions, narrative)
        if speaker is None and previous and same_paragraph(text, previous[0], match.start()):
            between = text[previous[0] : match.start()]
            if len(between) < 160 and not any(
                previous[0] <= m.start < match.start() and m.kind == "person"
                for m in mentions
                if m.actor != previous[1]
            ):
                speaker = previous[1]
        if speaker is None or speaker not in actors:
            continue
        result.append(Quote(speaker=speaker, text=inner.rstrip(",").strip()))
        previous = (match.end(), speaker)
    return result


def _speaker(
    article: Text, start: int, end: int, mentions: list[Mention], narrative: list[Mention]
) -> str | None:
    """Who said the quotation at text[start:end], from the words around it."""
    text = article.text
    after = text[end : end + 200]
    sentence_end = article.sentence_end_at(end)
    # "...," he said.
    pronoun = _PRONOUN_ATTRIBUTION_AFTER.match(after)
    if pronoun:
        return _resolve_pronoun(article, start, pronoun.group(1).lower(), narrative)
    # "...," the company said.
    noun = _NOUN_ATTRIBUTION_AFTER.match(after)
    if noun:
        word = noun.group(1).lower()
        if word.split()[-1] in _SPOKESPEOPLE:
            body = _spokesperson_of(article, start, mentions)
            if body:
                return body
        kind = "organisation" if word in SPEAKING_BODIES else "person"
        earlier = [m for m in mentions if m.end <= start and m.kind == kind and m.weight >= 1]
        if earlier:
            return earlier[-1].actor
    # "...," said Name  /  "...," Name said  /  "...," Interior Minister Name said
    window_end = min(sentence_end, end + 160)
    verb = _VERB_WORD.search(text[end:window_end])
    if verb and verb.start() <= 90:
        verb_start, verb_end = end + verb.start(), end + verb.end()
        named = [m for m in mentions if m.weight >= 1 and m.kind in ("person", "organisation")]
        before_verb = [m for m in named if end <= m.start < verb_start]
        people = [m for m in before_verb if m.kind == "person"]
        if people:
            return people[-1].actor
        after_verb = [m for m in named if verb_end <= m.start < verb_end + 40]
        after_people = [m for m in after_verb if m.kind == "person"]
        if after_people:
            return after_people[0].actor
        if before_verb:
            return before_verb[-1].actor
        if after_verb:
            return after_verb[0].actor
    # Name said: "..."  /  Name said the plan "was ..."  /  according to Name, "..."
    sentence_start = article.sentence_start_at(start)
    before = text[sentence_start:start]
    if _VERB_OR_ACCORDING.search(before):
        people = [
            m
            for m in mentions
            if sentence_start <= m.start < start
            and m.kind in ("person", "organisation")
            and m.weight >= 1
        ]
        persons = [m for m in people if m.kind == "person"]
        if persons:
            return persons[0].actor
        if people:
            return people[0].actor
        subject = _SUBJECT_PRONOUN.match(before)
        if subject:
            return _resolve_pronoun(article, sentence_start, subject.group(1).lower(), narrative)
    return None


def _spokesperson_of(article: Text, position: int, mentions: list[Mention]) -> str | None:
    """The organisation of the last "<Organisation> spokesperson" before `position`, in the
    same or the previous sentence: an unnamed spokesperson speaks for it."""
    index = article.sentence_index(position)
    since = article.sentence_starts[max(0, index - 1)]
    text = article.text
    for m in reversed(mentions):
        if m.start < since:
            break
        if m.end <= position and m.kind == "organisation" and m.weight >= 1:
            after = word_after(text, m.end).lower()
            if after in _SPOKESPEOPLE or text[m.end : m.end + 14].lower().startswith(
                ("’s spokes", "'s spokes")
            ):
                return m.actor
    return None


def _resolve_pronoun(
    article: Text, position: int, pronoun: str, mentions: list[Mention]
) -> str | None:
    """The person the text is about at `position`: the subject of the nearest sentence naming one."""
    starts = article.sentence_starts
    index = article.sentence_index(position)
    current_start = starts[index]
    segments = [(current_start, position)]
    for i in range(index - 1, max(-1, index - 6), -1):
        segments.append((starts[i], starts[i + 1]))
    for seg_start, seg_end in segments:
        people = [m for m in mentions if seg_start <= m.start < seg_end and m.kind == "person"]
        people = [m for m in people if m.pronoun in (None, pronoun, "they")]
        if people:
            return people[0].actor
    return None
