"""The built sample digest in a real headless Chromium, served over HTTP.

What a unit test cannot see: the direction the browser actually computes, whether a page
scrolls sideways on a phone, whether the web font arrives, whether every URL answers on a
plain static server (also under a sub-path), and what an accessibility audit (axe-core) says.

Debian's Chromium is driven through Playwright for Python; Playwright's own browser download
is never used. Skip these locally with ``pytest -m "not browser"``; under CI=true they run.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import ARTIFACTS, ServedSite, require

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)
HEIGHT = 800
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
SCREENSHOTS = ARTIFACTS / "screenshots"
FONT_FAMILY = "Noto Naskh Arabic"
# axe findings that fail whatever impact axe gives them: the issue names them.
ALWAYS_FAIL = {"landmark-one-main", "region", "heading-order", "page-has-heading-one",
               "link-name", "valid-lang", "html-has-lang", "html-lang-valid",
               "html-xml-lang-mismatch", "landmark-no-duplicate-main", "landmark-unique",
               "empty-heading", "document-title", "bypass"}
FAIL_IMPACTS = {"serious", "critical"}

# The sample at the root only (what a check does not depend on the base path for).
ROOT_ONLY = pytest.mark.parametrize("served_site", ["root"], indirect=True)
# ... and the generated large digest, for checks that long content can break. The sample's
# every page, of every kind, is checked by default; of the large digest's 150-odd pages, whose
# kinds the sample already has, the default run checks the longest few of each kind and
# language (see ``stress_pages``), and ``-m slow`` every one.
ROOT_AND_LARGE = pytest.mark.parametrize(
    ("served_site", "every_page"),
    [("root", True), ("large", False),
     pytest.param("large", True, marks=pytest.mark.slow, id="large-every-page")],
    indirect=["served_site"], ids=["root", "large", "large-every-page"])
STRESS_PAGES = 3  # of each kind and language of the large digest, by size

# Runs in the page: every element carrying ``lang`` and the direction the browser computed.
DIRECTIONS_JS = """() => {
  const rtl = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'ckb', 'yi', 'dv', 'sd', 'ug', 'ku']);
  const text = (el) => (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
  // "und" (a topic or outlet whose language is not known) comes with dir="auto": the
  // direction of its first strong letter, as the HTML standard's auto rule gives it.
  const rtlLetter = /[\\u0590-\\u08FF\\uFB1D-\\uFDFF\\uFE70-\\uFEFF]/;
  const strong = (el) => (text(el).match(/[A-Za-z\\u00C0-\\u024F\\u0590-\\u08FF\\uFB1D-\\uFDFF\\uFE70-\\uFEFF]/)
                          || [''])[0];
  const want = (l, el) => l.toLowerCase() === 'und'
    ? (rtlLetter.test(strong(el)) ? 'rtl' : 'ltr')
    : rtl.has(l.toLowerCase().split('-')[0]) ? 'rtl' : 'ltr';
  const out = [];
  for (const el of document.querySelectorAll('[lang]')) {
    const lang = el.getAttribute('lang');
    if (!lang) continue;
    out.push({tag: el.tagName.toLowerCase(), lang, want: want(lang, el),
              got: getComputedStyle(el).direction, text: text(el).slice(0, 70)});
  }
  const h1 = document.querySelector('h1');
  const h1lang = h1 && h1.closest('[lang]');
  return {elements: out,
          h1: h1 ? {lang: h1lang ? h1lang.getAttribute('lang') : '',
                    dir: getComputedStyle(h1).direction} : null};
}"""

# Runs in the page: horizontal overflow and the elements that stick out of the viewport.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right > width + 1 || r.left < -1) {
      const inner = el.querySelectorAll('*').length;
      culprits.push({el: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                     (el.className && typeof el.className === 'string'
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''),
                     left: Math.round(r.left), right: Math.round(r.right), inner});
    }
  }
  culprits.sort((a, b) => a.inner - b.inner);
  return {scrollWidth: root.scrollWidth, clientWidth: width, culprits: culprits.slice(0, 5)};
}"""

