"""What news sites carry for machines besides the page: schema.org ``NewsArticle`` JSON-LD,
``hreflang`` alternates between an article and its translations, and the Google News
sitemap (``news-sitemap.xml``).

JSON-LD goes into the page as ``<script type="application/ld+json">``: a data block that no
browser runs, so the pages' CSP (``script-src 'self'``) does not need loosening. The JSON is
made safe inside ``<script>`` by escaping ``<``, ``>`` and ``&`` (a title holding
``</script>`` cannot end the block).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from datetime import timedelta
from itertools import takewhile
from types import MappingProxyType

from generator.core.model import Article, OutputFile, Site
from generator.core.urls import absolute
from generator.render.engine import DEFAULT_IMAGE
from generator.render.views import ArticleView, Link

NEWS_FILE = "news-sitemap.xml"
NEWS_WINDOW = timedelta(days=2)  # Google News lists articles of the last two days


def script_json(data: object) -> str:
    """``data`` as JSON that cannot end or confuse the ``<script>`` element holding it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def news_article(site: Site, article: Article, view: ArticleView, image: str) -> str:
    """The article as a schema.org ``NewsArticle``: headline, dates, who wrote or published
    it first, the digest as publisher, an image, its language and the actors it is about
    (with their Wikidata items as ``sameAs`` where the registry gives one). ``image`` is
    ``view.image``, which the caller has already read from the body for the share card."""
    base = site.settings.base_url
    publisher = {"@type": "Organization", "name": site.config.title, "url": absolute(base, ""),
                 "logo": {"@type": "ImageObject", "url": absolute(base, DEFAULT_IMAGE)}}
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": article.title, "url": view.abs_url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": view.abs_url},
        "datePublished": (article.published or article.date).isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "inLanguage": article.lang, "publisher": publisher,
        "image": [image or absolute(base, DEFAULT_IMAGE)],
    }
    if article.summary:
        data["description"] = article.summary
    if article.byline:
        data["author"] = [{"@type": "Person", "name": article.byline}]
    elif article.source is not None:
        data["author"] = [_source_org(article)]
    else:
        data["author"] = [{"@type": "Organization", "name": site.config.title, "url": absolute(base, "")}]
    if article.source is not None:
        data["sourceOrganization"] = _source_org(article)
        if article.source.url:
            data["isBasedOn"] = article.source.url
    about = [_thing(site, actor_id) for actor_id in article.actors if site.actor(actor_id) is not None]
    if about:
        data["about"] = about
    return script_json(data)


def _source_org(article: Article) -> dict[str, object]:
    assert article.source is not None
    org: dict[str, object] = {"@type": "Organization", "name": article.source.name}
    if article.source.url:
        org["url"] = article.source.url
    return org


# schema.org types of the registry's kinds; the rest are organisations of some kind.
_SCHEMA_TYPES: Mapping[str, str] = MappingProxyType({"person": "Person", "place": "Place", "state": "Country"})


def _thing(site: Site, actor_id: str) -> dict[str, object]:
    actor = site.actor(actor_id)
    assert actor is not None
    thing: dict[str, object] = {"@type": _SCHEMA_TYPES.get(actor.kind, "Organization"),
                                "name": actor.name(site.config.language),
                                "url": absolute(site.settings.base_url, actor.url_path)}
    if actor.wikidata:
        thing["sameAs"] = f"https://www.wikidata.org/wiki/{actor.wikidata}"
    return thing


def alternates(site: Site, article: Article) -> tuple[Link, ...]:
    """``hreflang`` links of an article that has other-language versions: itself and each
    of them (every version lists the same set), none for an article without any."""
    others = site.translations.get(article.id, ())
    if not others:
        return ()
    family = sorted((article, *others), key=lambda a: (a.lang, a.id))
    return tuple(Link(a.title, absolute(site.settings.base_url, a.url_path), lang=a.lang) for a in family)


def news_sitemap(site: Site) -> list[OutputFile]:
    """``news-sitemap.xml``: the articles of the two days before the newest article's date
    (the build's reference date, not the clock: a rebuild gives the same file), with the
    ``news:news`` block Google News reads. Always written, empty when nothing is that recent."""
    # The articles are newest first (as ``Site`` holds them, and the home page and archive
    # show them): the recent ones are the run at the start, not a scan of the archive,
    # whose every date compared across time zones cost a tenth of a second at 50,000.
    articles = site.articles
    cutoff = articles[0].date - NEWS_WINDOW if articles else None
    recent: Sequence[Article] = [] if cutoff is None else list(takewhile(lambda a: a.date > cutoff, articles))
    base = site.settings.base_url
    rows = ['<?xml version="1.0" encoding="UTF-8"?>',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">']
    for article in recent:
        rows += ["  <url>", f"    <loc>{html.escape(absolute(base, article.url_path), quote=False)}</loc>",
                 "    <news:news>", "      <news:publication>",
                 f"        <news:name>{html.escape(site.config.title, quote=False)}</news:name>",
                 f"        <news:language>{html.escape(article.lang.split('-')[0], quote=False)}</news:language>",
                 "      </news:publication>",
                 f"      <news:publication_date>{article.date.isoformat()}</news:publication_date>",
                 f"      <news:title>{html.escape(article.title, quote=False)}</news:title>",
                 "    </news:news>", "  </url>"]
    rows += ["</urlset>", ""]
    return [OutputFile(NEWS_FILE, "\n".join(rows).encode("utf-8"), "the news sitemap")]
