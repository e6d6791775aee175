"""Roles: the job title or description the text gives a person ("chief executive Margit
Solberg", "Ingrid Hansen, a spokeswoman for the agency,"), which both proves a name is a
person's and goes on the review list with it."""

from __future__ import annotations

import re

from newsdigest.ingest.tag.words import ROLE_NOUNS, SPEECH_VERBS

# Occupations by their ending too: hydrologist, statistician, photographer, columnist.
_ROLE_ENDINGS = r"[a-z]+(?:ologist|ician|grapher)|[a-z]{4,}ist"
_ROLE_ENDING = re.compile(rf"(?:{_ROLE_ENDINGS})s?")
_ROLES = "|".join(ROLE_NOUNS) + "|(?-i:" + _ROLE_ENDINGS + ")"  # endings in lower case only
_ROLE_WORDS = {w.split()[-1] for w in ROLE_NOUNS}
_ROLE_NOUN_SET = frozenset(ROLE_NOUNS)
_ROLE_BEFORE = re.compile(
    r"(?<![\w’'])((?:[a-z][\w-]*\s+){0,3}(?:" + _ROLES + r")s?"
    r"(?:\s+(?:of|for|at)(?:\s+[a-z][\w-]*){1,3})?),?\s+$"
)
_SINGULAR_ROLE_NOUN = re.compile(rf"\b(?:{_ROLES})\b", re.IGNORECASE)
_SPEECH_VERB_SET = frozenset(SPEECH_VERBS)
_APPOSITION_DETERMINED = re.compile(
    r",\s+((?:the|a|an|its|his|her|their)\s+[^,.;:“\"]{2,90}?)(?=[,.;]|\s+(?:said|told|says))"
)
_APPOSITION_BARE = re.compile(r",\s+([a-z][^,.;:“\"]{2,100}?)(?=[,.;])")
_POSSESSIVE_START = re.compile(r"^(?:[’']s\s+)")
_LEADING_LINKS = ("and", "or", "but", "for", "by", "with", "to", "of", "as")


def apposition_role(text: str, end: int) -> str | None:
    """ ", a spokeswoman for the agency," right after a name: a singular role noun early on."""
    match = _APPOSITION_DETERMINED.match(text, end, end + 120)
    if not match:
        match = _APPOSITION_BARE.match(text, end, end + 120)
        first = match.group(1).split()[0] if match else ""
        if first.endswith("ed") or first in _SPEECH_VERB_SET:
            match = None  # ", outkicked her training partner", ", said its chair"
    if match:
        head = " ".join(match.group(1).split()[:5])
        if _SINGULAR_ROLE_NOUN.search(head):
            return match.group(1).strip()
    return None


def role_before(text: str, start: int) -> str | None:
    """ "chief executive Margit Solberg", "Its parliamentary leader, Ingrid Hansen",
    "head of human resources, Martin Seiler"."""
    head = text[max(0, start - 80) : start]
    tail_words = head.rstrip(", ").rsplit(None, 5)[-5:]
    if not any(
        w.lower().rstrip("s,") in _ROLE_WORDS
        or w.lower().rstrip(",") in _ROLE_WORDS
        or _ROLE_ENDING.fullmatch(w.rstrip(","))
        for w in tail_words
    ):
        return None
    cut = len(head)
    for _ in range(10):  # the role is at most ten words long: search only those
        cut = head.rfind(" ", 0, cut - 1)
        if cut <= 0:
            cut = 0
            break
    match = _ROLE_BEFORE.search(head, cut)
    if match:
        words = match.group(1).split()
        while len(words) > 1 and (words[0].endswith("ed") or words[0] in _SPEECH_VERB_SET):
            words = words[1:]  # "said its chair", "outkicked her training partner"
        return " ".join(words)
    return None


def role_at_before(text: str, start: int) -> bool:
    """ "analysts at", "an economist with the": people who work at what follows."""
    head = text[max(0, start - 40) : start].lower().split()
    if head and head[-1] == "the":
        head.pop()
    if len(head) < 2 or head[-1] not in ("at", "with"):
        return False
    role = head[-2].rstrip(",")
    return (
        role in _ROLE_WORDS
        or role.removesuffix("s") in _ROLE_WORDS
        or bool(_ROLE_ENDING.fullmatch(role))
    )


def is_role_word(token: str) -> bool:
    """A capitalised occupation standing before a name ("Seismologist Naci Gorur")."""
    return token[:1].isupper() and token.lower() in _ROLE_NOUN_SET


def role_text(role: str | None) -> str | None:
    """The role as the review list shows it: no possessive or linking word in front."""
    if not role:
        return None
    role = _POSSESSIVE_START.sub("", role).strip(" ,")
    words = role.split()
    while len(words) > 1 and words[0] in _LEADING_LINKS:
        words = words[1:]  # "and president", "for economist"
    return " ".join(words) or None
