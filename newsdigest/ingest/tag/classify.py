"""Classify a proposed span of capitalised words: an organisation, a person, several names
side by side, or nothing.

`classify(vocab, article, start, end)` takes any span of the article text (a run of
capitalised words, or a span another recogniser proposes) through the same precision
rules, in order:

1. split where one name ends and the next starts (a possessive, "Hamburg-based", "SEK");
2. drop words that cannot start or end a name ("The", "However", "on July");
3. reject datelines, places, events, laws and products;
4. split "Person of Organisation" and "Name and Name", each part classified on its own;
5. an organisation, by its last word or by what the text around it says;
6. a person, after a role title or by context (a role, a speech verb, "who", the surname
   used alone again).
"""

from __future__ import annotations

import re

from newsdigest.ingest.tag.lexicon import (
    distinctive,
    is_person_name,
    is_state_word,
    of_a_state,
    two_people,
)
from newsdigest.ingest.tag.model import Mention
from newsdigest.ingest.tag.organisations import (
    CURRENCY_CODES,
    hyphen_adjective,
    org_suffix,
    organisation_by_context,
)
from newsdigest.ingest.tag.people import (
    given_name_and_surname,
    name_like,
    speech_next_to,
    surname_recurs,
    who_after,
)
from newsdigest.ingest.tag.roles import apposition_role, is_role_word, role_before, role_text
from newsdigest.ingest.tag.text import Text, ordinary_sentence_start, trim, words_in
from newsdigest.ingest.tag.words import (
    CONNECTORS,
    FUNCTION_WORDS,
    GENERIC_WORDS,
    NAME_PARTICLES,
    NOT_ACTOR_ENDINGS,
    NOT_NAME,
    ORG_SUFFIXES,
    TITLE_HEADS,
    TITLE_PRONOUN,
)
from newsdigest.vocab import Vocabulary

Words = list[tuple[str, int, int]]  # (word, start, end) in the article text
Spans = list[tuple[int, int]]

_PUBLISHED_IN = re.compile(r"\b(?:published in|journal)\s+(?:the\s+)?$", re.I)
_ADJECTIVE_ENDINGS = ("ist", "ian", "ese", "ic", "ican")


def classify(vocab: Vocabulary, article: Text, start: int, end: int) -> list[Mention]:
    """The new actors text[start:end] names; the roles found go to `article.roles`."""
    text = article.text
    piece = text[start:end]
    if piece in NOT_NAME or piece in TITLE_HEADS or piece.lower() in FUNCTION_WORDS:
        return []  # a lone "The", "President", "and"
    words = words_in(text, start, end)
    parts = _split_at_possessive(words, start, end)
    if parts is None:
        words = _without_final_possessive(words)
        parts = _split_at_adjective(words, start, end)
    if parts is not None:
        return _classify_each(vocab, article, parts)
    # A role noun before a word that cannot start a name makes it one ("spokesperson He Yadong").
    after_role = len(words) > 1 and words[0][0] in NOT_NAME and bool(role_before(text, start))
    if not after_role:
        words = _from_first_name_word(article, words)
    words = trim(words)
    if not words or _never_an_actor([w for w, _, _ in words]):
        return []
    parts = _split_person_of_organisation(words) or _split_at_and(vocab, article, words)
    if parts:
        return _classify_each(vocab, article, parts)
    if _PUBLISHED_IN.search(text, max(0, words[0][1] - 20), words[0][1]):
        return []  # "published in the Monthly Notices of ...": a publication
    found = _organisation(vocab, article, words)
    if found is None:
        found = _titled_person(vocab, article, words)
    if found is None:
        found = _person_by_context(vocab, article, words, after_role)
    return found


def _classify_each(vocab: Vocabulary, article: Text, parts: Spans) -> list[Mention]:
    """Several names side by side: each judged on its own, in text order."""
    return [m for start, end in parts for m in classify(vocab, article, start, end)]


# ---- where one name ends and the next starts ------------------------------------------------


def _split_at_possessive(words: Words, start: int, end: int) -> Spans | None:
    """ "CDC's National Center ...": a possessive ends one name and starts another, unless it
    is a generic word inside a name ("People’s Liberation Army")."""
    for i, (word, _, word_end) in enumerate(words[:-1]):
        if word.endswith(("'s", "’s", "s'", "s’")) and word.replace("’", "'") not in GENERIC_WORDS:
            owner_end = word_end - (2 if word.endswith(("'s", "’s")) else 1)
            return [(start, owner_end), (words[i + 1][1], end)]
    return None


def _without_final_possessive(words: Words) -> Words:
    """A possessive at the end is not part of the name ("Soon-Shiong’s")."""
    last, last_start, last_end = words[-1]
    if last.endswith(("'s", "’s")) and len(last) > 3:
        words[-1] = (last[:-2], last_start, last_end - 2)
    return words


