"""The URL scheme: root-relative links under the base path, percent-encoded; absolute for feeds."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core.config import BuildSettings, SiteConfig, validate_config
from generator.core.urls import (
    DATED_PERMALINK,
    DEFAULT_PERMALINK,
    SITE_FOLDERS,
    absolute,
    encode_path,
    normal_permalink,
    output_file_for,
    permalink,
    permalink_problem,
    quote_path,
    site_path,
)

QIMMA = "%D9%82%D9%85%D8%A9"  # قمة


@pytest.mark.parametrize(("base_path", "path", "link"), [
    ("/", "", "/"),
    ("/", "articles/قمة/", f"/articles/{QIMMA}/"),
    ("/digest/", "articles/قمة/", f"/digest/articles/{QIMMA}/"),
    ("/digest/", "/articles/x/", "/digest/articles/x/"),
    ("/digest/", "", "/digest/"),
    ("/a/b/", "static/css/mawjaz.css", "/a/b/static/css/mawjaz.css"),
    ("/", "articles/a b/", "/articles/a%20b/"),
    ("/", 'articles/x"<y>/', "/articles/x%22%3Cy%3E/"),
    ("/", "page/2/", "/page/2/"),
])
def test_site_path(base_path, path, link):
    assert site_path(base_path, path) == link


def test_encoded_links_decode_to_the_file_names_on_disk():
    path = "articles/مُحَمَّد-في-دمشق/"
    assert unquote(site_path("/", path)) == "/" + path


def test_already_encoded_base_path_is_not_encoded_twice():
    assert site_path("/%D9%85/", "articles/قمة/") == f"/%D9%85/articles/{QIMMA}/"


@pytest.mark.parametrize(("base_url", "path", "url"), [
    ("https://example.org/", "", "https://example.org/"),
    ("https://example.org/", "articles/قمة/", f"https://example.org/articles/{QIMMA}/"),
    ("https://example.org/digest/", "articles/قمة/", f"https://example.org/digest/articles/{QIMMA}/"),
    ("https://example.org/digest/", "/feed.xml", "https://example.org/digest/feed.xml"),
    ("http://localhost:8000/d/", "sitemap.xml", "http://localhost:8000/d/sitemap.xml"),
])
def test_absolute(base_url, path, url):
    assert absolute(base_url, path) == url


def test_absolute_under_a_non_ascii_base_is_all_ascii():
    config = SiteConfig(title="t", base_url="https://example.org/")
    settings = BuildSettings.of(config, "https://example.org/موجز/")
    url = absolute(settings.base_url, "articles/قمة/")
    assert url.isascii()
    assert unquote(url) == "https://example.org/موجز/articles/قمة/"
    assert site_path(settings.base_path, "articles/قمة/") == url.removeprefix("https://example.org")


def test_encode_path_keeps_separators_and_fragments():
    assert encode_path("articles/قمة/#حاشية") == f"articles/{QIMMA}/#%D8%AD%D8%A7%D8%B4%D9%8A%D8%A9"
    assert encode_path("search/?q=x&page=2") == "search/?q=x&page=2"


@pytest.mark.parametrize(("path", "file"), [
    ("", "index.html"),
    ("articles/قمة/", "articles/قمة/index.html"),
    ("sitemap.xml", "sitemap.xml"),
    ("404.html", "404.html"),
])
def test_output_file_for(path, file):
    assert output_file_for(path) == file


# --- article permalinks ------------------------------------------------------------------------

WHEN = datetime(2024, 3, 4, 23, 30, tzinfo=ZoneInfo("Asia/Damascus"))


@pytest.mark.parametrize(("pattern", "path"), [
    (DEFAULT_PERMALINK, "articles/قمة/"),
    (DATED_PERMALINK, "2024/03/04/قمة/"),
    ("/news/{year}/{month}/{id}/", "news/2024/03/2024-03-04-summit/"),
    ("/{year}{month}{day}-{slug}/", "20240304-قمة/"),
    ("/{slug}/{slug}/", "قمة/قمة/"),
])
def test_permalink_fills_the_pattern_with_ascii_digits(pattern: str, path: str) -> None:
    assert permalink(pattern, "قمة", "2024-03-04-summit", WHEN) == path


_PIECES = st.sampled_from(["{year}", "{month}", "{day}", "{slug}", "{id}", "news", "أخبار", "-", "_", "a.b", "~"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=4).map("".join), min_size=1, max_size=4),
       st.text(alphabet="قمةabc-{}", min_size=1, max_size=8))
def test_permalink_is_the_pattern_with_its_fields_filled(segments: list[str], slug: str) -> None:
    """Whatever a checked pattern holds, the URL is its fields replaced, and only them (a
    slug or id with braces in it stays as it is)."""
    pattern = "/" + "/".join([*segments, "{slug}"]) + "/"
    if permalink_problem(pattern) is not None:
        return
    values = {"year": "2024", "month": "03", "day": "04", "slug": slug, "id": "x{id}"}
    expected = re.sub(r"\{([a-z]+)\}", lambda match: values[match.group(1)], pattern).lstrip("/")
    assert permalink(pattern, slug, "x{id}", WHEN) == expected


@pytest.mark.parametrize("pattern", [DEFAULT_PERMALINK, DATED_PERMALINK, "{slug}/", "/news/{id}/",
                                     "/أخبار/{year}/{slug}/", "/a.b_c~d/{slug}/"])
def test_good_patterns(pattern: str) -> None:
    assert permalink_problem(pattern) is None


@pytest.mark.parametrize(("pattern", "problem"), [
    ("/{year}/{title}/", "not `{title}`"),
    ("/{slug.__class__}/", "not `{slug.__class__}`"),
    ("/{year}/{month}/", "must contain `{slug}` or `{id}`"),
    ("/{year}/{slug}", "must end with `/`"),
    ("/{year}/{slug}.html", "must end with `/`"),
    ("/../{slug}/", "`.` or `..`"),
    ("/a//{slug}/", "may not be empty"),
    ("/.hidden/{slug}/", "hidden folder"),
    ("/a b/{slug}/", "` ` has no place"),
    ("/a?b/{slug}/", "`?` has no place"),
    ("/{{slug}}/", "opens or closes no field"),
    ("/{slug/", "opens or closes no field"),
    ("/feeds/{slug}/", "a folder the site makes"),
    ("/Actors/{slug}/", "a folder the site makes"),
])
def test_bad_patterns_say_why(pattern: str, problem: str) -> None:
    found = permalink_problem(pattern)
    assert found is not None and problem in found, found


def test_every_site_folder_is_refused_as_a_first_folder() -> None:
    assert all(permalink_problem(f"/{name}/{{slug}}/") for name in SITE_FOLDERS)


def test_the_setting_is_kept_with_a_leading_slash() -> None:
    config = validate_config({"title": "t", "base_url": "https://example.org/", "permalink": "{year}/{slug}/"}, "", "m")
    assert config.permalink == "/{year}/{slug}/"
    assert normal_permalink(DATED_PERMALINK) == DATED_PERMALINK


@settings(max_examples=500)
@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_quote_path_is_quote(path: str) -> None:
    """``quote_path`` writes what ``urllib.parse.quote`` does, without its loop over bytes."""
    assert quote_path(path) == quote(path, safe="/#?=&%")


# Paths as slugs make them: ASCII and Arabic letters, joiners and presentation forms (what
# ``quote_path`` encodes by character), now and then a character of any other script.
_SLUG_LIKE = st.text(st.one_of(st.characters(max_codepoint=0x7F),
                               st.characters(min_codepoint=0x600, max_codepoint=0x6FF),
                               st.characters(min_codepoint=0x200B, max_codepoint=0x2010),
                               st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),
                               st.characters(blacklist_categories=("Cs",))))


@settings(max_examples=500)
@given(_SLUG_LIKE)
def test_quote_path_is_quote_on_arabic_paths(path: str) -> None:
    assert quote_path(path) == quote(path, safe="/#?=&%")


@pytest.mark.parametrize("path", ["", "articles/a-b_c.d~/", "أخبار/عاجل/?q=1&x=%20#top", "a b\u00e9\U0001f600",
                                  "ﷲ-ٱ\u200c\u200f-\u2010", "عاجل/\u00e9"])
def test_quote_path_is_quote_on_examples(path: str) -> None:
    assert quote_path(path) == quote(path, safe="/#?=&%")
