"""What the vocabulary says about the words of a proposed name: a state's name or demonym,
a known organisation inside it, a word distinctive enough to name an organisation."""

from __future__ import annotations

import re

from newsdigest.ingest.tag.text import word_before
from newsdigest.ingest.tag.words import GENERIC_WORDS, NOT_NAME, ORG_SUFFIXES, PLACE_NAME_STARTS
from newsdigest.vocab import Vocabulary

_BRACKETED = re.compile(r"\s*\(([^()\n]{2,40})\)")


def is_state_word(vocab: Vocabulary, token: str, capitals: bool = True) -> bool:
    """A state's name, demonym (or capital) on its own."""
    forms = vocab.forms.get(token)
    return bool(forms) and any(
        vocab.actors[f.actor].kind == "state" and (capitals or f.mode != "capital") for f in forms
    )


def is_person_name(vocab: Vocabulary, name: str) -> bool:
    """Not a person when a word is generic or an organisation, or the name ends in a state."""
    words = name.split()
    if any(w in GENERIC_WORDS or w in ORG_SUFFIXES for w in words if w[:1].isupper()):
        return False
    if words[0] in PLACE_NAME_STARTS:
        return False  # St. Louis, San Diego, Fort Worth
    for i, word in enumerate(words):
        for form in vocab.forms.get(word, []):
            kind = vocab.actors[form.actor].kind
            if kind == "organisation" or (kind == "state" and i == len(words) - 1):
                return False
    return True


def two_people(vocab: Vocabulary, left: list[str], right: list[str]) -> bool:
    """ "American Kevin King and Australian Timothy Weeks": each side a name of its own."""
    return all(
        2 <= len(side) <= 4
        and all(t[:1].isupper() and t not in NOT_NAME for t in side)
        and is_person_name(vocab, " ".join(side[1:] if is_state_word(vocab, side[0]) else side))
        for side in (left, right)
    )


def of_a_state(vocab: Vocabulary, text: str, start: int, end: int) -> bool:
    """ "Ethiopia’s Mekonnen Abera", "Mekonnen Abera (Ethiopia)": how news and results name
    athletes and officials by their country."""
    before = word_before(text, start)
    if before.endswith(("’s", "'s")) and is_state_word(vocab, before[:-2], capitals=False):
        return True
    bracket = _BRACKETED.match(text, end, end + 40)
    return bool(bracket) and is_state_word(vocab, bracket.group(1), capitals=False)


def distinctive(vocab: Vocabulary, tokens: list[str]) -> bool:
    """Some word says which organisation this is: not only institutional words and state
    names or demonyms ("Swedish Research Council", "National Research Foundation of South
    Africa" are bodies of a state). A capital city does ("Seoul National University")."""
    state_words = set()
    for size in (3, 2):  # "South Africa", "United Arab Emirates"
        for i in range(len(tokens) - size + 1):
            if is_state_word(vocab, " ".join(tokens[i : i + size])):
                state_words.update(range(i, i + size))
    for i, token in enumerate(tokens):
        if token in GENERIC_WORDS or token in ORG_SUFFIXES or i in state_words:
            continue
        if is_state_word(vocab, token, capitals=False):
            continue
        return True
    return False
