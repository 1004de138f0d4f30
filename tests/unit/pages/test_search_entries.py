"""Index entries (``article_entry``): what an article's keys weigh, that entries made as the
articles were read (``IndexEntries``, held as ``Site.index_forms``) are what indexing would
have made, that indexing takes them rather than making them again, and the memo of words'
keys they are made with."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

import generator.pages.search as search
import generator.text.stemming as stemming
from generator.build.pipeline import BuildOptions, load_site
from generator.core.model import Article
from generator.pages.search import (
    TITLE_WEIGHT,
    IndexEntries,
    KeysMemo,
    article_entry,
    bucket_of,
    entry_key,
    packed_entry,
    plan_shards,
    shard_entries,
    unpacked_entry,
)
from generator.text.stemming import query_key, word_keys

REPO = Path(__file__).resolve().parents[3]


def article(title: str, body: str, summary: str = "") -> Article:
    return Article(rel="content/articles/a.md", id="a", slug="a", title=title, lang="ar",
                   date=datetime(2026, 11, 28, tzinfo=UTC), body=f"<p>{body}</p>".encode(), summary=summary)


def weights(entry: search.Entry) -> dict[str, int]:
    """An entry's keys and weights, read back from the bucket texts it carries."""
    found: dict[str, int] = {}
    for bucket, keys in entry[2]:
        pairs = keys.decode().split(",")
        for quoted, weight in zip(pairs[0::2], pairs[1::2], strict=True):
            index_key = quoted.strip('"')
            assert bucket_of(index_key) == bucket and index_key not in found
            found[index_key] = int(weight)
    return found


def test_an_entry_is_the_record_its_length_and_its_keys_by_bucket() -> None:
    made = article("الوزير يزور المدارس", "قال الوزير إن الحكومة ستدعم المدارس والتعليم.", "ملخص")
    content_json, length, parts = article_entry(made)
    content = json.loads(content_json)
    assert content == search.record_content(made) and length == len(content.split(" ")) == 11
    assert [bucket for bucket, _keys in parts] == sorted({bucket for bucket, _keys in parts})
    for _bucket, keys in parts:
        listed = keys.decode().split(",")[0::2]
        assert listed == sorted(listed), "keys sorted in each bucket"
    found = weights((content_json, length, parts))
    assert set(found) == {k for word in content.split(" ") for k in word_keys(word)}
    for typed in ("الحكومة", "حكومة", "الحكومات", "تعليم", "التعليم", "مدارس", "وزير"):
        assert query_key(typed) in found, typed


def test_title_words_weigh_one_more_than_the_title_weight() -> None:
    made = article("الحكومة", "قال الوزير إن الحكومة ستدعم المدارس ووزير التعليم.")
    found = weights(article_entry(made))
    assert found[query_key("الحكومة")] == 2 + TITLE_WEIGHT, "once in the title, once in the body"
    assert found[query_key("حكومة")] == 2 + TITLE_WEIGHT, "its peeled reading too"
    assert found[query_key("الوزير")] == 1, "a body word"
    assert found[query_key("وزير")] == 2, "الوزير and ووزير both peel to it: two words"
    alone = weights(article_entry(article("انتخابات", "نص.")))
    assert alone[query_key("انتخابات")] == 1 + TITLE_WEIGHT


def test_a_word_counts_once_for_a_key_two_of_its_readings_give(monkeypatch: pytest.MonkeyPatch) -> None:
    """وبالحكومات is read as itself, بالحكومات, الحكومات and حكومات: were two readings to end
    at one key, the word would still count once for it (``word_keys`` gives distinct keys)."""
    monkeypatch.setattr(stemming, "stem", lambda form: form[-5:])  # every reading: كومات
    assert word_keys("وبالحكومات") == ("كومات",)
    found = weights(article_entry(article("خبر", "وبالحكومات والحكومات")))
    assert found == {"كومات": 2, "خبر": 1 + TITLE_WEIGHT}


def test_index_entries_are_article_entry_packed() -> None:
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    entries = IndexEntries()
    assert [unpacked_entry(entries(a)) for a in site.articles] == [article_entry(a) for a in site.articles]
    empty = article_entry(article("", ""))
    assert empty == (b'""', 0, ()) and unpacked_entry(packed_entry(empty)) == empty


def test_an_entry_made_with_a_small_memo_is_the_same() -> None:
    """A memo trimmed before almost every article answers as a fresh one."""
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    memo = KeysMemo(limit=8)
    assert [article_entry(a, memo) for a in site.articles] == [article_entry(a) for a in site.articles]


