"""Index-only search forms and the Pagefind step (the browser side is tests/e2e/test_search.py)."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.core.labels import catalogue, phrase
from generator.pages.pagefind_terms import pagefind_terms
from generator.pages.search import SENTINEL, FormsMemo, index_forms, search_page
from generator.render.engine import make_context
from generator.render.theme import find_theme
from generator.text.arabic import unprefixed
from generator.text.normalize import match_form

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
    """The order of the readings is the order of the index-only forms (the record's bytes)."""
    assert unprefixed(match_form(word)) == expected


def test_index_forms_add_only_what_the_page_does_not_already_say() -> None:
    text = index_forms(["قال الوزير إن وزارة الصحة والتعليم"])
    words = text.split()
    assert words[0] == SENTINEL
    assert {"وزير", "صحه", "تعليم", "الصحه"} <= set(words)
    assert "الوزير" not in words  # written as is on the page already
    assert len(words) == len(set(words))
    assert index_forms(["abc def"]) == ""


def test_a_form_pagefind_finds_the_page_by_is_left_out() -> None:
    """With Pagefind's Arabic terms (held to the binary by test_pagefind_terms.py): حكومه goes
    beside الحكومة (both are حكوم), اجور and الاجور beside الأجور (Pagefind drops the hamza);
    صحه stays beside الصحة (الصح), الحكومه too (حكومه), وزير beside الوزير (وزير is زير, its و
    taken for a conjunction), and a form written on the page but glued to another word for
    Pagefind (الصحة،والتعليم is one word to it) stays."""
    text = "قال الوزير إن الحكومة رفعت الأجور لقطاع الصحة،والتعليم"
    terms = pagefind_terms("ar")
    assert terms is not None
    words = index_forms([text], FormsMemo(terms=terms), terms.of_record(text, "", "")).split()
    assert words[0] == SENTINEL
    assert {"صحه", "وزير", "الصحه", "الحكومه", "والتعليم", "تعليم"} <= set(words)
    assert not {"حكومه", "اجور", "الاجور", "ان"} & set(words)
    plain = index_forms([text]).split()
    assert "حكومه" in plain and "والتعليم" not in plain  # the rule for languages not checked


def test_search_off_produces_no_search_files() -> None:
    site, _ = load_site(REPO / "tests" / "sites" / "basic", BuildOptions())
    paths = [f.path for f in render_site(site, find_theme(REPO))]
    assert not any(p.startswith(("pagefind/", "search/")) for p in paths)


@pytest.mark.skipif(not importlib.util.find_spec("pagefind_bin_extended"), reason="Pagefind not installed")
def test_search_build_writes_bundle_manifest_and_page_and_leaves_articles_alone() -> None:
    root = REPO / "tests" / "sites" / "search"
    site, _ = load_site(root, BuildOptions())
    files = {f.path: f.content for f in render_site(site, find_theme(root))}
    assert {"pagefind/index.json", "pagefind/ar/pagefind.js", "pagefind/ar/pagefind-worker.js",
            "pagefind/ar/wasm.ar.pagefind", "pagefind/ar/pagefind-entry.json", "search/index.html"} <= set(files)
    assert not any(p.endswith((".css", "-ui.js")) for p in files if p.startswith("pagefind/"))
    page = next(c.decode() for p, c in files.items() if p.startswith("articles/") and "الوزير" in c.decode())
    assert "pagefind" not in page and SENTINEL not in page, "Pagefind reads records made for it, not the pages"
    search = files["search/index.html"].decode()
    assert "static/js/search.js" in search and "pagefind-ui" not in search  # the theme's own UI
    # WebAssembly may compile (Pagefind), nothing else unsafe (see generator/pages/search.py)
    assert "script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;;" in search
    assert "unsafe" not in search.replace("&#39;wasm-unsafe-eval&#39;", "")


def test_the_search_page_carries_what_the_script_shows() -> None:
    """Every word search.js shows comes from the catalogue through the page, the count in
    each CLDR category of the language and the digits the site's numbers take."""
    root = REPO / "tests" / "sites" / "search"
    site, _ = load_site(root, BuildOptions())
    arab = replace(site, config=replace(site.config, digits="arab"))
    for built, digits in ((site, "latn"), (arab, "arab")):
        page = search_page(make_context(built, find_theme(root)))[0].content.decode()
        assert f'data-digits="{digits}"' in page
        assert 'data-index="/pagefind/index.json"' in page and 'data-plural-lang="ar"' in page
        for category, form in catalogue("ar").plurals["plural.search_results"].items():
            assert f'data-count-{category}="{form}"' in page
        for key in ("search_none", "search_failed"):
            assert f'"{phrase("ar", f"labels.{key}")}"' in page
        assert '<form class="search-form" role="search" aria-labelledby="search-heading" hidden>' in page
        assert 'aria-live="polite"' in page and "<noscript>" in page


def test_search_without_pagefind_is_a_warning_and_no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.pages.search as search

    monkeypatch.setattr(search, "_shipped", lambda: None)
    site, problems = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    assert [(d.code, d.severity) for d in problems] == [("search-missing", "warning")]
    assert site.config.search is True, "the settings stay as read"
    assert site.settings.search is False
    paths = [f.path for f in render_site(site, find_theme(REPO))]
    assert not any(p.startswith(("pagefind/", "search/")) for p in paths)
