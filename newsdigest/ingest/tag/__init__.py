"""Tag an article with topics, actors, new-actor candidates and attributed quotes.

The vocabularies in vocab/ (see vocab/README.md) are compiled once by
`Tagger.load()`; `Tagger.tag(title, body)` then scans the text a few times:

1. topic evidence terms (one regex over the lower-cased text), scored per topic;
2. known actor names (one regex, case-sensitive), filtered by context rules;
3. capitalised name sequences that are not known actors: people named with a
   role title or next to a speech verb, organisations with a distinctive name;
4. quotations and who said them, resolving he/she to the person the text is
   about at that point.

Also the editors' review list of new actors (`write_review_list`, `review`,
`accept`), fed by ingest with the candidates of every article.
"""

from __future__ import annotations

import bisect
import html
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import yaml

from newsdigest.article import Quote
from newsdigest.ingest.tag.words import (
    CONNECTORS,
    DATE_WORDS,
    FUNCTION_WORDS,
    GENERIC_WORDS,
    NAME_PARTICLES,
    NOT_ACTOR_ENDINGS,
    NOT_NAME,
    NOT_ORGANISATION,
    OF_GOVERNMENT,
    ORG_NOUNS,
    ORG_SUFFIXES,
    PLACE_NAME_STARTS,
    PLACE_PREPOSITIONS,
    ROLE_NOUNS,
    SPEAKING_BODIES,
    SPEECH_VERBS,
    TITLE_HEADS,
    TITLE_PRONOUN,
)
from newsdigest.text import ABBREVIATION_END
from newsdigest.vocab import (
    VOCAB_DIR,
    Actor,
    Topic,
    Vocabulary,
    load_vocabulary,
    person_surname,
    word_matches,
)

# ---------------------------------------------------------------------------------------------
# Patterns, built once from the word lists of newsdigest/tag_words.py.

_UPPER = "".join(chr(c) for c in range(0x41, 0x530) if chr(c).isupper())
UPPER = "[" + re.escape(_UPPER) + "]"
# A capitalised word (Lee-Anne, O'Brien, McDonald, Zelenskyy), an initial (J.) or an acronym.
_NAME_WORD = rf"(?:{UPPER}[a-z]{{0,2}}\.(?=\s)|{UPPER}[\w’'-]*)"
_PARTICLE = "(?:" + "|".join(sorted(NAME_PARTICLES, key=len, reverse=True)) + ")"
# Runs of capitalised words, allowing name particles and "of/for/and" inside organisation names.
_SEQUENCE = re.compile(  # "al-" and "el-" before the first word: see _sequences
    rf"{_NAME_WORD}"
    rf"(?:(?:[ \t]+|-)(?:(?:{_PARTICLE}|of|for|and|the|on|to|&)[ \t]+)*(?:(?:al|el)-)?{_NAME_WORD})*"
)

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
_VERB = "(?:" + "|".join(SPEECH_VERBS) + ")"
_SPEECH_VERB_SET = frozenset(SPEECH_VERBS)
# Past participles after a hyphen make a place or a party into an adjective ("Hamburg-based",
# "U.S.-led", "GOP-dominated"), as do a few other endings ("Europe-wide", "Kremlin-friendly").
_HYPHEN_ADJECTIVE = re.compile(
    r"-(?:[a-z]+ed|led|run|held|made|built|born|bound|wide|friendly|style|era|centric|"
    r"speaking|owned|grown|made|type|like|specific|language|rich|poor|heavy|free)[.,’']*$"
)
# ISO 4217 codes ("SEK 120 million", "USD"): amounts of money, not organisations.
CURRENCY_CODES = frozenset(c.alpha_3 for c in pycountry.currencies)


_QUOTE = re.compile(r"“([^”\n]{2,1500})”|\"([^\"\n]{2,1500})\"")
_PRONOUN_ATTRIBUTION_AFTER = re.compile(
    rf"^[,.!?…]?\s*[—–-]?\s*(he|she)\s+(?:\w+ly\s+)?{_VERB}\b", re.I
)
_NOUN_ATTRIBUTION_AFTER = re.compile(
    rf"^[,.!?…]?\s*[—–-]?\s*(?:(?:{_VERB})\s+)?the\s+({'|'.join(sorted(SPEAKING_BODIES))}|"
    rf"(?:\w+\s+)?(?:minister|president|chancellor|governor|chief|spokesperson|spokesman|"
    rf"spokeswoman|official|executive|leader|judge|coach|American|Briton|player))\s*(?:{_VERB})?\b",
    re.I,
)
_SENTENCE_BREAK = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9" + _UPPER + "])")
_VERB_WORD = re.compile(rf"\b{_VERB}\b", re.I)
_VERB_OR_ACCORDING = re.compile(rf"\b{_VERB}\b|according to", re.I)
_SUBJECT_PRONOUN = re.compile(r"\s*(he|she)\b", re.I)
_NAME_PREFIX_BEFORE = re.compile(r"\s*(?:bin|ibn|al|de|van|von|da)\s")
_JUNIOR_AFTER = re.compile(r"\s+Jr\b")
_NOT_METONYM_AFTER = re.compile(r"-\w|,? D\.?C\b|\s+state\b")
_OF_BEFORE = re.compile(rf"({UPPER}[\w’'-]*)\s+of\s+(?:the\s+)?$")
_WHO_AFTER = re.compile(r",\s+who\s")
_WORD_AFTER = re.compile(r"[ \t]+([\w’'.-]+)")
_SENTENCE_START_HEAD = re.compile(r"(?:^|[.!?:\n]\s*[\"“‘]?|\n\s*)\s*$|[.!?]\s+$")
_INITIAL = re.compile(r"[A-Z]\.")
_APPOSITION_DETERMINED = re.compile(
    r",\s+((?:the|a|an|its|his|her|their)\s+[^,.;:“\"]{2,90}?)(?=[,.;]|\s+(?:said|told|says))"
)
_APPOSITION_BARE = re.compile(r",\s+([a-z][^,.;:“\"]{2,100}?)(?=[,.;])")
_SPEECH_AFTER_NAME = re.compile(rf"\s+(?:\w+ly\s+)?{_VERB}\b")
_SPEECH_BEFORE_NAME = re.compile(r"\b(?:said|says|told|added|wrote|according to)\s+$")
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
_ADJECTIVE_ENDINGS = ("ist", "ian", "ese", "ic", "ican")
# A lower-case word after a sentence's first word: its verb, unless a modal (things "will").
_VERB_AFTER_SUBJECT = re.compile(r"\s+(?!(?:will|would|could|can|may|might|should|must)\b)[a-z]")
_PERSON_AFTER_SURNAME = re.compile(r"[’']s\s|,\s+(?:who\s|an?\s|\d)")
_ORG_LAST_WORDS = {suffix.split()[-1] for suffix in ORG_SUFFIXES}
_BRACKETED = re.compile(r"\s*\(([^()\n]{2,40})\)")
_PUBLISHED_IN = re.compile(r"\b(?:published in|journal)\s+(?:the\s+)?$", re.I)
_POSSESSIVE_START = re.compile(r"^(?:[’']s\s+)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_TITLE_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_MARKDOWN_LINE_START = re.compile(r"(?m)^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+(?=\S))")
_MARKDOWN_EMPHASIS = re.compile(r"(?<!\\)(\*\*|__|\*|`)")
_MARKDOWN_ESCAPE = re.compile(r"\\([^\w\s])")

