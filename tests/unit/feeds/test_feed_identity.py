"""Feed dates, authors, topics and ids that readers can trust (issue 18, item 5), read back with
feedparser: an entry is dated when it entered the digest, names its author, carries its topics,
and keeps its id when the site moves to another host."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from types import MappingProxyType

import feedparser
import pytest
from lxml import etree

from generator.actors.outlets import parse_outlets
from generator.actors.taxa import file_articles
from generator.content.editions import group_editions
from generator.core.config import BuildSettings, SiteConfig
from generator.core.model import Actor, Article, Site, Source
from generator.feeds.atom_rss import DC
from generator.feeds.editions import edition_feed_outputs
from generator.feeds.items import author_of, dateline, entry_updated, tag_uri
from generator.feeds.site import feed_outputs

BEIRUT = timezone(timedelta(hours=2))
REGISTRY, _ = parse_outlets("- id: reuters\n  names: {ar: رويترز, en: Reuters}\n  hosts: [reuters.com]\n", "unicode")
UN = Actor(id="un", slug="un", kind="organisation", names=MappingProxyType({"ar": "الأمم المتحدة", "en": "UN"}))

# Imported today from a page of 2021: readers must see it as today's news.
IMPORTED = Article(
    rel="content/articles/imported.md", id="imported", slug="imported", title="تقرير من 2021",
    date=datetime(2026, 3, 2, 9, 0, tzinfo=BEIRUT), lang="ar", body="<p>نص</p>".encode(), summary="نص",
    published=datetime(2021, 6, 15, 8, 0, tzinfo=BEIRUT), updated=datetime(2021, 7, 1, tzinfo=BEIRUT),
    source=Source("uk.reuters.com", "https://uk.reuters.com/x"), byline="سلمى الأحمد",
    topics=("أخبار", "Economy"), actors=("un",))
YESTERDAY = Article(
    rel="content/articles/yesterday.md", id="yesterday", slug="yesterday", title="Yesterday's news",
    date=datetime(2026, 3, 1, 9, 0, tzinfo=BEIRUT), lang="en", body=b"<p>text</p>", summary="text",
    published=datetime(2026, 3, 1, 7, 0, tzinfo=BEIRUT), source=Source("Reuters", "https://www.reuters.com/y"),
    topics=("economy", "اخبار"))
NAMELESS = Article(
    rel="content/articles/nameless.md", id="nameless", slug="nameless", title="بلا مصدر",
    date=datetime(2026, 2, 28, 9, 0, tzinfo=BEIRUT), lang="ar", body=b"<p>x</p>", summary="x",
    published=datetime(2026, 2, 27, tzinfo=BEIRUT))


def make_site(base_url: str = "https://example.org/digest/", build_url: str | None = None,
              articles: tuple[Article, ...] = (IMPORTED, YESTERDAY, NAMELESS), **settings: object) -> Site:
    config = SiteConfig(title="موجز", base_url=base_url, timezone="Asia/Beirut", feed_content="full", **settings)
    taxa, filed = file_articles(REGISTRY, articles, "unicode")
    return Site(config=config, settings=BuildSettings.of(config, build_url), articles=filed, actors=(UN,),
                by_actor=MappingProxyType({"un": tuple(a for a in filed if "un" in a.actors)}),
                build_date=datetime(2026, 3, 2, 9, 0, tzinfo=BEIRUT), taxa=taxa,
                editions=group_editions(filed, config.tz, config.editions))


def files(site: Site) -> dict[str, bytes]:
    return {out.path: out.content for out in feed_outputs(site)}


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return files(make_site())


# -- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["atom.xml", "rss.xml"])
def test_an_imported_article_is_dated_when_it_entered_the_digest(built, name):
    entries = parse(built[f"feeds/{name}"]).entries
    assert [e.title for e in entries] == ["تقرير من 2021", "Yesterday's news", "بلا مصدر"]
    first = entries[0]
    assert first.published_parsed[:3] == (2026, 3, 2)
    if name == "atom.xml":  # RSS items have no update date
        assert first.updated_parsed[:3] == (2026, 3, 2)  # its 2021 update is older than its entry here
    # The source's own date is in the text, in the article's language (RSS: the description).
    text = first.content[0].value if name == "atom.xml" else first.summary
    assert text.startswith("<p>نُشر في رويترز بتاريخ الثلاثاء، 15 يونيو 2021</p>")


def test_json_feed_dates_are_the_digest_dates(built):
    items = json.loads(built["feeds/feed.json"])["items"]
    assert [(i["date_published"], i["date_modified"]) for i in items] == [
        ("2026-03-02T09:00:00+02:00", "2026-03-02T09:00:00+02:00"),
        ("2026-03-01T09:00:00+02:00", "2026-03-01T09:00:00+02:00"),
        ("2026-02-28T09:00:00+02:00", "2026-02-28T09:00:00+02:00")]
    assert items[1]["content_html"].startswith("<p>Published by Reuters on Sunday, March 1, 2026</p>")


def test_a_later_update_is_the_entry_update():
    later = replace(YESTERDAY, updated=datetime(2026, 3, 4, tzinfo=BEIRUT))
    assert entry_updated(later) == later.updated
    assert entry_updated(IMPORTED) == IMPORTED.date
    assert entry_updated(NAMELESS) == NAMELESS.date


def test_the_dateline_names_the_outlet_or_says_only_the_day():
    site = make_site()
    by_id = {a.id: a for a in site.articles}
    assert dateline(site, by_id["imported"]) == "نُشر في رويترز بتاريخ الثلاثاء، 15 يونيو 2021"
    assert dateline(site, by_id["nameless"]) == "نُشر في المصدر بتاريخ الجمعة، 27 فبراير 2026"
    assert dateline(site, replace(by_id["nameless"], published=None)) == ""
    french = replace(by_id["yesterday"], lang="fr")  # no catalogue: English wording and date
    assert dateline(site, french) == "Published by Reuters on Sunday, March 1, 2026"


# -- authors ---------------------------------------------------------------------------------

def test_the_author_is_the_byline_else_the_outlet():
    site = make_site()
    by_id = {a.id: a for a in site.articles}
    assert author_of(by_id["imported"]) == "سلمى الأحمد"
    assert author_of(by_id["yesterday"]) == "Reuters"  # the registry's name in the article's language
    assert author_of(by_id["nameless"]) == ""
    assert author_of(replace(IMPORTED, byline="")) == "uk.reuters.com"  # not filed: the source as given


def test_every_format_carries_the_author(built):
    atom = parse(built["feeds/atom.xml"]).entries
    rss = parse(built["feeds/rss.xml"]).entries
    items = json.loads(built["feeds/feed.json"])["items"]
    assert [e.get("author") for e in atom] == ["سلمى الأحمد", "Reuters", None]
    assert [e.get("author") for e in rss] == ["سلمى الأحمد", "Reuters", None]
    assert [i.get("authors") for i in items] == [[{"name": "سلمى الأحمد"}], [{"name": "Reuters"}], None]


def test_rss_declares_dublin_core_once_on_the_root(built):
    data = built["feeds/rss.xml"]
    root = etree.fromstring(data)
    assert root.nsmap["dc"] == DC
    creators = root.findall(f"channel/item/{{{DC}}}creator")
    assert [c.text for c in creators] == ["سلمى الأحمد", "Reuters"]
    assert data.count(b"xmlns:dc=") == 1  # on the root, not again on each element


def test_a_source_given_as_a_url_is_named_after_its_outlet(built):
    atom = parse(built["feeds/atom.xml"]).entries
    assert atom[0].source.title == "رويترز"
    assert [link.title for link in atom[0].links if link.rel == "via"] == ["رويترز"]


# -- topics ----------------------------------------------------------------------------------

def test_topics_are_categories_of_their_own_scheme(built):
    entry = parse(built["feeds/atom.xml"]).entries[0]
    # One spelling each, used first (yesterday's article) as neither is more common: the
    # topic's name and slug, whatever spelling this article gives.
    assert [(t.term, t.scheme, t.label) for t in entry.tags] == [
        ("un", "https://example.org/digest/actors/", "الأمم المتحدة"),
        ("اخبار", "https://example.org/digest/topics/", "اخبار"),
        ("economy", "https://example.org/digest/topics/", "economy")]
    rss = parse(built["feeds/rss.xml"]).entries[1]
    assert [(t.term, t.scheme) for t in rss.tags] == [
        ("economy", "https://example.org/digest/topics/"), ("اخبار", "https://example.org/digest/topics/")]
    assert json.loads(built["feeds/feed.json"])["items"][1]["tags"] == ["economy", "اخبار"]


def test_each_source_and_topic_has_its_feeds(built):
    reuters = parse(built["sources/reuters/atom.xml"])
    assert [e.title for e in reuters.entries] == ["تقرير من 2021", "Yesterday's news"]
    news = parse(built["topics/اخبار/rss.xml"])
    assert [e.title for e in news.entries] == ["تقرير من 2021", "Yesterday's news"]
    assert news.feed.link == "https://example.org/digest/topics/%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1/"


# -- subtitles -------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "subtitle"), [
    ("feeds/atom.xml", "موجز"),  # the site's description, or its title
    ("actors/un/atom.xml", "أخبار الأمم المتحدة في موجز"),
    ("sources/reuters/atom.xml", "ما نقله موجز عن رويترز"),
    ("topics/economy/atom.xml", "أخبار موجز في موضوع economy"),
    ("feeds/en/atom.xml", "Articles in English in موجز"),
    ("feeds/ar/atom.xml", "أخبار موجز المكتوبة باللغة: العربية"),
])
def test_a_feed_says_whose_feed_it_is(built, path, subtitle):
    assert parse(built[path]).feed.subtitle == subtitle
    assert parse(built[path.replace("atom.xml", "rss.xml")]).feed.subtitle == subtitle
    assert json.loads(built[path.replace("atom.xml", "feed.json")])["description"] == subtitle


# -- ids -------------------------------------------------------------------------------------

def ids(site: Site) -> dict[str, list[str]]:
    found = {}
    for path, data in files(site).items():
        if path.endswith(".xml"):
            found[path] = [e.id for e in parse(data).entries]
    for out in edition_feed_outputs(site):
        if out.path.endswith(".xml"):
            found[out.path] = [e.id for e in parse(out.content).entries]
    return found


def test_ids_do_not_follow_the_address_a_build_publishes_under():
    """A preview, a deploy preview or `--base-url` builds the same ids as the configured site."""
    assert ids(make_site(build_url="https://preview--site.netlify.app/")) == ids(make_site())
    assert parse(files(make_site(build_url="http://127.0.0.1:8000/"))["feeds/atom.xml"]).entries[0].id == (
        "tag:example.org,2026-03-02:imported")


def test_a_pinned_authority_keeps_every_id_when_the_site_moves():
    before = ids(make_site(feed_id_authority="example.org,2026-01-15"))
    after = ids(make_site("https://news.example.net/", feed_id_authority="example.org,2026-01-15"))
    assert {p.replace("atom", "rss"): v for p, v in before.items()} == {
        p.replace("atom", "rss"): v for p, v in after.items()}
    assert before["feeds/atom.xml"] == [
        "tag:example.org,2026-01-15:2026-03-02/imported", "tag:example.org,2026-01-15:2026-03-01/yesterday",
        "tag:example.org,2026-01-15:2026-02-28/nameless"]
    assert before["feeds/editions/atom.xml"][0] == "tag:example.org,2026-01-15:2026-03-02/editions/daily/2026-03-02"


def test_a_bare_domain_pins_the_ids_a_digest_already_has():
    """Before the setting, ids were minted from base_url's host and each entry's day: a digest
    that moves writes its old host as the authority and readers see nothing new."""
    old = ids(make_site("https://example.org/digest/"))
    assert ids(make_site("https://news.example.net/", feed_id_authority="example.org")) == old
    assert ids(make_site("https://news.example.net/")) != old  # unpinned, the ids move with the host


def test_tag_uris():
    config = SiteConfig(title="x", base_url="https://مثال.example/")
    day = datetime(2026, 1, 2).date()
    assert tag_uri(config, day, "a b") == "tag:xn--mgbh0fb.example,2026-01-02:a%20b"
    pinned = replace(config, feed_id_authority="me@example.org,2026")
    assert tag_uri(pinned, day, "x") == "tag:me@example.org,2026:2026-01-02/x"