FONTS_JS = """async () => {
  await document.fonts.ready;
  return {faces: [...document.fonts].map(f => ({family: f.family.replace(/["']/g, ''),
                                                weight: f.weight, status: f.status})),
          body: getComputedStyle(document.body).fontFamily};
}"""


@dataclass
class Visit:
    """What loading one page cost: every response and failure on this site's origin."""

    url: str
    responses: list[tuple[str, int]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


@contextmanager
def browser_page(browser: Any, width: int = 1280, **options: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT},
                                  service_workers="block", **options)
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
    finally:
        context.close()


def load(page: Any, url: str) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, \
        f"{url} answered {response.status if response else 'nothing'}"
    page.evaluate("document.fonts.ready.then(() => true)")


def page_of(site: ServedSite, pattern: str) -> list[tuple[str, str]]:
    return [(name, url) for name, url in site.pages() if re.fullmatch(pattern, name)]


def visited(site: ServedSite, every_page: bool = True) -> list[tuple[str, str]]:
    """The pages a check opens: every page, or ``stress_pages``."""
    return site.pages() if every_page else stress_pages(site)


def stress_pages(site: ServedSite) -> list[tuple[str, str]]:
    """The largest pages of each kind (the top folder: articles, actors, editions...; pages
    at the root are a kind each) and language: where titles, names, tables, code and lists
    are longest, and so where long content breaks a layout if anywhere."""
    groups: dict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
    for name, url in site.pages():
        path = site.site_dir / name
        kind = name.split("/", 1)[0] if "/" in name else name
        groups[(kind, _html_lang(path))].append((path.stat().st_size, name, url))
    chosen = [page for group in groups.values() for page in sorted(group, reverse=True)[:STRESS_PAGES]]
    return [(name, url) for _, name, url in sorted(chosen, key=lambda page: page[1])]


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}:\n" + "\n".join(f"    {p}" for p in items)
                     for page, items in sorted(problems.items()))


@ROOT_AND_LARGE
def test_direction_follows_language(browser: Any, served_site: ServedSite, every_page: bool) -> None:
    """Arabic pages compute rtl; every element marked English (articles, list entries) ltr."""
    problems: dict[str, list[str]] = defaultdict(list)
    english_pages, english_in_lists = [], []
    with browser_page(browser) as page:
        for name, url in visited(served_site, every_page):
            load(page, url)
            found = page.evaluate(DIRECTIONS_JS)
            if not found["elements"] or found["elements"][0]["tag"] != "html":
                problems[name].append("<html> has no lang attribute")
            for el in found["elements"]:
                if el["got"] != el["want"]:
                    problems[name].append(f"<{el['tag']} lang={el['lang']}> computes "
                                          f"{el['got']}, wants {el['want']}: {el['text']!r}")
            h1 = found["h1"]
            if name.startswith("articles/") and h1 and h1["lang"].startswith("en"):
                english_pages.append(name)
                if h1["dir"] != "ltr":
                    problems[name].append(f"English article's title computes {h1['dir']}")
            elif any(e["lang"].startswith("en") and e["tag"] != "html"
                     for e in found["elements"]):
                english_in_lists.append(name)
    assert not problems, f"direction does not follow language, by page:\n{report(problems)}"
    assert english_pages, "the sample digest has no English article to check (lang: en)"
    assert "index.html" in english_in_lists, \
        "the home page does not mark its English entry with lang (pages that do: " \
        f"{english_in_lists})"


@ROOT_AND_LARGE
@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_scroll(browser: Any, served_site: ServedSite, every_page: bool,
                              width: int) -> None:
    problems: dict[str, list[str]] = defaultdict(list)
    with browser_page(browser, width) as page:
        for name, url in visited(served_site, every_page):
            load(page, url)
            o = page.evaluate(OVERFLOW_JS)
            if o["scrollWidth"] > o["clientWidth"]:
                culprits = ", ".join(f"{c['el']} [{c['left']}..{c['right']}]"
                                     for c in o["culprits"])
                problems[name].append(f"scrolls sideways: {o['scrollWidth']}px of content in "
                                      f"{o['clientWidth']}px; sticking out: {culprits}")
    assert not problems, f"horizontal scrolling at {width}px, by page:\n{report(problems)}"