# Bump when a change to the rules below changes what articles are tagged with.
RULES_VERSION = 4
HEADLINE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
DEMONYM_WEIGHT = 0.5  # a demonym is half a named mention (see vocab/README.md)


# ---------------------------------------------------------------------------------------------
# The contract with ingest.


@dataclass
class Candidate:
    """An actor nobody has listed in the vocabulary yet."""

    name: str
    kind: str  # person | organisation | state
    role: str | None
    context: str  # the sentence around the first mention


@dataclass
class Tags:
    topics: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class _Mention:
    start: int
    end: int
    actor: str
    kind: str
    weight: float  # evidence: 1 for a name, 0.5 for a demonym
    pronoun: str | None = None


class Tagger:
    """Tags articles against the vocabularies; build it once per run with `Tagger.load()`."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        # Articles are tagged again when the vocabulary or these rules change.
        self.fingerprint = f"{vocabulary.fingerprint}:rules-{RULES_VERSION}"
        self._topics = {t.name: t for t in vocabulary.topics}
        self._topics.update({t.slug: t for t in vocabulary.topics})
        self._children = {t.parent for t in vocabulary.topics if t.parent}
        self._surnames = {
            person_surname(a.name): a.name
            for a in vocabulary.actors.values()
            if a.kind == "person" and person_surname(a.name)
        }

    @classmethod
    def load(cls, vocab_dir: Path | None = None) -> Tagger:
        return cls(load_vocabulary(vocab_dir))

    def topic(self, name: str) -> Topic | None:
        """The vocabulary entry of a topic, by readable name or slug."""
        return self._topics.get(name)

    def actor(self, name: str) -> Actor | None:
        """The vocabulary entry of a known actor (kind, role, aliases, ISO code for states)."""
        return self.vocabulary.actors.get(name)

    def tag(self, title: str, body: str) -> Tags:
        article = _Text(title, body)
        known = self._known_mentions(article)
        new, swallowed = self._new_mentions(article, known)
        mentions = [m for m in known if id(m) not in swallowed] + new
        mentions.sort(key=lambda m: m.start)
        mentions = self._resolve_surnames(article, mentions)
        surnames = {m.actor.split()[-1] for m in mentions if m.kind == "person" and " " in m.actor}
        mentions = [  # "McKinley’s office" names the person McKinley, not an organisation
            m
            for m in mentions
            if not (
                m.kind == "organisation" and m.actor in surnames and self.actor(m.actor) is None
            )
        ]
        actors, candidates = self._rank_actors(article, mentions)
        quotes = _quotes(article, mentions, set(actors))
        return Tags(
            topics=self._topics_of(article), actors=actors, candidates=candidates, quotes=quotes
        )

    # ---- topics -------------------------------------------------------------------------

    def _topics_of(self, article: _Text) -> list[str]:
        vocab = self.vocabulary
        hits: dict[str, int] = {}  # term -> mentions, headline words counting double
        for match in vocab.term_pattern.finditer(article.text.lower()):
            term = _term_of(match.group(), vocab)
            if term is not None:
                hits[term] = hits.get(term, 0) + (2 if match.start() < article.title_end else 1)
        scores: dict[str, float] = {}
        terms: dict[str, int] = {}
        for term, n in hits.items():
            repeats = 1 + 0.5 * (min(n, 5) - 1)
            for name, weight in vocab.term_weights[term]:
                scores[name] = scores.get(name, 0.0) + weight * repeats
                terms[name] = terms.get(name, 0) + 1
        scores = {
            name: score
            for name, score in scores.items()
            if score >= vocab.scoring["min_score"] and terms[name] >= vocab.scoring["min_terms"]
        }
        if not scores:
            return []
        best = max(scores.values())
        ranked = sorted(scores, key=lambda n: (-scores[n], n))
        chosen = [n for n in ranked if scores[n] >= vocab.scoring["relative"] * best]
        parents_with_child = {self._topics[n].parent for n in chosen if self._topics[n].parent}
        chosen = [n for n in chosen if self._topics[n].slug not in parents_with_child]
        return chosen[: int(vocab.scoring["max_topics"])]

    # ---- known actors ---------------------------------------------------------------------

    def _known_mentions(self, article: _Text) -> list[_Mention]:
        vocab, text = self.vocabulary, article.text
        mentions: list[_Mention] = []
        seen_full: set[str] = set()
        for start, end, form_text in _form_matches(vocab, text):
            for form in vocab.forms[form_text]:
                actor = vocab.actors[form.actor]
                if not self._counts(article, actor, form.mode, form_text, start, end, seen_full):
                    continue
                weight = DEMONYM_WEIGHT if form.mode == "demonym" else 1.0
                mentions.append(_Mention(start, end, actor.name, actor.kind, weight, actor.pronoun))
                if form.mode in ("name", "alias"):
                    seen_full.add(actor.name)
                break
        return mentions

    def _counts(self, article, actor, mode, form_text, start, end, seen_full) -> bool:
        """Context rules that keep a matched name from counting where it means something else."""
        text = article.text
        before, after = _word_before(text, start), _word_after(text, end)
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
        if actor.kind == "person" and single_word:
            # "Lara Trump", "bin Salman": a different person who shares the name.
            if (
                _is_capitalised(before)
                and before not in TITLE_HEADS
                and not _sentence_start(text, start)
            ) and not in_title_case:
                return False
            if _NAME_PREFIX_BEFORE.match(text[max(0, start - 5) : start] + " "):
                return False
            if _JUNIOR_AFTER.match(text, end, end + 5):
                return False
        if actor.kind == "state":
            if mode == "demonym":
                return True
            if mode == "capital" and (
                before.lower() in PLACE_PREPOSITIONS or _NOT_METONYM_AFTER.match(text, end, end + 8)
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
                    _is_capitalised(before)
                    and not _sentence_start(text, start)
                    and before not in NOT_NAME
                ):
                    return False
                if _is_capitalised(after) and after not in TITLE_HEADS:
                    return False
        return True

    # ---- new actors ---------------------------------------------------------------------

    def _new_mentions(
        self, article: _Text, known: list[_Mention]
    ) -> tuple[list[_Mention], set[int]]:
        """People named with a role title or by context; organisations with a telling name.

        Returns the new mentions and the ids of known mentions that turned out to be
        part of a longer organisation name ("UN" in "UN Human Rights Council").
        """
        text = article.text
        spans = sorted(((m.start, m.end), m) for m in known if m.weight >= 1)
        taken = [span for span, _ in spans]
        found: list[_Mention] = []
        swallowed: set[int] = set()
        article.roles = {}
        exactly_known = set(taken)
        runs = list(_sequences(text))
        article.runs = {text[s:e] for s, e in runs}  # every run of capitalised words
        for match_start, match_end in runs:
            if (match_start, match_end) in exactly_known:
                continue
            word = text[match_start:match_end]
            if word in NOT_NAME:
                continue  # a lone "The", "However", "Monday"
            if (
                word.isalpha()
                and not word.isupper()
                and not _ORG_NEARBY.search(text, max(0, match_start - 22), match_end + 40)
            ):
                continue  # a lone capitalised word is a new actor only with an organisation noun by it
            if article.in_headline(match_start):
                continue  # every word of a Title Case headline is capitalised: no evidence there
            first = bisect.bisect_left(taken, (match_start, 0))
            last = bisect.bisect_left(taken, (match_end, 0))
            inside = [m for (s, e), m in spans[first:last] if e <= match_end]
            longer = (
                inside
                and word.rsplit(None, 1)[-1].rstrip(".,") in _ORG_LAST_WORDS
                and self._longer_organisation(text, match_start, match_end, inside)
            )
            if longer:
                found.append(longer)
                swallowed.update(id(m) for m in inside)
                continue
            overlapping = taken[max(0, first - 1) : last]
            for start, end in _free_parts(match_start, match_end, overlapping, text):
                found.extend(self._classify(article, start, end))
        # Names found in the body also count where a Title Case headline repeats them.
        if article.title_case and found:
            names = {m.actor: m for m in found}
            pattern = re.compile(
                "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            )
            for match in pattern.finditer(text, 0, article.title_end):
                m = names[match.group()]
                found.append(_Mention(match.start(), match.end(), m.actor, m.kind, 1.0, m.pronoun))
        return found, swallowed

    def _longer_organisation(self, text, start, end, inside) -> _Mention | None:
        """'UN Human Rights Council', 'Amazon Environmental Research Institute': a new organisation
        whose name contains a known one."""
        if any(m.kind == "person" for m in inside):
            return None
        words = _trim(_words(text, start, end))
        while words and words[0][0] in NOT_NAME:
            words = words[1:]
        if not words or not _org_suffix([w for w, _, _ in words]):
            return None
        if any("-" in w and _HYPHEN_ADJECTIVE.search(w) for w, _, _ in words):
            return None  # "Budapest-based Danube Policy Institute": the name starts later
        start, end = words[0][1], words[-1][2]
        if inside[-1].end >= end or inside[0].start < start:
            return None
        outside = [w for w, s, e in words if not any(m.start <= s < m.end for m in inside)]
        outside = [w for w in outside if w.lower() not in CONNECTORS]
        if not outside:
            return None
        if all(m.kind == "state" for m in inside) and not self._distinctive(outside):
            return None
        return _Mention(start, end, text[start:end], "organisation", 1.0)

    def _classify(self, article: _Text, start: int, end: int) -> list[_Mention]:
        text = article.text
        piece = text[start:end]
        if piece in NOT_NAME or piece in TITLE_HEADS or piece.lower() in FUNCTION_WORDS:
            return []  # a lone "The", "President", "and"
        words = _words(text, start, end)
        # "CDC's National Center ...": a possessive ends one name and starts another, unless
        # it is a generic word inside a name ("People’s Liberation Army").
        for i, (word, _, word_end) in enumerate(words[:-1]):
            if (
                word.endswith(("'s", "’s", "s'", "s’"))
                and word.replace("’", "'") not in GENERIC_WORDS
            ):
                owner_end = word_end - (2 if word.endswith(("'s", "’s")) else 1)
                return self._classify(article, start, owner_end) + self._classify(
                    article, words[i + 1][1], end
                )
        # A possessive at the end is not part of the name ("Soon-Shiong’s").
        last, last_start, last_end = words[-1]
        if last.endswith(("'s", "’s")) and len(last) > 3:
            words[-1] = (last[:-2], last_start, last_end - 2)
        # "Hamburg-based", "GOP-dominated", "SEK": never part of a name; what is on either
        # side of them is judged on its own.
        for i, (word, _, _) in enumerate(words):
            if ("-" in word and _HYPHEN_ADJECTIVE.search(word)) or word.rstrip(
                ".,"
            ) in CURRENCY_CODES:
                left = self._classify(article, start, words[i - 1][2]) if i else []
                right = self._classify(article, words[i + 1][1], end) if i + 1 < len(words) else []
                return left + right
        # Drop leading words that cannot start a name ("The", "However", "Whatever", weekday
        # names, an ordinary word that starts the sentence), unless a role noun stands before
        # them ("spokesperson He Yadong").
        after_role = len(words) > 1 and words[0][0] in NOT_NAME and bool(_role_before(text, start))
        if not after_role:
            while (
                words
                and words[0][0] not in TITLE_HEADS
                and (
                    words[0][0] in NOT_NAME
                    or words[0][0].lower() in CONNECTORS
                    or words[0][0].lower() in FUNCTION_WORDS
                    or (words[0][0][0].islower() and words[0][0] not in NAME_PARTICLES)
                    or _ordinary_sentence_start(article, words[0][0], words[0][1])
                )
            ):
                words = words[1:]
        words = _trim(words)
        if not words:
            return []
        start, end = words[0][1], words[-1][2]
        tokens = [w for w, _, _ in words]
        shouted = [t for t in tokens if len(t) > 2 and t.isupper()]
        if len(shouted) >= 2 and max(map(len, shouted)) >= 6:
            return []  # "SAN FRANCISCO": a dateline or shouting, not a name
        if tokens[-1].rstrip(".,") in NOT_ACTOR_ENDINGS or (
            len(tokens) == 1 and tokens[0] in CURRENCY_CODES
        ):
            return []  # a place, an event, a law, an index, a product

        # "Professor Lars Eklund of Chalmers University", "CEO of Harland Group": a person
        # (or a bare title) of an organisation; each is judged on its own.
        cut = next((i for i, t in enumerate(tokens) if t in ("of", "at") and i > 0), None)
        if cut is not None and cut < len(tokens) - 1 and not _org_suffix(tokens[:cut]):
            head = tokens[:cut]
            person_like = 2 <= len(head) <= 4 and all(_name_like(t) for t in head)
            titled = head[0] in TITLE_HEADS and (len(head) > 1 or _org_suffix(tokens))
            if titled or (person_like and not _org_suffix(tokens)):
                return self._classify(article, start, words[cut - 1][2]) + self._classify(
                    article, words[cut + 1][1], end
                )
        # "Federation of Korean Industries and Keidanren", "SBI and ICICI Bank", "the X Council
        # and the Y Council", "Gannett and GateHouse Media" when Gannett stands alone elsewhere:
        # two names joined by "and".
        for i, token in enumerate(tokens[1:-1], start=1):
            if token in ("and", "&") and (
                tokens[i + 1] == "the"
                or _org_suffix(tokens[:i])
                or (len(tokens[i - 1]) > 1 and tokens[i - 1].isupper())
                or (token == "and" and " ".join(tokens[:i]) in article.runs)
                or (token == "and" and self._two_people(tokens[:i], tokens[i + 1 :]))
            ):
                return self._classify(article, start, words[i - 1][2]) + self._classify(
                    article, words[i + 1][1], end
                )

        if _PUBLISHED_IN.search(text, max(0, start - 20), start):
            return []  # "published in the Monthly Notices of ...": a publication
        # "Head of Platform Solutions for Ascom": an office, not an organisation.
        office = len(tokens) > 2 and tokens[0] in TITLE_HEADS and tokens[1] in ("of", "for")
        # An organisation: its last word says so, and some word in it is distinctive.
        if _org_suffix(tokens) and not office:
            if len(tokens) >= 2 and self._distinctive(tokens):
                return [_Mention(start, end, " ".join(tokens), "organisation", 1.0)]
            return []
        # "Conservative Party of Pierre Poilievre": an organisation, then something else.
        cuts = [
            i
            for i, t in enumerate(tokens)
            if t in ("of", "for", "to", "on") and 0 < i < len(tokens) - 1
        ]
        if cuts and _org_suffix(tokens[: cuts[0]]) and cuts[0] >= 2:
            tail = self._classify(article, words[cuts[0] + 1][1], end)
            if any(m.kind == "person" for m in tail):
                return self._classify(article, start, words[cuts[0] - 1][2]) + tail
        # "Committee to Protect Journalists", "Centers for Disease Control and Prevention".
        for i in cuts:
            head = tokens[i - 1]
            if office:
                break
            if (head in ORG_SUFFIXES or head.rstrip("s") in ORG_SUFFIXES) and self._distinctive(
                tokens
            ):
                return [_Mention(start, end, " ".join(tokens), "organisation", 1.0)]
        organisation = _organisation_by_context(text, start, end, tokens)
        if organisation and " " not in organisation and organisation.endswith(_ADJECTIVE_ENDINGS):
            organisation = None  # "the Communist party": an adjective, not the party's name
        if organisation and self._distinctive(organisation.split()):
            return [_Mention(start, end, organisation, "organisation", 1.0)]

        # A person after a role title: "Deputy Foreign Minister Alexander Grushko".
        heads = [i for i, t in enumerate(tokens) if t in TITLE_HEADS or _is_role_word(t)]
        if heads and (heads[-1] == len(tokens) - 1 or tokens[heads[-1] + 1] == "and"):
            heads = []  # "Stephen King", "Kevin King and ...": a surname, not a title
        if heads:
            last = heads[-1]
            name_words = words[last + 1 :]
            links = [i for i, w in enumerate(name_words) if w[0].lower() in CONNECTORS]
            if links:  # "Minister for Foreign Affairs Jane Doe"
                name_words = name_words[links[-1] + 1 :]
            while name_words and (
                name_words[0][0] in GENERIC_WORDS
                or (len(name_words) > 2 and self._is_state_word(name_words[0][0]))
            ):
                name_words = name_words[1:]  # "Foreign Minister Spanish ...", "Australian"
            core = [w for w in name_words if w[0].lower() not in NAME_PARTICLES]
            if len(core) > 3:
                name_words = name_words[-2:]
            name = " ".join(w for w, _, _ in name_words)
            if (
                2 <= len(name_words) <= 6
                and all(_name_like(w) for w, _, _ in name_words)
                and self._is_person_name(name)
            ):
                role = _role_text(text[start : name_words[0][1]].strip())
                article.roles.setdefault(name, role)
                pronoun = TITLE_PRONOUN.get(tokens[last])
                return [_Mention(name_words[0][1], end, name, "person", 1.0, pronoun)]
            return []

        # A person by context: a role in apposition or before the name, a speech verb,
        # "Name, who ...", or the surname used alone elsewhere in the article.
        if len(tokens) >= 3 and self._is_state_word(tokens[0]):
            tokens, start = tokens[1:], words[1][1]  # "Australian Timothy Weeks"
        name = " ".join(tokens)
        if (
            2 <= len(tokens) <= 4
            and all(_name_like(t) for t in tokens[1 if after_role else 0 : -1])
            and (_name_like(tokens[-1]) or tokens[-1] in TITLE_HEADS)  # Stephen King
            and self._is_person_name(name)
        ):
            role = _role_text(_apposition_role(text, end) or _role_before(text, start))
            if (
                role
                or (len(tokens) == 2 and self._of_a_state(text, start, end))
                or _speech_next_to(text, start, end)
                or _WHO_AFTER.match(text, end, end + 8)
                or _surname_recurs(article, tokens[-1], start, end)
            ):
                if role:
                    article.roles.setdefault(name, role)
                return [_Mention(start, end, name, "person", 1.0)]
        return []

    def _is_state_word(self, token: str, capitals: bool = True) -> bool:
        """A state's name, demonym (or capital) on its own."""
        forms = self.vocabulary.forms.get(token)
        return bool(forms) and any(
            self.vocabulary.actors[f.actor].kind == "state" and (capitals or f.mode != "capital")
            for f in forms
        )

    def _two_people(self, left: list[str], right: list[str]) -> bool:
        """ "American Kevin King and Australian Timothy Weeks": each side a name of its own."""
        return all(
            2 <= len(side) <= 4
            and all(t[:1].isupper() and t not in NOT_NAME for t in side)
            and self._is_person_name(" ".join(side[1:] if self._is_state_word(side[0]) else side))
            for side in (left, right)
        )

    def _of_a_state(self, text: str, start: int, end: int) -> bool:
        """ "Ethiopia’s Mekonnen Abera", "Mekonnen Abera (Ethiopia)": how news and results name
        athletes and officials by their country."""
        before = _word_before(text, start)
        if before.endswith(("’s", "'s")) and self._is_state_word(before[:-2], capitals=False):
            return True
        bracket = _BRACKETED.match(text, end, end + 40)
        return bool(bracket) and self._is_state_word(bracket.group(1), capitals=False)

    def _distinctive(self, tokens: list[str]) -> bool:
        """Some word says which organisation this is: not only institutional words and state
        names or demonyms ("Swedish Research Council", "National Research Foundation of South
        Africa" are bodies of a state). A capital city does ("Seoul National University")."""
        state_words = set()
        for size in (3, 2):  # "South Africa", "United Arab Emirates"
            for i in range(len(tokens) - size + 1):
                if self._is_state_word(" ".join(tokens[i : i + size])):
                    state_words.update(range(i, i + size))
        for i, token in enumerate(tokens):
            if token in GENERIC_WORDS or token in ORG_SUFFIXES or i in state_words:
                continue
            if self._is_state_word(token, capitals=False):
                continue
            return True
        return False

    def _is_person_name(self, name: str) -> bool:
        """Not a person when a word is generic or an organisation, or the name ends in a state."""
        words = name.split()
        if any(w in GENERIC_WORDS or w in ORG_SUFFIXES for w in words if w[:1].isupper()):
            return False
        if words[0] in PLACE_NAME_STARTS:
            return False  # St. Louis, San Diego, Fort Worth
        for i, word in enumerate(words):
            for form in self.vocabulary.forms.get(word, []):
                kind = self.vocabulary.actors[form.actor].kind
                if kind == "organisation" or (kind == "state" and i == len(words) - 1):
                    return False
        return True

    def _resolve_surnames(self, article: _Text, mentions: list[_Mention]) -> list[_Mention]:
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
            for start in _alone(text, surname):
                index = bisect.bisect_right(starts, start) - 1
                if index >= 0 and mentions[index].end > start:
                    continue  # part of a longer mention
                before = _word_before(text, start)
                if (
                    _is_capitalised(before)
                    and before not in TITLE_HEADS
                    and not _sentence_start(text, start)
                ):
                    continue
                earlier = [p for p in people if p[0] < start]
                if not earlier:
                    continue
                _, actor, pronoun = max(earlier)
                known = self.vocabulary.actors.get(actor)
                pronoun = pronoun or (known.pronoun if known else None)
                extra.append(_Mention(start, start + len(surname), actor, "person", 1.0, pronoun))
        return sorted(mentions + extra, key=lambda m: m.start)

    def _rank_actors(
        self, article: _Text, mentions: list[_Mention]
    ) -> tuple[list[str], list[Candidate]]:
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
        names = [n for n in score if evidence[n] >= 1.0]
        names.sort(key=lambda n: (-score[n], first[n]))
        candidates = [
            Candidate(
                name=n,
                kind=kinds[n],
                role=article.roles.get(n),
                context=article.sentence_at(first[n]),
            )
            for n in names
            if n not in self.vocabulary.actors
        ]
        return names, candidates


