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

Each entry is therefore completed with ``xml:lang``, the attributes of the permalink, the
``rel="via"`` link and ``<source>`` (title only when the source has no URL, and no RSS
``<source>`` then, since RSS 2.0 requires its ``url``); in RSS the author is written as
``<dc:creator>`` (Dublin Core, declared on the root by a feed-level extension), what readers
show for a name.

feedgen makes the feed's own elements; the entries are made here with lxml (see
``_atom_entry``), as feedgen would make them plus those completions, and handed to it by its
feed-level extension hook.
"""

from __future__ import annotations

import html

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import formatRFC2822
from lxml import etree

from generator import __version__
from generator.feeds.formats import ATOM_TYPE, RSS_TYPE
from generator.feeds.items import Channel, Item

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"  # feedgen declares it on the RSS root
_EXTENSION = "mawjaz"


class _Entries(BaseExtension):  # type: ignore[misc]
    """Appends the channel's entries, made by ``_atom_entry``/``_rss_item``, where feedgen
    appends its own (right after its feed-level extensions; the generator holds none)."""

    def __init__(self) -> None:
        self.channel: Channel | None = None

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        assert self.channel is not None
        for item in self.channel.items:
            feed.append(_atom_entry(item))
        return feed

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        assert self.channel is not None
        channel = feed.find("channel")
        for item in self.channel.items:
            channel.append(_rss_item(item))
        return feed


class _RssEntries(_Entries):  # type: ignore[misc]
    """Declares ``dc:`` on the RSS root, so each ``<dc:creator>`` does not declare it again."""

    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC}


def _generator(channel: Channel, self_url: str, media_type: str) -> FeedGenerator:
    """The feed's own elements, with feedgen; its entries are made here (see ``_Entries``)."""
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
    fg.register_extension(_EXTENSION, _RssEntries if rss else _Entries, None, atom=not rss, rss=rss)
    getattr(fg, _EXTENSION).channel = channel
    return fg


# The entries are made with lxml directly, element by element in the order and with the
# attributes feedgen 1.0's ``atom_entry``/``rss_entry`` gives the fields set from an Item
# (its ``id``, ``title``, an alternate ``link``, ``published``, ``updated``, ``content`` and
# ``summary`` as HTML, an author name, categories), followed by what the entry extension
# described above added; the same operations, so the same bytes
# (tests/unit/feeds/test_feed_entries.py compares them with feedgen's own entries). Through
# feedgen each entry cost five times as much: its setters check and copy every value.

def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = text
    return element


def _atom_entry(item: Item) -> etree._Element:
    entry = etree.Element("entry")
    _text(entry, "id", item.id)
    _text(entry, "title", item.title)
    _text(entry, "updated", item.updated.isoformat())
    if item.author:
        _text(etree.SubElement(entry, "author"), "name", item.author)
    if item.content_html:
        _text(entry, "content", item.content_html).set("type", "html")
    # feedgen writes the permalink with its href only (see the module docstring)
    link = etree.SubElement(entry, "link", href=item.url)
    if item.summary:
        _text(entry, "summary", html.escape(item.summary, quote=False)).set("type", "html")
    for category in item.categories:
        element = etree.SubElement(entry, "category", term=category.term)
        if category.scheme:
            element.set("scheme", category.scheme)
        if category.label:
            element.set("label", category.label)
    _text(entry, "published", item.published.isoformat())
    if item.lang:
        entry.set(XML_LANG, item.lang)
    link.set("rel", "alternate")
    link.set("type", "text/html")
    if item.lang:
        link.set("hreflang", item.lang)
    source = item.source
    if source is not None and source.url:
        link.addnext(etree.Element("link", href=source.url, rel="via", title=source.name))
    if source is not None:
        # feedgen writes Atom children without a namespace under a root whose xmlns
        # attribute is Atom's, so ours follow the same convention.
        element = etree.SubElement(entry, "source")
        _text(element, "title", source.name)
        if source.url:
            etree.SubElement(element, "link", href=source.url, rel="alternate")
    return entry


def _rss_item(item: Item) -> etree._Element:
    entry = etree.Element("item")
    _text(entry, "title", item.title)
    _text(entry, "link", item.url)
    # RSS readers treat <description> as HTML, so a plain-text summary is escaped once more.
    summary = html.escape(item.summary, quote=False) if item.summary else ""
    if summary and item.content_html:
        _text(entry, "description", summary)
        _text(entry, f"{{{CONTENT}}}encoded", item.content_html)
    elif summary or item.content_html:
        _text(entry, "description", summary or item.content_html)
    _text(entry, "guid", item.id).set("isPermaLink", "false")
    for category in item.categories:
        element = _text(entry, "category", category.label)
        if category.scheme:
            element.set("domain", category.scheme)
    _text(entry, "pubDate", formatRFC2822(item.published))
    if item.author:
        _text(entry, f"{{{DC}}}creator", item.author)
    if item.source is not None and item.source.url:
        etree.SubElement(entry, "source", url=item.source.url).text = item.source.name
    return entry


def atom_bytes(channel: Channel, self_url: str) -> bytes:
    """The Atom file of ``channel``; ``self_url`` is its own address (see ``formats``)."""
    fg = _generator(channel, self_url, ATOM_TYPE)
    return bytes(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def rss_bytes(channel: Channel, self_url: str) -> bytes:
    """The RSS 2.0 file of ``channel``; ``self_url`` is its own address (see ``formats``)."""
    fg = _generator(channel, self_url, RSS_TYPE)
    return bytes(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))
