"""The cleaner's comparison forms of a line: computed for the whole line at once when its
characters allow (``normalize.is_simple``), they must be what the forms of its words, one
by one, make."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.cleanup import WordForms, line_key
from generator.text.normalize import SIMPLE_FORMS, is_simple, match_form

LINES = [
    "قال وزير الخارجية الأمريكي إن الولايات المتحدة ستواصل دعمها، مؤكداً أن الحل هو الطريق.",
    "اقرأ أيضاً: «الرئيس» يلتقي نظيره الفرنسي (رويترز) — ٢٠٢٤/٠٣/١٥",
    "Read more: François SENEMAUD's talk at the U.N. #Breaking_News @user_1",
    "ت ب / م ع / 14:05 بتوقيت دمشق",
    "___ --- ... ؟!",
    "مُصْطَفَى ســوريـــا",  # tashkeel and tatweel
    "\u200fفرنسا\u200e e\u0301 Straße ﻻ",  # not simple: the words' own forms
    "  \t ",
    "",
]


def word_by_word_key(text: str) -> str:
    return "".join("".join(ch for ch in match_form(w) if ch.isalnum()) for w in text.split())


def word_by_word_spaced(text: str) -> str:
    tokens = []
    for word in text.split():
        spaced = "".join(ch if ch.isalnum() else " " for ch in match_form(word))
        tokens += spaced.split()
    return " ".join(tokens)


def check(text: str) -> None:
    words = WordForms()
    assert words.key(text) == word_by_word_key(text) == line_key(text)
    assert words.spaced(text) == word_by_word_spaced(text)
    assert words.pieces(text) == [k for k in (word_by_word_key(w) for w in text.split()) if k]
    assert words.pieces(text, text.split()) == words.pieces(text)


def test_the_lines_of_news_text() -> None:
    assert is_simple(LINES[0]) and not is_simple(LINES[6])
    for text in LINES:
        check(text)


SIMPLE_CHARS = "".join(sorted(map(chr, SIMPLE_FORMS)))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(SIMPLE_CHARS + " \t\u00a0\u2003"), max_size=60))
def test_any_line_of_simple_characters(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_line(text: str) -> None:
    check(text)


def test_lines_spared_the_disclaimer_search_hold_what_it_needs() -> None:
    """``_may_disclaim`` searches only lines with "عبر", "عكس" or an "n": each branch of
    ``_DISCLAIMER`` holds one of them, and nothing else matches them, ignoring case or not."""
    import re

    from generator.content.cleanup import _DISCLAIMER, _may_disclaim

    for letter in "nعبركس":
        same = [chr(c) for c in range(0x110000) if re.fullmatch(f"(?i){letter}", chr(c))]
        assert same == sorted({letter, letter.upper()}), letter
    for text in ("لا تعبر بالضرورة عن رأي الموقع", "المقالات تعكس وجهة نظر كاتبها",
                 "Views do NOT necessarily reflect ours", "Ces propos n'engagent que leur auteur",
                 "Ces opinions ne reflètent pas nécessairement les nôtres"):
        assert _DISCLAIMER.search(text) and _may_disclaim(text)
    assert not _may_disclaim("قال الوزير إن الحكومة ستعمل")
