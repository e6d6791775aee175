"""Topics: evidence terms found in the lower-cased text, scored per topic; the best few win.

A topic is kept at the most specific level the evidence supports: a chosen subtopic
removes its broader topics (the site lists a subtopic's articles on them anyway). An
article always gets a topic: when no topic gathers enough evidence, the best-supported
one is taken, and with no evidence at all the vocabulary's `fallback` topic.
"""

from __future__ import annotations

from newsdigest.ingest.tag.text import Text
from newsdigest.vocab import Topic, Vocabulary

ACTOR_EVIDENCE = 3.0  # a known actor with topics (a club, a league) counts as a telling phrase


def topics_of(
    vocab: Vocabulary, topics: dict[str, Topic], article: Text, actors: list[str] = ()
) -> list[str]:
    """The topics of `article`, best first; `topics` maps names and slugs to vocabulary entries.

    Besides the evidence terms, the known actors the article names are evidence of the
    topics the vocabulary gives them: three clubs of the NHL say ice hockey.
    """
    hits: dict[str, int] = {}  # term -> mentions, headline words counting double
    for match in vocab.term_pattern.finditer(article.text.lower()):
        term = _term_of(match.group(), vocab)
        if term is not None:
            hits[term] = hits.get(term, 0) + (2 if match.start() < article.title_end else 1)
    scores: dict[str, float] = {}
    terms: dict[str, int] = {}
    for name in actors:
        actor = vocab.actors.get(name)
        for slug in actor.topics if actor is not None else ():
            topic = topics.get(slug)
            if topic is not None:
                scores[topic.name] = scores.get(topic.name, 0.0) + ACTOR_EVIDENCE
                terms[topic.name] = terms.get(topic.name, 0) + 1
    for term, n in hits.items():
        repeats = 1 + 0.5 * (min(n, 5) - 1)
        for name, weight in vocab.term_weights[term]:
            scores[name] = scores.get(name, 0.0) + weight * repeats
            terms[name] = terms.get(name, 0) + 1
    strong = {
        name: score
        for name, score in scores.items()
        if score >= vocab.scoring["min_score"] and terms[name] >= vocab.scoring["min_terms"]
    }
    if not strong:
        return _fallback(vocab, topics, scores)
    best = max(strong.values())
    ranked = sorted(strong, key=lambda n: (-strong[n], n))
    chosen = [n for n in ranked if strong[n] >= vocab.scoring["relative"] * best]
    chosen = list(dict.fromkeys(_narrowest(vocab, topics, n, scores) for n in chosen))
    broader = {slug for n in chosen for slug in _ancestors(topics, topics[n])}
    chosen = [n for n in chosen if topics[n].slug not in broader]
    return chosen[: int(vocab.scoring["max_topics"])]


def _narrowest(vocab: Vocabulary, topics: dict[str, Topic], name: str, scores) -> str:
    """Down the tree from a chosen topic while a subtopic has evidence of its own: half the
    evidence a topic needs is enough once its broader topic is certain (top-down, as
    hierarchical classifiers decide)."""
    needed = vocab.scoring["min_score"] * vocab.scoring.get("narrower", 0.5)
    while True:
        below = [
            n
            for n in scores
            if scores[n] >= needed and _nearest_below(topics, n, name, scores, needed)
        ]
        if not below:
            return name
        name = min(below, key=lambda n: (-scores[n], n))


def _nearest_below(topics: dict[str, Topic], name: str, above: str, scores, needed: float) -> bool:
    """Whether topic `name` is under `above` with no topic between them that has evidence of
    its own: groupings without evidence (`sport disciplines`) are passed through."""
    target = topics[above].slug
    for slug in _ancestors(topics, topics[name]):
        if slug == target:
            return True
        if scores.get(topics[slug].name, 0.0) >= needed:
            return False
    return False


def _fallback(vocab: Vocabulary, topics: dict[str, Topic], scores: dict[str, float]) -> list[str]:
    """The best-supported topic however weak its evidence, else the vocabulary's fallback."""
    if scores:
        return [min(scores, key=lambda n: (-scores[n], n))]
    fallback = topics.get(str(vocab.scoring.get("fallback") or ""))
    return [fallback.name] if fallback is not None else []


def _ancestors(topics: dict[str, Topic], topic: Topic) -> list[str]:
    """The slugs of the topics above `topic`, nearest first."""
    found, parent = [], topic.parent
    while parent and parent not in found and parent in topics:
        found.append(parent)
        parent = topics[parent].parent
    return found


def _term_of(matched: str, vocab: Vocabulary) -> str | None:
    """The vocabulary term a match stands for: itself, or the wildcard term it extends."""
    if matched in vocab.term_topics and matched not in vocab.wildcard_terms:
        return matched
    for cut in range(len(matched), 0, -1):
        prefix = matched[:cut]
        if prefix in vocab.wildcard_terms:
            return prefix
    return matched if matched in vocab.term_topics else None
