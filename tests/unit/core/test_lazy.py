"""Collections made the first time they are read, once."""

from __future__ import annotations

from generator.core.lazy import LazyMapping, LazySequence


def test_a_lazy_mapping_is_made_once_when_first_read_and_reads_as_what_was_made() -> None:
    made: list[int] = []
    lazy = LazyMapping(lambda: made.append(1) or {"a": 1, "b": 2})
    assert made == []
    assert lazy["a"] == 1 and lazy.get("c") is None and list(lazy) == ["a", "b"] and len(lazy) == 2
    assert dict(lazy) == {"a": 1, "b": 2} and made == [1]


def test_a_lazy_sequence_is_made_once_when_first_read_and_reads_as_what_was_made() -> None:
    made: list[int] = []
    lazy = LazySequence(lambda: made.append(1) or (3, 1, 2))
    assert made == []
    assert lazy[0] == 3 and lazy[1:] == (1, 2) and list(lazy) == [3, 1, 2] and len(lazy) == 3
    assert 2 in lazy and lazy.index(2) == 2 and made == [1]