# ---------------------------------------------------------------------------------------------
# Quotes.


def _quotes(article: _Text, mentions: list[_Mention], actors: set[str]) -> list[Quote]:
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
    quotes: list[Quote] = []
    previous: tuple[int, str] | None = None  # (end of the last attributed quote, its speaker)
    for match in found:
        inner = (match.group(1) or match.group(2)).strip()
        if len(inner.split()) < 2 or match.start() < article.title_end:
            continue
        speaker = _speaker(article, match.start(), match.end(), mentions, narrative)
        if speaker is None and previous and _same_paragraph(text, previous[0], match.start()):
            between = text[previous[0] : match.start()]
            if len(between) < 160 and not any(
                previous[0] <= m.start < match.start() and m.kind == "person"
                for m in mentions
                if m.actor != previous[1]
            ):
                speaker = previous[1]
        if speaker is None or speaker not in actors:
            continue
        quotes.append(Quote(speaker=speaker, text=inner.rstrip(",").strip()))
        previous = (match.end(), speaker)
    return quotes


def _speaker(
    article: _Text, start: int, end: int, mentions: list[_Mention], narrative: list[_Mention]
) -> str | None:
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


_SPOKESPEOPLE = {"spokesperson", "spokesman", "spokeswoman"}


def _spokesperson_of(article: _Text, position: int, mentions: list[_Mention]) -> str | None:
    """The organisation of the last "<Organisation> spokesperson" before `position`, in the
    same or the previous sentence: an unnamed spokesperson speaks for it."""
    index = article.sentence_index(position)
    since = article.sentence_starts[max(0, index - 1)]
    text = article.text
    for m in reversed(mentions):
        if m.start < since:
            break
        if m.end <= position and m.kind == "organisation" and m.weight >= 1:
            after = _word_after(text, m.end).lower()
            if after in _SPOKESPEOPLE or text[m.end : m.end + 14].lower().startswith(
                ("’s spokes", "'s spokes")
            ):
                return m.actor
    return None


