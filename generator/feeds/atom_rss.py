"""Atom 1.0 (RFC 4287) and RSS 2.0 documents, written with feedgen.

feedgen behaviours this module works around (read from feedgen 1.0's source):

- ``FeedGenerator.link()`` sets the RSS channel ``<link>`` to the *last* link added, whatever
  its ``rel``; the RSS ``atom:link rel="self"`` is the *first* ``rel="self"`` link. So each
  format gets its own generator, with the self link added first and the home page last.
- ``add_entry()`` prepends by default, which would reverse our newest-first order.
- Feed and entry ``updated`` default to the clock; both are always set from content here.
- The default ``<generator>`` names feedgen with a third-party URI; ours says "mawjaz".
- Entry links lose their ``rel``/``type``/``hreflang`` in Atom output (``atom_entry()`` reads
  them from the element it just created instead of from the link data), so a second entry
  link would become a second ``rel="alternate"``, which RFC 4287 4.1.1 forbids.
- Entries get no ``xml:lang`` and ``source()`` needs a URL.

- An entry's author reaches RSS only as an e-mail address (``<author>``), which a byline or
  an outlet is not.

A small entry extension therefore completes each Atom entry: ``xml:lang``, the attributes of
the permalink, the ``rel="via"`` link and ``<source>`` (title only when the source has no URL,
and no RSS ``<source>`` then, since RSS 2.0 requires its ``url``); in RSS it writes the author
as ``<dc:creator>`` (Dublin Core, declared on the root by the feed-level half of the
extension), what readers show for a name.
"""

from __future__ import annotations

import html

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from generator import __version__
from generator.feeds.items import Channel, Item, SourceRef

ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DC = "http://purl.org/dc/elements/1.1/"
_EXTENSION = "mawjaz"


class _RssNamespaces(BaseExtension):  # type: ignore[misc]
    """Declares ``dc:`` on the RSS root, so each ``<dc:creator>`` does not declare it again."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC}


class _EntryExtras(BaseEntryExtension):  # type: ignore[misc]
    """Per-entry language and source; feedgen instantiates it without arguments."""

    def __init__(self) -> None:
        self.lang = ""
        self.url = ""
        self.author = ""
        self.source: SourceRef | None = None

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        if self.lang:
            entry.set(XML_LANG, self.lang)
        for link in entry.findall("link"):
            if link.get("href") == self.url:
                link.set("rel", "alternate")
                link.set("type", "text/html")
                if self.lang:
                    link.set("hreflang", self.lang)
                if self.source is not None and self.source.url:
                    link.addnext(etree.Element("link", href=self.source.url, rel="via",
                                               title=self.source.name))
        if self.source is not None:
            # feedgen writes Atom children without a namespace under a root whose xmlns
            # attribute is Atom's, so ours follow the same convention.
            source = etree.SubElement(entry, "source")
            etree.SubElement(source, "title").text = self.source.name
            if self.source.url:
                etree.SubElement(source, "link", href=self.source.url, rel="alternate")
        return entry

    def extend_rss(self, item: etree._Element) -> etree._Element:
        if self.author:
            etree.SubElement(item, f"{{{DC}}}creator").text = self.author
        if self.source is not None and self.source.url:
            etree.SubElement(item, "source", url=self.source.url).text = self.source.name
        return item


def _generator(channel: Channel, self_url: str, media_type: str) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(channel.title)
    fg.description(channel.description)  # also the Atom <subtitle>
    fg.author(name=channel.author)
    fg.link(href=self_url, rel="self", type=media_type)
    fg.link(href=channel.home_url, rel="alternate", type="text/html")  # last: RSS <link>
    fg.language(channel.lang)
    fg.updated(channel.updated)
    fg.generator("mawjaz", version=__version__)
    rss = media_type == RSS_TYPE
    fg.register_extension(_EXTENSION, _RssNamespaces if rss else BaseExtension, _EntryExtras, atom=not rss, rss=rss)
    for item in channel.items:
        _add_entry(fg, channel, item)
    return fg


def _add_entry(fg: FeedGenerator, channel: Channel, item: Item) -> None:
    fe = fg.add_entry(order="append")
    fe.id(item.id)  # also the RSS <guid isPermaLink="false">
    fe.title(item.title)
    fe.link(href=item.url, rel="alternate")  # the only one: the RSS <link> (see above)
    fe.published(item.published)
    fe.updated(item.updated)
    if item.content_html:
        fe.content(item.content_html, type="html")
    if item.summary:
        # RSS readers treat <description> as HTML, so a plain-text summary is escaped once
        # more; the Atom <summary> says type="html" to mean the same bytes.
        fe.summary(html.escape(item.summary, quote=False), type="html")
    if item.author:
        fe.author(name=item.author)  # Atom only: feedgen's RSS <author> needs an e-mail
    for category in item.categories:
        fe.category(term=category.term, scheme=category.scheme, label=category.label)
    extras = getattr(fe, _EXTENSION)  # registered with the generator (see ``_generator``)
    extras.lang = item.lang
    extras.url = item.url
    extras.author = item.author
    extras.source = item.source


def atom_bytes(channel: Channel, self_url: str) -> bytes:
    """The Atom file of ``channel``; ``self_url`` is its own address (see ``formats``)."""
    fg = _generator(channel, self_url, ATOM_TYPE)
    return bytes(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def rss_bytes(channel: Channel, self_url: str) -> bytes:
    """The RSS 2.0 file of ``channel``; ``self_url`` is its own address (see ``formats``)."""
    fg = _generator(channel, self_url, RSS_TYPE)
    return bytes(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))
