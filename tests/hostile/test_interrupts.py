"""Interrupts and kills: a build stopped from outside leaves no process behind and says so once.

Each test starts ``python -m generator build`` on a generated digest of a few thousand
articles in its own session (so its process group can be signalled as a terminal does), waits
until worker processes exist, signals, and checks that every process of the build has gone:

- SIGKILL to the parent: it runs no clean-up; the workers must notice on their own;
- SIGINT to the whole group (Ctrl+C): exit 130, one line on stderr, no traceback anywhere;
- SIGTERM to the parent (a CI timeout): the same, with 143.

Nothing here is timed: waits poll with generous limits, as hang nets. Whatever happens, every
process the build started is killed at the end.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from corpus import generate

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")

ARTICLES = 3000
PATIENCE = 120.0  # seconds: a hang net on a loaded machine, never a speed requirement


@pytest.fixture(scope="module")
def digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("interrupts") / "digest", ARTICLES, actors=60)


def children(pid: int) -> set[int]:
    """Live children of ``pid`` (zombies waiting for their reaper do not count)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(p) for p in (task / "children").read_text().split())
    return {p for p in found if alive(p)}


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {PATIENCE:.0f} s for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def build_in_workers(root: Path, out: Path, phase: str = "reading"
                     ) -> Iterator[tuple[subprocess.Popen, set[int]]]:
    """A build with two workers, yielded once the processes of ``phase`` are seen, with every
    process it has started. "reading": two children (the survey child and the first pool's
    workers, which read the articles). "rendering": a child that appeared after two others
    had ended: the reading pool's workers end before the render worker is forked (the survey
    child may end, or come and go unseen, while they read). On the way out, anything still
    alive is killed."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(root), "--output", str(out),
         "--no-cache", "--quiet", "-j", "2"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True)
    seen: set[int] = set()
    ended_before: dict[int, int] = {}  # child -> how many seen children had ended when it appeared
    try:
        def workers_started() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the build ended ({process.returncode}) before its workers "
                                     "were seen: make the digest bigger")
            now = children(process.pid)
            ended = len(seen - now)
            for pid in now - seen:
                ended_before[pid] = ended
            seen.update(now)
            if phase == "reading":
                return len(seen) >= 2
            return any(ended_before[pid] >= 2 for pid in now)
        wait_for(workers_started, f"worker processes ({phase})")
        yield process, seen
    finally:
        for pid in (*seen, process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.communicate()


def assert_all_gone(pids: set[int]) -> None:
    wait_for(lambda: not any(alive(p) for p in pids), f"processes {sorted(pids)} to exit")


@pytest.mark.parametrize("phase", ["reading", "rendering"])
def test_killed_parent_takes_its_workers(digest: Path, tmp_path: Path, phase: str) -> None:
    with build_in_workers(digest, tmp_path / "site", phase) as (process, seen):
        seen.update(children(process.pid))
        process.kill()
        process.wait()
        assert_all_gone(seen)


@pytest.mark.parametrize(("name", "code", "line"), [("SIGINT", 130, "interrupted"),
                                                    ("SIGTERM", 143, "terminated")])
def test_interrupt_stops_every_process_and_says_so_once(digest: Path, tmp_path: Path,
                                                        name: str, code: int, line: str) -> None:
    out = tmp_path / "site"
    with build_in_workers(digest, out) as (process, seen):
        seen.update(children(process.pid))
        if name == "SIGINT":
            os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl+C: the whole group
        else:
            os.kill(process.pid, signal.SIGTERM)  # as a CI timeout: the parent only
        try:
            _, stderr = process.communicate(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the build did not stop within {PATIENCE:.0f} s of {name}")
        assert_all_gone(seen)
    errors = stderr.decode("utf-8", "replace")
    assert "Traceback" not in errors, errors
    assert (process.returncode, errors.strip().splitlines()) == (code, [line]), errors
    assert not out.exists(), "a stopped first build published nothing"
