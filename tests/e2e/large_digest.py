"""A generated digest that stresses the theme harder than the two-article sample does.

More articles than one page holds (so the archive paginates), Arabic and English interleaved,
very long titles, an unbreakable long word and URL, a wide table and a long code line (the
usual causes of sideways scrolling on a phone), and dozens of actors with long names, several
per article; outlets (registered, named only, URLs only) and topics in Arabic and English
spelling variants, so that source and topic pages are checked too. Deterministic: the same
digest every run.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import copy_digest

ARTICLES = 45
EXTRA_ACTORS = 40

AR_WORDS = ("الائتلاف", "مجلس", "الأمن", "الدولي", "المبعوث", "الخاص", "الحكومة", "المؤقتة",
            "اللجنة", "الدستورية", "المفاوضات", "جنيف", "وقف", "إطلاق", "النار", "المساعدات",
            "الإنسانية", "المعابر", "الحدودية", "اللاجئين", "العودة", "الطوعية", "إعادة", "الإعمار")
EN_WORDS = ("coalition", "council", "envoy", "talks", "Geneva", "ceasefire", "aid", "border",
            "crossings", "refugees", "return", "reconstruction", "sanctions", "committee",
            "constitution", "delegation", "humanitarian", "negotiations")
AR_NAMES = ("هيئة", "التنسيق", "الوطنية", "لقوى", "التغيير", "الديمقراطي", "المجلس", "المحلي",
            "لمدينة", "حلب", "الحرة", "رابطة", "المستقلين", "الكرد", "السوريين")


def _words(pool: tuple[str, ...], start: int, count: int) -> str:
    return " ".join(pool[(start + k * 7) % len(pool)] for k in range(count))


def _actors_yaml(base: str) -> str:
    lines = [base.rstrip(), ""]
    for i in range(EXTRA_ACTORS):
        ar = _words(AR_NAMES, i, 4 + i % 6)
        lines += [f"- id: generated-actor-{i:02d}",
                  f"  kind: {('organisation', 'person', 'government')[i % 3]}",
                  "  names:",
                  f"    ar: {ar} {i + 1}",
                  f"    en: Generated Organisation for Long Names Number {i + 1}",
                  ""]
    return "\n".join(lines)


# An outlet registry with names in both languages; sources cycle through it, unregistered
# names and bare URLs.
SOURCES_YAML = """\
- id: wire
  names: {ar: وكالة الأنباء الدولية للأخبار العاجلة والتقارير الموسعة, en: The International Wire}
  hosts: [wire.example.org]
  url: https://www.wire.example.org/
  description: وكالة أنباء مسجلة في سجل المصادر.
"""
SOURCES = ("source: https://news.wire.example.org/item",
           "source: {name: The International Wire}",
           "source: {name: مدونة المراقب المستقل, url: https://observer.example.net/post}",
           "source: https://observer.example.net/other",
           "source: https://www.very-long-independent-newsroom-name.example.com/a/b")
TOPICS = ("[أخبار, Economy]", "[اخبار, اللاجئون]", "[economy, Refugees]", "[أخبارٌ]",
          "[اللاجئون, U.S.]", "[U S, الاقتصاد السوري في زمن الحرب والعقوبات الدولية]")


def _article(i: int, actor_ids: list[str]) -> str:
    english = i % 3 == 1
    lang = "en" if english else "ar"
    day = 1 + i % 28
    month = 1 + (i // 28)
    if english:
        title = f"{_words(EN_WORDS, i, 14 + i % 9).capitalize()} ({i})"
    else:
        title = f"{_words(AR_WORDS, i, 16 + i % 11)} ({i})"
    if i % 5 == 0:
        title += " Pneumonoultramicroscopicsilicovolcanoconiosis-Antidisestablishmentarianism"
    picked = [actor_ids[(i * 5 + k) % len(actor_ids)] for k in range(3 + i % 9)]
    words = EN_WORDS if english else AR_WORDS
    body = [_words(words, i + p, 40 + p * 13) + "." for p in range(3)]
    if i % 4 == 0:
        body.append("https://example.org/a/very/long/path/that/does/not/break/anywhere/"
                    "because/it/has/no/spaces/in/it/at/all/" + "x" * 80)
    if i % 6 == 0:
        header = " | ".join(f"{w} {k}" for k, w in enumerate(words[:9]))
        row = " | ".join(str(1000 * k + i) for k in range(9))
        body.append(f"| {header} |\n|{'---|' * 9}\n| {row} |")
    if i % 7 == 0:
        body.append("    " + "long_code_line_" * 20)
    front = [f'title: "{title}"', f"date: 2026-{month:02d}-{day:02d}T{8 + i % 12:02d}:30:00+03:00",
             # Long titles make long slugs that the slug length limit cuts alike: name them.
             f"slug: {'item' if english else 'خبر'}-{i:02d}",
             f"lang: {lang}", "actors:", *(f"  - {a}" for a in picked),
             SOURCES[i % len(SOURCES)], f"{'tags' if i % 2 else 'topics'}: {TOPICS[i % len(TOPICS)]}"]
    if i % 4 == 1:
        front += ['byline: "كاتب المقال"', f"published: 2021-{month:02d}-{day:02d}"]
    return "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(body) + "\n"


def write_large_digest(repo: Path, dest: Path) -> Path:
    """The sample's configuration, theme and actors, plus generated actors and articles."""
    copy_digest(repo, dest)
    articles = dest / "content" / "articles"
    for old in articles.glob("*.md"):
        old.unlink()
    registry = dest / "content" / "actors.yaml"
    base = registry.read_text(encoding="utf-8") if registry.is_file() else ""
    registry.write_text(_actors_yaml(base), encoding="utf-8")
    import yaml  # a dependency of the package itself

    actor_ids = [a["id"] for a in yaml.safe_load(registry.read_text(encoding="utf-8"))]
    (dest / "content" / "sources.yaml").write_text(SOURCES_YAML, encoding="utf-8")
    for i in range(ARTICLES):
        (articles / f"generated-{i:02d}.md").write_text(_article(i, actor_ids), encoding="utf-8")
    return dest
