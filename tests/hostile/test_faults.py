"""Faults: a build killed at any moment, a full disk, an import over an existing article.

The kill loop alternates two versions of a digest of a few hundred articles. Each round
switches the content, starts ``python -m generator build`` in a subprocess, sends SIGKILL at a
random (seeded) moment, and checks that the published folder is byte for byte the complete
previous site or the complete new one, as built by clean builds; then an ordinary build must
recover (with whatever the killed build left in the cache and beside the output) and give the
new site exactly. ``MAWJAZ_FAULT_RUNS`` sets the number of rounds (12 by default, 60 under
``-m slow``); ``MAWJAZ_FAULT_SEED`` the seed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from generator.cli.main import main
from tests.hostile.support import REPO, write_digest

RUNS = int(os.environ.get("MAWJAZ_FAULT_RUNS", "12"))
SLOW_RUNS = max(60, RUNS)
SEED = int(os.environ.get("MAWJAZ_FAULT_SEED", "9"))
ARTICLES = 240

WORDS = [
    "الائتلاف", "الوطني", "السوري", "فرنسا", "باريس", "دمشق", "حلب", "الحكومة", "المعارضة",
    "اللاجئين", "الانتخابات", "المفاوضات", "مجلس", "الأمن", "الاتحاد", "الأوروبي", "وزير",
    "الخارجية", "المبعوث", "الأممي",
]


def corpus(version: str, count: int = ARTICLES) -> dict[str, str]:
    """Articles of one version: B edits a third of A, drops some and adds others."""
    rng = random.Random(f"{SEED}-corpus")
    articles = {}
    for i in range(count):
        if version == "B" and i % 17 == 5:
            continue  # removed in B
        words = [rng.choice(WORDS) for _ in range(60 + i % 90)]
        edited = version == "B" and i % 3 == 0
        title = f"{' '.join(words[:6])} {i}" + (" (محدث)" if edited else "")
        body = "\n\n".join(" ".join(words[k:k + 30]) for k in range(0, len(words), 30))
        if edited:
            body += "\n\nفقرة أضيفت في النسخة الثانية."
        day = 1 + i % 28
        articles[f"2025-{1 + i % 12:02d}-{day:02d}-{i:04d}.md"] = (
            f"---\ntitle: {title}\ndate: 2025-{1 + i % 12:02d}-{day:02d}T{i % 24:02d}:00:00+03:00\n"
            f"slug: a-{i}\n---\n{body}\n")
    if version == "B":
        for i in range(count, count + 12):
            articles[f"2025-12-28-{i:04d}.md"] = (
                f"---\ntitle: خبر جديد {i}\ndate: 2025-12-28T10:00:00+03:00\nslug: a-{i}\n---\n"
                "نص الخبر الجديد عن فرنسا.\n")
    return articles


def set_version(root: Path, version: str) -> None:
    folder = root / "content" / "articles"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, text in corpus(version).items():
        (folder / name).write_text(text, "utf-8")


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(out: Path) -> list[str]:
    """Staging or half-swapped folders beside the output (the kept spare is by design)."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name.startswith(f".{out.name}.mawjaz-")
                  and not p.name.endswith(".mawjaz-spare"))


def _stamp(folder: Path) -> tuple[int, int]:
    """(files, newest change) of a folder, to tell whether a killed build had begun writing."""
    if not folder.is_dir():
        return (0, 0)
    stats = [p.lstat() for p in folder.rglob("*")]
    return len(stats), max((s.st_mtime_ns for s in stats), default=0)


def cli_build(root: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "build", "--root", str(root), "--output",
            str(out), "--quiet"]


