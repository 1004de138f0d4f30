"""Render: the human-readable ``/feeds/`` page listing every feed a reader can follow."""

from __future__ import annotations

from generator.core.labels import phrase
from generator.core.model import OutputFile, Site
from generator.core.urls import absolute
from generator.feeds.editions import edition_feed_group
from generator.feeds.formats import long_label
from generator.feeds.site import FeedLink, feeds_page_groups
from generator.render.engine import PageMeta, RenderContext, render_page
from generator.render.views import Link


def feeds_page(ctx: RenderContext) -> list[OutputFile]:
    site = ctx.site
    groups = tuple(
        (title, tuple(Link(long_label(f.media_type),
                           absolute(site.settings.base_url, f.path), f.media_type)
                      for f in links))
        for title, links in _groups(site))
    meta = PageMeta(title=phrase(site.config.language, "labels.feeds"), path="feeds/", kind="feeds")
    return [render_page(ctx, "feeds.html", meta, "the feeds page", groups=groups)]


def _groups(site: Site) -> tuple[tuple[str, tuple[FeedLink, ...]], ...]:
    """The digest's feeds, then the editions feed, then languages and actors."""
    groups = feeds_page_groups(site)
    return (*groups[:1], *edition_feed_group(site), *groups[1:])
