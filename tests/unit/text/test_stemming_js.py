"""static/js/search.js against generator/text/stemming.py: the browser's ``bare``, ``stem``,
``wordKeys`` and ``queryKey`` give what the Python ones give.

The build keys the search index with ``word_keys``; the search page looks a reader's words up
with ``queryKey``. If the two sides drift apart a query stops finding what the index holds,
silently, so the JavaScript is run under node on every word of the benchmark corpus's word
tables (the 30,000 Arabic and 10,000 English words real news text is made of most), the
words of the test sites' articles, inflected English forms and generated words. Without node
the comparison is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text.arabic import SEARCH_JS, prefixed
from generator.text.stemming import bare, query_key, stem, word_keys
from tests.node_search import NodeScript

ROOT = Path(__file__).resolve().parents[3]
WORD_TABLES = (ROOT / "benchmarks" / "data" / "ar_news_words.tsv",
               ROOT / "benchmarks" / "data" / "en_news_words.tsv")
SITES = ROOT / "tests" / "sites"

# Inflected English forms, for every rule of Porter's steps 1a-1c and its fix-ups.
INFLECTED = (
    "caresses", "ponies", "ties", "caress", "cats", "feed", "agreed", "plastered", "bled", "motoring", "sing",
    "conflated", "troubled", "sized", "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing",
    "happy", "sky", "elections", "governments", "ministries", "talks", "talked", "talking", "killed", "forces",
    "states", "stated", "stating", "voting", "voted", "votes", "running", "crying", "cries", "cried", "eyed",
    "toyed", "played", "says", "yes", "agreeing", "disagreed", "proceed", "exceeded", "needed", "succeeding",
    "referred", "controlled", "rebelled", "buzzing", "missed", "boxed", "snowing", "mixed", "fixing", "enabled",
    "troubling", "realized", "organizing", "rationalized", "abilities", "activities", "studies", "studying",
    "studied", "denied", "denying", "dying", "lying", "tying", "hurrying", "worried", "ceased", "used", "using",
    "users", "pressed", "dressing", "bussed", "buses", "gases", "gassed", "sanctions", "sanctioned", "negotiations",
    "negotiating", "ceasefire", "hostages", "released", "releasing", "strikes", "striking", "struck", "wounded",
    "injured", "injuries", "casualties", "refugees", "displaced", "bombed", "bombing", "shelling", "shelled",
    "parliament", "parliamentary", "lawmakers", "protests", "protested", "protesting", "reported", "reporting",
    "reporters", "rallies", "rallied", "cyclists", "ugly", "spies", "spied", "skies", "skying", "eed", "ed", "ing",
    "ies", "sses", "ss", "s", "y", "ay", "yy", "bying", "hiking", "biked", "liked",
)

# Words with punctuation, digits, other scripts and prefixes, as they stand in articles.
ODD_WORDS = [
    "U.S.", "al-Assad's", "«الحكومة»", "(وبالحكومات)", "2,000", "covid-19", "F-16s", "Café",
    "naïve", "Türkiye", "москвы", "城市", "پاکستانها", "وپاکستان", "گزارشات",
    "می\u200cخواهم", "\u200fالعراق\u200f", "وَالْحُكُومَةُ", "الـوزير", "٢٠٢٤", "ﻻ", "...", "—",
    "", " ", "للوزيرة", "للجنة", "فللمرة", "وEtilaf", "الـSOC", "ELECTIONS", "Governments,",
]

# As in test_arabic_js.py: characters on which Python's and node's Unicode tables agree (the
# Arabic block, ASCII, a few controls and marks); outside it they differ in known ways.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.sampled_from("abcdeilnorstuyzXYZ019 .-'\t\u200c\u200f\u0301é"),
)
WORDS = st.text(ALPHABET, max_size=12)
# Words of the letters each stemmer reads, to reach its rules more often.
ARABIC_FORMS = st.text(st.sampled_from("ابتحدرسعلمنهوي"), min_size=1, max_size=9)
LATIN_FORMS = st.text(st.sampled_from("abdeilnorstyz"), min_size=1, max_size=10)


def _table_words(path: Path) -> list[str]:
    """The words of a benchmark word table: # comments, a header line, then word, tab, count
    (the word "word" among them)."""
    header, *rows = [line for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    assert header == "word\tper_billion"
    return [row.split("\t")[0] for row in rows]


def _site_words() -> list[str]:
    """Every whitespace-separated word of the test sites' Markdown (valid UTF-8 files)."""
    words: set[str] = set()
    for path in sorted(SITES.rglob("*.md")):
        try:
            words.update(path.read_text("utf-8").split())
        except UnicodeDecodeError:
            continue  # a site of invalid input (cp1256)
    return sorted(words)


