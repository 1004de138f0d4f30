"""The sharded search index: which shard an article lands in, which shards a rebuild indexes
again, what a shard's files hold, and that an incremental build gives the bytes of a clean
one, search index included. (What the browser does with the shards is tests/e2e/test_search.py.)"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import threading
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest

import generator.pages.search as search
from generator.build.pipeline import BuildOptions, build, load_site
from generator.cache.store import load_signed
from generator.content.markup import first_paragraph, plain_text
from generator.core.model import Article
from generator.core.urls import site_path
from generator.text.stemming import word_keys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from corpus import generate

from tests.hostile.support import BASE_CONFIG, article_text, build_in_memory, write_digest
from tests.test_incremental import NOW, add_article, cold, delete_article, edit_body, edit_title, incremental, tree

CAPACITY = 16  # 90 articles, ~80 of them Arabic: eight Arabic shards and one English
EDITED = "content/articles/000010.md"  # the article ``edit_body`` edits


@pytest.fixture()
def digest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(search, "SHARD_CAPACITY", CAPACITY)
    root = generate(tmp_path / "digest", 90, actors=40, seed=3)
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8") + "search = true\n", "utf-8")
    return root


@pytest.fixture()
def indexed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The shards indexed, as ``language/number``: every shard's files are made there."""
    runs: list[str] = []
    real = search.index_shard

    def counting(site, shard, *rest, **named):  # type: ignore[no-untyped-def]
        runs.append(f"{shard.language}/{shard.number}")
        return real(site, shard, *rest, **named)

    monkeypatch.setattr(search, "index_shard", counting)
    return runs


