"""The pipeline end to end on a site declared here, in full: which files a site makes, the
"nothing changed" shortcut, and a one-article edit that writes only what shows it."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.build.ahead import FirstLook
from generator.build.fingerprint import RacyFile, Snapshot
from generator.build.pipeline import (
    BuildOptions,
    _counts_as_last,
    _entries_kept,
    _Loaded,
    _without_entries,
    build,
    load_site,
    render_site,
    written_record,
)
from generator.build.shortcut import BuildSummary
from generator.cache.store import BuildCache, Entry, Shard
from generator.core.diagnostics import BuildFailed
from generator.core.files import file_identity
from generator.core.model import OutputFile, frozen_map
from generator.output.writer import MARKER, WriteStats
from generator.render.theme import find_theme, walk_theme

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
OLD_NS = 1_700_000_000 * 10**9

SITE = {
    "mawjaz.toml": """\
title = "موجز"
base_url = "https://example.org/digest/"
language = "ar"
timezone = "Asia/Damascus"
editions = "none"
""",
    "content/actors.yaml": """\
- id: amal
  kind: person
  names: {ar: أمل الخطيب, en: Amal Khatib}
- id: council
  kind: organisation
  names: {ar: المجلس المحلي}
""",
    "content/articles/one.md": "---\ntitle: لقاء مع أمل الخطيب\ndate: 2026-11-27\nactors: [amal]\n---\n"
                               "نص الخبر الأول.\n",
    # no `actors:`: the council is found in the text
    "content/articles/two.md": "---\ntitle: قرار المجلس المحلي\ndate: 2026-11-28\n---\nأعلن المجلس المحلي قراره.\n",
    "content/articles/three.md": "---\ntitle: A report\ndate: 2026-11-26\nlang: en\n---\nSome text.\n",
    "content/articles/draft.md": "---\ntitle: مسودة\ndate: 2026-11-26\ndraft: true\n---\nلم ينشر بعد.\n",
    "content/articles/later.md": "---\ntitle: خبر مجدول\ndate: 2026-12-05\n---\nلاحقاً.\n",
}

PAGES = {
    "index.html", "404.html", "archive/index.html", "robots.txt", "sitemap.xml", "news-sitemap.xml", "urls.json",
    *(f"feeds/{kind}.opml" for kind in ("all", "digest", "language", "actor")),
    "articles/لقاء-مع-أمل-الخطيب/index.html", "articles/قرار-المجلس-المحلي/index.html",
    "articles/a-report/index.html",
    "actors/index.html",
    *(f"actors/{actor}/{name}" for actor in ("amal", "council")
      for name in ("index.html", "index.json", "atom.xml", "rss.xml", "feed.json")),
    "feeds/index.html",
    *(f"feeds/{lang}{name}" for lang in ("", "ar/", "en/") for name in ("atom.xml", "rss.xml", "feed.json")),
}


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def settle(root: Path) -> None:
    """Every input dated long ago, so a snapshot of them is trusted (see fingerprint)."""
    for path in [root / "mawjaz.toml", *(root / "content").rglob("*")]:
        os.utime(path, ns=(OLD_NS, OLD_NS))


def static_paths(root: Path) -> set[str]:
    return {f"static/{rel}" for rel, _ in walk_theme(find_theme(root).static, None, "static").files}


def test_a_site_makes_exactly_its_pages_feeds_and_static_files(root: Path) -> None:
    site, diagnostics = load_site(root, BuildOptions(now=NOW))
    assert diagnostics == ()
    assert [a.rel.rsplit("/", 1)[1] for a in site.articles] == ["two.md", "one.md", "three.md"]  # newest first
    assert {a.rel: a.actors for a in site.articles}["content/articles/two.md"] == ("council",)
    files = render_site(site, find_theme(root))
    paths = [f.path for f in files]
    assert paths == sorted(paths) and len(set(paths)) == len(paths)
    assert set(paths) == PAGES | static_paths(root)


def test_drafts_and_scheduled_articles_only_when_asked(root: Path) -> None:
    site, _ = load_site(root, BuildOptions(now=NOW, drafts=True, future=True))
    paths = {f.path for f in render_site(site, find_theme(root))}
    assert {"articles/مسودة/index.html", "articles/خبر-مجدول/index.html"} <= paths


def test_a_broken_article_fails_the_load_naming_it(root: Path) -> None:
    write(root, {"content/articles/bad.md": "---\ndate: 2026-11-01\n---\nبلا عنوان\n"})
    with pytest.raises(BuildFailed) as failed:
        load_site(root, BuildOptions(now=NOW))
    assert {d.path for d in failed.value.diagnostics} == {"content/articles/bad.md"}


def identities(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and p.name != MARKER}


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and p.name != MARKER}


OPTIONS = BuildOptions(now=NOW, cache=True, workers=1)


def test_a_build_with_nothing_changed_takes_the_shortcut(root: Path) -> None:
    first = build(root, OPTIONS)
    assert first.site is not None and first.stats.written == len(first.files)
    live = identities(root / "site")
    assert set(live) == PAGES | static_paths(root)
    again = build(root, OPTIONS)
    assert again.site is None and again.files == ()  # nothing loaded, nothing rendered
    assert again.stats == WriteStats(0, len(first.files))
    assert again.summary == first.summary and again.diagnostics == first.diagnostics
    assert identities(root / "site") == live


def test_a_rebuild_hands_what_it_loaded_and_recorded_to_its_caller(root: Path) -> None:
    """For the command line to exit without freeing it (see ``BuildResult.held``): the last
    build's record of pages, the one this build saved, and what the child sent (the
    inputs' snapshot, the spare's listing)."""
    first = build(root, OPTIONS)
    article = next((root / "content" / "articles").glob("*.md"))
    article.write_text(article.read_text("utf-8").replace("\n\n", "\n\nA new paragraph.\n\n", 1), "utf-8")
    again = build(root, OPTIONS)
    records = [held.pages for held in again.held if isinstance(held, BuildCache)]
    assert len(records) == 2 and set(records[0]) == {f.path for f in first.files}
    assert set(records[1]) == {f.path for f in again.files}
    assert any(isinstance(held, FirstLook) for held in again.held)


def test_the_record_of_pages_keeps_the_last_records_tuple_where_nothing_changed(tmp_path: Path) -> None:
    for name in ("a.html", "b.html", "c.html"):
        (tmp_path / name).write_bytes(name.encode())
    same = ("k", *file_identity(os.fspath(tmp_path / "a.html")))
    recorded = {"a.html": same, "b.html": ("k", 1, 2, 3),
                "c.html": ("old key", *file_identity(os.fspath(tmp_path / "c.html")))}
    files = [OutputFile(name, b"", key="k") for name in ("a.html", "b.html", "c.html")]
    pages, anew = written_record(files, tmp_path, recorded=recorded)
    assert pages["a.html"] is same
    assert pages["b.html"] == ("k", *file_identity(os.fspath(tmp_path / "b.html")))  # the file as it is now
    assert pages["c.html"] == ("k", *recorded["c.html"][1:])  # its new key
    assert anew == {path: record for path, record in pages.items() if recorded.get(path) is not record}
    assert set(anew) == {"b.html", "c.html"}


def test_the_shortcut_is_not_taken_when_the_output_was_touched(root: Path) -> None:
    first = build(root, OPTIONS)
    page = (root / "site" / "404.html").read_bytes()
    (root / "site" / "404.html").unlink()
    again = build(root, OPTIONS)
    assert again.site is not None and (root / "site" / "404.html").read_bytes() == page
    assert again.stats.written + again.stats.unchanged == len(first.files)
    # the writer's spare still held those bytes: nothing had to be written
    assert again.stats.written == 0


def test_one_changed_article_writes_only_the_pages_that_show_it(root: Path) -> None:
    first = build(root, OPTIONS)
    before_ids, before_bytes = identities(root / "site"), hashes(root / "site")
    edited = root / "content" / "articles" / "three.md"
    edited.write_text(SITE["content/articles/three.md"].replace("Some text.", "Some other text."), "utf-8")
    result = build(root, OPTIONS)
    after_ids, after_bytes = identities(root / "site"), hashes(root / "site")
    assert after_ids.keys() == before_ids.keys()
    rewritten = {p for p in after_ids if after_ids[p] != before_ids[p]}
    differs = {p for p in after_bytes if after_bytes[p] != before_bytes[p]}
    assert rewritten == differs  # only files whose bytes changed were written
    assert result.stats.written == len(rewritten)
    assert result.stats.written + result.stats.unchanged == len(result.files) == len(first.files)
    assert "articles/a-report/index.html" in rewritten and "feeds/en/atom.xml" in rewritten
    # pages that do not show the article were not even rendered again
    kept = {f.path for f in result.files if f.reused}
    assert {"articles/لقاء-مع-أمل-الخطيب/index.html", "articles/قرار-المجلس-المحلي/index.html",
            "actors/amal/index.html", "actors/council/index.html", "404.html"} <= kept
    assert not rewritten & kept
    assert len(rewritten) < len(PAGES) // 2, sorted(rewritten)


def test_rendering_keeps_only_the_cache_entries_of_racy_articles() -> None:
    entries = {rel: Entry(None, rel, "context", None) for rel in ("content/articles/a.md", "content/articles/b.md")}
    cache = BuildCache(frozen_map(entries), shards=frozen_map({1: Shard(frozen_map(entries), frozenset())}))
    loaded = _Loaded(None, (), cache, None)  # type: ignore[arg-type]
    racy = RacyFile("/digest/content/articles/b.md", "content/articles/b.md", (1, 2, 3))
    kept = _entries_kept(loaded, Snapshot("digest", 0, racy=(racy,)))
    assert dict(kept.cache.entries) == {"content/articles/b.md": entries["content/articles/b.md"]}
    assert not kept.cache.shards and kept.site is None
    assert not _entries_kept(loaded, None).cache.entries
    assert not _without_entries(cache).entries and not _without_entries(cache).shards


def test_the_counts_are_the_last_builds_only_for_files_at_its_paths() -> None:
    """An edit's files are the last build's: its counts are taken as they were (here made
    unlike what the paths would give, to tell them apart); any other set of paths is counted."""
    record = {path: ("k", 1, 2, 3) for path in ("index.html", "feeds/atom.xml", "a/index.html")}
    last = BuildCache(pages=record, meta={"summary": BuildSummary("site", 1, 0, 40, 7, 0)})
    same = [OutputFile(path, b"", "test") for path in sorted(record)]
    assert _counts_as_last(same, last) == (40, 7)
    assert _counts_as_last([*same[:2], OutputFile("b/index.html", b"", "test")], last) is None
    assert _counts_as_last(same[:2], last) is None
    assert _counts_as_last(same, BuildCache(pages=record)) is None  # no summary kept
    assert _counts_as_last(same, None) is None


def test_an_edits_summary_counts_what_a_clean_build_counts(root: Path) -> None:
    build(root, OPTIONS)
    article = next((root / "content" / "articles").glob("*.md"))
    article.write_text(article.read_text("utf-8").replace("\n\n", "\n\nA new paragraph.\n\n", 1), "utf-8")
    edited = build(root, OPTIONS)
    clean = build(root, BuildOptions(now=NOW, cache=False, workers=1))
    assert (edited.summary.pages, edited.summary.feeds) == (clean.summary.pages, clean.summary.feeds)


def test_the_articles_are_split_by_whether_their_lists_are_unchanged_in_their_order() -> None:
    from types import SimpleNamespace

    from generator.build import pipeline as pipeline_module

    articles = [SimpleNamespace(rel=f"content/articles/{n}.md") for n in range(6)]
    unchanged = frozenset({"content/articles/0.md", "content/articles/3.md", "content/articles/4.md", "elsewhere"})
    assert pipeline_module._split(articles, unchanged) == ([0, 3, 4], [1, 2, 5])
    assert pipeline_module._split([], unchanged) == ([], [])
