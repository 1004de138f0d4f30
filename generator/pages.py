"""Render: the digest's own pages (articles, home, archive, 404) and the files hosts expect
(sitemap, robots.txt, the theme's static files)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from generator.cache import key
from generator.dates import format_number
from generator.labels import labels_for
from generator.model import Article, OutputFile
from generator.related import RelatedIndex, related_articles
from generator.render import PageMeta, RenderContext, render_page, render_page_lazy, reused_file
from generator.search import article_index_text
from generator.theme import Theme
from generator.urls import absolute, output_file_for
from generator.views import Link


def article_page(shared: tuple[RenderContext, RelatedIndex, frozenset[str]], article: Article) -> OutputFile:
    """``shared``: the context, the related index, and the source paths of articles whose
    related lists are known unchanged (see ``related.unchanged_related``): their page keeps
    last build's key without computing either again."""
    ctx, index, unchanged = shared
    if article.rel in unchanged and ctx.reuse is not None:
        path = output_file_for(article.url_path)
        known = ctx.reuse.pages.get(path)
        previous = reused_file(ctx.reuse, path, known[0], article.rel) if known else None
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
                "related": tuple(ctx.article_view(a, lang) for a in related),
                "search_forms": article_index_text(article) if site.config.search else ""}

    # The page is a function of its article and its related articles (their fingerprints),
    # so its key needs no views: a rebuild builds views only for pages it renders.
    return render_page_lazy(ctx, "article.html", meta, article.rel,
                            (article.fingerprint, [a.fingerprint for a in related]), values, meta_in_parts=True)


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
    for number, chunk, total in paginate(site.articles, per_page):
        title, pagination = page_heading(ctx, labels_for(lang)["archive"], number, total, archive_path)
        meta = PageMeta(title=title, path=archive_path(number), kind="archive")
        pages.append(render_page_lazy(
            ctx, "archive.html", meta, f"archive page {number}",
            ([a.fingerprint for a in chunk], pagination),
            lambda chunk=chunk, pagination=pagination: {
                "articles": [ctx.article_view(a, lang) for a in chunk], "pagination": pagination}))
    return pages


def not_found_page(ctx: RenderContext) -> list[OutputFile]:
    meta = PageMeta(title="404", path="404.html", kind="404", canonical=False)
    return [render_page(ctx, "404.html", meta, "the 404 page")]


def archive_path(number: int) -> str:
    return "archive/" if number == 1 else f"archive/page/{number}/"


def paginate(items: Sequence, per_page: int) -> Iterator[tuple[int, Sequence, int]]:
    """(page number, items, page count); an empty list still has one (empty) page."""
    total = max(1, math.ceil(len(items) / per_page))
    for number in range(1, total + 1):
        yield number, items[(number - 1) * per_page: number * per_page], total


def page_heading(ctx: RenderContext, heading: str, number: int, total: int,
                 path_of: Callable[[int], str]) -> tuple[str, dict[str, object]]:
    """The title of page ``number`` of a paginated list (``heading – Page n of m`` when there
    are several) and the pagination values its template shows; numbers in the site's digits."""
    c = ctx.site.config
    lang = c.language
    page_of = labels_for(lang)["page_of"].format(n=format_number(number, lang, c.digits),
                                                 total=format_number(total, lang, c.digits))
    pagination = {
        "number": number, "total": total, "label": page_of,
        "newer": ctx.url(path_of(number - 1)) if number > 1 else "",
        "older": ctx.url(path_of(number + 1)) if number < total else "",
    }
    return (heading if total == 1 else f"{heading} – {page_of}"), pagination


def sitemap(ctx: RenderContext, pages: Sequence[OutputFile]) -> list[OutputFile]:
    """sitemap.xml over every HTML page but the 404 and redirect stubs; robots.txt names it.
    A rebuild keeps last build's sitemap when the pages and their articles are the same."""
    base = ctx.site.config.base_url
    redirects = {f"actors/{old}/index.html" for actor in ctx.site.actors for old in actor.old_slugs}
    listed = sorted(p.path for p in pages
                    if p.path.endswith(".html") and p.path != "404.html" and p.path not in redirects)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {absolute(base, 'sitemap.xml')}\n"
    robots_file = OutputFile("robots.txt", robots.encode("utf-8"), "robots.txt")
    modified = {a.url_path + "index.html": (a.updated or a.date).isoformat() for a in ctx.site.articles}
    file_key = ""
    if ctx.reuse is not None:  # exactly what the file shows: paths and their dates
        file_key = key(ctx.reuse.salt, repr(("sitemap", listed, [modified.get(path) for path in listed])))
        previous = reused_file(ctx.reuse, "sitemap.xml", file_key, "the sitemap")
        if previous is not None:
            return [previous, robots_file]
    rows = []
    for path in listed:
        lastmod = modified.get(path)
        row = f"  <url><loc>{escape(absolute(base, path.removesuffix('index.html')))}</loc>"
        if lastmod:
            row += f"<lastmod>{lastmod}</lastmod>"
        rows.append(row + "</url>")
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
           + "\n".join(rows) + "\n</urlset>\n")
    return [OutputFile("sitemap.xml", xml.encode("utf-8"), "the sitemap", key=file_key), robots_file]


def static_files(theme: Theme) -> list[OutputFile]:
    """The theme's static folder, copied under ``static/``; licence and README files too."""
    files = []
    for path in sorted(_walk(theme.static)):
        rel = path.relative_to(theme.static).as_posix()
        files.append(OutputFile(f"static/{rel}", path.read_bytes(), f"static/{rel}"))
    return files


def _walk(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


def newest_first(articles: Sequence[Article]) -> tuple[Article, ...]:
    """Newest first; ties broken by slug so the order never depends on the file system."""
    return tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.slug)))
