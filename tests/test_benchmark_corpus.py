"""The realistic benchmark corpus (benchmarks/realistic_corpus.py) is what it claims to be.

Benchmarks compare commits only if the corpus is byte-for-byte the same each time, and their
figures mean something only if the corpus keeps the properties README describes: real words
by frequency, a median length near 280 words with a long tail, repeated titles, names in
variant spellings, a registry mawjaz accepts, and (with explicit slugs) no two articles that
want one URL. A few hundred articles are enough to see each of these, and take under a second.
"""

from __future__ import annotations

import hashlib
import random
import re
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import realistic_corpus as rc  # noqa: E402

from generator.actors.registry import parse_registry  # noqa: E402
from generator.text.slugs import make_slug  # noqa: E402

ARTICLES = 300


def _digest(folder: Path) -> str:
    hasher = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            hasher.update(path.relative_to(folder).as_posix().encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _articles(folder: Path) -> list[tuple[dict[str, Any], str]]:
    """(front matter, body) of every article file."""
    found = []
    for path in sorted((folder / "content" / "articles").glob("*.md")):
        _, front, body = path.read_text("utf-8").split("---\n", 2)
        found.append((yaml.safe_load(front), body))
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rc.generate(tmp_path_factory.mktemp("realistic"), ARTICLES, seed=7)


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = rc.generate(tmp_path / "again", ARTICLES, seed=7)
    assert _digest(again) == _digest(corpus)
    other = rc.generate(tmp_path / "other", 30, seed=8)  # another seed, other people
    registry = Path("content") / "actors.yaml"
    assert (other / registry).read_bytes() != (corpus / registry).read_bytes()


def test_smaller_corpus_is_the_start_of_a_larger_one(corpus: Path, tmp_path: Path) -> None:
    small = rc.generate(tmp_path / "small", 120, seed=7)
    names = sorted(p.name for p in (small / "content" / "articles").glob("*.md"))
    # The last day of the smaller one is cut short, so compare the days before it.
    days = sorted({name[:10] for name in names})[:-1]
    for name in (n for n in names if n[:10] in days):
        assert (small / "content" / "articles" / name).read_bytes() == \
            (corpus / "content" / "articles" / name).read_bytes()


def test_lengths_have_a_real_spread(corpus: Path) -> None:
    lengths = [len(body.split()) for _, body in _articles(corpus)]
    assert 240 <= statistics.median(lengths) <= 330
    assert min(lengths) >= 30
    # The planned lengths, sampled widely: median near 280, a tail past 1,000, cut at 2,000.
    rng = random.Random(1)
    planned = [rc._length(rng) for _ in range(20000)]
    assert 265 <= statistics.median(planned) <= 295
    assert max(planned) == rc.MAX_WORDS
    assert 0.01 < sum(n > 1000 for n in planned) / len(planned) < 0.05


def test_words_come_from_the_frequency_table(corpus: Path) -> None:
    table = rc.load_table("ar")
    assert len(table.words) == 30000 and 0.05 < table.tail < 0.3
    known = set(table.words)
    tokens = [w for meta, body in _articles(corpus) if meta["lang"] == "ar"
              for w in re.findall(r"[\u0621-\u064A]+", body)]
    share = sum(w in known for w in tokens) / len(tokens)
    # The rest is the open-class tail (clitic forms), names and column furniture.
    assert 0.8 < share < 0.95
    # Zipf: the most frequent word of the table is among the most frequent of the corpus.
    assert table.words[0] in dict(Counter(tokens).most_common(3))


def test_titles_repeat_as_in_a_real_archive(corpus: Path) -> None:
    articles = _articles(corpus)
    titles = Counter(meta["title"] for meta, _ in articles)
    columns = {title for title, *_ in rc.COLUMNS}
    assert any(count >= 5 for title, count in titles.items() if title in columns)
    # The same story from two outlets: one title, two sources, bodies alike but not the same.
    outlets: dict[str, list[tuple[str, str]]] = {}
    for meta, body in articles:
        if meta["title"] not in columns:
            outlets.setdefault(meta["title"], []).append((meta["source"]["name"], body))
    pairs = [found for found in outlets.values() if len(found) == 2]
    assert pairs
    for (first, one), (second, other) in pairs:
        assert first != second and one != other
        assert len(set(one.split()) & set(other.split())) > 0.5 * len(set(one.split()))
    english = sum(meta["lang"] == "en" for meta, _ in articles) / len(articles)
    assert 0.04 < english < 0.2


def test_variant_titles_differ_only_in_what_slugs_and_matching_ignore() -> None:
    rng = random.Random(3)
    title = "أمريكا تدعو إلى وقف إطلاق النار: المفاوضات مستمرة"
    for _ in range(40):
        variant = rc.title_variant(rng, title)
        assert variant != title
        assert rc.fold(variant).startswith(rc.fold(title))


def test_explicit_slugs_leave_no_two_articles_one_url(corpus: Path) -> None:
    seen: dict[str, str] = {}
    for meta, _ in _articles(corpus):
        slug = meta.get("slug") or make_slug(meta["title"])
        assert slug.casefold() not in seen, (slug, seen.get(slug.casefold()))
        seen[slug.casefold()] = meta["title"]


def test_without_explicit_slugs_titles_collide(tmp_path: Path) -> None:
    folder = rc.generate(tmp_path / "plain", 80, seed=7, explicit_slugs=False)
    slugs = [make_slug(meta["title"]) for meta, _ in _articles(folder)]
    assert all("slug" not in meta for meta, _ in _articles(folder))
    assert len(set(slugs)) < len(slugs)


def test_registry_is_valid_and_names_recur_in_variant_spellings(corpus: Path) -> None:
    text = (corpus / "content" / "actors.yaml").read_text("utf-8")
    registry, problems = parse_registry(text, "unicode")
    assert problems == ()
    assert 150 <= len(registry) <= 300
    assert {a.kind for a in registry.actors} >= {"person", "state", "government", "organisation", "media"}
    bodies = "\n".join(body for _, body in _articles(corpus))
    # The most popular actor is named often; names appear with attached prefixes (لل for
    # ل + ال) and with their hamza left off, as real text writes them.
    top = rc.make_actors(random.Random(7))[0]
    assert bodies.count(top.ar.split()[-1]) >= 10
    names = [a.names["ar"] for a in registry.actors]
    assert any(f"لل{n[2:]}" in bodies or f"و{n}" in bodies or f"ب{n}" in bodies for n in names)
    bare = [n.translate(rc._HAMZA_OFF) for n in names]
    assert any(b != n and b in bodies for b, n in zip(bare, names, strict=True))
