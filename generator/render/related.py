"""Related articles: the digest's own "read also", computed from who the articles are about.

Two articles are related when they share actors. An actor that appears in few articles says
more about an article than one that appears everywhere (a small party versus "Syria"), so
each shared actor counts its inverse document frequency, ``log(1 + N / n)`` with ``n`` the
actor's number of articles and ``N`` the digest's, rounded down to a power of two, counted
in sixteenths. Equal scores go to the newer article, then to the smaller id, so the list
never depends on dictionary or file order.

The rounding is what keeps a rebuild small: with the exact ``N`` and ``n`` every addition
would change every actor's weight, and so possibly every article's list, and the build would
have to score them all again. Rounded, a weight moves only when the digest doubles or when
the actor's own count moves it into the next sixteenth, which a frequent actor's does
rarely; the ranking loses nothing a reader could see.

Only the ``WINDOW`` articles nearest in time on either side of an article in each actor's
list are considered: a very frequent actor then costs a bounded amount per article (the
build stays linear in the number of articles), and its far-away articles would only ever
win on recency anyway.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import operator
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import compress

from generator.core.model import Article, Site, newest_first_stamped

_REL = operator.itemgetter(0)  # an article's source path, from its fingerprint
_ID = operator.attrgetter("id")

LIMIT = 5
WINDOW = 30  # 2 x 30 candidates per shared actor: plenty to fill 5 places, cheap at 10,000 articles
STEPS = 16  # weights are counted in 1/16 of the logarithm


@dataclass(frozen=True, slots=True)
class RelatedIndex:
    """Articles ranked newest first (then smaller id), and per actor the ranks of its
    articles in that order and each article's position in that list.

    Weights are integers (sixteenths): sums are then exact, so equal scores compare equal
    whatever the order they were added in. Ranks are integers so that scoring, run for every
    article on every build, stays on C-level dict and heap operations."""

    weights: Mapping[str, int]
    lists: Mapping[str, tuple[int, ...]]  # actor -> ranks of its articles, ascending
    ranked: tuple[Article, ...]  # rank -> article
    rank: Mapping[str, int]  # article id -> rank
    stamps: tuple[float, ...]  # rank -> the timestamp of the article's date


def related_index(site: Site) -> RelatedIndex:
    """An article's place in an actor's list is found by bisecting the list's ranks, not
    kept in a map per actor: those maps held every (actor, article) pair, and making them
    was a fifth of this at 50,000 articles, on every build."""
    ordered, stamps = newest_first_stamped(site.articles, ties="id")
    ranked = tuple(ordered)
    rank = {a.id: i for i, a in enumerate(ranked)}
    ranks = rank.__getitem__
    lists = {actor_id: tuple(sorted(map(ranks, map(_ID, articles)))) for actor_id, articles in site.by_actor.items()}
    return RelatedIndex(_weights(lists, len(site.articles)), lists, ranked, rank, tuple(stamps))


def _weights(lists: Mapping[str, tuple[int, ...]], count: int) -> dict[str, int]:
    """Each actor's weight, in sixteenths, from its number of articles and the digest's
    ``count`` (rounded down to a power of two: see the module's docstring)."""
    scale = 1 << (max(1, count).bit_length() - 1)
    return {actor_id: round(math.log1p(scale / len(items)) * STEPS) for actor_id, items in lists.items() if items}


@dataclass(frozen=True, slots=True)
class IndexShape:
    """A ``RelatedIndex`` but its articles: the order it ranks a site's articles in, their
    dates' timestamps in that order, and each actor's ranks. All of it follows from the
    articles' dates, ids and actors and the site's lists, which a rebuild that follows the
    last build's recipe (``build.recipe``: an edit of words only) cannot have changed; kept
    in the recipe, it spares that rebuild ranking the archive again (0.13 s of an edit at
    50,000 articles, most of it sorting 145,000 ranks into their actors' lists)."""

    order: tuple[int, ...] | None  # rank -> place in the site's articles; None: the same order
    stamps: tuple[float, ...]
    lists: tuple[tuple[str, tuple[int, ...]], ...]  # actor -> ranks of its articles, ascending


def index_shape(index: RelatedIndex, articles: Sequence[Article]) -> IndexShape | None:
    """``index``'s shape (see ``IndexShape``), ``articles`` being the site's it was made of;
    None when it ranks an article that is not one of them."""
    place = {id(article): at for at, article in enumerate(articles)}
    order = [place.get(id(article), -1) for article in index.ranked]
    if len(order) != len(articles) or -1 in order:
        return None
    same = all(map(operator.eq, order, range(len(order))))
    return IndexShape(None if same else tuple(order), index.stamps, tuple(index.lists.items()))


def shaped_index(articles: Sequence[Article], shape: IndexShape) -> RelatedIndex | None:
    """The related index of a site of ``articles`` (in the site's order) whose dates, ids and
    actors are those ``shape`` was taken from (see ``IndexShape``): ``related_index`` without
    the ranking; None when ``shape`` cannot be of these articles (another count)."""
    if len(shape.stamps) != len(articles) or (shape.order is not None and len(shape.order) != len(articles)):
        return None
    ranked = tuple(articles) if shape.order is None else tuple(map(articles.__getitem__, shape.order))
    rank = {a.id: i for i, a in enumerate(ranked)}
    lists = dict(shape.lists)
    return RelatedIndex(_weights(lists, len(articles)), lists, ranked, rank, shape.stamps)


def related_articles(index: RelatedIndex, article: Article, limit: int = LIMIT) -> tuple[Article, ...]:
    """Up to ``limit`` articles sharing actors with ``article``, best first; never itself."""
    span = len(index.ranked) + 1
    # Scores are kept multiplied by ``span``, so that ``score - rank`` is one integer ordering
    # by score, then by the smaller rank (newer, then smaller id); ``-value % span`` is the rank.
    scores: dict[int, int] = {}
    own = index.rank.get(article.id, -1)
    for actor_id in dict.fromkeys(article.actors):
        items = index.lists.get(actor_id)
        if not items:
            continue
        at = bisect_left(items, own)
        if at == len(items) or items[at] != own:
            at = 0  # not in the actor's list (an article the index was not made from)
        weight = index.weights[actor_id] * span
        window = items[max(0, at - WINDOW): at + WINDOW + 1]
        if not scores:
            scores = dict.fromkeys(window, weight)
            continue
        get = scores.get
        for other in window:
            scores[other] = get(other, 0) + weight
    scores.pop(own, None)
    best = heapq.nlargest(limit, map(operator.sub, scores.values(), scores))
    return tuple(index.ranked[-value % span] for value in best)


@dataclass(frozen=True, slots=True)
class RelatedState:
    """What a build's related lists were computed from: the render salt, and per actor its
    weight and its articles' ranks (places in ``order``, ascending). The next build compares
    to find the articles whose lists cannot have changed.

    An actor's articles are held as ranks, the related index's own lists, rather than as
    their fingerprints: a build made a tuple of fingerprints per actor (150,000 places at
    50,000 articles) and the next one loaded them back, where the ranks are made anyway.
    Only the lists of the actors an edit touches are spelled out as fingerprints, to compare
    (``_fingerprints``)."""

    salt: str
    actors: Mapping[str, tuple[int, tuple[int, ...]]]
    # Every article's fingerprint and date (timestamp) in rank order, newest first: where
    # the next build's articles differ tells it which list pages it can keep without
    # making their keys (see ``changes.list_changes``).
    order: tuple[tuple[object, ...], ...] = ()
    stamps: tuple[float, ...] = ()
    # A hash of the editions' notes, which edition pages show beside their articles (see
    # ``pages.editions.notes_key``): with the same notes, an edition away from the changed
    # region is kept without its key.
    notes: str = ""
    # The source paths of the articles that have versions in other languages: each one's
    # page shows the others (``Site.translations``), which its related list does not say.
    translated: frozenset[str] = frozenset()
    # Per rank, ``SHOWN_SIZE`` bytes: ``shown_digest`` of the article (see ``with_shown``);
    # empty when not made.
    shown: bytes = b""


# What an actor's timeline and data file show of each of its articles, hashed per article
# and kept in the state from build to build. A busy actor (9,000 of 50,000 articles) had
# its articles' ids, titles, URLs, languages and dates spelled out and hashed whenever one
# of them was edited: a quarter of a second for the actors of one article. Taken from the
# state, it is their digests joined.
SHOWN_SIZE = 16


def shown_digest(article: Article) -> bytes:
    """The digest of what an actor's timeline and data file show of ``article`` (see
    ``pages.actors.actor_files``): a function of its source bytes, path and the settings,
    so of its fingerprint under one salt."""
    shown = repr((article.id, article.title, article.url_path, article.lang, article.date.isoformat()))
    return hashlib.blake2b(shown.encode("utf-8", "surrogatepass"), digest_size=SHOWN_SIZE).digest()


def with_shown(state: RelatedState, index: RelatedIndex, previous: RelatedState | None,
               span: tuple[int, int, int] | None) -> RelatedState:
    """``state`` (of ``index``) with every article's ``shown_digest``: those of the last
    build's state where the articles are as they were (outside ``span``, the
    ``changed_span`` from ``previous``, when the salts agree: the same fingerprint under the
    same settings shows the same), made for the others."""
    held = previous.shown if previous is not None else b""
    if span is None or previous is None or previous.salt != state.salt or len(held) != len(previous.order) * SHOWN_SIZE:
        return replace(state, shown=b"".join(map(shown_digest, index.ranked)))
    start, old_end, new_end = span
    fresh = b"".join(map(shown_digest, index.ranked[start:new_end]))
    return replace(state, shown=_spliced(held, start, old_end, fresh))


def _spliced(shown: bytes, start: int, stop: int, fresh: bytes) -> bytes:
    """``shown`` (``RelatedState.shown``) with the digests of ranks ``[start, stop)`` replaced
    by ``fresh``."""
    return shown[:start * SHOWN_SIZE] + fresh + shown[stop * SHOWN_SIZE:]


def related_state(index: RelatedIndex, salt: str, notes: str = "",
                  translated: frozenset[str] = frozenset(),
                  order: tuple[tuple[object, ...], ...] | None = None) -> RelatedState:
    """``order``: the articles' fingerprints in rank order, when the caller knows them."""
    fingerprints = tuple(article.fingerprint for article in index.ranked) if order is None else order
    weights = index.weights
    return RelatedState(salt, {actor_id: (weights.get(actor_id, 0), items) for actor_id, items in index.lists.items()},
                        fingerprints, index.stamps, notes, translated)


# What a build that follows the recipe may have changed of a fingerprint (its source's
# digest), and what it may not (its source path, actors, scheduled mark and URL), each read
# from the fingerprint and from the article (see ``Article.fingerprint``).
_DIGEST = operator.itemgetter(1), operator.attrgetter("source_digest")
_FIXED = tuple((operator.itemgetter(at), operator.attrgetter(name))
               for at, name in ((0, "rel"), (2, "actors"), (3, "scheduled"), (4, "path")))


def followed_state(previous: RelatedState, index: RelatedIndex, salt: str, notes: str = "",
                   translated: frozenset[str] = frozenset()) -> tuple[RelatedState, tuple[int, int, int]] | None:
    """``related_state`` and its ``changed_span`` from ``previous``, for a build that follows
    the recipe ``previous``'s build made or followed (``index``: made from its shape, see
    ``shaped_index``): the same articles in the same ranks and dates, filed the same, so
    only their sources' digests may differ. Each field is compared along the archive in C,
    and only the fingerprints of the articles whose digest differs are made: making all
    50,000 and comparing them with the last build's took a seventh of a second of an edit.
    None when anything else differs (then the caller makes the state and compares as usual)."""
    old, ranked = previous.order, index.ranked
    if previous.salt != salt or len(old) != len(ranked) or previous.stamps != index.stamps:
        return None
    for of_print, of_article in _FIXED:
        if not all(map(operator.eq, map(of_print, old), map(of_article, ranked))):
            return None
    of_print, of_article = _DIGEST
    differ = list(compress(range(len(old)), map(operator.ne, map(of_print, old), map(of_article, ranked))))
    order = list(old)
    for at in differ:
        order[at] = ranked[at].fingerprint
    state = related_state(index, salt, notes, translated, tuple(order))
    end = differ[-1] + 1 if differ else len(old)
    return state, (differ[0] if differ else len(old), end, end)


def unchanged_related(previous: RelatedState | None, current: RelatedState) -> frozenset[str]:
    """Source paths of articles whose related list, and what it shows, are as ``previous``
    left them (see ``unchanged_since``)."""
    return unchanged_since(previous, current)[0]


def unchanged_actors(previous: RelatedState | None, current: RelatedState) -> frozenset[str]:
    """Actors whose articles, in order, have the fingerprints ``previous`` saw (see
    ``unchanged_since``)."""
    return unchanged_since(previous, current)[1]


def unchanged_since(previous: RelatedState | None, current: RelatedState,
                    span: tuple[int, int, int] | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """The source paths of articles whose related list, and what it shows, are as
    ``previous`` left them; and the actors whose articles, in order, have the fingerprints
    ``previous`` saw. Both from one comparison of each actor's list: a busy actor's list
    holds thousands of fingerprints, and comparing them twice cost an edit's build a tenth
    of a second at 10,000 articles.

    An article's list is made from its window (``WINDOW`` places either side) in each of its
    actors' lists, their weights, and the fingerprints there. So it is unchanged when every
    actor it has kept its weight and nothing changed within reach of its window: an edit,
    addition or removal at one place of a list disturbs only the windows around that place
    (the rest of the list shifts as a whole). An article without actors has an empty list:
    its page is unchanged when the article is, that is when it lies outside the changed span
    (at 50,000 articles, thousands of pages whose keys an edit made again). Nothing is
    unchanged when the salt (templates, settings, code) differs.

    An actor that is unchanged shows all it showed of its articles as it did (their titles,
    dates, actors and order; the registry and settings are in the salt)."""
    if previous is None or previous.salt != current.salt:
        return frozenset(), frozenset()
    # Only an actor of an article in the changed region of the archive (see ``changed_span``)
    # can have another list: every other actor's list is the same articles, by fingerprint.
    # Comparing each actor's whole list was most of this at 10,000 articles.
    start, old_end, new_end = span or changed_span(previous, current)
    changed = (*previous.order[start:old_end], *current.order[start:new_end])
    touched = _actors_of(changed)
    dirty: set[str] = set()
    same_actors = []
    for actor_id, (weight, ranks) in current.actors.items():
        old_weight, old_ranks = previous.actors.get(actor_id, (None, ()))
        if old_weight != weight:
            dirty.update(map(_REL, _fingerprints(current, ranks)))
            continue
        if actor_id in touched:
            # Outside the span the two archives hold the same fingerprints, actors
            # included, so the actor's two lists differ only in their ranks within it:
            # compared there alone, not along a busy actor's thousands of articles.
            first, end = _within(ranks, start, new_end)
            old_first, old_stop = _within(old_ranks, start, old_end)
            if _fingerprints(previous, old_ranks[old_first:old_stop]) != _fingerprints(current, ranks[first:end]):
                dirty.update(map(_REL, _fingerprints(current, ranks[max(0, first - WINDOW): end + WINDOW])))
                continue
        same_actors.append(actor_id)
    listed = current.actors.keys()
    without_actors = {fingerprint[0] for fingerprint in current.order[start:new_end]
                      if listed.isdisjoint(fingerprint[2])}  # type: ignore[arg-type]
    kept = {fingerprint[0] for fingerprint in current.order}
    kept -= dirty | without_actors | _versions_touched(previous, current, changed)
    return frozenset(kept), frozenset(same_actors)


def _within(ranks: tuple[int, ...], start: int, stop: int) -> tuple[int, int]:
    """Where the ranks ``[start, stop)`` lie in an actor's ascending ``ranks``."""
    return bisect_left(ranks, start), bisect_left(ranks, stop)


def _fingerprints(state: RelatedState, ranks: tuple[int, ...]) -> tuple[tuple[object, ...], ...]:
    """The fingerprints of an actor's articles, from their ranks in ``state``."""
    return tuple(map(state.order.__getitem__, ranks))


def _actors_of(fingerprints: tuple[tuple[object, ...], ...]) -> set[str]:
    """The actors of the articles of ``fingerprints``."""
    return {actor_id for fingerprint in fingerprints for actor_id in fingerprint[2]}  # type: ignore[attr-defined]


def _versions_touched(previous: RelatedState, current: RelatedState, changed: tuple[tuple[object, ...], ...]
                      ) -> frozenset[str]:
    """Every article that has, or had, versions in other languages, when a changed article
    (``changed``: the fingerprints of the changed span, both builds') is one of them: a
    version added, edited, moved or removed changes the pages of the others, and a removed
    one's original is no longer known. Translations are few, and their edits rare: their
    pages then go by their keys, which spell their versions out."""
    translated = previous.translated | current.translated
    if translated and any(fingerprint[0] in translated for fingerprint in changed):
        return translated
    return frozenset()


def changed_span(previous: RelatedState, current: RelatedState) -> tuple[int, int, int]:
    """Where the two states' archives (``order``, rank order) differ: ``[start, old_end)``
    of the previous one and ``[start, new_end)`` of this one; before and after, both hold the
    same fingerprints. Equal archives give an empty span."""
    old, new = previous.order, current.order
    start, end = _changed_region(old, new)
    return start, len(old) - (len(new) - end), end


def _changed_region(old: tuple[object, ...], new: tuple[object, ...]) -> tuple[int, int]:
    """``[start, end)`` of ``new`` outside its longest common prefix and suffix with ``old``."""
    shortest = min(len(old), len(new))
    start = _common(old, new, shortest)
    tail = _common(old[::-1], new[::-1], shortest - start)
    return start, len(new) - tail


def _common(a: tuple[object, ...], b: tuple[object, ...], most: int, step: int = 256) -> int:
    """How many items ``a`` and ``b`` share from their start, at most ``most``: compared a
    slice at a time (in C), then item by item in the slice that differs, as a busy actor's
    list has thousands of articles."""
    start = 0
    while start + step <= most and a[start:start + step] == b[start:start + step]:
        start += step
    while start < most and a[start] == b[start]:
        start += 1
    return start


@dataclass(frozen=True, slots=True)
class StatePatch:
    """Where a ``RelatedState`` differs from an earlier one of an archive of the same shape
    (the same articles and dates in the same order, the same actors and weights): the
    fingerprints of one span of the order, and the entries of the actors whose ranks changed.
    A build that edits an article's words changes its fingerprint and nothing else: saving
    this rather than the whole state (a tenth of a MB rather than tens, pickled in a
    millisecond rather than a fifth of a second at 50,000 articles)."""

    start: int
    order: tuple[tuple[object, ...], ...]  # the fingerprints from ``start``
    # Per actor whose list changed (an article that gained or lost it): its weight, and the
    # span of its ranks replaced (from, to) by these (a busy actor's list is thousands long,
    # its change one or two).
    actors: Mapping[str, tuple[int, int, int, tuple[int, ...]]]
    shown: bytes = b""  # the ``RelatedState.shown`` of the span of ``order``


# The largest span a patch holds, as a share of the archive: edits far apart make one span
# from the first to the last, and past this the whole state is saved again (and is the base
# of the next patches).
PATCH_SHARE = 32


def state_patch(base: RelatedState, state: RelatedState, span: tuple[int, int, int] | None = None
                ) -> StatePatch | None:
    """``state`` as a patch of ``base``, or None when it is of another shape (or the patch
    would be large: see ``PATCH_SHARE``). ``span``: their ``changed_span``, when known."""
    if (base.salt, base.notes, base.translated, base.stamps) != (state.salt, state.notes, state.translated,
                                                                  state.stamps):
        return None
    if len(base.order) != len(state.order) or base.actors.keys() != state.actors.keys():
        return None
    if len(base.shown) != len(state.shown):
        return None
    start, end = (span[0], span[2]) if span else _changed_region(base.order, state.order)
    if (end - start) * PATCH_SHARE > max(len(state.order), PATCH_SHARE * 64):
        return None
    # Only an actor of a fingerprint in the span can have other ranks: its articles' ranks
    # are the same places of an order of the same length (an article that gained or lost
    # the actor is in the span).
    touched = _actors_of((*base.order[start:end], *state.order[start:end]))
    actors = {actor_id: _list_patch(base.actors[actor_id], state.actors[actor_id]) for actor_id in touched
              if actor_id in state.actors and state.actors[actor_id] != base.actors[actor_id]}
    return StatePatch(start, state.order[start:end], actors, state.shown[start * SHOWN_SIZE:end * SHOWN_SIZE]
                      if state.shown else b"")


def _list_patch(old: tuple[int, tuple[int, ...]], new: tuple[int, tuple[int, ...]]
                ) -> tuple[int, int, int, tuple[int, ...]]:
    """An actor's entry in ``RelatedState.actors`` as (weight, from, to, ranks): the span of
    the old list that the ranks replace."""
    start, end = _changed_region(old[1], new[1])
    return new[0], start, len(old[1]) - (len(new[1]) - end), new[1][start:end]


def patched(base: RelatedState, patch: StatePatch) -> RelatedState:
    """``base`` with ``patch`` applied: the state ``state_patch`` was given."""
    end = patch.start + len(patch.order)
    order = (*base.order[:patch.start], *patch.order, *base.order[end:])
    actors = dict(base.actors)
    for actor_id, (weight, start, stop, ranks) in patch.actors.items():
        items = base.actors[actor_id][1]
        actors[actor_id] = (weight, (*items[:start], *ranks, *items[stop:]))
    shown = _spliced(base.shown, patch.start, end, patch.shown) if base.shown else b""
    return RelatedState(base.salt, actors, order, base.stamps, base.notes, base.translated, shown)
