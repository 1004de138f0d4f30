"""The browser side of search format 3 (static/js/search.js), run under node: excerpts, the
query's keys, the bucket a key is in and the ranking.

A record (one of a list in ``<shard>/d/<g>.json``) holds the article's own words, title first; a word of it is
marked when one of its keys (``wordKeys``) is a key of the query (``queryKeys``), so an
excerpt never shows anything but the article's words, and الحكومة, والحكومات and حكومات meet.
These tests hold the excerpt rule to that on hand-made records and on generated ones, with
the marks checked against the Python keys (generator/text/stemming.py); the bucket of a key
against generator/pages/search.py's; the ranking against BM25 written out here. The browser
side with a real index (real fetches, real queries) is tests/e2e/test_search.py.
Without node the tests are skipped, except under ``CI=true``, where they fail.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pages.search import BUCKETS, bucket_of, spaced
from generator.text.normalize import match_form
from generator.text.stemming import query_key, word_keys
from tests.node_search import NodeScript

EXCERPT_WORDS = 30  # search.js's EXCERPT_WORDS

# Reads one JSON [call, args] a line, answers what search.js says.
_DRIVER = """
const search = require(process.argv[1]);
const calls = {
  excerpt: (record, query) => {
    const keys = search.queryKeys(query);
    return Object.assign({ keys: keys }, search.excerpt(record, keys));
  },
  queryKeys: (query) => search.queryKeys(query),
  buckets: (keys, buckets) => keys.map((key) => search.bucketOf(key, buckets)),
  postings: (bucket, key) => search.postingsOf(bucket, key),
  rank: (lists, docs, avglen) => search.rank(lists, docs, avglen),
};
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [call, args] = JSON.parse(line);
  process.stdout.write(JSON.stringify(calls[call](...args)) + "\\n");
});
"""


class NodeSearch(NodeScript):
    """search.js loaded once in a node process, asked one thing at a time."""

    def __init__(self) -> None:
        super().__init__(_DRIVER, "search.js's excerpts are not checked")

    def call(self, name: str, *args: Any) -> Any:
        return self.send([name, args])

    def ask(self, record: dict[str, Any], query: str) -> dict[str, Any]:
        """search.js's excerpt of ``record`` for ``query`` (with the query's ``keys``)."""
        shown: dict[str, Any] = self.call("excerpt", record, query)
        return shown


@pytest.fixture(scope="module")
def js() -> Iterator[NodeSearch]:
    search = NodeSearch()
    yield search
    search.close()


def record(title: str, body: str, summary: str = "") -> dict[str, Any]:
    """A record as generator/pages/search.py writes it: title, summary, body text, one space
    between words."""
    return {"url": "articles/x/", "content": spaced(f"{title} {summary} {body}"),
            "meta": {"title": title, "date": "١ كانون الأول ٢٠٢٦", "datetime": "2026-12-01T09:00:00+03:00",
                     "lang": "ar"}}


def python_keys(query: str) -> list[str]:
    """The query's keys by the Python rules: each word's ``query_key``, once, none empty."""
    return list(dict.fromkeys(k for k in map(query_key, match_form(query).split()) if k))


def texts(shown: dict[str, Any], part: str = "words") -> list[str]:
    return [w["text"] for w in shown[part]]


def marked(shown: dict[str, Any], part: str = "words") -> list[str]:
    return [w["text"] for w in shown[part] if w["mark"]]


# --------------------------------------------------------------------------- excerpts


def test_a_word_with_attached_prefixes_is_marked_for_its_bare_form(js: NodeSearch) -> None:
    shown = js.ask(record("خطة جديدة للمدارس", "أعلنت الحكومة خطة تخص المدارس والتعليم العالي."), "تعليم")
    assert texts(shown) == ["أعلنت", "الحكومة", "خطة", "تخص", "المدارس", "والتعليم", "العالي."]
    assert marked(shown) == ["والتعليم"]
    assert texts(shown, "title") == ["خطة", "جديدة", "للمدارس"] and marked(shown, "title") == []


def test_suffixed_forms_meet_the_query(js: NodeSearch) -> None:
    """حكومة and حكومات have one stem (حكوم), which الحكومة and والحكومات have among theirs."""
    article = record("الحكومة تجتمع", "قالت الحكومة إن الوزير والحكومات متفقة.")
    for query in ("حكومة", "حكومات", "الحكومة", "الحكومات"):
        shown = js.ask(article, query)
        assert marked(shown) == ["الحكومة", "والحكومات"], query
        assert marked(shown, "title") == ["الحكومة"], query


def test_a_prefix_typed_in_the_query_is_meant(js: NodeSearch) -> None:
    """والحكومة is looked up as it is typed: it marks والحكومات, not the bare الحكومة."""
    shown = js.ask(record("الحكومة تجتمع", "قالت الحكومة إن الوزير والحكومات متفقة."), "والحكومة")
    assert shown["keys"] == ["والحكوم"]
    assert marked(shown) == ["والحكومات"] and marked(shown, "title") == []


def test_english_words_are_stemmed_as_english(js: NodeSearch) -> None:
    article = record("Councils prepare for local elections",
                     "Officials said the elections would be held after councils elected their heads.")
    shown = js.ask(article, "election")
    assert marked(shown) == ["elections"] and marked(shown, "title") == ["elections"]
    assert marked(js.ask(article, "Elected"), "words") == ["elected"]
    assert marked(js.ask(article, "council"), "words") == ["councils"]


def test_the_excerpt_is_cut_around_the_first_match(js: NodeSearch) -> None:
    before = [f"قبل{n}" for n in range(60)]
    after = [f"بعد{n}" for n in range(60)]
    shown = js.ask(record("عنوان", " ".join([*before, "والحكومة", *after])), "حكومة")
    words = texts(shown)
    assert marked(shown) == ["والحكومة"]
    assert len(words) == EXCERPT_WORDS and words[0].startswith("قبل") and words[-1].startswith("بعد")
    assert shown["cutStart"] and shown["cutEnd"]
    assert " ".join(words) in " ".join([*before, "والحكومة", *after])


def test_a_summary_repeating_the_first_paragraph_is_said_once(js: NodeSearch) -> None:
    paragraph = "ناقش المجتمعون أوضاع الصحة العامة في المدن الكبرى."
    shown = js.ask(record("اجتماع", f"{paragraph} وختموا الجلسة.", paragraph), "صحة")
    assert " ".join(texts(shown)) == f"{paragraph} وختموا الجلسة."
    assert marked(shown) == ["الصحة"]
    cut_summary = "ناقش المجتمعون أوضاع الصحة…"  # first_paragraph cut short
    shown = js.ask(record("اجتماع", paragraph, cut_summary), "صحة")
    assert " ".join(texts(shown)) == paragraph


def test_a_title_the_content_does_not_start_with_is_marked_by_its_keys(js: NodeSearch) -> None:
    paragraph = "قال المتحدث إن الاجتماع انتهى مساء أمس."
    shown = js.ask({"url": "articles/x/", "content": f"{paragraph} {paragraph}",
                    "meta": {"title": "خبر عن الاجتماع"}}, "اجتماع")
    assert texts(shown, "title") == ["خبر", "عن", "الاجتماع"] and marked(shown, "title") == ["الاجتماع"]
    assert " ".join(texts(shown)) == paragraph and marked(shown) == ["الاجتماع"]


def test_without_a_match_the_text_starts_the_excerpt(js: NodeSearch) -> None:
    shown = js.ask(record("عنوان", "نص المقال كما هو."), "شيء")
    assert texts(shown) == ["نص", "المقال", "كما", "هو."] and marked(shown) == []
    assert not shown["cutStart"] and not shown["cutEnd"]


def test_punctuation_is_no_key_and_marks_nothing(js: NodeSearch) -> None:
    assert js.call("queryKeys", " … ، «» -- ") == []
    shown = js.ask(record("عنوان", "قال — ثم سكت."), "—")
    assert shown["keys"] == [] and marked(shown) == []
    assert js.call("queryKeys", "الحكومة  حكومة الحكومه «الحكومة»") == ["الحكوم", "حكوم"]


def test_keys_named_like_object_properties_are_words(js: NodeSearch) -> None:
    shown = js.ask(record("title", "the constructor of the prototype said hasOwnProperty"), "constructor prototype")
    assert marked(shown) == ["constructor", "prototype"]
    assert marked(js.ask(record("title", "nothing here"), "constructor")) == []


# Words as articles write them: prefixes, stems, suffixes, punctuation, and English.
_ARABIC_WORD = st.builds(
    lambda prefix, stem, suffix, mark: prefix + stem + suffix + mark,
    st.sampled_from(["", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "لل", "وب"]),
    st.sampled_from(["حكوم", "مياه", "صح", "تعليم", "وزير", "عاصم", "لجن", "اجتماع", "مؤتمر", "كتب", "أجور"]),
    st.sampled_from(["", "ة", "ات", "ها", "ون", "ين", "ية", "ي", "ه", "ان"]),
    st.sampled_from(["", "", "", ".", "،", "»"]))
_ENGLISH_WORD = st.sampled_from(["election", "elections", "elected", "water", "waters", "hopping", "hope",
                                 "city", "cities", "Councils", "U.S.", "2026", "e-mail"])
WORD = st.one_of(_ARABIC_WORD, _ENGLISH_WORD,
                 st.text(st.sampled_from("ابتحكمولةهيءفسنصdefxyz"), min_size=1, max_size=8))


@settings(max_examples=200, deadline=None)
@given(title=st.lists(WORD, min_size=1, max_size=4), summary=st.lists(WORD, max_size=6),
       body=st.lists(WORD, max_size=70), query=st.lists(WORD, min_size=1, max_size=3), data=st.data())
def test_excerpts_show_the_records_own_words_marked_by_their_keys(
        js: NodeSearch, title: list[str], summary: list[str], body: list[str], query: list[str],
        data: st.DataObject) -> None:
    """Whatever the record and the query: the title is the title; the excerpt is a run of the
    record's words after the title, at most EXCERPT_WORDS of them, and not empty unless the
    record has no words after its title; a word is marked exactly when one of its Python
    ``word_keys`` is a Python ``query_key`` of the query, and when a word after the title
    matches, the excerpt shows one."""
    text = [*summary, *body]
    if text and data.draw(st.booleans()):  # often a word of the article itself
        query = [*query[:-1], data.draw(st.sampled_from(text))]
    shown = js.ask(record(" ".join(title), " ".join(body), " ".join(summary)), " ".join(query))
    keys = python_keys(" ".join(query))
    assert shown["keys"] == keys
    words = texts(shown)
    assert texts(shown, "title") == title
    assert bool(words) == bool(text) and len(words) <= EXCERPT_WORDS
    # a repeated run at the start may be skipped, so the run may start later than the first
    assert not words or any(text[k:k + len(words)] == words for k in range(len(text))), words
    for part in ("title", "words"):
        for word in shown[part]:
            assert word["mark"] == bool(set(word_keys(word["text"])) & set(keys)), (part, word, keys)
    if any(set(word_keys(word)) & set(keys) for word in text):
        assert marked(shown), (text, keys, words)


# --------------------------------------------------------------------------- the index


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.one_of(st.text(max_size=12), WORD.map(query_key)), min_size=1, max_size=20))
def test_a_key_is_looked_up_in_the_bucket_python_wrote_it_in(js: NodeSearch, keys: list[str]) -> None:
    assert js.call("buckets", keys, BUCKETS) == [bucket_of(key) for key in keys]


def test_a_keys_postings_are_read_from_its_bucket(js: NodeSearch) -> None:
    """A bucket as generator/pages/search.py writes it: the shard's article and word counts,
    then a row per article with keys in the bucket, [article, its words, key, weight, ...];
    the postings search.js ranks are [article, weight, words, ...]."""
    bucket = [3, 40, [0, 14, "حكوم", 1, "الحكوم", 3], [2, 6, "الحكوم", 2]]
    assert js.call("postings", bucket, "الحكوم") == [0, 3, 14, 2, 2, 6]
    assert js.call("postings", bucket, "حكوم") == [0, 1, 14]
    assert js.call("postings", bucket, "حكو") == []
    assert js.call("postings", bucket, "constructor") == []
    assert js.call("postings", [3, 40], "الحكوم") == []


def bm25(lists: list[list[list[int]]], docs: int, avglen: float) -> list[tuple[int, int, float]]:
    """(shard, document, score) of the documents having every key, best first, ties in shard
    then document order: BM25 with k1 = 1.2, b = 0.75, written out from its definition."""
    k1, b = 1.2, 0.75
    count = len(lists[0])
    df = [sum(len(shard[q]) // 3 for shard in lists) for q in range(count)]
    idf = [math.log(1 + (docs - f + 0.5) / (f + 0.5)) for f in df]
    found = []
    for s, shard in enumerate(lists):
        postings = [{p[i]: (p[i + 1], p[i + 2]) for i in range(0, len(p), 3)} for p in shard]
        for d in sorted(set.intersection(*(set(p) for p in postings))):
            score = 0.0
            for q, p in enumerate(postings):
                w, n = p[d]
                score += idf[q] * w * (k1 + 1) / (w + k1 * (1 - b + b * n / avglen))
            found.append((s, d, score))
    return sorted(found, key=lambda hit: (-hit[2], hit[0], hit[1]))


def _postings(docs: int) -> st.SearchStrategy[list[int]]:
    """A key's postings in a shard of ``docs`` documents: [d, w, n, ...], d ascending."""
    return st.lists(st.tuples(st.integers(0, docs - 1), st.integers(1, 4), st.integers(1, 300)),
                    max_size=docs, unique_by=lambda p: p[0]).map(
        lambda found: [x for p in sorted(found) for x in p])


