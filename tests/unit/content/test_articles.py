"""Article validation: every front-matter field, each problem at its line, all reported at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from generator.content.articles import Checked, build_article
from generator.content.frontmatter import parse_article
from generator.core.config import SiteConfig
from generator.core.model import Article, RawArticle, Source, SourceFile

DAMASCUS = ZoneInfo("Asia/Damascus")
CONFIG = SiteConfig(title="موجز", base_url="https://example.org/", timezone="Asia/Damascus")
REL = "content/articles/2026/summit-item.md"


def raw(front: str, body: str = "نص الخبر.\n", rel: str = REL) -> RawArticle:
    parsed = parse_article(SourceFile(rel, f"---\n{front}---\n{body}", "0"))
    assert isinstance(parsed, RawArticle), parsed
    return parsed


def ok(front: str, body: str = "نص الخبر.\n", config: SiteConfig = CONFIG, rel: str = REL) -> Article:
    result = build_article(raw(front, body, rel), config)
    assert isinstance(result, Checked), [d.format() for d in result]
    return result.article


def errors(front: str, body: str = "نص.\n", config: SiteConfig = CONFIG) -> list[str]:
    result = build_article(raw(front, body), config)
    assert not isinstance(result, Checked), result
    return sorted(d.format() for d in result)


BASE = "title: قمة طارئة\ndate: 2026-11-27\n"


def test_minimal_article_gets_its_defaults():
    article = ok(BASE, "أول فقرة **مهمة**.\n\nفقرة ثانية.\n")
    assert article.rel == REL
    assert article.title == "قمة طارئة"
    assert article.date == datetime(2026, 11, 27, tzinfo=DAMASCUS)
    assert article.lang == "ar" and article.dir == "rtl"
    assert article.id == "summit-item"  # the file stem
    assert article.slug == "قمة-طارئة"  # from the title, unicode policy
    assert article.url_path == "articles/قمة-طارئة/"
    assert article.summary == "أول فقرة مهمة."  # the first paragraph, as plain text
    assert article.body_html == "<p>أول فقرة <strong>مهمة</strong>.</p>\n<p>فقرة ثانية.</p>"
    assert (article.published, article.updated, article.source) == (None, None, None)
    assert (article.actors, article.draft) == ((), False)


def test_all_fields():
    article = ok(
        "title: '  Summit   in Rio '\n"
        "date: 2026-11-27T10:00:00+02:00\n"
        "published: 2026-11-26T22:00\n"
        "updated: 2026-11-28\n"
        "lang: en-GB\n"
        "actors: [الأمم المتحدة, ' فيروز  ', الأمم المتحدة]\n"
        "source: {name: Reuters, url: 'https://www.reuters.com/x'}\n"
        "summary: ملخص يدوي\n"
        "slug: rio-summit\n"
        "draft: true\n"
        "id: 2026.rio_summit-1\n")
    assert article.title == "Summit in Rio"  # whitespace collapsed
    assert article.date == datetime(2026, 11, 27, 10, tzinfo=timezone(timedelta(hours=2)))
    assert article.published == datetime(2026, 11, 26, 22, tzinfo=DAMASCUS)
    assert article.updated == datetime(2026, 11, 28, tzinfo=DAMASCUS)
    assert (article.lang, article.dir) == ("en-GB", "ltr")
    assert article.actors == ("الأمم المتحدة", "فيروز")  # kept as given, duplicates dropped
    assert article.source == Source("Reuters", "https://www.reuters.com/x")
    assert article.summary == "ملخص يدوي"
    assert (article.slug, article.draft, article.id) == ("rio-summit", True, "2026.rio_summit-1")


def test_actor_lines_point_at_each_item():
    result = build_article(raw(BASE + "actors:\n  - أ\n  - ب\n"), CONFIG)
    assert isinstance(result, Checked)
    assert result.actor_lines == (5, 6)


def test_unknown_key_with_line_and_did_you_mean():
    assert errors(BASE + "sumary: x\nweather: [a]\n") == [
        f"{REL}:4:1: error[frontmatter-unknown-key]: unknown front-matter key `sumary` "
        "(did you mean `summary`?)",
        f"{REL}:5:1: error[frontmatter-unknown-key]: unknown front-matter key `weather`",
    ]


@pytest.mark.parametrize(("front", "missing"), [
    ("date: 2026-11-27\n", "title"),
    ("title: x\n", "date"),
    ("title:\ndate: 2026-11-27\n", "title"),
    ("title: x\ndate:\n", "date"),
])
def test_missing_title_or_date(front, missing):
    assert errors(front) == [
        f"{REL}: error[frontmatter-missing-key]: `{missing}` is required in the front matter",
    ]


def test_empty_title():
    assert errors("title: '  '\ndate: 2026-11-27\n") == [
        f"{REL}:2:1: error[frontmatter-empty]: `title` must not be empty",
    ]


@pytest.mark.parametrize(("value", "reason"), [
    ("2026-02-30", "day is out of range for month"),
    ("2026-13-01", "month must be in 1..12"),
    ("'27/11/2026'", "use YYYY-MM-DD, optionally followed by THH:MM and an offset"),
    ("tomorrow", "use YYYY-MM-DD, optionally followed by THH:MM and an offset"),
])
def test_impossible_or_unreadable_date(value, reason):
    shown = value.strip("'")
    assert errors(f"title: x\ndate: {value}\n") == [
        f"{REL}:3:1: error[frontmatter-date]: `date`: `{shown}` is not a valid ISO 8601 date "
        f"({reason})",
    ]


def test_date_of_wrong_type():
    assert errors("title: x\ndate: [2026]\n") == [
        f"{REL}:3:1: error[frontmatter-date]: `date`: expected an ISO 8601 date such as "
        "2026-11-27, not list",
    ]


@pytest.mark.parametrize(("when", "expected"), [
    ("2026-11-27", datetime(2026, 11, 27, tzinfo=DAMASCUS)),
    ("2026-11-27T23:30:00", datetime(2026, 11, 27, 23, 30, tzinfo=DAMASCUS)),
    ("'2026-11-27T23:30'", datetime(2026, 11, 27, 23, 30, tzinfo=DAMASCUS)),
    ("2026-11-27T20:30:00Z", datetime(2026, 11, 27, 20, 30, tzinfo=UTC)),
    ("2026-11-27T10:00:00+05:30",
     datetime(2026, 11, 27, 10, tzinfo=timezone(timedelta(hours=5, minutes=30)))),
])
def test_a_date_without_offset_takes_the_site_zone(when, expected):
    date = ok(f"title: x\ndate: {when}\n").date
    assert date == expected
    assert date.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(("lang", "ok_"), [
    ("ar", True), ("en", True), ("en-GB", True), ("ar-SY", True), ("zh-Hant-TW", True),
    ("fil", True), ("arabic", False), ("e", False), ("ar_SY", False), ("عربي", False),
    ("en-", False),
])
def test_lang_must_be_a_language_tag(lang, ok_):
    front = f"title: x\ndate: 2026-11-27\nlang: '{lang}'\n"
    if ok_:
        assert ok(front).lang == lang
    else:
        assert errors(front) == [
            f"{REL}:4:1: error[frontmatter-lang]: `lang` must be a language tag such as `ar` or "
            f"`en`, not `{lang}`",
        ]


def test_english_article_in_an_arabic_digest_is_ltr():
    article = ok(BASE + "lang: en\n")
    assert (article.lang, article.dir) == ("en", "ltr")


@pytest.mark.parametrize(("value", "source"), [
    ("Reuters", Source("Reuters", None)),
    ("https://www.bbc.co.uk/news/x", Source("www.bbc.co.uk", "https://www.bbc.co.uk/news/x")),
    ("{name: عنب بلدي}", Source("عنب بلدي", None)),
    ("{url: 'https://enabbaladi.net/1'}", Source("enabbaladi.net", "https://enabbaladi.net/1")),
    ("{name: SANA, url: 'http://sana.sy/x'}", Source("SANA", "http://sana.sy/x")),
    ("{}", None),
])
def test_source_forms(value, source):
    assert ok(BASE + f"source: {value}\n").source == source


def test_source_problems():
    assert errors(BASE + "source:\n  name: R\n  link: x\n  url: 'ftp://x'\n") == [
        f"{REL}:6:3: error[frontmatter-unknown-key]: unknown key `source.link`",
        f"{REL}:7:3: error[frontmatter-url]: `source.url` must be an http(s) URL, not `ftp://x`",
    ]
    # A URL the parser cannot split (an unclosed IPv6 bracket) is a diagnostic, not a crash.
    assert errors(BASE + "source: 'https://[::1/'\n") == [
        f"{REL}:4:1: error[frontmatter-url]: `source.url` must be an http(s) URL, not `https://[::1/`"]


@pytest.mark.parametrize("value", ["5", "[a, b]", "true"])
def test_source_of_wrong_type(value):
    assert errors(BASE + f"source: {value}\n") == [
        f"{REL}:4:1: error[frontmatter-type]: `source` must be a name, a URL, or `name:` and `url:`",
    ]


def test_explicit_slug_wins_over_the_title():
    assert ok(BASE + "slug: قمة-ريو\n").slug == "قمة-ريو"


@pytest.mark.parametrize(("title", "policy", "slug"), [
    ("مُحَمَّد في دمشق", "unicode", "محمد-في-دمشق"),
    ("محمـــد", "unicode", "محمد"),
    ("'Summit: What’s Next?'", "unicode", "summit-what-s-next"),
    ("الأمم المتحدة", "ascii", "lmm-lmthd"),
])
def test_slug_from_title_follows_the_policy(title, policy, slug):
    config = replace(CONFIG, slug_policy=policy)
    assert ok(f"title: {title}\ndate: 2026-11-27\n", config=config).slug == slug


@pytest.mark.parametrize(("slug", "message"), [
    ("a/b", "a slug must not contain '/' (use letters, digits and `-`)"),
    ("'..'", "a slug must not be empty, `.` or `..`"),
    ("''", "a slug must not be empty, `.` or `..`"),
    ("CON", "`CON` is a reserved file name on Windows"),
    ("'a b'", "a slug must not contain ' ' (use letters, digits and `-`)"),
    ("'x#y'", "a slug must not contain '#' (use letters, digits and `-`)"),
])
def test_unsafe_explicit_slug(slug, message):
    assert errors(BASE + f"slug: {slug}\n") == [f"{REL}:4:1: error[frontmatter-slug]: {message}"]


@pytest.mark.parametrize(("value", "draft"), [("true", True), ("false", False)])
def test_draft_flag(value, draft):
    assert ok(BASE + f"draft: {value}\n").draft is draft


@pytest.mark.parametrize(("value", "kind"), [("'yes'", "str"), ("1", "int"), ("[true]", "a list")])
def test_draft_must_be_a_boolean(value, kind):
    assert errors(BASE + f"draft: {value}\n") == [
        f"{REL}:4:1: error[frontmatter-type]: `draft` must be true or false, not {kind}",
    ]


LIST_HINT = "; in YAML, a value in `[ ]` or on `- ` lines is a list and one in `{ }` a mapping: put the text in quotes"


@pytest.mark.parametrize(("front", "message"), [
    ("title: [a]\ndate: 2026-11-27\n", "2:1: error[frontmatter-type]: `title` must be text, not a list" + LIST_HINT),
    (BASE + "summary: {a: 1}\n", "4:1: error[frontmatter-type]: `summary` must be text, not a mapping" + LIST_HINT),
    (BASE + "actors: [1, 2]\n", "4:1: error[frontmatter-type]: `actors` must be a list of names"),
    (BASE + "actors: {a: 1}\n", "4:1: error[frontmatter-type]: `actors` must be a list of names"),
    (BASE + "actors: ['']\n", "4:1: error[frontmatter-type]: `actors` must be a list of names"),
    (BASE + "id: 'a b'\n", "4:1: error[frontmatter-id]: `id` may hold letters, digits, `-`, `_` and `.` only"),
    (BASE + "id: a/b\n", "4:1: error[frontmatter-id]: `id` may hold letters, digits, `-`, `_` and `.` only"),
])
def test_wrong_types(front, message):
    assert errors(front) == [f"{REL}:{message}"]


def test_byline_and_topics():
    article = ok(BASE + "byline: ' سلمى   الأحمد '\ntopics: [سوريا, Economy, سوريا]\n")
    assert article.byline == "سلمى الأحمد"  # whitespace collapsed, as titles are
    assert article.topics == ("سوريا", "Economy")  # kept as given, duplicates dropped
    assert ok(BASE + "topics: اقتصاد\n").topics == ("اقتصاد",)
    assert (ok(BASE).byline, ok(BASE).topics) == ("", ())


def test_tags_are_another_name_for_topics():
    assert ok(BASE + "tags: [اقتصاد, Syria]\n").topics == ("اقتصاد", "Syria")
    # Both: topics first, then tags, each spelling once (grouping spellings is the build's).
    assert ok(BASE + "topics: [أخبار, Syria]\ntags: [Syria, اخبار]\n").topics == ("أخبار", "Syria", "اخبار")


def test_topics_are_nfc():
    decomposed = "Cafe\u0301"
    assert ok(BASE + f"topics: [{decomposed}, Café]\n").topics == ("Café",)


def test_a_control_character_in_a_topic_is_an_error():
    assert errors(BASE + 'tags: ["a\\x07b"]\n') == [
        f"{REL}:4:1: error[frontmatter-control]: `tags` contains the control character U+0007; remove it"]


@pytest.mark.parametrize(("front", "message"), [
    ("byline: [a, b]\n", "`byline` must be text, not a list" + LIST_HINT),
    ("byline:\n  - a\n", "`byline` must be text, not a list" + LIST_HINT),
    ("topics: {a: 1}\n", "`topics` must be a list of names"),
    ("topics: [1]\n", "`topics` must be a list of names"),
    ("tags: {a: 1}\n", "`tags` must be a list of names"),
])
def test_byline_and_topics_of_wrong_type(front, message):
    assert errors(BASE + front) == [f"{REL}:4:1: error[frontmatter-type]: {message}"]


def test_a_single_actor_name_is_a_list_of_one():
    assert ok(BASE + "actors: فيروز\n").actors == ("فيروز",)


def test_every_problem_is_reported_at_once():
    assert errors("titel: x\ndate: 2026-02-30\nlang: arabic\ndraft: 'no'\nslug: a/b\n") == [
        f"{REL}: error[frontmatter-missing-key]: `title` is required in the front matter",
        f"{REL}:2:1: error[frontmatter-unknown-key]: unknown front-matter key `titel` "
        "(did you mean `title`?)",
        f"{REL}:3:1: error[frontmatter-date]: `date`: `2026-02-30` is not a valid ISO 8601 date "
        "(day is out of range for month)",
        f"{REL}:4:1: error[frontmatter-lang]: `lang` must be a language tag such as `ar` or `en`, "
        "not `arabic`",
        f"{REL}:5:1: error[frontmatter-type]: `draft` must be true or false, not str",
        f"{REL}:6:1: error[frontmatter-slug]: a slug must not contain '/' (use letters, digits and `-`)",
    ]


def test_summary_is_cut_at_a_word_boundary():
    body = " ".join(["كلمة"] * 120) + "\n"
    summary = ok(BASE, body).summary
    assert summary.endswith("…")
    assert len(summary) <= 301
    assert "كلم…" not in summary


def test_summary_skips_headings_and_leaves_footnotes_out():
    article = ok(BASE, "## عنوان فرعي\n\nالفقرة الأولى[^1].\n\n[^1]: حاشية طويلة\n")
    assert article.summary == "الفقرة الأولى."


def test_id_from_the_file_stem_survives_a_title_change():
    first = ok(BASE, rel="content/articles/2026-11-27-summit.md")
    second = ok("title: عنوان آخر\ndate: 2026-11-27\n", rel="content/articles/2026-11-27-summit.md")
    assert first.id == second.id == "2026-11-27-summit"
    assert first.slug != second.slug


def test_body_is_sanitised_and_boilerplate_removed():
    article = ok(BASE, "النص.\n\n<script>alert(1)</script>\n\nاترك تعليقاً\n")
    assert "<script" not in article.body_html
    assert "اترك تعليقاً" not in article.body_html
    assert article.removed_lines  # the cleaner says what it dropped, for --verbose


def test_an_article_pickles_whole_and_keeps_its_body_as_bytes() -> None:
    """The cache pickles articles; the body is UTF-8 bytes, so a rebuild loads it without
    decoding and CPython keeps no second, UTF-8 copy of a body it pickled."""
    import pickle
    from datetime import UTC, datetime

    from generator.core.model import Article, Source, html_bytes

    html = "<p>نص المقال \udc80</p>"
    article = Article("content/articles/a.md", "a", "a", "عنوان", datetime(2026, 1, 1, tzinfo=UTC), "ar",
                      html_bytes(html), "ملخص", actors=("x",), source=Source("مصدر", None),
                      removed_lines=("1: [lexicon] اترك تعليقاً",), source_digest="d")
    loaded = pickle.loads(pickle.dumps(article, protocol=5))
    assert loaded == article
    assert isinstance(loaded.body, bytes) and loaded.body_html == html


def test_older_urls_are_checked_at_their_lines():
    assert errors(BASE + "aliases:\n  - /ok/\n  - https://example.org/x/\nold_slugs: [a/b]\n") == [
        "content/articles/2026/summit-item.md:6:5: error[frontmatter-alias]: an alias is a path on this site, "
        "such as `/2024/01/02/old-title/`, not a full URL",
        "content/articles/2026/summit-item.md:7:13: error[frontmatter-alias]: `old_slugs`: a slug must not "
        "contain '/' (use letters, digits and `-`)",
    ]
    assert errors(BASE + "aliases: {a: b}\n") == [
        "content/articles/2026/summit-item.md:4:1: error[frontmatter-type]: `aliases` must be a list of "
        "paths such as `/2024/01/02/old-title/`"]


def test_older_urls_are_paths_below_the_site_root():
    article = ok(BASE + "aliases: /articles/قديم\nold_slugs: [قمة-قديمة, قمة-طارئة]\n")
    assert article.redirects == ("articles/قديم/", "articles/قمة-قديمة/"), "a slug that came back is left out"
    assert (article.path, article.slug_given) == ("articles/قمة-طارئة/", False)
    assert ok(BASE + "slug: summit\n").slug_given is True


def test_the_url_follows_the_digests_pattern_in_its_time_zone():
    dated = replace(CONFIG, permalink="/{year}/{month}/{day}/{slug}/")
    assert ok("title: قمة طارئة\ndate: 2026-11-27T23:30:00+00:00\n", config=dated).url_path == "2026/11/28/قمة-طارئة/"


def test_the_control_characters_looked_for_are_unicodes_cc() -> None:
    """``_CONTROL`` stands for a test of every character's category: it must find exactly
    the characters of general category Cc."""
    import unicodedata

    from generator.content.articles import _CONTROL

    found = [code for code in range(0x110000) if _CONTROL.fullmatch(chr(code))]
    assert found == [code for code in range(0x110000) if unicodedata.category(chr(code)) == "Cc"]
