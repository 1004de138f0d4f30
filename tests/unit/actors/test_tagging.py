"""Automatic tagging: which actors a text names (table-driven), and tagging articles."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.actors import (
    actor_ids,
    articles_by_actor,
    co_actors,
    count_mentions,
    file_articles,
    find_actors,
    load_registry,
    matching_text,
    parse_registry,
    suggest_actors,
    tag_articles,
)
from generator.actors.outlets import OutletRegistry
from generator.core.config import SiteConfig
from generator.core.model import Article, Source, newest_first
from generator.text.arabic import prefixed
from generator.text.matcher import build_index, tokenize

CONFIG = SiteConfig(title="t", base_url="https://example.org/")

REGISTRY = """\
- id: coalition
  kind: organisation
  names: {ar: الائتلاف الوطني, en: Syrian National Coalition}
  aliases: [الائتلاف السوري, Etilaf, SOC]
- id: mustafa
  kind: person
  names: {ar: عبد الرحمن مصطفى, en: Abdurrahman Mustafa}
- id: france
  kind: state
  names: {ar: فرنسا, en: France}
  aliases: [الفرنسية]
- id: iran
  kind: state
  names: {ar: إيران, en: Iran}
- id: egypt
  kind: state
  names: {ar: مصر, en: Egypt}
- id: committee
  kind: organisation
  names: {ar: اللجنة الدستورية, en: Constitutional Committee}
- id: council
  kind: organisation
  names: {ar: مجلس الأمن, en: Security Council}
  aliases: [مجلس الأمن الدولي, UN]
- id: state-department
  kind: government
  names: {ar: الخارجية الأمريكية, en: State Department}
  aliases: [U.S. State Department]
- id: usa
  kind: state
  names: {ar: الولايات المتحدة, en: United States}
  aliases: [الأمريكية, US, U.S.]
- id: lebanon
  kind: state
  names: {ar: لبنان, en: Lebanon}
