"""Related articles (those sharing the most actors and topics), related terms and
previous/next links.

The terms' article lists are already an inverted index from each topic and
actor to its articles, sorted by date. For each article and each of its terms
only the CANDIDATE_WINDOW articles nearest in time on that term's list are
counted, so the work is linear in the number of articles whatever the size
of the biggest topic, never quadratic.

Ties go to the nearest in time. They used to go to the rarer shared terms, but a
term's size changes with every article filed under it, and with it the ranking,
and so the page, of related articles all through the term's history: a rebuild
after ten new articles rendered a hundred old pages again.

An article's related articles depend only on its terms, on the windows of their lists
around it and on the distances in time to the articles in them. A build keeps the lists
and the rankings (`add_related` returns them); the next one ranks again only the articles
for which any of these changed (`_kept`). A term's related terms (those most often on its
articles) depend only on its articles and their terms: they are counted again only for the
terms whose list changed or that list an article that is new or has other terms.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from itertools import chain
from operator import attrgetter

RELATED_LIMIT = 5
CANDIDATE_WINDOW = 40
RELATED_TERMS = 10  # related terms kept per taxonomy on a term page

# The attributes that link an article to others: page keys summarise them apart (cache.py).
LINKS = ("related", "newer", "older")


def add_related(
    articles,
    taxonomies,
    limit: int = RELATED_LIMIT,
    window: int = CANDIDATE_WINDOW,
    last: dict | None = None,
    key=lambda article: article.source_path,
) -> dict:
    """Set `article.related` to at most `limit` articles: most shared terms first, then
    nearest in time. Returns what the next build's `last` is (and how many rankings it
    took from this one's `last`): `key` names an article from one build to the next."""
    index = {id(article): position for position, article in enumerate(articles)}
    lists: dict[str, list[int]] = {}  # term -> the positions of its articles, in its order
    names: dict[int, str] = {}  # id(term) -> its name here
    for field, taxonomy in taxonomies.items():
        for term in taxonomy.sorted_terms:
            name = names[id(term)] = f"{field}\0{term.slug}"
            lists[name] = [index[id(a)] for a in term.articles]
    named = [
        [names[id(term)] for field in taxonomies for term in getattr(a, field, None) or []]
        for a in articles
    ]
    state = {
        "limit": limit,
        "window": window,
        "order": [str(key(article)) for article in articles],
        "lists": lists,
        "terms": ["\1".join(terms) for terms in named],
    }
    half = window // 2
    # term -> {position of an article: its place in the term's list}
    places = {term: {p: n for n, p in enumerate(listed)} for term, listed in lists.items()}
    # position -> the last build's ranking; what changed since (None: not known)
    kept, changes = _kept(last, state, named, places, half)
    related = []
    for own, article in enumerate(articles):
        ranked = kept.get(own)
        if ranked is None:
            ranked = _ranked(own, named[own], lists, places, half, limit)
        article.related = [articles[position] for position in ranked]
        related.append(ranked)
    state["related"], state["reused"] = related, len(kept)
    state.update(_add_term_state(taxonomies, lists, state["order"], last, changes))
    return state


def _related_terms(term, taxonomies: dict) -> dict[str, list[tuple[object, int]]]:
    """The terms of each taxonomy most often seen on this term's articles, then by name
    (linear in its articles)."""
    related = {}
    for field in taxonomies:
        # Counted by Counter's own loop, in the order the terms are met (ties keep it).
        # Every article on a term's list was collected, so has the field: read in C.
        counts = Counter(chain.from_iterable(map(attrgetter(field), term.articles)))
        counts.pop(term, None)
        # The first few by count, then name: those counted at least as often as the last
        # of the first few (found among the counts alone, in C), then only those sorted.
        least = min(heapq.nlargest(RELATED_TERMS, counts.values()), default=0)
        found = [item for item in counts.items() if item[1] >= least]
        found.sort(key=lambda item: (-item[1], item[0].name.casefold()))
        related[field] = found[:RELATED_TERMS]
    return related


def _terms(taxonomies) -> dict:
    """Every term by the name the kept state gives it (taxonomy and slug)."""
    return {
        f"{field}\0{term.slug}": term
        for field, taxonomy in taxonomies.items()
        for term in taxonomy.sorted_terms
    }


def _add_term_state(taxonomies, lists: dict, order: list[str], last, changes) -> dict:
    """Set each term's `related` (`_related_terms`) and `list_digest` (a digest of the
    names of its articles in order, what the pages of a term are keyed by: reach.py),
    taking the last build's where they still hold. A list that did not change has the same
    digest (joining and hashing every list was 0.1 s of a rebuild at 10,000 articles). The
    related terms are counted over the articles' terms, so they hold when the list did not
    change, none of its articles is new or has other terms, and the terms they name have
    the names they had (ties go by name). Returns what the next build takes."""
    terms = _terms(taxonomies)
    usable = changes is not None and isinstance(last, dict)
    related_before = last.get("term_related") if usable else None
    names = last.get("term_names") if usable else None
    lists_before = last.get("term_lists") if usable else None
    if not (isinstance(related_before, dict) and isinstance(names, dict)):
        related_before, names = {}, {}
    if not isinstance(lists_before, dict):
        lists_before = {}
    changed, moved = changes or (set(), set())
    state = {"term_names": {key: term.name for key, term in terms.items()}}
    kept_related, digests, reused = {}, {}, 0
    for key, term in terms.items():
        digest = related = None
        if key not in moved:
            digest = lists_before.get(key)
            if changed.isdisjoint(lists[key]):
                related = _revived(related_before.get(key), terms, names)
        if not isinstance(digest, str):
            text = "\0".join([order[position] for position in lists[key]])
            digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        if related is not None:
            reused += 1
            kept_related[key] = related_before[key]  # the same terms, by the same names
        else:
            related = _related_terms(term, taxonomies)
            kept_related[key] = {
                field: [[f"{field}\0{other.slug}", count] for other, count in items]
                for field, items in related.items()
            }
        term.related, term.list_digest = related, digest
        digests[key] = digest
    state.update(term_related=kept_related, terms_reused=reused, term_lists=digests)
    return state


