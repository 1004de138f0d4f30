"""Related articles: rare shared actors weigh more, then recency, then id; never itself."""

from __future__ import annotations

import dataclasses
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import pytest

from generator.core.config import BuildSettings, SiteConfig
from generator.core.model import Actor, Article, Site
from generator.pages.site import article_page
from generator.render.changes import list_changes
from generator.render.engine import make_context
from generator.render.related import (
    WINDOW,
    RelatedIndex,
    changed_span,
    followed_state,
    index_shape,
    patched,
    related_articles,
    related_index,
    related_state,
    shaped_index,
    shown_digest,
    state_patch,
    unchanged_related,
    unchanged_since,
    with_shown,
)
from generator.render.theme import find_theme

TZ = timezone(timedelta(hours=3))
START = datetime(2026, 11, 1, 9, tzinfo=TZ)


def art(n: int, actors: tuple[str, ...]) -> Article:
    return Article(rel=f"content/articles/{n}.md", id=f"a{n:02d}", slug=f"a{n:02d}", title=f"t{n}",
                   date=START + timedelta(days=n), lang="ar", body=b"", summary="", actors=actors)


def site_of(articles: list[Article]) -> Site:
    ids = sorted({i for a in articles for i in a.actors})
    actors = tuple(Actor(id=i, slug=i, kind="person", names=MappingProxyType({"ar": i})) for i in ids)
    ordered = tuple(sorted(articles, key=lambda a: a.date, reverse=True))
    by_actor = {i: tuple(a for a in ordered if i in a.actors) for i in ids}
    config = SiteConfig(title="t", base_url="https://e.org/")
    return Site(config=config, settings=BuildSettings.of(config), articles=ordered, actors=actors,
                by_actor=MappingProxyType(by_actor), build_date=START)


def ids(articles) -> list[str]:
    return [a.id for a in articles]


# "syria" is everywhere, "party" is rare.
ARTICLES = [
    art(1, ("syria", "party")),      # the article we ask about
    art(2, ("syria",)),
    art(3, ("syria",)),
    art(4, ("party",)),              # old, but shares the rare actor
    art(5, ("syria", "party")),      # shares both
    art(6, ("syria",)),
    art(7, ("syria",)),
    art(8, ("other",)),              # shares nothing
]


def test_rare_actor_outweighs_common_one_and_both_beat_either() -> None:
    site = site_of(ARTICLES)
    found = related_articles(related_index(site), ARTICLES[0])
    assert ids(found) == ["a05", "a04", "a07", "a06", "a03"]


def test_never_itself_never_unrelated_and_at_most_five() -> None:
    site = site_of(ARTICLES)
    index = related_index(site)
    for article in ARTICLES:
        found = related_articles(index, article)
        assert article.id not in ids(found)
        assert "a08" not in ids(found) or article.id == "a08"
        assert len(found) <= 5
    assert related_articles(index, ARTICLES[7]) == ()


def test_equal_scores_prefer_newer_then_smaller_id() -> None:
    twin_a = art(3, ("x",))
    twin_b = Article(**{**{f: getattr(twin_a, f) for f in ("rel", "title", "date", "lang", "body",
                                                              "summary", "actors")},
                        "id": "a00", "slug": "a00"})
    items = [art(1, ("x",)), art(2, ("x",)), twin_a, twin_b]
    site = site_of(items)
    assert ids(related_articles(related_index(site), items[0])) == ["a00", "a03", "a02"]


def test_order_of_input_does_not_matter() -> None:
    forward = related_articles(related_index(site_of(ARTICLES)), ARTICLES[0])
    backward = related_articles(related_index(site_of(list(reversed(ARTICLES)))), ARTICLES[0])
    assert ids(forward) == ids(backward)


