"""Work on other processes: results in input order, or computed here when forking is off; a
worker's exception raised here, a worker's death reported rather than waited on."""

from __future__ import annotations

import faulthandler
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.core.parallel import (
    MIN_ITEMS,
    WorkerDied,
    WorkerTraceback,
    in_background,
    in_child,
    in_child_steps,
    map_ordered,
)

ITEMS = list(range(200))  # above MIN_ITEMS: two workers are forked


def _square(offset: int, n: int) -> tuple[int, int]:
    return n * n + offset, os.getpid()


def test_map_ordered_keeps_input_order_on_workers_and_here() -> None:
    on_workers = map_ordered(_square, 1, ITEMS, workers=2)
    here = map_ordered(_square, 1, ITEMS, workers=1)
    assert [r for r, _ in on_workers] == [r for r, _ in here] == [n * n + 1 for n in ITEMS]
    assert {pid for _, pid in here} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in on_workers}
    assert len({pid for _, pid in on_workers}) == 2, "both workers had work"


def test_small_jobs_stay_in_this_process() -> None:
    results = map_ordered(_square, 0, list(range(MIN_ITEMS - 1)), workers=2)
    assert {pid for _, pid in results} == {os.getpid()}


def test_progress_counts_up_to_the_total() -> None:
    seen: list[tuple[int, int]] = []
    map_ordered(_square, 0, ITEMS, workers=2, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (len(ITEMS), len(ITEMS))
    assert [done for done, _ in seen] == sorted({done for done, _ in seen}), "rising, once each"


def test_in_background_gives_every_result_in_order() -> None:
    with in_background(_square, 0, list(range(100)), workers=2) as results:
        assert [r for r, _ in results()] == [n * n for n in range(100)]


def _square_once_here(shared: tuple[str, int], n: int) -> tuple[int, int]:
    """Squares; on a worker only once the caller has computed an item itself (its mark)."""
    folder, caller = shared
    here = Path(folder, "here")
    if os.getpid() == caller:
        here.touch()
    else:
        while not here.exists():
            time.sleep(0.01)
    return n * n, os.getpid()


def test_in_background_forks_one_fewer_and_the_caller_computes_a_share(tmp_path: Path) -> None:
    """The caller is one of the workers: a forked worker holds as much memory as the process
    it was forked from, and a caller waiting idle for two would leave a core unused."""
    with in_background(_square_once_here, (str(tmp_path), os.getpid()), ITEMS, workers=2) as results:
        made = results()
    assert [r for r, _ in made] == [n * n for n in ITEMS]
    pids = {pid for _, pid in made}
    assert os.getpid() in pids
    assert len(pids - {os.getpid()}) <= 1, "one worker forked for two"


def _raise_here(shared: tuple[str, int], n: int) -> tuple[int, int]:
    _square_once_here(shared, n)
    if os.getpid() == shared[1]:
        raise ValueError(f"item {n} failed here")
    return n, os.getpid()


def test_in_background_raises_what_the_callers_share_raised(tmp_path: Path) -> None:
    with in_background(_raise_here, (str(tmp_path), os.getpid()), ITEMS, workers=2) as results, \
            pytest.raises(ValueError, match="failed here"):
        results()


def test_finished_workers_are_not_taken_for_dead_ones() -> None:
    """Workers end as soon as they are told there is no more work: one that has ended but is
    not reaped yet must not look like one that died (its exit code is read after a join)."""
    for _ in range(20):
        assert [r for r, _ in map_ordered(_square, 0, list(range(MIN_ITEMS)), workers=2)] == \
            [n * n for n in range(MIN_ITEMS)]


# -- a job that raises ---------------------------------------------------------------------


def _raise_at(bad: frozenset[int], n: int) -> int:
    if n in bad:
        raise ValueError(f"item {n} is bad")
    return n


def test_an_exception_on_a_worker_is_raised_here_with_its_traceback() -> None:
    with pytest.raises(ValueError, match="item 150 is bad") as raised:
        map_ordered(_raise_at, frozenset({150}), ITEMS, workers=2)
    cause = raised.value.__cause__
    assert isinstance(cause, WorkerTraceback)
    assert "_raise_at" in str(cause), "the worker's traceback names the function that raised"


def test_the_first_failure_in_input_order_is_the_one_raised() -> None:
    """Whichever worker fails first in time, the error is that of the earliest item."""
    for _ in range(3):
        with pytest.raises(ValueError, match="item 7 is bad"):
            map_ordered(_raise_at, frozenset({7, 120, 199}), ITEMS, workers=2)


def test_in_background_raises_the_workers_exception_when_asked() -> None:
    with in_background(_raise_at, frozenset({99}), ITEMS, workers=2) as results, \
            pytest.raises(ValueError, match="item 99 is bad"):
        results()


class _Unpicklable(Exception):
    def __init__(self, code: int, why: str) -> None:  # pickle calls it with one argument
        super().__init__(f"{code}: {why}")


def _raise_unpicklable(_: None, n: int) -> int:
    if n == 100:
        raise _Unpicklable(3, "cannot come back")
    return n


def _unpicklable_result(_: None, n: int) -> object:
    return (lambda: n) if n == 100 else n


def test_what_cannot_travel_back_is_still_an_error_here() -> None:
    with pytest.raises(RuntimeError, match="_Unpicklable: 3: cannot come back"):
        map_ordered(_raise_unpicklable, None, ITEMS, workers=2)
    with pytest.raises(RuntimeError, match="could not be sent back"):
        map_ordered(_unpicklable_result, None, ITEMS, workers=2)


# -- a worker that dies ------------------------------------------------------------------------


def _die_at(how: tuple[int, str], n: int) -> int:
    at, way = how
    if n == at:
        if way == "exit":
            os._exit(3)
        faulthandler.disable()  # pytest's would print this worker's stack as it crashes
        os.kill(os.getpid(), getattr(signal, way))
    return n


@pytest.mark.parametrize(("way", "said"), [("exit", "exited with status 3"),
                                           ("SIGKILL", "was killed by SIGKILL"),
                                           ("SIGSEGV", "was killed by SIGSEGV"),
                                           ("SIGTERM", "was killed by SIGTERM")])
def test_a_worker_that_dies_is_an_error_not_a_hang(way: str, said: str) -> None:
    with pytest.raises(WorkerDied, match=said):
        map_ordered(_die_at, (120, way), ITEMS, workers=2)


def _die_on_worker(shared: tuple[str, int], n: int) -> int:
    """Killed on the worker, once it has left its mark; the caller computes its share only
    after that, so that the worker surely has work when it dies."""
    folder, caller = shared
    mark = Path(folder, "worker")
    if os.getpid() != caller:
        mark.touch()
        _die_at((n, "SIGKILL"), n)
    while not mark.exists():
        time.sleep(0.01)
    return n


def test_in_background_reports_a_dead_worker_when_asked(tmp_path: Path) -> None:
    with in_background(_die_on_worker, (str(tmp_path), os.getpid()), ITEMS, workers=2) as results, \
            pytest.raises(WorkerDied, match="SIGKILL"):
        results()


def test_workers_ignore_ctrl_c_and_die_quietly_of_sigterm(capfd: pytest.CaptureFixture[str]) -> None:
    """Ctrl+C goes to the whole process group: the parent handles it, the workers go on. A
    SIGTERM (the parent stopping them) ends a worker without a traceback."""
    assert [r for r in map_ordered(_die_at, (60, "SIGINT"), ITEMS, workers=2)] == ITEMS
    with pytest.raises(WorkerDied):
        map_ordered(_die_at, (60, "SIGTERM"), ITEMS, workers=2)
    assert "Traceback" not in capfd.readouterr().err


# -- leaving early ---------------------------------------------------------------------------------


def _slow(folder: str, n: int) -> int:
    """Marks that this worker exists, then waits until told (by the file's removal) to go on."""
    mark = Path(folder, str(os.getpid()))
    mark.touch()
    while mark.exists():
        time.sleep(0.01)
    return n


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="needs Linux /proc")
def test_leaving_in_background_early_stops_its_workers(tmp_path: Path) -> None:
    with in_background(_slow, str(tmp_path), ITEMS, workers=3):  # two forked, and this process
        while len(list(tmp_path.iterdir())) < 2:
            time.sleep(0.01)
        workers = {int(p.name) for p in tmp_path.iterdir()}
        assert all(_alive(pid) for pid in workers)
    assert not any(_alive(pid) for pid in workers), "every worker was stopped and reaped"


