"""The whole IPTC Media Topics tree as topics, with evidence read from the standard itself.

`vocab/topics.yaml` lists the topics editors have written evidence for. Every other
topic of the tree (`vocab/iptc-media-topics.json`) joins the vocabulary too, so that a
story about air pollution, a wildfire or an eating disorder gets that topic, not only a
broad one. Its evidence comes from the IPTC's own name and definition, weighted by how
much a phrase says on its own: a phrase of several words or a rare word says the subject
("eating disorder", "wildfire"), a common word only supports it ("game"); a definition's
rarer words ("anorexia, bulimia") support the topic they define when few other topics'
definitions use them. Word rarity is read from `wordfreq`'s frequencies of English.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from newsdigest.text import slugify

NAME_SAYS_IT_ZIPF = 4.3  # a single-word name rarer than this says the subject alone
NAME_TYPICAL_ZIPF = 5.0  # one rarer than this is typical of it; a commoner one only supports it
DEFINITION_ZIPF = 4.0  # definition words commoner than this say nothing about one topic
DEFINITION_TOPICS = 3  # nor do words that more definitions than this use
# Words every kind of definition uses. Function words need no list: their frequency keeps
# them out (a definition word must be rarer than DEFINITION_ZIPF).
_GENERIC = {"especially", "generally", "including", "includes", "usually", "various"}
_WORD = re.compile(r"[a-z][a-z\-]+[a-z]")


def read_tree(path: Path) -> list[dict]:
    """The entries of the IPTC tree file: code, name, definition, level, parent."""
    return json.loads(path.read_text(encoding="utf-8"))


def tree_topics(
    tree: list[dict], known: dict[str, dict], max_level: int, spread: Counter | None
) -> list[dict]:
    """Topic entries (as topics.yaml writes them) for the tree's topics that `known` (IPTC
    code -> entry of topics.yaml) lacks, down to `max_level`; with their evidence when
    `spread` (`definition_spread`) is given."""
    by_code = {entry["code"]: entry for entry in tree}
    slugs = {entry["slug"] for entry in known.values()}
    names = {entry["name"] for entry in known.values()}
    slug_of = {code: entry["slug"] for code, entry in known.items()}
    entries = []
    for entry in sorted(tree, key=lambda e: (e["level"], e["code"])):
        code = entry["code"]
        if code in known or entry["level"] > max_level or entry["name"] in names:
            continue
        slug = slugify(entry["name"])
        if slug in slugs:
            slug = f"{slug}-{code.split(':')[-1]}"
        slugs.add(slug)
        slug_of[code] = slug
        parent = entry["parent"]
        while parent and parent not in slug_of:
            parent = by_code.get(parent, {}).get("parent")
        entries.append(
            {
                "name": entry["name"],
                "slug": slug,
                "iptc": code,
                "parent": slug_of.get(parent) if parent else None,
                "terms": evidence(entry, spread) if spread is not None else {},
            }
        )
    return entries


def evidence(entry: dict, spread: Counter) -> dict[str, float]:
    """Weighted phrases from an IPTC entry's name and definition."""
    from wordfreq import zipf_frequency

    terms: dict[str, float] = {}
    phrases = _name_phrases(entry["name"])
    for phrase in phrases:
        if len(phrase) < 3 or phrase in _GENERIC:
            continue
        if " " in phrase:
            weight = 3.0
        else:
            zipf = zipf_frequency(phrase, "en")
            weight = 3.0 if zipf < NAME_SAYS_IT_ZIPF else 2.0 if zipf < NAME_TYPICAL_ZIPF else 1.0
            if len(phrases) > 1:  # one word of "flowers and plants" says less than the name
                weight = max(1.0, weight - 1.0)
        for form in _number_forms(phrase):
            terms[form] = max(terms.get(form, 0.0), weight)
    for word in set(_definition_words(entry.get("definition") or "")):
        if word in terms or spread[word] > DEFINITION_TOPICS:
            continue
        if zipf_frequency(word, "en") < DEFINITION_ZIPF:
            terms.setdefault(word, 1.0)
    return dict(sorted(terms.items()))


def definition_spread(tree: list[dict]) -> Counter:
    """In how many definitions each word occurs."""
    return Counter(w for e in tree for w in set(_definition_words(e.get("definition") or "")))


def _definition_words(definition: str) -> list[str]:
    words = _WORD.findall(definition.lower())
    return [w for w in words if len(w) >= 4 and w not in _GENERIC]


def _name_phrases(name: str) -> list[str]:
    """ "lower house (legislature)" -> lower house, legislature; "robbery and theft" -> robbery,
    theft (and the name itself when it is one phrase)."""
    name = name.lower().replace("(", ",").replace(")", ",")
    parts = [p.strip() for p in re.split(r",|/|\band\b|\bor\b", name)]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else [name.strip(" ,")]


def _number_forms(phrase: str) -> list[str]:
    """The phrase with its last word in the singular and the plural."""
    head, _, last = phrase.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last.endswith("ies") and len(last) > 4:
        other = last[:-3] + "y"
    elif last.endswith(("ses", "xes", "ches", "shes")):
        other = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        other = last[:-1]
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        other = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh")):
        other = last + "es"
    else:
        other = last + "s"
    return [phrase, prefix + other]
