"""Invalid digests: each case under tests/sites/invalid/ must fail with its exact diagnostics.

A case is a tiny digest (``mawjaz.toml`` + ``content/articles/...``) with ``expected.txt``
holding exactly what ``mawjaz build`` prints on stderr. Files too big to commit are listed in
``big-files.txt`` (``path size`` per line) and made at test time. Every case must exit 1 and
write nothing: no output folder appears, and a previous one stays byte-for-byte the same.

Set ``MAWJAZ_UPDATE_GOLDEN=1`` to rewrite the ``expected.txt`` files from the current output;
review the diff like code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cache.store import CACHE_DIR
from generator.cli.main import main
from tests.golden_files import updating

INVALID = Path(__file__).resolve().parent / "sites" / "invalid"
REPO = Path(__file__).resolve().parent.parent
CASES = sorted(p.name for p in INVALID.iterdir() if (p / "mawjaz.toml").exists())
FIXTURE_ONLY = {"expected.txt", "big-files.txt", ".gitattributes"}


def copy_case(name: str, dest: Path) -> Path:
    """The case as a digest in ``dest``, with its big files generated."""
    source = INVALID / name
    shutil.copytree(source, dest, ignore=lambda folder, names: [
        n for n in names if Path(folder) == source and n in FIXTURE_ONLY])
    listing = source / "big-files.txt"
    if listing.exists():
        for line in listing.read_text(encoding="utf-8").splitlines():
            rel, size = line.split()
            with (dest / rel).open("wb") as handle:
                handle.write(b"---\ntitle: x\ndate: 2025-11-27\n---\n")
                handle.truncate(int(size))  # sparse: cheap to make, still this many bytes
    return dest


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of the digest but the build cache: a failed build still keeps the articles it
    processed there (so the fixed rebuild is fast); it never writes site files."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != CACHE_DIR}


def run_build(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["build", "--root", str(root)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_expected(name: str, stderr: str) -> None:
    expected = INVALID / name / "expected.txt"
    if updating():
        expected.write_text(stderr, encoding="utf-8")
        return
    assert expected.exists(), f"{expected} is missing; run with MAWJAZ_UPDATE_GOLDEN=1"
    assert stderr.splitlines() == expected.read_text(encoding="utf-8").splitlines()


def test_every_case_has_expected_diagnostics():
    assert len(CASES) >= 9
    for name in CASES:
        assert (INVALID / name / "expected.txt").exists() or updating(), name


@pytest.mark.parametrize("name", CASES)
def test_invalid_site_fails_with_exact_diagnostics_and_writes_nothing(name, tmp_path, capsys):
    root = copy_case(name, tmp_path / "digest")
    before = tree(root)
    code, stdout, stderr = run_build(root, capsys)
    check_expected(name, stderr)
    assert code == 1
    assert stdout == ""
    assert stderr.splitlines()[-1].endswith("; nothing was written")
    assert not (root / "site").exists()
    assert tree(root) == before  # sources untouched, nothing added beside them
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest"]


@pytest.mark.parametrize("name", CASES)
def test_invalid_site_leaves_the_previous_site_byte_for_byte(name, tmp_path, capsys):
    root = copy_case(name, tmp_path / "digest")
    site = root / "site"
    (site / "articles" / "قديم").mkdir(parents=True)
    (site / ".mawjaz-site").write_text("This folder is written by mawjaz build and replaced whole.\n")
    (site / "index.html").write_bytes("<!doctype html><p>الموقع السابق</p>".encode())
    (site / "articles" / "قديم" / "index.html").write_bytes(b"<p>old</p>")
    os.utime(site / "index.html", (1_000_000, 1_000_000))
    before, stamp = tree(site), (site / "index.html").stat()
    code, _, _ = run_build(root, capsys)
    assert code == 1
    assert tree(site) == before
    after = (site / "index.html").stat()
    assert (after.st_ino, after.st_mtime) == (stamp.st_ino, stamp.st_mtime)
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".") and p.name != CACHE_DIR) == []


def test_the_installed_entry_point_prints_the_same(tmp_path):
    """``python -m generator build`` as a curator runs it: exit status 1, same stderr."""
    root = copy_case("missing-title", tmp_path / "digest")
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "generator", "build", "--root", str(root)],
                            capture_output=True, text=True, encoding="utf-8", env=env, check=False)
    assert result.returncode == 1
    expected = (INVALID / "missing-title" / "expected.txt").read_text(encoding="utf-8")
    assert result.stderr.splitlines() == expected.splitlines()
    assert not (root / "site").exists()
