"""Render: the outlets and topics the articles are filed under (``actors.taxa``).

``/sources/`` and ``/topics/`` list every outlet and topic with its number of articles, the
busiest first; ``/sources/<slug>/`` and ``/topics/<slug>/`` show one, with its articles
newest first, grouped by month and paginated from the oldest end like an actor's page, and
link its feeds. A digest without sources or topics gets none of these pages (and no link to
them in the header).

Each page's key holds what it shows: the outlet or topic as displayed, the fingerprints of
its articles (which hold their terms), its pagination and feeds; a rebuild keeps every page
whose articles are unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from generator.core.labels import labels_for, language_name, phrase
from generator.core.model import SOURCE, TERM_FOLDERS, TOPIC, Article, Outlet, OutputFile, Term, direction_of
from generator.core.urls import output_file_for
from generator.feeds.site import FeedLink, follow_of, outlet_feed_links, topic_feed_links
from generator.pages.actors import NameView, by_month, count_text
from generator.pages.site import page_heading, paginate
from generator.render.changes import with_term
from generator.render.engine import (
    PageMeta,
    RenderContext,
    kept_list_pages,
    recorded_file,
    render_page,
    render_page_lazy,
)
from generator.render.views import Link, TermRef, term_ref


@dataclass(frozen=True, slots=True)
class TermEntry:
    """An outlet or topic in its index: link, name and how many articles."""

    ref: TermRef
    count: int
    count_text: str


@dataclass(frozen=True, slots=True)
class TermView:
    """The head of an outlet's or a topic's page."""

    ref: TermRef
    kind_label: str  # "مصدر" / "Topic"
    count_text: str  # on the newest page only
    names: tuple[NameView, ...]  # a registered outlet's names in every language
    description: str
    links: tuple[Link, ...]  # the outlet's own site


@dataclass(frozen=True, slots=True)
class _Listed:
    """One outlet or topic as its pages need it."""

    view: TermView
    path: str  # its folder, "sources/<slug>/"
    origin: str
    articles: tuple[Article, ...]
    feeds: tuple[FeedLink, ...]


def taxa_pages(ctx: RenderContext, each: bool = True) -> list[OutputFile]:
    """The indexes of the outlets and of the topics (none for a kind without any) and, with
    ``each``, every one's own pages; without, those are ``term_files`` of each of
    ``term_jobs``, made on worker processes."""
    site = ctx.site
    outlets = [_outlet(ctx, i) for i in range(len(site.taxa.outlets))]
    topics = [_topic(ctx, i) for i in range(len(site.taxa.topics))]
    pages = [*_index_page(ctx, SOURCE, outlets), *_index_page(ctx, TOPIC, topics)]
    if each:
        pages += [f for item in outlets for f in _term_pages(ctx, SOURCE, item)]
        pages += [f for item in topics for f in _term_pages(ctx, TOPIC, item)]
    return pages


def term_jobs(ctx: RenderContext) -> list[tuple[str, int]]:
    """``(kind, number)`` of every outlet and topic, the most articles first: the order a
    pool of workers gets them in, so that a long one does not start last."""
    taxa = ctx.site.taxa
    jobs = [*((SOURCE, i, len(taxa.by_outlet.get(o.id, ()))) for i, o in enumerate(taxa.outlets)),
            *((TOPIC, i, len(taxa.by_topic.get(t.id, ()))) for i, t in enumerate(taxa.topics))]
    return [(kind, number) for kind, number, _ in sorted(jobs, key=lambda job: -job[2])]


def term_files(ctx: RenderContext, kind: str, number: int) -> list[OutputFile]:
    """The pages of one outlet (``kind`` SOURCE) or topic, by its place in ``site.taxa``:
    independent of the others, so they can be made on any worker process."""
    return _term_pages(ctx, kind, _outlet(ctx, number) if kind == SOURCE else _topic(ctx, number))


def _outlet(ctx: RenderContext, number: int) -> _Listed:
    site = ctx.site
    outlet = site.taxa.outlets[number]
    articles = site.taxa.by_outlet.get(outlet.id, ())
    origin = f"source `{outlet.id}`" + (" (content/sources.yaml)" if outlet.registered else "")
    return _Listed(_outlet_view(ctx, outlet, site.config.language, len(articles)), outlet.url_path, origin,
                   articles, outlet_feed_links(site, outlet))


def _topic(ctx: RenderContext, number: int) -> _Listed:
    site = ctx.site
    c = site.config
    topic = site.taxa.topics[number]
    articles = site.taxa.by_topic.get(topic.id, ())
    view = TermView(term_ref(topic, site.settings.base_path), phrase(c.language, "labels.topic"),
                    count_text(len(articles), c.language, c.digits), (), "", ())
    return _Listed(view, topic.url_path, f"topic `{topic.name}`", articles, topic_feed_links(site, topic))


def outlet_ref(outlet: Outlet, lang: str, base_path: str) -> TermRef:
    """A link to ``outlet``'s page, named in ``lang`` if it can be."""
    name_lang = outlet.name_lang(lang)
    return term_ref(Term(SOURCE, outlet.id, outlet.slug, outlet.name(lang), name_lang), base_path)


