"""Dates: parsing front-matter values and formatting them for readers.

Formatting uses CLDR data through Babel, never the machine's locale, so a build is the same
everywhere. Arabic has three month-name traditions (يناير، كانون الثاني، يناير/جانفي/نونبر in
the Maghreb), chosen per site; digits are Latin or Arabic-Indic by site setting (Babel's Arabic
locales emit Latin digits, so we map them ourselves).
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time

# Dates a digest can hold. Python's datetime ends at years 1 and 9999, and a build moves every
# date: to UTC, to the site's zone (offsets up to a day), to the start of its week, a day on
# for feed windows. Near either end that overflows, so dates are kept well inside; no news
# digest needs a day before the year 1000 or after 9998.
MIN_YEAR = 1000
MAX_YEAR = 9998

MONTH_LOCALES = MappingProxyType({"standard": "ar", "levantine": "ar_SY", "maghrebi": "ar_MA"})
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def localise_digits(text: str, digits: str) -> str:
    return text.translate(_ARABIC_DIGITS) if digits == "arab" else text


def babel_locale(lang: str, month_names: str) -> str:
    primary = lang.split("-")[0].lower()
    if primary == "ar":
        return MONTH_LOCALES.get(month_names, "ar")
    return primary


@lru_cache(maxsize=64)
def _locale(lang: str, month_names: str) -> Locale:
    """Babel's locale, parsed once: Babel parses a locale name again on every call, which
    was most of the cost of dating the thousand editions of a large digest."""
    return Locale.parse(babel_locale(lang, month_names))


def format_day(when: datetime, lang: str, month_names: str = "standard",
               digits: str = "latn") -> str:
    """``الجمعة، 27 نوفمبر 2026`` / ``Friday, November 27, 2026``."""
    return _format_day(when.date(), lang, month_names, digits)


@lru_cache(maxsize=4096)
def _format_day(day: date, lang: str, month_names: str, digits: str) -> str:
    # Babel is slow per call and a digest shows the same few hundred days on many pages.
    text = format_date(day, "full", locale=_locale(lang, month_names))
    return localise_digits(text, digits) if lang.startswith("ar") else text


def format_month(when: datetime | date, lang: str, month_names: str = "standard",
                 digits: str = "latn") -> str:
    """``نوفمبر 2026``, for month groups and archives."""
    day = when.date() if isinstance(when, datetime) else when
    return _format_month(day.replace(day=1), lang, month_names, digits)


@lru_cache(maxsize=1024)
def _format_month(day: date, lang: str, month_names: str, digits: str) -> str:
    text = format_date(day, "LLLL y", locale=_locale(lang, month_names))
    return localise_digits(text, digits) if lang.startswith("ar") else text


def format_clock(when: datetime, lang: str, digits: str = "latn") -> str:
    """``3:45 م`` / ``3:45 PM``: the time of day beside an item of a day's list, whose
    date its heading already gives."""
    return _format_clock(when.time().replace(second=0, microsecond=0, tzinfo=None), lang, digits)


@lru_cache(maxsize=2048)
def _format_clock(moment: time, lang: str, digits: str) -> str:
    text = format_time(moment, "short", locale=_locale(lang, "standard"))
    return localise_digits(text, digits) if lang.startswith("ar") else text


def numbering_system(lang: str, digits: str) -> str:
    """The digits numbers take on a page in ``lang`` (a CLDR numbering system): the site's
    ``digits`` on Arabic pages, Latin elsewhere. The search page hands it to the browser's
    ``Intl.NumberFormat`` so that counts made there match the ones made here."""
    return digits if lang.startswith("ar") else "latn"


def format_number(value: int, lang: str, digits: str = "latn") -> str:
    return localise_digits(str(value), numbering_system(lang, digits))


# Arabic-Indic (U+0660-0669) and Extended Arabic-Indic, i.e. Persian and Urdu (U+06F0-06F9),
# digits as ASCII: a curator typing on an Arabic or Persian keyboard writes ٢٠٢٦-١١-٢٩.
_TO_ASCII_DIGITS = MappingProxyType(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2))


def ascii_digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits written as ASCII digits."""
    return text.translate(_TO_ASCII_DIGITS)


def parse_when(value: object, tz: ZoneInfo) -> datetime | str:
    """An aware datetime from a YAML value, or a message saying what is wrong.

    A date alone means midnight in the site's time zone; a time without offset is also read
    in the site's zone, because that is where the curator works.
    """
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, date):
        when = datetime.combine(value, time())
    elif isinstance(value, str):
        text = ascii_digits(value.strip())
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError as exc:
            return f"`{text}` is not a valid ISO 8601 date ({_reason(exc)})"
    else:
        return f"expected an ISO 8601 date such as 2026-11-27, not {type(value).__name__}"
    problem = out_of_range(when)
    if problem:
        return problem
    return when if when.tzinfo else when.replace(tzinfo=tz)


def out_of_range(when: date) -> str | None:
    """Why ``when`` is too close to the ends of the calendar to be used, or None."""
    if MIN_YEAR <= when.year <= MAX_YEAR:
        return None
    return (f"`{when.isoformat()}` is outside the years {MIN_YEAR} to {MAX_YEAR} that a digest "
            "can show and group dates in")


def _reason(exc: ValueError) -> str:
    message = str(exc)
    if "Invalid isoformat" in message:
        return "use YYYY-MM-DD, optionally followed by THH:MM and an offset"
    return message
