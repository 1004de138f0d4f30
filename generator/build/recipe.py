"""The archive-wide decisions of the last build, kept so that an edit of an article's text,
or an article added, can skip them.

Most of what an edit's build costs beyond the edit itself is deciding again, for every
article of the archive, what the last build decided: which are published, where each goes
(URL suffixes settle collisions), which actors each names, which outlet and topics it is
filed under, how the archive groups into actors' lists, outlets, topics and editions. At
50,000 articles that is over a second and a half of every edit (reading and placing 0.5 s,
tagging and filing 1.2 s), at 10,000 a sixth of one, and an edit of an article's text
changes none of it.

So a build that made those decisions keeps them (``Recipe``: each article's URL, actors,
outlet and topics; every list as positions in the archive's order; the diagnostics and the
clock's next turn). The next build applies it instead, when:

- nothing it was made from has changed but the text of articles: the same articles (no file
  added, gone or renamed), the same settings, registry, outlets, notes, theme, mawjaz and
  options (``Snapshot.frame``: the snapshot of every input but the article files), the
  same build settings and the same problems found while reading;
- every article read anew is, but for its words (``TEXT``: title, body, summary, byline and
  what the cleaner removed), the article it was: same id, slug, date, language, source,
  topics, listed actors, draft mark, links and redirects, front-matter lines and warnings,
  and the same actors found in its text;
- the clock has not reached an article's date (or the day a far-future warning lapses).

Then each article is made from the article as read now, with its recipe's URL, actors,
outlet and topics, and every list from the recipe's positions: what tagging and filing
would make, since none of what they read changed.

An article added (a curator's every day) is one more such case (``grown``): when the rest
is as above and the newcomer changes nothing the archive decided but the lists it joins
(published, without warnings, topics, links, redirects or an outlet the archive does not
use yet; its URL placed as the whole way places it, every other URL unchanged), it is put
where the whole way puts it (in the archive's order, its actors' and its outlet's lists, its
edition, its search shard) and every later position moves one on. That build publishes a
site of another shape (a new URL), and keeps the grown recipe as a build that took the whole
way keeps its own.

Anything else takes the whole way (and makes a new recipe). The build writes the same bytes
either way; the incremental tests build both ways and compare, and the recipe a build grows
is the one the whole way makes of the same articles.

What keeps a recipe true to the cache's articles and to the site last published: a build
that takes the whole way drops the recipe before it saves a changed article
(``pipeline._read``), and once it has finished keeps its own recipe, or none when it could
not trust its inputs' stat (see ``fingerprint.settled``), and so does a build that grows one;
a build that follows one as it is saves only articles that match it, and publishes a site of
the same shape. So whenever a recipe is in the
cache, every article the cache holds matches it, and the last site published has its shape:
a build that follows it takes the files made of that shape alone as they were written (the
sitemap, the manifest of URLs, ``_redirects``: see ``render.Reuse.shaped``), and remakes only
the keys of the search shards whose articles were edited since the recipe was made
(``SearchRecipe``).
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import generator.pages.search as search  # by module: the index's rule is seen as it is now
from generator.actors.outlets import OutletRegistry, SourceNames, outlet_named
from generator.actors.taxa import shown, topic_key
from generator.cache.store import BuildCache, Entry, load_signed, remove_signed, save_signed
from generator.content.articles import Checked
from generator.content.editions import Edition, edition_day
from generator.core.config import BuildSettings, SiteConfig
from generator.core.diagnostics import Diagnostic
from generator.core.model import SOURCE, Actor, Article, Outlet, Site, Source, Taxa, Term, frozen_map, replacing
from generator.pages.search import Shard
from generator.render.related import IndexShape, RelatedIndex, index_shape

RECIPE = "recipe.pickle"

# What an edit of an article's words changes, and no archive-wide step reads: the title
# (the slug made from it is compared), body, summary, byline, the lines the cleaner removed,
# and the hash of the file's bytes.
TEXT = frozenset({"title", "body", "summary", "byline", "removed_lines", "source_digest"})
_SHAPE = attrgetter(*(name for name in Article.__slots__ if name not in TEXT))
_DATES = attrgetter("date", "published", "updated")
_CHECKED_REST = attrgetter(*(name for name in Checked.__slots__ if name != "article"))
_DIGEST = attrgetter("source_digest")

# rel, path, scheduled, actors, terms, source: the fields of a site's article that its
# archive-wide steps set, the rest being the article as read; a path or source of None is
# the one it was read with (most are: the recipe of 10,000 articles was 3 MB with them all).
Filing = tuple[str, str | None, bool, tuple[str, ...], tuple[Term, ...], Source | None]
Lists = tuple[tuple[str, tuple[int, ...]], ...]  # key -> positions in the site's articles
# A search shard: language, number, count, bundle, its articles' positions, key, and the
# digest of its articles' files (``_texts``) the key was made for.
Planned = tuple[str, int, int, bool, tuple[int, ...], str, str]

_filed = replacing(Article, ("path", "scheduled", "actors", "terms", "source"), "_filed")


@dataclass(frozen=True, slots=True)
class Recipe:
    """What the archive-wide steps of a build decided (see the module's docstring)."""

    frame: str  # ``Snapshot.frame`` of the build that made it
    settings: BuildSettings
    files: int  # article files the cache held
    read_problems: tuple[Diagnostic, ...]  # found while reading the articles
    placement: tuple[Diagnostic, ...]  # ``check_placement``'s, looked at again (the output's folder)
    placed: tuple[Diagnostic, ...]  # placing the articles' URLs gave (``permalinks.place_articles``)
    filings: tuple[Filing, ...]  # the site's articles, newest first
    by_actor: Lists
    outlets: tuple[Outlet, ...]
    by_outlet: Lists
    topics: tuple[Term, ...]
    by_topic: Lists
    editions: tuple[tuple[date, tuple[int, ...]], ...] | None
    build_date: datetime
    notes: Mapping[str, Any]
    diagnostics: tuple[Diagnostic, ...]  # the build's, sorted
    horizon: datetime | None  # when the clock next changes what is published
    until: datetime | None  # when the clock next changes anything here (a warning too)
    search: SearchRecipe | None = None  # the search index's shards, with search on
    # The related index of the recipe's site but its articles (kept by ``with_related``
    # once the build has made it): a build that follows the recipe makes it from the site's
    # articles without ranking them again (``related.shaped_index``).
    related: IndexShape | None = None


@dataclass(frozen=True, slots=True)
class SearchRecipe:
    """The search plan (``pages.search.plan_shards``) of the recipe's site: which articles
    each shard holds, in order, and its key. An edit of words changes the key of the shards
    of the articles edited only (their bytes are in it); planning the archive again was 0.2 s
    of an edit at 50,000 articles. Each shard's key is the recipe's build's: it is made again
    when the digest of its articles' files is not the one it was made for, whichever build
    since edited them (see ``replanned``)."""

    salt: str  # ``plan_salt``: the index's rule and the settings
    rules: tuple[tuple[str, str], ...]  # each language's keys rule (``KEYS_RULE``)
    shards: tuple[Planned, ...]


def recipe_of(frame: str, settings: BuildSettings, cache: BuildCache, read_problems: Sequence[Diagnostic],
              placement: Sequence[Diagnostic], placed: Sequence[Diagnostic], site: Site,
              diagnostics: tuple[Diagnostic, ...], horizon: datetime | None, until: datetime | None) -> Recipe | None:
    """The recipe of ``site`` as a build made it; None when a list holds an article that is
    not one of the site's own (the positions could not say it)."""
    place = _places(site)
    try:
        by_actor = _positions(site.by_actor, place)
        by_outlet = _positions(site.taxa.by_outlet, place)
        by_topic = _positions(site.taxa.by_topic, place)
        editions = None if site.editions is None else tuple(
            (edition.day, _at(place, edition.articles)) for edition in site.editions)
    except KeyError:
        return None
    filings = _filings(site.articles, cache.entries)
    if filings is None:
        return None
    return Recipe(frame, settings, len(cache.entries), tuple(read_problems), tuple(placement), tuple(placed), filings,
                  by_actor, site.taxa.outlets, by_outlet, site.taxa.topics, by_topic, editions,
                  site.build_date, site.notes, diagnostics, horizon, until)


def _filings(articles: Sequence[Article], entries: Mapping[str, Entry]) -> tuple[Filing, ...] | None:
    """Each of ``articles`` as filed, against its article as read. Equal tuples of actors and
    of terms are kept once (the articles of an outlet share one), and so pickled once; terms
    are told equal by the identity of each (filing makes each term once), as hashing them
    field by field took as long as the rest of a recipe's making."""
    actors: dict[tuple[str, ...], tuple[str, ...]] = {}
    terms: dict[tuple[int, ...], tuple[Term, ...]] = {}
    filings = []
    for article in articles:
        entry = entries.get(article.rel)
        read = getattr(entry.outcome, "article", None) if entry is not None else None
        if read is None:
            return None
        path = None if article.path == read.path else article.path
        source = None if article.source is read.source or article.source == read.source else article.source
        filings.append((article.rel, path, article.scheduled, actors.setdefault(article.actors, article.actors),
                        terms.setdefault(tuple(map(id, article.terms)), article.terms), source))
    return tuple(filings)


def with_search(recipe: Recipe, shards: Sequence[Shard], site: Site) -> Recipe:
    """``recipe`` with the search plan of its ``site`` (``shards``, holding the site's own
    articles: see ``pages.search.rebound``)."""
    place = _places(site)
    try:
        planned = tuple((s.language, s.number, s.count, s.bundle, _at(place, s.articles), s.key, _texts(s.articles))
                        for s in shards)
    except KeyError:
        return recipe
    rules = tuple((lang, search.KEYS_RULE) for lang in sorted({s.language for s in shards}))
    return dataclasses.replace(recipe, search=SearchRecipe(search.plan_salt(site), rules, planned))


def replanned(recipe: Recipe, site: Site) -> tuple[Shard, ...] | None:
    """The search plan of ``site``, made by the recipe (which it follows) from the articles
    as they are now: only the keys of the shards whose articles' files are not those the
    recipe's build keyed (``_texts``) are made again. Not only those this build read again:
    a build that follows a recipe keeps it as it was, so a shard edited by an earlier such
    build has its recipe's key still, and taken as it was, its files (indexed from the edited
    text) would later pass for a shard whose article was written back as the recipe's build
    read it. None when the recipe has no plan, or the index's rule, the settings or the
    shards' capacity changed."""
    planned = recipe.search
    if planned is None or search.plan_salt(site) != planned.salt:
        return None
    if any(rule != search.KEYS_RULE for _lang, rule in planned.rules):
        return None
    held_in: dict[str, int] = {}
    for lang, _number, _count, _bundle, positions, _key, _digest in planned.shards:
        held_in[lang] = held_in.get(lang, 0) + len(positions)
    if any(count != search.shard_count(held_in[lang]) for lang, _n, count, _b, _p, _k, _d in planned.shards):
        return None
    rules = dict(planned.rules)
    pick = site.articles.__getitem__
    shards = []
    for lang, number, count, bundle, positions, key, texts in planned.shards:
        held = tuple(map(pick, positions))
        if _texts(held) != texts:
            key = search.shard_key(planned.salt, lang, rules[lang], number, count, bundle, held)
        shards.append(Shard(lang, number, count, held, key, bundle))
    return tuple(shards)


def _texts(articles: Iterable[Article]) -> str:
    """A digest of the digests of ``articles``' files: of all a shard's key holds, what an
    edit that follows a recipe can change (see ``TEXT``)."""
    return hashlib.blake2b("\0".join(map(_DIGEST, articles)).encode(), digest_size=16).hexdigest()


def _places(site: Site) -> dict[int, int]:
    """Each of the site's articles (by identity) -> its position."""
    return dict(zip(map(id, site.articles), range(len(site.articles)), strict=True))


def _at(place: Mapping[int, int], articles: Iterable[Article]) -> tuple[int, ...]:
    """The positions of ``articles``; KeyError for one that is not the site's."""
    return tuple(map(place.__getitem__, map(id, articles)))


def _positions(lists: Mapping[str, Sequence[Article]], place: Mapping[int, int]) -> Lists:
    return tuple((key, _at(place, items)) for key, items in lists.items())


def read_again(previous: BuildCache, entries: Mapping[str, Entry]
               ) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """The articles of ``entries`` (this build's) that ``previous`` (the last build's cache)
    had not (by file), and those it had that were read again, each the same but for its
    words (``same_shape``); None when another changed otherwise or one of ``previous`` is
    gone. An entry read again is a new object; only those are compared. Told before a recipe
    is loaded: a change of a date needs none."""
    if len(entries) < len(previous.entries):
        return None
    before = previous.entries.get
    new, edited = [], []
    for rel, entry in entries.items():
        old = before(rel)
        if old is entry:
            continue
        if old is None:
            new.append(rel)
        elif same_shape(old, entry):
            edited.append(rel)
        else:
            return None
    if len(entries) - len(new) != len(previous.entries):
        return None
    return tuple(new), frozenset(edited)


def fits(recipe: Recipe | None, frame: str, settings: BuildSettings, now: datetime, files: int,
         read_problems: Sequence[Diagnostic]) -> bool:
    """Whether a build of ``files`` articles (the same, but for their words, as the last
    build's: see ``words_only``) whose inputs but the articles are ``frame`` may apply
    ``recipe`` (see the module's docstring)."""
    if recipe is None or not frame or recipe.frame != frame or recipe.settings != settings:
        return False
    if recipe.until is not None and now >= recipe.until:
        return False
    return files == recipe.files and tuple(read_problems) == recipe.read_problems


def same_shape(old: Entry, new: Entry) -> bool:
    """Whether ``new`` differs from ``old`` in the article's words only (``TEXT``). Dates are
    compared as written (offset and zone), not only as instants: a page shows them so."""
    a, b = old.outcome, new.outcome
    return (isinstance(a, Checked) and isinstance(b, Checked) and old.found == new.found
            and old.context == new.context and old.found_context == new.found_context
            and _SHAPE(a.article) == _SHAPE(b.article) and _CHECKED_REST(a) == _CHECKED_REST(b)
            and list(map(repr, _DATES(a.article))) == list(map(repr, _DATES(b.article))))


def grown(recipe: Recipe, added: Article, path: str | None, ids: tuple[str, ...], outlets: OutletRegistry,
          entries: Mapping[str, Entry], config: SiteConfig) -> Recipe | None:
    """``recipe`` with ``added``, an article new to the digest (as read; published, at ``path``
    when placing gave it another than its own), where the whole way would put it: in the
    archive's order, its actors' lists (``ids``: its actors, tagged), its outlet's and its
    topics' lists, its edition (a new one for a new day) and its search shard, every later
    position one on; None when its coming would change anything else the recipe holds. So a
    build that adds an article (a curator's every day) decides the rest of the archive no
    more than an edit of words does.

    Left to the whole way: an outlet or a topic the archive has not, or that would show
    otherwise with it (a group is named as most of its articles name it, its address comes
    from its oldest: see ``taxa.shown``), a source given as a URL alone (it joins the outlet
    its host's other articles name most), redirects or a ``translation_of:`` (links between
    articles), a recipe whose build had errors (the new article may be what they miss), a
    date equal, as an instant but written otherwise, to the newest (the build date would be
    another's), a new language or an empty search shard (the index would be cut anew)."""
    if added.redirects or added.translation_of:
        return None
    if any(problem.severity == "error" for problem in recipe.diagnostics):
        return None
    articles = _AsFiled(recipe.filings, entries)
    placed = _made(added, path, False, ids, added.terms, None)  # its place: filing does not move it
    at = bisect.bisect_left(range(len(articles)), _site_order(placed), key=lambda i: _site_order(articles[i]))
    filed = _filed_anew(recipe, added, outlets, articles, _Ages(len(articles), at))
    if filed is None:
        return None
    made = _made(added, path, False, ids, *filed)
    later = _Shift(at)
    editions = None if recipe.editions is None else _with_edition(recipe.editions, made, at, later, config)
    planned = None if recipe.search is None else _with_shard(recipe.search, made, at, later, articles)
    if recipe.search is not None and planned is None:
        return None
    stamp, build_date = made.updated or made.date, recipe.build_date
    if config.build_date is None:
        if stamp == build_date and repr(stamp) != repr(build_date):
            return None
        build_date = max(build_date, stamp)  # a tie is one date, written alike (above)
    by_actor = tuple((key, _joined(later(positions), at, made, articles, _actor_order) if key in made.actors
                      else later(positions)) for key, positions in recipe.by_actor)
    outlet = made.outlet
    by_outlet = _with_term(recipe.by_outlet, () if outlet is None else (outlet.id,), at, later)
    by_topic = _with_term(recipe.by_topic, [term.id for term in made.topic_terms], at, later)
    filing = (added.rel, path, False, made.actors, made.terms, filed[1])
    return dataclasses.replace(
        recipe, files=recipe.files + 1, filings=(*recipe.filings[:at], filing, *recipe.filings[at:]),
        by_actor=by_actor, by_outlet=by_outlet, by_topic=by_topic, editions=editions, build_date=build_date,
        search=planned)


def _with_term(lists: Lists, joined: Sequence[str], at: int, later: _Shift) -> Lists:
    """An outlet's or topic's lists (in the archive's order) with ``at`` in those ``joined``."""
    return tuple((key, tuple(sorted((*later(positions), at))) if key in joined else later(positions))
                 for key, positions in lists)


class _Ages:
    """The age ``taxa.file_articles`` gives each article (its place from the oldest, 0) once
    one more is put at ``at`` of the ``count`` (newest first): the newer ones' one more;
    ``new``, the newcomer's."""

    def __init__(self, count: int, at: int) -> None:
        self.count, self.at, self.new = count, at, count - at

    def __call__(self, position: int) -> int:
        return self.count - 1 - position + (1 if position < self.at else 0)


def _filed_anew(recipe: Recipe, added: Article, outlets: OutletRegistry, articles: _AsFiled, ages: _Ages
                ) -> tuple[tuple[Term, ...], Source | None] | None:
    """What ``taxa.file_articles`` makes of ``added``: its terms (outlet, then topics) and
    the source it shows (None: its own); None when that would change a group (see ``grown``)."""
    topics = _topics_anew(recipe, added, articles, ages)
    source = added.source
    if topics is None or source is None:
        return None if topics is None else (topics, None)
    names = SourceNames()
    name = names.given_name(source)
    host = names.url_host(source.url)
    outlet = outlet_named(outlets, name, host, names) or _unregistered(recipe, outlets, added, name, host, names,
                                                                       articles, ages)
    if outlet is None or outlet not in recipe.outlets:
        return None
    term = Term(SOURCE, outlet.id, outlet.slug, outlet.name(added.lang), outlet.name_lang(added.lang))
    return (term, *topics), (None if name else Source(term.name, source.url))  # a URL alone: named after it


def _unregistered(recipe: Recipe, registry: OutletRegistry, added: Article, name: str, host: str,
                  names: SourceNames, articles: _AsFiled, ages: _Ages) -> Outlet | None:
    """The outlet of the archive that filing groups ``added`` under by its source's ``name``,
    when it shows the same with it (the host ``added`` is from already its own, and no other
    outlet's, so that no article given as a URL alone changes outlet); else None."""
    if not name:
        return None
    key = names.name_key(name)
    lists = dict(recipe.by_outlet)
    others = [o for o in recipe.outlets if o not in registry.outlets]
    for outlet in others:
        if names.name_key(next(iter(outlet.names.values()), "")) != key:
            continue
        uses = []
        for position in lists.get(outlet.id, ()):
            read = articles.read(position)
            given = names.given_name(read.source) if read.source is not None else ""
            if given:  # not a URL alone, which joins a group without naming it
                if names.name_key(given) != key:
                    return None
                uses.append((ages(position), given, read.lang))
        if not uses or (host and (host not in outlet.hosts or any(host in o.hosts for o in others if o != outlet))):
            return None
        return outlet if shown(key, uses) == shown(key, [*uses, (ages.new, name, added.lang)]) else None
    return None


def _topics_anew(recipe: Recipe, added: Article, articles: _AsFiled, ages: _Ages) -> tuple[Term, ...] | None:
    """The archive's topics ``added`` names, in its order, when each shows the same with it."""
    if not added.topics:
        return ()
    terms = {term.id: term for term in recipe.topics}
    lists = dict(recipe.by_topic)
    keys: dict[str, str] = {}  # spelling -> key: a topic's few spellings, on its many articles
    found: list[Term] = []
    for text in added.topics:
        key = keys.setdefault(text, topic_key(text))
        term = terms.get(key)
        if term is None:
            return None
        if term in found:
            continue
        uses = []
        for position in lists.get(key, ()):
            read = articles.read(position)
            spelling = next((t for t in read.topics if keys.setdefault(t, topic_key(t)) == key), None)
            if spelling is None:
                return None
            uses.append((ages(position), spelling, read.lang))
        if not uses or shown(key, uses) != shown(key, [*uses, (ages.new, text, added.lang)]):
            return None
        found.append(term)
    return tuple(found)


class _AsFiled(Sequence[Article]):
    """The recipe's articles as filed, made one at a time when looked at (a few, by bisection)."""

    def __init__(self, filings: Sequence[Filing], entries: Mapping[str, Entry]) -> None:
        self._filings, self._entries = filings, entries

    def __len__(self) -> int:
        return len(self._filings)

    def __getitem__(self, index: int) -> Article:  # type: ignore[override]
        _rel, path, scheduled, ids, terms, source = self._filings[index]
        return _made(self.read(index), path, scheduled, ids, terms, source)

    def read(self, index: int) -> Article:
        """The article at ``index`` as read."""
        article: Article = self._entries[self._filings[index][0]].outcome.article
        return article


def _site_order(article: Article) -> tuple[float, str, str]:
    """Where ``model.newest_first`` puts an article: newest first, then by slug, then URL."""
    return -article.date.timestamp(), article.slug, article.url_path


def _actor_order(article: Article) -> tuple[float, str, str]:
    """Where ``tagging.articles_by_actor`` puts an article in a list: ties by file, then URL."""
    return -article.date.timestamp(), article.rel, article.url_path


class _Shift:
    """Positions of the archive with an article put at ``at``: those from ``at`` on move one on."""

    def __init__(self, at: int) -> None:
        self.at = at

    def __call__(self, positions: tuple[int, ...]) -> tuple[int, ...]:
        at = self.at
        return tuple(p + 1 if p >= at else p for p in positions)


def _joined(positions: tuple[int, ...], at: int, made: Article, articles: _AsFiled,
            order: Any) -> tuple[int, ...]:
    """``positions`` (moved on already) with ``at`` where ``order`` puts ``made`` among them."""
    def order_of(position: int) -> Any:
        return order(articles[position if position < at else position - 1])
    index = bisect.bisect_left(positions, order(made), key=order_of)
    return (*positions[:index], at, *positions[index:])


def _with_edition(editions: tuple[tuple[date, tuple[int, ...]], ...], made: Article, at: int, later: _Shift,
                  config: SiteConfig) -> tuple[tuple[date, tuple[int, ...]], ...]:
    """The editions with ``made`` in its day's (newest first, in the archive's order), a new
    edition for a day that had none."""
    if config.editions not in ("daily", "weekly"):
        return editions
    day = edition_day(made.date, config.tz, config.editions)
    moved = [(d, later(positions)) for d, positions in editions]
    for index, (d, positions) in enumerate(moved):
        if d == day:
            moved[index] = (d, tuple(sorted((*positions, at))))
            return tuple(moved)
    index = bisect.bisect_left(moved, -day.toordinal(), key=lambda item: -item[0].toordinal())
    return (*moved[:index], (day, (at,)), *moved[index:])


def _with_shard(planned: SearchRecipe, made: Article, at: int, later: _Shift, articles: _AsFiled
                ) -> SearchRecipe | None:
    """The plan with ``made`` in its shard (by URL, then file), its digest left stale so that
    ``replanned`` keys it anew; None when its language has no shard, or would be cut anew."""
    lang = search.index_language(made.lang)
    mine = [s for s in planned.shards if s[0] == lang]
    if not mine or search.shard_count(sum(len(s[4]) for s in mine) + 1) != mine[0][2]:
        return None
    number = search.shard_of(made, mine[0][2])
    shards = []
    found = False
    for lang_, n, count, bundle, positions, key, texts in planned.shards:
        positions = later(positions)
        if lang_ == lang and n == number:
            found = True
            positions = _joined(positions, at, made, articles, _shard_order)
            texts = ""
        shards.append((lang_, n, count, bundle, positions, key, texts))
    return dataclasses.replace(planned, shards=tuple(shards)) if found else None


def _shard_order(article: Article) -> tuple[str, str]:
    """Where ``search.plan_shards`` puts an article in its shard: by URL, then file."""
    return article.url_path, article.rel


def site_from(recipe: Recipe, config: SiteConfig, settings: BuildSettings, actors: tuple[Actor, ...],
              outlet_registry: tuple[Outlet, ...], entries: Mapping[str, Entry],
              forms: Mapping[str, bytes]) -> Site:
    """The site the recipe's build would make of the articles of ``entries`` (which ``fits``
    accepted): each article as read now, placed and filed as the recipe says."""
    articles = tuple(_made(entries[rel].outcome.article, path, scheduled, ids, terms, source)
                     for rel, path, scheduled, ids, terms, source in recipe.filings)
    pick = articles.__getitem__
    taxa = Taxa(registry=outlet_registry, outlets=recipe.outlets, by_outlet=_lists(recipe.by_outlet, pick),
                topics=recipe.topics, by_topic=_lists(recipe.by_topic, pick))
    editions = None if recipe.editions is None else tuple(
        Edition(day, tuple(map(pick, positions))) for day, positions in recipe.editions)
    return Site(config=config, settings=settings, articles=articles, actors=actors,
                by_actor=_lists(recipe.by_actor, pick), build_date=recipe.build_date, notes=recipe.notes,
                editions=editions, taxa=taxa, index_forms=forms)


def _made(article: Article, path: str | None, scheduled: bool, actors: tuple[str, ...],
          terms: tuple[Term, ...], source: Source | None) -> Article:
    return _filed(article, article.path if path is None else path, scheduled, actors, terms,
                  article.source if source is None else source)


def _lists(lists: Lists, pick: Any) -> Mapping[str, tuple[Article, ...]]:
    return frozen_map({key: tuple(map(pick, positions)) for key, positions in lists})


def with_related(recipe: Recipe, index: RelatedIndex, site: Site) -> Recipe:
    """``recipe`` with the shape of ``index``, the related index of ``site``, the recipe's
    site (see ``Recipe.related``)."""
    return dataclasses.replace(recipe, related=index_shape(index, site.articles))


def load_recipe(root: Path) -> Recipe | None:
    stored = load_signed(root, RECIPE)
    return stored if isinstance(stored, Recipe) else None


def keep_recipe(root: Path, recipe: Recipe | None) -> None:
    """Save ``recipe`` for the next build, or drop the one kept (None)."""
    if recipe is None:
        drop_recipe(root)
    else:
        save_signed(root, RECIPE, recipe)


def drop_recipe(root: Path) -> None:
    remove_signed(root, RECIPE, set())


def earliest(*moments: datetime | None) -> datetime | None:
    known: Iterable[datetime] = [m for m in moments if m is not None]
    return min(known, default=None)
