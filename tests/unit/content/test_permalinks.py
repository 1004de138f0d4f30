"""Placing articles: the permalink pattern, the suffix for a URL two articles want, and the
older URLs that redirect. URLs must not depend on the order files are read in, and an
article added later must never take an older one's URL."""

from __future__ import annotations

import hashlib
import random
from dataclasses import replace
from datetime import datetime

import pytest

from generator.content.articles import Checked, build_article
from generator.content.frontmatter import parse_article
from generator.content.permalinks import alias_path, place_articles, suffixed, suffixed_urls, url_key
from generator.core.config import BuildSettings, SiteConfig
from generator.core.model import RawArticle, Site, SourceFile
from generator.core.urls import DATED_PERMALINK
from generator.text.slugs import MAX_BYTES

UNDATED = SiteConfig(title="موجز", base_url="https://example.org/", timezone="Asia/Damascus")
DATED = replace(UNDATED, permalink=DATED_PERMALINK)


def checked(name: str, front: str, config: SiteConfig = DATED) -> Checked:
    raw = parse_article(SourceFile(f"content/articles/{name}.md", f"---\n{front}---\nنص.\n", "0"))
    assert isinstance(raw, RawArticle), raw
    result = build_article(raw, config)
    assert isinstance(result, Checked), [d.format() for d in result]
    return result


def urls(items: list[Checked], config: SiteConfig = DATED) -> dict[str, str]:
    placement = place_articles(items, config, [c.article.rel for c in items])
    assert placement.problems == (), [d.format() for d in placement.problems]
    return {a.rel.removeprefix("content/articles/").removesuffix(".md"): a.url_path
            for a in placement.apply(c.article for c in items)}


def tail(ident: str) -> str:
    return "-" + hashlib.sha256(ident.encode()).hexdigest()[:6]


# A daily column, an agency story printed by two papers, titles that differ only by tashkeel
# or punctuation (equal after slugging), and one that differs by a hamza (a different slug).
ARCHIVE = [
    ("column-1", "title: هذا اليوم في التاريخ\ndate: 2024-01-01T08:00\n"),
    ("column-2", "title: هذا اليوم في التاريخ\ndate: 2024-01-02T08:00\n"),
    ("agency-a", "title: الاقتصاد في صور\ndate: 2024-01-02T09:00\n"),
    ("agency-b", "title: الاقتصاد في صور\ndate: 2024-01-02T11:00\n"),
    ("vowels", "title: الاقْتِصادُ في صُوَر!\ndate: 2024-01-02T10:00\n"),
    ("hamza", "title: إقتصاد في صور\ndate: 2024-01-02T12:00\n"),
]


def test_the_dated_pattern_keeps_daily_columns_apart_without_a_suffix() -> None:
    placed = urls([checked(name, front) for name, front in ARCHIVE])
    assert placed["column-1"] == "2024/01/01/هذا-اليوم-في-التاريخ/"
    assert placed["column-2"] == "2024/01/02/هذا-اليوم-في-التاريخ/"


def test_the_earliest_keeps_the_url_and_the_others_get_a_suffix_from_their_id() -> None:
    placed = urls([checked(name, front) for name, front in ARCHIVE])
    assert placed["agency-a"] == "2024/01/02/الاقتصاد-في-صور/"
    assert placed["vowels"] == f"2024/01/02/الاقتصاد-في-صور{tail('vowels')}/", "equal after slugging"
    assert placed["agency-b"] == f"2024/01/02/الاقتصاد-في-صور{tail('agency-b')}/"
    assert placed["hamza"] == "2024/01/02/إقتصاد-في-صور/", "a hamza makes another slug, kept as written"


def test_the_undated_pattern_gives_every_repeat_of_a_column_a_suffix() -> None:
    items = [checked(f"day-{n}", f"title: فواصل\ndate: 2024-01-{n:02d}\n", UNDATED) for n in range(1, 6)]
    placed = urls(items, UNDATED)
    assert placed["day-1"] == "articles/فواصل/"
    assert [placed[f"day-{n}"] for n in range(2, 6)] == [f"articles/فواصل{tail(f'day-{n}')}/" for n in range(2, 6)]


