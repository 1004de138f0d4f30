"""Feeds: Atom, RSS 2.0 and JSON Feed for the whole digest, each language, each actor, each
outlet and each topic.

Readers follow the whole digest, or one actor, outlet or topic, so each of those gets a feed
set next to its page (``actors/<slug>/atom.xml``, ``sources/<slug>/``, ``topics/<slug>/``),
whose subtitle says whose feed it is. Per-language sets (``feeds/<lang>/``) exist only when
the digest really mixes languages. This module decides which feed sets exist and what they are
called; ``items`` computes what they say, and ``formats`` lists the files each set has and
the writer of each (``atom_rss``, ``json_feed``).
Everything here is a pure function of the ``Site``: no clock, sorted iteration, so a rebuild of
unchanged content gives identical bytes.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from itertools import compress
from operator import attrgetter, not_

from generator.cache.store import key
from generator.core.labels import autonym, phrase
from generator.core.model import Actor, Article, Outlet, OutputFile, Site, Term
from generator.core.urls import absolute, site_path
from generator.feeds.formats import FILE_NAMES, FORMATS
from generator.feeds.items import feed_articles, make_channel
from generator.render.engine import Reuse, recorded_files, reused_files, spilled
from generator.render.views import Follow, Link

SITE_FOLDER = "feeds/"

# The kinds of feed set, in the order the feeds page and the OPML files list them.
DIGEST, LANGUAGE, ACTOR, SOURCE_KIND, TOPIC_KIND = "digest", "language", "actor", "source", "topic"
FEED_KINDS: tuple[str, ...] = (DIGEST, LANGUAGE, ACTOR, SOURCE_KIND, TOPIC_KIND)


@dataclass(frozen=True, slots=True)
class FeedLink:
    """One feed file, for ``<link rel="alternate">`` and the ``/feeds/`` page.

    ``path`` is relative to the site root and not percent-encoded (``feeds/atom.xml``).
    """

    title: str
    media_type: str
    path: str


@dataclass(frozen=True, slots=True)
class _FeedSet:
    """A feed set before any entry is computed: enough for links, and for outputs later."""

    folder: str
    title: str
    group: str  # heading on the /feeds/ page
    lang: str
    home_path: str
    articles: tuple[Article, ...]
    origin: str
    subtitle: str = ""  # whose feed it is; "" for the whole digest (its description)
    kind: str = DIGEST  # which section of the feeds page and which OPML file lists it
    name: str = ""  # what it follows, plainly ("فرنسا"), for lists already headed by kind
    actor_id: str = ""  # the actor's, for an actor's set


def _languages(site: Site) -> tuple[str, ...]:
    """The languages of the site's published articles. Gathered in C: every page's feed
    links ask, and a loop over 50,000 articles was 0.01 s each time."""
    articles = site.articles
    return tuple(sorted(set(compress(map(_LANG, articles), map(not_, map(_DRAFT, articles))))))


_LANG, _DRAFT = attrgetter("lang"), attrgetter("draft")


def _site_set(site: Site) -> _FeedSet:
    config = site.config
    return _FeedSet(folder=SITE_FOLDER, title=config.title, group=config.title,
                    lang=config.language, home_path="", articles=site.articles,
                    origin="feeds: whole digest", name=phrase(config.language, "labels.feeds_digest"))


def _language_sets(site: Site, articles: bool = True) -> tuple[_FeedSet, ...]:
    """The per-language sets; without their ``articles`` (left empty) for links, which every
    page asks for and which need not go through 10,000s of articles once per language."""
    languages = _languages(site)
    if len(languages) < 2:
        return ()
    config = site.config
    by_lang: dict[str, list[Article]] = {lang: [] for lang in languages}
    if articles:
        for article in site.articles:
            by_lang.get(article.lang, []).append(article)
    sets = []
    for lang in languages:
        name = autonym(lang)
        sets.append(_FeedSet(
            folder=f"{SITE_FOLDER}{lang}/", title=f"{config.title} — {name}", group=name,
            lang=lang, home_path="", articles=tuple(by_lang[lang]),
            origin=f"feeds: language {lang}",
            subtitle=phrase(lang, "feed.in_language", site=config.title, name=name), kind=LANGUAGE, name=name))
    return tuple(sets)


def _actor_set(site: Site, actor: Actor) -> _FeedSet:
    config = site.config
    name = actor.name(config.language)
    return _FeedSet(folder=actor.url_path, title=f"{config.title} — {name}", group=name,
                    lang=config.language, home_path=actor.url_path,
                    articles=tuple(site.by_actor.get(actor.id, ())),
                    origin=f"feeds: actor {actor.id}", actor_id=actor.id,
                    subtitle=phrase(config.language, "feed.about_actor", site=config.title, name=name),
                    kind=ACTOR, name=name)


def _actor_sets(site: Site) -> tuple[_FeedSet, ...]:
    actors = sorted(site.actors, key=lambda a: (a.slug, a.id))
    return tuple(_actor_set(site, actor) for actor in actors)


def _outlet_set(site: Site, outlet: Outlet) -> _FeedSet:
    config = site.config
    name = outlet.name(config.language)
    return _FeedSet(folder=outlet.url_path, title=f"{config.title} — {name}",
                    group=phrase(config.language, "feed.source_heading", name=name),
                    lang=config.language, home_path=outlet.url_path,
                    articles=site.taxa.by_outlet.get(outlet.id, ()), origin=f"feeds: source {outlet.id}",
                    subtitle=phrase(config.language, "feed.from_source", site=config.title, name=name),
                    kind=SOURCE_KIND, name=name)


def _topic_set(site: Site, topic: Term) -> _FeedSet:
    config = site.config
    return _FeedSet(folder=topic.url_path, title=f"{config.title} — {topic.name}",
                    group=phrase(config.language, "feed.topic_heading", name=topic.name),
                    lang=config.language, home_path=topic.url_path,
                    articles=site.taxa.by_topic.get(topic.id, ()), origin=f"feeds: topic {topic.slug}",
                    subtitle=phrase(config.language, "feed.on_topic", site=config.title, name=topic.name),
                    kind=TOPIC_KIND, name=topic.name)


def _term_sets(site: Site) -> tuple[_FeedSet, ...]:
    """Outlets, then topics, each by slug (as ``Taxa`` lists them)."""
    return (*(_outlet_set(site, o) for o in site.taxa.outlets), *(_topic_set(site, t) for t in site.taxa.topics))


def _all_sets(site: Site, articles: bool = True) -> tuple[_FeedSet, ...]:
    """Every feed set, in the order of the feeds page (``articles``: see ``_language_sets``)."""
    return (_site_set(site), *_language_sets(site, articles), *_actor_sets(site), *_term_sets(site))


def _links(feed_set: _FeedSet) -> tuple[FeedLink, ...]:
    return tuple(FeedLink(title=f"{feed_set.title} ({f.short_label})", media_type=f.media_type,
                          path=feed_set.folder + f.file_name)
                 for f in FORMATS)


def follow_of(site: Site, name: str, links: tuple[FeedLink, ...]) -> Follow:
    """The follow control of one feed set (``links``, as the functions below give them):
    its first format's absolute address to copy, and each format by its short name."""
    settings = site.settings
    return Follow(name=name, url=absolute(settings.base_url, links[0].path) if links else "",
                  links=tuple(Link(f.short_label, site_path(settings.base_path, link.path), link.media_type)
                              for f, link in zip(FORMATS, links, strict=True)))


