"""``evolve``: the fast ``dataclasses.replace`` that tagging and filing use for every article."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from generator.core.model import Article, Source, Term, evolve

ARTICLE = Article(rel="content/articles/a.md", id="a", slug="a", title="عنوان", date=datetime(2026, 1, 2, tzinfo=UTC),
                  lang="ar", body=b"<p>x</p>", summary="x", actors=("one",), source=Source("الجسر", "https://a.example/1"))


@pytest.mark.parametrize("changes", [
    {"actors": ("one", "two")},
    {"terms": (Term("source", "aljisr", "aljisr", "الجسر", "ar"),), "source": Source("الجسر")},
    {"redirects": ("/old/",), "scheduled": True, "updated": datetime(2026, 2, 1, tzinfo=UTC)},
    {},
])
def test_evolve_makes_what_replace_makes(changes: dict[str, object]) -> None:
    made = evolve(ARTICLE, **changes)
    assert made == dataclasses.replace(ARTICLE, **changes)
    assert [getattr(made, f.name) for f in dataclasses.fields(Article)] == [
        getattr(dataclasses.replace(ARTICLE, **changes), f.name) for f in dataclasses.fields(Article)]
    assert ARTICLE.actors == ("one",)  # the original is untouched


def test_evolve_refuses_a_name_that_is_not_a_field() -> None:
    with pytest.raises(KeyError):
        evolve(ARTICLE, headline="x")
