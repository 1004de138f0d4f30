"""Links planted around the output: a digest is a repository others clone, and git stores
symbolic links. Whatever a clone holds beside or inside the output folder, a build never
writes, removes or renames anything through a link: every file outside the digest stays
byte-identical, and a name the writer uses that is not a folder it made is refused with a
clear error (exit 3) instead of being followed.

Each test was written against the writer before it checked with ``lstat``; the ones about
the spare and old folders emptied the victim folder then.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.cli.main import EXIT_IO, EXIT_OK, main
from generator.output import writer
from generator.output.writer import MARKER
from tests.hostile.support import article_text, write_digest
from tests.hostile.support import entries as tree

ARTICLES = {f"a{i}.md": article_text(f"خبر رقم {i}", f"نص الخبر رقم {i}.") for i in range(6)}


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder outside the digest with a curator's files in it, a subfolder included."""
    folder = tmp_path / "victim"
    (folder / "notes").mkdir(parents=True)
    (folder / "thesis.txt").write_text("ثلاث سنوات من العمل\n", "utf-8")
    (folder / "notes" / "todo.md").write_text("- finish\n", "utf-8")
    return folder


@pytest.fixture
def digest(tmp_path: Path) -> Path:
    return write_digest(tmp_path / "digest", ARTICLES)


def build(root: Path, *extra: str) -> int:
    return main(["build", "--root", str(root), "--quiet", *extra])


def clean_site(tmp_path: Path) -> dict[str, str]:
    """The site a clean clone with nothing planted gives."""
    root = write_digest(tmp_path / "clean", ARTICLES)
    assert build(root) == EXIT_OK
    return tree(root / "site")


@pytest.mark.parametrize("name", [".site.mawjaz-spare", ".site.mawjaz-old-1", ".site.mawjaz-tmp-7",
                                  ".site.mawjaz-render-7"])
