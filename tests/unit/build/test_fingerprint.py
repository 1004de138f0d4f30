"""The snapshot that tells a build nothing it reads has changed: it covers the config, the
content, the theme and the build's options, and nothing else; and a snapshot taken too soon
after its newest file changed is not trusted."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from generator.build.fingerprint import settled, snapshot, trustworthy
from generator.cache.store import Entry
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


# A build of a digest whose files have just been written (a fresh clone or copy): every input
# is racy when it starts, and is checked by its content once it is over (``settled``).
STARTED = OLD_NS + 10**9  # the build starts a second after the files changed
OVER = STARTED + 3 * RACY_NS  # ... and is over well after the racy window


def read_entries(root: Path, trusted: bool = False) -> dict[str, Entry]:
    """What a build's ingest records: the digest of each article's bytes, and its stat when
    the read was far enough from the change to trust it."""
    entries = {}
    for path in (root / "content" / "articles").glob("*.md"):
        info = path.stat()
        identity = (info.st_size, info.st_mtime_ns, info.st_ino)
        entries[path.relative_to(root).as_posix()] = Entry(
            identity if trusted else None, hashlib.sha256(path.read_bytes()).hexdigest(), "", None)
    return entries


def same_stat_rewrite(path: Path, old: bytes, new: bytes) -> None:
    """Other bytes of the same length in the same file, its time put back: a change that its
    stat cannot show, as happens within one tick of a coarse clock."""
    assert len(old) == len(new) and old != new
    info = path.stat()
    path.write_bytes(new)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns, path.stat().st_ino) == (
        info.st_size, info.st_mtime_ns, info.st_ino)


def test_racy_inputs_are_listed_with_the_digest_of_what_they_hold(root: Path) -> None:
    os.utime(root / "templates/base.html", ns=(OLD_NS, STARTED - 1))
    os.utime(root / "content/articles/a.md", ns=(OLD_NS, STARTED - 1))
    snap = snapshot(root, theme_of(root), "", STARTED + RACY_NS - 1)  # the others changed long before
    by_rel = {os.path.relpath(r.path, root): r for r in snap.racy}
    assert sorted(by_rel) == ["content/articles/a.md", "templates/base.html"]
    assert by_rel["content/articles/a.md"].digest == ""  # an article: its read is what counts
    assert by_rel["content/articles/a.md"].rel == "content/articles/a.md"
    template = (root / "templates/base.html").read_bytes()
    assert by_rel["templates/base.html"].digest == hashlib.sha256(template).hexdigest()
    assert snapshot(root, theme_of(root), "").racy == ()  # not asked for: no racy files


def test_a_build_of_fresh_files_is_settled_once_the_clock_has_moved_on(root: Path) -> None:
    settle(root, STARTED - 10**9)
    snap = snapshot(root, theme_of(root), "", STARTED)
    entries = read_entries(root)
    assert snap.racy and not trustworthy(snap, STARTED)
    assert settled(snap, STARTED, entries, OVER)
    assert not settled(snap, STARTED, entries, STARTED + RACY_NS // 2)  # still within the window
    assert not settled(snap, STARTED, {}, OVER)  # articles the build never read


def test_an_article_read_with_a_trusted_stat_is_not_read_again(root: Path) -> None:
    settle(root, STARTED - 10**9)
    snap = snapshot(root, theme_of(root), "", STARTED)
    entries = read_entries(root, trusted=True)
    for path in (root / "content" / "articles").glob("*.md"):
        path.chmod(0)  # unreadable: only its stat can settle it
    try:
        assert settled(snap, STARTED, entries, OVER)
    finally:
        for path in (root / "content" / "articles").glob("*.md"):
            path.chmod(0o644)


@pytest.mark.parametrize("what", ["content/articles/a.md", "templates/base.html", "content/actors.yaml",
                                  "mawjaz.toml"])
def test_a_change_the_stat_cannot_show_is_caught_by_the_content(root: Path, what: str) -> None:
    """Bytes changed after the build read them (an article) or after the snapshot (any other
    input), the stat left as it was: the snapshot cannot stand for the build."""
    settle(root, STARTED - 10**9)
    snap = snapshot(root, theme_of(root), "", STARTED)
    entries = read_entries(root)
    path = root / what
    old = path.read_bytes()
    same_stat_rewrite(path, old, old[:-1] + (b"!" if old[-1:] != b"!" else b"?"))
    assert not settled(snap, STARTED, entries, OVER)
    same_stat_rewrite(path, path.read_bytes(), old)
    assert settled(snap, STARTED, entries, OVER)


def test_a_racy_input_that_changed_its_stat_is_not_settled(root: Path) -> None:
    settle(root, STARTED - 10**9)
    snap = snapshot(root, theme_of(root), "", STARTED)
    entries = read_entries(root)
    os.utime(root / "static/css/mawjaz.css", ns=(OLD_NS, STARTED + 5))
    assert not settled(snap, STARTED, entries, OVER)


def test_a_file_that_vanishes_while_listed_is_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listed, then gone before its stat (an editor replacing it): the snapshot is that of the
    folder without it, not an error, and the other files are all there."""
    root = digest(tmp_path)
    theme = find_theme(root)
    (root / "content" / "articles" / "gone.md").write_text(article_text("يختفي"), "utf-8")
    with_it = snapshot(root, theme, "")
    real = os.lstat

    def vanishing(path: str | os.PathLike[str]) -> os.stat_result:
        if os.fspath(path).endswith("gone.md"):
            raise FileNotFoundError(path)
        return real(path)

    monkeypatch.setattr(os, "lstat", vanishing)
    without = snapshot(root, theme, "")
    assert "content/articles/gone.md" in with_it.content
    assert set(without.content) == set(with_it.content) - {"content/articles/gone.md"}
    assert without.articles is not None and "content/articles/gone.md" not in without.articles
