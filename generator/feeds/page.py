"""Render: the human-readable ``/feeds/`` page: every feed a reader can follow, in one
section per kind (the digest, languages, actors, outlets, topics), each feed set one row
with a link per format, a filter box to find one among hundreds, and the OPML files that
subscribe to a whole section at once (``feeds.opml``)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.core.labels import phrase
from generator.core.model import OutputFile
from generator.feeds.formats import FORMATS
from generator.feeds.opml import ALL_FILE, OPML_TYPE, by_kind, kind_file, kind_heading, subscriptions
from generator.feeds.site import LANGUAGE, follow_of
from generator.render.engine import PageMeta, RenderContext, render_page
from generator.render.views import Follow, Link


@dataclass(frozen=True, slots=True)
class FeedRow:
    name: str
    page: str  # the page it follows
    links: tuple[Link, ...]  # one per format, by its short name


@dataclass(frozen=True, slots=True)
class FeedSection:
    kind: str
    heading: str
    opml: Link
    rows: tuple[FeedRow, ...]
    # Languages have no page of their own: their follow controls are here, one per language.
    follows: tuple[Follow, ...] = ()


def feeds_page(ctx: RenderContext) -> list[OutputFile]:
    site = ctx.site
    lang = site.config.language
    labels = {f.media_type: f.short_label for f in FORMATS}
    sections = tuple(
        FeedSection(kind, kind_heading(lang, kind),
                    Link(phrase(lang, "labels.opml_kind"), ctx.url(kind_file(kind)), OPML_TYPE),
                    tuple(FeedRow(s.name, ctx.url(s.home_path),
                                  tuple(Link(labels.get(f.media_type, f.media_type), ctx.url(f.path), f.media_type)
                                        for f in s.links))
                          for s in members),
                    tuple(follow_of(site, s.name, s.links) for s in members) if kind == LANGUAGE else ())
        for kind, members in by_kind(subscriptions(site)))
    meta = PageMeta(title=phrase(lang, "labels.feeds"), path="feeds/", kind="feeds")
    everything = Link(phrase(lang, "labels.opml_all"), ctx.url(ALL_FILE), OPML_TYPE)
    return [render_page(ctx, "feeds.html", meta, "the feeds page", sections=sections, opml=everything)]