def test_related_list_on_the_article_page() -> None:
    site = site_of(ARTICLES)
    ctx = make_context(site, find_theme(Path(__file__).resolve().parents[3]))
    shared = (ctx, related_index(site), frozenset())
    pages = {p.path: p.content.decode() for p in (article_page(shared, a) for a in site.articles)}
    page = pages["articles/a01/index.html"]
    assert "اقرأ أيضاً في الموجز" in page
    links = [page.index(f'href="/articles/{x}/"') for x in ("a05", "a04", "a07")]
    assert links == sorted(links)
    assert 'href="/articles/a01/"' not in page.split('class="related"')[1]
    assert 'class="related"' not in pages["articles/a08/index.html"]


# -- which lists a change can reach --------------------------------------------------------

def _many(count: int, seed: int) -> list[Article]:
    rng = random.Random(seed)
    names = ("syria", "party", "un", "army", "press")
    return [dataclasses.replace(art(n, tuple(rng.sample(names, rng.randint(1, 3)))), source_digest=f"d{n}")
            for n in range(count)]


def _lists(articles: list[Article]) -> dict[str, list[tuple]]:
    index = related_index(site_of(articles))
    return {a.rel: [b.fingerprint for b in related_articles(index, a)] for a in articles}


def _change(articles: list[Article], kind: str, rng: random.Random) -> list[Article]:
    changed = list(articles)
    at = rng.randrange(len(changed))
    one = changed[at]
    if kind == "edit":
        changed[at] = dataclasses.replace(one, source_digest=one.source_digest + "x")
    elif kind == "date":
        changed[at] = dataclasses.replace(one, date=one.date + timedelta(days=rng.randint(-90, 90), minutes=1))
    elif kind == "actors":
        changed[at] = dataclasses.replace(one, actors=("press",) if one.actors != ("press",) else ("un",))
    elif kind == "add":
        changed.append(dataclasses.replace(art(len(changed) + 500, ("syria",)), source_digest="new"))
    else:
        del changed[at]
    return changed


@pytest.mark.parametrize("kind", ["edit", "date", "actors", "add", "remove"])
@pytest.mark.parametrize("seed", range(6))
def test_articles_reported_unchanged_keep_their_related_lists(kind: str, seed: int) -> None:
    rng = random.Random(seed)
    before = _many(600, seed)
    state = related_state(related_index(site_of(before)), "salt")
    after = _change(before, kind, rng)
    unchanged = unchanged_related(state, related_state(related_index(site_of(after)), "salt"))
    old, new = _lists(before), _lists(after)
    assert all(new[i] == old[i] for i in unchanged)
    if kind in ("edit", "add"):
        # an addition too: weights are rounded, so the new article's actors keep theirs
        assert len(unchanged) > 300, "a body edit or an addition disturbs only the windows around it"
    assert unchanged_related(state, related_state(related_index(site_of(after)), "other salt")) == frozenset()


@pytest.mark.parametrize("kind", ["edit", "date", "actors", "add", "remove"])
@pytest.mark.parametrize("seed", range(6))
def test_actors_reported_unchanged_are_those_whose_lists_are_as_they_were(kind: str, seed: int) -> None:
    """An actor is unchanged when its weight and its articles' fingerprints, in order, are
    the last build's: told from the changed span's part of its list alone, it is exactly
    the actors whose whole lists compare equal."""
    rng = random.Random(seed)
    before = _many(600, seed)
    old_index = related_index(site_of(before))
    index = related_index(site_of(_change(before, kind, rng)))
    same = unchanged_since(related_state(old_index, "salt"), related_state(index, "salt"))[1]

    def shown(at: RelatedIndex, actor_id: str) -> tuple[int, list[tuple]]:
        return at.weights.get(actor_id, 0), [at.ranked[r].fingerprint for r in at.lists.get(actor_id, ())]

    assert same == {actor_id for actor_id in index.lists if shown(index, actor_id) == shown(old_index, actor_id)}


