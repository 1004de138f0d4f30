"""Related articles: the digest's own "read also", computed from who the articles are about.

Two articles are related when they share actors. An actor that appears in few articles says
more about an article than one that appears everywhere (a small party versus "Syria"), so
each shared actor counts its inverse document frequency, ``log(1 + N / n)`` with ``N`` the
number of articles and ``n`` the actor's. Equal scores go to the newer article, then to the
smaller id, so the list never depends on dictionary or file order.

Only the ``WINDOW`` articles nearest in time on either side of an article in each actor's
list are considered: a very frequent actor then costs a bounded amount per article (the
build stays linear in the number of articles), and its far-away articles would only ever
win on recency anyway.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass

from generator.model import Article, Site

LIMIT = 5
WINDOW = 30  # 2 x 30 candidates per shared actor: plenty to fill 5 places, cheap at 10,000 articles


@dataclass(frozen=True, slots=True)
class RelatedIndex:
    """Per actor, its articles newest first and each article's position in that list.

    Weights are integers (millionths): sums are then exact, so equal scores compare equal
    whatever the order they were added in."""

    weights: Mapping[str, int]
    lists: Mapping[str, tuple[Article, ...]]
    positions: Mapping[str, Mapping[str, int]]
    order: Mapping[str, tuple[float, str]]  # id -> (newest first, then smaller id)


def related_index(site: Site) -> RelatedIndex:
    total = max(1, len(site.articles))
    lists: dict[str, tuple[Article, ...]] = {}
    for actor_id, articles in site.by_actor.items():
        lists[actor_id] = tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.id)))
    weights = {actor_id: round(math.log1p(total / len(items)) * 1_000_000)
               for actor_id, items in lists.items() if items}
    positions = {actor_id: {a.id: i for i, a in enumerate(items)} for actor_id, items in lists.items()}
    order = {a.id: (-a.date.timestamp(), a.id) for a in site.articles}
    return RelatedIndex(weights, lists, positions, order)


def related_articles(index: RelatedIndex, article: Article, limit: int = LIMIT) -> tuple[Article, ...]:
    """Up to ``limit`` articles sharing actors with ``article``, best first; never itself."""
    scores: dict[str, int] = {}
    found: dict[str, Article] = {}
    for actor_id in dict.fromkeys(article.actors):
        items = index.lists.get(actor_id)
        if not items:
            continue
        at = index.positions[actor_id].get(article.id, 0)
        weight = index.weights[actor_id]
        for other in items[max(0, at - WINDOW): at + WINDOW + 1]:
            scores[other.id] = scores.get(other.id, 0) + weight
            found[other.id] = other
    scores.pop(article.id, None)
    order = index.order
    best = heapq.nsmallest(limit, scores, key=lambda i: (-scores[i], order[i]))
    return tuple(found[i] for i in best)
