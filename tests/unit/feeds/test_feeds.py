"""Feeds as real readers see them: every file parsed with feedparser, JSON Feed against its spec.

The site is declared inline from model objects, so each test can say exactly which article
should appear where, with which id, dates, language and categories.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import __version__
from generator.core.config import BuildSettings, SiteConfig
from generator.core.model import Actor, Article, Site, Source
from generator.feeds.absolute_urls import absolutize_html
from generator.feeds.site import (
    FeedLink,
    actor_feed_links,
    feed_outputs,
    feeds_page_groups,
    language_feed_links,
    site_feed_links,
)

BASE = "https://example.org/digest/"
DAMASCUS = timezone(timedelta(hours=3))

UN = Actor(id="un", slug="un", kind="organisation",
           names=MappingProxyType({"ar": "الأمم المتحدة", "en": "United Nations"}))
FAYROUZ = Actor(id="fayrouz", slug="فيروز", kind="person",
                names=MappingProxyType({"ar": "فيروز", "en": "Fairuz"}))
NOBODY = Actor(id="nobody", slug="nobody", kind="person", names=MappingProxyType({"en": "Nobody"}))

TRICKY_TITLE = 'Q&A: "Peace" <now> & \'later\' — مع «الأمم المتحدة» G20'
MIXED_TITLE = "قمة G20 في \u200f«ريو» & <غيرها> \u2067Rio 2026\u2069"

ARABIC = Article(
    rel="content/articles/summit.md", id="2026-summit", slug="قمة-الأمم",
    title="الأمم المتحدة تعقد قمة طارئة", date=datetime(2026, 11, 27, 9, 30, tzinfo=DAMASCUS),
    lang="ar",
    body=('<p>نص <a href="/digest/articles/older/">رابط سابق</a> و'
               '<img src="../../media/map.png" alt="خريطة"> و<a href="#fn:1">¹</a> و'
               '<a href="https://un.org/x?a=1&amp;b=2">خارجي</a> '
               '<a href="mailto:desk@example.org">بريد</a></p>').encode(),
    summary="قمة طارئة في نيويورك & <جنيف>",
    published=datetime(2026, 11, 27, 8, 0, tzinfo=DAMASCUS),
    updated=datetime(2026, 11, 27, 12, 15, tzinfo=DAMASCUS),
    actors=("un", "fayrouz"),
    source=Source("Reuters", "https://www.reuters.com/world/summit"),
)
ENGLISH = Article(
    rel="content/articles/qa.md", id="qa-peace", slug="qa-peace", title=TRICKY_TITLE,
    date=datetime(2026, 11, 26, 18, 0, tzinfo=UTC), lang="en",
    body=b'<p>Plain <em>English</em> <a href="images/x.png">x</a></p>',
    summary="An English summary with <angle> & ampersand",
    actors=("un",), source=Source("Local radio"),
)
MIXED = Article(
    rel="content/articles/mixed.md", id="mixed-1", slug="mixed", title=MIXED_TITLE,
    date=datetime(2026, 11, 25, 7, 0, tzinfo=DAMASCUS), lang="ar",
    body="<p>فيروز تغني</p>".encode(), summary="ملخص", actors=("fayrouz",),
)
DRAFT = Article(
    rel="content/articles/draft.md", id="draft", slug="draft", title="مسودة",
    date=datetime(2026, 11, 28, 7, 0, tzinfo=DAMASCUS), lang="ar", body=b"<p>x</p>",
    summary="x", actors=("un",), draft=True,
)


def make_site(articles: tuple[Article, ...] = (DRAFT, ARABIC, ENGLISH, MIXED), **config) -> Site:
    settings = {"title": "موجز & <الأسبوع>", "base_url": BASE, "language": "ar",
                "description": "أخبار \"مختارة\" & موجزة", "author": "هيئة التحرير"}
    settings.update(config)
    actors = (UN, FAYROUZ, NOBODY)
    by_actor = {actor.id: tuple(a for a in articles if actor.id in a.actors) for actor in actors}
    config = SiteConfig(**settings)
    return Site(config=config, settings=BuildSettings.of(config), articles=articles, actors=actors,
                by_actor=MappingProxyType(by_actor),
                build_date=datetime(2026, 11, 27, 12, 15, tzinfo=DAMASCUS))


def outputs(site: Site) -> dict[str, bytes]:
    return {out.path: out.content for out in feed_outputs(site)}


def tag(article: Article) -> str:
    return f"tag:example.org,{article.date.date().isoformat()}:{article.id}"


def permalink(article: Article) -> str:
    from generator.core.urls import absolute
    return absolute(BASE, article.url_path)


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return outputs(make_site(feed_content="both"))


def parse(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


# -- layout and links ------------------------------------------------------------------------

def test_every_feed_file_in_a_fixed_order():
    paths = [out.path for out in feed_outputs(make_site())]
    # The digest, then languages, then actors by slug.
    sets = ["feeds/", "feeds/ar/", "feeds/en/", "actors/nobody/", "actors/un/", "actors/فيروز/"]
    expected = [folder + name for folder in sets for name in ("atom.xml", "rss.xml", "feed.json")]
    assert paths == expected


def test_link_helpers_name_every_format():
    site = make_site()
    assert site_feed_links(site) == (
        FeedLink("موجز & <الأسبوع> (Atom)", "application/atom+xml", "feeds/atom.xml"),
        FeedLink("موجز & <الأسبوع> (RSS)", "application/rss+xml", "feeds/rss.xml"),
        FeedLink("موجز & <الأسبوع> (JSON Feed)", "application/feed+json", "feeds/feed.json"),
    )
    assert [link.path for link in actor_feed_links(site, FAYROUZ)] == [
        "actors/فيروز/atom.xml", "actors/فيروز/rss.xml", "actors/فيروز/feed.json"]
    assert "فيروز" in actor_feed_links(site, FAYROUZ)[0].title
    assert [link.path for link in language_feed_links(site)] == [
        f"feeds/{lang}/{name}" for lang in ("ar", "en")
        for name in ("atom.xml", "rss.xml", "feed.json")]


def test_language_feeds_only_when_the_digest_mixes_languages():
    site = make_site((ARABIC, MIXED))
    assert language_feed_links(site) == ()
    english_draft = replace(ENGLISH, draft=True)  # a draft's language is no feed's
    assert language_feed_links(make_site((ARABIC, MIXED, english_draft))) == ()
    assert not [path for path in outputs(site) if path.startswith(("feeds/ar/", "feeds/en/"))]


def test_feeds_page_groups_digest_then_languages_then_actors():
    groups = feeds_page_groups(make_site())
    assert [title for title, _links in groups] == [
        "موجز & <الأسبوع>", "العربية", "English", "Nobody", "الأمم المتحدة", "فيروز"]
    assert all(len(links) == 3 for _title, links in groups)
    assert groups[0][1] == site_feed_links(make_site())


# -- Atom ------------------------------------------------------------------------------------

def test_atom_feed_level_fields(files):
    parsed = parse(files["feeds/atom.xml"])
    assert parsed.version == "atom10"
    feed = parsed.feed
    assert feed.title == "موجز & <الأسبوع>"
    assert feed.subtitle == 'أخبار "مختارة" & موجزة'
    assert feed.language == "ar"
    assert feed.id == BASE + "feeds/atom.xml"
    assert feed.author == "هيئة التحرير"
    links = {link.rel: link.href for link in feed.links}
    assert links == {"self": BASE + "feeds/atom.xml", "alternate": BASE}
    # Newest entry's updated, with its offset: never the build clock.
    assert feed.updated == "2026-11-27T12:15:00+03:00"
    assert feed.generator_detail == {"name": "mawjaz", "version": __version__}


def test_atom_entries_carry_every_field(files):
    entries = parse(files["feeds/atom.xml"]).entries
    assert [e.id for e in entries] == [tag(ARABIC), tag(ENGLISH), tag(MIXED)]  # no draft
    first = entries[0]
    assert first.title == ARABIC.title
    assert first.title_detail.language == "ar"
    assert first.link == permalink(ARABIC)
    assert first.id == "tag:example.org,2026-11-27:2026-summit"
    # The entry's date is when it entered the digest; the source's own date is in the text.
    assert first.published == "2026-11-27T09:30:00+03:00"
    assert first.updated == "2026-11-27T12:15:00+03:00"
    assert html.unescape(first.summary) == ARABIC.summary
    assert first.content[0].type == "text/html"
    assert first.content[0].language == "ar"
    assert first.content[0].value.startswith("<p>نُشر في Reuters بتاريخ الجمعة، 27 نوفمبر 2026</p>\n<p>")
    assert "https://example.org/digest/articles/older/" in first.content[0].value
    assert first.author == "Reuters"  # no byline: the source
    assert [(t.term, t.scheme, t.label) for t in first.tags] == [
        ("un", BASE + "actors/", "الأمم المتحدة"), ("fayrouz", BASE + "actors/", "فيروز")]
    via = [link for link in first.links if link.rel == "via"]
    assert [(link.href, link.title) for link in via] == [
        ("https://www.reuters.com/world/summit", "Reuters")]
    assert first.source.title == "Reuters"
    assert first.source.link == "https://www.reuters.com/world/summit"

    english = entries[1]
    assert english.title == TRICKY_TITLE
    assert english.title_detail.language == "en"
    assert english.content[0].language == "en"
    # Without an article-level published/updated, both fall back to the digest date.
    assert english.published == english.updated == "2026-11-26T18:00:00+00:00"
    assert [t.label for t in english.tags] == ["United Nations"]  # the article's language
    assert english.source.title == "Local radio"
    assert english.author == "Local radio"
    assert not english.content[0].value.startswith("<p>Published")  # no source date, no line
    assert not [link for link in english.links if link.rel == "via"]

    assert entries[2].title == MIXED_TITLE


# -- RSS -------------------------------------------------------------------------------------

def test_rss_channel_fields(files):
    parsed = parse(files["feeds/rss.xml"])
    assert parsed.version == "rss20"
    feed = parsed.feed
    assert feed.title == "موجز & <الأسبوع>"
    assert feed.link == BASE  # feedgen would take the last link added: the self link
    assert feed.language == "ar"
    assert feed.updated == "Fri, 27 Nov 2026 12:15:00 +0300"  # lastBuildDate
    self_links = [link.href for link in feed.links if link.rel == "self"]
    assert self_links == [BASE + "feeds/rss.xml"]
    assert feed.generator == "mawjaz"


def test_rss_items_carry_every_field(files):
    entries = parse(files["feeds/rss.xml"]).entries
    assert [e.id for e in entries] == [tag(ARABIC), tag(ENGLISH), tag(MIXED)]
    first = entries[0]
    assert first.guidislink is False
    assert first.title == ARABIC.title
    assert first.link == permalink(ARABIC)
    assert first.published == "Fri, 27 Nov 2026 09:30:00 +0300"  # the digest's date
    assert first.author == "Reuters"  # dc:creator
    assert html.unescape(first.summary) == ARABIC.summary
    assert "https://example.org/digest/media/map.png" in first.content[0].value
    assert [(t.term, t.scheme) for t in first.tags] == [
        ("الأمم المتحدة", BASE + "actors/"), ("فيروز", BASE + "actors/")]
    assert first.source == {"href": "https://www.reuters.com/world/summit", "title": "Reuters"}
    assert entries[1].title == TRICKY_TITLE
    assert "source" not in entries[1]  # RSS <source> needs a url; this source has none
    assert entries[2].title == MIXED_TITLE


# -- JSON Feed -------------------------------------------------------------------------------

def test_json_feed_follows_the_spec(files):
    feed = json.loads(files["feeds/feed.json"])
    # Required by JSON Feed 1.1: version, title, items; each item an id and content.
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "موجز & <الأسبوع>"
    assert isinstance(feed["items"], list)
    assert feed["home_page_url"] == BASE
    assert feed["feed_url"] == BASE + "feeds/feed.json"
    assert feed["language"] == "ar"
    assert feed["authors"] == [{"name": "هيئة التحرير"}]
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
    first, english, mixed = feed["items"]
    assert first == {
        "id": tag(ARABIC),
        "url": permalink(ARABIC),
        "external_url": "https://www.reuters.com/world/summit",
        "title": ARABIC.title,
        "content_html": first["content_html"],
        "summary": ARABIC.summary,
        "date_published": "2026-11-27T09:30:00+03:00",
        "date_modified": "2026-11-27T12:15:00+03:00",
        "authors": [{"name": "Reuters"}],
        "tags": ["الأمم المتحدة", "فيروز"],
        "language": "ar",
    }
    assert 'src="https://example.org/digest/media/map.png"' in first["content_html"]
    assert english["title"] == TRICKY_TITLE and english["language"] == "en"
    assert mixed["title"] == MIXED_TITLE
    # Arabic is written as itself, not as \u escapes.
    assert "الأمم المتحدة".encode() in files["feeds/feed.json"]


# -- per actor and per language --------------------------------------------------------------

@pytest.mark.parametrize(("actor", "expected"), [
    (UN, (ARABIC, ENGLISH)), (FAYROUZ, (ARABIC, MIXED)), (NOBODY, ())])
def test_actor_feeds_hold_exactly_that_actors_articles(files, actor, expected):
    folder = actor.url_path
    ids = [tag(a) for a in expected]
    atom = parse(files[folder + "atom.xml"])
    rss = parse(files[folder + "rss.xml"])
    data = json.loads(files[folder + "feed.json"])
    assert [e.id for e in atom.entries] == ids
    assert [e.id for e in rss.entries] == ids
    assert [item["id"] for item in data["items"]] == ids
    name = actor.name("ar")
    assert atom.feed.title == rss.feed.title == data["title"] == f"موجز & <الأسبوع> — {name}"
    assert atom.feed.language == rss.feed.language == data["language"] == "ar"
    assert [link.href for link in atom.feed.links if link.rel == "self"] == [
        BASE + folder.replace("فيروز", "%D9%81%D9%8A%D8%B1%D9%88%D8%B2") + "atom.xml"]
    assert rss.feed.link == data["home_page_url"] == BASE + folder.replace(
        "فيروز", "%D9%81%D9%8A%D8%B1%D9%88%D8%B2")


def test_an_empty_actor_feed_is_dated_from_content_not_the_clock(files):
    atom = parse(files["actors/nobody/atom.xml"])
    assert atom.feed.updated == "2026-11-27T12:15:00+03:00"  # site.build_date


@pytest.mark.parametrize(("lang", "expected"), [("ar", (ARABIC, MIXED)), ("en", (ENGLISH,))])
def test_language_feeds(files, lang, expected):
    atom = parse(files[f"feeds/{lang}/atom.xml"])
    rss = parse(files[f"feeds/{lang}/rss.xml"])
    data = json.loads(files[f"feeds/{lang}/feed.json"])
    ids = [tag(a) for a in expected]
    assert [e.id for e in atom.entries] == [e.id for e in rss.entries] == ids
    assert [item["id"] for item in data["items"]] == ids
    assert atom.feed.language == rss.feed.language == data["language"] == lang


# -- content modes ---------------------------------------------------------------------------

def test_full_text_mode_sends_no_summary():
    files = outputs(make_site(feed_content="full"))
    atom = files["feeds/atom.xml"].decode()
    assert "<summary" not in atom and '<content type="html">' in atom
    rss = parse(files["feeds/rss.xml"]).entries[0]
    assert "map.png" in rss.summary  # RSS <description> holds the full HTML
    item = json.loads(files["feeds/feed.json"])["items"][0]
    assert "content_html" in item and "summary" not in item


def test_summary_mode_sends_no_full_text():
    files = outputs(make_site(feed_content="summary"))
    atom = files["feeds/atom.xml"].decode()
    assert "<content" not in atom and "<summary" in atom
    entry = parse(files["feeds/atom.xml"]).entries[0]
    # Without the text, the source's date ends the summary.
    assert html.unescape(entry.summary) == ARABIC.summary + "\nنُشر في Reuters بتاريخ الجمعة، 27 نوفمبر 2026"
    assert entry.link == permalink(ARABIC)  # required when an entry has no content
    rss = files["feeds/rss.xml"].decode()
    assert "content:encoded" not in rss
    item = json.loads(files["feeds/feed.json"])["items"][0]
    assert "content_html" not in item
    assert item["content_text"] == item["summary"] == html.unescape(entry.summary)


# -- correctness -----------------------------------------------------------------------------

def test_two_renders_are_byte_identical():
    first = feed_outputs(make_site())
    second = feed_outputs(make_site())
    assert [(o.path, o.content) for o in first] == [(o.path, o.content) for o in second]


def test_input_order_does_not_matter():
    assert outputs(make_site((MIXED, ENGLISH, ARABIC, DRAFT))) == outputs(make_site())


def test_entry_id_survives_title_and_slug_edits():
    edited = replace(ARABIC, title="عنوان مصحح", slug="slug-new")
    entries = parse(outputs(make_site((edited,)))["feeds/atom.xml"]).entries
    assert entries[0].id == tag(ARABIC)
    assert entries[0].link == BASE + "articles/slug-new/"


def test_feed_limit_keeps_the_newest():
    entries = parse(outputs(make_site(feed_limit=2))["feeds/atom.xml"]).entries
    assert [e.id for e in entries] == [tag(ARABIC), tag(ENGLISH)]
    entries = parse(outputs(make_site(feed_limit=1))["actors/فيروز/atom.xml"]).entries
    assert [e.id for e in entries] == [tag(ARABIC)]


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    broken = replace(ENGLISH, title="Bell\x07 and\x0b tab\tok", summary="nul\x00")
    for name in ("atom.xml", "rss.xml"):
        entry = parse(outputs(make_site((broken,)))["feeds/" + name]).entries[0]
        assert entry.title == "Bell and tab\tok"


def test_no_relative_url_is_left_in_content(files):
    for path, data in files.items():
        if path.endswith(".json"):
            text = "".join(i.get("content_html", "") for i in json.loads(data)["items"])
        else:
            text = html.unescape(data.decode())
        assert "href=" in text or path.startswith("actors/nobody/")  # the check has teeth
        for attribute in ("href", "src"):
            for quote in ('"', "'"):
                marker = f"{attribute}={quote}"
                start = 0
                while (start := text.find(marker, start)) != -1:
                    start += len(marker)
                    value = text[start:text.index(quote, start)]
                    assert value.startswith(("https://", "mailto:")), (path, value)


# -- absolute URLs in content ----------------------------------------------------------------

PAGE = "https://example.org/digest/articles/%D9%82%D9%85%D8%A9/"


@pytest.mark.parametrize(("fragment", "expected"), [
    ('<a href="/digest/articles/x/">x</a>', '<a href="https://example.org/digest/articles/x/">x</a>'),
    ('<img src="../../media/a.png" alt="">',
     '<img src="https://example.org/digest/media/a.png" alt="">'),
    ('<img src="a.png" alt="">', f'<img src="{PAGE}a.png" alt="">'),
    ('<a href="#fn:1">1</a>', f'<a href="{PAGE}#fn:1">1</a>'),
    ("<a href='rel/x?a=1&amp;b=2'>x</a>", f'<a href="{PAGE}rel/x?a=1&amp;b=2">x</a>'),
    ("<a href=x>x</a>", f'<a href="{PAGE}x">x</a>'),
    ('<a href="https://un.org/?a=1&amp;b=2">x</a>', '<a href="https://un.org/?a=1&amp;b=2">x</a>'),
    ('<a href="mailto:a@b.org">x</a>', '<a href="mailto:a@b.org">x</a>'),
    ('<blockquote cite="/digest/q/">q</blockquote>',
     '<blockquote cite="https://example.org/digest/q/">q</blockquote>'),
    ('<img srcset="a.png 1x, /b.png 2x" alt="">',
     f'<img srcset="{PAGE}a.png 1x, https://example.org/b.png 2x" alt="">'),
    # Attribute-like text outside tags and inside other attributes stays as it is.
    ('<p title="see href=/x">src="/y" &lt;a href="/z"&gt;</p>',
     '<p title="see href=/x">src="/y" &lt;a href="/z"&gt;</p>'),
    ('<a title="a > b" href="/c">x</a>', '<a title="a > b" href="https://example.org/c">x</a>'),
])
def test_absolutize_html(fragment, expected):
    assert absolutize_html(fragment, PAGE) == expected


_OLD_TAG = re.compile(r"""<[A-Za-z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", "<p >", "<br/>", "<br />", "<a href=\"/x\">", "<a href=x>",
                                 "<img src='a.png' alt=\"\">", "<p title=\"a<b href=/c>\">", "<a", " href=",
                                 "\"/y\"", ">", "<", "text ", "&lt;", "<strong>", "/>", "=", "'", "\n"]),
                max_size=12).map("".join))