@pytest.fixture()
def entries_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The articles whose entries indexing makes itself, by file: neither kept in the cache
    nor made as the article was read (``Site.index_forms``), which is not counted here."""
    made: list[str] = []
    indexing = threading.local()
    real_entries, real_entry = search.shard_entries, search.article_entry

    def in_shard(*args, **kwargs):  # type: ignore[no-untyped-def]
        indexing.on = True
        try:
            return real_entries(*args, **kwargs)
        finally:
            indexing.on = False

    def counting(article, memo=None, content=None):  # type: ignore[no-untyped-def]
        if getattr(indexing, "on", False):
            made.append(article.rel)
        return real_entry(article, memo, content)

    monkeypatch.setattr(search, "shard_entries", in_shard)
    monkeypatch.setattr(search, "article_entry", counting)
    return made


def entries_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".mawjaz-cache").glob("search-keys-*.pickle"))


def shard_holding(root: Path, rel: str) -> search.Shard:
    site, _ = load_site(root, BuildOptions(now=NOW))
    return next(s for s in search.plan_shards(site) if any(a.rel == rel for a in s.articles))


def expected_weights(content: str, title: str) -> Counter[str]:
    """What a document's keys weigh, worked out word by word: one for each word of the
    content having the key (once, however many of its readings give it), ``TITLE_WEIGHT``
    more for each word of the title having it."""
    weights: Counter[str] = Counter()
    for word in content.split(" "):
        weights.update(set(word_keys(word)))
    for word in title.split():
        for index_key in set(word_keys(word)):
            weights[index_key] += search.TITLE_WEIGHT
    return weights


def check_shard_files(site_dir: Path, folder: str, articles: tuple[Article, ...]) -> None:
    """A shard's records and buckets as the format says: a record per article in the shard's
    order, ``RECORDS`` to a file (the last one holds the rest), every bucket written, each key
    in the bucket its CRC-32 gives, each article's row in document order with its length, its
    keys sorted and weighed as ``expected_weights``."""
    groups = [json.loads((site_dir / folder / "d" / f"{g}.json").read_text("utf-8"))
              for g in range(-(-len(articles) // search.RECORDS))]
    assert all(len(group) == search.RECORDS for group in groups[:-1]) and 0 < len(groups[-1]) <= search.RECORDS
    records = [record for group in groups for record in group]
    assert len(records) == len(articles)
    lengths = [len(r["content"].split(" ")) if r["content"] else 0 for r in records]
    for record, article in zip(records, articles, strict=True):
        assert record["url"] == site_path("", article.url_path) and not record["url"].startswith("/")
        page = (site_dir / unquote(record["url"]) / "index.html").read_text("utf-8")  # the article's page
        assert record["content"] == search.record_content(article)
        assert set(record["meta"]) == {"title", "date", "datetime", "lang"}
        assert record["meta"]["title"] == article.title and record["meta"]["lang"] == article.lang
        assert record["meta"]["datetime"] == article.date.isoformat()
        assert record["meta"]["date"] and record["meta"]["date"] in page, "the day as the page says it"
    found: list[dict[str, int]] = [{} for _ in articles]
    for bucket in range(search.BUCKETS):
        data = json.loads((site_dir / folder / f"{bucket}.json").read_text("utf-8"))
        # The head: the shard's documents and their mean length in words, rounded.
        assert data[:2] == [len(articles), round(sum(lengths) / len(articles))]
        numbers = [row[0] for row in data[2:]]
        assert numbers == sorted(set(numbers)), "rows in document order, one per document"
        for number, length, *pairs in data[2:]:
            assert length == lengths[number] and pairs
            keys = pairs[0::2]
            assert keys == sorted(keys)
            for index_key, weight in zip(keys, pairs[1::2], strict=True):
                assert zlib.crc32(index_key.encode()) % search.BUCKETS == bucket, index_key
                assert index_key not in found[number] and weight > 0
                found[number][index_key] = weight
    for number, (record, article) in enumerate(zip(records, articles, strict=True)):
        assert found[number] == expected_weights(record["content"], article.title), article.rel


# --------------------------------------------------------------------------- the plan


def test_shard_counts_are_powers_of_two_holding_at_most_the_capacity_on_average() -> None:
    assert search.SHARD_CAPACITY == 512
    assert [search.shard_count(n) for n in (0, 1, 512, 513, 1024, 1025, 10_000, 50_000)] == \
        [1, 1, 1, 2, 2, 4, 32, 128]


def test_every_article_is_in_one_shard_of_its_language(digest: Path) -> None:
    site, _ = load_site(digest, BuildOptions(now=NOW))
    shards = search.plan_shards(site)
    placed = [a.rel for shard in shards for a in shard.articles]
    assert sorted(placed) == sorted(a.rel for a in site.articles)
    assert shards[0].language == "ar" and shards[0].number == 0, "the site's language comes first"
    for shard in shards:
        assert {search.index_language(a.lang) for a in shard.articles} == {shard.language}
        assert all(search.shard_of(a, shard.count) == shard.number for a in shard.articles)
    assert len({s.key for s in shards}) == len(shards)
    assert {s.count for s in shards if s.language == "ar"} == {8}


def test_the_plan_is_the_same_from_the_placed_articles_in_any_order(digest: Path) -> None:
    """An edit plans its shards from the articles as placed, before they are filed and put
    newest first (``IndexedArticles``): the plan, keys and records included, must be the one
    the finished site gives."""
    site, _ = load_site(digest, BuildOptions(now=NOW))
    expected = search.plan_shards(site)
    placed = search.IndexedArticles(site.config, site.settings, tuple(reversed(site.articles)), site.index_forms)
    got = search.plan_shards(placed)

    def held(shards: tuple[search.Shard, ...]) -> list[tuple[str, list[str]]]:
        return [(s.key, [a.rel for a in s.articles]) for s in shards]

    assert held(got) == held(expected)
    article = expected[0].articles[0]
    content = search.article_entry(article)[0]
    records = [search.shard_record(indexed, article, content) for indexed in (placed, site)]
    assert records[0] == records[1]


def test_the_plan_made_from_the_placed_articles_is_rebound_to_the_sites(digest: Path) -> None:
    """Once the site is made, the early plan's shards hold the site's own article objects
    (``rebound``): the placed copies, a second archive in memory, are let go."""
    site, _ = load_site(digest, BuildOptions(now=NOW))
    copies = tuple(dataclasses.replace(a) for a in site.articles)
    placed = search.IndexedArticles(site.config, site.settings, copies, site.index_forms)
    early = search.search_started(placed, None, None)
    assert early is not None
    again = search.rebound(early, site)
    assert again is not None
    mine = {id(a) for a in site.articles}
    assert all(id(a) in mine for shard in again.plan.shards for a in shard.articles)
    assert [s.key for s in again.plan.shards] == [s.key for s in early.plan.shards]
    assert again.plan.same == early.plan.same and search.rebound(None, site) is None


def test_the_shard_follows_the_id_not_the_title_or_slug(digest: Path) -> None:
    site, _ = load_site(digest, BuildOptions(now=NOW))
    article = site.articles[0]
    renamed = dataclasses.replace(article, title="عنوان آخر تماماً", slug="slug-another")
    assert search.shard_of(renamed, 8) == search.shard_of(article, 8)


def test_a_language_whose_first_shard_is_empty_has_the_next_for_its_direction(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No files are written for an empty shard: the manifest names the shards that hold
    articles, and the first of them gives the language its direction."""
    monkeypatch.setattr(search, "SHARD_CAPACITY", 1)
    ids = [i for i in (f"item-{n}" for n in range(100)) if zlib.crc32(i.encode()) % 4 != 0][:3]
    texts = {f"{i}.md": article_text(title=f"خبر الحكومة رقم {n}", extra=f"id: {i}\n")
             for n, i in enumerate(ids)}
    root = write_digest(tmp_path / "digest", texts, config=BASE_CONFIG + "search = true\n")
    site, _ = load_site(root, BuildOptions(now=NOW))
    shards = search.plan_shards(site)
    numbers = [s.number for s in shards]
    assert numbers != [] and 0 not in numbers and {s.count for s in shards} == {4}
    assert [s.bundle for s in shards] == [True] + [False] * (len(shards) - 1)
    files = {f.path: f.content for f in build_in_memory(root)}
    folders = {p.rsplit("/", 1)[0] + "/" for p in files if p.startswith("search-index/ar/") and "/d/" not in p}
    assert folders == {f"search-index/ar/{n}/" for n in numbers}
    manifest = json.loads(files["search-index/index.json"])
    assert manifest["groups"] == [{"language": "ar", "dir": "rtl", "shards": [f"ar/{n}/" for n in numbers]}]
    assert files["search-index/index.json"] == search.search_manifest(shards).content


