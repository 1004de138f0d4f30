"""Index keys, the search files a build writes and the search page (the browser side is
tests/e2e/test_search.py; shards and rebuilds are tests/test_search_shards.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.content.markup import plain_text
from generator.core.labels import catalogue, phrase
from generator.pages.search import BUCKETS, RECORDS, article_entry, record_summary, search_page
from generator.render.engine import make_context
from generator.render.theme import find_theme
from generator.text.arabic import unprefixed
from generator.text.normalize import match_form
from generator.text.stemming import query_key, word_keys

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(("word", "expected"), [
    ("الصحة", {"صحه"}),
    ("والتعليم", {"التعليم", "تعليم"}),
    ("الوزير", {"وزير"}),
    ("للوزير", {"الوزير", "وزير"}),
    ("بالمدارس", {"المدارس", "مدارس"}),
    ("فبالمدارس", {"بالمدارس", "المدارس", "مدارس"}),
])
def test_unprefixed_readings(word: str, expected: set[str]) -> None:
    readings = set(unprefixed(match_form(word)))
    assert {match_form(e) for e in expected} <= readings
    assert match_form(word) not in readings


def test_short_rests_and_latin_words_are_left_alone() -> None:
    assert unprefixed("وضع") == ()  # و + ضع: too short to be a reading
    assert unprefixed("health") == ()


@pytest.mark.parametrize(("word", "expected"), [
    ("كالوزير", ("الوزير", "وزير")),  # every letter a peeled word may begin with: ك
    ("فللوزير", ("للوزير", "الوزير", "اللوزير", "لوزير", "وزير")),  # ف, then ل before ال (or الل)
    ("وبالوزير", ("بالوزير", "الوزير", "وزير")),
    ("الوزير", ("وزير",)),  # ا: the article alone
    ("وزير", ("زير",)),  # spurious, only recall
    ("مدرسه", ()),  # a word beginning with no prefix's letter has no reading
    ("تعليم", ()),
])
def test_unprefixed_gives_its_readings_in_order(word: str, expected: tuple[str, ...]) -> None:
    """The order of the readings is the order of a word's keys (``word_keys``)."""
    assert unprefixed(match_form(word)) == expected


def test_word_keys_are_what_a_reader_may_type_for_the_word() -> None:
    """Each word is indexed under the stems of its readings: a reader typing the word with
    or without its article, its prefixes or its suffixes finds it."""
    keys = {k for word in ("قال", "الوزير", "إن", "وزارة", "الصحة", "والتعليم") for k in word_keys(word)}
    for typed in ("الوزير", "وزير", "الصحة", "صحة", "التعليم", "تعليم", "والتعليم", "وزارة"):
        assert query_key(typed) in keys, typed
    assert query_key("والصحة") not in keys, "a prefix typed is meant: it is not peeled"
    assert word_keys("U.S.") == word_keys("us") == ("us",) and word_keys("«الصحة»،") == word_keys("الصحة")
    assert word_keys("—") == () and query_key("—") == ""


def test_an_entry_holds_the_articles_own_words_only() -> None:
    """Nothing index-only in what a result shows: the record's content is the article's text,
    its keys are its words' (made the same way in search.js)."""
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    for article in site.articles:
        content_json, length, _parts = article_entry(article)
        content = json.loads(content_json)
        assert content == " ".join(f"{article.title} {record_summary(article)} {plain_text(article.body_html)}".split())
        assert length == len(content.split(" "))


def test_search_off_produces_no_search_files() -> None:
    site, _ = load_site(REPO / "tests" / "sites" / "basic", BuildOptions())
    paths = [f.path for f in render_site(site, find_theme(REPO))]
    assert not any(p.startswith(("search-index/", "search/", "pagefind/")) for p in paths)


def test_search_build_writes_manifest_shards_and_page_and_leaves_articles_alone() -> None:
    root = REPO / "tests" / "sites" / "search"
    site, _ = load_site(root, BuildOptions())
    files = {f.path: f.content for f in render_site(site, find_theme(root))}
    manifest = json.loads(files["search-index/index.json"])
    assert manifest == {"version": 3, "buckets": BUCKETS, "records": RECORDS, "groups": [
        {"language": "ar", "dir": "rtl", "shards": ["ar/0/"]},
        {"language": "en", "dir": "ltr", "shards": ["en/0/"]},
    ]}
    counts = {"ar": sum(a.lang == "ar" for a in site.articles), "en": sum(a.lang == "en" for a in site.articles)}
    assert counts["ar"] > 1 and counts["en"] > 1
    index = {p for p in files if p.startswith("search-index/")}
    assert index == {"search-index/index.json",
                     *(f"search-index/{lang}/0/{k}.json" for lang in counts for k in range(BUCKETS)),
                     *(f"search-index/{lang}/0/d/{g}.json" for lang, n in counts.items()
                       for g in range(-(-n // RECORDS)))}
    assert "search/index.html" in files and not any(p.startswith("pagefind/") for p in files)
    page = next(c.decode() for p, c in files.items() if p.startswith("articles/") and "الوزير" in c.decode())
    assert "search-index" not in page, "the index is made from the articles, not from their pages"
    search = files["search/index.html"].decode()
    assert "static/js/search.js" in search and "pagefind" not in search  # the theme's own UI
    # The search page's policy is every page's: it fetches JSON, and compiles nothing.
    assert "script-src &#39;self&#39;; connect-src &#39;self&#39;;" in search
    assert "unsafe" not in search


def test_the_search_page_carries_what_the_script_shows() -> None:
    """Every word search.js shows comes from the catalogue through the page, the count in
    each CLDR category of the language and the digits the site's numbers take."""
    root = REPO / "tests" / "sites" / "search"
    site, _ = load_site(root, BuildOptions())
    arab = replace(site, config=replace(site.config, digits="arab"))
    for built, digits in ((site, "latn"), (arab, "arab")):
        page = search_page(make_context(built, find_theme(root)))[0].content.decode()
        assert f'data-digits="{digits}"' in page
        assert 'data-index="/search-index/index.json"' in page and 'data-plural-lang="ar"' in page
        for category, form in catalogue("ar").plurals["plural.search_results"].items():
            assert f'data-count-{category}="{form}"' in page
        for key in ("search_none", "search_failed"):
            assert f'"{phrase("ar", f"labels.{key}")}"' in page
        assert '<form class="search-form" role="search" aria-labelledby="search-heading" hidden>' in page
        assert 'aria-live="polite"' in page and "<noscript>" in page
