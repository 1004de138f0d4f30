"""The excerpt rule of static/js/search.js, run under node on records shaped like Pagefind's.

A record's content is the article's visible words (title first), then the sentinel and the
index-only forms (generator/pages/search.py). Pagefind's own excerpt is drawn around the
words it located, which are index-only forms when those are what matched; a reader must
never see them. So search.js builds every excerpt from the visible words alone; these tests
hold it to that on hand-made records and on generated ones, where the locations point
anywhere. The browser side (real bundles, real queries) is tests/e2e/test_search.py.
Without node the tests are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pages.search import SENTINEL
from generator.text.arabic import SEARCH_JS

# Reads one JSON [record, query] a line, answers search.js's excerpt of the record for the query.
_DRIVER = """
const search = require(process.argv[1]);
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [record, query] = JSON.parse(line);
  const shown = search.excerpt(record, search.queryForms(search.matchForm(query)), search.SENTINEL);
  process.stdout.write(JSON.stringify(shown) + "\\n");
});
"""


class NodeExcerpt:
    """search.js loaded once in a node process, asked for one excerpt at a time."""

    def __init__(self, node: str) -> None:
        self._proc = subprocess.Popen([node, "-e", _DRIVER, str(SEARCH_JS)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def ask(self, record: dict[str, Any], query: str) -> dict[str, Any]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps([record, query]) + "\n")
        self._proc.stdin.flush()
        return json.loads(self._proc.stdout.readline())

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait()


@pytest.fixture(scope="module")
def js() -> Iterator[NodeExcerpt]:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is needed to check static/js/search.js (CI=true does not skip)")
        pytest.skip("node is not installed: search.js's excerpts are not checked")
    excerpts = NodeExcerpt(node)
    yield excerpts
    excerpts.close()


def record(title: str, visible: str, hidden: str = "", located: tuple[str, ...] = ()) -> dict[str, Any]:
    """A record as Pagefind's ``data()`` gives it: ``located`` words are found in the hidden
    part when there is one (where an index-only match points), else in the visible part."""
    content = f"{title}. {visible}" + (f" {SENTINEL} {hidden}" if hidden else "")
    words = content.split()
    cut = words.index(SENTINEL) if hidden else len(words)
    locations = [n for n, w in enumerate(words)
                 if w.strip(".") in located and (n > cut if hidden else True)]
    return {"content": content, "meta": {"title": title}, "locations": locations}


def texts(shown: dict[str, Any], part: str = "words") -> list[str]:
    return [w["text"] for w in shown[part]]


def marked(shown: dict[str, Any], part: str = "words") -> list[str]:
    return [w["text"] for w in shown[part] if w["mark"]]


def test_an_index_only_match_shows_the_article_word(js: NodeExcerpt) -> None:
    shown = js.ask(record("خطة جديدة للمدارس", "أعلنت الحكومة خطة تخص المدارس والتعليم العالي.",
                          "تعليم التعليم الحكومه حكومه", located=("تعليم",)), "تعليم")
    assert texts(shown) == ["أعلنت", "الحكومة", "خطة", "تخص", "المدارس", "والتعليم", "العالي."]
    assert marked(shown) == ["والتعليم"]
    assert texts(shown, "title") == ["خطة", "جديدة", "للمدارس"] and marked(shown, "title") == []


def test_query_forms_mark_prefixed_words_without_locations(js: NodeExcerpt) -> None:
    """A record whose locations are unknown still marks what the query's forms match."""
    shown = js.ask(record("الحكومة تجتمع", "قالت الحكومة إن الوزير والحكومة متفقان."), "حكومة")
    assert marked(shown) == ["الحكومة", "والحكومة"]
    assert marked(shown, "title") == ["الحكومة"]


