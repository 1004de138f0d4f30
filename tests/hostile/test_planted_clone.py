"""A cloned repository with everything an attacker can commit: a build cache that runs code
when unpickled, symbolic links beside the output, in the output, in the theme, in the cache,
as the lock file and in the content, all leading into the curator's home. Whatever a build,
a check or a preview does with that clone, every file outside the digest and outside the
output stays byte-identical, nothing planted runs, and each refusal names what to remove;
once the links are removed as the messages say, the build gives what a clean clone gives.

The repository is a real one, cloned with git, so only what git can carry is planted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site
from generator.cache.lock import LockRefused
from generator.cache.store import CacheRefused
from generator.core.diagnostics import BuildFailed
from tests.hostile.support import NOW, REPO, article_text, write_digest
from tests.hostile.support import entries as snapshot
from tests.hostile.test_cache_tampering import plant_crc_format

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ARTICLES = {f"a{i}.md": article_text(f"خبر رقم {i}", f"نص الخبر رقم {i}.") for i in range(5)}

# Link (in the repository) -> where it points, relative to the link's folder.
LINKS = {
    ".site.mawjaz-spare": "../home/documents",
    "site/static": "../../home/documents",
    "site/robots.txt": "../../home/.ssh/id_rsa",
    "static/key.css": "../../home/.ssh/id_rsa",
    ".mawjaz-cache/templates": "../../home/documents",
    ".mawjaz-cache/lock": "../../home/lock-target",
    "content/articles/key.md": "../../../home/.ssh/id_rsa",
}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / "documents" / "thesis").mkdir(parents=True)
    (home / "documents" / "thesis" / "chapter-1.md").write_text("الفصل الأول\n", "utf-8")
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_rsa").write_text("PRIVATE KEY\n", "utf-8")
    return home


def git(*args: str, cwd: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@example.org"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def planted_clone(tmp_path: Path, home: Path) -> Path:
    origin = write_digest(tmp_path / "origin", ARTICLES)
    (origin / "site").mkdir()
    (origin / "site" / ".mawjaz-site").write_text("planted\n", "utf-8")
    (origin / "static").mkdir()
    plant_crc_format(origin, home / "PWNED")
    for rel, target in LINKS.items():
        (origin / rel).parent.mkdir(parents=True, exist_ok=True)
        if (origin / rel).is_dir() and not (origin / rel).is_symlink():
            shutil.rmtree(origin / rel)
        (origin / rel).symlink_to(target)
    git("init", "-q", ".", cwd=origin)
    git("add", "-A", "-f", ".", cwd=origin)
    git("commit", "-q", "-m", "planted", cwd=origin)
    git("clone", "-q", str(origin), str(tmp_path / "clone"), cwd=tmp_path)
    clone = tmp_path / "clone"
    assert all((clone / rel).is_symlink() for rel in LINKS)  # git carried every link
    return clone


def mawjaz(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "generator", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=False)


def test_nothing_outside_the_clone_changes_whatever_is_run(tmp_path: Path, home: Path) -> None:
    clone = planted_clone(tmp_path, home)
    before = snapshot(home)
    runs = [("build",), ("build", "--no-cache"), ("check",), ("build", "-j", "1")]
    for args in runs:
        done = mawjaz(*args, "--root", str(clone))
        assert done.returncode in (1, 3), (args, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert snapshot(home) == before, args
    with pytest.raises((BuildFailed, LockRefused, CacheRefused)):  # the preview's loading path
        load_site(clone, BuildOptions(now=NOW, cache=True))
    assert snapshot(home) == before
    assert not (home / "PWNED").exists()
    assert not (home / "lock-target").exists()


def test_following_the_messages_gives_the_clean_site(tmp_path: Path, home: Path) -> None:
    """Each refusal names one thing to remove; remove it and build again, until it builds."""
    clone = planted_clone(tmp_path, home)
    before = snapshot(home)
    for _ in range(len(LINKS) + 3):
        done = mawjaz("build", "--root", str(clone), "--quiet")
        assert snapshot(home) == before
        if done.returncode == 0:
            break
        named = [clone / rel for rel in LINKS
                 if (clone / rel).is_symlink() and (str(clone / rel) in done.stderr or f"{rel}: " in done.stderr)]
        assert named, done.stderr  # every refusal names a planted link
        for link in named:
            link.unlink()
    assert done.returncode == 0, done.stderr
    assert not (home / "PWNED").exists()
    clean = write_digest(tmp_path / "clean", ARTICLES)
    (clean / "static").mkdir()  # the clone's own, emptied of its link: no theme files from mawjaz's
    assert mawjaz("build", "--root", str(clean), "--quiet").returncode == 0
    assert snapshot(clone / "site") == snapshot(clean / "site")