@ROOT_ONLY
def test_arabic_web_font_is_loaded(browser: Any, served_site: ServedSite) -> None:
    """On Arabic pages (home and an Arabic article) the theme's Arabic font arrives and is used."""
    articles = [a for a in page_of(served_site, r"articles/[^/]+/index.html")
                if _html_lang(served_site.site_dir / a[0]).startswith("ar")]
    assert articles, "no Arabic article in the sample digest"
    pages = page_of(served_site, "index.html") + articles[:1]
    fonts_answered: list[tuple[str, int]] = []

    def on_response(r: Any) -> None:
        if urlsplit(r.url).path.endswith((".woff2", ".woff", ".ttf", ".otf")):
            fonts_answered.append((r.url, r.status))

    with browser_page(browser) as page:
        page.on("response", on_response)
        for name, url in pages:
            load(page, url)
            fonts = page.evaluate(FONTS_JS)
            loaded = [f for f in fonts["faces"]
                      if f["family"] == FONT_FAMILY and f["status"] == "loaded"]
            assert loaded, (f"{name}: {FONT_FAMILY} not loaded; document.fonts: "
                            f"{fonts['faces']}; body font-family: {fonts['body']}")
            assert FONT_FAMILY in fonts["body"], \
                f"{name}: body font-family {fonts['body']!r} does not use {FONT_FAMILY}"
    # The first fetch must be a 200; later pages may revalidate the cached file (304).
    assert fonts_answered and fonts_answered[0][1] == 200, fonts_answered
    assert all(s in (200, 304) for _, s in fonts_answered), fonts_answered


@pytest.mark.parametrize(("served_site", "every_page"),
                         [("root", True), ("subpath", True), ("large", False),
                          pytest.param("large", True, marks=pytest.mark.slow)],
                         indirect=["served_site"], ids=["root", "subpath", "large", "large-every-page"])
def test_every_page_resource_and_link_answers_200(browser: Any, served_site: ServedSite,
                                                  every_page: bool) -> None:
    """Stylesheets, fonts, images fetched by each page, then every internal link, over HTTP
    (``test_links`` checks every link of every page against the files)."""
    problems: dict[str, list[str]] = defaultdict(list)
    origin = served_site.origin
    links: dict[str, str] = {}  # link -> first page linking to it
    with browser_page(browser) as page:
        for name, url in visited(served_site, every_page):
            visit = Visit(url)

            def on_response(r: Any, v: Visit = visit) -> None:
                v.responses.append((r.url, r.status))

            started: set[Any] = set()

            def on_request(r: Any, s: set[Any] = started) -> None:
                s.add(r)

            def on_failed(r: Any, v: Visit = visit, s: set[Any] = started) -> None:
                # Only this page's own requests: a worker the previous page (search) started
                # is aborted when the browser leaves it, which is no fault of this page.
                if r in s:
                    v.failures.append((r.url, r.failure or "failed"))

            page.on("request", on_request)
            page.on("response", on_response)
            page.on("requestfailed", on_failed)
            try:
                load(page, url)
                visit.links = page.eval_on_selector_all(
                    "a[href], link[href], img[src], source[src]",
                    "els => els.map(e => e.href || e.src || '')")
            finally:
                page.remove_listener("request", on_request)
                page.remove_listener("response", on_response)
                page.remove_listener("requestfailed", on_failed)
                # Leave the page for a blank one before the next is charged: the search page's
                # worker may still start a request after the next page's listeners are on, and
                # the browser aborts it only when the page it belongs to goes away.
                page.goto("about:blank")
            for res_url, status in visit.responses:
                if res_url.startswith(origin) and status not in (200, 304) \
                        and not _implicit_favicon(res_url, visit.links):
                    problems[name].append(f"{status} {unquote(res_url)}")
            for res_url, why in visit.failures:
                if res_url.startswith(origin):
                    problems[name].append(f"failed ({why}) {unquote(res_url)}")
            for link in visit.links:
                link = link.split("#", 1)[0]
                if link.startswith(origin):
                    links.setdefault(link, name)
        for link, first_page in sorted(links.items()):
            response = page.request.get(link, max_redirects=0)
            if response.status != 200:
                problems[first_page].append(f"link answers {response.status}: {unquote(link)}")
    assert not problems, (f"URLs that do not answer 200 on the site served at "
                          f"{served_site.base_url}, by page:\n{report(problems)}")
    assert links, "no internal links found"
    non_ascii_files = [p for p in served_site.site_dir.rglob("*") if not p.name.isascii()]
    if non_ascii_files:
        encoded = [u for u in links if re.search(r"%[D-Fd-f][0-9A-Fa-f]", u)]
        assert encoded, "the site has Arabic file names but no percent-encoded link reaches them"


