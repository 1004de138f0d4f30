"""The build cache's store: entries come back as saved, a save rewrites only the shards that
changed, an entry made under other settings or other code is not reused, and the shard of
an article is the same in every process. (Body files: ``test_bodies.py``; signing and
planted caches: ``tests/hostile/test_cache_tampering.py``.)"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import shutil
import subprocess
import sys
import weakref
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.cache import store
from generator.cache.store import (
    CACHE_DIR,
    SHARDS,
    BuildCache,
    Entry,
    PagesPatch,
    StoredRelated,
    code_digest,
    load_cache,
    load_related,
    pages_patch,
    save_cache,
    save_related,
    shard_of,
)
from generator.content.articles import Checked
from generator.content.ingest import ingest
from generator.core.config import SiteConfig
from generator.core.diagnostics import error
from generator.core.model import Article, StoredBody, body_bytes, frozen_map, html_bytes
from tests.hostile.support import article_text, write_digest

REPO = Path(__file__).resolve().parents[3]
TZ = timezone(timedelta(hours=3))


def entry(n: int, body: str = "") -> Entry:
    rel = f"content/articles/{n:03d}.md"
    article = Article(rel=rel, id=f"id{n}", slug=f"s{n}", title=f"عنوان {n}",
                      date=datetime(2026, 11, 1, 9, tzinfo=TZ) + timedelta(days=n), lang="ar",
                      body=html_bytes(body or f"<p>نص {n}</p>"), summary=f"نص {n}",
                      actors=("a",), source_digest=f"digest{n}")
    return Entry((100 + n, 1_700_000_000_000_000_000 + n, 5000 + n), f"digest{n}", "context",
                 Checked(article, (3,)), "found-context", ("a",))


def problem_entry(n: int) -> Entry:
    rel = f"content/articles/{n:03d}.md"
    return Entry(None, f"digest{n}", "context", [error(rel, 2, 1, "frontmatter-title", "no title")])


def entries(count: int = 12) -> dict[str, Entry]:
    found = {f"content/articles/{n:03d}.md": entry(n) for n in range(count)}
    found["content/articles/broken.md"] = problem_entry(999)
    return found


def same_entries(loaded: Entry, saved: Entry) -> bool:
    """Equal, the article's body compared by its bytes (it comes back as a ``StoredBody``)."""
    if loaded[:3] != saved[:3] or loaded[4:] != saved[4:]:
        return False
    if not isinstance(saved.outcome, Checked):
        return loaded.outcome == saved.outcome
    a, b = loaded.outcome.article, saved.outcome.article
    return (body_bytes(a.body) == body_bytes(b.body) and loaded.outcome.actor_lines == saved.outcome.actor_lines
            and all(getattr(a, f) == getattr(b, f) for f in Article.__slots__ if f != "body"))


