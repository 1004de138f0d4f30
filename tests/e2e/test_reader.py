"""The default theme as a reader meets it, in a real headless Chromium at 360 and 1280 px, in
the light and the dark colour scheme: contrast measured from computed colours, the dark-mode
toggle and its memory, follow controls, the front page's layout on a phone, the actors index,
translations (hreflang pairs, labels in the page's language), JSON-LD, the OPML files, the
404 page's search box and the print stylesheet. Screenshots of each state go to
tests/artifacts/screenshots/ (``reader-<page>-<width>-<scheme>.png``).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote
from urllib.request import urlopen

import pytest

from .conftest import ARTIFACTS, ServedSite, require
from .test_browser import AXE, FAIL_IMPACTS, HEIGHT, OVERFLOW_JS, WIDTHS, load, page_of

pytestmark = pytest.mark.browser

SCHEMES = ("light", "dark")
SCREENSHOTS = ARTIFACTS / "screenshots"
ROOT_ONLY = pytest.mark.parametrize("served_site", ["root"], indirect=True)
ROOT_AND_LARGE = pytest.mark.parametrize("served_site", ["root", "large"], indirect=True)
AA_TEXT = 4.5  # WCAG 2.x AA for normal text
ARABIC = re.compile("[\u0600-\u06ff]")

# Runs in the page: for each visible element holding its own text, the text's colour and the
# colour it sits on (the nearest ancestor with an opaque background), and their contrast ratio.
CONTRAST_JS = """(selector) => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(s => parseFloat(s));
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; }
    return parse(getComputedStyle(document.documentElement).backgroundColor) || {r: 255, g: 255, b: 255, a: 1}; };
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
    const fg = parse(getComputedStyle(el).color), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const cls = el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '';
    out.push({el: el.tagName.toLowerCase() + cls,
              text: el.textContent.trim().slice(0, 30), fg: getComputedStyle(el).color,
              bg: `rgb(${bg.r}, ${bg.g}, ${bg.b})`, ratio: (a + 0.05) / (b + 0.05)});
  }
  return out;
}"""

PAGE_LUMINANCE_JS = """() => {
  const m = getComputedStyle(document.documentElement).backgroundColor.match(/\\d+(\\.\\d+)?/g).map(Number);
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]);
}"""

TEXT_SELECTOR = ("p, a, h1, h2, h3, h4, dt, dd, li, time, bdi, span, button, caption, th, td, label, "
                 "input, code")


@contextmanager
def reader_page(browser: Any, width: int, scheme: str) -> Iterator[Any]:
    """A page in a fresh context (no saved theme) with the given width and colour scheme;
    a CSP violation anywhere fails the test that used it."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, color_scheme=scheme,
                                  service_workers="block")
    context.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                            " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        yield page
        assert page.evaluate("window.__csp") == [], "the page broke its Content-Security-Policy"
    finally:
        context.close()


