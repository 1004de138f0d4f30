"""Structural checks of every feed file against the format specifications, element by element.

Atom against RFC 4287 (sections cited per rule), RSS against the RSS 2.0 specification
(https://www.rssboard.org/rss-specification), JSON Feed against version 1.1
(https://www.jsonfeed.org/version/1.1/). feedparser forgives a great deal, so these checks
read the XML with lxml and count elements themselves.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from urllib.parse import urlsplit

import pytest
from lxml import etree

from generator.actors.outlets import OutletRegistry
from generator.actors.taxa import file_articles
from generator.core.config import BuildSettings, SiteConfig
from generator.core.model import Actor, Article, Site, Source
from generator.core.urls import absolute
from generator.feeds.site import feed_outputs

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
                    r"Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d ([+-]\d{4}|GMT|UT)$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")

TZ = timezone(timedelta(hours=3))
ACTORS = (
    Actor(id="un", slug="un", kind="organisation",
          names=MappingProxyType({"ar": "الأمم المتحدة", "en": "United Nations"})),
    Actor(id="idle", slug="خامل", kind="person", names=MappingProxyType({"ar": "خامل"})),
)
ARTICLES = (
    Article(rel="a.md", id="a", slug="أ", title='عنوان & <وسم> "مقتبس"',
            date=datetime(2026, 3, 2, 10, 0, tzinfo=TZ), lang="ar",
            body='<p><a href="../b/">ب</a> <img src="/digest/x.png" alt=""></p>'.encode(),
            summary="ملخص", actors=("un",), source=Source("رويترز", "https://reuters.com/a"),
            updated=datetime(2026, 3, 3, 9, 0, 30, 500, tzinfo=TZ), byline="سامر & <خليل>",
            published=datetime(2021, 5, 1, tzinfo=TZ), topics=("اقتصاد", "Economy & <Trade>")),
    Article(rel="b.md", id="b", slug="b", title="English & <co>",
            date=datetime(2026, 3, 1, 8, 0, tzinfo=UTC), lang="en",
            body=b"<p>text</p>", summary="", actors=("un",), source=Source("Radio"), topics=("economy & <trade>",),
            published=datetime(2026, 2, 27, tzinfo=UTC)),
    Article(rel="c.md", id="c/with space", slug="c", title="بلا فاعلين",
            date=datetime(2026, 2, 28, 23, 59, tzinfo=TZ), lang="ar", body="<p>ج</p>".encode(),
            summary="ج"),
)


def site(mode: str) -> Site:
    """The articles filed under their outlets and topics, so that every feed set is checked:
    the digest's, languages', actors', outlets' and topics'."""
    taxa, articles = file_articles(OutletRegistry(), ARTICLES, "unicode")
    by_actor = {a.id: tuple(x for x in articles if a.id in x.actors) for a in ACTORS}
    config = SiteConfig(title="موجز", base_url="https://example.org/digest/", feed_content=mode)
    return Site(config=config, settings=BuildSettings.of(config), articles=articles, actors=ACTORS,
                by_actor=MappingProxyType(by_actor),
                build_date=datetime(2026, 3, 3, 9, 0, tzinfo=TZ), taxa=taxa)


def feeds(suffix: str) -> list[tuple[str, str, bytes]]:
    return [(mode, out.path, out.content) for mode in ("full", "summary", "both")
            for out in feed_outputs(site(mode)) if out.path.endswith(suffix)]


def ids(params: list[tuple[str, str, bytes]]) -> list[str]:
    return [f"{mode}:{path}" for mode, path, _ in params]


def is_absolute_iri(value: str | None) -> bool:
    return bool(value) and bool(urlsplit(value).scheme)


def children(parent: etree._Element, name: str) -> list[etree._Element]:
    return parent.findall(ATOM + name)


def check_text_construct(element: etree._Element) -> None:
    # RFC 4287 3.1.1: type is "text", "html" or "xhtml" (absent means "text").
    assert element.get("type", "text") in ("text", "html", "xhtml")


def check_person(element: etree._Element) -> None:
    # RFC 4287 3.2: exactly one atom:name.
    assert len(children(element, "name")) == 1


