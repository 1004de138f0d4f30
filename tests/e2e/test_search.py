"""Search in a real browser: the fixture digest tests/sites/search built with Pagefind and
queried through the /search/ page, as a reader would.

The measured gap these tests pin: Pagefind's Arabic stemmer alone does not find الصحة for
صحة, والتعليم for تعليم or الوزير for وزير; mawjaz's index-only forms and query normalisation
must. The page's CSP is checked in passing: a violation (Pagefind's WebAssembly, its worker,
its scripts) would leave the search empty.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO, ServedSite, _free_server, copy_digest, require, run_build

pytestmark = pytest.mark.browser

QUERIES = {
    "صحة": "اجتماع-حول-القطاع-الطبي",      # the page says الصحة
    "تعليم": "خطة-جديدة-للمدارس",           # the page says والتعليم
    "وزير": "تصريحات-رسمية-بعد-الاجتماع",   # the page says الوزير
    "الصحة": "اجتماع-حول-القطاع-الطبي",     # the word as written still works
    "الصحه": "اجتماع-حول-القطاع-الطبي",     # so does a ta marbuta typed as ha
}


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    require(importlib.util.find_spec("pagefind_bin_extended") or importlib.util.find_spec("pagefind_bin"),
            "Pagefind is not installed: pip install '.[search]'")
    source = copy_digest(REPO / "tests" / "sites" / "search", tmp_path_factory.mktemp("search") / "digest")
    www = tmp_path_factory.mktemp("www-search")
    site_dir = www / "digest"
    site_dir.mkdir()
    server = _free_server(www)
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}/digest/"
        run_build(source, site_dir, base_url)
        thread = threading.Thread(target=server.serve_forever, daemon=True, name="http-search")
        thread.start()
        yield ServedSite("search", base_url, site_dir)
        server.shutdown()
    finally:
        server.server_close()


def _results(page: Any, query: str, tries: int = 3) -> list[dict[str, str]]:
    """The results Pagefind shows for ``query``. Every query of this test has a result, so
    the wait is for one; on a loaded machine Pagefind may answer a search typed while its
    index is still loading with none, and does not search again by itself, so the query is
    typed afresh (as a reader would) before the empty answer is taken as the answer."""
    for attempt in range(tries):
        page.fill(".pagefind-ui__search-input", "")
        page.fill(".pagefind-ui__search-input", query)
        try:
            page.wait_for_function(
                "q => { const m = document.querySelector('.pagefind-ui__message');"
                " const r = [...document.querySelectorAll('.pagefind-ui__result')];"
                " return m && m.textContent.includes(q) && !document.querySelector('.pagefind-ui__loading')"
                " && r.length > 0 && r.every(e => e.querySelector('.pagefind-ui__result-link')); }",
                arg=query, timeout=15_000 * (attempt + 1))
            break
        except Exception as exc:  # Playwright's TimeoutError: no result yet
            if type(exc).__name__ != "TimeoutError":
                raise
    return page.eval_on_selector_all(
        ".pagefind-ui__result",
        "els => els.map(e => ({href: e.querySelector('.pagefind-ui__result-link').getAttribute('href'),"
        " excerpt: (e.querySelector('.pagefind-ui__result-excerpt') || {}).innerHTML || ''}))")


def test_arabic_queries_find_words_with_attached_prefixes(browser: Any, search_site: ServedSite) -> None:
    found, violations, errors = _search_all(browser, search_site.url("search/"))
    for query, slug in QUERIES.items():
        hrefs = [r["href"] for r in found[query]]
        assert hrefs == [f"/digest/articles/{slug}/"], (query, hrefs)
        excerpt = found[query][0]["excerpt"]
        assert "<mark>" in excerpt, (query, excerpt)
        assert "mawjazindexforms" not in excerpt, (query, excerpt)  # readers see the article's words
    assert violations == []
    assert errors == []


def _search_all(browser: Any, url: str) -> tuple[dict[str, list[dict[str, str]]], list[str], list[str]]:
    """Every query typed into the search page, in a fresh context of the session's browser."""
    errors: list[str] = []
    found: dict[str, list[dict[str, str]]] = {}
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text)
                if m.type == "error" and "404" not in m.text else None)
        page.goto(url)
        page.evaluate("() => document.addEventListener('securitypolicyviolation',"
                      " e => (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))")
        page.wait_for_selector(".pagefind-ui__search-input")
        for query in QUERIES:
            found[query] = _results(page, query)
        violations = page.evaluate("() => window.__csp || []")
    finally:
        context.close()
    return found, violations, errors


def test_no_page_relaxes_the_script_policy(search_site: ServedSite) -> None:
    """Pagefind's WebAssembly runs in its worker, so no page needs 'wasm-unsafe-eval'."""
    site: Path = search_site.site_dir
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "script-src &#39;self&#39;;" in text and "unsafe" not in text, page