# Reads one JSON list of [word, Python's bare form] a line, answers per word
# [bare(word), stem(form), wordKeys(word), queryKey(word)]: stem gets the Python bare form,
# so it is compared alone.
_DRIVER = """
const rules = require(process.argv[1]);
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const out = JSON.parse(line).map(([word, form]) =>
    [rules.bare(word), rules.stem(form), rules.wordKeys(word), rules.queryKey(word)]);
  process.stdout.write(JSON.stringify(out) + "\\n");
});
"""

BATCH = 5000


class NodeStems(NodeScript):
    """search.js loaded once in a node process, asked one batch of words at a time."""

    def __init__(self) -> None:
        super().__init__(_DRIVER, "search.js is not run against the Python rules")

    def words(self, words: list[str]) -> list[tuple[str, str, tuple[str, ...], str]]:
        answers: list[tuple[str, str, tuple[str, ...], str]] = []
        for start in range(0, len(words), BATCH):
            batch = words[start:start + BATCH]
            answers += [(b, s, tuple(keys), q) for b, s, keys, q in self.send([[w, bare(w)] for w in batch])]
        return answers


@pytest.fixture(scope="module")
def js() -> Iterator[NodeStems]:
    rules = NodeStems()
    yield rules
    rules.close()


def _assert_same(js: NodeStems, words: list[str]) -> None:
    for word, (js_bare, js_stem, js_keys, js_query) in zip(words, js.words(words), strict=True):
        form = bare(word)
        assert js_bare == form, f"bare({word!r})"
        assert js_stem == stem(form), f"stem({form!r})"
        assert js_keys == word_keys(word), f"wordKeys({word!r})"
        assert js_query == query_key(word), f"queryKey({word!r})"


def test_the_functions_are_exported_and_use_the_generated_suffixes() -> None:
    source = SEARCH_JS.read_text("utf-8")
    for name in ("stem", "wordKeys", "queryKey", "bare"):
        assert re.search(rf"\b{name}: {name}\b", source), f"{name} is not in module.exports"
    assert "ARABIC_SUFFIXES.forEach" in source


def test_benchmark_word_tables_agree(js: NodeStems) -> None:
    arabic, english = (_table_words(path) for path in WORD_TABLES)
    assert len(arabic) >= 30_000 and len(english) >= 10_000
    _assert_same(js, arabic + english)


def test_prefixed_benchmark_words_agree(js: NodeStems) -> None:
    arabic = _table_words(WORD_TABLES[0])[:2000]
    _assert_same(js, [p for word in arabic for p in prefixed(bare(word))[:6]])


def test_site_words_agree(js: NodeStems) -> None:
    words = _site_words()
    assert len(words) > 500
    _assert_same(js, words)


def test_inflected_and_odd_words_agree(js: NodeStems) -> None:
    _assert_same(js, [*INFLECTED, *(w.upper() for w in INFLECTED), *ODD_WORDS])


@settings(max_examples=300)
@given(st.lists(st.one_of(WORDS, ARABIC_FORMS, LATIN_FORMS), min_size=1, max_size=30))
def test_generated_words_agree(js: NodeStems, words: list[str]) -> None:
    _assert_same(js, words)
