"""Render: the digest's own pages (articles, home, archive, 404) and the files hosts expect
(sitemap, robots.txt, the theme's static files)."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.cache.store import key
from generator.core.dates import format_number
from generator.core.labels import phrase
from generator.core.model import Article, OutputFile
from generator.core.model import newest_first as _newest_first
from generator.core.urls import absolute, output_file_for
from generator.pages.redirects import redirects
from generator.render.engine import (
    PageMeta,
    RenderContext,
    recorded_file,
    recorded_pages,
    render_page,
    render_page_lazy,
    reused_file,
)
from generator.render.related import RelatedIndex, related_articles
from generator.render.theme import Theme, walk_theme
from generator.render.views import Link


def article_page(shared: tuple[RenderContext, RelatedIndex, frozenset[str]], article: Article) -> OutputFile:
    """``shared``: the context, the related index, and the source paths of articles whose
    related lists are known unchanged (see ``related.unchanged_related``): their page keeps
    last build's key without computing either again."""
    ctx, index, unchanged = shared
    if article.rel in unchanged:
        previous = recorded_file(ctx.reuse, output_file_for(article.url_path), article.rel)
        if previous is not None:
            return previous
    site = ctx.site
    lang = site.config.language
    meta = PageMeta(title=article.title, path=article.url_path, kind="article",
                    description=article.summary, lang=article.lang, og_type="article",
                    published_iso=article.date.isoformat())
    related = related_articles(index, article)

    def values() -> dict[str, object]:
        return {"article": ctx.article_view(article, lang),
                "related": tuple(ctx.article_view(a, lang) for a in related)}

    # The page is a function of its article and its related articles (their fingerprints),
    # so its key needs no views: a rebuild builds views only for pages it renders.
    return render_page_lazy(ctx, "article.html", meta, article.rel,
                            (article.fingerprint, [a.fingerprint for a in related]), values, meta_in_parts=True)


def kept_article_pages(shared: tuple[RenderContext, RelatedIndex, frozenset[str]],
                       articles: Sequence[Article]) -> list[OutputFile]:
    """``article_page`` of each of ``articles``, all of whose related lists are known
    unchanged (see ``related.unchanged_related``): on a rebuild, most of a large digest's
    pages, each taken by its recorded key in one plain loop."""
    reuse = shared[0].reuse
    if reuse is None:
        return [article_page(shared, article) for article in articles]
    found = recorded_pages(reuse, [(f"articles/{a.slug}/index.html", a.rel) for a in articles])
    return [page if page is not None else article_page(shared, article)
            for page, article in zip(found, articles, strict=True)]


def listing_pages(ctx: RenderContext, edition: object = None,
                  home_feeds: tuple[Link, ...] = ()) -> list[OutputFile]:
    """The home page (the latest ``edition``, if any, above the newest articles) and the
    paginated archive."""
    site = ctx.site
    lang = site.config.language
    per_page = site.config.items_per_page
    newest = [ctx.article_view(a, lang) for a in site.articles[:per_page]]
    home = PageMeta(title=site.config.title, path="", kind="home")
    pages = [render_page(ctx, "home.html", home, "the home page", feeds=home_feeds,
                         articles=newest, more=len(site.articles) > per_page, edition=edition)]
    for page in paginate(site.articles, per_page):
        title, pagination = page_heading(ctx, phrase(lang, "labels.archive"), page, archive_path)
        meta = PageMeta(title=title, path=archive_path(page.number), kind="archive")
        pages.append(render_page_lazy(
            ctx, "archive.html", meta, f"archive page {page.number or 'latest'}",
            ([a.fingerprint for a in page.items], pagination),
            lambda items=page.items, pagination=pagination: {
                "articles": [ctx.article_view(a, lang) for a in items], "pagination": pagination}))
    return pages


def not_found_page(ctx: RenderContext) -> list[OutputFile]:
    meta = PageMeta(title="404", path="404.html", kind="404", canonical=False)
    return [render_page(ctx, "404.html", meta, "the 404 page")]