def _html_lang(page: Path) -> str:
    match = re.search(r"<html[^>]*\slang=\"([^\"]*)\"", page.read_text(encoding="utf-8"))
    return match.group(1) if match else ""


def _implicit_favicon(url: str, referenced: list[str]) -> bool:
    """Chromium asks for /favicon.ico on its own; only a favicon the page names must exist."""
    return urlsplit(url).path == "/favicon.ico" and url not in referenced


def _english_article(page: Path) -> bool:
    """The page's own article (its <html> or its <article>) is marked English."""
    html = page.read_text(encoding="utf-8")
    return _html_lang(page).startswith("en") or \
        re.search(r"<article[^>]*\slang=\"en", html) is not None


def _screenshot_pages(site: ServedSite) -> list[tuple[str, str, str]]:
    """(label, file, url) for the home, an Arabic and an English article, an actor, 404."""
    chosen = [("home", *page_of(site, "index.html")[0])]
    articles = page_of(site, r"articles/[^/]+/index.html")
    arabic = [a for a in articles if not _english_article(site.site_dir / a[0])]
    if arabic:
        chosen.append(("article", *arabic[0]))
    english = [a for a in articles if _english_article(site.site_dir / a[0])]
    if english:
        chosen.append(("article-en", *english[0]))
    actors = page_of(site, r"actors/[^/]+/index.html")
    if actors:
        chosen.append(("actor", *actors[0]))
    chosen += [("404", *p) for p in page_of(site, "404.html")]
    return chosen


@pytest.mark.parametrize("served_site", ["root", "large"], indirect=True)  # chosen pages
def test_screenshots(browser: Any, served_site: ServedSite) -> None:
    """Full-page screenshots for a person to look at, in tests/artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chosen = _screenshot_pages(served_site)
    written = []
    for width in WIDTHS:
        with browser_page(browser, width) as page:
            for label, _name, url in chosen:
                load(page, url)
                prefix = "" if served_site.layout == "root" else f"{served_site.layout}-"
                out = SCREENSHOTS / f"{prefix}{label}-{width}.png"
                page.screenshot(path=str(out), full_page=True)
                written.append(out)
    assert all(p.stat().st_size > 1000 for p in written)
    labels = {label for label, _, _ in chosen}
    assert {"home", "article", "404"} <= labels, f"missing pages to show: only {labels}"


@ROOT_AND_LARGE
def test_accessibility_axe(browser: Any, served_site: ServedSite, every_page: bool) -> None:
    """axe-core on every page: no serious or critical violations, none of ALWAYS_FAIL."""
    require(AXE.is_file(), f"axe-core not installed at {AXE}: npm ci --prefix tests/e2e")
    axe_source = AXE.read_text(encoding="utf-8")
    problems: dict[str, list[str]] = defaultdict(list)
    with browser_page(browser, bypass_csp=True) as page:
        for name, url in visited(served_site, every_page):
            load(page, url)
            page.evaluate(axe_source)
            result = page.evaluate(
                "() => axe.run(document, {resultTypes: ['violations']})"
                ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 4)})))")
            for v in result:
                if v["impact"] in FAIL_IMPACTS or v["id"] in ALWAYS_FAIL:
                    problems[name].append(f"{v['id']} ({v['impact']}): {v['help']} "
                                          f"at {', '.join(v['nodes'])}")
    assert not problems, f"accessibility violations, by page:\n{report(problems)}"
