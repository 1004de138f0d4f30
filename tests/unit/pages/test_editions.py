"""Editions: grouping by local day or ISO week, curator notes and their diagnostics, pages,
and the editions feed (read back with feedparser)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

import feedparser
import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.content.editions import (
    actor_groups,
    edition_day,
    group_editions,
    load_notes,
    ordered,
    site_editions,
)
from generator.core.config import BuildSettings, SiteConfig, load_config
from generator.core.diagnostics import BuildFailed
from generator.core.model import Actor, Article, Site
from generator.feeds.editions import edition_feed_outputs
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[3]
DAMASCUS = ZoneInfo("Asia/Damascus")  # UTC+3 all year since 2022
NOW = datetime(2026, 12, 31, tzinfo=UTC)


def art(slug: str, when: datetime, actors: tuple[str, ...] = (), **kw) -> Article:
    return Article(rel=f"content/articles/{slug}.md", id=slug, slug=slug, title=f"عنوان {slug}",
                   date=when, lang=kw.pop("lang", "ar"), body="<p>نص</p>".encode(), summary="ملخص",
                   actors=actors, **kw)


# --- grouping -----------------------------------------------------------------------------

def test_a_late_evening_article_belongs_to_its_local_day_not_the_utc_one() -> None:
    late = datetime(2026, 11, 28, 23, 30, tzinfo=DAMASCUS)  # 20:30 UTC, same day
    after_midnight = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)  # 00:30 on the 29th in Damascus
    assert edition_day(late, DAMASCUS, "daily") == date(2026, 11, 28)
    assert edition_day(after_midnight, DAMASCUS, "daily") == date(2026, 11, 29)
    assert edition_day(after_midnight, ZoneInfo("UTC"), "daily") == date(2026, 11, 28)


@pytest.mark.parametrize(("local", "day"), [
    ("2026-11-28T23:59:59", "2026-11-28"),
    ("2026-11-29T00:00:00", "2026-11-29"),
    ("2026-11-29T00:00:01", "2026-11-29"),
])
def test_midnight_boundaries(local: str, day: str) -> None:
    when = datetime.fromisoformat(local).replace(tzinfo=DAMASCUS)
    # The same instant written in another offset lands on the same local day.
    assert edition_day(when.astimezone(timezone(timedelta(hours=-5))), DAMASCUS, "daily").isoformat() == day


def test_weekly_editions_are_named_after_their_monday() -> None:
    sunday_night = datetime(2026, 11, 29, 23, 0, tzinfo=DAMASCUS)  # ISO week 48
    monday_early = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # Monday 01:30 in Damascus: week 49
    assert edition_day(sunday_night, DAMASCUS, "weekly") == date(2026, 11, 23)
    assert edition_day(monday_early, DAMASCUS, "weekly") == date(2026, 11, 30)


def test_group_editions_newest_first_and_none_gives_nothing() -> None:
    a = art("a", datetime(2026, 11, 27, 9, tzinfo=DAMASCUS))
    b = art("b", datetime(2026, 11, 29, 9, tzinfo=DAMASCUS))
    c = art("c", datetime(2026, 11, 29, 11, tzinfo=DAMASCUS))
    editions = group_editions([a, b, c], DAMASCUS, "daily")
    assert [e.key for e in editions] == ["2026-11-29", "2026-11-27"]
    assert [x.id for x in editions[0].articles] == ["c", "b"]
    assert editions[0].url_path == "editions/2026-11-29/"
    assert group_editions([a, b, c], DAMASCUS, "none") == ()
    assert [e.key for e in group_editions([a, b, c], DAMASCUS, "weekly")] == ["2026-11-23"]


def test_actor_groups_first_actor_bigger_groups_first_other_last() -> None:
    un = Actor(id="un", slug="un", kind="organisation", names=MappingProxyType({"ar": "الأمم المتحدة"}))
    eu = Actor(id="eu", slug="eu", kind="organisation", names=MappingProxyType({"ar": "الاتحاد الأوروبي"}))
    when = datetime(2026, 11, 29, 9, tzinfo=DAMASCUS)
    items = [art("1", when, ("eu", "un")), art("2", when, ()), art("3", when, ("un",)),
             art("4", when, ("ghost", "un")), art("5", when, ("ghost",))]
    config = SiteConfig(title="t", base_url="https://e.org/")
    site = Site(config=config, settings=BuildSettings.of(config), articles=tuple(items),
                actors=(un, eu), by_actor={}, build_date=when)
    groups = [(a.id if a else None, [x.id for x in xs]) for a, xs in actor_groups(items, site)]
    assert groups == [("un", ["3", "4"]), ("eu", ["1"]), (None, ["2", "5"])]


# --- notes --------------------------------------------------------------------------------

def digest(tmp_path: Path, notes: dict[str, str], editions: str = "daily") -> Path:
    (tmp_path / "content" / "articles").mkdir(parents=True)
    (tmp_path / "content" / "editions").mkdir()
    (tmp_path / "mawjaz.toml").write_text(
        f'title = "موجز"\nbase_url = "https://example.org/"\ntimezone = "Asia/Damascus"\n'
        f'editions = "{editions}"\nitems_per_page = 1\n', "utf-8")
    for slug, when in (("first", "2026-11-29T09:00:00+03:00"), ("second", "2026-11-29T11:00:00+03:00"),
                       ("late", "2026-11-28T23:30:00+03:00")):
        (tmp_path / "content" / "articles" / f"{slug}.md").write_text(
            f"---\ntitle: مقال {slug}\ndate: {when}\nid: {slug}\nslug: {slug}\n---\n\nنص المقال.\n", "utf-8")
    for name, text in notes.items():
        (tmp_path / "content" / "editions" / name).write_text(text, "utf-8")
    return tmp_path


def build(root: Path) -> tuple[Site, dict[str, bytes], tuple]:
    site, problems = load_site(root, BuildOptions(now=NOW))
    files = {f.path: f.content for f in render_site(site, find_theme(REPO))}
    return site, files, problems


def test_note_title_order_and_body(tmp_path: Path) -> None:
    root = digest(tmp_path, {"2026-11-29.md": "---\ntitle: عدد خاص\norder:\n  - first\n---\n\nكلمة **المحرر**.\n"})
    site, files, problems = build(root)
    assert problems == ()
    note = site.notes["2026-11-29"]
    assert note.title == "عدد خاص" and note.order == ("first",)
    page = files["editions/2026-11-29/index.html"].decode()
    assert "<h1 class=\"page-title\">عدد خاص</h1>" in page
    assert "<strong>المحرر</strong>" in page
    assert page.index("مقال first") < page.index("مقال second")  # the curator's order wins
    default = ordered(next(e for e in site_editions(site) if e.key == "2026-11-29"), None)
    assert [a.id for a in default] == ["second", "first"]


def test_note_without_front_matter_is_all_body(tmp_path: Path) -> None:
    root = digest(tmp_path, {"2026-11-28.md": "ملاحظة قصيرة.\n"})
    _site, files, problems = build(root)
    assert problems == ()
    assert "ملاحظة قصيرة." in files["editions/2026-11-28/index.html"].decode()
    assert "عدد السبت" in files["editions/2026-11-28/index.html"].decode()


def test_note_diagnostics_point_at_their_lines(tmp_path: Path) -> None:
    root = digest(tmp_path, {
        "2026-11-29.md": "---\ntitel: خطأ\norder:\n  - first\n  - nothere\n  - first\n---\nنص\n",
        "2026-11-27.md": "لا مقالات في هذا اليوم\n",
        "29-11-2026.md": "اسم خاطئ\n",
    })
    _config, _notes, problems = _load(root)
    found = {(d.path, d.line, d.severity, d.code) for d in problems}
    assert ("content/editions/2026-11-29.md", 2, "error", "edition-unknown-key") in found
    assert ("content/editions/2026-11-27.md", 0, "warning", "edition-empty") in found
    assert ("content/editions/29-11-2026.md", 0, "error", "edition-note-name") in found
    message = next(d.message for d in problems if d.code == "edition-unknown-key")
    assert "did you mean `title`" in message


def test_order_warnings(tmp_path: Path) -> None:
    root = digest(tmp_path, {"2026-11-29.md": "---\norder:\n  - first\n  - nothere\n  - FIRST\n---\n"})
    _config, _notes, problems = _load(root)
    assert [(d.line, d.code) for d in problems] == [(4, "edition-order-unknown"), (5, "edition-order-repeated")]
    assert all(d.severity == "warning" for d in problems)


def test_wrong_types_are_errors(tmp_path: Path) -> None:
    root = digest(tmp_path, {"2026-11-29.md": "---\ntitle: [a, b]\norder: first\n---\n"})
    _config, _notes, problems = _load(root)
    assert [(d.line, d.code) for d in problems] == [(2, "edition-type"), (3, "edition-type")]


def test_weekly_note_must_be_named_after_monday(tmp_path: Path) -> None:
    root = digest(tmp_path, {"2026-11-29.md": "نص\n"}, editions="weekly")
    _config, _notes, problems = _load(root)
    assert [(d.code, d.severity) for d in problems] == [("edition-note-week", "error")]
    assert "2026-11-23.md" in problems[0].message


def _load(root: Path):
    """Notes checked against fixed articles, without the rest of the build."""
    config = load_config(root / "mawjaz.toml")
    articles = [art("first", datetime(2026, 11, 29, 9, tzinfo=DAMASCUS)),
                art("second", datetime(2026, 11, 29, 11, tzinfo=DAMASCUS)),
                art("late", datetime(2026, 11, 28, 23, 30, tzinfo=DAMASCUS))]
    notes, problems = load_notes(root, config, articles)
    return config, notes, sorted(problems)


def test_a_note_error_fails_the_build(tmp_path: Path) -> None:
    root = digest(tmp_path, {"2026-11-29.md": "---\ncolour: red\n---\n"})
    with pytest.raises(BuildFailed) as caught:
        load_site(root, BuildOptions(now=NOW))
    assert any(d.code == "edition-unknown-key" and d.line == 2 for d in caught.value.diagnostics)


# --- pages and feed -----------------------------------------------------------------------

def test_pages_index_pagination_and_home(tmp_path: Path) -> None:
    _site, files, _ = build(digest(tmp_path, {}))
    assert {"editions/index.html", "editions/page/1/index.html", "editions/2026-11-29/index.html",
            "editions/2026-11-28/index.html"} <= set(files)
    index = files["editions/index.html"].decode()
    assert 'href="/editions/2026-11-29/"' in index and "2026-11-28" not in index  # one per page
    home = files["index.html"].decode()
    assert 'id="front-heading" class="front-heading"><a href="/editions/2026-11-29/">' in home
    assert 'href="/feeds/editions/atom.xml"' in home  # autodiscovery
    assert 'href="/feeds/editions/atom.xml"' in files["feeds/index.html"].decode()
    late = files["editions/2026-11-28/index.html"].decode()
    assert "مقال late" in late and "مقال first" not in late


def test_editions_none_produces_nothing(tmp_path: Path) -> None:
    _site, files, _ = build(digest(tmp_path, {}, editions="none"))
    assert not any(p.startswith(("editions/", "feeds/editions/")) for p in files)
    assert "العدد الأخير" not in files["index.html"].decode()
    assert "/editions/" not in files["index.html"].decode()


def test_weekly_pages(tmp_path: Path) -> None:
    _site, files, _ = build(digest(tmp_path, {}, editions="weekly"))
    page = files["editions/2026-11-23/index.html"].decode()
    assert "عدد الأسبوع من الاثنين" in page
    assert page.count('class="entry"') == 3


def test_editions_feed_parses_one_entry_per_edition(tmp_path: Path) -> None:
    site, files, _ = build(digest(tmp_path, {"2026-11-29.md": "---\ntitle: عدد خاص\n---\nكلمة اليوم.\n"}))
    for name in ("atom.xml", "rss.xml"):
        parsed = feedparser.parse(files[f"feeds/editions/{name}"])
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))
        assert [e.title for e in parsed.entries] == ["عدد خاص", "عدد السبت، 28 نوفمبر 2026"]
        first = parsed.entries[0]
        assert first.id == "tag:example.org,2026-11-29:editions/daily/2026-11-29"
        assert first.link == "https://example.org/editions/2026-11-29/"
        content = first.content[0].value if "content" in first else first.summary
        assert "كلمة اليوم." in content
        assert 'href="https://example.org/articles/first/"' in content and "مقال second" in content
    feed = json.loads(files["feeds/editions/feed.json"])
    assert [i["id"] for i in feed["items"]] == [
        "tag:example.org,2026-11-29:editions/daily/2026-11-29",
        "tag:example.org,2026-11-28:editions/daily/2026-11-28"]
    assert "كلمة اليوم." in feed["items"][0]["content_html"]
    again = {f.path: f.content for f in edition_feed_outputs(site)}
    assert again == {p: c for p, c in files.items() if p.startswith("feeds/editions/")}


def test_a_note_too_deep_for_the_converter_is_a_diagnostic(tmp_path: Path) -> None:
    """A pathological note body is reported at the body's first line, never a traceback."""
    from generator.content.editions import load_notes
    from generator.core.model import Article

    notes = tmp_path / "content" / "editions"
    notes.mkdir(parents=True)
    (notes / "2026-11-27.md").write_text("---\ntitle: ملاحظة\n---\n" + "[" * 200_000 + "\n", "utf-8")
    config = SiteConfig(title="t", base_url="https://example.org/", timezone="Asia/Damascus")
    article = Article(rel="a.md", id="a", slug="a", title="t", lang="ar", body=b"", summary="",
                      date=datetime(2026, 11, 27, 10, tzinfo=config.tz))
    _, problems = load_notes(tmp_path, config, [article])
    assert [(p.path, p.line, p.code) for p in problems] == [("content/editions/2026-11-27.md", 4, "body-markdown")]
