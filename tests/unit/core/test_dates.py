"""Dates from CLDR (Babel), never the machine's locale: month styles, digits, zones, midnight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

from generator.core.config import BuildSettings, SiteConfig
from generator.core.dates import (
    babel_locale,
    format_day,
    format_month,
    format_number,
    localise_digits,
    numbering_system,
    parse_when,
)
from generator.core.model import Article, Site
from generator.render.views import article_view

DAMASCUS = ZoneInfo("Asia/Damascus")
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=DAMASCUS)


@pytest.mark.parametrize(("month_names", "digits", "day", "month"), [
    ("standard", "latn", "الجمعة، 27 نوفمبر 2026", "نوفمبر 2026"),
    ("standard", "arab", "الجمعة، ٢٧ نوفمبر ٢٠٢٦", "نوفمبر ٢٠٢٦"),
    ("levantine", "latn", "الجمعة، 27 تشرين الثاني 2026", "تشرين الثاني 2026"),
    ("levantine", "arab", "الجمعة، ٢٧ تشرين الثاني ٢٠٢٦", "تشرين الثاني ٢٠٢٦"),
    ("maghrebi", "latn", "الجمعة، 27 نونبر 2026", "نونبر 2026"),
])
def test_arabic_full_date(month_names, digits, day, month):
    assert format_day(FRIDAY, "ar", month_names, digits) == day
    assert format_month(FRIDAY, "ar", month_names, digits) == month


@pytest.mark.parametrize(("when", "levantine"), [
    (date(2026, 1, 5), "كانون الثاني"),
    (date(2026, 4, 5), "نيسان"),
    (date(2026, 6, 5), "حزيران"),
    (date(2026, 10, 5), "تشرين الأول"),
    (date(2026, 12, 5), "كانون الأول"),
])
def test_levantine_month_names(when, levantine):
    assert format_month(when, "ar", "levantine") == f"{levantine} 2026"


def test_the_default_is_standard_months_and_latin_digits():
    assert format_day(FRIDAY, "ar") == "الجمعة، 27 نوفمبر 2026"


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "Friday, November 27, 2026"),
    ("en-GB", "Friday, November 27, 2026"),
    ("fr", "vendredi 27 novembre 2026"),
])
def test_other_languages_use_their_own_cldr_form(lang, text):
    assert format_day(FRIDAY, lang) == text


def test_arabic_digits_apply_to_arabic_only():
    assert format_day(FRIDAY, "en", digits="arab") == "Friday, November 27, 2026"
    assert format_month(FRIDAY, "en", digits="arab") == "November 2026"
    assert format_number(27, "ar", "arab") == "٢٧"
    assert format_number(2026, "en", "arab") == "2026"
    assert format_number(27, "ar", "latn") == "27"
    # what the search page hands the browser's Intl.NumberFormat for the counts it makes
    assert [numbering_system(lang, "arab") for lang in ("ar", "ar-SY", "en")] == ["arab", "arab", "latn"]
    assert numbering_system("ar", "latn") == "latn"


def test_localise_digits():
    assert localise_digits("0123456789 - 27", "arab") == "٠١٢٣٤٥٦٧٨٩ - ٢٧"
    assert localise_digits("27", "latn") == "27"


@pytest.mark.parametrize(("lang", "months", "locale"), [
    ("ar", "standard", "ar"), ("ar", "levantine", "ar_SY"), ("ar-EG", "maghrebi", "ar_MA"),
    ("AR", "levantine", "ar_SY"), ("en", "levantine", "en"), ("fr-CA", "standard", "fr"),
])
def test_babel_locale(lang, months, locale):
    assert babel_locale(lang, months) == locale


def test_output_does_not_depend_on_the_process_locale():
    import locale

    before = format_day(FRIDAY, "ar", "levantine", "arab")
    saved = locale.setlocale(locale.LC_ALL)
    try:
        for name in ("C.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8", "C"):
            try:
                locale.setlocale(locale.LC_ALL, name)
            except locale.Error:
                continue
            assert format_day(FRIDAY, "ar", "levantine", "arab") == before
    finally:
        locale.setlocale(locale.LC_ALL, saved)


@pytest.mark.parametrize(("value", "expected"), [
    (date(2026, 11, 27), datetime(2026, 11, 27, tzinfo=DAMASCUS)),
    (datetime(2026, 11, 27, 23, 30), datetime(2026, 11, 27, 23, 30, tzinfo=DAMASCUS)),
    ("2026-11-27", datetime(2026, 11, 27, tzinfo=DAMASCUS)),
    ("2026-11-27T23:59:59", datetime(2026, 11, 27, 23, 59, 59, tzinfo=DAMASCUS)),
    ("2026-11-27 10:00", datetime(2026, 11, 27, 10, tzinfo=DAMASCUS)),
    (" 2026-11-27 ", datetime(2026, 11, 27, tzinfo=DAMASCUS)),
    ("2026-11-27T10:00:00Z", datetime(2026, 11, 27, 10, tzinfo=UTC)),
    ("2026-11-27T10:00+02:00", datetime(2026, 11, 27, 10, tzinfo=timezone(timedelta(hours=2)))),
])
def test_parse_when_without_offset_takes_the_site_zone(value, expected):
    when = parse_when(value, DAMASCUS)
    assert when == expected
    assert when.tzinfo is not None
    assert when.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("value", ["٢٠٢٦-١١-٢٧", "۲۰۲۶-۱۱-۲۷", "٢٠٢٦-11-٢٧"])
def test_arabic_indic_and_persian_digits_are_read(value):
    """What an Arabic or Persian keyboard types (U+0660-0669, U+06F0-06F9) is a date too."""
    assert parse_when(value, DAMASCUS) == datetime(2026, 11, 27, tzinfo=DAMASCUS)
    assert parse_when(f"{value}T١٨:٣٠:٠٠+٠٣:٠٠", DAMASCUS) == datetime(2026, 11, 27, 15, 30, tzinfo=UTC)


def test_parse_when_keeps_an_explicit_offset():
    aware = datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert parse_when(aware, DAMASCUS) is aware


@pytest.mark.parametrize(("value", "message"), [
    ("2026-02-30", "`2026-02-30` is not a valid ISO 8601 date (day is out of range for month)"),
    ("27/11/2026", "`27/11/2026` is not a valid ISO 8601 date "
     "(use YYYY-MM-DD, optionally followed by THH:MM and an offset)"),
    ("٢٠٢٦-١١-٣٢", "`2026-11-32` is not a valid ISO 8601 date (day is out of range for month)"),
    (20261127, "expected an ISO 8601 date such as 2026-11-27, not int"),
    (True, "expected an ISO 8601 date such as 2026-11-27, not bool"),
    (None, "expected an ISO 8601 date such as 2026-11-27, not NoneType"),
])
def test_parse_when_explains_what_is_wrong(value, message):
    assert parse_when(value, DAMASCUS) == message


def _site(timezone_name: str = "Asia/Damascus") -> tuple[SiteConfig, Site]:
    config = SiteConfig(title="موجز", base_url="https://example.org/", timezone=timezone_name)
    site = Site(config=config, settings=BuildSettings.of(config), articles=(), actors=(), by_actor=MappingProxyType({}),
                build_date=FRIDAY)
    return config, site


def _article(when: datetime, lang: str = "ar") -> Article:
    return Article(rel="a.md", id="a", slug="a", title="t", date=when, lang=lang,
                   body=b"", summary="")


@pytest.mark.parametrize(("when", "shown"), [
    # Midnight in the site's zone is the start of that day, not the evening before.
    (parse_when("2026-11-27", DAMASCUS), "الجمعة، 27 نوفمبر 2026"),
    (parse_when("2026-11-27T23:59:59", DAMASCUS), "الجمعة، 27 نوفمبر 2026"),
    # 22:30 UTC on Thursday is already Friday 01:30 in Damascus (UTC+3).
    (parse_when("2026-11-26T22:30:00Z", DAMASCUS), "الجمعة، 27 نوفمبر 2026"),
    # 02:00 on Saturday in Tokyo is still Friday evening in Damascus.
    (parse_when("2026-11-28T02:00:00+09:00", DAMASCUS), "الجمعة، 27 نوفمبر 2026"),
    (parse_when("2026-11-26T20:59:59Z", DAMASCUS), "الخميس، 26 نوفمبر 2026"),
])
def test_pages_show_the_day_in_the_site_zone(when, shown):
    _, site = _site()
    view = article_view(_article(when), site, "ar")
    assert view.date_text == shown
    assert view.date_iso == when.isoformat()


def test_pages_show_english_dates_for_english_articles():
    _, site = _site()
    view = article_view(_article(FRIDAY, "en"), site, "ar")
    assert view.date_text == "Friday, November 27, 2026"
