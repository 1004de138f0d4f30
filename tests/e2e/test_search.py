"""Search in a real browser: the fixture digest tests/sites/search, built with a sharded
Pagefind index under a sub-path (``/mawjaz/``) with Arabic-Indic digits, queried through its
``/search/`` page as a reader would.

What these tests pin: Pagefind's Arabic stemmer alone does not find الصحة for صحة, والتعليم
for تعليم or الوزير for وزير, and mawjaz's index-only forms and query normalisation must; the
forms a record leaves out because Pagefind's stemmer already finds its article by them (حكومة
for الحكومة, أجور for الأجور) still find it, through the real index; a reader never sees
those forms, not even when they are all that matched; English articles
are stemmed as English from the same Arabic page; shards are merged; counts are in Arabic
with the site's digits; the query lives in the address. Each test opens its own page. Every
page is watched for CSP violations (Pagefind's WebAssembly, worker and scripts must run
under the strict policy) and script errors.

The digest's articles are chosen for the counts below: 13 say الحكومة in some form, 3 say
المياه, 2 العاصمة, and each of الصحة, والتعليم and الوزير appears in one article only.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from generator.actors.tagging import matching_text
from generator.build.pipeline import BuildOptions, load_site
from generator.pages.search import SENTINEL, article_index_text, index_forms, record_summary

from .conftest import REPO, ServedSite, _free_server, copy_digest, require

pytestmark = pytest.mark.browser

SUB_PATH = "/mawjaz/"
CAPACITY = 3  # articles per shard: the digest's 14 Arabic articles make several shards

QUERIES = {  # query: (the article's slug, the word its excerpt marks)
    "صحة": ("اجتماع-حول-القطاع-الطبي", "الصحة"),
    "تعليم": ("خطة-جديدة-للمدارس", "والتعليم"),
    "وزير": ("تصريحات-رسمية-بعد-الاجتماع", "الوزير"),
    "الصحة": ("اجتماع-حول-القطاع-الطبي", "الصحة"),  # the word as written still works
    "الصحه": ("اجتماع-حول-القطاع-الطبي", "الصحة"),  # so does a ta marbuta typed as ha
    # Left out of the record (Pagefind stems الأجور and أجور alike): hamza seat typed or not.
    "أجور": ("مفاوضات-حول-الأجور", "الأجور"),
    "اجور": ("مفاوضات-حول-الأجور", "الأجور"),
}

# The build with a small shard capacity: the setting is a module constant the index reads.
_BUILD = ("import sys, generator.pages.search as search; search.SHARD_CAPACITY = int(sys.argv[1]); "
          "from generator.cli.main import main; sys.exit(main(sys.argv[2:]))")

# Runs in every document before its own scripts; reports CSP violations to the test.
_WATCH_CSP = ("document.addEventListener('securitypolicyviolation', e =>"
              " window.__reportCsp(e.violatedDirective + ' ' + e.blockedURI));")

# What a reader sees of each result.
_READ_RESULTS = """els => els.map(e => {
  const link = e.querySelector('h2 a'), time = e.querySelector('time'), text = e.querySelector('.search-excerpt');
  return {href: link.getAttribute('href'), title: link.textContent,
          title_marks: [...link.querySelectorAll('mark')].map(m => m.textContent),
          lang: e.getAttribute('lang'), dir: e.getAttribute('dir'),
          date: time ? time.textContent : '', datetime: time ? time.getAttribute('datetime') : '',
          excerpt: text ? text.textContent : '',
          marks: text ? [...text.querySelectorAll('mark')].map(m => m.textContent) : [],
          text: e.textContent};
})"""


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    require(importlib.util.find_spec("pagefind_bin_extended") or importlib.util.find_spec("pagefind_bin"),
            "Pagefind is not installed: pip install .")
    source = copy_digest(REPO / "tests" / "sites" / "search", tmp_path_factory.mktemp("search") / "digest")
    config = source / "mawjaz.toml"
    config.write_text(config.read_text("utf-8") + 'digits = "arab"\n', "utf-8")
    www = tmp_path_factory.mktemp("www-search")
    site_dir = www / SUB_PATH.strip("/")
    site_dir.mkdir()
    server = _free_server(www)
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
        cmd = [sys.executable, "-c", _BUILD, str(CAPACITY), "build", "--root", str(source),
               "--output", str(site_dir), "--base-url", base_url]
        proc = subprocess.run(cmd, cwd=source, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        if proc.returncode != 0:
            pytest.fail(f"build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}", pytrace=False)
        thread = threading.Thread(target=server.serve_forever, daemon=True, name="http-search")
        thread.start()
        yield ServedSite("search", base_url, site_dir)
        server.shutdown()
    finally:
        server.server_close()


@pytest.fixture
def page(browser: Any, search_site: ServedSite) -> Iterator[Any]:
    """A fresh page of its own; after the test, no CSP violation and no script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    violations: list[str] = []
    errors: list[str] = []
    context.expose_binding("__reportCsp", lambda _source, text: violations.append(text))
    context.add_init_script(_WATCH_CSP)
    tab = context.new_page()
    tab.set_default_timeout(120_000)  # a guard against hanging on a loaded machine, not a measure
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" and "404" not in m.text else None)
    yield tab
    context.close()
    assert violations == []
    assert errors == []