def test_a_link_beside_the_output_is_refused_never_followed(digest: Path, victim: Path, name: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    before = tree(victim)
    (digest / name).symlink_to(victim, target_is_directory=True)
    for _ in range(2):  # the second build is the one that used to sync the spare through it
        assert build(digest) == EXIT_IO
        assert tree(victim) == before
    err = capsys.readouterr().err
    assert f"{digest / name} is a symbolic link (to {victim})" in err
    assert "Traceback" not in err
    assert (digest / name).is_symlink()  # refused, not removed: it is the curator's to look at


def test_a_link_planted_after_a_first_build_is_refused(digest: Path, victim: Path) -> None:
    """The spare as a clone may carry it: the first build made a real one, the link replaces it."""
    assert build(digest) == EXIT_OK
    spare = digest / ".site.mawjaz-spare"
    if spare.exists():
        for dirpath, dirnames, filenames in os.walk(spare, topdown=False):
            for name in filenames:
                os.unlink(os.path.join(dirpath, name))
            for name in dirnames:
                os.rmdir(os.path.join(dirpath, name))
        spare.rmdir()
    spare.symlink_to(victim, target_is_directory=True)
    before = tree(victim)
    site_before = tree(digest / "site")
    (digest / "content" / "articles" / "a1.md").write_text(article_text("خبر معدل", "نص جديد."), "utf-8")
    assert build(digest) == EXIT_IO
    assert tree(victim) == before
    assert tree(digest / "site") == site_before  # the live site is left as it was


def test_an_old_folder_without_the_marker_is_not_recovered(digest: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    planted = digest / ".site.mawjaz-old-3"
    planted.mkdir()
    (planted / "index.html").write_text("<p>planted</p>", "utf-8")
    before = tree(planted)
    assert build(digest) == EXIT_IO
    assert tree(planted) == before
    assert not (digest / "site").exists()
    assert "holds files but not mawjaz's marker" in capsys.readouterr().err


def test_an_empty_unmarked_folder_left_by_a_kill_is_removed(digest: Path, tmp_path: Path) -> None:
    """A build killed between making a folder and marking it leaves it empty: nothing to lose."""
    for name in (".site.mawjaz-spare", ".site.mawjaz-old-9", ".site.mawjaz-tmp-9"):
        (digest / name).mkdir()
    assert build(digest) == EXIT_OK
    assert tree(digest / "site") == clean_site(tmp_path)
    assert not (digest / ".site.mawjaz-old-9").exists()


def test_an_output_folder_that_is_a_link_is_refused(digest: Path, victim: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """``site -> /var/www/x``: the link used to be swapped for a folder on every other build, so
    the target got every second build. Now it is refused, naming the way that works."""
    deploy = victim.parent / "www"
    deploy.mkdir()
    (digest / "site").symlink_to(deploy, target_is_directory=True)
    assert build(digest) == EXIT_IO
    assert (digest / "site").is_symlink() and list(deploy.iterdir()) == []
    err = capsys.readouterr().err
    assert "is a symbolic link" in err and "--output" in err
    # Building into the real folder works, and keeps working build after build.
    for _ in range(2):
        assert build(digest, "--output", str(deploy)) == EXIT_OK
        assert (deploy / "index.html").is_file() and (deploy / MARKER).is_file()


def test_an_output_dir_through_a_link_in_the_digest_is_refused(tmp_path: Path, victim: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = (write_digest(tmp_path / "probe").joinpath("mawjaz.toml").read_text("utf-8")
              + 'output_dir = "public/site"\n')
    root = write_digest(tmp_path / "digest", ARTICLES, config=config)
    (root / "public").symlink_to(victim, target_is_directory=True)
    before = tree(victim)
    assert build(root) == EXIT_IO
    assert tree(victim) == before
    assert f"passes through {root / 'public'}, a symbolic link" in capsys.readouterr().err


def test_links_inside_a_planted_spare_are_never_followed(digest: Path, victim: Path, tmp_path: Path) -> None:
    """A spare that carries the marker (anyone can write one) but holds links: discarded by
    removing the links themselves, and the site is what a clean build gives."""
    spare = digest / ".site.mawjaz-spare"
    spare.mkdir()
    (spare / MARKER).write_text("planted\n", "utf-8")
    (spare / "static").symlink_to(victim, target_is_directory=True)
    (spare / "index.html").symlink_to(victim / "thesis.txt")
    before = tree(victim)
    for _ in range(3):
        assert build(digest) == EXIT_OK
        assert tree(victim) == before
    assert tree(digest / "site") == clean_site(tmp_path)


@pytest.mark.parametrize("where", ["", "static/"])
def test_links_planted_in_a_spare_its_survey_recorded_are_never_followed(digest: Path, victim: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         where: str) -> None:
    """A rebuild reads again only the folders of the spare whose stamp changed since the
    survey two builds ago recorded them (``writer.spare_survey``, here with every folder
    counting as settled at once): a link planted in one changes its stamp, and is seen."""
    monkeypatch.setattr(writer, "SETTLE_NS", -10**18)
    for _ in range(3):  # the third build's survey recorded the spare the fifth one lists
        assert build(digest) == EXIT_OK
    folder = digest / ".site.mawjaz-spare" / where
    changed = os.lstat(folder).st_ctime_ns
    while time.time_ns() < changed + 50_000_000:  # a new stamp, in the file system's next tick
        time.sleep(0.01)
    (folder / "planted.html").symlink_to(victim / "thesis.txt")
    (folder / "planted").symlink_to(victim / "notes", target_is_directory=True)
    before = tree(victim)
    article = next((digest / "content" / "articles").glob("*.md"))
    for _ in range(2):
        # A rebuild, not "nothing changed", however long the builds before took (see
        # ``fingerprint.settled``): the writer brings the spare up to date.
        os.utime(article)
        assert build(digest) == EXIT_OK
        assert tree(victim) == before
    assert tree(digest / "site") == clean_site(tmp_path)
    assert not any(p.is_symlink() for p in (digest / ".site.mawjaz-spare").rglob("*"))


def test_links_inside_a_planted_output_folder_are_never_followed(digest: Path, victim: Path,
                                                                 tmp_path: Path) -> None:
    """A committed ``site/`` with the marker and links in it: the links are neither written
    through nor published, on the first build or the ones after (when it is the spare)."""
    site = digest / "site"
    site.mkdir()
    (site / MARKER).write_text("planted\n", "utf-8")
    (site / "static").symlink_to(victim, target_is_directory=True)
    (site / "robots.txt").symlink_to(victim / "thesis.txt")
    before = tree(victim)
    for round_ in range(3):
        articles = {**ARTICLES, "a2.md": article_text("خبر رقم 2", f"نص الخبر رقم 2، الطبعة {round_}.")}
        write_digest(digest, articles)
        assert build(digest) == EXIT_OK
        assert tree(victim) == before, round_
        clean = write_digest(tmp_path / f"clean-{round_}", articles)
        assert build(clean) == EXIT_OK
        assert tree(site) == tree(clean / "site"), round_


def test_probe_folders_found_beside_the_output_are_left_alone(digest: Path) -> None:
    """The exchange probe removes only the folders it made."""
    planted = digest / f".mawjaz-probe-a-{os.getpid()}"
    planted.mkdir()
    assert build(digest) == EXIT_OK
    assert planted.is_dir()


@pytest.mark.parametrize("planted", [".mawjaz-cache", ".mawjaz-cache/templates",
                                     ".mawjaz-cache/articles-00.pickle"])
def test_a_link_in_the_build_cache_is_refused_never_followed(digest: Path, victim: Path, planted: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The cache is signed, so a planted one runs nothing; a planted link in it would still
    have had the build write its body files and compiled templates where it points."""
    link = digest / planted
    link.parent.mkdir(parents=True, exist_ok=True)
    target = victim / "thesis.txt" if planted.endswith(".pickle") else victim
    link.symlink_to(target, target_is_directory=target.is_dir())
    before = tree(victim)
    for _ in range(2):
        assert build(digest) == EXIT_IO
        assert tree(victim) == before
    err = capsys.readouterr().err
    assert f"error: {link} is a symbolic link (to {target}); the build cache holds only files" in err
    link.unlink()  # as the message says
    assert build(digest) == EXIT_OK
    assert tree(victim) == before