def _split_at_adjective(words: Words, start: int, end: int) -> Spans | None:
    """ "Hamburg-based", "GOP-dominated", "SEK": never part of a name; what is on either side
    of them is judged on its own."""
    for i, (word, _, _) in enumerate(words):
        if hyphen_adjective(word) or word.rstrip(".,") in CURRENCY_CODES:
            left = [(start, words[i - 1][2])] if i else []
            right = [(words[i + 1][1], end)] if i + 1 < len(words) else []
            return left + right
    return None


def _split_person_of_organisation(words: Words) -> Spans | None:
    """ "Professor Lars Eklund of Chalmers University", "CEO of Harland Group": a person (or a
    bare title) of an organisation is two names."""
    tokens = [w for w, _, _ in words]
    cut = next((i for i, t in enumerate(tokens) if t in ("of", "at") and i > 0), None)
    if cut is None or cut >= len(tokens) - 1 or org_suffix(tokens[:cut]):
        return None
    head = tokens[:cut]
    person_like = 2 <= len(head) <= 4 and all(name_like(t) for t in head)
    titled = head[0] in TITLE_HEADS and (len(head) > 1 or org_suffix(tokens))
    if titled or (person_like and not org_suffix(tokens)):
        return [(words[0][1], words[cut - 1][2]), (words[cut + 1][1], words[-1][2])]
    return None


def _split_at_and(vocab: Vocabulary, article: Text, words: Words) -> Spans | None:
    """ "Federation of Korean Industries and Keidanren", "SBI and ICICI Bank", "the X Council
    and the Y Council", "Gannett and GateHouse Media" when Gannett stands alone elsewhere:
    two names joined by "and"."""
    tokens = [w for w, _, _ in words]
    for i, token in enumerate(tokens[1:-1], start=1):
        if token in ("and", "&") and (
            tokens[i + 1] == "the"
            or org_suffix(tokens[:i])
            or (len(tokens[i - 1]) > 1 and tokens[i - 1].isupper())
            or (token == "and" and " ".join(tokens[:i]) in article.runs)
            or (token == "and" and " ".join(tokens[:i]) in vocab.forms)
            or (token == "and" and two_people(vocab, tokens[:i], tokens[i + 1 :]))
        ):
            return [(words[0][1], words[i - 1][2]), (words[i + 1][1], words[-1][2])]
    return None


# ---- what cannot be part of a name ----------------------------------------------------------


def _from_first_name_word(article: Text, words: Words) -> Words:
    """Without the leading words that cannot start a name ("The", "However", "Whatever",
    weekday names, an ordinary word that starts the sentence)."""
    while (
        words
        and words[0][0] not in TITLE_HEADS
        and (
            words[0][0] in NOT_NAME
            or words[0][0].lower() in CONNECTORS
            or words[0][0].lower() in FUNCTION_WORDS
            or (words[0][0][0].islower() and words[0][0] not in NAME_PARTICLES)
            or ordinary_sentence_start(article, words[0][0], words[0][1])
            # "NASA's Goddard Space Flight Center": the owner is not part of the name
        )
    ):
        words = words[1:]
    return words


def _never_an_actor(tokens: list[str]) -> bool:
    """A dateline or shouting ("SAN FRANCISCO"), or what its last word says is a place, an
    event, a law, an index or a product, or an amount of money."""
    shouted = [t for t in tokens if len(t) > 2 and t.isupper()]
    if len(shouted) >= 2 and max(map(len, shouted)) >= 6:
        return True
    return tokens[-1].rstrip(".,") in NOT_ACTOR_ENDINGS or (
        len(tokens) == 1 and tokens[0] in CURRENCY_CODES
    )


# ---- organisations --------------------------------------------------------------------------


def _organisation(vocab: Vocabulary, article: Text, words: Words) -> list[Mention] | None:
    """An organisation by its name or by the words around it; [] for a name shaped like an
    organisation's that says nothing distinctive, None when it is no organisation."""
    tokens = [w for w, _, _ in words]
    start, end = words[0][1], words[-1][2]
    # "Head of Platform Solutions for Ascom": an office, not an organisation.
    office = len(tokens) > 2 and tokens[0] in TITLE_HEADS and tokens[1] in ("of", "for")
    # An organisation: its last word says so, and some word in it is distinctive.
    if org_suffix(tokens) and not office:
        if len(tokens) >= 2 and distinctive(vocab, tokens):
            return [Mention(start, end, " ".join(tokens), "organisation", 1.0)]
        return []
    links = [
        i
        for i, t in enumerate(tokens)
        if t in ("of", "for", "to", "on") and 0 < i < len(tokens) - 1
    ]
    found = _organisation_then_person(vocab, article, words, links)
    if found is not None:
        return found
    if not office and _suffix_before_link(tokens, links) and distinctive(vocab, tokens):
        return [Mention(start, end, " ".join(tokens), "organisation", 1.0)]
    return _declared_organisation(vocab, article.text, words)


