"""Render: the digest's own pages (articles, home, archive, 404) and the files hosts expect
(sitemap, robots.txt, the theme's static files)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from generator.cache.store import key
from generator.content.editions import edition_start, edition_title, ordered, site_editions
from generator.core.dates import format_day, format_number
from generator.core.labels import phrase, plural
from generator.core.model import Article, OutputFile, body_bytes
from generator.core.model import newest_first as _newest_first
from generator.core.site_files import Kept
from generator.core.urls import absolute, output_file_for, quote_path
from generator.feeds.site import follow_of, site_feed_links
from generator.pages.metadata import NEWS_FILE, alternates, news_article, news_sitemap
from generator.pages.redirects import redirects
from generator.render.changes import every_article
from generator.render.engine import (
    PageMeta,
    RenderContext,
    kept_list_pages,
    kept_run,
    recorded_file,
    render_page,
    render_page_lazy,
    reused_file,
)
from generator.render.related import RelatedIndex, related_articles
from generator.render.theme import Theme, walk_theme
from generator.render.views import ArticleView, Link


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
                    published_iso=article.date.isoformat(),
                    modified_iso=article.updated.isoformat() if article.updated else "",
                    alternates=alternates(site, article))
    versions = site.translations.get(article.id, ())
    # Its translations have their own line under the title, not a second link among related ones.
    related = [a for a in related_articles(index, article) if a not in versions]

    def values() -> dict[str, object]:
        # The body read from the cache once, for the share card, the JSON-LD and the page
        # itself (the view in the memo, shown by listings, keeps only where it is).
        view = replace(ctx.article_view(article, lang), html=body_bytes(article.body))
        image = view.image
        return {"article": view,
                "related": tuple(ctx.article_view(a, lang) for a in related),
                "translations": tuple(ctx.article_view(a, article.lang) for a in versions),
                "page_meta": replace(meta, image=image, json_ld=news_article(site, article, view, image))}

    # The page is a function of its article, its related articles and its translations
    # (their fingerprints), so its key needs no views: a rebuild builds views only for pages
    # it renders. The fingerprints are spelled by the build's memo of their texts (see
    # ``RenderContext.fingerprints``): an article is on its own page and on its related
    # articles', and spelling its fingerprint out for each of them took half a second of
    # CPU at 10,000 articles. Without the cache there is no key to make.
    parts = ((ctx.texts.of((article,))[0], ctx.fingerprints(related), ctx.fingerprints(versions))
             if ctx.reuse is not None else ())
    return render_page_lazy(ctx, "article.html", meta, article.rel, parts, values, meta_in_parts=True)


@dataclass(frozen=True, slots=True)
class DayGroup:
    """Articles of one day on the front page, under that day's date."""

    date_iso: str
    label: str
    articles: tuple[ArticleView, ...]


@dataclass(frozen=True, slots=True)
class FrontView:
    """The front page: the latest edition (or, without editions, the latest day) with its
    lead item and the rest as briefs, then earlier days. ``date_text`` is "" when the
    title already says the date (an edition's default title does), so it is shown once."""

    title: str
    url: str  # the edition's page; "" without editions
    date_iso: str
    date_text: str
    count_text: str
    lead: ArticleView | None
    briefs: tuple[ArticleView, ...]
    earlier: tuple[DayGroup, ...]


def front_view(ctx: RenderContext, newest: Sequence[Article]) -> FrontView:
    """What the front page shows of ``newest`` (the site's newest articles, newest first)."""
    site = ctx.site
    c = site.config
    lang = c.language
    editions = site_editions(site) if c.editions != "none" else ()
    if editions:
        edition = editions[0]
        note = site.notes.get(edition.key)
        latest = ordered(edition, note)[:c.items_per_page]
        title, url = edition_title(site, edition), ctx.url(edition.url_path)
        day = edition_start(edition.day, c.tz)
        date_text = format_day(day, lang, c.month_names, c.digits) if note and note.title else ""
        date_iso, count = edition.key, len(edition.articles)
    else:
        first_day = newest[0].date.astimezone(c.tz).date() if newest else None
        latest = tuple(a for a in newest if a.date.astimezone(c.tz).date() == first_day)
        title = format_day(newest[0].date.astimezone(c.tz), lang, c.month_names, c.digits) if newest else ""
        url, date_text, date_iso, count = "", "", first_day.isoformat() if first_day else "", len(latest)
    shown = {a.rel for a in latest}
    views = [ctx.article_view(a, lang) for a in latest]
    return FrontView(title=title, url=url, date_iso=date_iso, date_text=date_text,
                     count_text=plural(lang, "plural.articles", count, c.digits) if latest else "",
                     lead=views[0] if views else None, briefs=tuple(views[1:]),
                     earlier=_days(ctx, [a for a in newest if a.rel not in shown]))


def _days(ctx: RenderContext, articles: Sequence[Article]) -> tuple[DayGroup, ...]:
    c = ctx.site.config
    groups: list[DayGroup] = []
    for article in articles:
        view = ctx.article_view(article, c.language)
        if groups and groups[-1].date_iso == view.day_key:
            groups[-1] = replace(groups[-1], articles=(*groups[-1].articles, view))
        else:
            label = format_day(article.date.astimezone(c.tz), c.language, c.month_names, c.digits)
            groups.append(DayGroup(view.day_key, label, (view,)))
    return tuple(groups)


