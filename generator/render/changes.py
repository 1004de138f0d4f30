"""Which pages of a list a rebuild can take from the last build without making their keys.

A list page (the archive, an outlet's, a topic's or an actor's pages) is keyed by what it
shows of each of its articles, so checking it means spelling out and hashing the fingerprints
of every article of the list: a rebuild after a one-article edit did that for the whole
archive several times over, in proportion to the archive, not to the edit.

The last build's related state (``related.RelatedState``) keeps every article's fingerprint
and date in rank order (newest first). Compared with this build's, the lists share a run of
articles at the newest end and a run at the oldest end; what lies between is the changed
region, bounded by its newest and oldest dates. In any list of articles, newest first:

- its members dated after the region, and those dated before it, are the same articles
  (same fingerprints) in the same order in both builds, since a list's membership is a
  function of its articles' fingerprints (actors, outlet and topics are in them);
- how many of its members lay within the region's dates last time follows from this
  build's count and the region's fingerprints on both sides.

Pages are cut from the oldest end (``pages.site.paginate``), so a page whose place in the
list lies wholly among the members dated before the region, or, when the list kept its
length, wholly outside the region, shows the same articles as last time. With the same
salt (templates, settings, site-wide values) and the same pagination, its key is the one
recorded, and the recorded file is reused (or made again if it changed on disk).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.core.model import Article
from generator.render.related import RelatedState, changed_span

Fingerprint = tuple[object, ...]


def _age(article: Article) -> float:
    """The bisection key of a list sorted newest first."""
    return -article.date.timestamp()


def every_article(_fingerprint: Fingerprint) -> bool:
    """``holds`` of the archive, which lists every article."""
    return True


def with_actor(actor_id: str) -> Callable[[Fingerprint], bool]:
    """``holds`` of an actor's list (a fingerprint's third item is the article's actors)."""
    return lambda fingerprint: actor_id in fingerprint[2]  # type: ignore[operator]


def with_term(kind: str, term_id: str) -> Callable[[Fingerprint], bool]:
    """``holds`` of an outlet's or a topic's list (a fingerprint's last item is the article's
    terms, each as (kind, id, slug, name, lang))."""
    return lambda fingerprint: any(t[0] == kind and t[1] == term_id for t in fingerprint[5])  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ListChanges:
    """The region of the archive that differs from the last build: its dates (``newest``,
    ``oldest``, inclusive) and its articles' fingerprints then (``old``) and now (``new``).
    Both empty: nothing differs."""

    newest: float
    oldest: float
    old: tuple[Fingerprint, ...]
    new: tuple[Fingerprint, ...]
    notes_same: bool = True  # the editions' notes are the last build's

    def kept_periods(self, spans: Sequence[tuple[float, float]]) -> frozenset[int]:
        """The places in ``spans`` (periods of time ``[start, end)``, newest first, each
        the whole time its period's list may hold, such as an edition's) whose list and
        whose neighbours in ``spans`` are the last build's. A period wholly before or after
        the region holds the same articles; its neighbour on the region's side is the same
        when that neighbour is also on the same side (nothing between them changed), and its
        neighbour on the other side always is."""
        if not self.old and not self.new:
            return frozenset(range(len(spans)))
        sides = [self._side(start, end) for start, end in spans]
        kept = []
        for place, side in enumerate(sides):
            toward = place - 1 if side < 0 else place + 1  # the neighbour on the region's side
            if side and 0 <= toward < len(sides) and sides[toward] == side:
                kept.append(place)
        return frozenset(kept)

    def kept_period(self, start: float, end: float) -> bool:
        """Whether the period ``[start, end)`` lies wholly before or after the region, so
        that a list of the articles dated within it is the last build's (``kept_periods``
        without the neighbours, for a file that shows its own period only)."""
        return (not self.old and not self.new) or self._side(start, end) != 0

    def _side(self, start: float, end: float) -> int:
        """-1: the period ``[start, end)`` ends before the region; 1: it begins after it; 0:
        it meets it."""
        return -1 if end <= self.oldest else 1 if start > self.newest else 0

    def kept_pages(self, items: Sequence[Article], holds: Callable[[Fingerprint], bool],
                   per_page: int) -> frozenset[int]:
        """The numbers of the pages of ``items`` (a list newest first, paginated by
        ``per_page``) that show what they showed last time, with the same pagination;
        ``holds`` tells whether an article, by its fingerprint, belongs to the list."""
        count = len(items)
        sealed = _sealed(count, per_page)
        if not self.old and not self.new:
            return frozenset(range(sealed + 1))
        newer = bisect_left(items, -self.newest, key=_age)
        older = count - bisect_right(items, -self.oldest, key=_age)
        within = count - newer - older
        before = within + sum(map(holds, self.old)) - sum(map(holds, self.new))
        if within == before:  # the same length: only pages over the region differ
            return frozenset(n for n in range(sealed + 1) if not _overlaps(n, sealed, count, per_page, older, within))
        sealed_before = _sealed(count - within + before, per_page)
        if (sealed > 0) != (sealed_before > 0):
            return frozenset()
        return frozenset(n for n in range(1, min(sealed, sealed_before) + 1)
                         if n * per_page <= older and (n == sealed) == (n == sealed_before))


def _sealed(count: int, per_page: int) -> int:
    """How many numbered pages a list of ``count`` has (see ``pages.site.paginate``)."""
    return max(0, count // per_page - 1)


def _overlaps(number: int, sealed: int, count: int, per_page: int, start: int, length: int) -> bool:
    """Whether page ``number`` holds any of the places ``[start, start + length)``, counted
    from the oldest end."""
    if length == 0:
        return False
    first, end = (sealed * per_page, count) if number == 0 else ((number - 1) * per_page, number * per_page)
    return first < start + length and start < end


def list_changes(previous: RelatedState | None, current: RelatedState | None,
                 span: tuple[int, int, int] | None = None) -> ListChanges | None:
    """The changed region between two builds' states; None when either is unknown or the
    salts differ (then every page is checked by its key). ``span``: their ``changed_span``,
    when the caller has it."""
    if previous is None or current is None or previous.salt != current.salt:
        return None
    start, old_end, new_end = span or changed_span(previous, current)
    stamps = (*previous.stamps[start:old_end], *current.stamps[start:new_end])
    notes_same = previous.notes == current.notes
    if not stamps:
        return ListChanges(0.0, 0.0, (), (), notes_same)
    return ListChanges(max(stamps), min(stamps), previous.order[start:old_end], current.order[start:new_end],
                       notes_same)
