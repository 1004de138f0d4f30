"""Render: the ``/actors/`` index and one page per actor, plus redirects from old slugs.

An actor's page shows the actor's names in every language, the description and links, the
actors who most often share an article with them, and their articles newest first, grouped
by month and paginated like the archive (``actors/<slug>/`` for the newest, numbered pages
``actors/<slug>/page/1/`` on from the oldest). Each ``old_slugs`` entry gets a small page that
sends readers (and search engines, through the canonical link) to the current address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

from generator.actors.registry import KINDS
from generator.actors.tagging import co_actors
from generator.cache.store import key
from generator.core.labels import labels_for, language_name, phrase, phrases, plural
from generator.core.model import Actor, Article, OutputFile, Site, direction_of
from generator.core.urls import output_file_for
from generator.feeds.site import actor_feed_links, follow_of
from generator.pages.actor_data import actor_json_file, timeline
from generator.pages.redirects import redirect_page
from generator.pages.site import page_heading, paginate
from generator.render.changes import with_actor
from generator.render.engine import (
    PageMeta,
    RenderContext,
    kept_list_pages,
    recorded_all,
    recorded_file,
    render_page,
    render_page_lazy,
    reused_file,
    spilled,
)
from generator.render.related import SHOWN_SIZE, RelatedIndex, shown_digest
from generator.render.views import ActorRef, ArticleView, Link, actor_ref

CO_ACTORS = 8
_ID = attrgetter("id")


def count_text(n: int, lang: str, digits: str) -> str:
    """"3 مقالات" / "3 articles", with the Arabic number agreement a reader expects."""
    return plural(lang, "plural.articles", n, digits)


@dataclass(frozen=True, slots=True)
class NameView:
    name: str
    lang: str
    dir: str
    language: str  # the language's name, in the page's language


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """An actor in a list: link, name and how many articles."""

    ref: ActorRef
    count: int
    count_text: str


@dataclass(frozen=True, slots=True)
class ActorGroup:
    kind: str
    label: str
    actors: tuple[ActorEntry, ...]


@dataclass(frozen=True, slots=True)
class ActorView:
    ref: ActorRef
    kind_label: str
    count_text: str
    names: tuple[NameView, ...]
    description: str
    links: tuple[Link, ...]


def actor_index_page(ctx: RenderContext) -> list[OutputFile]:
    site = ctx.site
    lang, digits = site.config.language, site.config.digits
    kinds = phrases(lang, "actor.kinds")
    groups = []
    for kind in KINDS:
        members = [a for a in site.actors if a.kind == kind]
        if not members:
            continue
        entries = sorted((_entry(site, a, lang, digits) for a in members),
                         key=lambda e: (-e.count, e.ref.name))
        groups.append(ActorGroup(kind, kinds[kind], tuple(entries)))
    meta = PageMeta(title=phrase(lang, "labels.actors"), path="actors/", kind="actors")
    return [render_page(ctx, "actors.html", meta, "the actors page", groups=tuple(groups),
                        actor_labels=labels_for(lang, "actor"))]


def actor_files(ctx: RenderContext, actor: Actor, index: RelatedIndex | None = None) -> list[OutputFile]:
    """One actor's pages, JSON and redirects: independent of other actors, so they can be
    made on any worker process. ``index``: the site's related index, which the related
    state the build keeps (``ctx.reuse.related_now``) was made from."""
    every = _every(ctx, ctx.site.by_actor.get(actor.id, ()), index) if ctx.reuse else ""
    # Who shares the actor's articles, counted once for the page (the first few) and the
    # data file's key (all): a busy actor's thousands of articles, each one's actors.
    partners = co_actors(ctx.site.by_actor, actor.id, len(ctx.site.actors))
    return [*_one_actor(ctx, actor, every, partners[:CO_ACTORS]), _json_file(ctx, actor, every, partners),
            *_redirects(ctx, actor)]


def _every(ctx: RenderContext, articles: Sequence[Article], index: RelatedIndex | None) -> str:
    """What the JSON and the timeline show of each of the actor's ``articles``, in their
    order, hashed: an edit of an article's text leaves both as they were, even for an actor
    with thousands of articles. From the digests the related state keeps per article
    (``related.with_shown``) when it has them, else made here: the same key either way."""
    state = ctx.reuse.related_now if ctx.reuse is not None else None
    shown = state.shown if state is not None else b""
    if index is None or not shown or len(shown) != len(index.ranked) * SHOWN_SIZE:
        return key(b"".join(map(shown_digest, articles)))
    places = map(index.rank.__getitem__, map(_ID, articles))
    return key(b"".join([shown[at * SHOWN_SIZE:(at + 1) * SHOWN_SIZE] for at in places]))


def kept_actor_files(ctx: RenderContext, actor: Actor) -> list[OutputFile] | None:
    """The previous build's files of an actor whose articles are as they were (see
    ``related.unchanged_actors``), taken by their recorded keys without making the keys
    again (for a busy actor, a list of thousands of fingerprints); None when one of them
    cannot be reused, and ``actor_files`` must make them."""
    origin = f"actor `{actor.id}` (content/actors.yaml)"
    count = len(ctx.site.by_actor.get(actor.id, ()))
    wanted = [(output_file_for(_page_path(actor, page.number)), origin)
              for page in paginate(range(count), ctx.site.config.items_per_page)]
    wanted.append((f"{actor.url_path}index.json", origin))
    wanted += [(f"actors/{old}/index.html", f"old slug `{old}` of actor `{actor.id}`") for old in actor.old_slugs]
    return recorded_all(ctx.reuse, wanted)


def _json_file(ctx: RenderContext, actor: Actor, every: str, partners: tuple[tuple[str, int], ...]) -> OutputFile:
    """``index.json``, reused when the actor, what it lists of its articles (``every``) and
    who shares them (``partners``, every one) are what they were."""
    site = ctx.site
    path = f"{actor.url_path}index.json"
    origin = f"actor `{actor.id}` (content/actors.yaml)"
    parts = (actor, every, partners)
    file_key = key(ctx.reuse.salt, repr(("index.json", parts))) if ctx.reuse else ""
    reused = reused_file(ctx.reuse, path, file_key, origin)
    return reused or spilled(ctx.spill, replace(actor_json_file(site, actor), key=file_key))


def _one_actor(ctx: RenderContext, actor: Actor, every: str, partners: tuple[tuple[str, int], ...]
               ) -> list[OutputFile]:
    site = ctx.site
    c = site.config
    lang = c.language
    articles = site.by_actor.get(actor.id, ())
    view = _actor_view(site, actor, lang, len(articles))
    together = tuple(
        _entry(site, other, lang, c.digits, count)
        for other_id, count in partners
        if (other := site.actor(other_id)) is not None)
    own_feeds = actor_feed_links(site, actor)
    feeds = tuple(Link(f.title, ctx.url(f.path), f.media_type) for f in own_feeds)
    follow = follow_of(site, view.ref.name, own_feeds)
    pages = []  # the timeline on the newest page shows every article: its key has ``every``
    data_url = ctx.url(f"{actor.url_path}index.json")
    # What every numbered page shows besides its articles, spelled once for all their keys.
    numbered = repr((replace(view, count_text=""), feeds, data_url, follow))
    origin = f"actor `{actor.id}` (content/actors.yaml)"
    kept = kept_list_pages(ctx.reuse, articles, with_actor(actor.id), c.items_per_page)
    for page in paginate(articles, c.items_per_page):
        previous = recorded_file(ctx.reuse, output_file_for(_page_path(actor, page.number)),
                                 origin) if page.number in kept else None
        if previous is not None:  # the same articles as last time: its key is the recorded one
            pages.append(previous)
            continue
        chunk = page.items
        title, pagination = page_heading(ctx, view.ref.name, page, lambda n: _page_path(actor, n))
        meta = PageMeta(title=title, path=_page_path(actor, page.number), kind="actor",
                        description=actor.description)
        first = page.number == 0
        # The count, like the timeline, is on the newest page only: a numbered page then
        # stays the same when the actor gets a new article.
        shown = view if first else replace(view, count_text="")

        def values(chunk=chunk, first=first, pagination=pagination, shown=shown) -> dict[str, object]:
            return {"actor": shown, "months": by_month([ctx.article_view(a, lang) for a in chunk]),
                    "co_actors": together if first else (),
                    "timeline": timeline(site, articles) if first else (),
                    "data_url": data_url, "pagination": pagination, "actor_labels": labels_for(lang, "actor"),
                    "follow": follow}

        fixed = (shown, together, every, feeds, data_url, follow) if first else numbered
        parts = (fixed, ctx.fingerprints(chunk), pagination)
        pages.append(render_page_lazy(ctx, "actor.html", meta, origin, parts, values, feeds))
    return pages


def _redirects(ctx: RenderContext, actor: Actor) -> list[OutputFile]:
    name = actor.name(ctx.site.config.language)
    return [redirect_page(ctx, f"actors/{old}/", name, actor.url_path, f"old slug `{old}` of actor `{actor.id}`")
            for old in actor.old_slugs]


def _page_path(actor: Actor, number: int) -> str:
    return actor.url_path if number == 0 else f"{actor.url_path}page/{number}/"


def by_month(views: Sequence[ArticleView]) -> tuple[tuple[str, tuple[ArticleView, ...]], ...]:
    """Consecutive articles of one month under one heading (input is newest first)."""
    groups: list[tuple[str, list[ArticleView]]] = []
    for view in views:
        if groups and groups[-1][0] == view.month_text:
            groups[-1][1].append(view)
        else:
            groups.append((view.month_text, [view]))
    return tuple((month, tuple(items)) for month, items in groups)


def _entry(site: Site, actor: Actor, lang: str, digits: str, count: int | None = None
           ) -> ActorEntry:
    n = len(site.by_actor.get(actor.id, ())) if count is None else count
    return ActorEntry(actor_ref(actor, lang, site.settings.base_path), n, count_text(n, lang, digits))


def _actor_view(site: Site, actor: Actor, lang: str, count: int) -> ActorView:
    names = tuple(NameView(name, code, direction_of(code), language_name(code, lang))
                  for code, name in actor.names.items())
    links = [Link(url, url) for url in actor.links]
    if actor.wikidata:
        links.append(Link(f"Wikidata {actor.wikidata}",
                          f"https://www.wikidata.org/wiki/{actor.wikidata}"))
    kinds = phrases(lang, "actor.kind")
    return ActorView(
        ref=actor_ref(actor, lang, site.settings.base_path),
        kind_label=kinds.get(actor.kind, actor.kind),
        count_text=count_text(count, lang, site.config.digits),
        names=names, description=actor.description, links=tuple(links))