def _outlet_view(ctx: RenderContext, outlet: Outlet, lang: str, count: int) -> TermView:
    site = ctx.site
    names = tuple(NameView(name, code, direction_of(code), language_name(code, lang))
                  for code, name in outlet.names.items()) if outlet.registered else ()
    links = (Link(outlet.url, outlet.url),) if outlet.url else ()
    return TermView(outlet_ref(outlet, lang, site.settings.base_path), phrase(lang, "labels.source"),
                    count_text(count, lang, site.config.digits), names, outlet.description, links)


def _index_page(ctx: RenderContext, kind: str, listed: Sequence[_Listed]) -> list[OutputFile]:
    """``/sources/`` or ``/topics/``: every one of the kind, the busiest first."""
    if not listed:
        return []
    site = ctx.site
    lang = site.config.language
    heading = phrase(lang, "labels.sources") if kind == SOURCE else phrase(lang, "labels.topics")
    entries = sorted((TermEntry(item.view.ref, len(item.articles), item.view.count_text) for item in listed),
                     key=lambda e: (-e.count, e.ref.name, e.ref.id))
    folder = TERM_FOLDERS[kind]
    meta = PageMeta(title=heading, path=folder, kind=f"{kind}s")
    return [render_page(ctx, "terms.html", meta, f"the {kind}s page", entries=tuple(entries))]


def _term_pages(ctx: RenderContext, kind: str, item: _Listed) -> list[OutputFile]:
    """One outlet's or topic's pages, newest first, paginated like an actor's."""
    site = ctx.site
    lang = site.config.language
    feeds = tuple(Link(f.title, ctx.url(f.path), f.media_type) for f in item.feeds)
    follow = follow_of(site, item.view.ref.name, item.feeds)
    path_of = _path_of(item.path)
    numbered = replace(item.view, count_text="")  # the count is on the newest page only
    # What every page of the term shows besides its articles, spelled once for all their keys.
    spelled = {True: repr((item.view, feeds, follow)), False: repr((numbered, feeds, follow))}
    pages = []
    per_page = site.config.items_per_page
    kept = kept_list_pages(ctx.reuse, item.articles, with_term(kind, item.view.ref.id), per_page)
    for page in paginate(item.articles, per_page):
        previous = recorded_file(ctx.reuse, output_file_for(path_of(page.number)),
                                 item.origin) if page.number in kept else None
        if previous is not None:  # the same articles as last time: its key is the recorded one
            pages.append(previous)
            continue
        title, pagination = page_heading(ctx, item.view.ref.name, page, path_of)
        meta = PageMeta(title=title, path=path_of(page.number), kind=kind, description=item.view.description)
        # The count is on the newest page only, so a numbered page stays as it was.
        shown = item.view if page.number == 0 else numbered

        def values(chunk: Sequence[Article] = page.items, shown: TermView = shown,
                   pagination: dict[str, object] = pagination) -> dict[str, object]:
            return {"term": shown, "months": by_month([ctx.article_view(a, lang) for a in chunk]),
                    "pagination": pagination, "actor_labels": labels_for(lang, "actor"), "follow": follow}

        parts = (spelled[page.number == 0], ctx.fingerprints(page.items), pagination)
        pages.append(render_page_lazy(ctx, "term.html", meta, item.origin, parts, values, feeds))
    return pages


def _path_of(folder: str) -> Callable[[int], str]:
    return lambda number: folder if number == 0 else f"{folder}page/{number}/"
