"""The search index's terms (generator/text/stemming.py): bare words, Arabic light suffix
stripping, Porter's steps 1a-1c, the keys of a content word and of a query word."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.text import stemming
from generator.text.arabic import MIN_STEM
from generator.text.stemming import ARABIC_SUFFIXES, bare, query_key, stem, word_keys

# Arabic news words (as written: the tests go through ``bare``, i.e. the match form) and
# their stems.
ARABIC = [
    ("الحكومات", "الحكوم"),  # feminine plural ات
    ("حكوماتها", "حكوم"),  # ها, then ات
    ("الحكومة", "الحكوم"),  # ة, folded to ه
    ("مسؤولون", "مسوول"),  # masculine plural ون (hamza seat folded by the match form)
    ("المسؤولين", "المسوول"),  # ين
    ("سياسية", "سياس"),  # nisba ية, folded to يه
    ("سياسي", "سياس"),  # nisba ي
    ("اتفاقيات", "اتفاق"),  # ات, then ي
    ("اتفاقية", "اتفاق"),
    ("الانتخابات", "الانتخاب"),
    ("مصريين", "مصر"),  # ين, then ي
    ("المعلمون", "المعلم"),
    ("لاجئان", "لاج"),  # dual ان, then ي
    ("مفاوضات", "مفاوض"),
    ("وزيرة", "وزير"),
    ("المتحدة", "المتحد"),
    ("بيتها", "بيت"),  # three letters left: stripped
    ("الوزراء", "الوزراء"),  # no suffix
    ("اليوم", "اليوم"),
]

# Words a suffix ends but would leave fewer than MIN_STEM letters of.
SHORT = [
    ("فيها", "فيها"),  # في + ها
    ("منها", "منها"),
    ("ذات", "ذات"),
    ("بين", "بين"),
    ("سكان", "سكان"),  # سك + ان
    ("قواتها", "قوات"),  # ها goes, ات would leave قو
    ("لديه", "لدي"),  # يه would leave لد, ه leaves لدي, ي would leave لد
    ("عليه", "علي"),
]

# Porter (1980), the paper's examples for steps 1a, 1b and 1c.
PORTER_EXAMPLES = [
    ("caresses", "caress"), ("ponies", "poni"), ("ties", "ti"), ("caress", "caress"), ("cats", "cat"),
    ("feed", "feed"), ("agreed", "agree"), ("plastered", "plaster"), ("bled", "bled"),
    ("motoring", "motor"), ("sing", "sing"),
    ("conflated", "conflate"), ("troubled", "trouble"), ("sized", "size"), ("hopping", "hop"),
    ("tanned", "tan"), ("falling", "fall"), ("hissing", "hiss"), ("fizzed", "fizz"),
    ("failing", "fail"), ("filing", "file"),
    ("happy", "happi"), ("sky", "sky"),
]

# English news words and their stems: forms of one word meet.
ENGLISH = [
    ("elections", "election"), ("election", "election"), ("governments", "government"),
    ("talks", "talk"), ("talked", "talk"), ("talking", "talk"), ("killed", "kill"),
    ("forces", "force"), ("states", "state"), ("stated", "state"), ("stating", "state"),
    ("voting", "vote"), ("voted", "vote"), ("votes", "vote"), ("running", "run"),
    ("ministry", "ministri"), ("ministries", "ministri"), ("agreement", "agreement"),
    ("yes", "ye"), ("says", "sai"), ("played", "plai"),
    # y is a vowel after a consonant (cry), a consonant after a vowel (ey).
    ("crying", "cry"), ("cries", "cri"), ("cried", "cri"), ("cry", "cry"), ("eyed", "ei"),
    # One and two letters stay (as Porter's reference implementation): "s" is no empty key.
    ("s", "s"), ("is", "is"), ("us", "us"), ("as", "as"), ("ed", "ed"),
]

# Neither Arabic peelable letters only nor ASCII a-z only: their own key.
UNCHANGED = [
    "پاكستانها",  # Persian پ (after the match form: ک is folded to ك)
    "گزارشات", "москвы", "城市", "covid19", "2024", "ﻻ", "f16s", "naïve", "US", "Elections",
    "الحكوماتx", "كان", "",
]


@pytest.mark.parametrize(("word", "expected"), ARABIC + SHORT)
def test_arabic_stems(word: str, expected: str) -> None:
    assert stem(bare(word)) == expected
    assert query_key(word) == expected


@pytest.mark.parametrize(("word", "expected"), PORTER_EXAMPLES + ENGLISH)
def test_english_stems(word: str, expected: str) -> None:
    assert stem(word) == expected


@pytest.mark.parametrize("form", UNCHANGED)
def test_other_words_are_their_own_key(form: str) -> None:
    assert stem(form) == form


def test_the_suffix_list_is_light10_folded() -> None:
    assert ARABIC_SUFFIXES == ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


@given(st.text(st.sampled_from("ابتثجحخدذرسشصضطظعغفقكلمنهوي"), max_size=9))
def test_arabic_stems_keep_min_stem_letters(form: str) -> None:
    result = stem(form)
    assert form.startswith(result)
    assert result == form or len(result) >= MIN_STEM


@given(st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=12))
def test_english_stems_are_never_empty(form: str) -> None:
    result = stem(form)
    assert result
    assert result.isascii() and result.isalpha() and result.islower()


@pytest.mark.parametrize(("word", "expected"), [
    ("U.S.", "us"), ("«الحكومة»", "الحكومه"), ("al-Assad's", "alassads"), ("Café,", "cafe"),
    ("\u200fالعراق\u200f", "العراق"), ("وَالْحُكُومَةُ", "والحكومه"), ("2,000", "2000"),
    ("...", ""), ("—", ""), ("", ""),
])
def test_bare(word: str, expected: str) -> None:
    assert bare(word) == expected


def test_bare_shortcut_is_letters_and_numbers() -> None:
    """``bare`` returns a form ``str.isalnum`` holds for as it is: exactly the characters of
    categories L* and N* (the JavaScript side's ``[\\p{L}\\p{N}]``)."""
    wrong = [hex(code) for code in range(sys.maxunicode + 1)
             if chr(code).isalnum() != (unicodedata.category(chr(code))[0] in "LN")]
    assert not wrong


def test_word_keys_of_a_prefixed_word() -> None:
    assert word_keys("وبالحكومات") == ("وبالحكوم", "بالحكوم", "الحكوم", "حكوم")
    for query in ("الحكومة", "حكومات", "بالحكومة", "الحكومات", "وبالحكومات", "حكومة"):
        assert query_key(query) in word_keys("وبالحكومات"), query


def test_word_keys_of_lam_article_words() -> None:
    # للوزير: ل + الوزير, readings الوزير, اللوزير, لوزير, وزير (generator.text.arabic).
    assert word_keys("للوزيرة") == ("للوزير", "الوزير", "اللوزير", "لوزير", "وزير")
    assert query_key("الوزيرة") in word_keys("للوزيرة")


def test_word_keys_are_distinct_and_empty_without_letters() -> None:
    assert word_keys("حكوماتها") == ("حكوم",)
    assert word_keys("...") == ()
    assert word_keys("") == ()
    assert word_keys("Elections,") == ("election",)
    assert word_keys("2024") == ("2024",)


def test_query_key_is_not_peeled() -> None:
    # A reader who typed the conjunction means it; the index has every peeled reading.
    assert query_key("والحكومة") == "والحكوم"
    assert query_key("...") == ""
    assert query_key("Elections") == "election"


@given(st.text(st.one_of(st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
                         st.sampled_from("abcdeisyz019 .-'\u200c")), max_size=12))
def test_a_word_finds_itself(word: str) -> None:
    keys = word_keys(word)
    if bare(word):
        assert keys[0] == query_key(word)
        assert len(set(keys)) == len(keys)
    else:
        assert keys == () and query_key(word) == ""


def test_module_docstring_names_the_sources() -> None:
    doc = stemming.__doc__ or ""
    assert "Larkey" in doc and "Porter" in doc