@settings(max_examples=150, deadline=None)
@given(data=st.data(), sizes=st.lists(st.integers(1, 8), min_size=1, max_size=4), count=st.integers(1, 3))
def test_documents_having_every_key_are_ranked_by_bm25(js: NodeSearch, data: st.DataObject,
                                                      sizes: list[int], count: int) -> None:
    lists = [[data.draw(_postings(size)) for _ in range(count)] for size in sizes]
    # A document's length is the same in every key's postings.
    lengths = {(s, shard[q][i]): shard[q][i + 2] for s, shard in enumerate(lists)
               for q in range(count) for i in range(0, len(shard[q]), 3)}
    for s, shard in enumerate(lists):
        for p in shard:
            for i in range(0, len(p), 3):
                p[i + 2] = lengths[s, p[i]]
    docs, avglen = sum(sizes), data.draw(st.floats(1, 300))
    ranked = js.call("rank", lists, docs, avglen)
    wanted = {(s, d): score for s, d, score in bm25(lists, docs, avglen)}
    assert {(hit["shard"], hit["doc"]) for hit in ranked} == wanted.keys()
    for hit in ranked:
        assert math.isclose(hit["score"], wanted[hit["shard"], hit["doc"]], rel_tol=1e-12)
    # best first, equal scores in shard then document order (node's logarithm may differ from
    # Python's in the last bit, so the order is checked on node's own scores)
    order = [(-hit["score"], hit["shard"], hit["doc"]) for hit in ranked]
    assert order == sorted(order)


def test_a_document_must_have_every_key_and_ties_keep_the_index_order(js: NodeSearch) -> None:
    lists = [[[0, 1, 10, 1, 1, 10, 2, 1, 10], [1, 1, 10, 2, 1, 10]],  # shard 0: 1 and 2 have both keys
             [[0, 1, 10], [0, 1, 10]]]  # shard 1: 0 has both
    ranked = js.call("rank", lists, 6, 10)
    assert [(hit["shard"], hit["doc"]) for hit in ranked] == [(0, 1), (0, 2), (1, 0)]
    assert len({hit["score"] for hit in ranked}) == 1
    # more of the word, shorter, rarer: better
    ranked = js.call("rank", [[[0, 1, 10, 1, 3, 10, 2, 1, 5]]], 3, 10)
    assert [hit["doc"] for hit in ranked] == [1, 2, 0]
    assert js.call("rank", [[[0, 1, 10], []]], 1, 10) == []
    assert js.call("rank", [[]], 1, 10) == []
