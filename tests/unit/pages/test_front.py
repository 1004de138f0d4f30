"""The front page as data (``pages.site.front_view``) and as HTML: the latest edition or day
with a lead item and briefs carrying their time of day, then earlier days; the site's name once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.pages.site import front_view
from generator.render.engine import make_context
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
NOW = datetime.fromisoformat("2026-12-31T12:00:00+03:00")
ARTICLES = {
    "a": ("2026-11-29T09:15:00+03:00", "ar", "خبر الصباح"),
    "b": ("2026-11-29T18:40:00+03:00", "en", "Evening news"),
    "c": ("2026-11-28T11:00:00+03:00", "ar", "خبر الأمس"),
}


def digest(root: Path, editions: str) -> Path:
    (root / "mawjaz.toml").write_text(f'title = "موجز"\nbase_url = "https://example.org/"\n'
                                      f'timezone = "Asia/Damascus"\neditions = "{editions}"\n'
                                      'search = false\ndigits = "arab"\n', "utf-8")
    folder = root / "content" / "articles"
    folder.mkdir(parents=True)
    for name, (date, lang, title) in ARTICLES.items():
        source = "source: {name: وكالة الأنباء}\n" if name == "a" else ""
        (folder / f"{name}.md").write_text(f"---\ntitle: {title}\ndate: {date}\nlang: {lang}\n{source}---\nنص.\n",
                                           "utf-8")
    return root


@pytest.mark.parametrize("editions", ["none", "daily"])
def test_latest_day_first_then_earlier_days(tmp_path: Path, editions: str) -> None:
    site, problems = load_site(digest(tmp_path, editions), BuildOptions(now=NOW))
    assert problems == ()
    front = front_view(make_context(site, find_theme(REPO)), site.articles)
    assert front.lead is not None and [v.title for v in (front.lead, *front.briefs)] == ["Evening news", "خبر الصباح"]
    assert front.count_text == "مقالان"
    # Each in its language (CLDR puts a narrow space before PM).
    assert front.briefs[0].time_text == "٩:١٥ ص" and front.lead.time_text == "6:40\u202fPM"
    assert [(d.date_iso, [v.title for v in d.articles]) for d in front.earlier] == [("2026-11-28", ["خبر الأمس"])]
    assert front.date_text == ""  # the title already says the day
    assert "٢٩" in front.title
    assert front.url == ("/editions/2026-11-29/" if editions == "daily" else "")


def test_the_front_page_shows_the_name_once_and_each_source(tmp_path: Path) -> None:
    site, _ = load_site(digest(tmp_path, "daily"), BuildOptions(now=NOW))
    home = next(f for f in render_site(site, find_theme(REPO)) if f.path == "index.html").content.decode()
    body = home[home.index("<body"):]
    assert body.count(">موجز<") == 1 and '<h1 class="site-title"><a href="/">موجز</a></h1>' in body
    assert '<span class="entry-source"><bdi>وكالة الأنباء</bdi></span>' in body
    assert '<time class="entry-time" datetime="2026-11-29T09:15:00+03:00"><bdi>٩:١٥ ص</bdi></time>' in body
    assert body.index('id="front-heading"') < body.index('id="day-2026-11-28"')