def test_urls_do_not_depend_on_the_order_files_are_read_in() -> None:
    items = [checked(name, front) for name, front in ARCHIVE]
    items += [checked(f"day-{n}", f"title: فواصل\ndate: 2024-01-05T0{n}:00\n") for n in range(1, 8)]
    expected = urls(items)
    for seed in range(5):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert urls(shuffled) == expected


def test_a_newer_duplicate_never_renames_an_older_article() -> None:
    old = [checked("first", "title: خبر عاجل\ndate: 2024-03-01T10:00\n"),
           checked("second", "title: خبر عاجل\ndate: 2024-03-01T12:00\n")]
    before = urls(old)
    after = urls([*old, checked("third", "title: خبر عاجل\ndate: 2024-03-01T18:00\n")])
    assert {name: after[name] for name in before} == before
    assert after["third"] == f"2024/03/01/خبر-عاجل{tail('third')}/"


def test_same_date_ties_go_to_the_smaller_id() -> None:
    placed = urls([checked("b", "title: بيان\ndate: 2024-03-01\n"), checked("a", "title: بيان\ndate: 2024-03-01\n")])
    assert placed == {"a": "2024/03/01/بيان/", "b": f"2024/03/01/بيان{tail('b')}/"}


def test_the_day_is_the_sites_day() -> None:
    """23:30 in Damascus is already the next day in UTC: the URL has the Damascus day."""
    placed = urls([checked("late", "title: متأخر\ndate: 2024-03-01T23:30:00+03:00\n"),
                   checked("utc", "title: عالمي\ndate: 2024-03-01T22:30:00+00:00\n")])
    assert placed == {"late": "2024/03/01/متأخر/", "utc": "2024/03/02/عالمي/"}


def test_explicit_slugs_that_collide_are_errors_naming_both_files() -> None:
    items = [checked("a", "title: أ\nslug: قمة\ndate: 2024-03-01\n"),
             checked("b", "title: ب\ndate: 2024-03-01\nslug: قمة\n"),
             checked("c", "title: قمة\ndate: 2024-03-01\n")]
    problems = [d.format() for d in place_articles(items, DATED, []).problems]
    assert problems == [
        "content/articles/b.md:4:1: error[duplicate-slug]: URL `/2024/03/01/قمة/` is already used by "
        "content/articles/a.md; give one of them another `slug:`",
        "content/articles/c.md: error[duplicate-slug]: URL `/2024/03/01/قمة/` is already used by "
        "content/articles/a.md; give one of them another `slug:`",
    ]


def test_explicit_slugs_on_other_days_do_not_collide_under_the_dated_pattern() -> None:
    assert urls([checked("a", "title: أ\nslug: x\ndate: 2024-03-01\n"),
                 checked("b", "title: ب\nslug: x\ndate: 2024-03-02\n")]) == {"a": "2024/03/01/x/", "b": "2024/03/02/x/"}


def test_a_title_named_like_a_site_folder_gets_a_suffix_under_a_top_level_pattern() -> None:
    config = replace(UNDATED, permalink="/{slug}/")
    placed = urls([checked("feeds", "title: Feeds\ndate: 2024-03-01\n", config),
                   checked("news", "title: News\ndate: 2024-03-01\n", config)], config)
    assert placed == {"feeds": f"feeds{tail('feeds')}/", "news": "news/"}
    problems = place_articles([checked("x", "title: x\nslug: archive\ndate: 2024-03-01\n", config)], config).problems
    assert [d.code for d in problems] == ["duplicate-slug"]
    assert "folder the site makes for its own pages" in problems[0].message


def test_an_id_pattern_needs_no_suffix_and_checks_the_id() -> None:
    config = replace(UNDATED, permalink="/news/{year}/{id}/")
    assert urls([checked("2024-01-01-a", "title: س\ndate: 2024-01-01\n", config),
                 checked("2024-01-01-b", "title: س\ndate: 2024-01-01\n", config)], config) == {
        "2024-01-01-a": "news/2024/2024-01-01-a/", "2024-01-01-b": "news/2024/2024-01-01-b/"}
    raw = parse_article(SourceFile("content/articles/a.md", "---\ntitle: t\ndate: 2024-01-01\nid: con\n---\nنص\n", "0"))
    problems = build_article(raw, config)
    assert [d.format() for d in problems] == [
        "content/articles/a.md:4:1: error[frontmatter-id]: `id` is part of this digest's URLs (`permalink`), "
        "so `con` is a reserved file name on Windows"]