def test_a_word_pagefind_located_is_marked(js: NodeExcerpt) -> None:
    """Pagefind's stemmer found "elections" for "election": its location says so."""
    shown = js.ask(record("Councils prepare", "Officials said the elections would be held.",
                          located=("elections",)), "election")
    assert marked(shown) == ["elections"]


def test_the_excerpt_is_cut_around_the_first_match(js: NodeExcerpt) -> None:
    before = [f"قبل{n}" for n in range(60)]
    after = [f"بعد{n}" for n in range(60)]
    shown = js.ask(record("عنوان", " ".join([*before, "والحكومة", *after]), "حكومه"), "حكومة")
    words = texts(shown)
    assert marked(shown) == ["والحكومة"]
    assert 10 <= len(words) <= 40 and words[0].startswith("قبل") and words[-1].startswith("بعد")
    assert shown["cutStart"] and shown["cutEnd"]
    assert " ".join(words) in " ".join([*before, "والحكومة", *after])


def test_a_summary_repeating_the_first_paragraph_is_said_once(js: NodeExcerpt) -> None:
    paragraph = "ناقش المجتمعون أوضاع الصحة العامة في المدن الكبرى."
    shown = js.ask(record("اجتماع", f"{paragraph} {paragraph} وختموا الجلسة.", "صحه"), "صحة")
    assert " ".join(texts(shown)) == f"{paragraph} وختموا الجلسة."
    cut_summary = "ناقش المجتمعون أوضاع الصحة…"  # first_paragraph cut short
    shown = js.ask(record("اجتماع", f"{cut_summary} {paragraph}", "صحه"), "صحة")
    assert " ".join(texts(shown)) == paragraph


def test_a_title_the_content_does_not_start_with_is_marked_by_forms_only(js: NodeExcerpt) -> None:
    """Locations count words of the content; they say nothing of a title it does not start
    with (here the summary repeats, so the text starts later than the first word)."""
    paragraph = "قال المتحدث إن الاجتماع انتهى مساء أمس."
    shown = js.ask({"content": f"{paragraph} {paragraph}", "meta": {"title": "خبر عن الاجتماع"},
                    "locations": [1, 10]}, "اجتماع")
    assert marked(shown, "title") == ["الاجتماع"]  # not عن, the title's second word
    assert " ".join(texts(shown)) == paragraph and marked(shown) == ["الاجتماع"]


def test_without_a_visible_match_the_text_starts_the_excerpt(js: NodeExcerpt) -> None:
    shown = js.ask(record("عنوان", "نص المقال كما هو.", "كلمه"), "شيء")
    assert texts(shown) == ["نص", "المقال", "كما", "هو."] and marked(shown) == []
    assert not shown["cutStart"] and not shown["cutEnd"]


WORD = st.text(st.sampled_from("ابتحكمولةهيءفسنصdefxyz"), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(title=st.lists(WORD, min_size=1, max_size=4), visible=st.lists(WORD, max_size=70),
       hidden=st.lists(WORD, max_size=20), query=st.lists(WORD, min_size=1, max_size=3),
       data=st.data())
def test_excerpts_hold_only_visible_words_in_order(js: NodeExcerpt, title: list[str], visible: list[str],
                                                   hidden: list[str], query: list[str], data: st.DataObject) -> None:
    """Wherever Pagefind's locations point, an excerpt is a run of the visible words after
    the title, and the title is the title: never the sentinel, never a hidden form."""
    content = " ".join([*title, *visible, SENTINEL, *hidden])
    size = len(content.split())
    locations = data.draw(st.lists(st.integers(0, size - 1), max_size=8, unique=True))
    shown = js.ask({"content": content, "meta": {"title": " ".join(title)}, "locations": sorted(locations)},
                   " ".join(query))
    words = texts(shown)
    assert texts(shown, "title") == title
    assert SENTINEL not in words
    assert bool(words) == bool(visible)
    # a repeated run at the start may be skipped, so the run may start later than the first
    assert not words or any(visible[k:k + len(words)] == words for k in range(len(visible))), words
