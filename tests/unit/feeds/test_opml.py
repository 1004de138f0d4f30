"""OPML subscription lists, from the sample digest built in memory: the structure OPML 2.0
asks for, every feed listed once in ``all.opml``, and the per-kind files splitting it."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.feeds.opml import ALL_FILE, kind_file, kind_heading
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
NOW = datetime.fromisoformat("2026-12-31T12:00:00+03:00")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("digest")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mawjaz.toml", root / "mawjaz.toml")
    site, problems = load_site(root, BuildOptions(now=NOW))
    assert problems == ()
    return {f.path: f.content for f in render_site(site, find_theme(REPO)) if not f.path.startswith("static/")}


def subscriptions(document: bytes) -> list[ET.Element]:
    root = ET.fromstring(document)
    assert root.tag == "opml" and root.get("version") == "2.0"
    head, body = root.find("head"), root.find("body")
    assert head is not None and body is not None
    assert (head.findtext("title") or "").startswith("موجز — ")
    assert head.findtext("dateCreated") == "Sun, 29 Nov 2026 00:00:00 +0300"  # the build date, not the clock
    found = [o for o in body.iter("outline") if o.get("type") == "rss"]
    for outline in found:
        assert outline.get("text") and outline.get("title") == outline.get("text")
        assert (outline.get("xmlUrl") or "").startswith("https://example.org/mawjaz/")
        assert (outline.get("htmlUrl") or "").startswith("https://example.org/mawjaz/")
    return found


def test_all_opml_lists_every_feed_set_once(files) -> None:
    listed = [o.get("xmlUrl") for o in subscriptions(files[ALL_FILE])]
    feeds = {"https://example.org/mawjaz/" + path for path in files if path.endswith("rss.xml")}
    assert len(listed) == len(set(listed)) and set(listed) == feeds


def test_all_opml_nests_feeds_under_their_kind(files) -> None:
    body = ET.fromstring(files[ALL_FILE]).find("body")
    assert body is not None
    headings = [o.get("text") for o in body.findall("outline")]
    assert headings == [kind_heading("ar", k) for k in ("digest", "language", "actor")]
    actors = body.findall("outline")[2]
    assert {o.get("htmlUrl") for o in actors} >= {"https://example.org/mawjaz/actors/france/"}


def test_each_kind_file_holds_its_part(files) -> None:
    every = {o.get("xmlUrl") for o in subscriptions(files[ALL_FILE])}
    parts = [{o.get("xmlUrl") for o in subscriptions(files[kind_file(kind)])}
             for kind in ("digest", "language", "actor")]
    assert set().union(*parts) == every and sum(map(len, parts)) == len(every)
    assert "https://example.org/mawjaz/feeds/editions/rss.xml" in parts[0]
    assert kind_file("source") not in files  # the sample files no article under an outlet


def test_the_feeds_page_groups_by_kind_and_links_the_opml_files(files) -> None:
    page = files["feeds/index.html"].decode()
    assert page.count('type="text/x-opml"') == 1 + 1 + 3  # head link, all, one per kind
    assert page.index('id="feeds-digest"') < page.index('id="feeds-language"') < page.index('id="feeds-actor"')
    assert '<div class="filter" data-filter="feed-sections" hidden>' in page
    assert "<code" not in page  # no wall of raw addresses


@pytest.mark.parametrize("text", ["", "plain", "a & b < c > d", 'say "hi"', "it's", "both \" and '",
                                  "line\nbreak\rreturn\ttab", "&amp; already", "عربي \"مقتبس\" & 'x'"])
def test_escaping_is_that_of_the_standard_library(text: str) -> None:
    """The OPML writer escapes as ``xml.sax.saxutils`` does (it does not import it: that
    module imports ``urllib.request``), so its files are byte for byte what they were."""
    from xml.sax import saxutils

    from generator.feeds import opml

    assert opml.escape(text) == saxutils.escape(text)
    assert opml.quoteattr(text) == saxutils.quoteattr(text)
