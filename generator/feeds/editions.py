"""The editions feed: one entry per edition (``feeds/editions/atom.xml``, ``rss.xml``,
``feed.json``), for readers who want "the daily digest" as one item a day.

It reuses the feed machinery as is: an edition becomes a ``feeds_items.Item`` whose content is
the editor's note and the list of the edition's article titles, linked; the Atom, RSS and
JSON writers then format it like any other item. Entry ids are ``tag:`` URIs minted from the
site's domain and the edition's day, so they survive note and title edits.
"""

from __future__ import annotations

import html

from generator.cache.store import key
from generator.content.editions import Edition, edition_title, site_editions
from generator.core.labels import phrase
from generator.core.model import Article, OutputFile, Site, direction_of
from generator.core.urls import absolute
from generator.feeds.absolute_urls import absolutize_html
from generator.feeds.formats import FILE_NAMES, FORMATS
from generator.feeds.items import Channel, Item, entry_updated, tag_uri, xml_text
from generator.feeds.site import FeedLink
from generator.render.engine import Reuse, reused_files

FOLDER = "feeds/editions/"


def _feed_title(site: Site) -> str:
    return f"{site.config.title} — " + phrase(site.config.language, "labels.editions")


def edition_feed_links(site: Site) -> tuple[FeedLink, ...]:
    """The editions feed files, for autodiscovery and the ``/feeds/`` page (none when off)."""
    if site.config.editions == "none":
        return ()
    title = _feed_title(site)
    return tuple(FeedLink(f"{title} ({f.short_label})", f.media_type, FOLDER + f.file_name)
                 for f in FORMATS)


def edition_feed_group(site: Site) -> tuple[tuple[str, tuple[FeedLink, ...]], ...]:
    """(heading, links) for the ``/feeds/`` page."""
    links = edition_feed_links(site)
    return ((phrase(site.config.language, "labels.editions"), links),) if links else ()


def edition_uri(site: Site, edition: Edition) -> str:
    """``tag:example.org,2026-11-29:editions/daily/2026-11-29`` (RFC 4151; see
    ``items.tag_uri``: the authority does not follow the host the site is built for)."""
    return tag_uri(site.config, edition.day, f"editions/{site.config.editions}/{edition.key}")


def edition_item(site: Site, edition: Edition, articles: tuple[Article, ...]) -> Item:
    c = site.config
    url = absolute(site.settings.base_url, edition.url_path)
    note = site.notes.get(edition.key)
    parts = [absolutize_html(note.body_html, url)] if note and note.body_html else []
    rows = []
    for article in articles:
        attrs = ""
        if article.lang.split("-")[0] != c.language.split("-")[0]:
            attrs = f' lang="{html.escape(article.lang)}" dir="{direction_of(article.lang)}"'
        rows.append(f'<li{attrs}><a href="{html.escape(absolute(site.settings.base_url, article.url_path))}">'
                    f"{html.escape(article.title, quote=False)}</a></li>")
    parts.append("<ul>\n" + "\n".join(rows) + "\n</ul>")
    summary = " · ".join(a.title for a in articles)
    return Item(
        id=edition_uri(site, edition),
        title=xml_text(edition_title(site, edition)),
        url=url,
        lang=c.language,
        published=min(a.date for a in articles),
        updated=max(entry_updated(a) for a in articles),
        summary=xml_text(summary) if c.feed_content in ("summary", "both") else "",
        content_html=xml_text("\n".join(parts)),
        categories=(),
        source=None,
    )


def fed_editions(site: Site) -> list[tuple[Edition, tuple[Article, ...]]]:
    """Newest editions first with their published articles, at most ``feed_limit``; drafts
    never enter feeds, and an edition of drafts only is left out."""
    chosen = []
    for edition in site_editions(site):
        articles = tuple(a for a in edition.articles if not a.draft)
        if articles:
            chosen.append((edition, articles))
        if len(chosen) >= site.config.feed_limit:
            break
    return chosen


def edition_channel(site: Site) -> Channel:
    c = site.config
    items = [edition_item(site, edition, articles) for edition, articles in fed_editions(site)]
    return Channel(
        folder=FOLDER,
        title=xml_text(_feed_title(site)),
        description=xml_text(c.description or c.title),
        lang=c.language,
        home_url=absolute(site.settings.base_url, "editions/"),
        author=xml_text(c.author or c.title),
        updated=max((i.updated for i in items), default=site.build_date),
        items=tuple(items),
    )


def edition_feed_outputs(site: Site, reuse: Reuse | None = None) -> list[OutputFile]:
    """The editions feed; with ``reuse``, last build's files when the newest editions, their
    articles (by fingerprint) and their notes are what they were."""
    if site.config.editions == "none":
        return []
    file_key = ""
    if reuse is not None:
        shown = [(edition.key, [a.fingerprint for a in articles], site.notes.get(edition.key))
                 for edition, articles in fed_editions(site)]
        file_key = key(reuse.salt, repr(("editions feed", site.build_date, shown)))
        previous = reused_files(reuse, [FOLDER + name for name in FILE_NAMES], file_key, "feeds: editions")
        if previous is not None:
            return previous
    channel = edition_channel(site)
    return [OutputFile(FOLDER + f.file_name, f.render(channel, site.settings.base_url), "feeds: editions",
                       key=file_key)
            for f in FORMATS]