# --------------------------------------------------------------------------- the files


def test_the_manifest_names_every_shard_once_and_the_shards_hold_what_the_format_says(
        digest: Path) -> None:
    build(digest, BuildOptions(now=NOW))
    site_dir = digest / "site"
    manifest = json.loads((site_dir / "search-index" / "index.json").read_text("utf-8"))
    assert manifest == {"version": 3, "buckets": search.BUCKETS, "records": search.RECORDS, "groups": [
        {"language": "ar", "dir": "rtl", "shards": [f"ar/{n}/" for n in range(8)]},
        {"language": "en", "dir": "ltr", "shards": ["en/0/"]},
    ]}
    site, _ = load_site(digest, BuildOptions(now=NOW))
    shards = search.plan_shards(site)
    assert [s.folder for s in shards] == [f"search-index/{f}" for g in manifest["groups"] for f in g["shards"]]
    wanted = {"search-index/index.json"}
    for shard in shards:
        wanted |= {f"{shard.folder}{k}.json" for k in range(search.BUCKETS)}
        wanted |= {f"{shard.folder}d/{g}.json" for g in range(-(-len(shard.articles) // search.RECORDS))}
        assert sorted(search.shard_paths(shard)) == sorted(p for p in wanted if p.startswith(shard.folder))
        check_shard_files(site_dir, shard.folder, shard.articles)
    written = {p.relative_to(site_dir).as_posix() for p in (site_dir / "search-index").rglob("*") if p.is_file()}
    assert written == wanted, "every bucket, every record, nothing else"
    # Written through the spill folder from the entries made as the articles were read, the
    # index is the one made in memory from entries made as it is indexed.
    in_memory = {f.path: f.content for f in build_in_memory(digest) if f.path.startswith("search-index/")}
    assert in_memory == {p: (site_dir / p).read_bytes() for p in wanted}


def test_bucket_of_is_crc32_of_the_utf8_bytes() -> None:
    for index_key in ("حكوم", "elect", "2024", "ü"):
        assert search.bucket_of(index_key) == zlib.crc32(index_key.encode("utf-8")) % search.BUCKETS


def test_records_escape_what_articles_say_and_hold_no_markup(digest: Path) -> None:
    site, _ = load_site(digest, BuildOptions(now=NOW))
    title = '<script>alert(1)</script> "الحكومة" \\ back\tslash \u2028'
    body = (b'<p>\xd9\x86\xd8\xb5 <strong>\xd9\x85\xd9\x87\xd9\x85</strong> &lt;b&gt; &amp; '
            b'<a href="https://example.org/">link</a></p>\n<ul><li>one</li><li>two</li></ul>')
    article = dataclasses.replace(site.articles[0], title=title, summary="والتعليم & الصحة", body=body)
    content = search.record_content(article)
    data = search.shard_record(site, article, search.article_entry(article)[0])
    record = json.loads(data)
    assert record["content"] == content and record["meta"]["title"] == title
    assert content.split(" ") == ["<script>alert(1)</script>", '"الحكومة"', "\\", "back", "slash",
                                  "والتعليم", "&", "الصحة", "نص", "مهم", "<b>", "&", "link", "one", "two"]
    assert "\n" not in data.decode() and "الحكومة".encode() in data, "one line, UTF-8 as it is"
    assert b"<strong>" not in data and b"<li>" not in data and b"href" not in data and b"&lt;" not in data


def test_a_record_says_a_summary_once(digest: Path) -> None:
    """A summary made from the first paragraph is not said again before the body; one the
    curator wrote is part of the record."""
    site, _ = load_site(digest, BuildOptions(now=NOW))
    article = site.articles[0]
    made = dataclasses.replace(article, summary=first_paragraph(article.body_html))
    written = dataclasses.replace(article, summary="ملخص كتبه المحرر")
    body = search.spaced(plain_text(article.body_html))
    assert search.record_content(made) == f"{search.spaced(article.title)} {body}"
    assert search.record_content(written) == f"{search.spaced(article.title)} ملخص كتبه المحرر {body}"
    entry = search.article_entry(made)
    content = json.loads(entry[0])
    assert content == search.record_content(made) and entry[1] == len(content.split(" "))


# --------------------------------------------------------------------------- rebuilds


def test_each_step_indexes_one_shard_and_matches_a_clean_build(digest: Path, tmp_path: Path,
                                                                indexed: list[str]) -> None:
    incremental(digest)
    assert sorted(indexed) == sorted([f"ar/{n}" for n in range(8)] + ["en/0"]), "a first build indexes every shard"
    for step in (edit_body, edit_title, add_article, delete_article):
        indexed.clear()
        step(digest)
        after = incremental(digest)
        assert len(indexed) == 1, (step.__name__, indexed)
        assert after == cold(digest, tmp_path / "cold"), step.__name__


def test_an_edit_rewrites_the_files_whose_bytes_it_changed_only(digest: Path, tmp_path: Path) -> None:
    """The edited shard is indexed again, but a file of it with the bytes the last build wrote
    is kept as it was: the buckets of the keys the edit changed and the edited article's
    record are written, not the shard's hundreds of files."""
    incremental(digest)
    root = digest / "site"
    edited = shard_holding(digest, EDITED)
    before = {p: (p.stat().st_ino, p.read_bytes()) for p in (root / "search-index").rglob("*.json")}
    edit_body(digest)
    incremental(digest)
    after = {p: (p.stat().st_ino, p.read_bytes()) for p in (root / "search-index").rglob("*.json")}
    assert set(after) == set(before)
    changed = {p.relative_to(root).as_posix() for p in after if after[p][1] != before[p][1]}
    rewritten = {p.relative_to(root).as_posix() for p in after if after[p][0] != before[p][0]}
    number = next(d for d, a in enumerate(edited.articles) if a.rel == EDITED)
    records = f"{edited.folder}d/{number // search.RECORDS}.json"
    assert [p for p in changed if "/d/" in p] == [records], "its records file only"
    buckets = changed - {records}
    assert buckets and all(p.startswith(edited.folder) for p in buckets)
    for path in buckets:
        old, new = (json.loads(files[root / path][1]) for files in (before, after))
        assert old[:2] == new[:2], "five words more do not move the shard's rounded mean length"
        assert any(row[0] == number for row in old[2:] + new[2:]), f"{path}: a bucket of the edited article's keys"
    assert len(buckets) < search.BUCKETS // 2
    assert changed <= rewritten <= changed | {"search-index/index.json"}, "the others are kept as they were"


def test_the_search_stage_counts_the_shards_indexed(digest: Path) -> None:
    told: list[tuple[int, int | None]] = []

    def stage(done: int, total: int | None, name: str) -> None:
        if name == "search index":
            told.append((done, total))

    build(digest, BuildOptions(now=NOW, cache=True, stage=stage))
    assert told[0] == (0, 9) and told[-1] == (9, 9) and len(told) == 10
    told.clear()
    edit_body(digest)
    build(digest, BuildOptions(now=NOW, cache=True, stage=stage))
    assert told == [(0, 1), (1, 1)], "an edit's one shard"


@pytest.mark.parametrize("damage", ["bucket", "record", "removed"])
def test_a_damaged_shard_file_is_indexed_again(digest: Path, tmp_path: Path, indexed: list[str],
                                               damage: str) -> None:
    incremental(digest)
    edited = shard_holding(digest, EDITED)
    other = next(s for s in search.plan_shards(load_site(digest, BuildOptions(now=NOW))[0])
                 if s.language == "ar" and s.number != edited.number)
    target = digest / "site" / other.folder / ("5.json" if damage == "bucket" else "d/0.json")
    good = target.read_bytes()
    if damage == "removed":
        target.unlink()
    else:
        target.write_bytes(b"damaged")
    indexed.clear()
    edit_body(digest)  # a real build (an unchanged digest is answered without building)
    after = incremental(digest)
    assert sorted(indexed) == sorted([f"ar/{edited.number}", f"ar/{other.number}"])
    assert target.read_bytes() == good
    assert after == cold(digest, tmp_path / "cold")


# --------------------------------------------------------------------------- kept entries


def test_an_edit_makes_the_entry_of_the_edited_article_only(digest: Path, tmp_path: Path,
                                                            entries_made: list[str]) -> None:
    first = build(digest, BuildOptions(now=NOW, cache=True))
    # A first build makes every article's entry as it reads the articles, on the processes
    # that read them, and indexing takes those rather than making any again.
    assert len(first.site.index_forms) == 90
    assert entries_made == [], "a first build makes no article's entry twice"
    assert entries_files(digest) == sorted([f"search-keys-ar-8-{n}.pickle" for n in range(8)]
                                           + ["search-keys-en-1-0.pickle"])
    kept = [load_signed(digest, name) for name in entries_files(digest)]
    assert all(isinstance(k, tuple) and k[0] == search.KEYS_RULE for k in kept)
    assert sum(len(made) for _rule, made in kept) == 90, "every article's entry is kept"
    for step, changed in ((edit_body, [EDITED]), (add_article, ["content/articles/zz-new.md"])):
        step(digest)
        result = build(digest, BuildOptions(now=NOW, cache=True))
        # Made as the changed article was read (wherever it was read), and nothing else.
        assert sorted(result.site.index_forms) == changed, step.__name__
        assert entries_made == [], step.__name__
        assert tree(digest / "site") == cold(digest, tmp_path / "cold"), step.__name__


def test_kept_entries_that_cannot_be_trusted_are_made_again(digest: Path, tmp_path: Path, indexed: list[str],
                                                            entries_made: list[str]) -> None:
    incremental(digest)
    for path in (digest / ".mawjaz-cache").glob("search-keys-*.pickle"):
        path.write_bytes(path.read_bytes()[:-40] + b"x" * 40)  # its signature no longer holds
    edited = shard_holding(digest, EDITED)
    other = next(s for s in search.plan_shards(load_site(digest, BuildOptions(now=NOW))[0])
                 if s.language == "ar" and s.number != edited.number)
    (digest / "site" / other.folder / "0.json").unlink()
    indexed.clear()
    edit_body(digest)
    incremental(digest)
    assert sorted(indexed) == sorted([f"ar/{edited.number}", f"ar/{other.number}"])
    # The edited article's entry was made as it was read; every other one is made again.
    assert sorted(entries_made) == sorted({a.rel for a in (*edited.articles, *other.articles)} - {EDITED})
    assert tree(digest / "site") == cold(digest, tmp_path / "cold")


def test_kept_entries_made_by_other_code_or_another_rule_are_made_again(
        digest: Path, tmp_path: Path, indexed: list[str], entries_made: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries kept by other code (the cache file's signature names the code), without the
    rule they were made by, or by another rule (``KEYS_RULE``) are never reused; another rule
    also gives every shard another key."""
    import generator.cache.store as store

    incremental(digest)
    shard = shard_holding(digest, EDITED)
    others = {a.rel for a in shard.articles} - {EDITED}
    assert others, "the edited article shares its shard"
    name = search.ENTRIES_CACHE.format(shard.language, shard.count, shard.number)
    kept = store.load_signed(digest, name)
    assert isinstance(kept, tuple) and kept[0] == search.KEYS_RULE and len(kept[1]) > 1
    real = store.code_digest()
    monkeypatch.setattr(store, "code_digest", lambda: "0" * 64)  # other code wrote it
    store.save_signed(digest, name, kept)
    monkeypatch.setattr(store, "code_digest", lambda: real)
    entries_made.clear()
    edit_body(digest)
    incremental(digest)
    assert set(entries_made) == others, "the edited one's comes from its reading"
    kept = store.load_signed(digest, name)
    assert isinstance(kept, tuple)
    store.save_signed(digest, name, kept[1])  # the entries alone, with no rule named
    entries_made.clear()
    edit_body(digest)
    incremental(digest)
    assert set(entries_made) == others, "the edited one's comes from its reading"
    monkeypatch.setattr(search, "KEYS_RULE", "another stemmer")
    # An article touched, so that the build does not answer "nothing changed", however long
    # the last one took (the rule is not among the inputs it takes the stat of).
    os.utime(digest / "content" / "articles" / "000020.md")
    entries_made.clear()
    indexed.clear()
    result = build(digest, BuildOptions(now=NOW, cache=True))
    assert len(indexed) == 9, "every shard's key names the rule"
    assert set(entries_made) | set(result.site.index_forms) == {a.rel for a in result.site.articles}, \
        "every entry made again, as the article was read or as it was indexed"
    assert len(entries_made) == len(set(entries_made))
    assert tree(digest / "site") == cold(digest, tmp_path / "cold")


def test_entries_of_shards_cut_otherwise_are_removed(digest: Path, monkeypatch: pytest.MonkeyPatch,
                                                     entries_made: list[str]) -> None:
    incremental(digest)
    monkeypatch.setattr(search, "SHARD_CAPACITY", 2 * CAPACITY)
    site, _ = load_site(digest, BuildOptions(now=NOW))
    arabic = {a.rel for a in site.articles if search.index_language(a.lang) == "ar"}
    edit_body(digest)
    incremental(digest)
    assert entries_files(digest) == sorted([f"search-keys-ar-4-{n}.pickle" for n in range(4)]
                                           + ["search-keys-en-1-0.pickle"])
    assert set(entries_made) == arabic - {EDITED}, "the English shard keeps its entries; the Arabic ones are cut anew"


def test_the_word_forms_kept_for_pagefind_are_removed(digest: Path) -> None:
    """A digest built before mawjaz had its own index keeps Pagefind's word forms in its cache;
    the next build removes them (and nothing else of the cache's)."""
    incremental(digest)
    folder = digest / ".mawjaz-cache"
    old = [folder / "search-forms-ar-8-3.pickle", folder / "search-forms-en-1-0.pickle"]
    for path in old:
        path.write_bytes(b"old")
    kept = entries_files(digest)
    edit_body(digest)
    incremental(digest)
    assert not any(path.exists() for path in old)
    assert entries_files(digest) == kept, "the entries of the index as it is now stay"


def test_a_build_without_cache_keeps_no_entries(digest: Path, tmp_path: Path) -> None:
    cold(digest, tmp_path / "out")
    assert entries_files(digest) == []