def processes_building(root: Path, patience: float = 60.0) -> list[int]:
    """Processes still running a build of ``root`` once ``patience`` seconds have passed
    (forked workers carry their parent's command line). A generous wait: a worker notices
    its parent's death within a second, but a loaded machine may take longer to reap it."""
    needle = f"\0--root\0{root}\0".encode()
    until = time.monotonic() + patience
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    command = (entry / "cmdline").read_bytes()
                    state = (entry / "stat").read_text().rsplit(")", 1)[-1].split()[0]
                    if needle in command and state != "Z":
                        found.append(int(entry.name))
        if not found or time.monotonic() > until:
            return found
        time.sleep(0.2)


def make_digest(root: Path) -> Path:
    write_digest(root, {}, actors=(REPO / "content" / "actors.yaml").read_bytes())
    return root


@pytest.fixture(scope="module")
def references(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Clean builds of both versions, each in a fresh digest (no cache, no previous site)."""
    refs = {}
    for version in ("A", "B"):
        root = make_digest(tmp_path_factory.mktemp(f"ref{version}"))
        set_version(root, version)
        out = root / "published"
        assert main(["build", "--root", str(root), "--output", str(out), "--quiet",
                     "--no-cache"]) == 0
        refs[version] = tree(out)
    assert refs["A"] != refs["B"]
    return refs


def kill_loop(tmp: Path, references: dict[str, dict[str, str]], runs: int) -> Counter:
    root = make_digest(tmp / "digest")
    out = tmp / "published"
    rng = random.Random(SEED)
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for version in ("B", "A"):  # the second build is timed: warm cache, as in the loop
        set_version(root, version)
        started = time.perf_counter()
        subprocess.run(cli_build(root, out), check=True, env=env, cwd=REPO)
        full = time.perf_counter() - started
    assert tree(out) == references["A"]
    outcomes: Counter = Counter()
    current = "A"
    for run in range(runs):
        new = "B" if current == "A" else "A"
        set_version(root, new)
        # Half the kills anywhere, half late, where the writing and the swap happen.
        delay = rng.uniform(0.0, full * 1.2) if run % 2 else rng.uniform(full * 0.6, full * 1.2)
        spare_before = _stamp(out.parent / f".{out.name}.mawjaz-spare")
        process = subprocess.Popen(cli_build(root, out), env=env, cwd=REPO,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = process.poll() is not None
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGKILL)
        process.wait()
        survivors = processes_building(root)
        assert survivors == [], f"run {run}: processes of the killed build outlived it: {survivors}"
        published = tree(out)
        assert published in (references[current], references[new]), (
            f"run {run}: killed after {delay:.2f} s, the published site is neither the "
            "previous nor the new one")
        state = "new" if published == references[new] else "previous"
        if finished:
            outcomes["finished before the kill"] += 1
        elif state == "previous" and (_stamp(out.parent / f".{out.name}.mawjaz-spare")
                                      != spare_before or leftovers(out)):
            outcomes["killed while writing, previous site"] += 1
        else:
            outcomes[f"killed, {state} site"] += 1
        # An ordinary build afterwards recovers whatever the killed one left behind.
        assert main(["build", "--root", str(root), "--output", str(out), "--quiet"]) == 0
        assert tree(out) == references[new], f"run {run}: recovery build differs from clean"
        assert leftovers(out) == [], f"run {run}: staging folders left behind"
        current = new
    print(f"\nfaults: {runs} kill points ({dict(outcomes)}), one build {full:.2f} s")
    return outcomes


def test_killed_builds_leave_a_whole_site(tmp_path: Path, references) -> None:
    outcomes = kill_loop(tmp_path, references, RUNS)
    assert sum(outcomes.values()) == RUNS


@pytest.mark.slow
def test_killed_builds_leave_a_whole_site_long(tmp_path: Path, references) -> None:
    outcomes = kill_loop(tmp_path, references, SLOW_RUNS)
    assert sum(outcomes.values()) == SLOW_RUNS


# -- full disk -------------------------------------------------------------------------------


def mount_tmpfs(mount_point: Path, size: int) -> None:
    mount_point.mkdir(parents=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                             str(mount_point)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + result.stderr.decode(errors="replace"))


def test_full_disk_keeps_previous_site(tmp_path: Path, capsys) -> None:
    """A tmpfs a little larger than the site: the first build fits, a bigger one does not."""
    root = make_digest(tmp_path / "digest")
    set_version(root, "A")
    probe = tmp_path / "probe"
    assert main(["build", "--root", str(root), "--output", str(probe), "--quiet",
                 "--no-cache"]) == 0
    size = sum(p.stat().st_size + 4096 for p in probe.rglob("*"))
    disk = tmp_path / "disk"
    mount_tmpfs(disk, int(size * 1.3) + 512 * 1024)
    try:
        out = disk / "site"
        assert main(["build", "--root", str(root), "--output", str(out), "--quiet",
                     "--no-cache"]) == 0
        before = tree(out)
        big = "نص طويل جداً " * 20_000  # about 250 KB per article, in its page and the feeds
        for i in range(12):
            (root / "content" / "articles" / f"big-{i}.md").write_text(
                f"---\ntitle: كبير {i}\ndate: 2025-12-30\nslug: big-{i}\n---\n{big}\n",
                "utf-8")
        capsys.readouterr()
        code = main(["build", "--root", str(root), "--output", str(out), "--quiet",
                     "--no-cache"])
        err = capsys.readouterr().err
        assert code == 3, err
        assert "disk is full" in err
        assert tree(out) == before
        assert leftovers(out) == []
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_disk_full_midway_is_an_io_error(tmp_path: Path, monkeypatch, capsys) -> None:
    """Where no tmpfs can be mounted: every write after the fifth fails with ENOSPC (pages are
    written as they are rendered, then moved into place: the failure hits rendering)."""
    root = make_digest(tmp_path / "digest")
    set_version(root, "A")
    out = tmp_path / "published"
    assert main(["build", "--root", str(root), "--output", str(out), "--quiet",
                 "--no-cache"]) == 0
    before = tree(out)
    set_version(root, "B")
    calls = Counter()
    real_write_bytes = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] > 5:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    capsys.readouterr()
    code = main(["build", "--root", str(root), "--output", str(out), "--quiet", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "disk is full" in err
    assert calls["n"] > 5, "the failure was reached"
    monkeypatch.undo()
    assert tree(out) == before
    assert main(["build", "--root", str(root), "--output", str(out), "--quiet",
                 "--no-cache"]) == 0
    assert leftovers(out) == []


# -- import -------------------------------------------------------------------------------------


def _import(root: Path, source: Path, *extra: str) -> int:
    return main(["import", str(source), "--root", str(root), "--quiet", "--date", "2026-11-20",
                 *extra])


def test_import_never_replaces_or_truncates(tmp_path: Path, monkeypatch, capsys) -> None:
    pytest.importorskip("generator.authoring.importer")
    root = make_digest(tmp_path / "digest")
    paste = tmp_path / "paste.txt"
    paste.write_text("عنوان الخبر المستورد\n\nالفقرة الأولى من الخبر.\n\nالفقرة الثانية.\n",
                     "utf-8")
    assert _import(root, paste) == 0
    [article] = list((root / "content" / "articles").glob("*.md"))
    original = article.read_bytes()

    paste.write_text("عنوان الخبر المستورد\n\nنص آخر مختلف تماماً.\n", "utf-8")
    assert _import(root, paste) != 0, "a second import of the same title is refused"
    assert article.read_bytes() == original

    # --force on a full disk: the write fails half-way, the old article stays whole.
    real_write_bytes = Path.write_bytes

    def half_then_full(self: Path, data: bytes) -> int:
        real_write_bytes(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    code = _import(root, paste, "--force")
    monkeypatch.undo()
    assert code != 0
    assert article.read_bytes() == original
    assert sorted(p.name for p in article.parent.iterdir()) == [article.name], "no temp files"
    capsys.readouterr()