def test_a_memo_at_its_limit_keeps_the_first_half_and_answers_every_word() -> None:
    """The common words of a language come first and recur: those are the ones kept. A word
    it learned, dropped by the trim and asked for at once is learned again, not missed."""

    def keys(words: list[str]) -> list[str]:
        return [chr(bucket_of(k)) + k for word in words for k in word_keys(word)]

    memo = KeysMemo(limit=4)
    first = ["والحكومة", "قالت", "المدارس", "للجنة"]
    for word in first:  # one at a time: the order it learns them in
        assert list(memo.keys_of([word])) == keys([word])
    assert list(memo._known) == first, "up to its limit, nothing is dropped"
    asked = ["المدارس", "للجنة", "وبالتعليم", "قالت"]  # the last half learned, asked for again
    assert list(memo.keys_of(asked)) == keys(asked)
    assert list(memo._known)[:2] == first[:2], "the first half is kept"
    assert set(memo._known) == {*first, "وبالتعليم"}
    many = ["انتخابات", "الوزير", "والمجلس", "بالمدينة", "كالعادة", "والحكومة", "المدارس", "المدارس"]
    assert list(memo.keys_of(many)) == keys(many), "more new words than its limit at once"
    assert list(memo.keys_of(first)) == keys(first)


def test_shard_entries_take_the_entries_made_as_the_articles_were_read(monkeypatch: pytest.MonkeyPatch) -> None:
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    shard = plan_shards(site)[0]
    expected = shard_entries(shard, None)
    assert expected == [article_entry(a) for a in shard.articles]
    ready = {a.rel: packed_entry((f"ready {a.rel}", 2, ())) for a in shard.articles[1:]}
    made: list[str] = []
    real = search.article_entry
    monkeypatch.setattr(search, "article_entry",
                        lambda a, memo=None, content=None: made.append(a.rel) or real(a, memo, content))
    assert shard_entries(shard, None, ready) == [expected[0], *map(unpacked_entry, ready.values())]
    assert made == [shard.articles[0].rel]


def test_shard_entries_are_kept_by_what_each_article_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept in the cache by title, summary and body: another article's edit makes its own
    entry only; an article's entry follows its text, not its file or its date."""
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    shard = plan_shards(site)[0]
    first = shard_entries(shard, tmp_path)
    made: list[str] = []
    real = search.article_entry
    monkeypatch.setattr(search, "article_entry",
                        lambda a, memo=None, content=None: made.append(a.rel) or real(a, memo, content))
    assert shard_entries(shard, tmp_path) == first and made == []
    edited = dataclasses.replace(shard.articles[0], body="<p>نص جديد</p>".encode())
    moved = dataclasses.replace(shard.articles[1], rel="content/articles/moved.md",
                                date=datetime(2020, 1, 1, tzinfo=UTC))
    assert entry_key(moved) == entry_key(shard.articles[1]) != entry_key(edited)
    changed = dataclasses.replace(shard, articles=(edited, moved, *shard.articles[2:]))
    again = shard_entries(changed, tmp_path)
    assert made == [edited.rel] and again[0] == article_entry(edited) and again[1:] == first[1:]


def test_keys_are_counted_as_the_words_say(monkeypatch: pytest.MonkeyPatch) -> None:
    """The weights are the words' keys counted: made here word by word, without the memo."""
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    for one in site.articles:
        entry = article_entry(one)
        counted: Counter[str] = Counter()
        for word in json.loads(entry[0]).split(" "):
            counted.update(set(word_keys(word)))
        for word in one.title.split():
            counted.update({k: TITLE_WEIGHT for k in set(word_keys(word))})
        assert weights(entry) == counted, one.rel


def test_with_the_builds_salt_an_entry_is_kept_by_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build keys entries by the digest of the article's file and its settings, without
    reading the body back: the same file keeps its entry, another file or other settings
    make it again."""
    site, _ = load_site(REPO / "tests" / "sites" / "search", BuildOptions())
    shard = plan_shards(site)[0]
    salt = search.plan_salt(site)
    assert all(a.source_digest for a in shard.articles)
    first = shard_entries(shard, tmp_path, salt=salt)
    made: list[str] = []
    real = search.article_entry
    monkeypatch.setattr(search, "article_entry",
                        lambda a, memo=None, content=None: made.append(a.rel) or real(a, memo, content))
    unread = dataclasses.replace(shard.articles[0], body=search.StoredBody("/nonexistent", 0, 1, 0))
    kept = dataclasses.replace(shard, articles=(unread, *shard.articles[1:]))
    assert shard_entries(kept, tmp_path, salt=salt) == first and made == [], "no body read"
    rewritten = dataclasses.replace(shard.articles[0], source_digest="0" * 64)
    again = dataclasses.replace(shard, articles=(rewritten, *shard.articles[1:]))
    assert shard_entries(again, tmp_path, salt=salt)[1:] == first[1:] and made == [rewritten.rel]
    made.clear()
    shard_entries(shard, tmp_path, salt=salt + "other settings")
    assert len(made) == len(shard.articles)
