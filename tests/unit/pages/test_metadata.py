"""What news sites carry for machines: NewsArticle JSON-LD, hreflang between an article and
its translation, the news sitemap, share metadata and noindex; from the sample digest (an
Arabic article and its English version) and small digests made here."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.pages.metadata import NEWS_FILE, script_json
from generator.render.engine import og_locale
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
NOW = datetime.fromisoformat("2026-12-31T12:00:00+03:00")
ENGLISH = "articles/syrian-opposition-coalition-meets-us-and-french-envoys-the-main-points/index.html"


def build(root: Path) -> dict[str, str]:
    site, problems = load_site(root, BuildOptions(now=NOW))
    assert problems == ()
    return {f.path: f.content.decode("utf-8") for f in render_site(site, find_theme(REPO))
            if f.path.endswith((".html", ".xml", ".txt"))}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("digest")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mawjaz.toml", root / "mawjaz.toml")
    return build(root)


def arabic_page(files: dict[str, str]) -> str:
    return next(page for path, page in files.items()
                if path.startswith("articles/") and '<html lang="ar"' in page)


def ld(page: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_script_json_cannot_end_its_element() -> None:
    text = script_json({"headline": "</script><script>alert(1)</script> & more"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": "</script><script>alert(1)</script> & more"}


def test_an_article_carries_news_article_json_ld(files) -> None:
    data = ld(files[ENGLISH])
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == "Syrian opposition coalition meets US and French envoys: the main points"
    assert data["datePublished"] == "2026-11-28T18:00:00+02:00" == data["dateModified"]
    assert data["inLanguage"] == "en"
    assert data["publisher"]["name"] == "موجز" and data["publisher"]["logo"]["url"].endswith("static/img/share.png")
    assert data["image"] == ["https://example.org/mawjaz/static/img/share.png"]  # no image in the body
    assert data["author"] == [{"@type": "Organization", "name": "موجز", "url": "https://example.org/mawjaz/"}]
    about = {thing["name"]: thing for thing in data["about"]}
    france = about["فرنسا"]
    assert france == {"@type": "Country", "name": "فرنسا", "url": "https://example.org/mawjaz/actors/france/",
                      "sameAs": "https://www.wikidata.org/wiki/Q142"}
    assert all("sameAs" not in thing or thing["sameAs"].startswith("https://www.wikidata.org/wiki/Q")
               for thing in data["about"])


def test_translations_link_each_other_with_hreflang(files) -> None:
    english, arabic = files[ENGLISH], arabic_page(files)
    pairs = set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', english))
    assert pairs == set(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', arabic))
    assert {lang for lang, _ in pairs} == {"ar", "en"}
    assert 'class="translations">This article in another language:' in english
    assert 'class="translations">هذه المقالة بلغة أخرى:' in arabic
    assert 'hreflang="en" lang="en" dir="ltr"><bdi>Syrian opposition' in arabic
    assert 'hreflang="ar" lang="ar" dir="rtl"><bdi>أهم مجريات' in english


def test_an_english_article_has_english_labels(files) -> None:
    main = files[ENGLISH][files[ENGLISH].index("<main"):]
    assert '<h2 class="actors-heading">Actors</h2>' in main
    assert "اقرأ أيضاً" not in main  # the related heading, when there is one, is the page's language
    assert not re.search(r"<dt>[^<]*[\u0600-\u06ff]", main)  # metadata labels in English
    assert '<meta property="og:locale" content="en_US">' in files[ENGLISH]


def test_share_metadata_and_noindex(files) -> None:
    arabic = arabic_page(files)
    assert '<meta property="og:locale" content="ar_AR">' in arabic
    assert '<meta property="og:image" content="https://example.org/mawjaz/static/img/share.png">' in arabic
    assert '<meta name="robots" content="noindex">' in files["404.html"]
    assert '<meta name="robots" content="noindex">' in files["search/index.html"]
    assert '<meta name="robots" content="noindex">' not in arabic


def test_og_locale_forms() -> None:
    assert [og_locale(x) for x in ("ar", "ar-SY", "en", "fr", "de")] == ["ar_AR", "ar_SY", "en_US", "fr_FR", "de_DE"]


ARTICLE = "---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


def test_modified_time_image_and_the_news_window(tmp_path: Path) -> None:
    (tmp_path / "mawjaz.toml").write_text('title = "موجز"\nbase_url = "https://example.org/"\n'
                                          'timezone = "Asia/Damascus"\nsearch = false\n', "utf-8")
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    for name, date, extra, body in (
            ("new", "2026-11-29T10:00:00+03:00", "updated: 2026-11-30T08:00:00+03:00\n",
             '![صورة](https://img.example.org/a.jpg "x")'),
            ("day-before", "2026-11-28T09:00:00+03:00", "", "نص."),
            ("old", "2026-11-27T09:00:00+03:00", "", "نص قديم.")):
        (articles / f"{name}.md").write_text(ARTICLE.format(title=name, date=date, extra=extra, body=body), "utf-8")
    files = build(tmp_path)
    page = files["articles/new/index.html"]
    assert '<meta property="article:modified_time" content="2026-11-30T08:00:00+03:00">' in page
    assert '<meta property="og:image" content="https://img.example.org/a.jpg">' in page
    assert ld(page)["image"] == ["https://img.example.org/a.jpg"]
    assert ld(page)["dateModified"] == "2026-11-30T08:00:00+03:00"
    news = files[NEWS_FILE]
    assert news.count("<news:news>") == 2  # the two days before the newest article, not the clock
    assert "articles/old/" not in news and "<news:name>موجز</news:name>" in news
    assert f"Sitemap: https://example.org/{NEWS_FILE}" in files["robots.txt"]
