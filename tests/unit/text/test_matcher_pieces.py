"""The matcher's shortcut for plain pieces (``_piece_forms`` reading a piece's forms off its
translation at once) gives the forms that normalising it word by word gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text.matcher import (
    _PLAIN_PIECE,
    _piece_forms,
    _piece_forms_by_word,
    forms_of_word,
    raw_words,
    tokenize,
)
from generator.text.normalize import SIMPLE_FORMS

_SIMPLE_CHARS = sorted(map(chr, SIMPLE_FORMS))
# Separators and controls around which the two could part: a vanishing format control
# between words, superscripts and fractions, marks, ZWNJ, and punctuation.
_EDGES = ["\u0600", "\u06dd", "\u08e2", "\u00ad", "\u00b2", "\u00bd", "\u064e", "\u200c", "\u0640",
          ".", "،", "-", "'", "_", "ـ", "a", "ا", "أ", "1", "٢"]


def test_most_characters_are_plain() -> None:
    plain = [char for char in _SIMPLE_CHARS if _PLAIN_PIECE.fullmatch(char)]
    assert len(plain) > 0.9 * len(_SIMPLE_CHARS)
    assert not _PLAIN_PIECE.fullmatch("ab\u0600cd")  # a vanishing control joins nothing


def test_plain_shortcut_equals_word_by_word_for_every_pair() -> None:
    for first in _SIMPLE_CHARS:
        for second in _SIMPLE_CHARS:
            piece = f"a{first}{second}ب"
            assert _piece_forms(piece, {}) == _piece_forms_by_word(piece, {}), ascii(piece)


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SIMPLE_CHARS), st.sampled_from(_EDGES), st.characters(
    blacklist_categories=("Zs", "Zl", "Zp", "Cs"))), max_size=12).map("".join))
def test_plain_shortcut_equals_word_by_word(piece: str) -> None:
    piece = piece.replace(" ", "")
    assert _piece_forms(piece, {}) == _piece_forms_by_word(piece, {})


def test_raw_words_and_their_forms_are_what_tokenize_reads() -> None:
    """What the search index's forms read: the raw words of the text in order (those with
    forms are the words ``tokenize`` reads), each with exactly the forms ``tokenize`` gives it
    (a script change splits one raw word)."""
    text = "والتعليم في الأردن، والتعليم — U.S. الأردن؛ iPhoneالجديد Café café ـــ والتعليم"
    words = raw_words(text)
    assert [w for w in dict.fromkeys(words) if forms_of_word(w)] == list(dict.fromkeys(tokenize(text).raw))
    assert all(forms_of_word(w) == tokenize(w).forms for w in words)
    assert forms_of_word("iPhoneالجديد") == ("iphone", "الجديد")


def _index():
    from generator.text.matcher import build_index

    return build_index([("فرنسا", 0), ("الأمم المتحدة", 1), ("Reuters", 2), ("عبد الله", 3)])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(st.sampled_from(["فرنسا", "وبفرنسا،", "الأمم", "المتحدة.", "reuters",
                                                    "ألمانيا", "عبدالله", "Reuters:", "\u200c"]),
                                   st.sampled_from(_EDGES), st.sampled_from(_SIMPLE_CHARS)),
                         min_size=1, max_size=4).map("".join), max_size=12))
def test_new_pieces_learnt_together_are_flagged_as_one_by_one(pieces: list[str]) -> None:
    """``_learn`` marks the new pieces of a text in one go, as ``_may_start`` would one by one:
    none may start a name, some may, or one is not plain (then one by one)."""
    pieces = [p.replace(" ", "") for p in pieces if p.replace(" ", "")]
    together, alone = _index(), _index()
    together._learn(set(pieces), {})
    assert together.memo.starting == {p: alone._may_start(p, {}) for p in set(pieces)}