"""


@pytest.fixture(scope="module")
def registry():
    reg, problems = parse_registry(REGISTRY, CONFIG.slug_policy)
    assert problems == ()
    return reg


FOUND = [
    # (text, expected ids in registry order, what it pins)
    ("الائتلاف الوطني", ("coalition",), "plain"),
    ("والائتلاف الوطني", ("coalition",), "و + ال"),
    ("بالائتلاف الوطني", ("coalition",), "ب + ال"),
    ("للائتلاف الوطني", ("coalition",), "ل + ال written لل"),
    ("وللائتلاف الوطني", ("coalition",), "و + ل + ال"),
    ("فبالائتلاف الوطني", ("coalition",), "ف + ب + ال"),
    ("كالائتلاف السوري", ("coalition",), "ك + ال"),
    ("للجنة الدستورية", ("committee",), "ل + اللجنة: three lams written as two"),
    ("واللجنة الدستورية", ("committee",), "و + ال with a lam-initial word"),
    ("وفرنسا", ("france",), "و"),
    ("بفرنسا", ("france",), "ب"),
    ("لفرنسا", ("france",), "ل"),
    ("ففرنسا", ("france",), "ف"),
    ("وبفرنسا", ("france",), "و + ب"),
    ("كفرنسا", ("france",), "ك"),
    ("إلى فَرَنْسَا", ("france",), "tashkeel in the text"),
    ("بالفرنسية", ("france",), "ب + ال on an adjective alias"),
    ("للبنان", ("lebanon",), "ل before a lam-initial name"),
    ("لبنان", ("lebanon",), "a name that starts with a prefix letter"),
    ("مصرف لبنان المركزي", ("lebanon",), "مصر inside مصرف does not match"),
    ("بمصر", ("egypt",), "ب + مصر"),
    ("المصري", (), "a nisba adjective is another word"),
    ("مصرية", (), "a suffix is another word"),
    ("الإيرانيون", (), "ايران inside a longer word"),
    ("إيرانية", (), "ايران followed by letters"),
    ("الفرنسا", (), "the article is not stripped: ال + name is another word"),
    ("عبدالرحمن مصطفى", ("mustafa",), "عبد compound written joined"),
    ("وعبد الرحمن مصطفى", ("mustafa",), "و before a multi-word name"),
    ("مصطفى", (), "a surname alone is not an alias"),
    ("عبد الرحمن", (), "half a name"),
    ("مجلس الأمن الدولي", ("council",), "longest alias wins"),
    ("مجلس. الأمن", (), "a name never spans punctuation"),
    ("مجلس\nالأمن", ("council",), "a line break inside a name is a space"),
    ("الخارجية الأمريكية", ("state-department",), "longest match consumes its words"),
    ("الخارجية الأميركية الأمريكية", ("usa",), "the rest of the text is still scanned"),
    ("the U.S. State Department said", ("state-department",), "initials with dots"),
    ("U.S. troops", ("usa",), "acronym with dots"),
    ("US troops", ("usa",), "acronym in capitals"),
    ("let us go", (), "an acronym alias does not match lower case"),
    ("Un jour", (), "UN in title case is a French word"),
    ("the UN said", ("council",), "UN in capitals"),
    ("قال رئيس SOC إن", ("coalition",), "Latin acronym in Arabic text"),
    ("الـSOC", ("coalition",), "Arabic article glued to a Latin acronym"),
    ("society", (), "soc inside a longer Latin word"),
    ("وEtilaf", ("coalition",), "script change is a word boundary"),
    ("Abdurrahman Mustafa met ETILAF in France", ("coalition", "mustafa", "france"),
     "Latin names, case-folded"),
    ("Francé", ("france",), "accents fold"),
    ("Frances", (), "extra letters do not"),
    ("\u200fفرنسا\u200f", ("france",), "bidi marks around a name"),
    ("ايران\u200cها", ("iran",), "ZWNJ marks a morpheme boundary: the stem is the name"),
    ("Iran's plan", ("iran",), "apostrophe ends a word"),
    ("Iranian", (), "Latin word boundaries"),
    ("", (), "empty text"),
]


@pytest.mark.parametrize(("text", "expected", "why"), FOUND, ids=[f[2] for f in FOUND])
def test_find_actors(registry, text: str, expected: tuple[str, ...], why: str) -> None:
    assert find_actors(registry, text) == expected, why


def test_prefixed_forms() -> None:
    forms = set(prefixed("الائتلاف"))
    assert {"والائتلاف", "بالائتلاف", "للائتلاف", "فللائتلاف", "وبالائتلاف", "كالائتلاف"} <= forms
    assert "لالائتلاف" not in forms
    assert "للجنه" in prefixed("اللجنه")
    assert prefixed("SOC") == ()
    assert prefixed("مي") == ()


def test_ids_are_not_searched_in_text(registry) -> None:
    assert find_actors(registry, "the committee and the council met in usa") == ()


def test_mentions_counted(registry) -> None:
    assert count_mentions(registry, "فرنسا وفرنسا ولفرنسا، مصر") == {"france": 3, "egypt": 1}


def test_tokenize_memo_is_reused() -> None:
    memo: dict[str, tuple[str, ...]] = {}
    tokenize("فرنسا فرنسا", memo)
    assert list(memo) == ["فرنسا"]


def test_each_index_keeps_its_own_memo() -> None:
    """What one build's searches remember ends with its registry: nothing carries over."""
    first, second = build_index([("فرنسا", 0)]), build_index([("فرنسا", 0)])
    assert first.find("زار فرنسا") == [0]
    assert "فرنسا" in first.memo.forms() and not second.memo.forms()
    assert first == second  # the memo is not part of what an index is


