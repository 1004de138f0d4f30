"""Actor timelines and ``actors/<slug>/index.json``, from a copy of the sample digest."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.core.config import BuildSettings, SiteConfig
from generator.core.model import Article, Site
from generator.pages.actor_data import month_counts, timeline
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
NOW = datetime.fromisoformat("2026-12-31T12:00:00+03:00")


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("digest")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mawjaz.toml", root / "mawjaz.toml")
    site, _ = load_site(root, BuildOptions(now=NOW))
    return {f.path: f.content for f in render_site(site, find_theme(REPO))}


def test_json_shape(files) -> None:
    data = json.loads(files["actors/france/index.json"])
    assert list(data) == ["version", "actor", "count", "months", "articles", "co_actors"]
    assert data["version"] == 1
    assert data["actor"] == {"id": "france", "slug": "france", "kind": "state",
                             "names": data["actor"]["names"],
                             "url": "https://example.org/mawjaz/actors/france/"}
    assert data["actor"]["names"]["ar"] == "فرنسا"
    assert data["count"] == len(data["articles"]) == 2
    assert data["months"] == [{"month": "2026-11", "count": 2}]
    for article in data["articles"]:
        assert set(article) == {"id", "title", "url", "date", "lang"}
        assert article["url"].startswith("https://example.org/mawjaz/articles/")
        datetime.fromisoformat(article["date"])
    assert [a["lang"] for a in data["articles"]] == ["ar", "en"]  # newest first
    assert data["co_actors"], "France shares articles with other actors"
    for other in data["co_actors"]:
        assert set(other) == {"id", "slug", "name", "url", "count"}
        assert other["id"] != "france" and other["count"] >= 1
    counts = [o["count"] for o in data["co_actors"]]
    assert counts == sorted(counts, reverse=True)


def test_every_actor_has_json(files) -> None:
    pages = {p.removesuffix("index.html") for p in files if p.startswith("actors/")
             and p.endswith("/index.html") and p.count("/") == 2}
    for folder in pages:
        assert folder + "index.json" in files


def test_timeline_on_the_actor_page(files) -> None:
    page = files["actors/france/index.html"].decode()
    assert "المقالات حسب الشهر" in page
    assert '<span class="tl-month">تشرين الثاني 2026</span>' in page
    assert 'class="tl-bar tl-10" aria-hidden="true"' in page
    assert 'href="/mawjaz/actors/france/index.json"' in page


TZ = timezone(timedelta(hours=3))


def _site(dates: list[datetime]) -> tuple[Site, list[Article]]:
    articles = [Article(rel=f"{i}.md", id=str(i), slug=str(i), title="t", date=d, lang="ar",
                        body=b"", summary="") for i, d in enumerate(dates)]
    config = SiteConfig(title="t", base_url="https://e.org/", timezone="Asia/Damascus")
    return Site(config=config, settings=BuildSettings.of(config), articles=tuple(articles), actors=(),
                by_actor=MappingProxyType({}), build_date=dates[0]), articles


def test_months_in_local_time_with_gaps_and_levels() -> None:
    site, articles = _site([datetime(2026, 8, 31, 22, 30, tzinfo=UTC),  # 1 Sep in Damascus
                            datetime(2026, 9, 5, tzinfo=TZ), datetime(2026, 11, 2, tzinfo=TZ),
                            datetime(2026, 9, 20, tzinfo=TZ), datetime(2026, 9, 21, tzinfo=TZ)])
    assert month_counts(site, articles) == (("2026-09", 4), ("2026-10", 0), ("2026-11", 1))
    levels = [m.level for m in timeline(site, articles)]
    assert levels == [10, 0, 2]


def test_long_spans_keep_only_months_with_articles() -> None:
    site, articles = _site([datetime(2020, 1, 5, tzinfo=TZ), datetime(2026, 1, 5, tzinfo=TZ)])
    assert month_counts(site, articles) == (("2020-01", 1), ("2026-01", 1))