def site_feed_links(site: Site) -> tuple[FeedLink, ...]:
    """The whole digest's feeds, for autodiscovery on every page."""
    return _links(_site_set(site))


def actor_feed_links(site: Site, actor: Actor) -> tuple[FeedLink, ...]:
    """One actor's feeds, for autodiscovery on that actor's page."""
    return _links(_actor_set(site, actor))


def outlet_feed_links(site: Site, outlet: Outlet) -> tuple[FeedLink, ...]:
    """One outlet's feeds, for autodiscovery on its page."""
    return _links(_outlet_set(site, outlet))


def topic_feed_links(site: Site, topic: Term) -> tuple[FeedLink, ...]:
    """One topic's feeds, for autodiscovery on its page."""
    return _links(_topic_set(site, topic))


def language_feed_links(site: Site) -> tuple[FeedLink, ...]:
    """Per-language feeds; empty unless the digest has articles in more than one language."""
    return tuple(link for feed_set in _language_sets(site, articles=False) for link in _links(feed_set))


def feeds_page_groups(site: Site) -> tuple[tuple[str, tuple[FeedLink, ...]], ...]:
    """The ``/feeds/`` page as data: (heading, links) for the digest, each language, each
    actor, each outlet and each topic."""
    return tuple((feed_set.group, _links(feed_set)) for feed_set in _all_sets(site, articles=False))


