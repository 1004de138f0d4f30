"""The labelled tagging corpus (tests/fixtures/tagging) through the benchmark's scorer: mawjaz
finds every actor the sentences name and none inside an unrelated word, where the naive
matcher the benchmark compares with does not (so the corpus does test the rules)."""

from __future__ import annotations

from benchmarks.tagging import quality, read_corpus


def test_the_corpus_covers_every_category() -> None:
    categories = {category for category, _, _ in read_corpus()}
    assert {"name", "prefixed", "spelling", "trap", "not-after", "shared", "nisba",
            "acronym", "punctuation"} <= categories


def test_quality_on_the_labelled_corpus(capsys) -> None:
    scores = quality()
    assert scores["mawjaz_f1"] >= 0.95
    assert scores["mawjaz_inside"] == 0
    assert scores["naive_inside"] > 0 and scores["naive_f1"] < scores["mawjaz_f1"]
    assert "misses per category" in capsys.readouterr().out
