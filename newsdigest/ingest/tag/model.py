"""What the tagger hands to ingest (`Tags`, `Candidate`) and what its rules pass between
them (`Mention`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsdigest.article import Quote


@dataclass
class Candidate:
    """An actor nobody has listed in the vocabulary yet."""

    name: str
    kind: str  # person | organisation | state
    role: str | None
    context: str  # the sentence around the first mention


@dataclass
class Tags:
    """Everything one article is tagged with."""

    topics: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    @property
    def terms(self) -> dict[str, list[str]]:
        """The terms by taxonomy, as the article file carries them."""
        return {"topics": self.topics, "actors": self.actors}


@dataclass
class Mention:
    """Where the text names an actor."""

    start: int
    end: int
    actor: str
    kind: str
    weight: float  # evidence: 1 for a name, 0.5 for a demonym
    pronoun: str | None = None
