"""The load stage's driver: every article checked, in file order, the same whether it ran
in this process or on workers; what did not change is taken from the cache, what changed is
read again, what went is dropped, and every file's problems are gathered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cache.store import BuildCache
from generator.content import ingest as ingest_module
from generator.content.ingest import RACY_NS, ingest
from generator.core import parallel
from generator.core.config import SiteConfig
from generator.core.model import body_bytes
from tests.hostile.support import article_text, write_digest

CONFIG = SiteConfig(title="موجز", base_url="https://example.org/", timezone="Asia/Damascus")
OLD_NS = 1_700_000_000 * 10**9  # long before any build: every stat is trusted

ARTICLES = {
    **{f"{n:02d}.md": article_text(f"خبر {n}", body=f"نص الخبر رقم {n}.", date=f"2026-11-{n % 28 + 1:02d}")
       for n in range(12)},
    "2026/nested.md": article_text("خبر في مجلد", date="2026-10-01"),
    "english.md": article_text("In English", body="Some text.", extra="lang: en\n"),
}
BROKEN = {
    "bad-date.md": "---\ntitle: خبر\ndate: not a date\n---\nنص\n",
    "no-title.md": "---\ndate: 2026-11-01\n---\nنص\n",
    "not-utf8.md": b"---\ntitle: x\ndate: 2026-11-01\n---\n\xff\xfe\n",
}


def digest(root: Path, articles: dict = ARTICLES) -> Path:
    (root / "content" / "articles" / "2026").mkdir(parents=True)
    write_digest(root, articles)
    settle(root)
    return root


def settle(root: Path) -> None:
    for path in (root / "content").rglob("*"):
        os.utime(path, ns=(OLD_NS, OLD_NS))


def rels(result) -> list[str]:
    return [c.article.rel for c in result.checked]


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files read from disk by an in-process ingest."""
    read: list[str] = []
    real = ingest_module.read_source

    def recording(root, path, *args, **kwargs):
        read.append(path.relative_to(root).as_posix())
        return real(root, path, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "read_source", recording)
    return read


def test_articles_come_in_file_order(tmp_path: Path) -> None:
    result = ingest(digest(tmp_path), CONFIG, None, BuildCache(), workers=1)
    expected = sorted(f"content/articles/{name}" for name in ARTICLES)
    assert rels(result) == expected and result.problems == ()
    assert result.cache.entries.keys() == set(expected)
    assert result.changed


def test_workers_give_what_one_process_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = digest(tmp_path, {**ARTICLES, **BROKEN})
    alone = ingest(root, CONFIG, None, BuildCache(), workers=1)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # a small digest is otherwise done in-process
    spool = root / ".mawjaz-cache"
    shared = ingest(root, CONFIG, None, BuildCache(), workers=2, spool=spool)
    # the bodies were spooled by other processes: the work really was spread
    makers = {int(p.name.rsplit("-", 1)[1].split(".")[0], 16) for p in spool.glob("bodies-w-*.bin")}
    assert makers and os.getpid() not in makers
    assert rels(shared) == rels(alone)
    assert [dataclass_without_body(c.article) for c in shared.checked] == \
        [dataclass_without_body(c.article) for c in alone.checked]
    assert [body_bytes(c.article.body) for c in shared.checked] == [c.article.body for c in alone.checked]
    assert shared.problems == alone.problems


def dataclass_without_body(article) -> tuple:
    return tuple(getattr(article, name) for name in type(article).__slots__ if name != "body")


