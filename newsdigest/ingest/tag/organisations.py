"""Organisations: names that end like one ("... Institute", "... Group") and names the
surrounding words declare to be one ("the GDL union", "Full Name (ACRONYM)", "at XTB")."""

from __future__ import annotations

import re

import pycountry

from newsdigest.ingest.tag.roles import role_at_before
from newsdigest.ingest.tag.words import NOT_ORGANISATION, ORG_NOUNS, ORG_SUFFIXES

# ISO 4217 codes ("SEK 120 million", "USD"): amounts of money, not organisations.
CURRENCY_CODES = frozenset(c.alpha_3 for c in pycountry.currencies)
# The last word of every organisation suffix ("Council" of "Security Council").
ORG_LAST_WORDS = {suffix.split()[-1] for suffix in ORG_SUFFIXES}

# Past participles after a hyphen make a place or a party into an adjective ("Hamburg-based",
# "U.S.-led", "GOP-dominated"), as do a few other endings ("Europe-wide", "Kremlin-friendly").
_HYPHEN_ADJECTIVE = re.compile(
    r"-(?:[a-z]+ed|led|run|held|made|built|born|bound|wide|friendly|style|era|centric|"
    r"speaking|owned|grown|made|type|like|specific|language|rich|poor|heavy|free)[.,’']*$"
)
_ORG_NOUNS = "|".join(ORG_NOUNS)
_ORG_NEARBY = re.compile(rf"\b(?:{_ORG_NOUNS})\b")
_ORG_APPOSITION = re.compile(
    rf",\s+(?:the|a|an|[A-Z][\w.-]*[’']s)\s+(?:[\w-]+\s+){{0,3}}(?:{_ORG_NOUNS})(?:\s+(?:of|for)\s+[^,.;]+)?[,.;]"
)
_ORG_NOUN_AFTER = re.compile(rf"\s+(?:{_ORG_NOUNS})\b")
_ORG_NOUN_BEFORE = re.compile(rf"\b(?:{_ORG_NOUNS}),?\s+$")
_ACRONYM_IN_BRACKETS = re.compile(r"\s*\(([A-Z][A-Z&-]{1,9})\)")
_ACRONYM = re.compile(r"[A-Z][A-Z&-]{1,9}")
_ACRONYM_THEN_NAME = re.compile(
    r",\s+the\s+(?:[A-Z][\w-]*\s+)*(?:of\s+|and\s+|for\s+)*[A-Z][\w-]*"
    r"(?:\s+(?:of|and|for)\s+[A-Z][\w-]*)*\s*[,.]"
)
_ACRONYM_THEN_NOUN = re.compile(r",\s+(?:the|a|an)\s+(?:\S+-[a-z]+\s+)?[a-z]")
_ACRONYM_ORG_NOUN = re.compile(
    r"\b(?:agency|authority|union|party|group|office|institute|regulator|operator|company|"
    r"association|federation|lobby|consultancy)\b"
)
_SHORT_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]{1,8}")
_AT_BEFORE = re.compile(r"\bat\s+$")
_DIGIT = re.compile(r"\d")


def org_suffix(tokens: list[str]) -> bool:
    """The name ends the way organisations' names do ("... Institute", "... Central Bank")."""
    return tokens[-1] in ORG_SUFFIXES or " ".join(tokens[-2:]) in ORG_SUFFIXES


def hyphen_adjective(word: str) -> bool:
    """ "Hamburg-based", "GOP-dominated": an adjective made of a name, never part of one."""
    return "-" in word and bool(_HYPHEN_ADJECTIVE.search(word))


def org_noun_near(text: str, start: int, end: int) -> bool:
    """An organisation noun ("union", "agency") close to text[start:end]."""
    return bool(_ORG_NEARBY.search(text, max(0, start - 22), end + 40))


def organisation_by_context(text: str, start: int, end: int, tokens: list[str]) -> str | None:
    """An organisation the surrounding words declare: 'the GDL union', 'weather agency AEMET',
    'Eurostat, the EU statistics office', 'Full Name (ACRONYM)', 'at XTB'."""
    if len(tokens) > 5 or any(t in NOT_ORGANISATION for t in tokens):
        return None
    acronym = _acronym_definition(text, end, tokens)
    if acronym:
        return acronym
    name = " ".join(tokens)
    if _ORG_NOUN_AFTER.match(text, end, end + 16):
        return name
    if _ORG_NOUN_BEFORE.search(text, max(0, start - 20), start):
        return name
    if _ORG_APPOSITION.match(text, end, end + 80):
        return name
    single = len(tokens) == 1 and _SHORT_ACRONYM.fullmatch(tokens[0])
    if (
        single
        and not _DIGIT.search(name)  # "at COP29", "at the G20": meetings
        and _AT_BEFORE.search(text, max(0, start - 4), start)
    ):
        return name
    if (single or len(tokens) >= 2) and role_at_before(text, start):
        return name  # "analysts at Northwind Research", "an economist with Capital Economics"
    return None


def _acronym_definition(text: str, end: int, tokens: list[str]) -> str | None:
    """ "Full Name (FN)", "FN, the Full Name,", "FN, the national agency": an organisation
    defined with its acronym."""
    if len(tokens) >= 2 and _ACRONYM_IN_BRACKETS.match(text, end, end + 14):
        return " ".join(tokens)
    if len(tokens) == 1 and _ACRONYM.fullmatch(tokens[0]):
        if _ACRONYM_THEN_NAME.match(text, end, end + 120):
            return tokens[0]
        if _ACRONYM_THEN_NOUN.match(text, end, end + 40) and _ACRONYM_ORG_NOUN.search(
            text, end, end + 90
        ):
            return tokens[0]
    return None
