"""What a feed says, independent of its format.

Atom, RSS and JSON Feed all carry the same facts about a digest; computing them once here (ids,
absolute URLs, dates, categories, which text goes where) keeps the three writers to plain
formatting and guarantees the formats never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlsplit

from generator.core.model import Article, Site
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
    """An actor as a feed category: ``term`` is the stable actor id, ``label`` its name."""

    term: str
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class SourceRef:
    name: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Item:
    """One article as every feed format sees it."""

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
    category_scheme: str

    def url(self, base_url: str, file_name: str) -> str:
        return absolute(base_url, self.folder + file_name)


def tag_uri(base_url: str, article: Article) -> str:
    """A ``tag:`` URI (RFC 4151) that survives title and slug edits.

    It is minted from the site's domain, the day the article entered the digest and its id,
    none of which an editor changes when fixing a headline.
    """
    host = urlsplit(base_url).hostname or "localhost"
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = quote(host)
    specific = quote(article.id, safe="-._~!$&'()*+,;=:@/?")
    return f"tag:{host},{article.date.date().isoformat()}:{specific}"


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
    url = absolute(site.settings.base_url, article.url_path)
    mode = config.feed_content
    categories = []
    for actor_id in article.actors:
        actor = site.actor(actor_id)
        if actor is None:
            continue
        categories.append(Category(term=actor.id, label=xml_text(actor.name(article.lang)),
                                   url=absolute(site.settings.base_url, actor.url_path)))
    source = None
    if article.source is not None:
        source = SourceRef(name=xml_text(article.source.name), url=article.source.url or None)
    return Item(
        id=tag_uri(site.settings.base_url, article),
        title=xml_text(article.title) or article.id,  # a title of only noncharacters
        url=url,
        lang=article.lang,
        published=article.published or article.date,
        updated=article.updated or article.date,
        summary=xml_text(article.summary) if mode in ("summary", "both") else "",
        content_html=(xml_text(absolutize_html(article.body_html, url))
                      if mode in ("full", "both") else ""),
        categories=tuple(categories),
        source=source,
    )


def make_channel(site: Site, *, folder: str, title: str, lang: str, home_path: str,
                 articles: Sequence[Article], dated: bool = False) -> Channel:
    """A feed over ``articles`` (``dated``: see ``feed_articles``); its ``updated`` is the
    newest entry's, never the clock's, so rebuilding unchanged content gives the same bytes
    (an empty feed uses the site's content-derived build date)."""
    config = site.config
    chosen = feed_articles(articles, config.feed_limit, dated)
    items = tuple(make_item(site, article) for article in chosen)
    updated = max((item.updated for item in items), default=site.build_date)
    return Channel(
        folder=folder,
        title=xml_text(title) or folder,  # feed readers need a title, even from an odd name
        description=xml_text(config.description or config.title) or folder,
        lang=lang,
        home_url=absolute(site.settings.base_url, home_path),
        author=xml_text(config.author or config.title),
        updated=updated,
        items=items,
        category_scheme=absolute(site.settings.base_url, "actors/"),
    )
