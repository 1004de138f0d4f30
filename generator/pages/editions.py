"""Render: ``/editions/`` (paginated, newest first), one page per edition, and the latest
edition on the home page.

An edition page shows the curator's note, then the edition's articles: in the curator's
``order`` when the note gives one, else grouped under each article's first actor (biggest
groups first, articles without a known actor last).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from markupsafe import Markup

from generator.content.editions import (
    Edition,
    EditionNote,
    actor_groups,
    edition_start,
    edition_title,
    ordered,
    site_editions,
)
from generator.core.dates import format_day
from generator.core.labels import labels_for, phrase
from generator.core.model import OutputFile, Site
from generator.core.urls import output_file_for
from generator.feeds.editions import edition_feed_links
from generator.pages.actors import count_text
from generator.pages.site import page_heading, paginate
from generator.render.changes import ListChanges
from generator.render.engine import (
    PageMeta,
    RenderContext,
    recorded_all,
    recorded_file,
    render_page,
    render_page_lazy,
)
from generator.render.views import ActorRef, ArticleView, Link, actor_ref


@dataclass(frozen=True, slots=True)
class GroupView:
    """Articles under one actor (``actor`` None: the "other news" group, or a curated list)."""

    actor: ActorRef | None
    label: str
    articles: tuple[ArticleView, ...]


@dataclass(frozen=True, slots=True)
class EditionView:
    key: str
    title: str
    url: str
    date_iso: str
    date_text: str
    count_text: str
    note_title: str
    note_html: Markup
    curated: bool  # the curator set the order: one list, no actor headings
    groups: tuple[GroupView, ...]
    daily: bool = True  # a day's edition: its items show their time of day, not the date again


def edition_view(ctx: RenderContext, edition: Edition, with_groups: bool = True) -> EditionView:
    site = ctx.site
    c = site.config
    lang = c.language
    note: EditionNote | None = site.notes.get(edition.key)
    articles = ordered(edition, note)
    curated = bool(note and note.order)
    groups: list[GroupView] = []
    if with_groups and curated:
        groups.append(GroupView(None, "", tuple(ctx.article_view(a, lang) for a in articles)))
    elif with_groups:
        other = phrase(lang, "edition.other")
        for actor, items in actor_groups(articles, site):
            ref = actor_ref(actor, lang, site.settings.base_path) if actor is not None else None
            groups.append(GroupView(ref, ref.name if ref else other,
                                    tuple(ctx.article_view(a, lang) for a in items)))
    start = edition_start(edition.day, c.tz)
    return EditionView(
        key=edition.key,
        title=edition_title(site, edition),
        url=ctx.url(edition.url_path),
        date_iso=edition.key,
        date_text=format_day(start, lang, c.month_names, c.digits),
        count_text=count_text(len(edition.articles), lang, c.digits),
        note_title=note.title if note else "",
        note_html=Markup(note.body_html if note else ""),  # sanitised by generator.content.markup
        curated=curated,
        groups=tuple(groups),
        daily=c.editions == "daily",
    )


def edition_pages(ctx: RenderContext) -> list[OutputFile]:
    """The editions index and every edition (nothing when ``editions = "none"``)."""
    site = ctx.site
    if site.config.editions == "none":
        return []
    editions = site_editions(site)
    feeds = edition_feed_autodiscovery(ctx)
    pages = _kept_index(ctx, len(editions))
    if pages is None:
        pages = _index_pages(ctx, [edition_view(ctx, e, with_groups=False) for e in editions], feeds)
    kept = _kept_editions(ctx, editions)
    for index, edition in enumerate(editions):
        origin = site.notes[edition.key].rel if edition.key in site.notes else f"edition {edition.key}"
        found = recorded_file(ctx.reuse, output_file_for(edition.url_path), origin) if index in kept else None
        if found is not None:
            pages.append(found)
            continue
        head = edition_view(ctx, edition, with_groups=False)
        nav = {
            "newer": _nav_link(ctx, editions[index - 1]) if index > 0 else None,
            "older": _nav_link(ctx, editions[index + 1]) if index + 1 < len(editions) else None,
        }
        meta = PageMeta(title=head.title, path=edition.url_path, kind="edition",
                        description=head.count_text)

        def values(edition: Edition = edition, nav: dict = nav) -> dict[str, object]:
            return {"edition": edition_view(ctx, edition), "nav": nav,
                    "edition_labels": labels_for(site.config.language, "edition")}

        # An edition page is fixed by its heading, its note, its navigation and its articles
        # (their fingerprints): the article views are made only when it is rendered.
        parts = (head, site.notes.get(edition.key), nav, ctx.fingerprints(edition.articles))
        pages.append(render_page_lazy(ctx, "edition.html", meta, origin, parts, values, feeds))
    return pages


def _kept_index(ctx: RenderContext, count: int) -> list[OutputFile] | None:
    """The editions index pages as the last build wrote them, when the site's shape is the
    last build's (``Reuse.shaped``): each edition's heading there (its day, title, note and
    count of articles) is of that shape alone. Made again, the headings were a formatted
    date or two for every edition of the archive: about a tenth of a second of a one-article
    edit at 50,000 articles. None when a page cannot be taken so."""
    if ctx.reuse is None or not ctx.reuse.shaped:
        return None
    pages = paginate(range(count), ctx.site.config.items_per_page)
    return recorded_all(ctx.reuse, [(output_file_for(index_path(page.number)),
                                     f"editions page {page.number or 'latest'}") for page in pages])


def _kept_editions(ctx: RenderContext, editions: Sequence[Edition]) -> frozenset[int]:
    """The places in ``editions`` (newest first) of the edition pages that show what they
    showed in the last build: their articles, their notes and their neighbours (the page's
    navigation) are the last build's (see ``changes.ListChanges.kept_periods``). Their
    recorded files are taken without making their keys, which spell out the fingerprint of
    every article of every edition: a tenth of a second of a one-article edit at 10,000
    articles. Each edition's span is taken a period wider on either side, so that a local
    midnight a clock change moves cannot hide an article from it."""
    changes = _edition_changes(ctx)
    return changes.kept_periods([edition_span(ctx.site, e) for e in editions]) if changes is not None else frozenset()


def edition_unchanged(ctx: RenderContext, edition: Edition) -> bool:
    """Whether ``edition`` holds the articles and the note it held in the last build (its
    neighbours aside: see ``_kept_editions``), for files that show the edition alone, such
    as its email: taken as recorded, without spelling out its articles' fingerprints."""
    changes = _edition_changes(ctx)
    return changes is not None and changes.kept_period(*edition_span(ctx.site, edition))


