"""Known actors: the vocabulary's names, aliases, surnames, demonyms and capitals found in the
text (one case-sensitive regex), kept only where the context says they mean that actor."""

from __future__ import annotations

import re

from newsdigest.ingest.tag import gazetteer
from newsdigest.ingest.tag.model import Mention
from newsdigest.ingest.tag.text import (
    UPPER,
    Text,
    alone,
    at_sentence_start,
    follows_a_name,
    is_capitalised,
    word_after,
    word_before,
)
from newsdigest.ingest.tag.words import (
    FUNCTION_WORDS,
    NOT_NAME,
    OF_GOVERNMENT,
    PLACE_PREPOSITIONS,
    TITLE_HEADS,
)
from newsdigest.vocab import Actor, Vocabulary, word_matches

# Words that end a place's name rather than start a club's nickname
_PLACE_ENDS = {"Bay", "City", "State", "County", "Valley", "Coast"}
DEMONYM_WEIGHT = 0.5  # a demonym is half a named mention (see vocab/README.md)

_NAME_PREFIX_BEFORE = re.compile(r"\s*(?:bin|ibn|al|de|van|von|da)\s")
_JUNIOR_AFTER = re.compile(r"\s+Jr\b")
_NOT_METONYM_AFTER = re.compile(r"-\w|,? D\.?C\b|\s+state\b")
_PLACE_LIST_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(PLACE_PREPOSITIONS))})\s+{UPPER}[\w’'.-]*"
    rf"(?:,\s+{UPPER}[\w’'.-]*)*,?\s+(?:and|or)\s+$"
)
_OF_BEFORE = re.compile(rf"({UPPER}[\w’'-]*)\s+of\s+(?:the\s+)?$")


def known_mentions(vocab: Vocabulary, article: Text) -> list[Mention]:
    """Every mention of a known actor, in text order; a surname only after the full name."""
    text = article.text
    mentions: list[Mention] = []
    seen_full: set[str] = set()
    capitals: dict[int, str] = {}  # id of a capital's mention -> the capital
    for start, end, form_text in _form_matches(vocab, text):
        for form in vocab.forms[form_text]:
            actor = vocab.actors[form.actor]
            if not _counts(article, actor, form.mode, form_text, start, end, seen_full):
                continue
            weight = DEMONYM_WEIGHT if form.mode == "demonym" else 1.0
            mentions.append(Mention(start, end, actor.name, actor.kind, weight, actor.pronoun))
            if form.mode == "capital":
                capitals[id(mentions[-1])] = form_text
            if form.mode in ("name", "alias"):
                seen_full.add(actor.name)
            break
    mentions += _nickname_mentions(vocab, article, mentions)
    # "Ottawa held on to beat Detroit": where the article names an organisation of a capital
    # ("Ottawa Senators"), the capital is that organisation's city, not the state.
    cities = {m.actor.split()[0] for m in mentions if m.kind == "organisation"}
    return [m for m in mentions if id(m) not in capitals or capitals[id(m)] not in cities]


def _nickname_mentions(vocab: Vocabulary, article: Text, mentions: list[Mention]) -> list[Mention]:
    """ "Wild 4, Sabres 1": clubs by the nickname after their place ("Minnesota Wild"), once
    the article names a club or league of the same sport in full; the sport tells which of
    the Jets (Winnipeg's or New York's) it is."""
    sports = {
        topic for m in mentions if m.actor in vocab.actors for topic in vocab.actors[m.actor].topics
    }
    if not sports:
        return []
    text = article.text
    taken = [(m.start, m.end) for m in mentions]
    found = []
    for nickname, actors in _nicknames(vocab).items():
        meant = [name for name, topics in actors if not sports.isdisjoint(topics)]
        if len(meant) != 1 or nickname not in text:
            continue
        for at in alone(text, nickname):
            end = at + len(nickname)
            if any(s < end and at < e for s, e in taken) or is_capitalised(word_after(text, end)):
                continue  # "Magic Johnson" is not the Orlando Magic
            if follows_a_name(text, at, unless=NOT_NAME):
                continue
            found.append(Mention(at, end, meant[0], "organisation", 1.0))
    return sorted(found, key=lambda m: m.start)


