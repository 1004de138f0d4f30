"""Actor pages, built in memory from a copy of the sample digest."""

from __future__ import annotations

import re
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.pages.actors import count_text
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
NOW = datetime.fromisoformat("2026-12-31T12:00:00+03:00")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    """The sample with one page per article and an old slug for the coalition."""
    root = tmp_path_factory.mktemp("digest")
    shutil.copytree(REPO / "content", root / "content")
    config = (REPO / "mawjaz.toml").read_text("utf-8")
    (root / "mawjaz.toml").write_text(
        "\n".join("items_per_page = 1" if line.startswith("items_per_page") else line
                  for line in config.splitlines()) + "\n", "utf-8")
    registry = root / "content" / "actors.yaml"
    registry.write_text(registry.read_text("utf-8").replace(
        "  slug: syrian-coalition\n", "  slug: syrian-coalition\n  old_slugs: [etilaf]\n"), "utf-8")
    site, problems = load_site(root, BuildOptions(now=NOW))
    assert problems == ()
    rendered = render_site(site, find_theme(REPO))
    return {f.path: f.content.decode("utf-8") for f in rendered if f.path.endswith(".html")}


def test_every_actor_has_a_page(files) -> None:
    for actor_id in ("syrian-coalition", "abdurrahman-mustafa", "us-state-department",
                     "richard-outzen", "united-states", "france", "francois-senemaud",
                     "un-security-council", "russia", "iran", "turkey", "assad-regime",
                     "constitutional-committee"):
        assert f"actors/{actor_id}/index.html" in files


def test_index_groups_by_kind_with_counts(files) -> None:
    index = files["actors/index.html"]
    kinds = ["أشخاص", "منظمات وهيئات", "دول", "حكومات ومؤسسات رسمية"]
    positions = [index.index(f'">{k} <span class="actor-count">') for k in kinds]
    assert positions == sorted(positions)
    rows = dict(table_rows(index))
    assert rows["روسيا"] == "مقال" and rows["فرنسا"] == "مقالان"  # name and count in their own cells
    assert 'data-name="فرنسا" data-count="2"' in index  # what the sort script orders by


def table_rows(page: str) -> list[tuple[str, str]]:
    """(name, count text) of each row of an index table."""
    return re.findall(r'<tr data-filter-item[^>]*>\s*<td><a [^>]*><bdi>([^<]*)</bdi></a></td>\s*'
                      r'<td class="count">([^<]*)</td>', page)


def test_actor_page_names_months_pagination_and_co_actors(files) -> None:
    page = files["actors/france/index.html"]
    assert '<dd lang="en" dir="ltr">France</dd>' in page
    assert "https://www.wikidata.org/wiki/Q142" in page
    assert "يظهر غالباً مع" in page
    assert '<h2>تشرين الثاني 2026</h2>' in page  # the sample uses Levantine month names
    assert 'rel="next" href="/mawjaz/actors/france/page/1/"' in page
    second = files["actors/france/page/1/index.html"]
    assert 'rel="prev" href="/mawjaz/actors/france/"' in second
    assert "يظهر غالباً مع" not in second
    assert "مقالان" in page and "مقالان" not in second  # the count is on the newest page only
    assert 'type="application/atom+xml"' in page  # the actor's own feed, for autodiscovery


def test_newest_first(files) -> None:
    first, second = files["actors/france/index.html"], files["actors/france/page/1/index.html"]
    assert "أهم مجريات" in first  # 29 November
    assert "Syrian opposition coalition meets" in second  # 28 November


def test_old_slug_redirects(files) -> None:
    page = files["actors/etilaf/index.html"]
    assert '<meta http-equiv="refresh" content="0; url=/mawjaz/actors/syrian-coalition/">' in page
    assert '<link rel="canonical" href="https://example.org/mawjaz/actors/syrian-coalition/">' in page


def test_seed_article_lists_every_actor(files) -> None:
    # (the English article mentions the title too, in its related articles)
    (path,) = [p for p in files if p.startswith("articles/")
               and '<h1 class="page-title">أهم مجريات' in files[p] and p.count("/") == 2]
    assert files[path].count('href="/mawjaz/actors/') >= 13


@pytest.mark.parametrize(("n", "lang", "expected"), [
    (0, "ar", "لا مقالات"), (1, "ar", "مقال"), (2, "ar", "مقالان"), (3, "ar", "3 مقالات"),
    (10, "ar", "10 مقالات"), (11, "ar", "11 مقالًا"), (99, "ar", "99 مقالًا"),
    (100, "ar", "100 مقال"), (103, "ar", "103 مقالات"), (1, "en", "1 article"),
    (2, "en", "2 articles"),
])
def test_count_text(n: int, lang: str, expected: str) -> None:
    assert count_text(n, lang, "latn") == expected


def test_count_text_arabic_digits() -> None:
    assert count_text(5, "ar", "arab") == "٥ مقالات"