def shard_files(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of each shard: a rewrite is atomic (a new file renamed in), so a
    rewritten shard has a new inode."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted((root / CACHE_DIR).glob("articles-*.pickle"))}


def test_save_then_load_gives_the_same_entries(tmp_path: Path) -> None:
    saved = entries()
    pages = {"index.html": ("key", 10, 20, 30)}
    meta = {"snapshot": "abc", "summary": ("x", 1)}
    save_cache(tmp_path, BuildCache(frozen_map(saved), frozen_map(pages), frozen_map(meta)))
    loaded = load_cache(tmp_path)
    assert loaded.entries.keys() == saved.keys()
    assert all(same_entries(loaded.entries[rel], saved[rel]) for rel in saved)
    assert dict(loaded.pages) == pages and dict(loaded.meta) == meta
    assert loaded.note == ""
    body = loaded.entries["content/articles/001.md"].outcome.article.body
    assert isinstance(body, StoredBody)  # bodies stay on disk until a page shows them


def test_loading_leaves_nothing_for_the_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build loads the cache with the collector paused: a shard's unpickler, whose memo
    held its own method and every object the shard made (70 MB at 50,000 articles), must
    go as soon as its shard is loaded, not wait for a collection that never comes."""
    save_cache(tmp_path, BuildCache(frozen_map(entries())))
    made: list[weakref.ref[object]] = []
    start = store._ShardUnpickler.__init__

    def watched(self: store._ShardUnpickler, *args: object) -> None:
        start(self, *args)
        made.append(weakref.ref(self))

    monkeypatch.setattr(store._ShardUnpickler, "__init__", watched)
    enabled = gc.isenabled()
    gc.disable()
    try:
        loaded = load_cache(tmp_path)
        assert made and all(ref() is None for ref in made)
    finally:
        if enabled:
            gc.enable()
    assert loaded.entries.keys() == entries().keys()


def copy(text: str) -> str:
    """An equal string that is another object (as every article read by a worker has)."""
    return "".join(list(text))


def test_a_shard_loads_each_repeated_text_once(tmp_path: Path) -> None:
    saved = {}
    for n in range(200):
        rel = f"content/articles/{n:03d}.md"
        article = dataclasses.replace(entry(n).outcome.article, rel=copy(rel), lang=copy("ar"),
                                      actors=(copy("amal"),), source_digest=copy(f"digest{n}"))
        saved[rel] = Entry(None, copy(f"digest{n}"), copy("context"), Checked(article, (3,)),
                           copy("found-context"), (copy("amal"),))
    save_cache(tmp_path, BuildCache(frozen_map(saved)))
    loaded = load_cache(tmp_path)
    assert all(same_entries(loaded.entries[rel], saved[rel]) for rel in saved)
    for shard in {shard_of(rel) for rel in saved}:
        mine = [(rel, e) for rel, e in loaded.entries.items() if shard_of(rel) == shard]
        first = mine[0][1]
        for rel, e in mine:
            article = e.outcome.article
            assert rel is article.rel and e.digest is article.source_digest
            assert e.context is first.context and e.found_context is first.found_context
            assert article.lang is first.outcome.article.lang and e.found is first.found
            assert article.actors is first.outcome.article.actors


def test_save_returns_the_entries_as_they_now_read_back(tmp_path: Path) -> None:
    returned = save_cache(tmp_path, BuildCache(frozen_map(entries())))
    body = returned.entries["content/articles/002.md"].outcome.article.body
    assert isinstance(body, StoredBody) and body_bytes(body) == html_bytes("<p>نص 2</p>")


def test_the_parts_are_saved_as_asked(tmp_path: Path) -> None:
    save_cache(tmp_path, BuildCache(frozen_map(entries()), frozen_map({"a": ("k", 1, 2, 3)})), pages=False)
    assert load_cache(tmp_path).pages == {} and len(load_cache(tmp_path).entries) == 13
    assert load_cache(tmp_path, articles=False).entries == {}
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text("utf-8").splitlines()[-1] == "*"


def test_only_changed_shards_are_rewritten(tmp_path: Path) -> None:
    save_cache(tmp_path, BuildCache(frozen_map(entries(40))))
    before = shard_files(tmp_path)
    assert len(before) > 10, "entries are spread over shards"

    loaded = load_cache(tmp_path)
    save_cache(tmp_path, loaded)  # nothing changed
    assert shard_files(tmp_path) == before

    changed = dict(loaded.entries)
    rel = "content/articles/007.md"
    changed[rel] = entry(7, "<p>نص جديد</p>")._replace(digest="new digest")
    save_cache(tmp_path, BuildCache(frozen_map(changed), shards=loaded.shards))
    after = shard_files(tmp_path)
    assert after.keys() == before.keys()
    assert [name for name in before if after[name] != before[name]] == [f"articles-{shard_of(rel):02d}.pickle"]
    assert body_bytes(load_cache(tmp_path).entries[rel].outcome.article.body) == html_bytes("<p>نص جديد</p>")


def test_a_shard_left_empty_is_removed_and_unused_bodies_go(tmp_path: Path) -> None:
    saved = entries(3)
    save_cache(tmp_path, BuildCache(frozen_map(saved)))
    loaded = load_cache(tmp_path)
    rel = "content/articles/001.md"
    kept = {k: v for k, v in loaded.entries.items() if k != rel}
    assert not [k for k in kept if shard_of(k) == shard_of(rel)], "the test needs the entry alone in its shard"
    save_cache(tmp_path, BuildCache(frozen_map(kept), shards=loaded.shards))
    assert f"articles-{shard_of(rel):02d}.pickle" not in shard_files(tmp_path)
    assert load_cache(tmp_path).entries.keys() == kept.keys()
    named = {os.path.basename(e.outcome.article.body.path) for e in load_cache(tmp_path).entries.values()
             if isinstance(e.outcome, Checked)}
    assert {p.name for p in (tmp_path / CACHE_DIR).glob("bodies-*.bin")} == named



def test_a_save_rewrites_the_shards_of_entries_added_and_gone_and_of_a_missing_file(tmp_path: Path) -> None:
    save_cache(tmp_path, BuildCache(frozen_map(entries(100))))  # more entries than shards
    loaded = load_cache(tmp_path)
    used = [shard_of(k) for k in loaded.entries]
    # gone: an entry whose shard keeps others; added: a new one in another shard that has
    # some; missing: an unchanged entry whose shard file went
    gone = next(k for k in loaded.entries if used.count(shard_of(k)) > 1)
    added = next(rel for rel in (f"content/articles/{n:03d}.md" for n in range(100, 999))
                 if shard_of(rel) != shard_of(gone) and shard_of(rel) in used)
    missing = next(k for k in loaded.entries if shard_of(k) not in (shard_of(gone), shard_of(added)))
    (tmp_path / CACHE_DIR / f"articles-{shard_of(missing):02d}.pickle").unlink()
    before = shard_files(tmp_path)
    now = {k: v for k, v in loaded.entries.items() if k != gone}
    now[added] = entry(int(added[-6:-3]))
    returned = save_cache(tmp_path, BuildCache(frozen_map(now), shards=loaded.shards))
    after = shard_files(tmp_path)
    rewritten = {f"articles-{shard_of(k):02d}.pickle" for k in (gone, added, missing)}
    assert {name for name in after if after[name] != before.get(name)} == rewritten
    again = load_cache(tmp_path)
    assert again.entries.keys() == now.keys()
    assert all(same_entries(again.entries[rel], returned.entries[rel]) for rel in now)

# -- what an entry depends on ---------------------------------------------------------------

CONFIG = """\
title = "موجز"
base_url = "https://example.org/"
timezone = "{zone}"
"""
OLD = 1_700_000_000  # seconds: long before any build, so every stat is trusted


def settled_digest(root: Path, zone: str = "Asia/Damascus") -> Path:
    write_digest(root, {"a.md": article_text("أ", date="2026-11-27T10:00:00"),
                        "b.md": article_text("ب", date="2026-11-28T10:00:00")},
                 config=CONFIG.format(zone=zone))
    for path in (root / "content" / "articles").iterdir():
        os.utime(path, (OLD, OLD))
    return root


def config_of(zone: str) -> SiteConfig:
    return SiteConfig(title="موجز", base_url="https://example.org/", timezone=zone)


def test_an_entry_made_under_other_settings_is_not_reused(tmp_path: Path) -> None:
    root = settled_digest(tmp_path)
    first = ingest(root, config_of("Asia/Damascus"), None, BuildCache(), workers=1)
    save_cache(root, first.cache)
    cache = load_cache(root)
    again = ingest(root, config_of("Asia/Damascus"), None, cache, workers=1)
    assert not again.changed and all(again.cache.entries[r] is cache.entries[r] for r in cache.entries)

    moved = ingest(root, config_of("Europe/Paris"), None, cache, workers=1)
    assert moved.changed
    assert all(moved.cache.entries[r].context != cache.entries[r].context for r in cache.entries)
    # the date without an offset is read in the new zone, not taken from the old entry
    assert [c.article.date.utcoffset() for c in moved.checked] == [timedelta(hours=1)] * 2


def test_a_rendering_setting_keeps_the_entries(tmp_path: Path) -> None:
    root = settled_digest(tmp_path)
    cache = ingest(root, config_of("UTC"), None, BuildCache(), workers=1).cache
    other = SiteConfig(title="عنوان آخر", base_url="https://elsewhere.example/", timezone="UTC")
    assert not ingest(root, other, None, cache, workers=1).changed


@pytest.fixture()
def package(tmp_path: Path) -> Iterator[Path]:
    """A stand-in for the generator package, that ``code_digest`` hashes instead."""
    folder = tmp_path / "generator"
    (folder / "core").mkdir(parents=True)
    (folder / "__init__.py").write_text('"""x"""\n', "utf-8")
    (folder / "core" / "model.py").write_text("A = 1\n", "utf-8")
    (folder / "data.tsv").write_text("a\tb\n", "utf-8")
    real = store._PACKAGE
    store._PACKAGE = folder
    code_digest.cache_clear()
    store._base.cache_clear()
    try:
        yield folder
    finally:
        store._PACKAGE = real
        code_digest.cache_clear()
        store._base.cache_clear()


def digest_now() -> str:
    code_digest.cache_clear()
    store._base.cache_clear()
    return code_digest()


def test_code_digest_changes_with_any_file_of_the_package(package: Path) -> None:
    first = digest_now()
    assert digest_now() == first
    (package / "core" / "model.py").write_text("A = 2\n", "utf-8")
    second = digest_now()
    assert second != first
    (package / "data.tsv").write_text("a\tc\n", "utf-8")
    third = digest_now()
    assert third != second
    (package / "core" / "model.py").rename(package / "core" / "other.py")  # same bytes, another name
    assert digest_now() != third


def test_code_digest_ignores_what_is_not_code_or_data(package: Path) -> None:
    first = digest_now()
    (package / "core" / "__pycache__").mkdir()
    (package / "core" / "__pycache__" / "model.cpython-311.pyc").write_bytes(b"\0compiled")
    (package / "notes.swp").write_bytes(b"editor")
    assert digest_now() == first


def test_the_real_code_digest_is_the_packages(tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(REPO / "generator", copy, ignore=shutil.ignore_patterns("__pycache__"))
    real = store._PACKAGE
    store._PACKAGE = copy
    try:
        ours = digest_now()
        (copy / "cache" / "store.py").write_text((copy / "cache" / "store.py").read_text("utf-8") + "\n# edit\n",
                                                 "utf-8")
        assert digest_now() != ours
    finally:
        store._PACKAGE = real
        code_digest.cache_clear()
        store._base.cache_clear()
    assert code_digest() == ours  # the copy hashed as the package itself does


def test_a_cache_written_by_other_code_is_not_loaded(tmp_path: Path, package: Path) -> None:
    save_cache(tmp_path, BuildCache(frozen_map(entries(3)), frozen_map({"a": ("k", 1, 2, 3)})))
    assert len(load_cache(tmp_path).entries) == 4
    (package / "core" / "model.py").write_text("A = 3\n", "utf-8")  # an upgrade of mawjaz
    digest_now()
    stale = load_cache(tmp_path)
    assert stale.entries == {} and stale.pages == {}
    assert "another version" in stale.note


# -- shards ---------------------------------------------------------------------------------

NAMES = ["content/articles/000.md", "content/articles/خبر-عاجل.md", "content/articles/2026/11/x.md",
         "content/articles/\udcff-odd.md", *(f"content/articles/{n}.md" for n in range(40))]


def test_shards_are_in_range_and_spread() -> None:
    shards = [shard_of(name) for name in NAMES]
    assert all(0 <= s < SHARDS for s in shards)
    assert len(set(shards)) > 20


def test_shard_of_is_the_same_in_another_process(tmp_path: Path) -> None:
    """Unlike ``hash``, which another process salts differently."""
    script = ("import json, sys\nfrom generator.cache.store import shard_of\n"
              "names = json.loads(sys.stdin.read())\n"
              "print(json.dumps([shard_of(n) for n in names]))\n")
    here = [shard_of(name) for name in NAMES]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        done = subprocess.run([sys.executable, "-c", script], input=json.dumps(NAMES), env=env,
                              capture_output=True, text=True, check=True, cwd=tmp_path)
        assert json.loads(done.stdout) == here


def test_the_related_state_is_saved_whole_or_as_a_patch_of_the_whole(tmp_path: Path) -> None:
    """A build's related state is found by its build's token: saved whole, it is the base of
    the patches the next builds save; a patch is found only with the base it was made from,
    and a state whole again drops the patch."""
    assert load_related(tmp_path, "") is None and load_related(tmp_path, "one") is None
    save_related(tmp_path, "one", {"state": 1})
    first = load_related(tmp_path, "one")
    assert first == StoredRelated("one", {"state": 1}, None)
    save_related(tmp_path, "two", {"state": 2}, first, {"patch": 2})
    assert load_related(tmp_path, "two") == StoredRelated("one", {"state": 1}, {"patch": 2})
    save_related(tmp_path, "three", {"state": 3}, first, {"patch": 3})  # the next edit: a patch of the same base
    assert load_related(tmp_path, "three") == StoredRelated("one", {"state": 1}, {"patch": 3})
    assert load_related(tmp_path, "two") is None  # a build whose record names a state saved over
    save_related(tmp_path, "four", {"state": 4})
    assert load_related(tmp_path, "four") == StoredRelated("four", {"state": 4}, None)
    assert not (tmp_path / CACHE_DIR / "related-patch.pickle").exists()
    save_related(tmp_path, "five", {"state": 5}, first, {"patch": 5})  # made from a base saved over since
    assert load_related(tmp_path, "five") is None


def _pages(count: int) -> dict[str, tuple[str, int, int, int]]:
    return {f"articles/{n}/index.html": (f"key{n}", n, n, n) for n in range(count)}


def _saved_with(root: Path, pages: dict[str, tuple[str, int, int, int]], patch: PagesPatch | None) -> BuildCache:
    save_cache(root, BuildCache(pages=pages, meta={"snapshot": "s"}, pages_patch=patch), articles=False)
    return load_cache(root, articles=False)


def test_the_record_of_pages_is_saved_as_a_patch_of_the_whole_one(tmp_path: Path) -> None:
    """A build that writes a few pages saves the changes since the whole record (with the
    changes the record was read with); each load gives the record as the build left it."""
    first = _saved_with(tmp_path, _pages(1000), None)
    assert dict(first.pages) == _pages(1000) and first.pages_patch is not None and not first.pages_patch.changed
    second = {**first.pages, "articles/5/index.html": ("new", 1, 2, 3), "articles/new/index.html": ("k", 1, 1, 1)}
    del second["articles/7/index.html"]
    patch = pages_patch(first, second)
    assert patch is not None and patch.removed == {"articles/7/index.html"}
    assert patch.changed.keys() == {"articles/5/index.html", "articles/new/index.html"}
    loaded = _saved_with(tmp_path, second, patch)
    assert dict(loaded.pages) == second
    third = {**loaded.pages, "articles/7/index.html": ("back", 1, 1, 1)}  # a page back
    del third["articles/new/index.html"]  # and one of the patch gone
    again = _saved_with(tmp_path, third, pages_patch(loaded, third))
    assert dict(again.pages) == third and again.pages_patch is not None
    assert again.pages_patch.changed.keys() == {"articles/5/index.html", "articles/7/index.html"}
    assert "articles/7/index.html" not in again.pages_patch.removed


def test_a_large_patch_of_the_record_of_pages_is_saved_whole(tmp_path: Path) -> None:
    first = _saved_with(tmp_path, _pages(1000), None)
    rewritten = {path: ("other", 0, 0, 0) for path in list(first.pages)[:100]}
    assert pages_patch(first, {**first.pages, **rewritten}) is None  # a tenth of the record
    assert pages_patch(BuildCache(pages=first.pages), dict(first.pages)) is None  # not read from a record
    whole = _saved_with(tmp_path, {**first.pages, **rewritten}, None)
    assert not (tmp_path / CACHE_DIR / "pages-patch.pickle").exists() and whole.pages_patch is not None


def test_a_patch_of_a_record_saved_over_since_is_not_taken(tmp_path: Path) -> None:
    """The meta names the patch, the patch the whole record it changes: a patch whose
    record is gone leaves the build without a record (and without meta), as a save that
    did not finish does."""
    first = _saved_with(tmp_path, _pages(100), None)
    changed = {**first.pages, "articles/1/index.html": ("new", 1, 1, 1)}
    patch = pages_patch(first, changed)
    store._save(tmp_path / CACHE_DIR / "pages.pickle", ("another-token", _pages(100)))
    save_cache(tmp_path, BuildCache(pages=changed, meta={"snapshot": "s"}, pages_patch=patch), articles=False)
    store._save(tmp_path / CACHE_DIR / "pages.pickle", ("yet-another", _pages(100)))
    loaded = load_cache(tmp_path, articles=False)
    assert dict(loaded.pages) == {} and dict(loaded.meta) == {}