def test_only_tags_with_attributes_are_rewritten(fragment):
    """Tags are found only where they have an attribute (a bare tag has no URL): the result
    is what rewriting every tag gives."""
    from generator.feeds import absolute_urls

    every = _OLD_TAG.sub(lambda match: absolute_urls._rewrite_tag(PAGE, match.group(0)), fragment)
    assert absolutize_html(fragment, PAGE) == every



def test_a_title_of_only_noncharacters_still_makes_valid_feeds():
    """U+FFFE is allowed in a YAML string but not in XML: the entry falls back to the id."""
    article = replace(ARABIC, title="\ufffe")
    parsed = parse(outputs(make_site((article,)))["feeds/atom.xml"])
    assert parsed.entries[0].title == article.id


def test_every_feed_set_has_one_file_and_one_link_per_row_of_the_format_table(files) -> None:
    """feeds/formats.py is the one list of formats: files, links and labels all follow it."""
    from generator.feeds.formats import FILE_NAMES, FORMATS, long_label
    folders = {path.rsplit("/", 1)[0] + "/" for path in files}
    assert sorted(files) == sorted(folder + name for folder in folders for name in FILE_NAMES)
    site = make_site()
    for links in (site_feed_links(site), actor_feed_links(site, UN)):
        assert [(link.media_type, link.title.rsplit(" (", 1)[1]) for link in links] == [
            (f.media_type, f"{f.short_label})") for f in FORMATS]
    assert [long_label(f.media_type) for f in FORMATS] == ["Atom", "RSS 2.0", "JSON Feed"]
    assert long_label("text/plain") == "text/plain"
