"""Read-only views that templates see.

Templates get exactly what they display, already formatted for the page's language (dates in
CLDR form, chosen digits, URLs encoded under the base path), and nothing they could change.
Internal objects stay out of templates, so a theme cannot come to depend on them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
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
    # ``abs_url`` is ``abs_start`` (the site's origin, one string for every view) and ``url``;
    # or, for a base URL whose path is not written as its links' (see ``article_view``),
    # ``abs_whole``. Spelled out in each view, the absolute URL was a sixth of its memory.
    abs_start: str
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
    abs_whole: str = ""

    @property
    def abs_url(self) -> str:
        """The article's absolute URL (feeds, mail, canonical and structured data)."""
        return self.abs_whole or self.abs_start + self.url

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
                 refs: Callable[[Actor, str], ActorRef] | None = None,
                 terms: Callable[[Term], TermRef] | None = None) -> ArticleView:
    """The article as a page in ``page_lang`` shows it. ``refs``, ``terms``: memos of
    ``actor_ref`` and ``term_ref`` for the build's pages (an article names a few of the same
    few hundred actors, and one of a few dozen outlets)."""
    c = site.config
    lang = article.lang
    settings = site.settings
    base_path = settings.base_path
    tz = c.tz
    local = article.date.astimezone(tz)

    def day(when):
        return format_day(when.astimezone(tz), lang, c.month_names, c.digits) if when else ""

    def ref(actor: Actor, lang: str) -> ActorRef:
        return actor_ref(actor, lang, base_path)

    def term(found: Term) -> TermRef:
        return term_ref(found, base_path)

    make_ref, make_term = refs or ref, terms or term
    actors = tuple(make_ref(a, lang) for a in (site.actor(i) for i in article.actors) if a is not None)
    quoted = quote_path(article.url_path)  # an article's path is linked once or twice: not remembered
    prefix = encode_path(base_path)
    url = prefix + quoted
    start = _abs_start(settings.base_url, prefix)
    whole = absolute(settings.base_url, article.url_path, quoted)
    outlet = article.outlet
    return ArticleView(
        id=article.id,
        title=article.title,
        url=url,
        abs_start=start,
        lang=lang,
        dir=article.dir,
        foreign=lang.split("-")[0] != page_lang.split("-")[0],
        date_iso=article.date.isoformat(),
        date_text=format_day(local, lang, c.month_names, c.digits),
        month_text=format_month(local, page_lang, c.month_names, c.digits),
        day_key=_day_key(local.date()),
        time_text=format_clock(local, lang, c.digits),
        summary=article.summary,
        source_name=article.source.name if article.source else "",
        source_url=(article.source.url or "") if article.source else "",
        byline=article.byline,
        published_iso=article.published.isoformat() if article.published else "",
        published_text=day(article.published),
        updated_iso=article.updated.isoformat() if article.updated else "",
        updated_text=day(article.updated),
        actors=actors,
        outlet=make_term(outlet) if outlet else None,
        topics=tuple(map(make_term, article.topic_terms)),
        draft=article.draft,
        future=article.scheduled,
        token=(*article.fingerprint, page_lang),
        html=article.body,
        abs_whole="" if start + url == whole else whole,
    )


@lru_cache(maxsize=16)
def _abs_start(base_url: str, base_prefix: str) -> str:
    """What an article's absolute URL has before its root-relative one: the origin of
    ``base_url``, when its path is ``base_prefix`` as links write it (a base URL given with
    its path unencoded has none: "" then, and each view spells its absolute URL out)."""
    return base_url[:-len(base_prefix)] if base_url.endswith(base_prefix) else ""


@lru_cache(maxsize=4096)
def _day_key(day: date) -> str:
    """A day as lists group by it (2026-11-29): one string per day for all its articles."""
    return day.isoformat()


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
