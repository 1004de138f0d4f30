"""What a feed says, independent of its format.

Atom, RSS and JSON Feed all carry the same facts about a digest; computing them once here (ids,
absolute URLs, dates, categories, which text goes where) keeps the three writers to plain
formatting and guarantees the formats never disagree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlsplit

from generator.core.config import SiteConfig
from generator.core.dates import format_day
from generator.core.labels import catalogue_language, phrase
from generator.core.model import TERM_FOLDERS, TOPIC, Article, Site
from generator.core.urls import absolute
from generator.feeds.absolute_urls import absolutize_html

# Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/F):
# one stray control character pasted from a source would make the whole feed unreadable.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters no XML document may contain."""
    return _NOT_XML.sub("", text)


@dataclass(frozen=True, slots=True)
class Category:
    """An actor or a topic as a feed category: ``term`` is the stable actor id or the topic's
    slug, ``label`` its name, ``scheme`` the index page of its kind (``…/actors/``,
    ``…/topics/``), which tells an actor and a topic of one name apart."""

    term: str
    label: str
    url: str
    scheme: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Item:
    """One article as every feed format sees it.

    ``published`` is when the article entered the digest (its ``date``), the date readers
    sort and show entries by: an article added today from a page of 2021 is news today, not
    buried in 2021. The source's own date is said in the text instead (see ``dateline``).
    ``author`` is who wrote it: the byline, else the outlet ("" for neither)."""

    id: str
    title: str
    url: str
    lang: str
    published: datetime
    updated: datetime
    summary: str  # plain text, "" when the feed carries no summary
    content_html: str  # absolute URLs, "" when the feed carries no full text
    categories: tuple[Category, ...]
    source: SourceRef | None
    author: str = ""


@dataclass(frozen=True, slots=True)
class Channel:
    """One feed set (site-wide, one language or one actor) before it is written out.

    ``folder`` is where its three files live, relative to the site root (``feeds/``).
    """

    folder: str
    title: str
    description: str
    lang: str
    home_url: str
    author: str
    updated: datetime
    items: tuple[Item, ...]

    def url(self, base_url: str, file_name: str) -> str:
        return absolute(base_url, self.folder + file_name)


def tag_uri(config: SiteConfig, day: date, specific: str) -> str:
    """A ``tag:`` URI (RFC 4151) for an entry of ``day`` whose id in the digest is ``specific``.

    Feed readers know an entry by its id alone: it must survive title and slug edits and the
    site's move to another host. So it is minted from ``feed_id_authority`` (a domain and a
    day it was the curator's: ``tag:example.org,2026-01-31:2026-11-27/2026-summit``), never
    from the address this build publishes under. Unset, the domain is the host of the
    configured ``base_url`` and the date is the entry's day
    (``tag:example.org,2026-11-27:2026-summit``, the form ids had before the setting
    existed); a bare domain in the setting keeps that form too, so a digest that moves can
    pin the ids it has.
    """
    authority = config.feed_id_authority or _host(config.base_url)
    safe = quote(specific, safe="-._~!$&'()*+,;=:@/?")
    if "," in authority:
        return f"tag:{authority}:{day.isoformat()}/{safe}"
    return f"tag:{authority},{day.isoformat()}:{safe}"


def _host(url: str) -> str:
    host = urlsplit(url).hostname or "localhost"
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host)


def entry_updated(article: Article) -> datetime:
    """When the entry last changed: ``updated`` if it is later than when it entered the
    digest (an article imported with a source's old update date was still new here)."""
    return max(article.updated, article.date) if article.updated else article.date


def dateline(site: Site, article: Article) -> str:
    """"Published by Reuters on Friday, 27 November 2026", in the article's language (plain
    text): the source's own date, which the entry's date is not. "" without one."""
    if article.published is None:
        return ""
    c = site.config
    lang = catalogue_language(article.lang)
    day = format_day(article.published.astimezone(c.tz), lang, c.month_names, c.digits)
    outlet = article.outlet
    source = outlet.name if outlet is not None else article.source.name if article.source else ""
    if source:
        return phrase(lang, "feed.published_by", source=source, day=day)
    return phrase(lang, "feed.published_on", day=day)