def check_links(parent: etree._Element) -> None:
    alternates = Counter()
    for link in children(parent, "link"):
        assert is_absolute_iri(link.get("href"))  # 4.2.7.1: href MUST be present
        if link.get("rel", "alternate") == "alternate":
            alternates[(link.get("type"), link.get("hreflang"))] += 1
    # 4.1.1 / 4.1.2: at most one alternate link per type and hreflang.
    assert all(count == 1 for count in alternates.values()), alternates


def check_date(element: etree._Element) -> None:
    assert RFC3339.match(element.text or ""), element.text  # 3.3 Date Constructs


@pytest.mark.parametrize(("mode", "path", "data"), feeds("atom.xml"),
                         ids=ids(feeds("atom.xml")))
def test_atom_follows_rfc_4287(mode, path, data):
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    feed = etree.fromstring(data)
    assert feed.tag == ATOM + "feed"
    assert LANGUAGE_TAG.match(feed.get(XML_LANG, ""))
    # 4.1.1: exactly one id, title, updated; at most one generator/icon/logo/rights/subtitle.
    for name in ("id", "title", "updated"):
        assert len(children(feed, name)) == 1, name
    for name in ("generator", "icon", "logo", "rights", "subtitle"):
        assert len(children(feed, name)) <= 1, name
    assert is_absolute_iri(children(feed, "id")[0].text)  # 4.2.6
    check_text_construct(children(feed, "title")[0])
    check_date(children(feed, "updated")[0])
    check_links(feed)
    self_links = [x for x in children(feed, "link") if x.get("rel") == "self"]
    assert [x.get("href") for x in self_links] == [absolute("https://example.org/digest/", path)]
    generator = children(feed, "generator")[0]
    assert generator.text == "mawjaz" and generator.get("uri") is None
    entries = children(feed, "entry")
    # 4.1.1: an author on the feed, unless every entry has one.
    authors = children(feed, "author")
    assert authors or all(children(e, "author") for e in entries)
    for author in authors:
        check_person(author)
    for category in children(feed, "category"):
        assert category.get("term")
    entry_ids = [children(e, "id")[0].text for e in entries]
    assert len(entry_ids) == len(set(entry_ids))
    updated = [children(e, "updated")[0].text for e in entries]
    if entries:
        newest = max(updated, key=datetime.fromisoformat)
        assert children(feed, "updated")[0].text == newest
    for entry in entries:
        check_atom_entry(entry, mode)


def check_atom_entry(entry: etree._Element, mode: str) -> None:
    # 4.1.2: exactly one id, title, updated.
    for name in ("id", "title", "updated"):
        assert len(children(entry, name)) == 1, name
    # 4.1.2: at most one content, published, rights, source, summary.
    for name in ("content", "published", "rights", "source", "summary"):
        assert len(children(entry, name)) <= 1, name
    entry_id = children(entry, "id")[0].text
    assert entry_id.startswith("tag:example.org,2026-")  # RFC 4151 tag URI
    assert " " not in entry_id
    assert is_absolute_iri(entry_id)
    check_text_construct(children(entry, "title")[0])
    check_date(children(entry, "updated")[0])
    for published in children(entry, "published"):
        check_date(published)
    check_links(entry)
    content = children(entry, "content")
    if not content:
        # 4.1.2: without content, an alternate link is required.
        assert [x for x in children(entry, "link") if x.get("rel", "alternate") == "alternate"]
    for element in content:
        # 4.1.3.1: text, html, xhtml or a MIME type; no src, so no summary requirement.
        assert element.get("type") == "html" and element.get("src") is None
    for summary in children(entry, "summary"):
        check_text_construct(summary)
    for author in children(entry, "author"):
        check_person(author)
    for category in children(entry, "category"):
        assert category.get("term")  # 4.2.2.1
        assert category.get("label")
    for source in children(entry, "source"):
        for name in ("id", "title", "updated", "generator", "icon", "logo", "rights", "subtitle"):
            assert len(children(source, name)) <= 1
        check_links(source)
    assert LANGUAGE_TAG.match(entry.get(XML_LANG, ""))
    # Which text an entry carries is the site's choice (feed_content).
    assert bool(content) == (mode in ("full", "both"))