def _nicknames(vocab: Vocabulary) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """Each club's name without the place it starts with, for clubs (organisations with
    topics) named place first, with the club's topics; nicknames that are some other actor's
    name are left out."""
    cached = vocab.__dict__.get("nicknames")
    if cached is not None:
        return cached
    found: dict[str, list[str]] = {}
    for actor in vocab.actors.values():
        words = actor.name.split()
        if actor.kind != "organisation" or not actor.topics or len(words) < 2:
            continue
        for cut in range(len(words) - 1, 0, -1):
            if gazetteer.is_place(" ".join(words[:cut])):
                rest = words[cut:]
                if len(rest) > 1 and rest[0] in _PLACE_ENDS:
                    rest = rest[1:]  # "Tampa Bay Lightning", "Golden State Warriors"
                nickname = " ".join(rest)
                if nickname not in vocab.forms and nickname[0].isupper():
                    found.setdefault(nickname, []).append((actor.name, frozenset(actor.topics)))
                break
    vocab.nicknames = found
    return found


def _form_matches(vocab: Vocabulary, text: str) -> list[tuple[int, int, str]]:
    """(start, end, form) of every actor name, alias, surname, demonym or capital in `text`,
    longest first where two overlap."""
    found = [
        (m.start(), m.end(), m.group()) for m in word_matches(vocab.actor_pattern, text, "_&@#")
    ]
    extra = []
    for form in vocab.lowercase_forms:
        at = text.find(form)
        while at >= 0:
            end = at + len(form)
            before_ok = at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_&@#")
            if before_ok and (end == len(text) or not (text[end].isalnum() or text[end] in "_&")):
                extra.append((at, end, form))
            at = text.find(form, at + 1)
    if not extra:
        return found
    merged: list[tuple[int, int, str]] = []
    for match in sorted(found + extra, key=lambda m: (m[0], -m[1])):
        if not merged or match[0] >= merged[-1][1]:
            merged.append(match)
    return merged


def _counts(
    article: Text,
    actor: Actor,
    mode: str,
    form_text: str,
    start: int,
    end: int,
    seen_full: set[str],
) -> bool:
    """Context rules that keep a matched name from counting where it means something else."""
    text = article.text
    before, after = word_before(text, start), word_after(text, end)
    in_title_case = article.title_case and start < article.title_end
    if (
        actor.unless_next
        and after
        and after.lower().rstrip(".,") in {w.lower() for w in actor.unless_next}
    ):
        return False
    single_word = " " not in form_text and "." not in form_text
    if mode == "surname" and actor.name not in seen_full and before not in TITLE_HEADS:
        return False
    if (
        actor.kind == "person"
        and single_word
        or actor.kind == "organisation"
        and single_word
        and not form_text.isupper()
    ):
        # "Lara Trump", "bin Salman", "Harrison Ford": a different person who shares the name.
        if (
            is_capitalised(before)
            and before not in TITLE_HEADS
            and before.lower() not in FUNCTION_WORDS  # "A Microsoft spokesperson"
            and not at_sentence_start(text, start)
        ) and not in_title_case:
            return False
        if _NAME_PREFIX_BEFORE.match(text[max(0, start - 5) : start] + " "):
            return False
        if _JUNIOR_AFTER.match(text, end, end + 5):
            return False
    if actor.kind == "state":
        if mode == "demonym":
            # "SIX Swiss Exchange", "Royal Swedish Academy": inside another name
            return not (
                is_capitalised(before)
                and is_capitalised(after)
                and not at_sentence_start(text, start)
                and before not in NOT_NAME
            )
        if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
            place = word_before(text, start - 1)
            if place and gazetteer.is_place(place.strip(" ,")):
                return False  # "Baar (Switzerland)": where a place is
        if mode == "capital" and (
            before.lower() in PLACE_PREPOSITIONS
            or _NOT_METONYM_AFTER.match(text, end, end + 8)
            or _PLACE_LIST_BEFORE.search(text, max(0, start - 80), start)  # via Moscow and Paris
        ):
            return False
        # "Gulf of Mexico", "University of Washington": part of a longer name.
        match = "of" in text[max(0, start - 8) : start] and _OF_BEFORE.search(
            text, max(0, start - 40), start
        )
        if match and match.group(1) not in OF_GOVERNMENT and match.group(1) not in TITLE_HEADS:
            return False
        if single_word and not in_title_case and form_text.upper() != form_text:
            if (
                is_capitalised(before)
                and not at_sentence_start(text, start)
                and before not in NOT_NAME
            ):
                return False
            if is_capitalised(after) and after not in TITLE_HEADS:
                return False
    return True
