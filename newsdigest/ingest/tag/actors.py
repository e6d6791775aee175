"""The actors of an article: surnames used alone resolved to the people named in full, then
every actor ranked by where and how often the article names it; new ones become candidates."""

from __future__ import annotations

import bisect

from newsdigest.ingest.tag.model import Candidate, Mention
from newsdigest.ingest.tag.text import Text, alone, follows_a_name
from newsdigest.ingest.tag.words import TITLE_HEADS
from newsdigest.vocab import Vocabulary

HEADLINE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0


def resolve_surnames(vocab: Vocabulary, article: Text, mentions: list[Mention]) -> list[Mention]:
    """Surname alone ("Grushko said") after the full name: the latest person with that surname."""
    people_by_surname: dict[str, list[tuple[int, str, str | None]]] = {}
    for m in mentions:
        if m.kind == "person" and " " in m.actor:
            people_by_surname.setdefault(m.actor.split()[-1], []).append(
                (m.start, m.actor, m.pronoun)
            )
    if not people_by_surname:
        return mentions
    text = article.text
    starts = [m.start for m in mentions]
    extra = []
    for surname, people in people_by_surname.items():
        for start in alone(text, surname):
            index = bisect.bisect_right(starts, start) - 1
            if index >= 0 and mentions[index].end > start:
                continue  # part of a longer mention
            if follows_a_name(text, start, unless=TITLE_HEADS):
                continue
            earlier = [p for p in people if p[0] < start]
            if not earlier:
                continue
            _, actor, pronoun = max(earlier)
            known = vocab.actors.get(actor)
            pronoun = pronoun or (known.pronoun if known else None)
            extra.append(Mention(start, start + len(surname), actor, "person", 1.0, pronoun))
    return sorted(mentions + extra, key=lambda m: m.start)


def resolve_short_names(vocab: Vocabulary, mentions: list[Mention]) -> list[Mention]:
    """ "Disney" after "Walt Disney Co.", "Lockheed" after "Lockheed Martin": an organisation
    named in full once and then by part of its name is one organisation, the full name."""
    full = [m.actor for m in mentions if m.kind == "organisation" and " " in m.actor]
    if not full:
        return mentions
    resolved = []
    for m in mentions:
        if m.kind == "organisation" and m.actor not in vocab.actors:
            words = m.actor.split()
            longer = [
                name
                for name in full
                if len(name.split()) > len(words) and _contains(name.split(), words)
            ]
            if len(set(longer)) == 1:  # only when the part names one organisation
                m = Mention(m.start, m.end, longer[0], m.kind, m.weight, m.pronoun)
        resolved.append(m)
    return resolved


def _contains(words: list[str], part: list[str]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def without_surname_organisations(vocab: Vocabulary, mentions: list[Mention]) -> list[Mention]:
    """ "McKinley’s office" names the person McKinley, not a new organisation "McKinley"."""
    surnames = {m.actor.split()[-1] for m in mentions if m.kind == "person" and " " in m.actor}
    return [
        m
        for m in mentions
        if not (m.kind == "organisation" and m.actor in surnames and m.actor not in vocab.actors)
    ]


def rank_actors(
    vocab: Vocabulary, article: Text, mentions: list[Mention]
) -> tuple[list[str], list[Candidate]]:
    """Actors named with full evidence, the most prominent first, and the new ones among them."""
    score: dict[str, float] = {}
    evidence: dict[str, float] = {}
    first: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for m in mentions:
        place = (
            HEADLINE_WEIGHT
            if m.start < article.title_end
            else LEAD_WEIGHT
            if m.start < article.lead_end
            else BODY_WEIGHT
        )
        score[m.actor] = score.get(m.actor, 0.0) + place * m.weight
        evidence[m.actor] = evidence.get(m.actor, 0.0) + m.weight
        first.setdefault(m.actor, m.start)
        kinds.setdefault(m.actor, m.kind)
    names = [n for n in score if evidence[n] >= 1.0 and n not in vocab.rejected]
    names.sort(key=lambda n: (-score[n], first[n]))
    candidates = [
        Candidate(
            name=n,
            kind=kinds[n],
            role=article.roles.get(n),
            context=article.sentence_at(first[n]),
        )
        for n in names
        if n not in vocab.actors
    ]
    return names, candidates
