"""What the terminal is told: counts in their singular or plural form, and after a build how
to look at the site locally."""

from __future__ import annotations

from generator.cli.report import count_problems, counts, local_preview_hint
from generator.core.diagnostics import error, warning


def test_counts_take_their_singular_and_plural_forms() -> None:
    assert counts(1, 1, 1, 1) == "1 article, 1 actor, 1 page, 1 feed"
    assert counts(0, 2, 24, 51) == "0 articles, 2 actors, 24 pages, 51 feeds"


def test_problems_are_counted_in_the_language_asked_for() -> None:
    one = [error("a.md", 1, 1, "x", "m")]
    assert count_problems(one) == "1 error, 0 warnings"
    assert count_problems([*one, warning("a.md", 2, 1, "y", "m"), warning("b.md", 0, 0, "y", "m")]) \
        == "1 error, 2 warnings"
    assert count_problems(one, "ar") == "خطأ واحد، لا تحذيرات"
    assert count_problems([error("a.md", 1, 1, "x", "m")] * 3, "ar") == "3 أخطاء، لا تحذيرات"
    assert count_problems([warning("a.md", 1, 1, "x", "m")] * 11, "ar") == "لا أخطاء، 11 تحذيراً"


def test_the_hint_after_a_build_names_serve_and_why_a_static_server_will_not_do() -> None:
    assert local_preview_hint("https://example.org/", "site") == (
        "to look at it locally: mawjaz serve (live reload), or any static server in site "
        "(python -m http.server -d site)")
    assert local_preview_hint("https://example.org/mawjaz/", "site") == (
        "to look at it locally: mawjaz serve (its links start with /mawjaz/, so a static server "
        "started in site, such as python -m http.server, shows pages unstyled with dead links)")