@pytest.mark.parametrize(("mode", "path", "data"), feeds("rss.xml"), ids=ids(feeds("rss.xml")))
def test_rss_follows_the_rss_2_0_specification(mode, path, data):
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    rss = etree.fromstring(data)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channels = rss.findall("channel")
    assert len(channels) == 1
    channel = channels[0]
    # Required channel elements: title, link, description, each exactly once and non-empty.
    for name in ("title", "link", "description"):
        found = channel.findall(name)
        assert len(found) == 1 and (found[0].text or "").strip(), name
    assert urlsplit(channel.findtext("link")).scheme == "https"
    # Optional channel elements appear at most once.
    counts = Counter(child.tag for child in channel)
    for name, count in counts.items():
        if name not in ("item", "category"):
            assert count == 1, name
    assert LANGUAGE_TAG.match(channel.findtext("language") or "")
    for name in ("lastBuildDate", "pubDate"):
        if channel.find(name) is not None:
            assert RFC822.match(channel.findtext(name)), name
    assert channel.findtext("generator") == "mawjaz"
    # RSS Best Practices: an atom:link rel="self" with the feed's own URL.
    self_links = channel.findall(ATOM + "link")
    assert len(self_links) == 1 and self_links[0].get("rel") == "self"
    assert self_links[0].get("href").endswith("/rss.xml")
    assert self_links[0].get("href") != channel.findtext("link")
    items = channel.findall("item")
    for item in items:
        check_rss_item(item, mode)
    # lastBuildDate is the newest entry's update, which is never older than any pubDate.
    last = _rfc822(channel.findtext("lastBuildDate"))
    assert all(_rfc822(item.findtext("pubDate")) <= last for item in items)


def _rfc822(value: str) -> datetime:
    return datetime.strptime(value, "%a, %d %b %Y %H:%M:%S %z")


def check_rss_item(item: etree._Element, mode: str) -> None:
    # "At least one of title or description must be present."
    assert item.find("title") is not None or item.find("description") is not None
    counts = Counter(child.tag for child in item)
    for name, count in counts.items():
        if name != "category":
            assert count == 1, name
    guid = item.find("guid")
    assert guid is not None and guid.get("isPermaLink") in ("true", "false")
    assert guid.get("isPermaLink") == "false" and guid.text.startswith("tag:")
    assert urlsplit(item.findtext("link")).scheme == "https"
    assert RFC822.match(item.findtext("pubDate") or "")
    for source in item.findall("source"):
        assert urlsplit(source.get("url")).scheme in ("http", "https")  # url is required
    for category in item.findall("category"):
        assert (category.text or "").strip()
    for creator in item.findall("{http://purl.org/dc/elements/1.1/}creator"):
        assert (creator.text or "").strip()  # Dublin Core: the entry's author, by name
    for enclosure in item.findall("enclosure"):
        assert all(enclosure.get(a) for a in ("url", "length", "type"))
    encoded = item.find("{http://purl.org/rss/1.0/modules/content/}encoded")
    # content:encoded only beside a summary ("both"); otherwise <description> holds the one text.
    assert encoded is None or mode == "both"
    assert (item.find("description") is not None) or mode == "summary"


@pytest.mark.parametrize(("mode", "path", "data"), feeds("feed.json"),
                         ids=ids(feeds("feed.json")))
def test_json_feed_follows_version_1_1(mode, path, data):
    feed = json.loads(data)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    assert feed["feed_url"].endswith("/" + path.rsplit("/", 1)[-1])
    for key in ("home_page_url", "feed_url"):
        assert urlsplit(feed[key]).scheme == "https"
    assert LANGUAGE_TAG.match(feed["language"])
    for author in feed.get("authors", []):
        assert set(author) <= {"name", "url", "avatar"} and author
    item_ids = [item["id"] for item in feed["items"]]
    assert len(item_ids) == len(set(item_ids))
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        # "content_html and content_text are each optional strings, but one or the other
        # must be present."
        assert isinstance(item.get("content_html", item.get("content_text")), str)
        assert ("content_html" in item) == (mode in ("full", "both"))
        for key in ("date_published", "date_modified"):
            assert RFC3339.match(item[key]), key
        for key in ("url", "external_url"):
            if key in item:
                assert urlsplit(item[key]).scheme in ("http", "https")
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
        assert LANGUAGE_TAG.match(item["language"])
        # Custom keys must start with an underscore; everything else is from the spec.
        assert set(item) <= {"id", "url", "external_url", "title", "content_html",
                             "content_text", "summary", "image", "banner_image",
                             "date_published", "date_modified", "authors", "tags",
                             "language", "attachments"}
