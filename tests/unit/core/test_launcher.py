"""Programs started by a launcher process: their status and output as ``Popen`` gives them,
killed on request or when the launcher is closed, and never left running when the process
that asked for them dies."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.core.launcher import launcher

pytestmark = pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="waits on Linux pidfds")


def _wait_gone(*pids: int) -> None:
    """Block until every one of ``pids`` has ended (a pidfd is readable once it has)."""
    fds = []
    for pid in pids:
        try:
            fds.append(os.pidfd_open(pid))
        except ProcessLookupError:  # already gone
            continue
    try:
        for fd in fds:
            select.select([fd], [], [])
    finally:
        for fd in fds:
            os.close(fd)


def test_a_program_gives_its_status_and_its_output_goes_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "log"
    with launcher() as started:
        run = started.start(["sh", "-c", "echo said; echo complained >&2; exit 3"], str(log))
        assert run.wait() == 3
        assert run.returncode == 3 and run.poll() == 3
    assert log.read_bytes() == b"said\ncomplained\n"


def test_a_program_runs_where_it_is_asked_to(tmp_path: Path) -> None:
    log = tmp_path / "log"
    with launcher() as started:
        assert started.start(["pwd"], str(log), cwd=str(tmp_path)).wait() == 0
    assert log.read_text().strip() == os.path.realpath(tmp_path)


def test_waiting_past_the_timeout_raises_as_popen_does_and_kill_ends_it(tmp_path: Path) -> None:
    with launcher() as started:
        run = started.start(["sleep", "600"], str(tmp_path / "log"))
        with pytest.raises(subprocess.TimeoutExpired) as waited:
            run.wait(timeout=0.01)
        assert str(waited.value) == "Command '['sleep', '600']' timed out after 0.01 seconds"
        assert run.poll() is None
        run.kill()
        assert run.wait() == -signal.SIGKILL
        with pytest.raises(ProcessLookupError):
            os.kill(run.pid, 0)  # reaped, not a zombie


def test_a_program_that_cannot_start_raises_what_popen_raises(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-program")
    with pytest.raises(OSError) as here:
        subprocess.Popen([missing])
    with launcher() as started, pytest.raises(OSError) as launched:
        started.start([missing], str(tmp_path / "log"))
    assert type(launched.value) is type(here.value)
    assert str(launched.value) == str(here.value)


def test_closing_the_launcher_kills_what_still_runs(tmp_path: Path) -> None:
    with launcher() as started:
        pids = [started.start(["sleep", "600"], str(tmp_path / f"log{n}")).pid for n in range(2)]
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_the_launcher_and_its_programs_end_when_the_asking_process_dies(tmp_path: Path) -> None:
    """The asker killed outright (no clean-up runs): the launcher ends (Linux kills it, or it
    sees its connection close) and so does its program. Neither is this test's child, so
    neither is waited for here: ``_wait_gone`` watches them end (a zombie no longer runs)."""
    script = textwrap.dedent(f"""
        import sys
        from generator.core.launcher import launcher
        with launcher() as started:
            run = started.start(["sleep", "600"], {str(tmp_path / "log")!r})
            print(started._process.pid, run.pid, flush=True)
            sys.stdin.read()
    """)
    asker = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert asker.stdout is not None
    launcher_pid, program_pid = map(int, asker.stdout.readline().split())
    asker.kill()
    asker.wait()
    _wait_gone(launcher_pid, program_pid)  # returns only once both have ended
