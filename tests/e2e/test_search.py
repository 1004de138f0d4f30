"""Search in a real browser: the fixture digest tests/sites/search, built with a sharded index
(search format 3: generator/pages/search.py writes it, static/js/search.js reads it) under a
sub-path (``/mawjaz/``) with Arabic-Indic digits, queried through its ``/search/`` page as a
reader would.

What these tests pin: a query finds a word however its article writes it, with attached
prefixes (صحة finds الصحة, تعليم والتعليم, اللجنة للجنة) or suffixes (حكومات finds الحكومة),
and every peeled form of every word of every article finds that article, through the real
index in the browser; the excerpt is the article's own words, the word it wrote marked;
English articles are stemmed as English from the same Arabic page; shards are merged and a
one-word query fetches one bucket of each; counts are in Arabic with the site's digits; the
query lives in the address; no page allows anything unsafe. Each test opens its own page.
Every page is watched for CSP violations (the site's strict policy, no exception for search)
and script errors.

The digest's articles are chosen for the counts below: 13 say الحكومة in some form, 3 say
المياه, 2 العاصمة, and each of الصحة, والتعليم and الوزير appears in one article only.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest

from generator.render.engine import CSP
from generator.text.arabic import unprefixed
from generator.text.stemming import bare, query_key

from .conftest import REPO, ServedSite, _free_server, copy_digest, html_pages

pytestmark = pytest.mark.browser

SUB_PATH = "/mawjaz/"
CAPACITY = 3  # articles per shard: the digest's 14 Arabic articles make several shards

QUERIES = {  # query: (the article's slug, the word its excerpt marks)
    "صحة": ("اجتماع-حول-القطاع-الطبي", "الصحة"),
    "تعليم": ("خطة-جديدة-للمدارس", "والتعليم"),
    "وزير": ("تصريحات-رسمية-بعد-الاجتماع", "الوزير"),
    "الصحة": ("اجتماع-حول-القطاع-الطبي", "الصحة"),  # the word as written still works
    "الصحه": ("اجتماع-حول-القطاع-الطبي", "الصحة"),  # so does a ta marbuta typed as ha
    # The hamza seat typed or not.
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


def read_results(page: Any) -> list[dict[str, Any]]:
    """The results listed, their links decoded (``raw_href``: as the page has them,
    percent-encoded like every link of the site)."""
    found: list[dict[str, Any]] = page.eval_on_selector_all(".search-result", _READ_RESULTS)
    for result in found:
        result["raw_href"], result["href"] = result["href"], unquote(result["href"])
    return found


def results(page: Any, query: str) -> list[dict[str, Any]]:
    """The results shown once ``query`` is answered (the page marks it done)."""
    page.wait_for_function("q => { const r = document.getElementById('search');"
                           " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query)
    return read_results(page)


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
        found = read_results(page)
    return found


def status(page: Any) -> str:
    return page.inner_text("#search-status").strip()


def href(slug: str) -> str:
    return f"{SUB_PATH}articles/{slug}/"


def core(word: str) -> str:
    """A word without the punctuation around it."""
    return re.sub(r"\W+", "", word)


class Articles:
    """What each article page shows, read once per test from the built site in the browser:
    its visible text (``innerText``: hidden elements left out), its summary (shown in
    listings, part of the indexed record), its heading, its body and its date."""

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
              body: document.querySelector('article .article-body').innerText,
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
    """ل + اللجنة is written للجنة, three lams as two: the article's word is indexed under
    the reading with the third lam restored (اللجنه, stemmed), so a query for اللجنة finds it,
    and its excerpt marks the word as written (tests/unit/text/test_arabic.py pins the
    readings)."""
    open_search(page, search_site)
    found = {r["href"]: r for r in search(page, "اللجنة")}
    meeting = found.get(href("اجتماع-حول-القطاع-الطبي"))
    assert meeting is not None, list(found)
    assert meeting["marks"] == ["للجنة"], meeting["excerpt"]


# Runs queries one after the other through the page's own form (submitted, so no typing
# pause), asking for more results until there are none; answers each query's result links.
_RUN_QUERIES = """async queries => {
  const root = document.getElementById('search'), form = root.querySelector('form');
  const input = document.getElementById('search-input'), more = document.getElementById('search-more');
  const until = test => new Promise(resolve => {
    const check = () => test() ? resolve() : setTimeout(check, 1);
    check();
  });
  const answered = q => () => ['done', 'failed'].includes(root.dataset.state) && root.dataset.query === q;
  const found = {};
  for (const q of queries) {
    input.value = q;
    form.requestSubmit();
    await until(answered(q));
    while (root.dataset.state === 'done' && !more.hidden) {
      const n = root.querySelectorAll('.search-result').length;
      more.click();
      await until(() => root.querySelectorAll('.search-result').length > n || root.dataset.state !== 'done');
    }
    found[q] = root.dataset.state === 'done'
      ? [...root.querySelectorAll('.search-result h2 a')].map(a => decodeURI(a.getAttribute('href')))
      : ['failed'];
  }
  return found;
}"""


def site_records(site_dir: Path) -> dict[str, tuple[str, dict[str, Any], str]]:
    """Each article's link (as the page makes it: the base path, then the record's URL,
    decoded) with the shard folder and the record that hold it, and the records file it is
    in, read from every ``search-index/<lang>/<n>/d/<g>.json``."""
    found = {}
    for path in sorted((site_dir / "search-index").glob("*/*/d/*.json")):
        for data in json.loads(path.read_text("utf-8")):
            assert not data["url"].startswith("/"), data["url"]
            found[unquote(SUB_PATH + data["url"])] = (path.parent.parent.relative_to(site_dir).as_posix(), data,
                                                      path.relative_to(site_dir).as_posix())
    return found


def test_every_reading_of_every_word_finds_its_article(page: Any, search_site: ServedSite) -> None:
    """For every word of every article (its heading and body, as the article page shows
    them), a query for it and for each of its readings without attached prefixes
    (``unprefixed``: for وبالحكومة, بالحكومه الحكومه حكومه) finds that article through the page, with
    the real index: the keys the build wrote, the buckets it put them in, what search.js reads
    of them. A reader may type any of them."""
    records = site_records(search_site.site_dir)
    assert len(records) == 16
    articles = Articles(page, search_site)
    wanted: dict[str, set[str]] = {}
    for link in records:
        shown = articles(link)
        for word in f"{shown['title']} {shown['body']}".split():
            form = bare(word)
            for reading in (form, *unprefixed(form)) if form else ():
                wanted.setdefault(reading, set()).add(link)
    assert len(wanted) > 100 and {"حكومه", "الحكومه", "اجور", "لجنه", "elections", "water"} <= wanted.keys()
    open_search(page, search_site)
    found = page.evaluate(_RUN_QUERIES, sorted(wanted))
    missed = {form: sorted(links - set(found[form])) for form, links in wanted.items() if links - set(found[form])}
    assert not missed


def test_a_suffixed_query_finds_and_marks_the_articles_own_word(page: Any, search_site: ServedSite) -> None:
    """حكومات and الحكومات (plurals no article writes) find the 13 articles that write
    الحكومة, والحكومة or بالحكومة, marked as written; "repair" finds "Repairs" and
    "repairing"."""
    open_search(page, search_site)
    for query in ("حكومات", "الحكومات", "حكومة"):
        found = every_result(page, query)
        assert len(found) == 13, query
        for result in found:
            assert result["marks"], (query, result["excerpt"])
            marks = {core(m) for m in result["marks"] + result["title_marks"]}
            assert marks <= {"الحكومة", "والحكومة", "بالحكومة"}, (query, marks)
    (found,) = search(page, "repair")
    assert (found["title_marks"], found["marks"]) == (["Repairs"], ["repairing"])


def test_a_one_word_query_fetches_one_bucket_of_each_shard(page: Any, search_site: ServedSite) -> None:
    """The manifest once, then per query word the bucket of its key (the one Python put it
    in) from every shard of every language, and the records file of each result shown (once,
    when two results share one); a word asked again fetches nothing more."""
    index = json.loads((search_site.site_dir / "search-index" / "index.json").read_text("utf-8"))
    shards = [shard for group in index["groups"] for shard in group["shards"]]
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if "/search-index/" in request.url else None)
    open_search(page, search_site)
    found = search(page, "مياه")
    assert len(found) == 3
    root = search_site.url("search-index/")
    bucket = zlib.crc32(query_key("مياه").encode()) % index["buckets"]
    held = site_records(search_site.site_dir)
    records = {search_site.url(held[r["href"]][2]) for r in found}
    assert sorted(fetched) == sorted([f"{root}index.json", *(f"{root}{s}{bucket}.json" for s in shards), *records])
    seen = len(fetched)
    assert search(page, "xyzzy") == []
    assert len(fetched) == seen + len(shards)
    search(page, "مياه")
    assert len(fetched) == seen + len(shards)


def test_no_excerpt_shows_a_word_the_article_does_not_show(page: Any, search_site: ServedSite) -> None:
    """Every result of every query, all pages of them: its title is the article's heading, and
    every word of its excerpt is one of the article's visible words."""
    open_search(page, search_site)
    articles = Articles(page, search_site)
    seen = 0
    for query in ("حكومة", "الحكومة", "مياه", "عاصمة", *QUERIES, "election", "water", "المياه الحكومة"):
        for found in every_result(page, query):
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
    ("constructor", "لا نتائج لـ «constructor».", 0),  # a word, not a property of a bucket
    ("؟!", "لا نتائج لـ «؟!».", 0),  # no word at all
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


