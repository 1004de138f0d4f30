"""generator/text/arabic.py: the prefix rules run both ways, and the matcher and search agree.

The matcher adds prefixes to a registry's names (``prefixed``); search peels them off the
words of a page (``unprefixed``). Written apart, the two drifted; these properties hold them
to one another: what one side builds, the other takes apart.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text import arabic
from generator.text.arabic import AL, LAM, MIN_STEM, prefixed, unprefixed
from generator.text.matcher import alias_key, alias_tokens, tokenize
from generator.text.normalize import match_form
from generator.text.stemming import query_key, word_keys

# Letters Arabic itself writes (hamza seats and ta marbuta included: the match form folds
# them), tashkeel, tatweel: the raw spelling of a word in an article or a registry.
LETTERS = "".join(chr(c) for c in [*range(0x0621, 0x063B), *range(0x0641, 0x064B)])
RAW_ARABIC = st.text(st.sampled_from(LETTERS + "\u064e\u0650\u0651\u0652\u0640"), min_size=1, max_size=10)
WORDS = RAW_ARABIC.map(match_form).filter(lambda s: len(s) >= MIN_STEM and " " not in s)
# Stems with the article, and with a lam after it (اللجنه), where the lam rule applies.
STEMS = st.one_of(WORDS, WORDS.map(lambda s: AL + s), WORDS.map(lambda s: AL + LAM + s))
# No character of any Arabic block, nothing NFKD turns into one.
NOT_ARABIC = st.text(st.characters(codec="latin-1") | st.sampled_from("\u0301\u200c\u2013ğŞ"))


@pytest.mark.parametrize(("stem", "spelling"), [
    ("حكومه", "وبحكومه"), ("الرييس", "فالرييس"), ("الامم", "للامم"), ("العاده", "كالعاده"),
    ("الاتحاد", "بالاتحاد"), ("الحكومه", "وبالحكومه"), ("الليبي", "والليبي"),
])
def test_news_spellings_both_ways(stem: str, spelling: str) -> None:
    assert spelling in prefixed(stem)
    assert stem in unprefixed(spelling)


def test_the_doubled_lam_comes_back() -> None:
    """ل + اللجنه is written للجنه: a search for اللجنة finds it, as one for لجنة does; and
    للوزير, which is ل + الوزير, still gives الوزير."""
    assert {"اللجنه", "لجنه"} <= set(unprefixed("للجنه"))
    assert {"الوزير", "وزير"} <= set(unprefixed("للوزير"))
    assert {"اللجنه", "لجنه"} <= set(unprefixed("وللجنه"))
    assert "الله" in unprefixed("لله")


def test_rules_have_one_home() -> None:
    """The modules that use a rule import it: none keeps a copy under another name."""
    from generator.pages import search
    from generator.text import matcher, normalize, stemming
    assert matcher.prefixed is arabic.prefixed and stemming.unprefixed is arabic.unprefixed
    assert stemming.MIN_STEM is arabic.MIN_STEM
    # The index makes word_keys' keys with its own memo through stemming.form_keys (the memo's
    # keys are held to word_keys in tests/unit/pages/test_search_entries.py).
    assert search.stemming is stemming and not hasattr(search, "unprefixed")
    for module in (normalize, matcher, stemming, search):
        for name in ("_ARABIC", "_AL", "_LAM", "_LETTERS", "CONJUNCTIONS", "MIN_ALIAS"):
            assert not hasattr(module, name), f"{module.__name__}.{name}"


@settings(max_examples=400, deadline=None)
@given(STEMS)
def test_peeling_a_prefixed_spelling_gives_the_stem_back(stem: str) -> None:
    for spelling in prefixed(stem):
        readings = unprefixed(spelling)
        assert spelling not in readings
        assert stem in readings, spelling


@settings(max_examples=400, deadline=None)
@given(STEMS)
def test_search_indexes_the_key_the_matcher_looks_for(stem: str) -> None:
    """A page saying وبالحكومة is found by a search for الحكومة and for حكومة: the key a
    reader's spelling is looked up by is among the keys of every prefixed spelling."""
    for spelling in prefixed(stem):
        keys = word_keys(spelling)
        assert query_key(stem) in keys, spelling
        if stem.startswith(AL) and len(stem) - len(AL) >= MIN_STEM:
            assert query_key(stem[len(AL):]) in keys, spelling


@settings(max_examples=400, deadline=None)
@given(RAW_ARABIC)
def test_matcher_and_search_agree_on_the_key_of_a_word(word: str) -> None:
    """The form search writes to the index is the key the matcher gives the word."""
    assert tokenize(word).forms == alias_tokens(word)
    assert " ".join(tokenize(word).forms) == alias_key(word)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(LETTERS + "ٱىیےةۓہکـ٠١۹\u064b\u0670 \u200c\u200faZ1"), max_size=20))
def test_match_form_is_idempotent_on_arabic(text: str) -> None:
    once = match_form(text)
    assert match_form(once) == once
    assert not set(once) & set(arabic.LETTER_FOLDS)


@settings(max_examples=400, deadline=None)
@given(NOT_ARABIC)
def test_the_arabic_rules_leave_other_text_alone(text: str) -> None:
    """Without Arabic letters, the match form is the plain Unicode fold and nothing is peeled."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text).casefold()
                     if unicodedata.category(c) != "Mn" and (unicodedata.category(c) != "Cf" or c == "\u200c"))
    assert match_form(text) == unicodedata.normalize("NFC", " ".join(folded.split()))
    for word in match_form(text).split():
        assert prefixed(word) == () and unprefixed(word) == ()


def test_short_rests_are_not_peeled() -> None:
    assert unprefixed("وضع") == ()  # و + ضع: "put", not a prefixed word
    assert prefixed("مي") == ()
    # ل + الم (the article's alef comes back) or ل + اللم (the third lam): only a dictionary tells
    assert unprefixed(LAM + LAM + "م") == ("الم", "اللم")