def _revived(kept, terms: dict, names: dict) -> dict | None:
    """The last build's related terms of a term, as this build's terms; None if any of them
    is gone, is named otherwise, or the entry is not one this module wrote."""
    if not isinstance(kept, dict):
        return None
    related = {}
    try:
        for field, items in kept.items():
            found = []
            for key, count in items:
                term = terms.get(key)
                if term is None or names.get(key) != term.name or type(count) is not int:
                    return None
                found.append((term, count))
            related[field] = found
    except (TypeError, ValueError):
        return None
    return related


def _ranked(own: int, terms: list[str], lists, places, half: int, limit: int) -> list[int]:
    shared: dict[int, int] = {}  # position of another article -> terms shared with it
    for term in terms:
        at = places.get(term, {}).get(own)
        if at is None:
            continue
        listed = lists[term]
        for other in listed[max(0, at - half) : at + half + 1]:
            if other != own:
                shared[other] = shared.get(other, 0) + 1
    # (most shared, nearest, first found): tuples compare without a key function
    ranked = [
        (-count, abs(other - own), order, other)
        for order, (other, count) in enumerate(shared.items())
    ]
    return [item[3] for item in heapq.nsmallest(limit, ranked)]


def _kept(
    last, state: dict, named: list[list[str]], places, half: int
) -> tuple[dict, tuple | None]:
    """The last build's rankings that still hold, by this build's positions, and what
    changed: the positions of the articles that are new or have other terms, and the terms
    whose lists are not the ones they were (None, with no rankings: the last build's state
    is not usable).

    An article keeps its ranking when its terms are the ones it had, no list it is on changed
    within half a window of it (an article whose window lies in the unchanged head or tail of
    a list sees the same candidates), and no article came or went between it and its
    farthest candidates (the distances in time that break ties are the same). Anything
    unreadable in `last` keeps nothing."""
    if not isinstance(last, dict) or any(last.get(n) != state[n] for n in ("limit", "window")):
        return {}, None
    order, terms, lists, related = (last.get(n) for n in ("order", "terms", "lists", "related"))
    if not (
        isinstance(order, list)
        and isinstance(terms, list)
        and isinstance(lists, dict)
        and isinstance(related, list)
        and len(terms) == len(related) == len(order)
        and all(isinstance(name, str) for name in order)
    ):
        return {}, None
    now = {name: position for position, name in enumerate(state["order"])}
    before = [now.get(name) for name in order]  # the last build's positions, as positions now
    if any(not isinstance(r, list) or not all(isinstance(p, int) for p in r) for r in related):
        return {}, None
    if any(p < 0 or p >= len(order) or before[p] is None for r in related for p in r):
        return {}, None
    # Stretches of the articles that were there before, with nothing added or removed
    # between two neighbours: distances within a stretch are what they were.
    stretch = [-1] * len(state["order"])
    number, last_shift, last_old = 0, None, -1
    for old, position in enumerate(before):
        if position is None:
            continue
        shift = position - old
        if shift != last_shift or old != last_old + 1:
            number += 1
        stretch[position], last_shift, last_old = number, shift, old
    again = {p for p in range(len(stretch)) if stretch[p] < 0}  # new articles
    for old, position in enumerate(before):
        if position is not None and terms[old] != state["terms"][position]:
            again.add(position)
    changed = set(again)  # new articles, and those with other terms
    moved = set()  # terms whose lists are not the ones they were
    for term, listed in state["lists"].items():
        previous = lists.get(term)
        if not isinstance(previous, list):
            again.update(listed)
            moved.add(term)
            continue
        previous = [
            before[p] if isinstance(p, int) and 0 <= p < len(before) else -1 for p in previous
        ]
        if previous == listed:
            continue
        moved.add(term)
        head = 0
        while head < min(len(previous), len(listed)) and previous[head] == listed[head]:
            head += 1
        tail, most = 0, min(len(previous), len(listed)) - head
        while tail < most and previous[-1 - tail] == listed[-1 - tail]:
            tail += 1
        again.update(listed[max(0, head - half) : max(0, len(listed) - tail + half)])
    # (The articles of a term no article has any more have other terms now: in `again`.)
    kept = {}
    for old, position in enumerate(before):
        if position is None or position in again:
            continue
        low = high = position
        for term in named[position]:
            at = places.get(term, {}).get(position)
            if at is None:
                continue
            listed = state["lists"][term]
            low = min(low, listed[max(0, at - half)])
            high = max(high, listed[min(len(listed) - 1, at + half)])
        if stretch[low] == stretch[high] == stretch[position]:
            kept[position] = [before[p] for p in related[old]]
    return kept, (changed, moved)


def add_neighbours(articles) -> None:
    """`article.newer` and `article.older`: the next and previous articles in time."""
    for position, article in enumerate(articles):
        article.newer = articles[position - 1] if position > 0 else None
        article.older = articles[position + 1] if position + 1 < len(articles) else None
