"""List pages a rebuild keeps without their keys: only those showing what they showed."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, time, timedelta, timezone

import pytest

from generator.content.editions import group_editions
from generator.core.model import SOURCE, Article, Term
from generator.pages.site import paginate
from generator.render.changes import ListChanges, every_article, list_changes, with_actor, with_term
from generator.render.related import related_index, related_state
from tests.unit.render.test_related import site_of

TZ = timezone(timedelta(hours=3))
START = datetime(2026, 1, 1, 9, tzinfo=TZ)
ACTORS = ("syria", "party", "un", "army", "press")
OUTLETS = ("one", "two")
PER_PAGE = 4


def _article(n: int, rng: random.Random, hours: int | None = None) -> Article:
    """An article every two hours on average, so that some share a date (ties)."""
    outlet = rng.choice(OUTLETS)
    return Article(rel=f"content/articles/{n}.md", id=f"a{n:04d}", slug=f"a{n:04d}", title=f"t{n}",
                   date=START + timedelta(hours=rng.randint(0, 300) if hours is None else hours),
                   lang="ar", body=b"", summary="", source_digest=f"d{n}",
                   actors=tuple(rng.sample(ACTORS, rng.randint(0, 2))),
                   terms=(Term(SOURCE, outlet, outlet, outlet, "ar"),))


def _change(articles: list[Article], kind: str, rng: random.Random) -> list[Article]:
    changed = list(articles)
    at = rng.randrange(len(changed))
    one = changed[at]
    if kind == "edit":
        changed[at] = dataclasses.replace(one, source_digest=one.source_digest + "x")
    elif kind == "date":
        changed[at] = dataclasses.replace(one, source_digest=one.source_digest + "x",
                                          date=one.date + timedelta(hours=rng.randint(-30, 30)))
    elif kind == "actors":
        changed[at] = dataclasses.replace(one, actors=("press",) if one.actors != ("press",) else ("un",))
    elif kind == "outlet":
        other = "two" if one.terms[0].id == "one" else "one"
        changed[at] = dataclasses.replace(one, terms=(Term(SOURCE, other, other, other, "ar"),))
    elif kind == "add":
        changed.append(_article(10_000, rng))
    elif kind == "add newest":
        changed.append(_article(10_000, rng, hours=301))
    else:
        del changed[at]
    return changed


def _lists(articles: list[Article]) -> dict[str, tuple[tuple[Article, ...], object]]:
    """Every list a site shows, newest first, with its ``holds``."""
    site = site_of(articles)
    lists: dict[str, tuple[tuple[Article, ...], object]] = {"archive": (site.articles, every_article)}
    for actor_id in ACTORS:
        lists[f"actor {actor_id}"] = (site.by_actor.get(actor_id, ()), with_actor(actor_id))
    for outlet in OUTLETS:
        members = tuple(a for a in site.articles if a.terms[0].id == outlet)
        lists[f"outlet {outlet}"] = (members, with_term(SOURCE, outlet))
    return lists


def _shown(articles: tuple[Article, ...]) -> dict[int, tuple[object, ...]]:
    """Each page's articles (by fingerprint) and what its pagination shows."""
    return {page.number: (tuple(a.fingerprint for a in page.items), page.sealed > 0, page.number == page.sealed)
            for page in paginate(articles, PER_PAGE)}


def _state(articles: list[Article], salt: str = "salt"):
    return related_state(related_index(site_of(articles)), salt)


KINDS = ["edit", "date", "actors", "outlet", "add", "add newest", "remove"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(8))
def test_kept_pages_show_what_they_showed(kind: str, seed: int) -> None:
    rng = random.Random(seed)
    before = [_article(n, rng) for n in range(150)]
    after = _change(before, kind, rng)
    changes = list_changes(_state(before), _state(after))
    assert changes is not None
    old, new = _lists(before), _lists(after)
    kept_somewhere = 0
    for name, (items, holds) in new.items():
        kept = changes.kept_pages(items, holds, PER_PAGE)
        was, now = _shown(old[name][0]), _shown(items)
        for number in kept:
            assert was.get(number) == now[number], (name, number)
        kept_somewhere += len(kept)
    if kind in ("edit", "add newest"):
        # Only the pages over the changed article and those sharing its date differ (at most
        # two of a list here; the newest page and the one a new page seals for an addition).
        archive = new["archive"][0]
        assert len(changes.kept_pages(archive, every_article, PER_PAGE)) >= len(_shown(archive)) - 2
        assert kept_somewhere >= sum(len(_shown(items)) for items, _ in new.values()) - 2 * len(new)


def test_nothing_changed_keeps_every_page_and_another_salt_none() -> None:
    rng = random.Random(1)
    articles = [_article(n, rng) for n in range(40)]
    changes = list_changes(_state(articles), _state(articles))
    assert changes == ListChanges(0.0, 0.0, (), ())
    assert changes.kept_pages(tuple(articles), every_article, PER_PAGE) == frozenset(range(10))
    assert list_changes(_state(articles), _state(articles, "other salt")) is None
    assert list_changes(None, _state(articles)) is None


def test_a_list_that_grew_keeps_only_its_pages_older_than_the_change() -> None:
    rng = random.Random(2)
    before = [_article(n, rng, hours=n) for n in range(20)]  # one an hour: 20 articles, pages 0 and 1..3
    after = [*before[:10], _article(99, rng, hours=9), *before[10:]]  # one more, dated among the older half
    changes = list_changes(_state(before), _state(after))
    ordered = tuple(sorted(after, key=lambda a: a.date, reverse=True))
    # Oldest first, places 0-8 are older than the new article (the ties at hour 9 are not
    # counted as older): only page 1 (places 0-3) and page 2 (4-7) keep their articles.
    assert changes.kept_pages(ordered, every_article, PER_PAGE) == frozenset({1, 2})


def _editions(articles: list[Article]) -> dict[str, tuple[object, ...]]:
    """Each daily edition by its key: its articles (by fingerprint) and its neighbours' keys."""
    editions = group_editions(site_of(articles).articles, TZ, "daily")
    keys = [e.key for e in editions]
    return {e.key: (tuple(a.fingerprint for a in e.articles), keys[i - 1] if i else None,
                    keys[i + 1] if i + 1 < len(keys) else None) for i, e in enumerate(editions)}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("hours", [300, 3000])
def test_kept_editions_show_what_they_showed(kind: str, seed: int, hours: int) -> None:
    """An edition kept by ``kept_periods`` (spans as ``pages.editions`` makes them) has the
    articles and the neighbours it had, in a busy digest and in one with days between its
    editions; an edit keeps all but the editions around it."""
    rng = random.Random(seed)
    before = [_article(n, rng, hours=rng.randint(0, hours)) for n in range(150)]
    after = _change(before, kind, rng)
    changes = list_changes(_state(before), _state(after))
    editions = group_editions(site_of(after).articles, TZ, "daily")
    day = timedelta(days=1)
    spans = [(datetime.combine(e.day - day, time(0), TZ).timestamp(),
              datetime.combine(e.day + 2 * day, time(0), TZ).timestamp()) for e in editions]
    kept = changes.kept_periods(spans)
    was, now = _editions(before), _editions(after)
    for place in kept:
        key = editions[place].key
        assert was.get(key) == now[key], key
    alone = {place for place, span in enumerate(spans) if changes.kept_period(*span)}
    assert kept <= alone, "a period kept with its neighbours is kept alone"
    for place in alone:  # its own articles, whatever its neighbours
        key = editions[place].key
        assert was.get(key, ())[:1] == now[key][:1], key
    if kind == "edit":
        assert len(kept) >= len(editions) - 5
