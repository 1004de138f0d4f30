"""Automatic tagging: quality on a labelled corpus, throughput on a generated one.

**Quality** (``--quality``, also printed first by default): the sentences of
``tests/fixtures/tagging/corpus.tsv``, each with its category and the actors it names, tagged
with the registry ``tests/fixtures/tagging/actors.yaml``. Reported: precision, recall and F1
over (sentence, actor) pairs, the misses and false finds per category, and the actors found
inside an unrelated word (the ``trap`` category) — for mawjaz and for a naive matcher (each
name and alias in the match form, with attached prefixes, at word boundaries; nisba forms
and shared aliases as plain aliases), so the rules' share is visible.

**Throughput**:

A registry of 2,000 actors with 5 aliases each (Arabic and Latin, one to three words, some
with the article ال, some acronyms) and 10,000 articles of 300-700 words, mostly Arabic, each
naming a few actors through an alias with attached prefixes (و، ب، لل، وال …). Reports the
time to validate and index the registry, the time to tag every article, and throughput; then
checks that every planted actor was found, so a fast but wrong matcher cannot pass.

    python benchmarks/tagging.py [--articles 10000] [--actors 2000] [--seed 7] [--quality]

Must finish in well under 60 s on a 2-core machine (issue 3).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.actors import find_actors, parse_registry, tag_articles
from generator.actors.registry import ActorRegistry, claims, nisba_forms
from generator.core.config import SiteConfig
from generator.core.model import Article
from generator.text.arabic import prefixed
from generator.text.normalize import match_form

QUALITY = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tagging"


def read_corpus(path: Path = QUALITY / "corpus.tsv") -> list[tuple[str, frozenset[str], str]]:
    """(category, expected actor ids, text) for each line of the labelled corpus."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        category, ids, text = line.split("\t")
        rows.append((category, frozenset() if ids == "-" else frozenset(ids.split(",")), text))
    return rows


def naive_finder(registry: ActorRegistry):
    """The baseline: every name, alias and nisba form of every actor, in the match form, with
    any attached prefix, between word boundaries; no other rule."""
    import re

    table = []
    for actor in registry.actors:
        texts = [*claims(actor), *(nisba_forms(actor.nisba) if actor.nisba else ())]
        for text in texts:
            form = match_form(text)
            spellings = "|".join(re.escape(f) for f in sorted({form, *prefixed(form)}, key=len,
                                                               reverse=True))
            table.append((re.compile(rf"(?<!\w)(?:{spellings})(?!\w)"), actor.id))

    def find(text: str) -> frozenset[str]:
        folded = match_form(text)
        return frozenset(actor_id for pattern, actor_id in table if pattern.search(folded))

    return find


def quality() -> dict[str, float]:
    """Score mawjaz and the naive matcher on the labelled corpus; print the tables."""
    from collections import Counter

    registry, problems = parse_registry((QUALITY / "actors.yaml").read_text(encoding="utf-8"),
                                        "unicode")
    assert not problems, [p.format() for p in problems]
    corpus = read_corpus()
    finders = {"mawjaz": lambda text: frozenset(find_actors(registry, text)),
               "naive": naive_finder(registry)}
    scores: dict[str, float] = {}
    print(f"tagging quality: {len(corpus)} labelled sentences, {len(registry.actors)} actors "
          "(tests/fixtures/tagging)")
    print(f"{'matcher':<9}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}{'in a word':>11}")
    for name, find in finders.items():
        tp = fp = fn = inside = 0
        misses: Counter[str] = Counter()
        extra: Counter[str] = Counter()
        for category, want, text in corpus:
            got = find(text)
            tp += len(got & want)
            fp += len(got - want)
            fn += len(want - got)
            misses[category] += len(want - got)
            extra[category] += len(got - want)
            inside += len(got - want) if category == "trap" else 0
        precision = tp / max(1, tp + fp)
        recall = tp / max(1, tp + fn)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{name:<9}{precision:>7.3f}{recall:>7.3f}{f1:>7.3f}{tp:>5}{fp:>5}{fn:>5}{inside:>11}")
        print("         misses per category: "
              + (", ".join(f"{k} {v}" for k, v in sorted(misses.items()) if v) or "none")
              + "; false finds per category: "
              + (", ".join(f"{k} {v}" for k, v in sorted(extra.items()) if v) or "none"))
        scores.update({f"{name}_precision": precision, f"{name}_recall": recall,
                       f"{name}_f1": f1, f"{name}_inside": inside})
    return scores

ARABIC = "ابتثجحخدذرزسشصضطظعغفقكمنهي"  # no و or ل first letters: keeps planted forms unambiguous
LATIN = "abcdefghijklmnopqrstuvwxyz"
FILLER_AR = ("الحكومة", "المعارضة", "العملية", "السياسية", "اجتماع", "بحث", "تطورات", "الأوضاع",
             "المدنيين", "اتفاق", "وقف", "إطلاق", "النار", "المساعدات", "العقوبات", "قال", "أكد",
             "إلى", "في", "على", "من", "مع", "حول", "بعد", "خلال", "التي", "الذي", "هذه", "ذلك",
             "وقال", "بشأن", "للمدنيين", "والأمن", "بالتزامن", "مصرف", "مصري", "الإيرانيين")
FILLER_EN = ("government", "opposition", "council", "talks", "civilians", "ceasefire", "aid",
             "said", "the", "and", "of", "in", "on", "with", "after", "Monday", "The")
PREFIXES = ("", "", "و", "ب", "ف", "وب", "ك")


