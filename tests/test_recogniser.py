"""The statistical recogniser in the tag stage: what it adds to the rules, how its proposals
are linked and typed, and what the precision filters keep out. Runs the real spaCy pipeline."""

from __future__ import annotations

import pytest

from newsdigest.ingest.tag import Tagger, recogniser

STORY = """Kestrel Dynamics unveiled a folding electric scooter in Lyon on Tuesday, and its chief
executive Marguerite Delacroix said production would start in Kazakhstan next year.

"We built it for cities that have run out of room," Delacroix said at the launch.
Crowds cheered as Hunter Lindqvist crossed the square on one.
Shares of Brightwater Analytics, which makes its batteries, rose 4 percent.

Analysts at Harrow Street Partners expect Kestrel Dynamics to sell 40,000 units in Europe.
"""


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.load()


@pytest.fixture(scope="module")
def rules() -> Tagger:
    return Tagger.load(model=recogniser.RULES_ONLY)


def test_people_and_companies_without_role_titles_are_found(tagger, rules):
    tags = tagger.tag("Scooter maker unveils folding model", STORY)
    kinds = {c.name: c.kind for c in tags.candidates}
    assert kinds.get("Hunter Lindqvist") == "person"  # named without any title
    assert kinds.get("Kestrel Dynamics") == "organisation"
    assert kinds.get("Marguerite Delacroix") == "person"
    assert kinds.get("Brightwater Analytics") == "organisation"
    by_rules = rules.tag("Scooter maker unveils folding model", STORY).actors
    assert "Hunter Lindqvist" not in by_rules and "Brightwater Analytics" not in by_rules


def test_countries_are_states_and_cities_are_places(tagger):
    tags = tagger.tag("Scooter maker unveils folding model", STORY)
    assert "Kazakhstan" in tags.actors  # linked to the vocabulary's state
    assert tagger.actor("Kazakhstan").kind == "state"
    assert "Lyon" not in tags.actors and "Europe" not in tags.actors


def test_surnames_alone_are_the_person_named_in_full(tagger):
    tags = tagger.tag("Scooter maker unveils folding model", STORY)
    assert "Delacroix" not in tags.actors
    assert any(q.speaker == "Marguerite Delacroix" for q in tags.quotes)


def test_bylines_credits_outlets_and_glued_words_are_not_actors(tagger):
    body = (
        "By Thomas Brennecke\n\n"
        "Photo: Ingrid Solheim/AFP via Getty Images\n\n"
        "Freya Nordmann, a farmer, said the harvest was late. The Valley Courier reported the "
        "figures first.\n\n"
        "OsloBudget\n\nThe Oslo council debated the budget; the budget passed."
    )
    tags = tagger.tag("Harvest late", body, source="The Valley Courier")
    assert "Freya Nordmann" in tags.actors
    for name in ("Thomas Brennecke", "Ingrid Solheim", "Valley Courier", "OsloBudget"):
        assert name not in tags.actors


def test_an_unknown_pipeline_is_a_clear_error():
    with pytest.raises(RuntimeError, match="no_such_pipeline.*not installed"):
        recogniser.load("no_such_pipeline")


def test_the_pipeline_is_part_of_the_tagging_fingerprint(tagger, rules):
    """Switching the recogniser on or off tags every article again."""
    assert tagger.fingerprint != rules.fingerprint
    assert recogniser.DEFAULT_MODEL in tagger.fingerprint


def test_the_outlet_and_the_wire_agency_of_a_story_are_not_its_actors(tagger):
    body = (
        "OSLO (AP) — Freya Nordmann, a farmer, said the harvest was late, the Associated Press "
        "learned on Monday. The Valley Courier reported the figures first."
    )
    tags = tagger.tag("Harvest late", body, url="https://www.valleycourier.com/news/1")
    assert "Freya Nordmann" in tags.actors
    assert "Associated Press" not in tags.actors and "Valley Courier" not in tags.actors
    elsewhere = tagger.tag("Harvest late", body.replace("OSLO (AP) — ", ""))
    assert "Associated Press" in elsewhere.actors  # cited by another outlet, it is an actor
