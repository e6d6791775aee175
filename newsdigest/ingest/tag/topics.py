"""Topics: evidence terms found in the lower-cased text, scored per topic; the best few win."""

from __future__ import annotations

from newsdigest.ingest.tag.text import Text
from newsdigest.vocab import Topic, Vocabulary


def topics_of(vocab: Vocabulary, topics: dict[str, Topic], article: Text) -> list[str]:
    """The topics of `article`, best first; `topics` maps names and slugs to vocabulary entries."""
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
    parents_with_child = {topics[n].parent for n in chosen if topics[n].parent}
    chosen = [n for n in chosen if topics[n].slug not in parents_with_child]
    return chosen[: int(vocab.scoring["max_topics"])]


def _term_of(matched: str, vocab: Vocabulary) -> str | None:
    """The vocabulary term a match stands for: itself, or the wildcard term it extends."""
    if matched in vocab.term_topics and matched not in vocab.wildcard_terms:
        return matched
    for cut in range(len(matched), 0, -1):
        prefix = matched[:cut]
        if prefix in vocab.wildcard_terms:
            return prefix
    return matched if matched in vocab.term_topics else None