def _edition_changes(ctx: RenderContext) -> ListChanges | None:
    """The changed region, when the editions' notes are the last build's (an edition shows
    its note); None: every edition is checked by its key."""
    changes = ctx.reuse.changes if ctx.reuse is not None else None
    return changes if changes is not None and changes.notes_same else None


def edition_span(site: Site, edition: Edition) -> tuple[float, float]:
    """The time an edition's articles may be dated in, as timestamps, a period wider on
    either side (see ``_kept_editions``)."""
    c = site.config
    length = timedelta(days=7 if c.editions == "weekly" else 1)
    return (edition_start(edition.day - length, c.tz).timestamp(),
            edition_start(edition.day + 2 * length, c.tz).timestamp())


def notes_key(site: Site) -> str:
    """A hash of the editions' notes, kept with the build's related state (see
    ``_kept_editions``)."""
    spelled = repr(sorted(site.notes.items()))
    return hashlib.sha256(spelled.encode("utf-8", "surrogatepass")).hexdigest()


def _nav_link(ctx: RenderContext, edition: Edition) -> Link:
    return Link(edition_title(ctx.site, edition),
                ctx.url(edition.url_path))


def _index_pages(ctx: RenderContext, views: Sequence[EditionView], feeds: tuple[Link, ...]
                 ) -> list[OutputFile]:
    """The editions index, paginated, from each edition's heading (``views``)."""
    site = ctx.site
    c = site.config
    lang = c.language
    pages = []
    for page in paginate(views, c.items_per_page):
        title, pagination = page_heading(ctx, phrase(lang, "labels.editions"), page, index_path)
        meta = PageMeta(title=title, path=index_path(page.number), kind="editions")
        pages.append(render_page(ctx, "editions.html", meta, f"editions page {page.number or 'latest'}",
                                 feeds=feeds, editions=tuple(page.items), pagination=pagination,
                                 edition_labels=labels_for(lang, "edition")))
    return pages


def index_path(number: int) -> str:
    return "editions/" if number == 0 else f"editions/page/{number}/"


def edition_feed_autodiscovery(ctx: RenderContext) -> tuple[Link, ...]:
    return tuple(Link(f.title, ctx.url(f.path), f.media_type) for f in edition_feed_links(ctx.site))