def kept_article_pages(shared: tuple[RenderContext, RelatedIndex, frozenset[str]],
                       articles: Sequence[Article]) -> tuple[list[OutputFile], Kept | None]:
    """``article_page`` of each of ``articles``, all of whose related lists are known
    unchanged (see ``related.unchanged_related``): on a rebuild, most of a large digest's
    pages, taken by their recorded keys as one run of kept files (see ``engine.kept_run``);
    the pages made again (a file changed since the last build), and that run."""
    reuse = shared[0].reuse
    if reuse is None:
        return [article_page(shared, article) for article in articles], None
    run, missed = kept_run(reuse, [output_file_for(a.url_path) for a in articles], [a.rel for a in articles])
    return [article_page(shared, articles[number]) for number in missed], run


def listing_pages(ctx: RenderContext, home_feeds: tuple[Link, ...] = ()) -> list[OutputFile]:
    """The front page (the latest edition or day, then earlier days) and the paginated archive."""
    site = ctx.site
    lang = site.config.language
    per_page = site.config.items_per_page
    front = front_view(ctx, site.articles[:per_page])
    home = PageMeta(title=site.config.title, path="", kind="home")
    follow = follow_of(site, phrase(lang, "labels.feeds_digest"), site_feed_links(site))
    pages = [render_page(ctx, "home.html", home, "the home page", feeds=home_feeds,
                         front=front, more=len(site.articles) > per_page, follow=follow)]
    kept = kept_list_pages(ctx.reuse, site.articles, every_article, per_page)
    for page in paginate(site.articles, per_page):
        previous = recorded_file(ctx.reuse, output_file_for(archive_path(page.number)),
                                 _archive_origin(page.number)) if page.number in kept else None
        if previous is not None:  # the same articles as last time: its key is the recorded one
            pages.append(previous)
            continue
        title, pagination = page_heading(ctx, phrase(lang, "labels.archive"), page, archive_path)
        meta = PageMeta(title=title, path=archive_path(page.number), kind="archive")
        pages.append(render_page_lazy(
            ctx, "archive.html", meta, _archive_origin(page.number),
            (ctx.fingerprints(page.items), pagination),
            lambda items=page.items, pagination=pagination: {
                "articles": [ctx.article_view(a, lang) for a in items], "pagination": pagination}))
    return pages


def _archive_origin(number: int) -> str:
    return f"archive page {number or 'latest'}"


def not_found_page(ctx: RenderContext) -> list[OutputFile]:
    meta = PageMeta(title="404", path="404.html", kind="404", canonical=False, noindex=True)
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


def sitemap(ctx: RenderContext, pages: Iterable[str]) -> list[OutputFile]:
    """sitemap.xml over every HTML page (``pages``: the paths of the site's pages) but the
    404 and redirect stubs; robots.txt names it.
    A rebuild keeps last build's sitemap when the pages and their articles are the same
    (``Reuse.shaped``); otherwise it is made, and kept when its bytes are the last build's.
    Its key is the digest of its bytes: an addition changes the file anyway, and a key made
    of every path and date beside it (as it once was) was a second pass over the pages."""
    base = ctx.site.settings.base_url
    robots = (f"User-agent: *\nAllow: /\n\nSitemap: {absolute(base, 'sitemap.xml')}\n"
              f"Sitemap: {absolute(base, NEWS_FILE)}\n")
    robots_file = OutputFile("robots.txt", robots.encode("utf-8"), "robots.txt")
    kept = recorded_file(ctx.reuse, "sitemap.xml", "the sitemap") if ctx.reuse and ctx.reuse.shaped else None
    if kept is not None:  # the same pages, of the same articles' URLs and dates (see ``Reuse.shaped``)
        return [kept, robots_file, *news_sitemap(ctx.site)]
    moved = {output_file_for(path) for path in redirects(ctx.site)}
    listed = sorted(path for path in pages
                    if path.endswith(".html") and path != "404.html" and path not in moved)
    modified = {a.url_path + "index.html": a.updated or a.date for a in ctx.site.articles}
    rows = [b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path in listed:  # bytes at once: a large site's sitemap is MBs, better held once than thrice
        lastmod = modified.get(path)
        loc = _location(base, path.removesuffix("index.html"))
        rows.append(f"  <url><loc>{loc}</loc><lastmod>{lastmod.isoformat()}</lastmod></url>".encode() if lastmod
                    else f"  <url><loc>{loc}</loc></url>".encode())
    rows.append(b"</urlset>\n")
    data = b"\n".join(rows)
    file_key = key("sitemap", data) if ctx.reuse is not None else ""
    same = reused_file(ctx.reuse, "sitemap.xml", file_key, "the sitemap")
    return [same or OutputFile("sitemap.xml", data, "the sitemap", key=file_key), robots_file,
            *news_sitemap(ctx.site)]


def _location(base: str, path: str) -> str:
    """The sitemap's ``<loc>`` of a page's path: its absolute URL, escaped for XML. The path
    is encoded by ``quote_path`` itself, not through ``encode_path``'s memo, which a
    sitemap's 12,700 paths, each seen once, only churn (0.16 s of every rebuild that adds an
    article at 10,000 articles, 0.10 s without it)."""
    return html.escape(absolute(base, path, quote_path(path.lstrip("/"))), quote=False)


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
