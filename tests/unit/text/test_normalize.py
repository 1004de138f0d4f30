"""The match form: every spelling a reader treats as the same word compares equal."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text import normalize
from generator.text.normalize import (
    SIMPLE_FORMS,
    SIMPLE_TRANSLATION,
    SPACES,
    match_form,
    normalised,
    strip_tashkeel,
)

SAME = [
    # (one spelling, another spelling, why they must match)
    ("إيران", "ايران", "hamza below on alef"),
    ("أمريكا", "امريكا", "hamza above on alef"),
    ("آمال", "امال", "madda"),
    ("ٱلله", "الله", "alef wasla"),
    ("مُصْطَفَى", "مصطفي", "tashkeel and alef maqsura"),
    ("الحكومة الفرنسية", "الحكومه الفرنسيه", "ta marbuta"),
    ("الائتلاف", "الايتلاف", "hamza on ya seat"),
    ("مؤتمر", "موتمر", "hamza on waw seat"),
    ("ســوريـــا", "سوريا", "tatweel"),
    ("\u200fفرنسا\u200e", "فرنسا", "bidi marks"),
    ("\u2067مجلس\u2069 الأمن", "مجلس الامن", "bidi isolates"),
    ("فرا\u200dنسوا", "فرانسوا", "zero-width joiner"),
    ("کشور", "كشور", "Persian kaf"),
    ("ایران", "ايران", "Farsi ya"),
    ("٢٢٥٤", "2254", "Arabic-Indic digits"),
    ("۲۲۵۴", "2254", "Extended Arabic-Indic digits"),
    ("François SENEMAUD", "francois senemaud", "Latin case and accents"),
    ("Türkiye", "turkiye", "umlaut"),
    ("Straße", "strasse", "casefold, not lower"),
    ("ﻻ", "لا", "presentation form"),
    ("  عبد   الرحمن\n مصطفى ", "عبد الرحمن مصطفى", "spaces collapsed and trimmed"),
    ("e\u0301", "e", "decomposed accent"),
]

DIFFERENT = [
    ("مصر", "مصرف", "a longer word stays longer"),
    ("می\u200cخواهم", "میخواهم", "ZWNJ separates Persian morphemes"),
    ("ء", "", "a lone hamza is a letter"),
    ("عبد الرحمن", "عبدالرحمن", "spaces are kept (compounds are the matcher's job)"),
]


@pytest.mark.parametrize(("a", "b", "why"), SAME, ids=[s[2] for s in SAME])
def test_same_match_form(a: str, b: str, why: str) -> None:
    assert match_form(a) == match_form(b), why


@pytest.mark.parametrize(("a", "b", "why"), DIFFERENT, ids=[d[2] for d in DIFFERENT])
def test_different_match_form(a: str, b: str, why: str) -> None:
    assert match_form(a) != match_form(b), why


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_match_form_is_idempotent_and_nfc(text: str) -> None:
    once = match_form(text)
    assert match_form(once) == once
    assert unicodedata.normalize("NFC", once) == once


# Characters where word-by-word could differ from whole-text normalisation: every kind of
# space (NBSP, ideographic...), marks that NFKD reorders or that compose under NFC, letters
# that decompose into spaces (the Arabic ligature U+FDFA, diaeresis U+00A8), Hangul jamo.
_TRICKY = st.sampled_from([" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\u3000", "\u1680",
                           "\u0301", "\u0308", "\u0345", "\u064b", "\u0654", "\u0670", "\u0640",
                           "\u200c", "\u200d", "\u200f", "\u00a8", "\ufdfa", "\ufe70", "\u1100",
                           "\u1161", "\u11a8", "\uac00", "\u0b47", "\u0b3e", "e", "ا", "أ", "ة", "ß"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_TRICKY, st.characters()), max_size=30).map("".join))
def test_match_form_works_word_by_word(text: str) -> None:
    # generator.content.cleanup remembers the forms of words and joins them: it relies on this.
    words = (match_form(word) for word in text.split())
    assert match_form(text) == " ".join(word for word in words if word)


@pytest.mark.parametrize(("text", "expected"), [
    ("مُحَمَّد", "محمد"),
    ("ســوريا", "سوريا"),
    ("إيران", "إيران"),  # letters (hamza seats) are kept for display-like uses
])
def test_strip_tashkeel(text: str, expected: str) -> None:
    assert strip_tashkeel(text) == expected


# The shortcut for text of characters with a fixed match form (``SIMPLE_FORMS``) must give
# what the normalisation passes give, wherever such characters stand.
_SIMPLE_CHARS = sorted(map(chr, SIMPLE_FORMS))


def test_simple_characters_are_common_text() -> None:
    # Without these the shortcut would spare the build nothing.
    for char in "ابتثجحخدذرزسشصضطظعغفقكلمنهويأإآؤئءةى،؛؟«»0123456789aZ.,-“”…":
        assert ord(char) in SIMPLE_FORMS, char


def test_simple_forms_never_join_a_neighbour() -> None:
    # NFC joins a character to the one before it only as the second half of a canonical
    # composition (or a Hangul syllable): no form of the shortcut holds such a character.
    seconds = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    held = {char for form in SIMPLE_FORMS.values() for char in form}
    assert not held & seconds
    assert all(not 0x1100 <= ord(char) <= 0x11FF and not 0xAC00 <= ord(char) <= 0xD7A3 for char in held)


def test_simple_shortcut_equals_normalisation_for_every_pair() -> None:
    for first in _SIMPLE_CHARS:
        for text in (first, *(first + second for second in _SIMPLE_CHARS)):
            assert match_form(text) == normalised(text), ascii(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SIMPLE_CHARS), _TRICKY), max_size=30).map("".join))
def test_simple_shortcut_equals_normalisation(text: str) -> None:
    assert match_form(text) == normalised(text)


def test_the_translation_table_knows_every_space_and_translates_as_the_forms_do() -> None:
    """``SIMPLE_TRANSLATION`` has an entry for every character ``str.isspace`` holds (so
    ``translate`` never learns from a ``LookupError`` that one is missing), each mapped to
    itself, is ``SIMPLE_FORMS`` for every character of that table, and maps every other
    character up to its end to itself."""
    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert spaces == SPACES and not set(map(ord, spaces)) & set(SIMPLE_FORMS)
    assert max(map(ord, spaces)) < len(SIMPLE_TRANSLATION)
    assert {c: SIMPLE_TRANSLATION[c] for c in map(ord, spaces)} == {c: c for c in map(ord, spaces)}
    assert {c: f for c, f in enumerate(SIMPLE_TRANSLATION) if f != c} == dict(SIMPLE_FORMS)
    text = "قال الوزير\u00a0إنّ «الاتفاق»\tسيُوقَّع غداً، Mr. Smith said\u2003it."
    assert text.translate(SIMPLE_TRANSLATION) == text.translate(SIMPLE_FORMS)


def test_the_quick_starter_blocks_hold_no_non_starter() -> None:
    """``stream_safe`` looks for a long run outside these blocks before it builds the class of
    every non-starter: a character of them in that class would hide a run of marks."""
    starters = re.compile(f"[{normalize._STARTERS}]")
    marks = re.compile(normalize.non_starter_class())
    found = [hex(code) for code in range(0x20000) if starters.match(chr(code)) and marks.match(chr(code))]
    assert found == []