def _resolve_pronoun(
    article: _Text, position: int, pronoun: str, mentions: list[_Mention]
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


# ---------------------------------------------------------------------------------------------
# Text helpers.


class _Text:
    """The article as one plain string (headline, blank line, body) with its landmarks."""

    def __init__(self, title: str, body: str):
        title = " ".join(_plain(html.unescape(title)).split())
        body = _plain(body).strip()
        head = _PARAGRAPH_BREAK.split(body, maxsplit=2)
        for i, paragraph in enumerate(head[:2]):
            if title and " ".join(paragraph.split()).lower() == title.lower():
                # the headline repeated at the top of the body (after a byline, perhaps)
                body = "\n\n".join(head[:i] + head[i + 1 :]).strip()
                break
        self.text = title + "\n\n" + body
        self.title_end = len(title)
        paragraphs = [p for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
        lead = paragraphs[0] if paragraphs else ""
        self.lead_end = self.title_end + 2 + body.find(lead) + len(lead) if lead else self.title_end
        words = [w for w in _TITLE_WORD.findall(title) if len(w) > 3]
        self.title_case = bool(words) and sum(w[0].isupper() for w in words) >= 0.8 * len(words)
        self.sentence_starts = _sentence_starts(self.text)
        self.roles: dict[str, str | None] = {}
        self.runs: set[str] = set()
        self._lower_case: dict[str, bool] = {}
        self.headline_lines = _headline_lines(self.text, self.title_end + 2)

    def writes_in_lower_case(self, word: str) -> bool:
        """Whether the article also writes `word` in lower case: then, capitalised, it is an
        ordinary word at the start of a sentence, not a name."""
        lower = word.lower()
        known = self._lower_case.get(lower)
        if known is None:
            known = self._lower_case[lower] = next(_alone(self.text, lower), None) is not None
        return known

    def in_headline(self, position: int) -> bool:
        """In the headline or in a Title Case line of the body (a related headline, a heading)."""
        if position < self.title_end:
            return self.title_case
        return any(s <= position < e for s, e in self.headline_lines)

    def sentence_index(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts, position) - 1

    def sentence_start_at(self, position: int) -> int:
        return self.sentence_starts[self.sentence_index(position)]

    def sentence_end_at(self, position: int) -> int:
        index = bisect.bisect_right(self.sentence_starts, position)
        return self.sentence_starts[index] if index < len(self.sentence_starts) else len(self.text)

    def sentence_at(self, position: int) -> str:
        start, end = self.sentence_start_at(position), self.sentence_end_at(position)
        return " ".join(self.text[start:end].split())


_LINE = re.compile(r"[^\n]+")


def _headline_lines(text: str, start: int) -> list[tuple[int, int]]:
    """Lines of the body written in Title Case without a full stop: headlines of other
    articles left by the scrape, section headings. Like the headline, no evidence of a name."""
    spans = []
    for line in _LINE.finditer(text, start):
        words = line.group().split()
        if not 3 <= len(words) <= 16 or line.group().rstrip()[-1] in '.!?:;,"”’)':
            continue
        long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
        if len(long_words) >= 3 and all(w[0].isupper() for w in long_words):
            spans.append(line.span())
    return spans


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


def _sequences(text: str):
    """(start, end) of every run of capitalised words (see _SEQUENCE) that starts a word,
    with an "al-"/"el-" before it (al-Sadr, el-Sisi)."""
    search, pos = _SEQUENCE.search, 0
    while (match := search(text, pos)) is not None:
        start, end = match.span()
        pos = end
        if start and (text[start - 1].isalnum() or text[start - 1] in "_’'-"):
            prefix = text[start - 3 : start]
            if prefix in ("al-", "el-") and (start == 3 or not _in_word(text[start - 4])):
                yield start - 3, end
            else:
                pos = start + 1  # inside a word ("iPhone"): a run may start later in it
            continue
        yield start, end


def _sentence_starts(text: str) -> list[int]:
    """Where sentences start: after . ! ? … (and closing quotes) before a capital or a digit,
    unless the full stop ends an abbreviation (Mr., U.S.); and at every paragraph."""
    starts = [0]
    for match in _SENTENCE_BREAK.finditer(text):
        stop = match.start()
        if text[stop] == "." and ABBREVIATION_END.search(text[max(0, stop - 7) : stop + 1]):
            continue
        starts.append(match.end())
    starts.extend(match.end() for match in _PARAGRAPH_BREAK.finditer(text))
    return sorted(set(starts))


_WORD = re.compile(r"\S+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _plain(markdown: str) -> str:
    """Markdown (as written by clean/extract) to the words a reader sees."""
    text = markdown or ""
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "\n>" in text or text.startswith(">"):
        text = _BLOCKQUOTE.sub(_attributed_quote, text)
    text = _MARKDOWN_LINE_START.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = _MARKDOWN_EMPHASIS.sub("", text)
    return _MARKDOWN_ESCAPE.sub(r"\1", text) if "\\" in text else text


_BLOCKQUOTE = re.compile(r"(?m)^(?:>[^\n]*(?:\n|$))+")
_ATTRIBUTION = re.compile(r"[—–~-]*\s*([A-Z][^.!?;:\"“”]{2,80})")


def _attributed_quote(block: re.Match) -> str:
    """A pull quote with its speaker on the last line (`<blockquote><p>...</p><cite>Dr Helena
    Marsh</cite>`, written `> ...` / `>` / `> Dr Helena Marsh`) as the sentence a reporter would
    write: “...,” said Dr Helena Marsh."""
    lines = [line[1:].strip() for line in block.group().splitlines()]
    lines = [line for line in lines if line]
    attribution = _ATTRIBUTION.fullmatch(lines[-1]) if len(lines) >= 2 else None
    if not attribution or len(attribution.group(1).split()) > 8:
        return block.group()
    quote = " ".join(lines[:-1]).strip(' "“”')
    return f"“{quote}” said {attribution.group(1).strip()}.\n"


def _term_of(matched: str, vocab: Vocabulary) -> str | None:
    if matched in vocab.term_topics and matched not in vocab.wildcard_terms:
        return matched
    for cut in range(len(matched), 0, -1):
        prefix = matched[:cut]
        if prefix in vocab.wildcard_terms:
            return prefix
    return matched if matched in vocab.term_topics else None


def _word_before(text: str, start: int) -> str:
    """The word before `start`, across spaces or tabs ("" if none)."""
    end = start
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    if end == start:
        return ""
    begin, low = end, max(0, start - 40)
    while begin > low and (text[begin - 1].isalnum() or text[begin - 1] in "_’'.-"):
        begin -= 1
    return text[begin:end]


def _word_after(text: str, end: int) -> str:
    match = _WORD_AFTER.match(text, end, end + 40)
    return match.group(1) if match else ""


def _is_capitalised(word: str) -> bool:
    return bool(word) and word[0] in _UPPER


def _sentence_start(text: str, start: int) -> bool:
    head = text[max(0, start - 4) : start]
    return start == 0 or _SENTENCE_START_HEAD.search(head) is not None


def _same_paragraph(text: str, a: int, b: int) -> bool:
    return "\n\n" not in text[a:b]


def _words(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """The words of text[start:end] with their absolute offsets."""
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text, start, end)]


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


def _name_like(token: str) -> bool:
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
    return token[0] in _UPPER or token.startswith(("al-", "el-"))


def _apposition_role(text: str, end: int) -> str | None:
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


def _role_before(text: str, start: int) -> str | None:
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


def _speech_next_to(text: str, start: int, end: int) -> bool:
    after = text[end : end + 30]
    before = text[max(0, start - 12) : start]
    return bool(_SPEECH_AFTER_NAME.match(after)) or bool(_SPEECH_BEFORE_NAME.search(before))


def _acronym_definition(text: str, start: int, end: int, tokens: list[str]) -> str | None:
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


_ORG_NOUNS = "|".join(ORG_NOUNS)
_ORG_NEARBY = re.compile(rf"\b(?:{_ORG_NOUNS})\b")
_ORG_APPOSITION = re.compile(
    rf",\s+(?:the|a|an|[A-Z][\w.-]*[’']s)\s+(?:[\w-]+\s+){{0,3}}(?:{_ORG_NOUNS})(?:\s+(?:of|for)\s+[^,.;]+)?[,.;]"
)
_ORG_NOUN_AFTER = re.compile(rf"\s+(?:{_ORG_NOUNS})\b")
_ORG_NOUN_BEFORE = re.compile(rf"\b(?:{_ORG_NOUNS}),?\s+$")


def _trim(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Without connectors and dates at the end ("Blossom Music Center on July")."""
    while words and (words[-1][0].lower() in CONNECTORS or words[-1][0].rstrip(".,") in DATE_WORDS):
        words = words[:-1]
    return words


def _org_suffix(tokens: list[str]) -> bool:
    return tokens[-1] in ORG_SUFFIXES or " ".join(tokens[-2:]) in ORG_SUFFIXES


def _is_role_word(token: str) -> bool:
    """A capitalised occupation standing before a name ("Seismologist Naci Gorur")."""
    return token[:1].isupper() and token.lower() in _ROLE_NOUN_SET


def _organisation_by_context(text: str, start: int, end: int, tokens: list[str]) -> str | None:
    """An organisation the surrounding words declare: 'the GDL union', 'weather agency AEMET',
    'Eurostat, the EU statistics office', 'Full Name (ACRONYM)', 'at XTB'."""
    if len(tokens) > 5 or any(t in NOT_ORGANISATION for t in tokens):
        return None
    acronym = _acronym_definition(text, start, end, tokens)
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
    if (single or len(tokens) >= 2) and _role_at_before(text, start):
        return name  # "analysts at Northwind Research", "an economist with Capital Economics"
    return None


def _role_at_before(text: str, start: int) -> bool:
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


def _ordinary_sentence_start(article: _Text, word: str, start: int) -> bool:
    """A capitalised word only because it starts the sentence: the article also writes it in
    lower case, or it reads as a gerund or an adverb ("Getting", "Separately")."""
    if not _sentence_start(article.text, start):
        return False
    word = word.rstrip(".,’'")
    return article.writes_in_lower_case(word) or (
        len(word) > 5 and word.endswith(("ing", "ly")) and word[1:].islower()
    )


def _surname_recurs(article: _Text, surname: str, start: int, end: int) -> bool:
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
    for at in _alone(text, surname):
        after = at + len(surname)
        if start <= at < end:
            continue
        before = _word_before(text, at)
        if before.lower() in ("the", "a", "an"):
            return False
        if _is_capitalised(before) and before not in TITLE_HEADS and not _sentence_start(text, at):
            continue  # part of another name ("San Francisco’s")
        if (
            before in TITLE_HEADS
            or _SPEECH_AFTER_NAME.match(text, after, after + 30)
            or _SPEECH_BEFORE_NAME.search(text, max(0, at - 20), at)
            or _PERSON_AFTER_SURNAME.match(text, after, after + 8)
            or (_sentence_start(text, at) and _VERB_AFTER_SUBJECT.match(text, after, after + 20))
        ):
            return True
    return False


def _alone(text: str, word: str):
    """Where `word` stands as a whole word in `text` (possessives allowed: Grushko’s)."""
    at = text.find(word)
    while at >= 0:
        after = at + len(word)
        if (at == 0 or not _in_word(text[at - 1])) and (
            after == len(text) or not (text[after].isalnum() or text[after] in "_-")
        ):
            yield at
        at = text.find(word, after)


def _in_word(char: str) -> bool:
    return char.isalnum() or char in "_’'-"


def _role_text(role: str | None) -> str | None:
    if not role:
        return None
    role = _POSSESSIVE_START.sub("", role).strip(" ,")
    words = role.split()
    while len(words) > 1 and words[0] in (
        "and",
        "or",
        "but",
        "for",
        "by",
        "with",
        "to",
        "of",
        "as",
    ):
        words = words[1:]  # "and president", "for economist"
    return " ".join(words) or None


# ---------------------------------------------------------------------------------------------
# The review list of new actors.


def write_review_list(candidates_by_article: dict[str, list[Candidate]], path: Path) -> int:
    """Write every new actor of every article to `path` (YAML), most widespread first.

    Each entry is a ready-made vocabulary block (name, kind, role) plus what an editor
    needs to judge it (articles, context); returns the number of candidates written.
    """
    merged: dict[str, dict] = {}
    for article in sorted(candidates_by_article):
        for candidate in candidates_by_article[article]:
            entry = merged.setdefault(
                candidate.name,
                {
                    "name": candidate.name,
                    "kinds": Counter(),
                    "role": None,
                    "articles": [],
                    "context": candidate.context,
                },
            )
            entry["kinds"][candidate.kind] += 1
            entry["role"] = entry["role"] or candidate.role
            if article not in entry["articles"]:
                entry["articles"].append(article)
    entries = []
    for entry in sorted(merged.values(), key=lambda e: (-len(e["articles"]), e["name"])):
        item = {"name": entry["name"], "kind": entry["kinds"].most_common(1)[0][0]}
        if entry["role"]:
            item["role"] = entry["role"]
        item["articles"] = entry["articles"]
        item["context"] = entry["context"]
        entries.append(item)
    header = (
        "# New actors found in the articles, not yet in vocab/actors.yaml.\n"
        "# Written by `invoke ingest`; do not edit here, your changes are overwritten.\n"
        '# To accept one: `invoke actors --accept "Name"`, or copy its name/kind/role\n'
        "# lines to the end of vocab/actors.yaml (add aliases if you like). The next\n"
        "# build tags it as a known actor on every article.\n"
    )
    body = (
        yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
        if entries
        else "[]\n"
    )
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(header + body, encoding="utf-8")
    tmp.replace(path)
    return len(entries)


def load_review_list(path: Path) -> list[dict]:
    """The entries of a review list written by `write_review_list` ([] if there is none)."""
    path = Path(path)
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def actor_block(entry: dict) -> str:
    """The YAML lines that add `entry` to vocab/actors.yaml."""
    lines = [f"- name: {_yaml_scalar(entry['name'])}", f"  kind: {entry.get('kind', 'person')}"]
    if entry.get("role"):
        lines.append(f"  role: {_yaml_scalar(entry['role'])}")
    return "\n".join(lines) + "\n"


def review(candidates_path: Path | None = None, vocab_dir: Path | None = None, out=None) -> int:
    """Print the review list for editors (`invoke actors --review`); returns how many are open."""
    out = out or sys.stdout
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    candidates_path = Path(candidates_path) if candidates_path else vocab_dir / "candidates.yaml"
    known = load_vocabulary(vocab_dir).actors
    entries = [e for e in load_review_list(candidates_path) if e["name"] not in known]
    if not entries:
        print("No new actors waiting for review.", file=out)
        return 0
    print(f"{len(entries)} new actors found in the articles (most widespread first):\n", file=out)
    for entry in entries:
        articles = entry.get("articles") or []
        role = entry.get("role") or "no role given"
        print(f"{entry['name']}  ({entry.get('kind', 'person')}; {role})", file=out)
        print(
            f"  in {len(articles)} article(s): {', '.join(articles[:5])}{' ...' if len(articles) > 5 else ''}",
            file=out,
        )
        print(f"  “{entry.get('context', '')}”", file=out)
        print("  accept: invoke actors --accept " + _shell_quote(entry["name"]), file=out)
        print("", file=out)
    print("Or copy an entry's name/kind/role lines to the end of vocab/actors.yaml.", file=out)
    return len(entries)


def accept(name: str, candidates_path: Path | None = None, vocab_dir: Path | None = None) -> bool:
    """Append the candidate `name` to vocab/actors.yaml; False if it is unknown or already there."""
    vocab_dir = Path(vocab_dir) if vocab_dir else VOCAB_DIR
    candidates_path = Path(candidates_path) if candidates_path else vocab_dir / "candidates.yaml"
    if name in load_vocabulary(vocab_dir).actors:
        return False
    entry = next((e for e in load_review_list(candidates_path) if e["name"] == name), None)
    if entry is None:
        return False
    actors_file = vocab_dir / "actors.yaml"
    text = actors_file.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    actors_file.write_text(text + actor_block(entry), encoding="utf-8")
    return True


def _yaml_scalar(value: str) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1000).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


def _shell_quote(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'