# Texts where the piece-by-piece search (``AliasIndex.find``) must see exactly what
# ``tokenize`` sees: gaps inside and across pieces cut at spaces, words that vanish when
# normalised, scripts glued together, names at the very ends.
SAME_AS_TOKENIZE = [
    "مجلس الأمن", "مجلس  الأمن", "مجلس. الأمن", "مجلس .الأمن", "مجلس.الأمن", "مجلس-الأمن",
    "مجلس \u064e الأمن", "مجلس. \u064e الأمن", "مجلس \u064e.الأمن", "مجلس\u064e. الأمن",
    "مجلس \u200f، الأمن", "مجلس \u0640. الأمن", "مجلس\u2029الأمن", "مجلس \u2029 الأمن",
    "U.S. State Department", "U. S. State Department", "U.S.State Department", "u.s. troops",
    "US.troops", "x. U.S.", "الـSOC", "الـ SOC", "SOCSOC", "2024م فرنسا", "فرنسا2024 فرنسا",
    "وEtilaf", "و Etilaf", "Etilaf", " فرنسا ", "  ", " ", "فرنسا", "فرنسا فرنسا فرنسا",
    "الخارجية الأمريكية الأمريكية", "عبد الرحمن مصطفى", "عبد\u064e الرحمن مصطفى",
    "ﷲ مصر", "ﱞ مصر", "مصر ﱞ", "\u200cفرنسا\u200c", "SOC. U.S.", "A. U.S.", "the UN.",
]


def _same_as_tokenize(registry, text: str) -> None:
    index = registry.index
    want = index.scan(tokenize(text, {}))
    assert index.find(text, {}) == want, repr(text)
    assert index.find(text) == want, repr(text)  # the index's own memo, filled or not


@pytest.mark.parametrize("text", SAME_AS_TOKENIZE)
def test_find_equals_scan_of_tokenize(registry, text: str) -> None:
    _same_as_tokenize(registry, text)


def test_find_equals_scan_of_tokenize_on_random_text(registry) -> None:
    bits = ["مجلس", "الأمن", "الدولي", "فرنسا", "وفرنسا", "U", "S", "State", "Department",
            "SOC", "الـ", "عبد", "الرحمن", "مصطفى", " ", " ", " ", "  ", ".", "،", "-", "\n",
            "\u2029", "\u064e", "\u200f", "\u0640", "\u200c", "2024", "'"]
    rng = random.Random(5)
    for _ in range(400):
        _same_as_tokenize(registry, "".join(rng.choice(bits) for _ in range(rng.randint(1, 14))))


def test_plain_text_blocks_break_names(registry) -> None:
    assert find_actors(registry, matching_text("<p>مجلس</p><p>الأمن</p>")) == ()
    bold = matching_text("<p><strong>فرن</strong>سا &amp; more</p>")
    assert find_actors(registry, bold) == ("france",)
    assert "&" in matching_text("<p>a &amp; b</p>")


# -- articles --------------------------------------------------------------------------


def article(rel: str, title: str, body: str, actors: tuple[str, ...] = (),
            day: int = 1) -> Article:
    return Article(rel=rel, id=rel, slug=rel, title=title,
                   date=datetime(2020, 1, day, tzinfo=UTC), lang="ar",
                   body=body.encode(), summary="", actors=actors)


def test_tag_articles_resolves_and_adds(registry) -> None:
    articles = [article("a.md", "لقاء في باريس", "<p>التقى عبدالرحمن مصطفى بمسؤولين.</p>",
                        actors=("France", "الائتلاف السوري", "coalition"))]
    tagged, problems = tag_articles(articles, registry, CONFIG)
    assert problems == ()
    assert tagged[0].actors == ("france", "coalition", "mustafa")


def test_unknown_actor_warns_with_nearest_at_line(registry) -> None:
    articles = [article("a.md", "t", "", actors=("فرنسا", "مصطفى", "Etilav"))]
    _, problems = tag_articles(articles, registry, CONFIG, actor_lines={"a.md": [4, 5, 6]})
    assert [d.format() for d in problems] == [
        "a.md:5:1: warning[actor-unknown]: unknown actor `مصطفى`; add it to "
        "content/actors.yaml (nearest: `mustafa` (عبد الرحمن مصطفى))",
        "a.md:6:1: warning[actor-unknown]: unknown actor `Etilav`; add it to "
        "content/actors.yaml (nearest: `coalition` (الائتلاف الوطني))",
    ]
    _, strict = tag_articles(articles, registry, CONFIG, strict=True)
    assert [d.severity for d in strict] == ["error", "error"]
    assert strict[0].line == 0  # no line known: the whole file



