"""``translation_of:``: checked against the digest's ids, and the versions each article links."""

from __future__ import annotations

from datetime import UTC, datetime

from generator.content.articles import Checked, check_translations
from generator.core.model import Article, versions

WHEN = datetime(2026, 11, 28, tzinfo=UTC)


def article(ident: str, lang: str = "ar", of: str = "") -> Article:
    return Article(rel=f"content/articles/{ident}.md", id=ident, slug=ident, title=ident, date=WHEN,
                   lang=lang, body=b"", summary="", translation_of=of)


def test_an_unknown_or_own_id_is_reported_at_its_line() -> None:
    checked = [Checked(article("envoys"), ()),
               Checked(article("envoys-en", "en", "envoy"), (), translation_line=(5, 1)),
               Checked(article("note", "en", "note"), (), translation_line=(7, 3))]
    problems = [p.format() for p in check_translations(checked)]
    assert problems == [
        "content/articles/envoys-en.md:5:1: error[translation-unknown]: `translation_of: envoy`: "
        "no article has that id (did you mean `envoys`?)",
        "content/articles/note.md:7:3: error[translation-of-itself]: `translation_of: note` names this article itself",
    ]


def test_a_known_id_is_fine() -> None:
    assert check_translations([Checked(article("a"), ()),
                               Checked(article("b", "en", "a"), (), translation_line=(4, 1))]) == []


def test_versions_link_both_ways_and_translations_of_one_original_each_other() -> None:
    original, english, french = article("a"), article("b", "en", "a"), article("c", "fr", "a")
    linked = versions((original, english, french, article("lonely")))
    assert linked["a"] == (english, french)
    assert linked["b"] == (original, french)
    assert linked["c"] == (original, english)
    assert "lonely" not in linked
    assert versions((article("x", "en", "missing"),)) == {}
