"""The URL scheme: root-relative links under the base path, percent-encoded; absolute for feeds."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from generator.core.config import BuildSettings, SiteConfig
from generator.core.urls import absolute, encode_path, output_file_for, site_path

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