def author_of(article: Article) -> str:
    """The byline, else the outlet's name, else the source's: who readers see as the author."""
    if article.byline:
        return article.byline
    outlet = article.outlet
    if outlet is not None:
        return outlet.name
    return article.source.name if article.source else ""


def feed_articles(articles: Sequence[Article], limit: int, dated: bool = False) -> tuple[Article, ...]:
    """Newest first, drafts left out, at most ``limit``.

    Drafts never enter feeds, even in preview builds: readers keep every entry they once
    fetched, so a draft would outlive its retraction.

    ``dated``: ``articles`` are already newest first (by date; ties in any order), as a
    site's and an actor's are: only the first ``limit`` of them, and those dated as the
    last of these, can be entries, so the rest of a long list is never looked at.
    """
    published = []
    for article in articles:
        if article.draft:
            continue
        if dated and 0 < limit <= len(published) and article.date < published[limit - 1].date:
            break
        published.append(article)
    published.sort(key=lambda a: (a.date, a.id), reverse=True)
    return tuple(published[:limit])


def make_item(site: Site, article: Article) -> Item:
    config = site.config
    base = site.settings.base_url
    url = absolute(base, article.url_path)
    mode = config.feed_content
    categories = []
    for actor_id in article.actors:
        actor = site.actor(actor_id)
        if actor is None:
            continue
        categories.append(Category(term=actor.id, label=xml_text(actor.name(article.lang)),
                                   url=absolute(base, actor.url_path), scheme=absolute(base, "actors/")))
    for topic in article.topic_terms:
        categories.append(Category(term=topic.slug, label=xml_text(topic.name), url=absolute(base, topic.url_path),
                                   scheme=absolute(base, TERM_FOLDERS[TOPIC])))
    source = None
    if article.source is not None:
        source = SourceRef(name=xml_text(article.source.name), url=article.source.url or None)
    said = xml_text(dateline(site, article))
    summary = xml_text(article.summary) if mode in ("summary", "both") else ""
    content = xml_text(absolutize_html(article.body_html, url)) if mode in ("full", "both") else ""
    if said and content:
        wording = catalogue_language(article.lang)  # the phrase's language, when it has no catalogue
        attrs = "" if wording == article.lang.split("-")[0].lower() else f' lang="{wording}" dir="ltr"'
        content = f"<p{attrs}>{html.escape(said, quote=False)}</p>\n{content}"
    elif said:
        summary = f"{summary}\n{said}" if summary else said
    return Item(
        id=tag_uri(config, article.date.date(), article.id),
        title=xml_text(article.title) or article.id,  # a title of only noncharacters
        url=url,
        lang=article.lang,
        published=article.date,
        updated=entry_updated(article),
        summary=summary,
        content_html=content,
        categories=tuple(categories),
        source=source,
        author=xml_text(author_of(article)),
    )


def make_channel(site: Site, *, folder: str, title: str, lang: str, home_path: str,
                 articles: Sequence[Article], dated: bool = False, subtitle: str = "") -> Channel:
    """A feed over ``articles`` (``dated``: see ``feed_articles``); its ``updated`` is the
    newest entry's, never the clock's, so rebuilding unchanged content gives the same bytes
    (an empty feed uses the site's content-derived build date). ``subtitle``: what the feed
    is (an actor's, a topic's…); the site's description by default."""
    config = site.config
    chosen = feed_articles(articles, config.feed_limit, dated)
    items = tuple(make_item(site, article) for article in chosen)
    updated = max((item.updated for item in items), default=site.build_date)
    return Channel(
        folder=folder,
        title=xml_text(title) or folder,  # feed readers need a title, even from an odd name
        description=xml_text(subtitle or config.description or config.title) or folder,
        lang=lang,
        home_url=absolute(site.settings.base_url, home_path),
        author=xml_text(config.author or config.title),
        updated=updated,
        items=items,
    )
