"""Related articles (those sharing the most actors and topics) and previous/next links.

The terms' article lists are already an inverted index from each topic and
actor to its articles, sorted by date. For each article and each of its terms
only the CANDIDATE_WINDOW articles nearest in time on that term's list are
counted, so the work is linear in the number of articles whatever the size
of the biggest topic, never quadratic.

Ties go to the nearest in time. They used to go to the rarer shared terms, but a
term's size changes with every article filed under it, and with it the ranking,
and so the page, of related articles all through the term's history: a rebuild
after ten new articles rendered a hundred old pages again.

An article's related articles depend only on its terms and on the windows of their
lists around it. A build keeps the lists and the rankings (`add_related` returns them);
the next one, when its articles are the last build's with new ones before them (newer
news), ranks again only the articles whose terms or windows changed.
"""

from __future__ import annotations

import heapq

RELATED_LIMIT = 5
CANDIDATE_WINDOW = 40

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
    nearest in time. Returns what the next build's `last` is: `key` names an article
    from one build to the next."""
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
    reusable = _reusable(last, state, half)
    where: dict[str, dict[int, int]] = {}  # term -> {position of an article: its place in the list}
    related = []
    for own, article in enumerate(articles):
        if reusable is not None and own not in reusable[1]:
            shift = reusable[0]
            ranked = [position + shift for position in last["related"][own - shift]]
        else:
            ranked = _ranked(own, named[own], lists, where, half, limit)
        article.related = [articles[position] for position in ranked]
        related.append(ranked)
    state["related"] = related
    return state


def _ranked(own: int, terms: list[str], lists, where, half: int, limit: int) -> list[int]:
    shared: dict[int, int] = {}  # position of another article -> terms shared with it
    for term in terms:
        listed = lists.get(term)
        if listed is None:
            continue
        places = where.get(term)
        if places is None:
            places = where[term] = {position: n for n, position in enumerate(listed)}
        at = places.get(own)
        if at is None:
            continue
        for other in listed[max(0, at - half) : at + half + 1]:
            if other != own:
                shared[other] = shared.get(other, 0) + 1
    # (most shared, nearest, first found): tuples compare without a key function
    ranked = [
        (-count, abs(other - own), order, other)
        for order, (other, count) in enumerate(shared.items())
    ]
    return [item[3] for item in heapq.nsmallest(limit, ranked)]


def _reusable(last, state: dict, half: int) -> tuple[int, set[int]] | None:
    """(how many articles came before the last build's, the articles to rank again), or
    None when the last build's rankings cannot be reused.

    Only new articles before all the others keep the distances in time between the others
    as they were. An article is ranked again when it is new, when its terms changed, or
    when a list it is on changed within half a window of it (an article whose window lies
    in the unchanged head or tail of its lists sees the same candidates)."""
    if not isinstance(last, dict) or any(
        last.get(name) != state[name] for name in ("limit", "window")
    ):
        return None
    order, terms, lists, related = (last.get(n) for n in ("order", "terms", "lists", "related"))
    if not (
        isinstance(order, list)
        and isinstance(terms, list)
        and isinstance(lists, dict)
        and isinstance(related, list)
        and len(terms) == len(related) == len(order)
    ):
        return None
    shift = len(state["order"]) - len(order)
    if shift < 0 or state["order"][shift:] != order:
        return None
    if not all(
        isinstance(ranked, list) and all(isinstance(p, int) and 0 <= p < len(order) for p in ranked)
        for ranked in related
    ):
        return None
    again = set(range(shift))
    again.update(n + shift for n, joined in enumerate(terms) if joined != state["terms"][n + shift])
    for term, listed in state["lists"].items():
        before = lists.get(term)
        if not isinstance(before, list):
            again.update(listed)
            continue
        before = [position + shift for position in before if isinstance(position, int)]
        if before == listed:
            continue
        head = 0
        while head < min(len(before), len(listed)) and before[head] == listed[head]:
            head += 1
        tail = 0
        most = min(len(before), len(listed)) - head
        while tail < most and before[-1 - tail] == listed[-1 - tail]:
            tail += 1
        again.update(listed[max(0, head - half) : max(0, len(listed) - tail + half)])
    for term, listed in lists.items():  # terms no article has any more
        if term not in state["lists"] and isinstance(listed, list):
            again.update(p + shift for p in listed if isinstance(p, int))
    return shift, again


def add_neighbours(articles) -> None:
    """`article.newer` and `article.older`: the next and previous articles in time."""
    for position, article in enumerate(articles):
        article.newer = articles[position - 1] if position > 0 else None
        article.older = articles[position + 1] if position + 1 < len(articles) else None