def test_shards_are_merged(page: Any, search_site: ServedSite) -> None:
    index = json.loads((search_site.site_dir / "search-index" / "index.json").read_text("utf-8"))
    assert index["version"] == 3 and index["records"] == 8
    assert [g["language"] for g in index["groups"]] == ["ar", "en"]
    assert len(index["groups"][0]["shards"]) > 1, "the Arabic articles should fill more than one shard"
    records = site_records(search_site.site_dir)
    open_search(page, search_site)
    found = every_result(page, "حكومة")
    shards = {records[r["href"]][0] for r in found}
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
        assert result["raw_href"].startswith(f"{SUB_PATH}articles/")
        assert result["raw_href"] == quote(result["href"], safe="/")  # percent-encoded, as the site links
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


def test_no_page_allows_anything_unsafe(search_site: ServedSite) -> None:
    """Every page, the search page included, has the site's policy (script-src 'self', no
    'unsafe-*', no 'wasm-unsafe-eval'), and the site ships no WebAssembly."""
    site: Path = search_site.site_dir
    pages = html_pages(site)
    assert site / "search" / "index.html" in pages
    for page in pages:
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"',
                              page.read_text("utf-8"))
        assert [html.unescape(p) for p in policies] == [CSP], page
    assert "unsafe" not in CSP and "script-src 'self';" in CSP
    assert not list(site.rglob("*.wasm")) and not (site / "pagefind").exists()
