"""The manifest of the site a build replaces: read with the writer's rules, and compared with
what the new build serves (title change, the fix with ``aliases``, a deleted article)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, build
from generator.cli.main import main
from generator.core.diagnostics import BuildFailed
from generator.output.manifest import previous_manifest
from generator.output.writer import MARKER

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)
CONFIG = ('title = "موجز"\nbase_url = "https://example.org/"\ntimezone = "Asia/Damascus"\n'
          'permalink = "/{year}/{month}/{day}/{slug}/"\n')


def article(root: Path, name: str, front: str) -> None:
    path = root / "content" / "articles" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}---\nنص الخبر.\n", "utf-8")


@pytest.fixture()
def digest(tmp_path: Path) -> Path:
    root = tmp_path / "d"
    root.mkdir()
    (root / "mawjaz.toml").write_text(CONFIG, "utf-8")
    article(root, "summit", "title: قمة طارئة\ndate: 2026-11-27\n")
    article(root, "other", "title: خبر آخر\ndate: 2026-11-28\n")
    return root


def codes(result) -> list[str]:
    return [d.format() for d in result.diagnostics]


def test_a_title_change_warns_with_the_line_that_keeps_the_old_url(digest: Path) -> None:
    assert codes(build(digest, BuildOptions(now=NOW))) == []
    article(digest, "summit", "title: قمة طارئة في دمشق\ndate: 2026-11-27\n")
    warned = codes(build(digest, BuildOptions(now=NOW)))
    assert warned == [
        "content/articles/summit.md: warning[url-moved]: this article was published at "
        "`/2026/11/27/قمة-طارئة/` and is now at `/2026/11/27/قمة-طارئة-في-دمشق/`; to keep the old links "
        "working, add `aliases: [/2026/11/27/قمة-طارئة/]` (or add them to its `aliases:` list)"]
    assert codes(build(digest, BuildOptions(now=NOW))) == [], "said once: the new manifest has the new URL"
    assert not (digest / "site/2026/11/27/قمة-طارئة").exists(), "nothing made by itself"
    article(digest, "summit", "title: قمة طارئة في دمشق\ndate: 2026-11-27\naliases: [/2026/11/27/قمة-طارئة/]\n")
    assert codes(build(digest, BuildOptions(now=NOW))) == []
    assert (digest / "site/2026/11/27/قمة-طارئة/index.html").is_file()


def test_strict_refuses_to_drop_a_url_and_keeps_the_site(digest: Path) -> None:
    build(digest, BuildOptions(now=NOW))
    before = (digest / "site/urls.json").read_bytes()
    article(digest, "summit", "title: عنوان آخر\ndate: 2026-11-27\n")
    with pytest.raises(BuildFailed) as failed:
        build(digest, BuildOptions(now=NOW, strict=True))
    assert [d.code for d in failed.value.diagnostics] == ["url-moved"]
    assert (digest / "site/urls.json").read_bytes() == before
    assert (digest / "site/2026/11/27/قمة-طارئة/index.html").is_file()


def test_check_gives_the_same_warning(digest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(digest, BuildOptions(now=NOW))
    article(digest, "summit", "title: عنوان آخر\ndate: 2026-11-27\n")
    assert main(["check", "--root", str(digest), "--quiet"]) == 0
    assert "summit.md: warning[url-moved]" in capsys.readouterr().err
    assert main(["check", "--root", str(digest), "--quiet", "--strict"]) == 1


def test_a_deleted_article_is_said_once(digest: Path) -> None:
    build(digest, BuildOptions(now=NOW))
    (digest / "content/articles/other.md").unlink()
    assert codes(build(digest, BuildOptions(now=NOW))) == [
        "site/urls.json:4:1: warning[url-gone]: `/2026/11/28/خبر-آخر/` (article `other`) is no longer "
        "published (deleted, a draft, or dated ahead) and its links will break; to send them to another "
        "article, add `/2026/11/28/خبر-آخر/` to that article's `aliases:`"]
    assert codes(build(digest, BuildOptions(now=NOW))) == []


def test_a_backdated_duplicate_taking_a_url_is_said(digest: Path) -> None:
    """The one case a rule by date cannot keep still: an article added with an earlier date
    takes the URL of a later one. The manifest notices."""
    article(digest, "late", "title: اجتماع\ndate: 2026-11-27T20:00\n")
    build(digest, BuildOptions(now=NOW))
    article(digest, "early", "title: اجتماع\ndate: 2026-11-27T06:00\n")
    assert [d.code for d in build(digest, BuildOptions(now=NOW)).diagnostics] == ["url-taken"]


def test_the_manifest_is_read_only_from_a_site_mawjaz_wrote(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "urls.json").write_text("{}", "utf-8")
    assert previous_manifest(site) is None, "no marker: not our folder"
    (site / MARKER).write_text("x", "utf-8")
    assert previous_manifest(site) == b"{}"
    (site / "urls.json").unlink()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("{}", "utf-8")
    (site / "urls.json").symlink_to(elsewhere)
    assert previous_manifest(site) is None, "a link is never followed"
    (site / "urls.json").unlink()
    os.mkfifo(site / "urls.json")
    assert previous_manifest(site) is None, "a planted FIFO neither hangs nor counts"
    linked = tmp_path / "linked"
    linked.symlink_to(site)
    assert previous_manifest(linked) is None
    assert previous_manifest(tmp_path / "missing") is None


def test_an_unreadable_manifest_is_said(digest: Path) -> None:
    build(digest, BuildOptions(now=NOW))
    (digest / "site/urls.json").write_text('{"version": 99}', "utf-8")
    assert [d.code for d in build(digest, BuildOptions(now=NOW)).diagnostics] == ["url-manifest"]


def test_an_addition_keeps_every_url_and_is_not_compared_url_by_url(
        digest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of the previous manifest is still one of the new one (the last entry of a
    block gains a comma): nothing can be lost, and the 50,000 URLs of a large archive are not
    read again one by one."""
    import generator.output.manifest as manifest

    build(digest, BuildOptions(now=NOW))
    article(digest, "zz-new", "title: خبر جديد\ndate: 2026-11-29\n")

    def unread(*args: object) -> None:
        raise AssertionError("compared URL by URL")

    monkeypatch.setattr(manifest, "read_manifest", unread)
    assert codes(build(digest, BuildOptions(now=NOW))) == []


def test_a_manifest_is_kept_whole_only_when_each_of_its_lines_is() -> None:
    from generator.output.manifest import _all_kept

    before = b'{\n "articles": {\n  "/a/": "a",\n  "/b/": "b"\n },\n "version": 1\n}\n'
    added = b'{\n "articles": {\n  "/a/": "a",\n  "/b/": "b",\n  "/c/": "c"\n },\n "version": 1\n}\n'
    taken = b'{\n "articles": {\n  "/a/": "a",\n  "/b/": "c"\n },\n "version": 1\n}\n'
    assert _all_kept(before, before) and _all_kept(before, added)
    assert not _all_kept(added, before), "a URL gone"
    assert not _all_kept(before, taken), "a URL another article now has"
    assert not _all_kept(before, before.replace(b'"version": 1', b'"version": 2'))
