"""Index forms made as the articles were read (``Site.index_forms``) are what indexing would
have made, and indexing takes them rather than making them again."""

from __future__ import annotations

from pathlib import Path

import pytest

import generator.pages.search as search
from generator.build.pipeline import BuildOptions, load_site
from generator.pages.search import (
    FormsMemo,
    IndexTexts,
    article_index_text,
    forms_terms,
    packed_forms,
    plan_shards,
    shard_forms,
    unpacked_forms,
)

REPO = Path(__file__).resolve().parents[3]


def test_index_texts_are_article_index_text_with_a_memo_trimmed(monkeypatch: pytest.MonkeyPatch) -> None:
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    monkeypatch.setattr(search, "_INDEX_MEMO_WORDS", 3)  # trimmed before almost every article
    texts = IndexTexts()
    assert [unpacked_forms(texts(a)) for a in site.articles] == [article_index_text(a) for a in site.articles]
    assert unpacked_forms(packed_forms("")) == ""


def test_a_trimmed_memo_keeps_the_words_it_learned_first() -> None:
    """The common words of a language come first and recur: those are the ones kept."""
    memo = FormsMemo(terms=forms_terms("ar"))
    first = search.index_forms(["والحكومة قالت"], memo)
    search.index_forms(["وبالتعليم للجنة المدارس"], memo)
    memo.trim(2)
    assert list(memo.entries) == ["والحكومة", "قالت"]
    assert search.index_forms(["والحكومة قالت"], memo) == first
    assert memo.terms is not None and len(memo.terms._known) == 2


def test_shard_forms_take_the_forms_made_as_the_articles_were_read(monkeypatch: pytest.MonkeyPatch) -> None:
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    shard = plan_shards(site)[0]
    expected = shard_forms(shard, None)
    ready = {a.rel: packed_forms(f"ready {a.rel}") for a in shard.articles[1:]}
    made: list[str] = []
    real = search.article_index_text
    monkeypatch.setattr(search, "article_index_text", lambda a, memo=None: made.append(a.rel) or real(a, memo))
    assert shard_forms(shard, None, ready) == [expected[0], *map(unpacked_forms, ready.values())]
    assert made == [shard.articles[0].rel]