def test_actor_ids_are_what_tagging_changes_and_filing_gives_them(registry) -> None:
    """The build tags by ``actor_ids`` and gives the ids to the articles as it files them:
    the same articles as tagging them, then filing them."""
    articles = [article("a.md", "لقاء في باريس", "<p>التقى عبدالرحمن مصطفى بمسؤولين.</p>",
                        actors=("France", "Etilav"), day=1),
                article("b.md", "t", "<p>نص</p>", actors=("france",), day=2),  # already as tagged
                dataclasses.replace(article("c.md", "فرنسا", "<p>نص</p>", day=3), source=Source("الوكالة"),
                                    topics=("أخبار",))]
    tagged, problems = tag_articles(articles, registry, CONFIG)
    ids, same_problems = actor_ids(articles, registry, CONFIG)
    assert same_problems == problems and len(problems) == 1
    assert dict(ids) == {"a.md": ("france", "mustafa"), "c.md": ("france",)}
    assert tagged[1] is articles[1]
    taxa, filed = file_articles(OutletRegistry(), newest_first(articles), "unicode", ids)
    then_taxa, then_filed = file_articles(OutletRegistry(), newest_first(tagged), "unicode")
    assert filed == then_filed and taxa == then_taxa
    assert filed[0].actors == ("france",) and filed[0].terms

@pytest.mark.parametrize(("mode", "expected"), [
    ("add", ("iran", "france")),
    ("suggest", ("iran",)),
    ("off", ("iran",)),
])
def test_auto_actors_modes(registry, mode: str, expected: tuple[str, ...]) -> None:
    config = SiteConfig(title="t", base_url="https://example.org/", auto_actors=mode)
    articles = [article("a.md", "فرنسا", "<p>نص</p>", actors=("إيران",))]
    tagged, _ = tag_articles(articles, registry, config)
    assert tagged[0].actors == expected
    hints = suggest_actors(tagged, registry)
    expected_hints = [] if mode == "add" else ["a.md: found in the text: france"]
    assert [h.format() for h in hints] == expected_hints


def test_articles_by_actor_newest_first(registry) -> None:
    arts = [article("old.md", "", "", ("france", "iran"), day=1),
            article("new.md", "", "", ("france",), day=3),
            article("mid.md", "", "", ("france", "iran"), day=2)]
    by = articles_by_actor(arts, registry)
    assert [a.rel for a in by["france"]] == ["new.md", "mid.md", "old.md"]
    assert by["egypt"] == ()
    assert set(by) == {a.id for a in registry.actors}
    assert co_actors(by, "france") == (("iran", 2),)


def test_co_actors_count_shared_articles_most_first_then_by_id_never_the_actor_itself() -> None:
    lists = [("a", "c", "b"), ("a", "b"), ("a", "d", "a"), ("a", "d"), ("a",), ("a", "c")]
    arts = [article(f"{n}.md", "", "", actors) for n, actors in enumerate(lists)]
    by = {"a": tuple(arts)}
    assert co_actors(by, "a") == (("b", 2), ("c", 2), ("d", 2))
    assert co_actors(by, "a", limit=2) == (("b", 2), ("c", 2))
    assert co_actors(by, "nobody") == ()


SEED = Path(__file__).resolve().parents[1] / "data" / "seed_article.txt"  # the seed article, as scraped


def test_seed_article_is_tagged_with_every_sample_actor() -> None:
    """The sample registry's actors are all named in the seed article; tagging finds each one
    through automatic tagging alone."""
    root = Path(__file__).resolve().parents[3]
    registry, problems = load_registry(root, CONFIG.slug_policy)
    assert problems == ()
    lines = SEED.read_text(encoding="utf-8").split("\n")
    title, body = lines[0], "".join(f"<p>{p}</p>" for p in lines[1:] if p.strip())
    tagged, problems = tag_articles([article("seed.md", title, body)], registry, CONFIG)
    assert problems == ()
    assert tagged[0].actors == tuple(a.id for a in registry.actors)