def archive_path(number: int) -> str:
    return "archive/" if number == 0 else f"archive/page/{number}/"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list shown newest first.

    Pages are cut from the oldest end: every page but the newest holds ``per_page`` items,
    and keeps them, its number (1 is the oldest) and its address as the list grows. The
    newest page, at the list's own address, holds the rest: ``per_page`` up to twice that
    less one, or all of a shorter list. Adding an article then changes the newest page (and,
    once every ``per_page`` additions, seals a new one) instead of shifting every page of a
    long archive, so a rebuild renders, and a deploy uploads, a page or two, not hundreds."""

    number: int  # 0 for the newest page, else counted from the oldest
    items: Sequence
    sealed: int  # how many numbered pages the list has


def paginate(items: Sequence, per_page: int) -> list[Page]:
    """The pages of ``items`` (newest first), the newest page first; an empty list still has
    one (empty) page."""
    sealed = max(0, len(items) // per_page - 1)
    head = len(items) - sealed * per_page
    pages = [Page(0, items[:head], sealed)]
    for number in range(sealed, 0, -1):
        start = head + (sealed - number) * per_page
        pages.append(Page(number, items[start:start + per_page], sealed))
    return pages


def page_heading(ctx: RenderContext, heading: str, page: Page,
                 path_of: Callable[[int], str]) -> tuple[str, dict[str, object]]:
    """The title of ``page`` (``heading – Page n`` on a numbered page) and the pagination
    values its template shows; numbers in the site's digits. Nothing here depends on how
    many pages there are, so a sealed page stays byte for byte the same as the list grows
    (only the newest numbered page's "newer" link moves when a page is sealed after it)."""
    c = ctx.site.config
    number, sealed = page.number, page.sealed
    label = (phrase(c.language, "labels.page_latest") if number == 0
             else phrase(c.language, "labels.page_number", n=format_number(number, c.language, c.digits)))
    pagination = {
        "number": number, "several": sealed > 0, "label": label,
        "newer": "" if number == 0 else ctx.url(path_of(0 if number == sealed else number + 1)),
        "older": ctx.url(path_of(sealed if number == 0 else number - 1)) if number != 1 and sealed else "",
    }
    return (heading if number == 0 else f"{heading} – {label}"), pagination


def sitemap(ctx: RenderContext, pages: Sequence[OutputFile]) -> list[OutputFile]:
    """sitemap.xml over every HTML page but the 404 and redirect stubs; robots.txt names it.
    A rebuild keeps last build's sitemap when the pages and their articles are the same."""
    base = ctx.site.settings.base_url
    moved = {output_file_for(path) for path in redirects(ctx.site)}
    listed = sorted(p.path for p in pages
                    if p.path.endswith(".html") and p.path != "404.html" and p.path not in moved)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {absolute(base, 'sitemap.xml')}\n"
    robots_file = OutputFile("robots.txt", robots.encode("utf-8"), "robots.txt")
    modified = {a.url_path + "index.html": (a.updated or a.date).isoformat() for a in ctx.site.articles}
    file_key = ""
    if ctx.reuse is not None:  # exactly what the file shows: paths and their dates
        file_key = key(ctx.reuse.salt, repr(("sitemap", listed, [modified.get(path) for path in listed])))
        previous = reused_file(ctx.reuse, "sitemap.xml", file_key, "the sitemap")
        if previous is not None:
            return [previous, robots_file]
    rows = [b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in listed:  # bytes at once: a large site's sitemap is MBs, better held once than thrice
        lastmod = modified.get(path)
        loc = html.escape(absolute(base, path.removesuffix("index.html")), quote=False)
        rows.append(f"  <url><loc>{loc}</loc><lastmod>{lastmod}</lastmod></url>".encode() if lastmod
                    else f"  <url><loc>{loc}</loc></url>".encode())
    rows.append(b"</urlset>\n")
    return [OutputFile("sitemap.xml", b"\n".join(rows), "the sitemap", key=file_key), robots_file]


def static_files(theme: Theme) -> list[OutputFile]:
    """The theme's static folder, copied under ``static/``; licence and README files too.
    Links out of the digest and special files are left out (``theme.theme_problems``
    reports them and stops the build before this runs)."""
    walked = walk_theme(theme.static, theme.bound, "static")
    ordered = sorted(walked.files, key=lambda found: found[1])
    return [OutputFile(f"static/{rel}", path.read_bytes(), f"static/{rel}") for rel, path in ordered]


def newest_first(articles: Sequence[Article]) -> tuple[Article, ...]:
    """Newest first; ties broken by slug so the order never depends on the file system."""
    return tuple(_newest_first(articles))
