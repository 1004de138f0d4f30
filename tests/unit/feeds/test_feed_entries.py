"""Atom and RSS entries are written with lxml directly (``feeds.atom_rss``); each file must be
byte for byte what feedgen 1.0 writes when it makes the entries itself, with the entry
extension ``atom_rss`` used before. That path is kept here as the reference."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta, timezone

import pytest
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from generator import __version__
from generator.feeds.atom_rss import ATOM_TYPE, DC, RSS_TYPE, XML_LANG, atom_bytes, rss_bytes
from generator.feeds.items import Category, Channel, Item, SourceRef, make_channel
from tests.unit.feeds.test_feeds import make_site

BEIRUT = timezone(timedelta(hours=2))
SELF = "https://example.org/digest/feeds/atom.xml"


class _RssNamespaces(BaseExtension):  # type: ignore[misc]
    def extend_ns(self) -> dict[str, str]:
        return {"dc": DC}


class _EntryExtras(BaseEntryExtension):  # type: ignore[misc]
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
                    link.addnext(etree.Element("link", href=self.source.url, rel="via", title=self.source.name))
        if self.source is not None:
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


def feedgen_bytes(channel: Channel, self_url: str, media_type: str) -> bytes:
    """The file as feedgen writes it with every entry made by feedgen."""
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(channel.title)
    fg.description(channel.description)
    fg.author(name=channel.author)
    fg.link(href=self_url, rel="self", type=media_type)
    fg.link(href=channel.home_url, rel="alternate", type="text/html")
    fg.language(channel.lang)
    fg.updated(channel.updated)
    fg.generator("mawjaz", version=__version__)
    rss = media_type == RSS_TYPE
    fg.register_extension("mawjaz", _RssNamespaces if rss else BaseExtension, _EntryExtras, atom=not rss, rss=rss)
    for item in channel.items:
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.title(item.title)
        fe.link(href=item.url, rel="alternate")
        fe.published(item.published)
        fe.updated(item.updated)
        if item.content_html:
            fe.content(item.content_html, type="html")
        if item.summary:
            fe.summary(html.escape(item.summary, quote=False), type="html")
        if item.author:
            fe.author(name=item.author)
        for category in item.categories:
            fe.category(term=category.term, scheme=category.scheme, label=category.label)
        extras = fe.mawjaz
        extras.lang, extras.url, extras.author, extras.source = item.lang, item.url, item.author, item.source
    if rss:
        return bytes(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True))
    return bytes(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True))


def item(n: int, **fields: object) -> Item:
    when = datetime(2026, 3, 1, 9, n, tzinfo=BEIRUT)
    values: dict[str, object] = {
        "id": f"tag:example.org,2026-03-01:a{n}", "title": f"خبر {n} & <عنوان> \"مقتبس\" 'x'",
        "url": f"https://example.org/digest/articles/a{n}/", "lang": "ar", "published": when,
        "updated": when + timedelta(hours=1), "summary": "ملخص <b>&amp;</b>\r\nسطر",
        "content_html": "<p>نص &amp; <a href=\"https://example.org/?a=1&amp;b=2\">رابط</a></p>\n<p>ثان</p>",
        "categories": (Category("un", "الأمم المتحدة", "https://example.org/digest/actors/un/",
                                "https://example.org/digest/actors/"),),
        "source": SourceRef("رويترز", "https://www.reuters.com/x?a=1&b=2"), "author": "سلمى الأحمد"}
    values.update(fields)
    return Item(**values)  # type: ignore[arg-type]


ITEMS = [
    item(1),
    item(2, summary="", author="", source=None, categories=()),
    item(3, content_html="", source=SourceRef("Wire", None), lang="en"),
    item(4, summary="", content_html="", lang=""),
    item(5, categories=(Category("x", "", "", ""), Category("y", "Y", "u", "")), source=SourceRef("", "https://a.example/")),
    item(6, published=datetime(2021, 1, 1, 0, 0, tzinfo=UTC), title="Title\twith\ttabs"),
]


@pytest.mark.parametrize("media_type", [ATOM_TYPE, RSS_TYPE])
@pytest.mark.parametrize("items", [(), tuple(ITEMS[:1]), tuple(ITEMS)], ids=["empty", "one", "all"])
def test_entries_are_byte_for_byte_feedgens(media_type: str, items: tuple[Item, ...]) -> None:
    channel = Channel("feeds/", "موجز & <الأسبوع>", "وصف", "ar", "https://example.org/digest/", "هيئة التحرير",
                      datetime(2026, 3, 2, tzinfo=BEIRUT), items)
    write = atom_bytes if media_type == ATOM_TYPE else rss_bytes
    assert write(channel, SELF) == feedgen_bytes(channel, SELF, media_type)


@pytest.mark.parametrize("media_type", [ATOM_TYPE, RSS_TYPE])
@pytest.mark.parametrize("feed_content", ["both", "full", "summary"])
def test_a_sites_entries_are_byte_for_byte_feedgens(feed_content: str, media_type: str) -> None:
    site = make_site(feed_content=feed_content)
    channel = make_channel(site, folder="feeds/", title=site.config.title, lang="ar", home_path="",
                           articles=site.articles)
    assert len(channel.items) > 1
    write = atom_bytes if media_type == ATOM_TYPE else rss_bytes
    assert write(channel, SELF) == feedgen_bytes(channel, SELF, media_type)
