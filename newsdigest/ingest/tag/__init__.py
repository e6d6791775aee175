"""Tag an article with topics, actors, new-actor candidates and attributed quotes.

The vocabularies in vocab/ (see vocab/README.md) are compiled once by
`Tagger.load()`; `Tagger.tag(title, body)` then scans the text a few times:

1. topic evidence terms (one regex over the lower-cased text), scored per topic;
2. known actor names (one regex, case-sensitive), filtered by context rules;
3. capitalised name sequences that are not known actors: people named with a
   role title or next to a speech verb, organisations with a distinctive name;
4. the named entities a statistical recogniser (spaCy) finds besides those: linked
   to the vocabulary where it knows them, typed by the recogniser's label, filtered
   by the same rules (bylines, credits, headline fragments, sentence-initial capitals);
5. quotations and who said them, resolving he/she to the person the text is
   about at that point.

Also the editors' review list of new actors (`write_review_list`, `review`,
`accept`), fed by ingest with the candidates of every article.

The modules, lowest first:

- words: the word lists behind the rules (how news prose is written);
- text: the article as plain text with headline, lead and sentence positions, and
  the word helpers the rules look around a position with;
- model: `Tags` and `Candidate` for ingest, `Mention` between the rules;
- topics: choosing the topics;
- known_actors: vocabulary names found in the text, kept where the context agrees;
- lexicon: what the vocabulary says about the words of a proposed name;
- roles, people, organisations: the evidence that a name is a person's (a role, a
  speech verb, the surname again) or an organisation's (its last word, the words around it);
- classify: judges a proposed span of capitalised words (organisation, person, several
  names, nothing);
- new_actors: proposes runs of capitalised words that are not known actors to classify;
- recogniser: spaCy's named entities, linked, typed and filtered;
- actors: surnames resolved to people, actors ranked, new ones made candidates;
- quotes: quotations and their speakers;
- candidates: the editors' review list;
- evaluate: precision and recall against the labelled articles in tests/eval/.
"""

from __future__ import annotations

from pathlib import Path

from newsdigest.ingest.tag import gazetteer, recogniser
from newsdigest.ingest.tag.actors import (
    rank_actors,
    resolve_short_names,
    resolve_surnames,
    without_surname_organisations,
)
from newsdigest.ingest.tag.candidates import (
    accept,
    actor_block,
    load_review_list,
    merge,
    reject,
    review,
    write_review_list,
)
from newsdigest.ingest.tag.known_actors import known_mentions
from newsdigest.ingest.tag.model import Candidate, Tags
from newsdigest.ingest.tag.new_actors import new_mentions
from newsdigest.ingest.tag.quotes import quotes
from newsdigest.ingest.tag.text import Text
from newsdigest.ingest.tag.topics import topics_of
from newsdigest.vocab import Actor, Topic, Vocabulary, load_vocabulary

__all__ = [
    "Candidate",
    "Tagger",
    "Tags",
    "accept",
    "actor_block",
    "load_review_list",
    "merge",
    "reject",
    "review",
    "write_review_list",
]

# Bump when a change to the rules changes what articles are tagged with.
RULES_VERSION = 7


def tagging_fingerprint(vocabulary: str, model: str) -> str:
    """Articles are tagged again when the vocabulary, these rules or the recogniser change."""
    return f"{vocabulary}:rules-{RULES_VERSION}:{recogniser.fingerprint(model)}"


class Tagger:
    """Tags articles against the vocabularies; build it once per run with `Tagger.load()`."""

    def __init__(self, vocabulary: Vocabulary, model: str | None = None):
        self.vocabulary = vocabulary
        self.model = model or recogniser.model_name()
        self.nlp = recogniser.load(self.model)
        gazetteer.load()  # now, so that forked workers share the reference data
        self.fingerprint = tagging_fingerprint(vocabulary.fingerprint, self.model)
        self._topics = {t.name: t for t in vocabulary.topics}
        self._topics.update({t.slug: t for t in vocabulary.topics})
        self._states = recogniser.state_keys(vocabulary)

    @classmethod
    def load(cls, vocab_dir: Path | None = None, model: str | None = None) -> Tagger:
        return cls(load_vocabulary(vocab_dir), model)

    def topic(self, name: str) -> Topic | None:
        """The vocabulary entry of a topic, by readable name or slug."""
        return self._topics.get(name)

    def actor(self, name: str) -> Actor | None:
        """The vocabulary entry of a known actor (kind, role, aliases, ISO code for states)."""
        return self.vocabulary.actors.get(name)

    def tag(self, title: str, body: str, source: str | None = None, url: str | None = None) -> Tags:
        """Topics, actors, candidates and quotes of one article; `source` and `url` name the
        outlet and the page (the outlet is not an actor of its own story)."""
        return self.tag_many([(title, body, source, url)])[0]

    def tag_many(self, items: list[tuple[str, str, str | None, str | None]]) -> list[Tags]:
        """`tag` for many articles: the recogniser reads them in batches."""
        articles = [Text(title, body) for title, body, _, _ in items]
        if self.nlp is not None:
            found = recogniser.entities(self.nlp, [article.text for article in articles])
        else:
            found = [[] for _ in articles]
        return [
            self._tag(article, entities, recogniser.own_names(article, source, url))
            for article, entities, (_, _, source, url) in zip(articles, found, items, strict=True)
        ]

    def _tag(self, article: Text, entities, own: frozenset[str]) -> Tags:
        vocab = self.vocabulary
        known = known_mentions(vocab, article)
        new, swallowed = new_mentions(vocab, article, known)
        mentions = [m for m in known if id(m) not in swallowed] + new
        mentions = [m for m in mentions if recogniser.credible(vocab, article, m, own)]
        mentions += recogniser.proposed_mentions(
            vocab, self._states, article, entities, mentions, own
        )
        mentions.sort(key=lambda m: m.start)
        mentions = resolve_surnames(vocab, article, mentions)
        mentions = without_surname_organisations(vocab, mentions)
        mentions = resolve_short_names(vocab, mentions)
        actors, candidates = rank_actors(vocab, article, mentions)
        return Tags(
            topics=topics_of(vocab, self._topics, article, actors),
            actors=actors,
            candidates=candidates,
            quotes=quotes(article, mentions, set(actors)),
        )
