"""People: which words can be part of a person's name, and how the text around a name shows
it is a person's (a speech verb, "who", the surname used alone again)."""

from __future__ import annotations

import re

from newsdigest.ingest.tag.text import (
    SPEECH_VERB,
    UPPER_CHARS,
    Text,
    alone,
    at_sentence_start,
    is_capitalised,
    word_before,
)
from newsdigest.ingest.tag.words import (
    GENERIC_WORDS,
    NAME_PARTICLES,
    NOT_NAME,
    ORG_SUFFIXES,
    TITLE_HEADS,
)

_INITIAL = re.compile(r"[A-Z]\.")
_WHO_AFTER = re.compile(r",\s+who\s")
_SPEECH_AFTER_NAME = re.compile(rf"\s+(?:\w+ly\s+)?{SPEECH_VERB}\b")
_SPEECH_BEFORE_NAME = re.compile(r"\b(?:said|says|told|added|wrote|according to)\s+$")
# A lower-case word after a sentence's first word: its verb, unless a modal (things "will").
_VERB_AFTER_SUBJECT = re.compile(r"\s+(?!(?:will|would|could|can|may|might|should|must)\b)[a-z]")
_PERSON_AFTER_SURNAME = re.compile(r"[’']s\s|,\s+(?:who\s|an?\s|\d)")


def name_like(token: str) -> bool:
    """A word that can be part of a person's name: capitalised, a particle or an initial."""
    token = token.rstrip(".,’'")
    if not token:
        return False
    if token in NOT_NAME or token in TITLE_HEADS or token in GENERIC_WORDS or token in ORG_SUFFIXES:
        return False
    if token.lower() in {"of", "for", "and", "the", "on", "&"}:
        return False
    if token in NAME_PARTICLES:
        return True
    if token.isupper() and len(token) > 1 and not _INITIAL.fullmatch(token):
        return False  # acronyms are not names
    return token[0] in UPPER_CHARS or token.startswith(("al-", "el-"))


def speech_next_to(text: str, start: int, end: int) -> bool:
    """ "Name said", "said Name": only people (and bodies) speak."""
    after = text[end : end + 30]
    before = text[max(0, start - 12) : start]
    return bool(_SPEECH_AFTER_NAME.match(after)) or bool(_SPEECH_BEFORE_NAME.search(before))


def who_after(text: str, end: int) -> bool:
    """ "Name, who ...": a person."""
    return bool(_WHO_AFTER.match(text, end, end + 8))


def surname_recurs(article: Text, surname: str, start: int, end: int) -> bool:
    """The last name also appears on its own, the way news refers to a person named in full
    once: saying something ("Rotich said", "said Kowalczyk"), with a title ("Ms Kowalczyk"),
    a possessive, an age or "who", or as the subject that starts a sentence ("Lawan raised
    the motion"). Products and places recur too ("Clipper will orbit", "Switch Lite"), but
    rarely like that. Never when the article also writes the word in lower case or after an
    article ("the Statehouse"): then it is a thing."""
    text = article.text
    surname = surname.rstrip(".,’'")
    if len(surname) < 3 or article.writes_in_lower_case(surname):
        return False
    for at in alone(text, surname):
        after = at + len(surname)
        if start <= at < end:
            continue
        before = word_before(text, at)
        if before.lower() in ("the", "a", "an"):
            return False
        if is_capitalised(before) and before not in TITLE_HEADS and not at_sentence_start(text, at):
            continue  # part of another name ("San Francisco’s")
        if (
            before in TITLE_HEADS
            or _SPEECH_AFTER_NAME.match(text, after, after + 30)
            or _SPEECH_BEFORE_NAME.search(text, max(0, at - 20), at)
            or _PERSON_AFTER_SURNAME.match(text, after, after + 8)
            or (at_sentence_start(text, at) and _VERB_AFTER_SUBJECT.match(text, after, after + 20))
        ):
            return True
    return False


def given_name_and_surname(tokens: list[str]) -> bool:
    """ "Zach Parise", "Timothy Weeks": a given name that is no English word ("Will", "Grace"
    are), then a surname that is no place: a person, whatever a recogniser made of the name."""
    from newsdigest.ingest.tag import gazetteer

    return (
        len(tokens) == 2
        and tokens[1][:1].isupper()
        and tokens[1] not in NOT_NAME
        and gazetteer.is_first_name(tokens[0])
        and not gazetteer.is_common_word(tokens[0])
        and not gazetteer.is_place(" ".join(tokens))
        and not gazetteer.is_place(tokens[1])
    )
