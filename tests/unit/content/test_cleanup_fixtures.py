"""The labelled plain-text fixtures (tests/fixtures/cleanup): every article line comes out
byte for byte, every boilerplate line and glued tail goes, and the benchmark's scorer (the
same reading of the labels) agrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.cleanup_quality import LABELLED, read_labelled, score_labelled
from generator.content.cleanup import clean_text

FIXTURES = sorted(LABELLED.glob("*.txt"))


def test_there_are_fixtures_in_three_languages() -> None:
    assert {p.name[:2] for p in FIXTURES} == {"ar", "en", "fr"}
    categories = {line.category for p in FIXTURES for line in read_labelled(p)}
    assert {"agency-end", "dispatch-stamp", "promo", "tag-line", "slider", "more",
            "related-run", "share-widget"} <= categories


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_is_cleaned_as_labelled(path: Path) -> None:
    lines = read_labelled(path)
    result = clean_text("\n".join(x.source for x in lines) + "\n")
    want = [x.expected.rstrip() for x in lines if x.source.strip() and x.expected is not None]
    got = [x.rstrip() for x in result.text.split("\n") if x.strip()]
    assert got == want
    score = score_labelled(path)
    assert score.lost == () and score.misses == ()


def test_every_removal_names_its_rule() -> None:
    rules = {r.rule for p in FIXTURES
             for r in clean_text("\n".join(x.source for x in read_labelled(p))).removed}
    assert {"agency-end", "dispatch-stamp", "promo", "glued-promo", "tag-line", "slider",
            "more-link", "related-run", "share-widget"} <= rules
    assert all(rule for rule in rules)


def test_bad_labels_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.txt"
    bad.write_text("Q\tline\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.txt:1: bad label"):
        read_labelled(bad)