def test_an_edit_in_a_busy_actors_list_disturbs_only_its_window() -> None:
    """Every article here names one actor: an edit of the middle one changes the related
    lists within ``WINDOW`` places of it, and no others."""
    before = [art(n, ("syria",)) for n in range(400)]
    after = list(before)
    after[200] = dataclasses.replace(after[200], source_digest="edited")
    unchanged = unchanged_related(related_state(related_index(site_of(before)), "salt"),
                                  related_state(related_index(site_of(after)), "salt"))
    ranked = related_index(site_of(after)).ranked  # newest first
    at = next(i for i, a in enumerate(ranked) if a.source_digest == "edited")
    near = {a.rel for a in ranked[max(0, at - WINDOW):at + 1 + WINDOW]}
    assert unchanged == {a.rel for a in after} - near


@pytest.mark.parametrize("kind", ["edit", "date", "actors", "add", "remove"])
@pytest.mark.parametrize("seed", range(3))
def test_the_changed_span_found_once_gives_what_each_finds_alone(kind: str, seed: int) -> None:
    """A build finds the changed span of two states once and hands it to the unchanged
    articles, the list changes and the state's patch: each gives what it finds by itself."""
    rng = random.Random(seed)
    before = _many(600, seed)
    state = related_state(related_index(site_of(before)), "salt")
    now = related_state(related_index(site_of(_change(before, kind, rng))), "salt")
    span = changed_span(state, now)
    assert unchanged_since(state, now, span) == unchanged_since(state, now)
    assert list_changes(state, now, span) == list_changes(state, now)
    assert state_patch(state, now, span) == state_patch(state, now)


@pytest.mark.parametrize("kind", ["edit", "date", "actors", "add", "remove"])
@pytest.mark.parametrize("seed", range(3))
def test_what_actors_show_is_carried_over_from_the_last_state(kind: str, seed: int) -> None:
    """Every article's ``shown_digest`` is taken from the last build's state where the
    archive is as it was and made for the rest: the same as made for every article, and a
    patch of the state carries it."""
    rng = random.Random(seed)
    before = _many(600, seed)
    old_index = related_index(site_of(before))
    base = with_shown(related_state(old_index, "salt"), old_index, None, None)
    assert base.shown == b"".join(map(shown_digest, old_index.ranked))
    after = _change(before, kind, rng)
    if kind == "edit":  # a new title, which the digest shows (the fingerprint's digest moves too)
        at = next(i for i, a in enumerate(after) if a.source_digest.endswith("x"))
        after[at] = dataclasses.replace(after[at], title=after[at].title + " (corrected)")
    index = related_index(site_of(after))
    now = related_state(index, "salt")
    carried = with_shown(now, index, base, changed_span(base, now))
    assert carried.shown == b"".join(map(shown_digest, index.ranked))
    assert carried.shown != base.shown or kind not in ("edit", "add", "remove")
    patch = state_patch(base, carried)
    if patch is not None:
        assert patched(base, patch) == carried
    other = with_shown(related_state(index, "other salt"), index, base, changed_span(base, now))
    assert other.shown == carried.shown  # another salt: every digest made again, the same here


# -- the state saved as a patch -----------------------------------------------------------

@pytest.mark.parametrize("kind", ["edit", "date", "actors", "add", "remove"])
@pytest.mark.parametrize("seed", range(6))
def test_a_state_patched_is_the_state_it_was_made_from(kind: str, seed: int) -> None:
    """An edit's state (its words, or its actors) is a small patch of the last one's, and
    patched gives back exactly that state; a change of the archive's shape (a date, an
    addition, a removal) is saved whole."""
    rng = random.Random(seed)
    before = _many(600, seed)
    base = related_state(related_index(site_of(before)), "salt")
    state = related_state(related_index(site_of(_change(before, kind, rng))), "salt")
    patch = state_patch(base, state)
    if kind in ("edit", "actors"):
        assert patch is not None and len(patch.order) == 1
        assert patched(base, patch) == state
        # Only an actor the article gained or lost has other ranks, one place more or less.
        moved = {actor_id for actor_id, (_w, ranks) in state.actors.items()
                 if base.actors.get(actor_id, (0, ()))[1] != ranks}
        assert patch.actors.keys() == moved and (kind == "actors" or not moved)
        assert all(abs((stop - start) - len(ranks)) <= 1 for _w, start, stop, ranks in patch.actors.values())
    else:
        assert patch is None


