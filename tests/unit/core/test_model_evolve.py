"""``evolve``: the fast ``dataclasses.replace`` that tagging and filing use for every article."""

from __future__ import annotations

import dataclasses
import pickle
import random
from datetime import UTC, datetime

import pytest

from generator.core.model import (
    Article,
    Source,
    StoredBody,
    Term,
    evolve,
    made_from_fields,
    newest_first,
    replacing,
)

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


@pytest.mark.parametrize("changed", [("actors", "terms"), ("rel",), ("redirects", "path", "scheduled")])
def test_replacing_makes_what_replace_makes(changed: tuple[str, ...]) -> None:
    values = {"actors": ("two",), "terms": (Term("topic", "k", "k", "ك", "ar"),), "rel": "content/articles/b.md",
              "redirects": ("/old/",), "path": "a/b/", "scheduled": True}
    made = replacing(Article, changed, "made")(ARTICLE, *(values[name] for name in changed))
    expected = dataclasses.replace(ARTICLE, **{name: values[name] for name in changed})
    assert [getattr(made, f) for f in Article.__slots__] == [getattr(expected, f) for f in Article.__slots__]
    assert ARTICLE.actors == ("one",)  # the original is untouched


def test_replacing_refuses_a_name_that_is_not_a_field() -> None:
    with pytest.raises(TypeError):
        replacing(Article, ("headline",), "made")


def test_evolve_refuses_a_name_that_is_not_a_field() -> None:
    with pytest.raises(KeyError):
        evolve(ARTICLE, headline="x")


@pytest.mark.parametrize("item", [
    ARTICLE, Source("الجسر", "https://a.example/1"), Term("source", "aljisr", "aljisr", "الجسر", "ar"),
    StoredBody("/cache/bodies-01-a-b.bin", 10, 20, 30),
])
def test_a_pickled_value_comes_back_whole_and_frozen(item: object) -> None:
    """Made again by its fields' slot setters (``made_from_fields``), not its ``__init__``:
    every field is set, and the value stays frozen."""
    back = pickle.loads(pickle.dumps(item, protocol=5))
    assert type(back) is type(item) and back == item and hash(back) == hash(item)
    assert [getattr(back, f.name) for f in dataclasses.fields(item)] == [
        getattr(item, f.name) for f in dataclasses.fields(item)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(back, dataclasses.fields(item)[0].name, "changed")


def _shuffled_articles(seed: int) -> list[Article]:
    rng = random.Random(seed)
    return [dataclasses.replace(ARTICLE, rel=f"content/articles/{n}.md", id=f"a{n}", slug=rng.choice("abc"),
                                path=rng.choice(("", f"p/{n}/")),
                                date=datetime(2026, 1, 1 + rng.randint(0, 3), rng.choice((0, 12)), tzinfo=UTC))
            for n in range(rng.randint(0, 40))]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("ties", ["slug", "rel"])
def test_newest_first_orders_as_its_sorts_do(seed: int, ties: str) -> None:
    """An ordered list is returned as it is (``_in_order``): the same order as the sorts,
    which keep equal keys in the order given."""
    def by_sort(items: list[Article]) -> list[int]:
        return [id(a) for a in sorted(items, key=lambda a: (-a.date.timestamp(), getattr(a, ties), a.url_path))]

    articles = _shuffled_articles(seed)
    ordered = [a for n in by_sort(articles) for a in articles if id(a) == n]
    for given in (articles, ordered, ordered[::-1]):
        assert [id(a) for a in newest_first(given, ties)] == by_sort(given)


def test_a_class_with_post_init_is_not_made_by_its_slots_setters() -> None:
    """``made_from_fields`` skips ``__init__``, so it would skip a ``__post_init__``'s checks:
    such a class is refused, not made unchecked."""

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError, match="__post_init__"):
        made_from_fields(Checked, "checked_from_fields")