def open_search(page: Any, site: ServedSite, query: str = "") -> None:
    page.goto(site.url("search/") + (f"?q={quote(query)}" if query else ""))
    page.wait_for_selector("#search-input", state="visible")  # the script shows the form


def results(page: Any, query: str) -> list[dict[str, Any]]:
    """The results shown once ``query`` is answered (the page marks it done)."""
    page.wait_for_function("q => { const r = document.getElementById('search');"
                           " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query)
    return page.eval_on_selector_all(".search-result", _READ_RESULTS)


def search(page: Any, query: str) -> list[dict[str, Any]]:
    page.fill("#search-input", query)
    return results(page, query)


def every_result(page: Any, query: str) -> list[dict[str, Any]]:
    """All results of ``query``, asking for more until the button goes."""
    found = search(page, query)
    more = page.locator("#search-more")
    while more.is_visible():
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.search-result').length > n", arg=len(found))
        found = page.eval_on_selector_all(".search-result", _READ_RESULTS)
    return found


def status(page: Any) -> str:
    return page.inner_text("#search-status").strip()


def href(slug: str) -> str:
    return f"{SUB_PATH}articles/{slug}/"


def core(word: str) -> str:
    """A word without the punctuation around it (Pagefind ends each block with a period)."""
    return re.sub(r"\W+", "", word)


class Articles:
    """What each article page shows, read once per test from the built site in the browser:
    its visible text (``innerText``: hidden elements left out), its summary (shown in
    listings, part of the indexed record), its heading and its date."""

    def __init__(self, page: Any, site: ServedSite) -> None:
        self._tab = page.context.new_page()
        self._site = site
        self._seen: dict[str, dict[str, Any]] = {}

    def __call__(self, link: str) -> dict[str, Any]:
        if link not in self._seen:
            self._tab.goto(self._site.origin + quote(link, safe="/%"))
            self._seen[link] = self._tab.evaluate("""() => ({
              text: document.querySelector('article').innerText,
              summary: (document.querySelector('meta[name=description]') || {}).content || '',
              title: document.querySelector('article h1').textContent,
              datetime: document.querySelector('.article-meta time').getAttribute('datetime')})""")
        return self._seen[link]

    def words(self, link: str) -> set[str]:
        shown = self(link)
        return {core(w) for w in f"{shown['text']} {shown['summary']}".split()} - {""}


def test_arabic_queries_find_words_with_attached_prefixes(page: Any, search_site: ServedSite) -> None:
    open_search(page, search_site)
    for query, (slug, word) in QUERIES.items():
        found = search(page, query)
        assert [r["href"] for r in found] == [href(slug)], query
        assert found[0]["marks"] == [word], (query, found[0]["excerpt"])


def test_a_query_with_the_article_finds_it_after_a_lam(page: Any, search_site: ServedSite) -> None:
    """ل + اللجنة is written للجنة, three lams as two, and Pagefind's stemmer gives the two
    spellings different terms: a query for اللجنة still finds the article, and its excerpt
    marks the word as written. (The index-only forms now restore the third lam, اللجنه; this
    query was answered before that too, so this pins the reader's side, and
    tests/unit/text/test_arabic.py the forms.)"""
    open_search(page, search_site)
    found = {r["href"]: r for r in search(page, "اللجنة")}
    meeting = found.get(href("اجتماع-حول-القطاع-الطبي"))
    assert meeting is not None, list(found)
    assert meeting["marks"] == ["للجنة"], meeting["excerpt"]


def left_out_forms(source: Path) -> list[tuple[str, str, str]]:
    """(link, language, form) for each index-only form a record leaves out because Pagefind
    finds its article by it anyway (see generator/pages/search.py)."""
    site, _ = load_site(source, BuildOptions())
    left = []
    for article in site.articles:
        every = index_forms((article.title, record_summary(article), matching_text(article.body_html)),
                            indexed=frozenset()).split()[1:]
        kept = set(article_index_text(article).split()[1:])
        link = href(article.url_path.removeprefix("articles/").rstrip("/"))
        left += [(link, article.lang, form) for form in every if form not in kept]
    return left


def test_forms_left_out_of_the_records_still_find_their_articles(page: Any, search_site: ServedSite) -> None:
    """Every form a record leaves out is a query that finds its article through the real
    index in the browser (Pagefind's own stemmer on the query); among them ta marbuta typed as
    ha (حكومه for الحكومة) and hamza seats dropped (اجور for الأجور, موتمر for المؤتمر)."""
    wanted = left_out_forms(REPO / "tests" / "sites" / "search")  # the built copy differs in its digits only
    assert len(wanted) > 100 and {"حكومه", "اجور", "موتمر"} <= {form for _, _, form in wanted}
    assert {lang for _, lang, _ in wanted} == {"ar", "en"}
    open_search(page, search_site)
    search(page, "حكومة")  # each language's Pagefind is loaded, its shards merged: those used below
    found = page.evaluate("""async wanted => {
      const urls = {};
      for (const [, lang, form] of wanted) {
        const pagefind = await import(new URL(`../pagefind/${lang}/pagefind.js`, location.href).href);
        if (urls[lang + ' ' + form]) { continue; }
        const answer = await pagefind.search(form);
        urls[lang + ' ' + form] = await Promise.all(answer.results.map(async r => decodeURI((await r.data()).url)));
      }
      return urls;
    }""", wanted)
    missed = [(url, form) for url, lang, form in wanted if url not in found[f"{lang} {form}"]]
    assert not missed


def test_an_index_only_match_is_shown_in_the_articles_own_words(page: Any, search_site: ServedSite) -> None:
    """Pagefind locates تعليم only among the index-only forms of the article that says
    والتعليم (checked through the page's own Pagefind, so the case is a real one); the
    excerpt is the article's text with والتعليم marked."""
    open_search(page, search_site)
    (found,) = search(page, "تعليم")
    raw = page.evaluate("""async q => {
      const pagefind = await import(new URL('../pagefind/ar/pagefind.js', location.href).href);
      const answer = await pagefind.search(q);
      return Promise.all(answer.results.map(r => r.data()));
    }""", "تعليم")
    (record,) = [r for r in raw if unquote(r["url"]) == found["href"]]
    words = record["content"].split()
    cut = max(n for n, w in enumerate(words) if SENTINEL in w)
    assert record["locations"] and min(record["locations"]) > cut, "Pagefind matched a visible word"
    assert found["marks"] == ["والتعليم"]
    visible = Articles(page, search_site).words(found["href"])
    assert {core(w) for w in found["excerpt"].split()} <= visible
    assert SENTINEL not in found["text"]


def test_no_excerpt_shows_a_word_the_article_does_not_show(page: Any, search_site: ServedSite) -> None:
    """Every result of every query, all pages of them: its title is the article's heading, and
    every word of its excerpt is one of the article's visible words; never the sentinel."""
    open_search(page, search_site)
    articles = Articles(page, search_site)
    seen = 0
    for query in ("حكومة", "الحكومة", "مياه", "عاصمة", *QUERIES, "election", "water", "المياه الحكومة"):
        for found in every_result(page, query):
            assert SENTINEL not in found["text"], (query, found["href"])
            assert found["title"] == articles(found["href"])["title"], (query, found["href"])
            extra = {core(w) for w in found["excerpt"].split()} - articles.words(found["href"])
            assert not extra, (query, found["href"], extra, found["excerpt"])
            seen += 1
    assert seen > 30


def test_english_articles_are_stemmed_as_english_from_the_arabic_page(page: Any, search_site: ServedSite) -> None:
    open_search(page, search_site)
    (found,) = search(page, "election")  # the article says "elections"
    assert found["href"] == href("councils-prepare-for-local-elections")
    assert (found["lang"], found["dir"]) == ("en", "ltr")
    assert found["marks"] and set(found["marks"]) == {"elections"}
    assert found["title_marks"] == ["elections"]
    arabic = search(page, "مياه")
    assert all(r["lang"] is None and r["dir"] is None for r in arabic)  # the page's own language


def test_results_show_their_date(page: Any, search_site: ServedSite) -> None:
    open_search(page, search_site)
    articles = Articles(page, search_site)
    found = search(page, "مياه")
    assert found
    for result in found:
        assert re.search("[٠-٩]", result["date"]) and not re.search("[0-9]", result["date"]), result["date"]
        shown = articles(result["href"])
        assert datetime.fromisoformat(result["datetime"]) == datetime.fromisoformat(shown["datetime"])


@pytest.mark.parametrize(("query", "message", "count"), [
    ("تعليم", "نتيجة واحدة لـ «تعليم»", 1),
    ("عاصمة", "نتيجتان لـ «عاصمة»", 2),
    ("مياه", "٣ نتائج لـ «مياه»", 3),
    ("حكومة", "١٣ نتيجة لـ «حكومة»", 13),
    ("xyzzy", "لا نتائج لـ «xyzzy».", 0),
])
def test_the_count_is_said_in_arabic_with_the_sites_digits(page: Any, search_site: ServedSite,
                                                           query: str, message: str, count: int) -> None:
    open_search(page, search_site)
    assert len(every_result(page, query)) == count
    assert status(page) == message
    assert page.get_attribute("#search-status", "aria-live") == "polite"


def test_ten_results_then_more_on_request(page: Any, search_site: ServedSite) -> None:
    open_search(page, search_site)
    assert len(search(page, "حكومة")) == 10
    page.click("#search-more")
    page.wait_for_function("() => document.querySelectorAll('.search-result').length === 13")
    assert page.locator("#search-more").is_hidden()
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == page.eval_on_selector_all(".search-result h2 a", "els => els[10].getAttribute('href')")
    hrefs = page.eval_on_selector_all(".search-result h2 a", "els => els.map(e => e.getAttribute('href'))")
    assert len(set(hrefs)) == 13


def _shard_of(site_dir: Path) -> dict[str, str]:
    """Each article URL (below the site's root) and the shard folder that holds its record."""
    found = {}
    for fragment in (site_dir / "pagefind").rglob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        found[json.loads(data[12:])["url"]] = fragment.parent.parent.relative_to(site_dir).as_posix()
    return found


def test_shards_are_merged(page: Any, search_site: ServedSite) -> None:
    index = json.loads((search_site.site_dir / "pagefind" / "index.json").read_text("utf-8"))
    assert [g["language"] for g in index["groups"]] == ["ar", "en"]
    assert index["groups"][0]["shards"], "the Arabic articles should fill more than one shard"
    shard_of = _shard_of(search_site.site_dir)
    open_search(page, search_site)
    found = every_result(page, "حكومة")
    shards = {shard_of[unquote(r["href"])[len(SUB_PATH) - 1:]] for r in found}
    assert len(shards) > 1, shards
    assert len(found) == 13 > CAPACITY


def test_the_query_lives_in_the_address(page: Any, search_site: ServedSite) -> None:
    open_search(page, search_site, "الصحة")
    assert [r["href"] for r in results(page, "الصحة")] == [href(QUERIES["الصحة"][0])]
    assert page.input_value("#search-input") == "الصحة"
    found = search(page, "مياه")
    assert parse_qs(urlsplit(page.url).query)["q"] == ["مياه"]
    page.click(".search-result h2 a")
    page.wait_for_url(re.compile(r"/articles/"))
    page.go_back()
    assert [r["href"] for r in results(page, "مياه")] == [r["href"] for r in found]
    assert page.input_value("#search-input") == "مياه"
    page.fill("#search-input", "")  # an emptied box empties the list and the address
    page.wait_for_function("() => document.getElementById('search').dataset.state === 'idle'")
    assert "q" not in parse_qs(urlsplit(page.url).query)
    assert page.locator(".search-result").count() == 0


def test_links_work_under_the_sub_path(page: Any, search_site: ServedSite) -> None:
    open_search(page, search_site)
    for result in search(page, "حكومة") + search(page, "election"):
        assert result["href"].startswith(f"{SUB_PATH}articles/")
        assert page.request.get(search_site.origin + quote(result["href"], safe="/%")).status == 200


def test_the_form_is_named_by_the_heading_and_results_are_a_list(page: Any, search_site: ServedSite) -> None:
    open_search(page, search_site)
    heading = page.inner_text("h1").strip()
    box = page.get_by_role("searchbox", name=heading)
    assert box.is_visible()
    box.fill("مياه")
    results(page, "مياه")
    assert page.locator("ol.search-results > li.search-result").count() == 3


def test_without_javascript_the_page_says_so(browser: Any, search_site: ServedSite) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(search_site.url("search/"))
        assert tab.locator("form.search-form").is_hidden()
        assert "JavaScript" in tab.inner_text("main")
    finally:
        context.close()


def test_only_the_search_page_allows_webassembly(search_site: ServedSite) -> None:
    """The search page alone adds 'wasm-unsafe-eval' (for Pagefind); no page allows anything
    else unsafe."""
    site: Path = search_site.site_dir
    for page in (p for p in site.rglob("*.html") if p.name != "email.html"):  # emails run no script
        text = page.read_text("utf-8")
        if page == site / "search" / "index.html":
            assert "script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;;" in text, page
            text = text.replace(" &#39;wasm-unsafe-eval&#39;", "")
        assert "script-src &#39;self&#39;;" in text and "unsafe" not in text, page