def word(rng: random.Random, letters: str, low: int, high: int) -> str:
    return "".join(rng.choice(letters) for _ in range(rng.randint(low, high)))


def make_registry(rng: random.Random, count: int) -> tuple[str, list[list[str]]]:
    """YAML text and, per actor, the aliases to plant in articles."""
    seen: set[str] = set()
    lines: list[str] = []
    planted: list[list[str]] = []

    def fresh(make) -> str:
        while True:
            value = make()
            if value.casefold() not in seen:
                seen.add(value.casefold())
                return value

    for i in range(count):
        ar_first = fresh(lambda: word(rng, ARABIC, 4, 7))
        ar_last = fresh(lambda: word(rng, ARABIC, 4, 7))
        en = fresh(lambda: word(rng, LATIN, 4, 8).title() + " " + word(rng, LATIN, 5, 9).title())
        ar_full = f"{ar_first} {word(rng, ARABIC, 3, 5)} {ar_last}"
        article_form = fresh(lambda: "ال" + word(rng, ARABIC, 4, 7))  # e.g. الائتلاف
        acronym = fresh(lambda: word(rng, LATIN.upper(), 3, 5))
        aliases = [f"{ar_first} {ar_last}", f"{article_form} {ar_last}", en.split()[1] + "ian",
                   acronym if i % 2 else f"{ar_last}{ar_first}"]
        lines += [f"- id: actor-{i}", f"  kind: {'person' if i % 3 else 'organisation'}",
                  "  names:", f"    ar: {ar_full}", f"    en: {en}",
                  "  aliases: [" + ", ".join(aliases) + "]"]
        planted.append([ar_full, *aliases, en])
    return "\n".join(lines) + "\n", planted


def plant(rng: random.Random, alias: str) -> str:
    """The alias as it might appear in running text, with an attached prefix."""
    if alias.isascii():
        return alias
    if alias.startswith("ال") and rng.random() < 0.3:
        return rng.choice(("لل", "ولل")) + alias[2:]
    return rng.choice(PREFIXES) + alias


def make_articles(rng: random.Random, count: int, planted: list[list[str]]
                  ) -> tuple[list[Article], list[set[int]]]:
    articles, expected = [], []
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for index in range(count):
        english = rng.random() < 0.1
        filler = FILLER_EN if english else FILLER_AR
        who = {min(int(rng.paretovariate(1.1)) - 1, len(planted) - 1)
               for _ in range(rng.randint(2, 5))}
        paragraphs, total, named = [], rng.randint(300, 700), set()
        while total > 0:
            size = min(total, rng.randint(40, 90))
            total -= size
            words = [rng.choice(filler) for _ in range(size)]
            if who and rng.random() < 0.5:
                actor = rng.choice(sorted(who))
                alias = rng.choice(planted[actor][-1:] if english else planted[actor][:-1])
                words.insert(rng.randrange(len(words)), plant(rng, alias))
                named.add(actor)
            paragraphs.append("<p>" + " ".join(words) + ".</p>")
        title = " ".join(rng.choice(filler) for _ in range(8))
        body = "\n".join(paragraphs)
        articles.append(Article(rel=f"content/articles/{index:05d}.md", id=str(index),
                                slug=str(index), title=title,
                                date=start + timedelta(minutes=37 * index),
                                lang="en" if english else "ar", body=body.encode(), summary=""))
        expected.append(named)
    return articles, expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quality", action="store_true", help="only the labelled-corpus quality")
    args = parser.parse_args()
    scores = quality()
    if args.quality:
        return 0 if scores["mawjaz_f1"] >= 0.95 and not scores["mawjaz_inside"] else 1
    print()
    rng = random.Random(args.seed)
    config = SiteConfig(title="bench", base_url="https://example.org/")

    t0 = time.perf_counter()
    yaml_text, planted = make_registry(rng, args.actors)
    articles, expected = make_articles(rng, args.articles, planted)
    t1 = time.perf_counter()
    registry, problems = parse_registry(yaml_text, config.slug_policy)
    t2 = time.perf_counter()
    tagged, _ = tag_articles(articles, registry, config)
    t3 = time.perf_counter()

    errors = [d for d in problems if d.severity == "error"]
    chars = sum(len(a.title) + len(a.body_html) for a in articles)
    words = sum(a.body_html.count(" ") + 1 for a in articles)
    missed = sum(1 for art, want in zip(tagged, expected, strict=True)
                 if not {f"actor-{i}" for i in want} <= set(art.actors))
    extra = sum(len(set(art.actors) - {f"actor-{i}" for i in want})
                for art, want in zip(tagged, expected, strict=True))
    aliases = sum(1 + len(a.aliases) + len(a.names) - 1 for a in registry.actors)
    print(f"corpus: {len(articles)} articles, {chars / 1e6:.1f} M characters, ~{words / 1e6:.1f} M "
          f"words (generated in {t1 - t0:.1f} s)")
    print(f"registry: {len(registry.actors)} actors, {aliases} names and aliases; validated and "
          f"indexed in {t2 - t1:.2f} s ({len(errors)} errors)")
    print(f"tagging: {t3 - t2:.2f} s = {len(articles) / (t3 - t2):,.0f} articles/s, "
          f"{chars / 1e6 / (t3 - t2):.1f} M characters/s")
    print(f"check: {len(articles) - missed}/{len(articles)} articles carry every planted actor; "
          f"{sum(len(a.actors) for a in tagged)} tags in all, {extra} not planted")
    return 1 if errors or missed or extra else 0


if __name__ == "__main__":
    raise SystemExit(main())