@dataclass(frozen=True, slots=True)
class FeedSetLinks:
    """One feed set as the feeds page and the OPML files list it: its ``kind`` (``FEED_KINDS``),
    what it follows, the page it follows (``home_path``) and its files."""

    kind: str
    name: str
    home_path: str
    links: tuple[FeedLink, ...]


def feed_sets(site: Site) -> tuple[FeedSetLinks, ...]:
    """Every feed set of the site but the editions' (``feeds.editions``), by kind."""
    return tuple(FeedSetLinks(s.kind, s.name, s.home_path, _links(s)) for s in _all_sets(site, articles=False))


def feed_outputs(site: Site, reuse: Reuse | None = None, spill: str = "",
                 same_actors: frozenset[str] = frozenset()) -> list[OutputFile]:
    """Every feed file of the site, in a fixed order (digest, languages, then actors,
    outlets and topics, each by slug).

    With ``reuse``, a feed set whose entries are the same articles as last time (same source
    bytes, actors and settings) keeps the files of the previous build instead of being
    rendered again; the sets of ``same_actors`` (actors whose articles are all as they were,
    see ``related.unchanged_actors``) keep them by their recorded keys, not even made again.
    With ``spill``, each set goes to disk as it is made (see ``render.emit``)."""
    salt = key(reuse.salt, pickle.dumps(site.actors, protocol=5)) if reuse else ""
    outputs: list[OutputFile] = []
    for feed_set in _all_sets(site):
        paths = [feed_set.folder + name for name in FILE_NAMES]
        if feed_set.actor_id in same_actors and feed_set.articles:  # empty: see ``_set_key``
            previous = recorded_files(reuse, paths, feed_set.origin)
            if previous is not None:
                outputs.extend(previous)
                continue
        set_key = _set_key(site, feed_set, salt) if reuse else ""
        previous = reused_files(reuse, paths, set_key, feed_set.origin)
        if previous is not None:
            outputs.extend(previous)
        else:
            outputs.extend(spilled(spill, replace(o, key=set_key)) for o in _render_set(site, feed_set))
    return outputs


def _set_key(site: Site, feed_set: _FeedSet, salt: str) -> str:
    """What a set's files show: its own names and its entries, by fingerprint; with no
    entries, the site's build date, which an empty feed gives as its time."""
    entries = feed_articles(feed_set.articles, site.config.feed_limit, dated=True)
    return key(salt, repr((feed_set.folder, feed_set.title, feed_set.group, feed_set.subtitle,
                           feed_set.lang, feed_set.home_path, [a.fingerprint for a in entries],
                           "" if entries else site.build_date.isoformat())))


def _render_set(site: Site, feed_set: _FeedSet) -> list[OutputFile]:
    """One set's files. Items are made for each set rather than shared between sets: most
    articles are in one or two actors' feeds, and the shared items of a large digest (full
    texts) held tens of MB until the last feed was written."""
    channel = make_channel(site, folder=feed_set.folder, title=feed_set.title,
                           lang=feed_set.lang, home_path=feed_set.home_path,
                           articles=feed_set.articles, dated=True, subtitle=feed_set.subtitle)
    base_url = site.settings.base_url
    return [OutputFile(path=feed_set.folder + f.file_name, content=f.render(channel, base_url),
                       origin=feed_set.origin)
            for f in FORMATS]