# -- one child ---------------------------------------------------------------------------------


def _fail() -> None:
    raise ValueError("no")


def test_in_child_computes_elsewhere_and_says_none_on_failure() -> None:
    with in_child(os.getpid) as pid:
        assert pid() not in (None, os.getpid())
        assert pid() == pid()  # asked twice, received once
    with in_child(_fail) as failed:
        assert failed() is None
    with in_child(lambda: lambda: 1) as unpicklable:  # a function made there cannot be sent back
        assert unpicklable() is None


def _counted(last: int) -> Iterator[int]:
    yield from range(last)
    raise ValueError("no more")


def test_in_child_steps_sends_each_value_as_it_is_made_then_none() -> None:
    """The values in order; once the child has ended (here failing after three), ``take``
    says None, and ``ready`` does not keep the caller waiting."""
    with in_child_steps(_counted, 3) as steps:
        assert [steps.take() for _ in range(3)] == [0, 1, 2]
        assert steps.take() is None and steps.ready() and steps.take() is None


def _large_then_done(marker: Path) -> Iterator[object]:
    try:
        yield "small"
        yield "x" * 10**7  # more than a pipe holds: sent only as far as the parent reads
    finally:
        marker.write_text("ended by itself")  # never run in a child that is killed


def test_in_child_steps_leaves_a_child_nobody_reads(tmp_path: Path) -> None:
    """A child still sending when the block ends sees the closed pipe and ends by itself
    (rather than waiting on a pipe its own copy of the parent's end kept open, until it is
    killed)."""
    marker = tmp_path / "marker"
    with in_child_steps(_large_then_done, marker) as steps:
        assert steps.take() == "small"
    assert marker.read_text() == "ended by itself"
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]
