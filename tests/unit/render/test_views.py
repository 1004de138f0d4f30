"""What templates see: read-only views, already in the page's language, direction, dates
and digits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from types import MappingProxyType

import pytest
from markupsafe import Markup

from generator.core.config import BuildSettings, SiteConfig
from generator.core.model import Actor, Article, Site, frozen_map, html_bytes
from generator.core.urls import absolute
from generator.render.views import Link, actor_ref, article_view, site_view

# 23:30 UTC on the 27th is already the 28th in Damascus (UTC+3).
LATE = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)

PERSON = Actor(id="p", slug="p", kind="person", names=MappingProxyType({"ar": "أحمد", "en": "Ahmad"}))
ARABIC_ONLY = Actor(id="q", slug="q", kind="org", names=MappingProxyType({"ar": "الهيئة"}))


def article(lang: str = "ar", **changes: object) -> Article:
    base = Article(rel=f"content/articles/{lang}.md", id=f"id-{lang}", slug=f"s-{lang}", title="عنوان",
                   date=LATE, lang=lang, body=html_bytes("<p>نص &amp; <b>غامق</b></p>"), summary="نص",
                   actors=("p", "q"), source_digest="abc")
    return dataclasses.replace(base, **changes)


def site(**settings: object) -> Site:
    config = SiteConfig(title="موجز", base_url="https://example.org/digest/", language="ar",
                        timezone="Asia/Damascus", **settings)
    return Site(config=config, settings=BuildSettings.of(config), articles=(), actors=(PERSON, ARABIC_ONLY),
                by_actor=frozen_map(),
                build_date=LATE)


def test_views_are_read_only() -> None:
    view = article_view(article(), site(), "ar")
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        site_view(site()).title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.actors[0].name = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Link("t", "/u").url = "/v"  # type: ignore[misc]
    assert isinstance(view.actors, tuple)  # no list a template could append to


def test_the_body_is_markup_and_everything_else_plain_text() -> None:
    view = article_view(article(), site(), "ar")
    assert isinstance(view.body, Markup) and view.body == "<p>نص &amp; <b>غامق</b></p>"
    assert not isinstance(view.title, Markup)  # escaped by autoescape when shown


def test_an_english_article_in_an_arabic_site_keeps_its_own_language() -> None:
    view = article_view(article("en", title="A title"), site(), "ar")
    assert (view.lang, view.dir, view.foreign) == ("en", "ltr", True)
    assert view.date_text == "Saturday, November 28, 2026"  # its own language, the site's zone
    assert view.month_text == "نوفمبر 2026"  # month groups follow the page they are on
    # actor names in the article's language where there is one, marked with their own
    assert [(a.name, a.lang, a.dir) for a in view.actors] == [("Ahmad", "en", "ltr"), ("الهيئة", "ar", "rtl")]


def test_an_arabic_article_on_an_arabic_page() -> None:
    view = article_view(article("ar"), site(), "ar")
    assert (view.lang, view.dir, view.foreign) == ("ar", "rtl", False)
    assert view.date_text == "السبت، 28 نوفمبر 2026"
    assert [(a.name, a.dir) for a in view.actors] == [("أحمد", "rtl"), ("الهيئة", "rtl")]


def test_a_regional_language_tag_is_not_foreign_to_its_language() -> None:
    assert not article_view(article("ar-SY"), site(), "ar").foreign
    assert article_view(article("ar"), site(), "en").foreign


def test_dates_follow_the_digit_and_month_settings() -> None:
    view = article_view(article("ar"), site(digits="arab", month_names="levantine"), "ar")
    assert view.date_text == "السبت، ٢٨ تشرين الثاني ٢٠٢٦"
    assert view.month_text == "تشرين الثاني ٢٠٢٦"
    english = article_view(article("en"), site(digits="arab", month_names="levantine"), "ar")
    assert english.date_text == "Saturday, November 28, 2026"  # Arabic-Indic digits are for Arabic text


def test_maghrebi_month_names() -> None:
    view = article_view(article("ar"), site(month_names="maghrebi"), "ar")
    assert view.date_text == "السبت، 28 نونبر 2026"


def test_published_and_updated_dates_are_shown_in_the_site_zone() -> None:
    view = article_view(article(published=LATE, updated=None), site(), "ar")
    assert view.published_iso == LATE.isoformat() and view.published_text == "السبت، 28 نوفمبر 2026"
    assert (view.updated_iso, view.updated_text) == ("", "")


def test_urls_are_under_the_base_path() -> None:
    view = article_view(article(slug="خبر"), site(), "ar")
    assert view.url == "/digest/articles/%D8%AE%D8%A8%D8%B1/"
    assert view.abs_url == "https://example.org/digest/articles/%D8%AE%D8%A8%D8%B1/"
    assert view.actors[0].url == "/digest/actors/p/"
    s = site_view(site())
    assert (s.home, s.stylesheet, s.dir, s.has_actors) == ("/digest/", "/digest/static/css/mawjaz.css", "rtl", True)


@pytest.mark.parametrize("base_url", ["https://example.org/", "https://example.org/digest/",
                                      "https://example.org/%D9%85%D9%88%D8%AC%D8%B2/",
                                      "https://example.org/موجز/", "https://example.org/a b/"])
@pytest.mark.parametrize("path", ["", "articles/./x/", "أخبار/اليوم/"])
def test_the_absolute_url_is_the_one_links_spell_whatever_the_base(base_url: str, path: str) -> None:
    """A view keeps its absolute URL as the site's origin and its root-relative URL, or whole
    when the base URL's path is not written as links write it (unencoded)."""
    config = SiteConfig(title="موجز", base_url="https://example.org/", language="ar", timezone="Asia/Damascus")
    here = Site(config=config, settings=BuildSettings(base_url=base_url, search=False), articles=(),
                actors=(PERSON,), by_actor=frozen_map(), build_date=LATE)
    shown = article(slug="خبر", path=path)
    view = article_view(shown, here, "ar")
    assert view.abs_url == absolute(base_url, shown.url_path)
    plain = base_url.isascii() and " " not in base_url and "./" not in path  # no urljoin, no encoding
    assert view.abs_whole == ("" if plain else view.abs_url)


def test_an_actor_missing_from_the_registry_is_left_out() -> None:
    view = article_view(article(actors=("p", "gone")), site(), "ar")
    assert [a.id for a in view.actors] == ["p"]


def test_a_view_spells_what_it_is_made_from_not_its_body() -> None:
    """Page keys hash views by ``repr``: it must change with the article and the page
    language, and stay short (no body)."""
    one = article_view(article(), site(), "ar")
    assert repr(one) == repr(article_view(article(), site(), "ar"))
    assert repr(one) != repr(article_view(article(), site(), "en"))
    assert repr(one) != repr(article_view(article(source_digest="other"), site(), "ar"))
    assert repr(one) != repr(article_view(article(actors=("p",)), site(), "ar"))
    assert repr(one) != repr(article_view(article(scheduled=True), site(), "ar"))
    assert "نص" not in repr(one)


def test_actor_ref_falls_back_to_any_name() -> None:
    ref = actor_ref(ARABIC_ONLY, "fr", "/")
    assert (ref.name, ref.lang, ref.dir, ref.url) == ("الهيئة", "ar", "rtl", "/actors/q/")


def test_a_byline_is_plain_text_and_absent_by_default() -> None:
    assert article_view(article(byline="سلمى <الأحمد>"), site(), "ar").byline == "سلمى <الأحمد>"
    assert article_view(article(), site(), "ar").byline == ""
