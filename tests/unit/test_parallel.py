"""Work on other processes: results in input order, or computed here when forking is off."""

from __future__ import annotations

import os

import pytest

from generator.core.parallel import in_background, in_child, map_ordered


def _square(offset: int, n: int) -> tuple[int, int]:
    return n * n + offset, os.getpid()


def test_map_ordered_keeps_input_order_on_workers_and_here() -> None:
    items = list(range(200))
    on_workers = map_ordered(_square, 1, items, workers=2)
    here = map_ordered(_square, 1, items, workers=1)
    assert [r for r, _ in on_workers] == [r for r, _ in here] == [n * n + 1 for n in items]
    assert {pid for _, pid in here} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in on_workers}


def test_in_background_gives_every_result_in_order() -> None:
    with in_background(_square, 0, list(range(100)), workers=2) as results:
        assert [r for r, _ in results()] == [n * n for n in range(100)]


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


class _NotPicklable:
    """Shared data a worker must inherit through the fork: pickling it fails loudly."""

    value = 5

    def __reduce__(self) -> tuple:
        raise TypeError("the shared object was pickled")


def _add_shared(shared: _NotPicklable, n: int) -> int:
    return shared.value + n


def test_workers_inherit_the_shared_object_rather_than_receive_a_copy() -> None:
    items = list(range(100))
    assert map_ordered(_add_shared, _NotPicklable(), items, workers=2) == [n + 5 for n in items]
    with in_background(_add_shared, _NotPicklable(), items, workers=2) as results:
        assert results() == [n + 5 for n in items]


def _fail_at(bad: int, n: int) -> int:
    if n == bad:
        raise ValueError(f"item {n}")
    return n


def _die_at(bad: int, n: int) -> int:
    if n == bad:
        os._exit(3)
    return n


def test_a_failure_on_a_worker_is_raised_here() -> None:
    with pytest.raises(ValueError, match="item 150"):
        map_ordered(_fail_at, 150, list(range(200)), workers=2)
    with pytest.raises(ValueError, match="item 7"), in_background(_fail_at, 7, list(range(200)), workers=2) as results:
        results()


def test_a_worker_that_dies_stops_the_work_instead_of_hanging_it() -> None:
    with pytest.raises(RuntimeError, match="exit code 3"):
        map_ordered(_die_at, 150, list(range(200)), workers=2)


def test_leaving_the_background_block_early_stops_the_workers() -> None:
    with in_background(_add_shared, _NotPicklable(), list(range(5000)), workers=2):
        pass  # results never asked for


def _slow_last(total: int, n: int) -> int:
    if n == total - 1:  # one worker is still busy when the other has ended
        return sum(range(5_000_000)) * 0 + n
    return n


def test_a_worker_that_ends_first_is_not_taken_for_a_failure() -> None:
    for _ in range(5):
        assert map_ordered(_slow_last, 200, list(range(200)), workers=2) == list(range(200))
