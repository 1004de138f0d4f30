"""static/js/search.js against generator/text/arabic.py: the rule block is the generated one,
and the browser's normaliser and peeler give what the Python ones give.

The search page normalises a reader's query in the browser (``matchForm``) and repairs
excerpts with ``unprefixed``; the build wrote the index with ``match_form`` and
``arabic.unprefixed``. If the two sides drift apart a query stops finding what the index
holds, silently, so the JavaScript is run under node on real news words and generated ones.
Without node the comparison is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.text import arabic
from generator.text.arabic import JS_BEGIN, JS_END, SEARCH_JS, unprefixed, with_javascript_block
from generator.text.normalize import match_form
from tests.node_search import NodeScript

# Prefixed words as they appear in Arabic news, and spellings the match form folds.
NEWS_WORDS = (
    "وبالحكومة", "فالرئيس", "للأمم", "كالعادة", "وسيقول", "بالاتحاد", "والتعليم", "للوزير",
    "فبالمدارس", "للجنة", "وللجنة", "للائتلاف", "لإيران", "بإيران", "كإسرائيل", "وفلسطين",
    "فلسطين", "ولواشنطن", "الصحة", "وزارة", "مستشفى", "على", "علي", "الـوزير", "وَزِير",
    "وَالْحُكُومَةُ", "مؤتمر", "ورئيس", "لليمن", "فللمرة", "بالأمس", "كذلك", "وضع", "لا", "و",
    "ال", "عبدالله", "عبد الله", "٢٠٢٤", "۲۰۲۴", "ٱلحمد", "پاکستان", "وپاکستان", "گزارش",
    "می\u200cخواهم", "\u200fالعراق\u200f", "الأمم المتحدة", "Etilaf", "وEtilaf", "U.S.",
    "SOC", "Café", "", " ", "  وفرنسا  ", "\u0640\u0640",
)

# Characters on which Python's and node's Unicode tables agree (the Arabic block, assigned
# long before either version; ASCII; a few controls and marks). Outside it the two sides
# differ in known ways, left alone: ß casefolds to ss in Python but not in toLowerCase, a
# combining mark above U+FFFF stays in Python's form while search.js drops it, and node's
# Unicode tables are newer than Python 3.11's.
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
    st.sampled_from("abcXYZ019 .-'\t\n\u200c\u200f\u0301é"),
)
WORDS = st.text(ALPHABET, max_size=12)


# Reads one JSON list of strings a line, answers [matchForm(w), unprefixed(match_form(w))]
# per word: the peeler gets the Python match form, so each function is compared alone.
_DRIVER = """
const rules = require(process.argv[1]);
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const out = JSON.parse(line).map(([word, form]) => [rules.matchForm(word), rules.unprefixed(form)]);
  process.stdout.write(JSON.stringify(out) + "\\n");
});
"""


class NodeRules(NodeScript):
    """search.js loaded once in a node process, asked one batch of words at a time."""

    def __init__(self) -> None:
        super().__init__(_DRIVER, "search.js is not run against the Python rules")

    def words(self, words: list[str]) -> list[tuple[str, list[str]]]:
        return [(form, readings) for form, readings in self.send([[w, match_form(w)] for w in words])]


@pytest.fixture(scope="module")
def js() -> Iterator[NodeRules]:
    rules = NodeRules()
    yield rules
    rules.close()


def _assert_same(js: NodeRules, words: list[str]) -> None:
    for word, (js_form, js_readings) in zip(words, js.words(words), strict=True):
        form = match_form(word)
        assert js_form == form, f"matchForm({word!r})"
        # search.js lists the word itself first and may repeat a reading; Python does neither.
        assert tuple(r for r in dict.fromkeys(js_readings) if r != form) == unprefixed(form), \
            f"unprefixed({form!r})"


def test_generated_block_is_current() -> None:
    source = SEARCH_JS.read_text("utf-8")
    assert with_javascript_block(source) == source, \
        "static/js/search.js is out of date: run python -m generator.text.arabic --js"


def test_no_rule_is_copied_by_hand_outside_the_block() -> None:
    source = SEARCH_JS.read_text("utf-8")
    outside = source[:source.index(JS_BEGIN)] + source[source.index(JS_END):]
    assert not re.findall(r"\\u06[0-9a-fA-F]{2}", outside), "Arabic code points belong in arabic.py"
    assert "MIN_STEM" in outside


def test_the_command_rewrites_a_stale_block(tmp_path: Path) -> None:
    stale = tmp_path / "search.js"
    stale.write_text(SEARCH_JS.read_text("utf-8").replace("var MIN_STEM = 3;", "var MIN_STEM = 2;"),
                     "utf-8")
    assert arabic.main(["--check", "--file", str(stale)]) == 1
    assert arabic.main(["--js", "--file", str(stale)]) == 0
    assert stale.read_text("utf-8") == SEARCH_JS.read_text("utf-8")
    assert arabic.main(["--check", "--file", str(stale)]) == 0


def test_news_words_agree(js: NodeRules) -> None:
    _assert_same(js, list(NEWS_WORDS))


def test_prefixed_spellings_agree(js: NodeRules) -> None:
    stems = [match_form(w) for w in NEWS_WORDS]
    _assert_same(js, [p for stem in stems for p in arabic.prefixed(stem)])


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=20))
def test_generated_words_agree(js: NodeRules, words: list[str]) -> None:
    _assert_same(js, words)
