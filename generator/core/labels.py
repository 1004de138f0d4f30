"""Interface wording of the default theme, per language.

Kept as data so a theme can use ``labels.<key>`` and a new language is one more table. The
language of the page picks the table; English is the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from generator.core.model import frozen_map

_AR = frozen_map({
    "skip": "انتقل إلى المحتوى",
    "home": "الرئيسية",
    "archive": "الأرشيف",
    "actors": "الفاعلون",
    "feeds": "الخلاصات",
    "latest": "أحدث الأخبار",
    "source": "المصدر",
    "published": "نُشر في المصدر",
    "added": "أضيف إلى الموجز",
    "updated": "حُدّث",
    "about": "عن",
    "page_number": "الصفحة {n}",
    "page_latest": "أحدث صفحة",
    "newer": "الأحدث",
    "older": "الأقدم",
    "pagination": "التنقل بين الصفحات",
    "main_nav": "القائمة الرئيسية",
    "all_articles": "كل المقالات في الأرشيف",
    "not_found": "الصفحة غير موجودة",
    "not_found_text": "لم نجد هذه الصفحة. ربما نُقلت أو حُذفت.",
    "back_home": "العودة إلى الرئيسية",
    "draft": "مسودة",
    "future": "مجدول",
    "subscribe": "اشترك",
    "powered": "صُنع بـ mawjaz",
    "articles_count": "عدد المقالات",
    "empty": "لا توجد مقالات بعد.",
    "feeds_intro": "تابع الموجز كله أو فاعلاً واحداً في قارئ الخلاصات: انسخ أحد الروابط التالية إليه.",
    "editions": "الأعداد",
    "latest_edition": "العدد الأخير",
    "search": "بحث",
    "related": "اقرأ أيضاً في الموجز",
    "search_needs_js": "يحتاج البحث إلى تفعيل JavaScript في المتصفح.",
})

_EN = frozen_map({
    "skip": "Skip to content",
    "home": "Home",
    "archive": "Archive",
    "actors": "Actors",
    "feeds": "Feeds",
    "latest": "Latest news",
    "source": "Source",
    "published": "Published by the source",
    "added": "Added to the digest",
    "updated": "Updated",
    "about": "About",
    "page_number": "Page {n}",
    "page_latest": "Latest page",
    "newer": "Newer",
    "older": "Older",
    "pagination": "Pagination",
    "main_nav": "Main menu",
    "all_articles": "All articles in the archive",
    "not_found": "Page not found",
    "not_found_text": "We could not find this page. It may have moved or been removed.",
    "back_home": "Back to the home page",
    "draft": "Draft",
    "future": "Scheduled",
    "subscribe": "Subscribe",
    "powered": "Made with mawjaz",
    "articles_count": "Articles",
    "empty": "No articles yet.",
    "feeds_intro": "Follow the whole digest or one actor in a feed reader: paste one of these addresses into it.",
    "editions": "Editions",
    "latest_edition": "Latest edition",
    "search": "Search",
    "related": "Also in the digest",
    "search_needs_js": "Search needs JavaScript to be enabled in the browser.",
})

_TABLES = MappingProxyType({"ar": _AR, "en": _EN})


@lru_cache(maxsize=64)
def labels_for(lang: str) -> Mapping[str, str]:
    return frozen_map(_TABLES.get(lang.split("-")[0].lower(), _EN))