def test_an_unchanged_file_is_reused_and_a_changed_one_read_again(tmp_path: Path, reads: list[str]) -> None:
    root = digest(tmp_path)
    first = ingest(root, CONFIG, None, BuildCache(), workers=1)
    assert len(reads) == len(ARTICLES)
    reads.clear()
    changed = root / "content" / "articles" / "03.md"
    changed.write_text(article_text("عنوان جديد", date="2026-11-04"), "utf-8")
    os.utime(changed, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    second = ingest(root, CONFIG, None, first.cache, workers=1)
    assert reads == ["content/articles/03.md"]
    assert second.changed
    assert [c.article.title for c in second.checked if c.article.rel.endswith("/03.md")] == ["عنوان جديد"]
    for rel, entry in second.cache.entries.items():
        assert (entry is first.cache.entries[rel]) == (rel != "content/articles/03.md"), rel
    reads.clear()
    third = ingest(root, CONFIG, None, second.cache, workers=1)
    assert reads == [] and not third.changed and rels(third) == rels(second)


def test_a_file_changed_too_close_to_its_read_is_read_again(tmp_path: Path, reads: list[str]) -> None:
    """Its stat could not tell two versions apart (see RACY_NS)."""
    root = digest(tmp_path)
    racy = root / "content" / "articles" / "05.md"
    future = OLD_NS + 10**12 * 10**9  # after any clock this runs under: always within the window
    os.utime(racy, ns=(future, future))
    first = ingest(root, CONFIG, None, BuildCache(), workers=1)
    assert first.cache.entries["content/articles/05.md"].stat is None
    assert first.cache.entries["content/articles/04.md"].stat is not None
    reads.clear()
    ingest(root, CONFIG, None, first.cache, workers=1)
    assert reads == ["content/articles/05.md"]
    assert RACY_NS > 0


def test_a_file_read_again_with_the_bytes_it_had_keeps_its_result(tmp_path: Path, reads: list[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A racy file, or one touched or checked out anew, is read and hashed again, not parsed:
    its cached result stands, with the new stat (trusted once the change is old enough)."""
    root = digest(tmp_path)
    rel = "content/articles/05.md"
    racy = root / rel
    future = OLD_NS + 10**12 * 10**9
    os.utime(racy, ns=(future, future))
    first = ingest(root, CONFIG, None, BuildCache(), workers=1)
    parsed: list[str] = []
    real = ingest_module.parse_article
    monkeypatch.setattr(ingest_module, "parse_article", lambda source: parsed.append(source.rel) or real(source))
    reads.clear()
    second = ingest(root, CONFIG, None, first.cache, workers=1)
    assert reads == [rel] and parsed == []
    assert second.cache.entries[rel].outcome is first.cache.entries[rel].outcome
    assert second.cache.entries[rel].stat is None  # still racy
    os.utime(racy, ns=(OLD_NS, OLD_NS + 5))  # touched: a new time, long ago
    third = ingest(root, CONFIG, None, second.cache, workers=1)
    info = racy.stat()
    assert reads == [rel, rel] and parsed == [] and third.changed  # the new stat is saved
    assert third.cache.entries[rel].stat == (info.st_size, info.st_mtime_ns, info.st_ino)
    assert third.cache.entries[rel].outcome is first.cache.entries[rel].outcome
    racy.write_text(article_text("خبر آخر", date="2026-11-06"), "utf-8")
    os.utime(racy, ns=(OLD_NS, OLD_NS + 9))
    fourth = ingest(root, CONFIG, None, third.cache, workers=1)
    assert parsed == [rel]
    assert [c.article.title for c in fourth.checked if c.article.rel == rel] == ["خبر آخر"]


def test_a_file_that_disappears_is_dropped(tmp_path: Path) -> None:
    root = digest(tmp_path)
    first = ingest(root, CONFIG, None, BuildCache(), workers=1)
    (root / "content" / "articles" / "07.md").unlink()
    second = ingest(root, CONFIG, None, first.cache, workers=1)
    assert "content/articles/07.md" not in rels(second)
    assert "content/articles/07.md" not in second.cache.entries
    assert len(second.checked) == len(ARTICLES) - 1 and second.changed


def test_problems_of_every_file_are_gathered(tmp_path: Path, reads: list[str]) -> None:
    root = digest(tmp_path, {**ARTICLES, **BROKEN})
    first = ingest(root, CONFIG, None, BuildCache(), workers=1)
    named = {d.path for d in first.problems}
    assert named == {f"content/articles/{name}" for name in BROKEN}
    # Each at its line, but a missing key, which has none: the file is named alone.
    assert all(d.severity == "error" and (d.line >= 1 or d.code == "frontmatter-missing-key")
               for d in first.problems)
    assert len(first.checked) == len(ARTICLES)  # the others are still checked
    # problems in a file's text are cached and told again without reading it; a file that
    # could not be read at all is tried again each time
    reads.clear()
    second = ingest(root, CONFIG, None, first.cache, workers=1)
    assert reads == ["content/articles/not-utf8.md"]
    assert sorted(second.problems) == sorted(first.problems)


def test_an_unreadable_name_in_the_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    root = digest(tmp_path)
    (root / "content" / "articles" / "linked").symlink_to(tmp_path, target_is_directory=True)
    result = ingest(root, CONFIG, None, BuildCache(), workers=1)
    assert [(d.path, d.code) for d in result.problems] == [("content/articles/linked", "folder-link")]
    assert len(result.checked) == len(ARTICLES)


def test_index_forms_are_made_for_the_articles_read_and_kept_out_of_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = digest(tmp_path, {**ARTICLES, **BROKEN})
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)  # made on the workers, sent back with the articles
    first = ingest(root, CONFIG, None, BuildCache(), workers=2,
                   index_text=lambda a: f"forms of {a.title}".encode())
    assert first.forms == {c.article.rel: f"forms of {c.article.title}".encode() for c in first.checked}
    assert "forms of" not in repr(first.cache.entries)
    changed = root / "content" / "articles" / "03.md"
    changed.write_text(article_text("عنوان جديد", date="2026-11-04"), "utf-8")
    os.utime(changed, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    second = ingest(root, CONFIG, None, first.cache, workers=1, index_text=lambda a: b"")
    assert second.forms == {"content/articles/03.md": b""}  # empty too: none to add is an answer
    assert ingest(root, CONFIG, None, BuildCache(), workers=1).forms == {}
