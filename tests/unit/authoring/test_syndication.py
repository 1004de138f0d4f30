"""Reading feeds: RSS 2.0 with ``content:encoded`` and without, Atom with HTML, text and XHTML
content or a summary only, RSS 1.0; each entry's text, link, date, author and categories as
the feed states them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.authoring.syndication import Entry, NotAFeed, parse_feed

BULK = Path(__file__).parents[2] / "fixtures" / "import" / "bulk"
PLUS3 = timezone(timedelta(hours=3))


def test_rss_with_full_text_and_summaries() -> None:
    feed = parse_feed((BULK / "feed.rss.xml").read_bytes())
    assert (feed.title, feed.problem, len(feed.entries)) == ("صحيفة المثال – اقتصاد", None, 4)
    rate, exporters, buses, again = feed.entries
    assert rate.number == 1
    assert rate.title == "المصرف المركزي يرفع سعر الفائدة نصف نقطة"
    assert rate.link == "https://news.example.org/2024/03/20/interest-rate/"
    assert rate.published == datetime(2024, 3, 20, 14, 5, tzinfo=PLUS3)  # its own offset kept
    assert (rate.author, rate.topics) == ("سلمى الأحمد", ("اقتصاد", "المصارف"))
    assert rate.source_name == "صحيفة المثال – اقتصاد"
    assert rate.content is not None and rate.content.startswith("<p>قرر المصرف المركزي اليوم")
    # An RSS description is HTML; without a tag it is text, its entities decoded.
    assert rate.summary == "<p>قرر المصرف المركزي رفع سعر الفائدة نصف نقطة مئوية…</p>"
    # Summary only: escaped HTML in <description>, entities decoded once.
    assert exporters.content is None
    assert exporters.summary == ("<p>The exporters’ union asked the government on Monday to end "
                                 "the gap between the official and the parallel exchange rates "
                                 "&amp; to pay export subsidies within a month.</p>")
    assert buses.link == ("https://news.example.org/2024/03/05/electric-buses/"
                          "?utm_source=rss&utm_medium=rss")
    assert (again.title, again.topics) == (rate.title, ())


def test_atom_with_html_text_and_xhtml() -> None:
    feed = parse_feed((BULK / "feed.atom.xml").read_bytes())
    assert (feed.title, len(feed.entries)) == ("The Example Herald", 4)
    barrier, library, convoy, buses = feed.entries
    assert barrier.title == "Flood barrier passes its first test"  # type="html": markup dropped
    assert barrier.link == "https://herald.example.com/news/flood-barrier"
    assert barrier.published == datetime(2024, 4, 18, 7, 15, tzinfo=UTC)
    assert (barrier.author, barrier.topics) == ("Maya Lindqvist", ("Environment", "flooding"))
    assert barrier.content is not None and "<h2>What comes next</h2>" in barrier.content
    # Summary only, type="text", and only <updated>: that is its date.
    assert library == Entry(
        number=2, title="Library opens on Sundays from May",
        link="https://herald.example.com/news/library-sundays",
        published=datetime(2024, 4, 17, 15, 30, tzinfo=timezone(timedelta(hours=1))),
        content=None,
        summary="<p>The central library will open on Sundays from the first of May, from ten to four.</p>",
        author=None, topics=(), source_name="The Example Herald")
    assert convoy.content is None and convoy.summary is not None and "قافلة" in convoy.summary
    assert buses.content == ("<p>Night buses return to the three busiest routes on Friday, after "
                             "a year without them.</p><p>They will run every half hour between "
                             "midnight and five.</p>")


def test_rss_1_0() -> None:
    feed = parse_feed(b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://agency.example/rss"><title>Agency wire</title>
    <link>https://agency.example/</link><description>Wire</description></channel>
  <item rdf:about="https://agency.example/1"><title>Wire story</title>
    <link>https://agency.example/1</link><description>Plain text.\n\nTwo paragraphs &amp; more.</description>
    <dc:date>2024-05-02T08:00:00+03:00</dc:date><dc:creator>Desk</dc:creator></item>
</rdf:RDF>""")
    [entry] = feed.entries
    assert (feed.title, entry.title, entry.link) == ("Agency wire", "Wire story", "https://agency.example/1")
    assert entry.published == datetime(2024, 5, 2, 8, tzinfo=PLUS3)
    assert entry.summary == "<p>Plain text.</p>\n<p>Two paragraphs &amp; more.</p>"


def test_an_entry_naming_its_own_source_keeps_it() -> None:
    feed = parse_feed(b"""<rss version="2.0"><channel><title>Aggregator</title>
<item><title>T</title><link>https://a.example/x</link><source url="https://wire.example/rss">The Wire</source>
<description>d</description></item></channel></rss>""")
    assert feed.entries[0].source_name == "The Wire"


def test_relative_links_resolve_against_where_the_feed_came_from() -> None:
    feed = parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><title>e</title>'
                      b'<link href="/news/1"/><summary>s</summary></entry></feed>',
                      base_url="https://site.example/feeds/atom.xml")
    assert feed.entries[0].link == "https://site.example/news/1"


def test_a_feed_that_is_not_well_formed_is_read_as_far_as_possible() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>Broken & Co</title><item><title>One</title>'
                      b"<link>https://b.example/1</link><description>Text</description></item>"
                      b"</channel>")
    assert feed.problem is not None
    assert [(e.title, e.link) for e in feed.entries] == [("One", "https://b.example/1")]


@pytest.mark.parametrize("data", [b"<html><body><p>A page</p></body></html>", b"just text", b""])
def test_what_is_not_a_feed(data: bytes) -> None:
    with pytest.raises(NotAFeed, match="not a feed that can be read"):
        parse_feed(data)


def test_dates_the_feed_gives_in_no_known_form_are_left_out() -> None:
    feed = parse_feed(b'<rss version="2.0"><channel><title>t</title><item><title>x</title>'
                      b"<pubDate>sometime last week</pubDate><description>d</description>"
                      b"<link>javascript:alert(1)</link></item></channel></rss>")
    assert (feed.entries[0].published, feed.entries[0].link) == (None, None)
