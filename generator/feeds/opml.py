"""OPML 2.0 subscription lists: one of every feed of the digest (``feeds/all.opml``) and one
per kind of feed (``feeds/actor.opml``, ``feeds/source.opml``…), so a reader imports the
digest's actors, say, into a feed reader in one step instead of copying addresses one by one.

The format is OPML 2.0 (http://opml.org/spec2.opml): ``<opml version="2.0">``, a ``<head>``
with a ``<title>``, and a ``<body>`` whose subscription outlines carry ``type="rss"``,
``text``, ``xmlUrl`` (the feed) and ``htmlUrl`` (the page it follows); in ``all.opml`` they
sit under one outline per kind. Each subscription names the RSS 2.0 file, which every feed
reader takes. A pure function of the ``Site``: the date in the head is the build date, not
the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime

from generator.core.labels import phrase
from generator.core.model import OutputFile, Site
from generator.core.urls import absolute
from generator.feeds.editions import edition_feed_links
from generator.feeds.formats import RSS_TYPE
from generator.feeds.site import DIGEST, FEED_KINDS, SITE_FOLDER, FeedLink, feed_sets

OPML_TYPE = "text/x-opml"
ALL_FILE = f"{SITE_FOLDER}all.opml"


# XML escaping as ``xml.sax.saxutils``' ``escape`` and ``quoteattr`` do it, byte for byte:
# importing that module imports ``urllib.request`` (and with it ``http.client`` and ``ssl``),
# a twentieth of a second of every build's start for four replacements.
def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``text`` as a quoted attribute value: escaped, line breaks and tabs as character
    references, in double quotes unless it holds a double quote and no single one."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


def kind_heading(lang: str, kind: str) -> str:
    """Each kind's heading on the feeds page and in ``all.opml``."""
    headings = {"digest": phrase(lang, "labels.feeds_digest"), "language": phrase(lang, "labels.feeds_languages"),
                "actor": phrase(lang, "labels.actors"), "source": phrase(lang, "labels.sources"),
                "topic": phrase(lang, "labels.topics")}
    return headings[kind]


@dataclass(frozen=True, slots=True)
class Subscription:
    """One feed set as a list entry: what it follows, its page and its feed files."""

    kind: str
    name: str
    home_path: str
    links: tuple[FeedLink, ...]

    def feed_path(self) -> str:
        """The RSS file (or the first when a set has none): what an OPML outline subscribes to."""
        return next((link.path for link in self.links if link.media_type == RSS_TYPE), self.links[0].path)


def kind_file(kind: str) -> str:
    return f"{SITE_FOLDER}{kind}.opml"


def subscriptions(site: Site) -> tuple[Subscription, ...]:
    """Every feed set, by kind (``FEED_KINDS``), the editions feed just after the digest's."""
    listed = [Subscription(s.kind, s.name, s.home_path, s.links) for s in feed_sets(site)]
    editions = edition_feed_links(site)
    if editions:
        listed.insert(1, Subscription(DIGEST, phrase(site.config.language, "labels.editions"),
                                      "editions/", editions))
    order = {kind: i for i, kind in enumerate(FEED_KINDS)}
    return tuple(sorted(listed, key=lambda s: order[s.kind]))  # stable: each kind keeps its order


def by_kind(listed: Sequence[Subscription]) -> tuple[tuple[str, tuple[Subscription, ...]], ...]:
    """(kind, its subscriptions) for each kind that has any, in ``FEED_KINDS`` order."""
    return tuple((kind, members) for kind in FEED_KINDS
                 if (members := tuple(s for s in listed if s.kind == kind)))


def opml_files(site: Site) -> list[OutputFile]:
    """``feeds/all.opml`` and one file per kind that has feeds."""
    groups = by_kind(subscriptions(site))
    lang = site.config.language
    title = site.config.title
    files = [OutputFile(ALL_FILE, _document(site, f"{title} — {phrase(lang, 'labels.feeds')}", groups, nested=True),
                        "feeds: OPML of every feed")]
    for kind, members in groups:
        heading = kind_heading(lang, kind)
        files.append(OutputFile(kind_file(kind), _document(site, f"{title} — {heading}", ((kind, members),),
                                                           nested=False), f"feeds: OPML of the {kind} feeds"))
    return files


def _document(site: Site, title: str, groups: Sequence[tuple[str, Sequence[Subscription]]],
              nested: bool) -> bytes:
    lang = site.config.language
    base = site.settings.base_url
    rows = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">', "  <head>",
            f"    <title>{escape(title)}</title>",
            f"    <dateCreated>{format_datetime(site.build_date)}</dateCreated>",
            "  </head>", "  <body>"]
    for kind, members in groups:
        indent = "    "
        if nested:
            heading = kind_heading(lang, kind)
            rows.append(f"    <outline text={quoteattr(heading)} title={quoteattr(heading)}>")
            indent = "      "
        for entry in members:
            rows.append(f"{indent}<outline type=\"rss\" text={quoteattr(entry.name)} title={quoteattr(entry.name)} "
                        f"xmlUrl={quoteattr(absolute(base, entry.feed_path()))} "
                        f"htmlUrl={quoteattr(absolute(base, entry.home_path))}/>")
        if nested:
            rows.append("    </outline>")
    rows += ["  </body>", "</opml>", ""]
    return "\n".join(rows).encode("utf-8")

