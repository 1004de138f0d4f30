"""Short aliases and letter folds (``generator.text.matcher``'s table): a short alias is not
found in what is left of a common word once a one-letter prefix is peeled, when only a fold
(a hamza seat, ى/ي) makes it match, nor in a short common word that folds onto it.

The word list is the 30,000 commonest Arabic words (benchmarks/data/ar_news_words.tsv, from
wordfreq), the text a tagger meets most. Aliases: the short names a news registry really
holds (a movement, a first name, a city, an organisation), spelled as their owners spell them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from generator.text.arabic import prefixed, written_form
from generator.text.matcher import GUARDED_ALIAS, build_index, spelled_alike
from generator.text.normalize import match_form

WORDS = Path(__file__).parents[3] / "benchmarks" / "data" / "ar_news_words.tsv"
SHORT_ALIASES = ("أمن", "أمل", "أسد", "علي", "عمر", "أنس", "مصر", "قطر", "غزة", "فتح", "أمين",
                 "أحمد", "أيمن", "عمان", "حماس", "حماة", "تونس", "إدلب", "أوبك", "آمال", "إياد")


@cache
def common_words() -> tuple[str, ...]:
    rows = WORDS.read_text(encoding="utf-8").splitlines()
    return tuple(r.split("\t")[0] for r in rows if r and not r.startswith(("#", "word\t")))


@cache
def matches() -> dict[str, list[str]]:
    index = build_index((a, i) for i, a in enumerate(SHORT_ALIASES))
    found: dict[str, list[str]] = {}
    for word in common_words():
        for target in index.find(word):
            found.setdefault(SHORT_ALIASES[target], []).append(word)
    return found


def own_spellings(alias: str) -> set[str]:
    """The alias as written, alone or with attached prefixes (ة written ه counts as written)."""
    written = written_form(alias)
    return {written, *prefixed(written)}


def test_the_word_list_is_there() -> None:
    assert len(common_words()) >= 29_000
    assert {"كامل", "فاسد", "على", "وعلى", "آمن", "آمين", "امن", "امل"} <= set(common_words())


@pytest.mark.parametrize(("alias", "word"), [
    ("أمل", "كامل"), ("أمل", "كامله"), ("أسد", "فاسد"), ("علي", "على"), ("علي", "وعلى"),
    ("أمن", "آمن"), ("أمل", "آمل"), ("أمين", "آمين"), ("أمن", "امن"), ("أمل", "امل"),
])
def test_common_words_that_only_fold_onto_a_short_alias(alias: str, word: str) -> None:
    assert word not in matches().get(alias, []), f"{alias} found in the common word {word}"


def test_every_short_alias_match_in_the_word_list_is_the_alias_itself() -> None:
    """Three-letter aliases: only their own spelling (and prefixes). Four letters: also the
    spelling without hamza when no prefix was peeled (احمد)."""
    for alias, words in matches().items():
        own = own_spellings(alias)
        for word in words:
            written = written_form(word)
            if written in own:
                continue
            assert len(match_form(alias)) == GUARDED_ALIAS, (alias, word)
            assert match_form(word) == match_form(alias), (alias, word)  # no prefix peeled


def test_short_aliases_still_match_their_own_spellings() -> None:
    found = matches()
    assert {"أمن", "وأمن", "بأمن", "لأمن"} <= set(found["أمن"])
    assert {"علي", "وعلي"} <= set(found["علي"])
    assert {"غزة", "بغزة", "وغزة"} <= set(found["غزة"])
    assert {"أحمد", "احمد", "وأحمد", "لأحمد"} <= set(found["أحمد"])  # bare alef, no prefix: 4 letters


def test_ta_marbuta_written_ha_is_not_a_fold_that_counts() -> None:
    index = build_index([("غزة", 0)])
    assert index.find("قصف على غزه وبغزه") == [0, 0]


def test_long_aliases_keep_every_fold() -> None:
    index = build_index([("إيران", 0), ("إسرائيل", 1)])
    assert index.find("ايران وايران لاسرائيل واسرائيل") == [0, 0, 1, 1]


def test_the_rule_table() -> None:
    assert not spelled_alike(frozenset({"أمن"}), "امن", "امن", stripped=False)  # 3: any fold
    assert not spelled_alike(frozenset({"أمل"}), "كامل", "كامل", stripped=True)
    assert spelled_alike(frozenset({"أمل"}), "كأمل", "كامل", stripped=True)  # written alike
    assert not spelled_alike(frozenset({"أحمد"}), "واحمد", "واحمد", stripped=True)  # 4, prefix
    assert spelled_alike(frozenset({"أحمد"}), "احمد", "احمد", stripped=False)  # 4, bare
    assert not spelled_alike(frozenset({"أمين"}), "آمين", "امين", stripped=False)  # 4, آ for أ
    assert spelled_alike(frozenset({"أمين"}), "أَمِين", "امين", stripped=False)  # tashkeel is no fold


def test_a_curator_may_list_the_bare_spelling() -> None:
    index = build_index([("أمن", 0), ("امن", 0)])
    assert index.find("امن") == [0]
