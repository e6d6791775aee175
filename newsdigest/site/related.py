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
"""

from __future__ import annotations

import heapq

RELATED_LIMIT = 5
CANDIDATE_WINDOW = 40

# The attributes that link an article to others: page keys summarise them apart (cache.py).
LINKS = ("related", "newer", "older")


def add_related(articles, taxonomies, limit: int = RELATED_LIMIT, window: int = CANDIDATE_WINDOW):
    """Set `article.related` to at most `limit` articles: most shared terms first, then
    nearest in time."""
    index = {id(article): position for position, article in enumerate(articles)}
    term_lists = {}  # id(term) -> (articles, {id(article): position in them})
    for taxonomy in taxonomies.values():
        for term in taxonomy.sorted_terms:
            term_lists[id(term)] = (
                term.articles,
                {id(a): i for i, a in enumerate(term.articles)},
            )
    half = window // 2
    for article in articles:
        own = index[id(article)]
        shared: dict[int, int] = {}  # id(other) -> terms shared with it
        for field in taxonomies:
            for term in getattr(article, field, None) or []:
                listed, positions = term_lists[id(term)]
                at = positions.get(id(article))
                if at is None:
                    continue
                for other in listed[max(0, at - half) : at + half + 1]:
                    key = id(other)
                    if key != id(article):
                        shared[key] = shared.get(key, 0) + 1
        # (most shared, nearest, first found): tuples compare without a key function
        ranked = [
            (-count, abs(index[key] - own), order, index[key])
            for order, (key, count) in enumerate(shared.items())
        ]
        article.related = [articles[item[3]] for item in heapq.nsmallest(limit, ranked)]


def add_neighbours(articles) -> None:
    """`article.newer` and `article.older`: the next and previous articles in time."""
    for position, article in enumerate(articles):
        article.newer = articles[position - 1] if position > 0 else None
        article.older = articles[position + 1] if position + 1 < len(articles) else None
