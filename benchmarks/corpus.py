"""Generate a deterministic synthetic digest for benchmarks.

N Arabic articles of 300-900 words (10% English), 2-5 actors each drawn from a Zipf-like
distribution over a registry of a few hundred actors, headings, lists, links and, for some
articles, a pasted boilerplate tail. The same seed always gives the same files, so timings
from different commits compare like with like.

    python benchmarks/corpus.py DIR --articles 10000
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

AR_WORDS = ("الحكومة", "المعارضة", "مجلس", "الأمن", "الدولي", "العملية", "السياسية", "وزير",
            "الخارجية", "اجتماع", "بحث", "تطورات", "الأوضاع", "المدنيين", "اتفاق", "وقف",
            "إطلاق", "النار", "الإنسانية", "المساعدات", "الاقتصادية", "العقوبات", "الانتخابات",
            "اللجنة", "الدستورية", "المبعوث", "الخاص", "المنطقة", "الشمال", "الجنوب", "المدينة",
            "قال", "أكد", "أشار", "دعا", "إلى", "في", "على", "من", "مع", "حول", "بعد", "قبل",
            "خلال", "التي", "الذي", "هذه", "ذلك", "جديدة", "الجهود", "التصعيد", "الحل", "الشامل")
EN_WORDS = ("government", "opposition", "council", "security", "process", "political", "minister",
            "meeting", "talks", "civilians", "ceasefire", "aid", "sanctions", "elections", "envoy",
            "region", "said", "called", "for", "the", "and", "of", "in", "on", "with", "after")
TAILS = ("مقالات ذات صلة\n\nاترك تعليقاً\n\nلن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *\n\n"
         "زر الذهاب إلى الأعلى",
         "شارك هذا المقال\n\nفيسبوك تويتر واتساب تلغرام",
         "Related posts\n\nLeave a Reply\n\nYour email address will not be published.")


def actor_registry(count: int) -> str:
    lines = []
    for i in range(count):
        lines += [f"- id: actor-{i}", "  kind: person" if i % 3 else "  kind: organisation",
                  "  names:", f"    ar: الفاعل{_ar_number(i)} المعروف", f"    en: Actor Number {i}",
                  "  aliases:", f"    - Actor{i}"]
    return "\n".join(lines) + "\n"


def _ar_number(i: int) -> str:
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    text = ""
    while True:
        text = letters[i % len(letters)] + text
        i //= len(letters)
        if not i:
            return text


def zipf_pick(rng: random.Random, count: int) -> int:
    return min(int(rng.paretovariate(1.1)) - 1, count - 1)


def article(rng: random.Random, index: int, actors: int, start: datetime) -> str:
    english = rng.random() < 0.1
    words = EN_WORDS if english else AR_WORDS
    chosen = sorted({zipf_pick(rng, actors) for _ in range(rng.randint(2, 5))})
    when = start + timedelta(minutes=37 * index)
    title = " ".join(rng.choice(words) for _ in range(rng.randint(6, 12)))
    body, total = [], rng.randint(300, 900)
    while total > 0:
        size = min(total, rng.randint(40, 90))
        total -= size
        sentence = " ".join(rng.choice(words) for _ in range(size))
        if rng.random() < 0.3 and chosen:
            who = chosen[rng.randrange(len(chosen))]
            sentence += f" Actor Number {who}." if english else f" وقال الفاعل{_ar_number(who)} المعروف."
        body.append(sentence)
        if rng.random() < 0.1:
            body.append(f"## {' '.join(rng.choice(words) for _ in range(4))}")
        if rng.random() < 0.05:
            body.append("\n".join(f"- {rng.choice(words)} {rng.choice(words)}" for _ in range(3)))
        if rng.random() < 0.05:
            body.append(f"[{rng.choice(words)}](https://example.com/{index})")
    if rng.random() < 0.2:
        body.append(rng.choice(TAILS))
    front = [f'title: "{title} {index}"', f"date: {when.isoformat()}",
             f"lang: {'en' if english else 'ar'}", f"actors: [{', '.join(f'actor-{c}' for c in chosen)}]"]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(body) + "\n"


def generate(folder: Path, articles: int, actors: int = 300, seed: int = 7) -> Path:
    rng = random.Random(seed)
    target = folder / "content" / "articles"
    target.mkdir(parents=True, exist_ok=True)
    (folder / "mawjaz.toml").write_text(
        'title = "Benchmark digest"\nbase_url = "https://example.org/bench/"\n'
        'timezone = "Asia/Damascus"\nbuild_date = 2030-01-01T00:00:00+02:00\n', "utf-8")
    (folder / "content" / "actors.yaml").write_text(actor_registry(actors), "utf-8")
    # Early enough that even 50,000 articles (37 minutes apart) are all in the past: a
    # future-dated article is not published, and would not be measured.
    start = datetime(2020, 1, 1, 8, 0)
    for index in range(articles):
        (target / f"{index:06d}.md").write_text(article(rng, index, actors, start), "utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--actors", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.folder, args.articles, args.actors, args.seed)


if __name__ == "__main__":
    main()
