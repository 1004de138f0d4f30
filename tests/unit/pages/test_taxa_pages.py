"""Source and topic pages, built in memory from the ``taxa`` fixture digest (an outlet
registry, topics in spelling variants, bylines, sources as names and as URLs only)."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site, site_feeds
from generator.core import parallel
from generator.core.model import SOURCE, TOPIC, Outlet
from generator.pages.taxa import outlet_ref, term_jobs
from generator.render.engine import make_context
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
FIXTURE = REPO / "tests" / "sites" / "taxa"
NOW = datetime.fromisoformat("2026-12-31T12:00:00+02:00")


def build(root: Path, workers: int = 1) -> dict[str, str]:
    site, problems = load_site(root, BuildOptions(now=NOW))
    assert problems == ()
    return {f.path: f.content.decode("utf-8") for f in render_site(site, find_theme(REPO), workers=workers)
            if not f.path.startswith("static/")}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return build(FIXTURE)


def main(page: str) -> str:
    return page[page.index("<main"):page.index("</main>")]


def test_the_sources_index_counts_with_cldr_plurals(files) -> None:
    index = main(files["sources/index.html"])
    assert '<h1 class="page-title">المصادر</h1>' in index
    rows = re.findall(r'<tr data-filter-item[^>]*>\s*<td>(<a [^>]*><bdi>[^<]*</bdi></a>)</td>\s*'
                      r'<td class="count">([^<]*)</td>', index)
    assert rows == [
        ('<a href="/taxa/sources/reuters/"><bdi>رويترز</bdi></a>', "مقالان"),
        ('<a href="/taxa/sources/%D9%88%D9%83%D8%A7%D9%84%D8%A9-%D8%A7%D9%84%D8%A3%D9%86%D8%A8%D8%A7%D8%A1-'
         '%D8%A7%D9%84%D9%85%D8%AD%D9%84%D9%8A%D8%A9/"><bdi>وكالة الأنباء المحلية</bdi></a>', "مقالان"),
        ('<a href="/taxa/sources/independent-blog-example-com/" lang="und"><bdi>independent-blog.example.com'
         '</bdi></a>', "مقال"),
        ('<a href="/taxa/sources/enab-baladi/"><bdi>عنب بلدي</bdi></a>', "مقال"),
    ]


def test_a_registered_outlet_page(files) -> None:
    page = files["sources/reuters/index.html"]
    body = main(page)
    assert '<h1 class="page-title">رويترز</h1>' in body
    assert '<p class="actor-meta">المصدر · مقالان</p>' in body
    assert '<p class="actor-description">وكالة أنباء دولية.</p>' in body
    assert '<dd lang="en" dir="ltr">Reuters</dd>' in body
    assert '<a href="https://www.reuters.com/" dir="ltr" rel="noopener noreferrer">' in body
    for name in ("atom.xml", "rss.xml", "feed.json"):  # its own feeds, for autodiscovery
        assert f'href="/taxa/sources/reuters/{name}"' in page
    assert body.index("تقرير قديم عن عودة اللاجئين") < body.index("رويترز: تراجع")  # newest first


def test_topics_group_spellings_and_paginate(files) -> None:
    index = main(files["topics/index.html"])
    assert re.search(r'<bdi>أخبار</bdi></a></td>\s*<td class="count">4 مقالات</td>', index)
    assert index.count("<tr data-filter-item") == 8
    newest, older = files["topics/أخبار/index.html"], files["topics/أخبار/page/1/index.html"]
    assert '<p class="actor-meta">موضوع · 4 مقالات</p>' in newest
    assert '<p class="actor-meta">موضوع</p>' in older  # the count is on the newest page only
    assert 'rel="next" href="/taxa/topics/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/page/1/"' in newest
    assert "topics/أخبار/page/2/index.html" not in files
    # Two topics wanting `u-s`: the older keeps it.
    assert '<h1 class="page-title" lang="en" dir="ltr">U.S.</h1>' in files["topics/u-s/index.html"]
    assert '<h1 class="page-title" lang="en" dir="ltr">U S</h1>' in files["topics/u-s-72205b/index.html"]


def test_an_article_links_its_topics_and_its_outlet(files) -> None:
    page = main(files["articles/رويترز-تراجع-سعر-صرف-الليرة-في-الأسواق/index.html"])
    topics = page[page.index('<h2 class="topics-heading">الموضوعات</h2>'):]
    assert '<a href="/taxa/topics/%D8%A7%D9%82%D8%AA%D8%B5%D8%A7%D8%AF/" rel="tag"><bdi>اقتصاد</bdi></a>' in topics
    # The language on the name itself: a topic of unknown language has dir="auto", which the
    # link would compute from its text, and the <bdi> around the text hides it from that rule.
    assert '<a href="/taxa/topics/economy/" rel="tag"><bdi lang="en" dir="ltr">Economy</bdi></a>' in topics
    assert '<a class="source-page" href="/taxa/sources/reuters/">المزيد من هذا المصدر</a>' in page
    assert "<dt>الكاتب</dt><dd><bdi>سامر خليل</bdi></dd>" in page
    # A source given as a URL only shows its outlet's name.
    old = main(files["articles/تقرير-قديم-عن-عودة-اللاجئين/index.html"])
    assert '<bdi>رويترز</bdi></a> · <a class="source-page" href="/taxa/sources/reuters/">' in old


def test_the_header_and_feeds_page_name_them(files) -> None:
    assert '<a href="/taxa/sources/">المصادر</a>' in files["index.html"]
    assert '<a href="/taxa/topics/">الموضوعات</a>' in files["index.html"]
    feeds = files["feeds/index.html"]
    sources = feeds[feeds.index('id="feeds-source"'):feeds.index('id="feeds-topic"')]
    assert '<a href="/taxa/sources/reuters/"><bdi>رويترز</bdi></a>' in sources
    topics = feeds[feeds.index('id="feeds-topic"'):]
    assert '<a href="/taxa/topics/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/"><bdi>أخبار</bdi></a>' in topics
    assert "/taxa/topics/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/atom.xml" in feeds


def test_a_digest_without_sources_or_topics_has_no_such_pages(tmp_path: Path) -> None:
    root = tmp_path / "digest"
    shutil.copytree(FIXTURE, root)
    shutil.rmtree(root / "content" / "articles")
    (root / "content" / "articles").mkdir()
    (root / "content" / "articles" / "a.md").write_text("---\ntitle: خبر\ndate: 2026-03-01\n---\n\nنص.\n", "utf-8")
    files = build(root)
    assert not [path for path in files if path.startswith(("sources/", "topics/"))]
    assert "/taxa/sources/" not in files["index.html"] and "/taxa/topics/" not in files["index.html"]


def test_an_outlet_is_named_in_the_page_language_when_it_can_be() -> None:
    outlet = Outlet(id="afp", slug="afp", names={"fr": "AFP", "ar": "فرانس برس"})
    assert outlet_ref(outlet, "ar", "/d/") == outlet_ref(outlet, "ar", "/d/")
    ref = outlet_ref(outlet, "ar", "/d/")
    assert (ref.name, ref.lang, ref.dir, ref.url, ref.kind) == ("فرانس برس", "ar", "rtl", "/d/sources/afp/", "source")
    ref = outlet_ref(outlet, "en", "/d/")
    assert (ref.name, ref.lang, ref.dir) == ("AFP", "fr", "ltr")
    host = outlet_ref(Outlet(id="x", slug="x", names={"und": "x.example"}), "ar", "/")
    assert (host.lang, host.dir) == ("und", "auto")


def test_outlet_and_topic_pages_made_on_worker_processes_are_the_same(files, monkeypatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # a small digest is otherwise done in-process
    assert build(FIXTURE, workers=2) == files


def test_every_outlet_and_topic_is_one_job_the_busiest_first() -> None:
    site, _ = load_site(FIXTURE, BuildOptions(now=NOW))
    jobs = term_jobs(make_context(site, find_theme(REPO), site_feeds(site)))
    taxa = site.taxa
    assert sorted(jobs) == sorted([*((SOURCE, i) for i in range(len(taxa.outlets))),
                                   *((TOPIC, i) for i in range(len(taxa.topics)))])
    sizes = [len(taxa.by_outlet[taxa.outlets[i].id] if kind == SOURCE else taxa.by_topic[taxa.topics[i].id])
             for kind, i in jobs]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
