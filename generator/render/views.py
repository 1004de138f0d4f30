"""Read-only views that templates see.

Templates get exactly what they display, already formatted for the page's language (dates in
CLDR form, chosen digits, URLs encoded under the base path), and nothing they could change.
Internal objects stay out of templates, so a theme cannot come to depend on them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from markupsafe import Markup

from generator.core.dates import format_clock, format_day, format_month
from generator.core.model import Actor, Article, Site, StoredBody, Term, body_bytes, direction_of
from generator.core.urls import absolute, encode_path, quote_path, site_path


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str
    media_type: str = ""
    lang: str = ""
    dir: str = ""


@dataclass(frozen=True, slots=True)
class Follow:
    """What a follow control shows: whose feeds (``name``), the address a reader copies into
    a feed reader (``url``: the Atom feed, absolute) and a link per format."""

    name: str
    url: str
    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class ActorRef:
    id: str
    name: str
    url: str
    lang: str
    dir: str
    kind: str = ""


@dataclass(frozen=True, slots=True)
class TermRef:
    """A link to an outlet's or a topic's page: ``kind`` is ``source`` or ``topic``."""

    id: str
    name: str
    url: str
    lang: str
    dir: str
    kind: str


@dataclass(frozen=True, slots=True, repr=False)
class ArticleView:
    id: str
    title: str
    url: str
    abs_url: str
    lang: str
    dir: str
    foreign: bool  # written in another language than the page it is shown on
    date_iso: str
    date_text: str
    month_text: str
    day_key: str  # the day in the site's zone (2026-11-29), to group a list by day
    time_text: str  # the time of day, in the article's language ("3:45 م")
    summary: str
    source_name: str
    source_url: str
    byline: str
    published_iso: str
    published_text: str
    updated_iso: str
    updated_text: str
    actors: tuple[ActorRef, ...]
    outlet: TermRef | None  # the page of the outlet it was filed under
    topics: tuple[TermRef, ...]
    draft: bool
    future: bool
    token: tuple[object, ...] = ()  # what the view is made from (see __repr__)
    html: bytes | StoredBody = b""  # the article's sanitised body (``Article.body``), UTF-8

    @property
    def body(self) -> Markup:
        """Read and decoded when a template shows it: listings hold views of many articles
        and show no body, and a ``Markup`` copy of each would double what the bodies take."""
        return Markup(body_bytes(self.html).decode("utf-8", "surrogatepass"))

    @property
    def image(self) -> str:
        """The absolute URL of the body's first image (share cards, JSON-LD), or "": read
        from the body when a page asks, like ``body``."""
        return first_image(body_bytes(self.html), self.abs_url)

    def __repr__(self) -> str:
        """Short and complete: a view is a function of its article's source bytes, its actors,
        scheduled mark and terms (its fingerprint), the page language, and site-wide inputs that the render key
        already covers (settings, registry, code). Page keys hash this instead of the body."""
        return f"ArticleView{self.token!r}"


@dataclass(frozen=True, slots=True)
class SiteView:
    title: str
    description: str
    lang: str
    dir: str
    base_url: str
    base_path: str
    home: str
    stylesheet: str
    author: str
    has_actors: bool
    has_editions: bool = False
    has_search: bool = False
    has_sources: bool = False
    has_topics: bool = False


def site_view(site: Site) -> SiteView:
    c, build = site.config, site.settings
    return SiteView(
        title=c.title, description=c.description, lang=c.language,
        dir=direction_of(c.language), base_url=build.base_url, base_path=build.base_path,
        home=site_path(build.base_path, ""), stylesheet=site_path(build.base_path, "static/css/mawjaz.css"),
        author=c.author, has_actors=bool(site.actors),
        has_editions=c.editions != "none", has_search=build.search,
        has_sources=bool(site.taxa.outlets), has_topics=bool(site.taxa.topics),
    )


def actor_ref(actor: Actor, lang: str, base_path: str) -> ActorRef:
    name_lang = lang if lang in actor.names else next(iter(actor.names), lang)
    return ActorRef(id=actor.id, name=actor.name(lang), url=site_path(base_path, actor.url_path),
                    lang=name_lang, dir=direction_of(name_lang), kind=actor.kind)


def term_ref(term: Term, base_path: str) -> TermRef:
    return TermRef(id=term.id, name=term.name, url=site_path(base_path, term.url_path), lang=term.lang,
                   dir=direction_of(term.lang) if term.lang != "und" else "auto", kind=term.kind)


def article_view(article: Article, site: Site, page_lang: str,
                 refs: Callable[[Actor, str], ActorRef] | None = None) -> ArticleView:
    """The article as a page in ``page_lang`` shows it. ``refs``: a memo of ``actor_ref``
    for the build's pages (an article names a few of the same few hundred actors)."""
    c = site.config
    lang = article.lang
    base_path = site.settings.base_path

    def day(when):
        return format_day(when.astimezone(c.tz), lang, c.month_names, c.digits) if when else ""

    def ref(actor: Actor, lang: str) -> ActorRef:
        return actor_ref(actor, lang, base_path)

    make_ref = refs or ref
    actors = tuple(make_ref(a, lang) for a in (site.actor(i) for i in article.actors) if a is not None)
    quoted = quote_path(article.url_path)  # an article's path is linked once or twice: not remembered
    return ArticleView(
        id=article.id,
        title=article.title,
        url=encode_path(base_path) + quoted,
        abs_url=absolute(site.settings.base_url, article.url_path, quoted),
        lang=lang,
        dir=article.dir,
        foreign=lang.split("-")[0] != page_lang.split("-")[0],
        date_iso=article.date.isoformat(),
        date_text=day(article.date),
        month_text=format_month(article.date.astimezone(c.tz), page_lang, c.month_names, c.digits),
        day_key=article.date.astimezone(c.tz).date().isoformat(),
        time_text=format_clock(article.date.astimezone(c.tz), lang, c.digits),
        summary=article.summary,
        source_name=article.source.name if article.source else "",
        source_url=(article.source.url or "") if article.source else "",
        byline=article.byline,
        published_iso=article.published.isoformat() if article.published else "",
        published_text=day(article.published),
        updated_iso=article.updated.isoformat() if article.updated else "",
        updated_text=day(article.updated),
        actors=actors,
        outlet=term_ref(article.outlet, base_path) if article.outlet else None,
        topics=tuple(term_ref(t, base_path) for t in article.topic_terms),
        draft=article.draft,
        future=article.scheduled,
        token=(*article.fingerprint, page_lang),
        html=article.body,
    )


_IMAGE = re.compile(rb"""<img\b[^>]*?\bsrc=["']([^"'<>]+)["']""", re.IGNORECASE)


def first_image(body: bytes, page_url: str) -> str:
    """The absolute URL of the first image of a sanitised ``body``, or "". A relative source
    is resolved against the page's own address; only http(s) results are kept (never a
    ``data:`` URL in metadata)."""
    found = _IMAGE.search(body)
    if found is None:
        return ""
    url = urljoin(page_url, found.group(1).decode("utf-8", "replace").replace("&amp;", "&"))
    return url if url.startswith(("https://", "http://")) else ""