def shot(page: Any, site: ServedSite, label: str, width: int, scheme: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = "" if site.layout == "root" else f"{site.layout}-"
    out = SCREENSHOTS / f"reader-{prefix}{label}-{width}-{scheme}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 1000


def first(site: ServedSite, pattern: str) -> str:
    found = page_of(site, pattern)
    assert found, f"no page matches {pattern}"
    return found[0][1]


def article_lang(site: ServedSite, name: str) -> str:
    head = (site.site_dir / name).read_text("utf-8")[:200]
    found = re.search(r'<html lang="([^"]+)"', head)
    return found.group(1) if found else ""


def reader_pages(site: ServedSite) -> list[tuple[str, str]]:
    """(label, url) of the pages a reader meets most: front page, articles in both languages,
    an actor, the actors index, the feeds page, a source and a topic when the site has them."""
    articles = page_of(site, r"articles/[^/]+/index.html")
    chosen = [("home", site.url(""))]
    chosen += [(f"article-{lang}", url) for lang in ("ar", "en")
               for name, url in articles[:40] if article_lang(site, name) == lang][:1]
    english = [url for name, url in articles if article_lang(site, name) == "en"]
    if english:
        chosen.append(("article-en", english[0]))
    chosen += [("actor", first(site, r"actors/[^/]+/index.html")), ("actors", site.url("actors/")),
               ("feeds", site.url("feeds/")), ("404", site.url("404.html"))]
    for kind in ("sources", "topics"):
        found = page_of(site, rf"{kind}/[^/]+/index.html")
        if found:
            chosen.append((kind[:-1], found[0][1]))
    return chosen


@ROOT_AND_LARGE
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_contrast_overflow_and_screenshots(browser: Any, served_site: ServedSite, width: int, scheme: str) -> None:
    """Every text on the reader's main pages meets AA contrast against what it sits on, the
    page follows the colour scheme, nothing scrolls sideways; a screenshot of each."""
    problems = []
    with reader_page(browser, width, scheme) as page:
        for label, url in reader_pages(served_site):
            page.goto(url, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            luminance = page.evaluate(PAGE_LUMINANCE_JS)
            assert (luminance < 0.05) if scheme == "dark" else (luminance > 0.8), \
                f"{label}: page background luminance {luminance:.3f} in the {scheme} scheme"
            measured = page.evaluate(CONTRAST_JS, TEXT_SELECTOR)
            assert len(measured) >= 10, f"{label}: only {len(measured)} texts measured"
            for item in measured:
                if item["ratio"] < AA_TEXT:
                    problems.append(f"{label}: {item['el']} {item['text']!r} {item['fg']} on {item['bg']}: "
                                    f"{item['ratio']:.2f}")
            overflow = page.evaluate(OVERFLOW_JS)
            assert overflow["scrollWidth"] <= overflow["clientWidth"], f"{label} scrolls sideways: {overflow}"
            shot(page, served_site, label, width, scheme)
    assert not problems, f"contrast below {AA_TEXT}:1 at {width}px, {scheme}:\n" + "\n".join(problems[:30])


@ROOT_ONLY
def test_the_toggle_switches_and_remembers_the_choice(browser: Any, served_site: ServedSite) -> None:
    with reader_page(browser, 360, "light") as page:
        load(page, served_site.url(""))
        toggle = page.locator("#theme-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
        toggle.click()
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert toggle.get_attribute("aria-pressed") == "true"
        assert page.evaluate(PAGE_LUMINANCE_JS) < 0.05
        # Another page: the choice is applied from <head>, before the body is parsed. theme.js
        # blocks the parser, so once an element after it exists, it has run.
        page.goto(first(served_site, r"articles/[^/]+/index.html"), wait_until="commit")
        page.wait_for_selector("head link[rel=alternate][type='application/atom+xml']", state="attached")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        page.wait_for_load_state("load")
        assert page.evaluate(PAGE_LUMINANCE_JS) < 0.05
        page.locator("#theme-toggle").click()
        assert page.evaluate("localStorage.getItem('mawjaz-theme')") == "light"
    with reader_page(browser, 360, "dark") as page:  # the system's dark, unless chosen otherwise
        load(page, served_site.url(""))
        assert page.locator("#theme-toggle").get_attribute("aria-pressed") == "true"
        assert page.evaluate(PAGE_LUMINANCE_JS) < 0.05


@ROOT_AND_LARGE
@pytest.mark.parametrize("width", WIDTHS)
def test_follow_controls_are_visible_and_copy_the_feed(browser: Any, served_site: ServedSite, width: int) -> None:
    pages = [("actor", first(served_site, r"actors/[^/]+/index.html")), ("home", served_site.url("")),
             ("feeds", served_site.url("feeds/"))]  # the languages' follow controls
    for kind in ("sources", "topics"):
        found = page_of(served_site, rf"{kind}/[^/]+/index.html")
        pages += [(kind, found[0][1])] if found else []
    with reader_page(browser, width, "light") as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served_site.origin)
        for label, url in pages:
            load(page, url)
            boxes = page.locator("section.follow").all()
            assert boxes and all(box.is_visible() for box in boxes), f"{label}: no visible follow control"
            for box in boxes:
                check_follow_box(page, box, served_site)
        # The actor's JSON is for machines: linked in the head, not shown.
        load(page, pages[0][1])
        assert page.locator("main a[type='application/json']").count() == 0
        assert page.locator("head link[rel=alternate][type='application/json']").count() == 1


def check_follow_box(page: Any, box: Any, site: ServedSite) -> None:
    """A follow box names what it follows, holds a working feed address, copies it, and
    links each format."""
    heading = box.locator("h2").inner_text()
    assert heading.startswith(("تابع", "Follow")), heading
    address = box.locator("input.follow-url").input_value()
    assert address.startswith(site.base_url) and address.endswith("atom.xml"), address
    formats = box.locator(".follow-formats a").all_inner_texts()
    assert formats == ["Atom", "RSS", "JSON Feed"], formats
    with urlopen(address) as answer:  # the address answers with the feed
        assert answer.status == 200 and b"<feed" in answer.read(2000)
    button = box.locator(".copy-button")
    assert button.is_visible()
    button.click()
    box.locator(".copied:not(:empty)").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == address


@ROOT_AND_LARGE
def test_the_front_page_on_a_phone(browser: Any, served_site: ServedSite) -> None:
    with reader_page(browser, 360, "light") as page:
        load(page, served_site.url(""))
        title = page.evaluate("document.title")
        shown = page.evaluate("(t) => [...document.querySelectorAll('body *')].filter(e => e.children.length === 0"
                              " && e.textContent.trim() === t && e.getBoundingClientRect().height > 0).length", title)
        assert shown == 1, f"the site name {title!r} is shown {shown} times"
        rows = page.evaluate("() => { const r = {}; for (const li of document.querySelectorAll('.site-nav li')) {"
                             " const y = Math.round(li.getBoundingClientRect().top); r[y] = (r[y] || 0) + 1; }"
                             " return Object.values(r); }")
        assert len(rows) <= 2 and min(rows) >= sum(rows) // 2, f"navigation rows at 360px: {rows}"
        lead = page.locator(".latest-edition .lead-item")
        assert lead.count() == 1
        assert page.locator(".latest-edition .entry-time").count() == page.locator(".latest-edition article").count()
        # The edition's date once: its default title says it, so the line under it does not.
        heading = page.locator("#front-heading").inner_text()
        if re.search(r"\d{4}", heading):
            assert page.locator(".latest-edition .front-meta time").count() == 0
        for entry in page.locator("main article").all():
            chips = entry.locator(".entry-actors li")
            assert chips.count() <= 4  # three and "+n"
            summary = entry.locator(".entry-summary")
            if chips.count() and summary.count():
                text = entry.locator(".entry-title").bounding_box()["height"] + summary.bounding_box()["height"]
                block = entry.locator(".entry-actors").bounding_box()["height"]
                assert block <= text, f"actor chips ({block}px) outweigh the text ({text}px)"


@ROOT_ONLY
def test_translations_pair_with_hreflang_and_english_labels(browser: Any, served_site: ServedSite) -> None:
    articles = page_of(served_site, r"articles/[^/]+/index.html")
    english = [url for name, url in articles if article_lang(served_site, name) == "en"]
    assert english, "the sample has an English article"
    with reader_page(browser, 1280, "light") as page:
        load(page, english[0])
        links = page.evaluate("() => [...document.querySelectorAll('link[rel=alternate][hreflang]')]"
                              ".map(l => [l.hreflang, l.href])")
        assert sorted(lang for lang, _ in links) == ["ar", "en"]
        for lang, href in links:
            load(page, href.replace("https://example.org/mawjaz/", served_site.base_url))
            assert page.evaluate("document.documentElement.lang") == lang
            back = page.evaluate("() => [...document.querySelectorAll('link[rel=alternate][hreflang]')]"
                                 ".map(l => [l.hreflang, l.href])")
            assert sorted(back) == sorted(links), "the versions do not list the same hreflang set"
            labels = page.locator("main dt, main .actors-heading, main .translations, main #related-heading")
            texts = [t.split(":")[0] for t in labels.all_inner_texts()]
            assert texts, "no interface labels found"
            if lang == "en":
                assert not any(ARABIC.search(t) for t in texts), f"Arabic labels on an English page: {texts}"
            else:
                assert all(ARABIC.search(t) for t in texts), f"non-Arabic labels on an Arabic page: {texts}"
            assert page.locator(".translations a").count() == 1


@ROOT_AND_LARGE
def test_json_ld_parses_and_has_the_news_fields(browser: Any, served_site: ServedSite) -> None:
    with reader_page(browser, 1280, "light") as page:
        for name, url in page_of(served_site, r"articles/[^/]+/index.html")[:6]:
            load(page, url)
            blocks = page.evaluate("() => [...document.querySelectorAll('script[type=\"application/ld+json\"]')]"
                                   ".map(s => s.textContent)")
            assert len(blocks) == 1, name
            data = json.loads(blocks[0])
            assert data["@type"] == "NewsArticle"
            for key in ("headline", "datePublished", "dateModified", "author", "publisher", "image", "inLanguage"):
                assert data.get(key), f"{name}: JSON-LD lacks {key}"
            assert data["inLanguage"] == page.evaluate("document.documentElement.lang")
            assert data["headline"] == page.locator("h1").inner_text()
            for thing in data.get("about", []):
                assert thing["name"] and thing["url"].startswith(("http://", "https://"))
            og = page.evaluate("() => document.querySelector('meta[property=\"og:locale\"]').content")
            assert re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", og), og


@ROOT_AND_LARGE
def test_opml_parses_and_lists_every_feed(served_site: ServedSite) -> None:
    with urlopen(served_site.url("feeds/all.opml")) as answer:
        root = ET.fromstring(answer.read())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title")
    outlines = [o for o in root.iter("outline") if o.get("type") == "rss"]
    assert all(o.get("text") and o.get("xmlUrl") and o.get("htmlUrl") for o in outlines)
    listed = {unquote(o.get("xmlUrl").removeprefix(served_site.base_url)) for o in outlines}
    feeds = {p.relative_to(served_site.site_dir).as_posix() for p in served_site.site_dir.rglob("rss.xml")}
    assert listed == feeds
    for url in list(o.get("xmlUrl") for o in outlines)[:5]:
        with urlopen(url) as answer:
            assert answer.status == 200


@ROOT_AND_LARGE
def test_the_actors_index_sorts_and_filters(browser: Any, served_site: ServedSite) -> None:
    with reader_page(browser, 360, "light") as page:
        load(page, served_site.url("actors/"))
        rows = page.locator("table.actor-table tbody tr")
        total = rows.count()
        assert total > 0 and page.locator("table.actor-table").count() >= 2  # one table per kind
        first_table = page.locator("table.actor-table").first
        counts = [int(c) for c in first_table.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.count)")]
        assert counts == sorted(counts, reverse=True)
        cells = first_table.locator("tbody tr").first.locator("td")
        assert cells.count() == 2 and re.search(r"مقال", cells.nth(1).inner_text())
        page.locator(".sort-button[data-sort=name]").click()
        names = first_table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.name)")
        ordered = page.evaluate("(ns) => [...ns].sort((a, b) => a.localeCompare(b, 'ar'))", names)
        assert names == ordered
        wanted = names[0]
        page.locator("#actor-filter").fill(wanted)
        visible = page.locator("table.actor-table tbody tr:visible")
        assert 1 <= visible.count() < total or total == 1
        assert all(wanted in t for t in visible.all_inner_texts())


@ROOT_ONLY
def test_the_404_page_searches_and_prints_plainly(browser: Any, served_site: ServedSite) -> None:
    with reader_page(browser, 360, "light") as page:
        page.goto(served_site.url("404.html"))
        assert page.locator('meta[name=robots][content=noindex]').count() == 1
        box = page.locator("main form.search-form input[type=search]")
        assert box.is_visible()
        box.fill("الائتلاف")
        box.press("Enter")
        page.wait_for_url(re.compile(r"/search/\?q="))
        # The search page answers the words typed on the 404 page (they arrive as ?q=…); a
        # hang net far above an honest wait, as in test_search, for a loaded machine.
        page.wait_for_function("q => { const r = document.getElementById('search');"
                               " return r.dataset.state === 'done' && r.dataset.query === q; }",
                               arg="الائتلاف", timeout=120_000)
        assert page.locator("#search-input").input_value() == "الائتلاف"
        assert page.locator("ol.search-results > li.search-result").count() > 0
    with reader_page(browser, 1280, "dark") as page:
        load(page, first(served_site, r"articles/[^/]+/index.html"))
        page.emulate_media(media="print")
        hidden = page.evaluate("() => ['.site-nav', '.theme-toggle', '.site-footer']"
                               ".map(s => document.querySelector(s)).filter(Boolean)"
                               ".map(e => getComputedStyle(e).display)")
        assert hidden and set(hidden) == {"none"}
        assert page.evaluate(PAGE_LUMINANCE_JS) > 0.9  # black on white on paper, even in dark mode
        edition = page_of(served_site, r"editions/\d{4}-\d\d-\d\d/index.html")
        load(page, edition[0][1])
        assert page.evaluate("getComputedStyle(document.querySelector('.site-nav')).display") == "none"


@ROOT_ONLY
def test_typography_headlines_and_latin_face(browser: Any, served_site: ServedSite) -> None:
    articles = page_of(served_site, r"articles/[^/]+/index.html")
    arabic = [url for name, url in articles if article_lang(served_site, name) == "ar"]
    with reader_page(browser, 360, "light") as page:
        load(page, arabic[0])
        ratio = page.evaluate("() => { const s = getComputedStyle(document.querySelector('h1'));"
                              " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); }")
        assert 1.3 <= ratio <= 1.6, f"headline line-height {ratio:.2f}"
        body = page.evaluate("() => { const s = getComputedStyle(document.querySelector('.article-body p'));"
                             " return parseFloat(s.lineHeight) / parseFloat(s.fontSize); }")
        assert body > ratio
        load(page, served_site.url("feeds/"))  # Latin format names inside an Arabic page
        faces = page.evaluate("async () => { await document.fonts.ready; return [...document.fonts]"
                              ".filter(f => f.status === 'loaded').map(f => f.family.replace(/[\"']/g, '')); }")
        assert "Noto Serif" in faces and "Noto Naskh Arabic" in faces
        # One date on an edition page: in its title, not again in its meta line or items.
        edition = page_of(served_site, r"editions/\d{4}-\d\d-\d\d/index.html")[0][1]
        load(page, edition)
        title = page.locator("h1").inner_text()
        day = re.search(r"\d+ \D+ \d{4}", title)
        assert day, title
        assert page.locator("main").inner_text().count(day.group(0)) == 1
        # The source on every article that has one, in the lists too.
        for name, url in articles:
            html = (served_site.site_dir / name).read_text("utf-8")
            if '<dt>المصدر</dt>' in html or "<dt>Source</dt>" in html:
                load(page, url)
                assert page.locator(".article-meta").inner_text()


@ROOT_ONLY
@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_in_each_scheme(browser: Any, served_site: ServedSite, scheme: str) -> None:
    """axe-core (colour contrast included) on the reader's pages in both schemes, with the
    scripts' enhancements (toggle, copy buttons, filters) shown."""
    require(AXE.is_file(), f"axe-core not installed at {AXE}: npm ci --prefix tests/e2e")
    source = AXE.read_text(encoding="utf-8")
    problems = []
    context = browser.new_context(viewport={"width": 360, "height": HEIGHT}, color_scheme=scheme, bypass_csp=True)
    try:
        page = context.new_page()
        for label, url in reader_pages(served_site):
            load(page, url)
            page.evaluate(source)
            found = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})"
                                  ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
                                  " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})))")
            problems += [f"{label}: {v['id']} ({v['impact']}) at {v['nodes']}" for v in found
                         if v["impact"] in FAIL_IMPACTS or v["id"] == "color-contrast"]
    finally:
        context.close()
    assert not problems, "\n".join(problems)