def test_a_patch_spanning_much_of_the_archive_is_not_made() -> None:
    """Edits far apart make one span from the first to the last: past a share of the
    archive the whole state is saved (and becomes the base of the next patches)."""
    articles = _many(4000, 1)
    base = related_state(related_index(site_of(articles)), "salt")
    edited = list(articles)
    for at in (0, len(edited) - 1):
        edited[at] = dataclasses.replace(edited[at], source_digest="edited")
    state = related_state(related_index(site_of(edited)), "salt")
    assert state_patch(base, state) is None
    assert state_patch(base, related_state(related_index(site_of(edited)), "other salt")) is None
    near = list(articles)
    near[10] = dataclasses.replace(near[10], source_digest="edited")
    state = related_state(related_index(site_of(near)), "salt")
    patch = state_patch(base, state)
    # Its words changed, not its actors: every actor's ranks are as they were.
    assert patch is not None and len(patch.order) == 1 and patch.actors == {}
    assert patched(base, patch) == state


def test_an_index_made_again_from_its_shape_is_the_index_ranking_makes() -> None:
    """A site ordered as the index ranks it keeps no order; one ordered otherwise (equal
    dates: the site goes by slug, the index by id) keeps where each rank's article is."""
    site = site_of(ARTICLES)
    shape = index_shape(related_index(site), site.articles)
    assert shape is not None and shape.order is None
    assert shaped_index(site.articles, shape) == related_index(site)
    tied = [dataclasses.replace(a, date=START, slug=f"s{9 - n:02d}") for n, a in enumerate(ARTICLES)]
    by_slug = dataclasses.replace(site_of(tied), articles=tuple(sorted(tied, key=lambda a: a.slug)))
    index = related_index(by_slug)
    shape = index_shape(index, by_slug.articles)
    assert shape is not None and shape.order is not None and list(shape.order) != sorted(shape.order)
    assert shaped_index(by_slug.articles, shape) == index
    assert [related_articles(shaped_index(by_slug.articles, shape), a) for a in tied] == [
        related_articles(index, a) for a in tied]


def test_a_shape_fits_only_the_articles_it_was_taken_from() -> None:
    site = site_of(ARTICLES)
    index = related_index(site)
    assert index_shape(index, site.articles[1:]) is None
    assert index_shape(index, (*site.articles[1:], art(9, ("syria",)))) is None
    shape = index_shape(index, site.articles)
    assert shape is not None and shaped_index(site.articles[1:], shape) is None


@pytest.mark.parametrize("edits", [0, 1, 2, 7])
@pytest.mark.parametrize("seed", range(3))
def test_a_followed_builds_state_is_the_state_made_in_full(edits: int, seed: int) -> None:
    """Articles edited in their words (another source digest) anywhere in the archive, one
    or several (a build that failed may have saved some): the state and the span are those
    made by fingerprinting every article and comparing."""
    rng = random.Random(seed)
    before = _many(600, seed)
    state = related_state(related_index(site_of(before)), "salt", "notes")
    after = list(before)
    for at in rng.sample(range(len(after)), edits):
        after[at] = dataclasses.replace(after[at], source_digest=after[at].source_digest + "x")
    site = site_of(after)
    shape = index_shape(related_index(site), site.articles)
    assert shape is not None
    index = shaped_index(site.articles, shape)
    assert index is not None
    made = followed_state(state, index, "salt", "notes")
    full = related_state(related_index(site), "salt", "notes")
    assert made == (full, changed_span(state, full))


@pytest.mark.parametrize("kind", ["date", "actors", "add", "remove", "salt"])
def test_a_state_not_of_the_followed_shape_is_left_to_be_made_in_full(kind: str) -> None:
    before = _many(200, 1)
    state = related_state(related_index(site_of(before)), "salt")
    after = before if kind == "salt" else _change(before, kind, random.Random(5))
    assert followed_state(state, related_index(site_of(after)), "other" if kind == "salt" else "salt") is None