def test_a_suffix_is_stable_and_keeps_the_slug_within_its_byte_limit() -> None:
    assert suffixed("فواصل", "2024-01-02-fawasel") == "فواصل" + tail("2024-01-02-fawasel")
    long = "-".join(["كلمة"] * 22)  # 197 bytes: a suffix must cut it
    assert len(long.encode()) <= MAX_BYTES and len(suffixed(long, "x").encode()) <= MAX_BYTES


def test_notes_name_the_article_that_kept_the_url() -> None:
    items = [checked(name, front) for name, front in ARCHIVE]
    placement = place_articles(items, DATED, [c.article.rel for c in items])
    articles = tuple(placement.apply(c.article for c in items))
    site = Site(DATED, BuildSettings.of(DATED), articles, (), {}, datetime(2024, 1, 3).astimezone())
    kept = ("`/2024/01/02/الاقتصاد-في-صور/` is the URL of content/articles/agency-a.md, "
            "which came first (by date, then id)")
    assert suffixed_urls(site) == [
        f"content/articles/{name}.md: note[url-suffix]: published at "
        f"`/2024/01/02/الاقتصاد-في-صور{tail(name)}/`: {kept}" for name in ("agency-b", "vowels")]


# --- older URLs ---------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "path"), [
    ("/2024/01/02/old-title/", "2024/01/02/old-title/"),
    ("articles/old", "articles/old/"),
    ("/articles/%D9%82%D9%85%D8%A9/", "articles/قمة/"),
    ("/news/123.html", "news/123.html"),
    ("/news/old/index.html", "news/old/"),
])
def test_aliases_are_normalised_site_paths(written: str, path: str) -> None:
    assert alias_path(written) == (path, None)


@pytest.mark.parametrize(("written", "problem"), [
    ("https://example.org/a/", "not a full URL"),
    ("/a/?p=1", "without `?` or `#`"),
    ("/", "cannot be the home page"),
    ("/a/../b/", "`.` or `..`"),
    ("/a//b/", "must not be empty"),
    ("/a b/", "must not contain ' '"),
    ("/%2e%2e/etc/", "`.` or `..`"),
    ("/a/%2F/b/", "must not be empty"),
    ("/a\\b/", "must not contain '\\\\'"),
    ("/con/", "reserved file name"),
    ("/x/index.json", "a file the site writes itself"),
])
def test_bad_aliases_say_why(written: str, problem: str) -> None:
    path, found = alias_path(written)
    assert path == "" and found is not None and problem in found, found


def test_aliases_and_old_slugs_become_redirects_at_their_lines() -> None:
    item = checked("a", "title: العنوان الجديد\ndate: 2024-01-02\naliases:\n  - /articles/قديم/\n"
                        "  - /2024/01/02/العنوان-الجديد/\nold_slugs: [العنوان-القديم]\n")
    assert item.article.redirects == ("articles/قديم/", "2024/01/02/العنوان-القديم/"), "its own URL is left out"
    assert item.redirect_at == ((5, 5), (7, 13))


def test_an_alias_that_is_a_page_or_another_alias_is_an_error_at_its_line() -> None:
    items = [checked("a", "title: أ\ndate: 2024-01-02\naliases: [/2024/01/02/ب/, /old/]\n"),
             checked("b", "title: ب\ndate: 2024-01-02\n"),
             checked("c", "title: ج\ndate: 2024-01-02\naliases:\n  - /OLD/\n")]
    problems = [d.format() for d in place_articles(items, DATED, [c.article.rel for c in items]).problems]
    assert problems == [
        "content/articles/a.md:4:11: error[alias-taken]: older URL `/2024/01/02/ب/` is the URL of "
        "content/articles/b.md; a redirect cannot replace a page",
        "content/articles/c.md:5:5: error[alias-taken]: older URL `/OLD/` already leads to content/articles/a.md; "
        "one old URL can lead to one article only",
    ]


def test_the_url_key_folds_case_and_composition() -> None:
    assert url_key("articles/Cafe\u0301/") == url_key("articles/café/")