def _organisation_then_person(
    vocab: Vocabulary, article: Text, words: Words, links: list[int]
) -> list[Mention] | None:
    """ "Conservative Party of Pierre Poilievre": an organisation, then a person."""
    if not links or links[0] < 2 or not org_suffix([w for w, _, _ in words[: links[0]]]):
        return None
    tail = classify(vocab, article, words[links[0] + 1][1], words[-1][2])
    if not any(m.kind == "person" for m in tail):
        return None
    return classify(vocab, article, words[0][1], words[links[0] - 1][2]) + tail


def _suffix_before_link(tokens: list[str], links: list[int]) -> bool:
    """ "Committee to Protect Journalists", "Centers for Disease Control and Prevention"."""
    return any(
        tokens[i - 1] in ORG_SUFFIXES or tokens[i - 1].rstrip("s") in ORG_SUFFIXES for i in links
    )


def _declared_organisation(vocab: Vocabulary, text: str, words: Words) -> list[Mention] | None:
    """An organisation the words around it declare ("the GDL union"), if its name says which."""
    tokens = [w for w, _, _ in words]
    start, end = words[0][1], words[-1][2]
    organisation = organisation_by_context(text, start, end, tokens)
    if organisation and " " not in organisation and organisation.endswith(_ADJECTIVE_ENDINGS):
        organisation = None  # "the Communist party": an adjective, not the party's name
    if organisation and distinctive(vocab, organisation.split()):
        return [Mention(start, end, organisation, "organisation", 1.0)]
    return None


# ---- people ---------------------------------------------------------------------------------


def _titled_person(vocab: Vocabulary, article: Text, words: Words) -> list[Mention] | None:
    """ "Deputy Foreign Minister Alexander Grushko": a person after a role title; None when no
    title stands before a name in the span."""
    tokens = [w for w, _, _ in words]
    heads = [i for i, t in enumerate(tokens) if t in TITLE_HEADS or is_role_word(t)]
    if not heads or heads[-1] == len(tokens) - 1 or tokens[heads[-1] + 1] == "and":
        return None  # "Stephen King", "Kevin King and ...": a surname, not a title
    last = heads[-1]
    name_words = _name_after_title(vocab, words[last + 1 :])
    name = " ".join(w for w, _, _ in name_words)
    if (
        2 <= len(name_words) <= 6
        and all(name_like(w) for w, _, _ in name_words)
        and is_person_name(vocab, name)
    ):
        role = role_text(article.text[words[0][1] : name_words[0][1]].strip())
        article.roles.setdefault(name, role)
        pronoun = TITLE_PRONOUN.get(tokens[last])
        return [Mention(name_words[0][1], words[-1][2], name, "person", 1.0, pronoun)]
    return []


def _name_after_title(vocab: Vocabulary, name_words: Words) -> Words:
    """The name in what follows a title: after its last link word ("Minister for Foreign
    Affairs Jane Doe"), without generic words or a nationality in front, at most four words."""
    links = [i for i, w in enumerate(name_words) if w[0].lower() in CONNECTORS]
    if links:
        name_words = name_words[links[-1] + 1 :]
    while name_words and (
        name_words[0][0] in GENERIC_WORDS
        or (len(name_words) > 2 and is_state_word(vocab, name_words[0][0]))
    ):
        name_words = name_words[1:]  # "Foreign Minister Spanish ...", "Australian"
    core = [w for w in name_words if w[0].lower() not in NAME_PARTICLES]
    if len(core) > 3:
        name_words = name_words[-2:]
    return name_words


def _person_by_context(
    vocab: Vocabulary, article: Text, words: Words, after_role: bool
) -> list[Mention]:
    """A person by context: a role in apposition or before the name, a speech verb,
    "Name, who ...", or the surname used alone elsewhere in the article."""
    text = article.text
    tokens = [w for w, _, _ in words]
    start, end = words[0][1], words[-1][2]
    if len(tokens) >= 3 and is_state_word(vocab, tokens[0]):
        tokens, start = tokens[1:], words[1][1]  # "Australian Timothy Weeks"
    name = " ".join(tokens)
    if not (
        2 <= len(tokens) <= 4
        and all(name_like(t) for t in tokens[1 if after_role else 0 : -1])
        and (name_like(tokens[-1]) or tokens[-1] in TITLE_HEADS)  # Stephen King
        and is_person_name(vocab, name)
    ):
        return []
    role = role_text(apposition_role(text, end) or role_before(text, start))
    if (
        role
        or (len(tokens) == 2 and of_a_state(vocab, text, start, end))
        or speech_next_to(text, start, end)
        or who_after(text, end)
        or surname_recurs(article, tokens[-1], start, end)
        or given_name_and_surname(tokens)
    ):
        if role:
            article.roles.setdefault(name, role)
        return [Mention(start, end, name, "person", 1.0)]
    return []
