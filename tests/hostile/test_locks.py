"""Two builds at once: a curator's build and a watcher, two CI jobs on one checkout.

Before the digest lock, two builds started together saved the cache and swapped the output
folder under each other and crashed with tracebacks. Now the second one waits (saying so),
or with ``--no-wait`` fails with one line and exit code 4; and the lock file itself is no
way in for a planted link.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cache.lock import LOCK_NAME, digest_lock
from generator.cache.store import CACHE_DIR
from generator.cli.main import EXIT_BUSY, EXIT_IO, EXIT_OK
from tests.hostile.support import REPO, article_text, write_digest

ARTICLES = {f"a{i:03}.md": article_text(f"خبر رقم {i}", f"نص الخبر رقم {i} عن الاتحاد الأوروبي.")
            for i in range(150)}


def cli(root: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--root", str(root), "--quiet", *extra]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_build_fails_at_once_with_no_wait(tmp_path: Path) -> None:
    root = write_digest(tmp_path, ARTICLES)
    with digest_lock(root):
        done = subprocess.run(cli(root, "--no-wait"), env=env(), cwd=REPO, capture_output=True,
                              text=True, timeout=300)
    assert done.returncode == EXIT_BUSY
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: another mawjaz process (pid ") and str(root) in lines[0]
    assert not (root / "site").exists()


def test_a_second_build_waits_then_builds(tmp_path: Path) -> None:
    root = write_digest(tmp_path, ARTICLES)
    with digest_lock(root):
        process = subprocess.Popen(cli(root), env=env(), cwd=REPO, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            first = process.stderr.readline()  # blocks until the build says it waits
        except BaseException:
            process.kill()
            raise
        assert first.startswith("waiting: another mawjaz process (pid "), first
        assert process.poll() is None and not (root / "site").exists()
    _, err = process.communicate(timeout=300)
    assert process.returncode == EXIT_OK, err
    assert "Traceback" not in err
    assert (root / "site" / "index.html").is_file()


def test_builds_started_together_all_succeed_with_the_same_site(tmp_path: Path) -> None:
    root = write_digest(tmp_path / "busy", ARTICLES)
    clean = write_digest(tmp_path / "clean", ARTICLES)
    assert subprocess.run(cli(clean), env=env(), cwd=REPO, timeout=300).returncode == EXIT_OK
    for _ in range(2):
        processes = [subprocess.Popen(cli(root), env=env(), cwd=REPO, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [(p.wait(timeout=600), p.stderr.read()) for p in processes]
        for p in processes:
            p.stdout.close()
            p.stderr.close()
        for code, err in results:
            assert code == EXIT_OK, err
            assert "Traceback" not in err, err
        assert tree(root / "site") == tree(clean / "site")


@pytest.mark.parametrize("dangling", [False, True])
def test_a_planted_lock_link_is_refused_and_never_followed(tmp_path: Path, dangling: bool) -> None:
    root = write_digest(tmp_path / "digest", {"a.md": article_text()})
    target = tmp_path / "precious.txt"
    if not dangling:
        target.write_text("do not touch\n", "utf-8")
    (root / CACHE_DIR).mkdir()
    (root / CACHE_DIR / LOCK_NAME).symlink_to(target)
    done = subprocess.run(cli(root), env=env(), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == EXIT_IO
    assert done.stderr.strip() == (f"error: {root / CACHE_DIR / LOCK_NAME} is a symbolic link; mawjaz keeps its "
                                   "lock in a plain file there and never follows a link: remove it")
    if dangling:
        assert not target.exists()
    else:
        assert target.read_text("utf-8") == "do not touch\n"
