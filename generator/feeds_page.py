"""Render: the human-readable ``/feeds/`` page listing every feed a reader can follow."""

from __future__ import annotations

from generator.feeds import feeds_page_groups
from generator.labels import labels_for
from generator.model import OutputFile
from generator.render import PageMeta, RenderContext, render_page
from generator.urls import absolute
from generator.views import Link

MEDIA_NAMES = {"application/atom+xml": "Atom", "application/rss+xml": "RSS 2.0",
               "application/feed+json": "JSON Feed"}


def feeds_page(ctx: RenderContext) -> list[OutputFile]:
    site = ctx.site
    groups = tuple(
        (title, tuple(Link(MEDIA_NAMES.get(f.media_type, f.media_type),
                           absolute(site.config.base_url, f.path), f.media_type)
                      for f in links))
        for title, links in feeds_page_groups(site))
    meta = PageMeta(title=labels_for(site.config.language)["feeds"], path="feeds/", kind="feeds")
    return [render_page(ctx, "feeds.html", meta, "the feeds page", groups=groups)]
