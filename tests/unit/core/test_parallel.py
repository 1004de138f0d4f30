"""Work on other processes: results in input order, or computed here when forking is off."""

from __future__ import annotations

import os

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
