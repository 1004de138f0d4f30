"""The snapshot that tells a build nothing it reads has changed: it covers the config, the
content, the theme and the build's options, and nothing else; and a snapshot taken too soon
after its newest file changed is not trusted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build.fingerprint import snapshot, trustworthy
from generator.content.ingest import RACY_NS
from generator.render.theme import Theme, find_theme
from tests.hostile.support import BASE_CONFIG, article_text, write_digest

OLD_NS = 1_700_000_000 * 10**9


def digest(root: Path) -> Path:
    write_digest(root, {"a.md": article_text("أ"), "b.md": article_text("ب")},
                 actors="- id: x\n  names: {ar: س}\n")
    (root / "content" / "editions").mkdir()
    (root / "content" / "editions" / "2026-11-28.md").write_text("ملاحظة\n", "utf-8")
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text("<html>{% block body %}{% endblock %}</html>\n", "utf-8")
    (root / "static" / "css").mkdir(parents=True)
    (root / "static" / "css" / "mawjaz.css").write_text("body{}\n", "utf-8")
    settle(root)
    return root


def settle(root: Path, ns: int = OLD_NS) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(ns, ns), follow_symlinks=False)


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return digest(tmp_path / "digest")


def theme_of(root: Path) -> Theme:
    theme = find_theme(root)
    assert theme.templates == root / "templates" and theme.static == root / "static"
    return theme


def take(root: Path, options: str = "opts") -> str:
    return snapshot(root, theme_of(root), options).digest


def test_the_same_inputs_give_the_same_digest(root: Path) -> None:
    assert take(root) == take(root)


def rewrite(path: Path, text: str) -> None:
    """New bytes of another length, in place, with the old time: only the size tells.
    (Same size, time and inode is what no stat-based check can see; git has the same limit.)"""
    info = path.stat()
    path.write_text(text, "utf-8")
    assert path.stat().st_size != info.st_size
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


CHANGES = {
    "article edited": lambda r: rewrite(r / "content/articles/a.md", article_text("أ معدل")),
    "article touched": lambda r: os.utime(r / "content/articles/a.md", ns=(OLD_NS, OLD_NS + 1)),
    "article added": lambda r: (r / "content/articles/c.md").write_text(article_text("ج"), "utf-8"),
    "article removed": lambda r: (r / "content/articles/b.md").unlink(),
    "article renamed": lambda r: (r / "content/articles/b.md").rename(r / "content/articles/z.md"),
    "article in a subfolder": lambda r: (r / "content/articles/2026").mkdir() or
    (r / "content/articles/2026/d.md").write_text(article_text("د"), "utf-8"),
    "registry edited": lambda r: rewrite(r / "content/actors.yaml", "- id: yy\n  names: {ar: ص}\n"),
    "edition note edited": lambda r: rewrite(r / "content/editions/2026-11-28.md", "ملاحظة أخرى\n"),
    "template edited": lambda r: rewrite(r / "templates/base.html", "<html>{% block body %}x{% endblock %}</html>\n"),
    "template added": lambda r: (r / "templates/article.html").write_text("x", "utf-8"),
    "static file edited": lambda r: rewrite(r / "static/css/mawjaz.css", "body{color:red}\n"),
    "static file added": lambda r: (r / "static/logo.svg").write_text("<svg/>", "utf-8"),
    "config edited": lambda r: rewrite(r / "mawjaz.toml", BASE_CONFIG.replace("موجز", "موجز آخر")),
    "file replaced by a copy": lambda r: replace_same(r / "content/articles/a.md"),
}


def replace_same(path: Path) -> None:
    """The same bytes and time, in a new file renamed over it (a new inode): what a checkout
    or an editor that saves atomically does."""
    info = path.stat()
    copy = path.with_name(path.name + ".new")
    copy.write_bytes(path.read_bytes())
    os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))
    copy.replace(path)
    assert path.stat().st_ino != info.st_ino


@pytest.mark.parametrize("change", CHANGES)
def test_any_input_that_changes_changes_the_digest(root: Path, change: str) -> None:
    before = take(root)
    CHANGES[change](root)
    assert take(root) != before


def test_the_build_options_are_part_of_the_digest(root: Path) -> None:
    assert take(root, "drafts") != take(root, "no drafts")


UNSEEN = {
    "output folder": lambda r: (r / "site").mkdir() or (r / "site/index.html").write_text("x", "utf-8"),
    "output file rewritten": lambda r: (r / "site").mkdir() or (r / "site/index.html").write_text("y", "utf-8"),
    "build cache": lambda r: (r / ".mawjaz-cache").mkdir() or (r / ".mawjaz-cache/pages.pickle").write_bytes(b"x"),
    "git folder": lambda r: (r / ".git").mkdir() or (r / ".git/index").write_bytes(b"x"),
    "hidden file at the root": lambda r: (r / ".editorconfig").write_text("root = true\n", "utf-8"),
    "file beside the inputs": lambda r: (r / "README.md").write_text("# notes\n", "utf-8"),
}


@pytest.mark.parametrize("change", UNSEEN)
def test_what_a_build_does_not_read_leaves_the_digest(root: Path, change: str) -> None:
    before = take(root)
    UNSEEN[change](root)
    assert take(root) == before


def test_the_snapshot_lists_the_content_files_it_saw(root: Path) -> None:
    snap = snapshot(root, theme_of(root), "")
    assert sorted(snap.content) == ["content/actors.yaml", "content/articles/a.md", "content/articles/b.md",
                                    "content/editions/2026-11-28.md"]
    info = (root / "content/articles/a.md").stat()
    assert snap.content["content/articles/a.md"] == (info.st_size, info.st_mtime_ns, info.st_ino)
    assert snap.newest_ns == OLD_NS


def test_the_newest_file_of_any_input_dates_the_snapshot(root: Path) -> None:
    os.utime(root / "static/css/mawjaz.css", ns=(OLD_NS, OLD_NS + 5_000))
    assert snapshot(root, theme_of(root), "").newest_ns == OLD_NS + 5_000


def test_a_snapshot_within_the_racy_window_is_not_trusted(root: Path) -> None:
    """As in git: a file changed in the same instant as the build could change again without
    its stat showing it, so such a snapshot cannot stand for what the build read."""
    os.utime(root / "content/articles/b.md", ns=(OLD_NS, OLD_NS + 7))
    snap = snapshot(root, theme_of(root), "")
    newest = OLD_NS + 7
    assert not trustworthy(snap, newest)  # the build started as the file changed
    assert not trustworthy(snap, newest + RACY_NS // 2)
    assert not trustworthy(snap, newest + RACY_NS)  # the window's end is still inside
    assert trustworthy(snap, newest + RACY_NS + 1)
    assert trustworthy(snap, newest + 100 * RACY_NS)
    assert not trustworthy(snap, newest - 1)  # changed after the build started


HIDDEN_INSIDE = {
    "editor swap file beside an article": "content/articles/.a.md.swp",
    "hidden folder in content": "content/.trash/old.md",
    "hidden file in the templates": "templates/.DS_Store",
    "hidden file in static": "static/.DS_Store",
}


@pytest.mark.parametrize("where", HIDDEN_INSIDE.values(), ids=list(HIDDEN_INSIDE))
def test_a_hidden_file_among_the_inputs_leaves_the_digest(root: Path, where: str) -> None:
    before = take(root)
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    (root / where).write_bytes(b"not read by any build")
    assert take(root) == before
