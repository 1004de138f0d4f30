"""Pagination cut from the oldest end: numbered pages keep their items as a list grows."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from generator.pages.site import paginate


def test_a_short_list_is_one_page() -> None:
    assert [(p.number, list(p.items)) for p in paginate([3, 2, 1], 5)] == [(0, [3, 2, 1])]
    assert [(p.number, list(p.items), p.sealed) for p in paginate([], 5)] == [(0, [], 0)]


def test_numbered_pages_count_from_the_oldest() -> None:
    items = list(range(7, 0, -1))  # 7 newest ... 1 oldest
    assert [(p.number, list(p.items)) for p in paginate(items, 2)] == [
        (0, [7, 6, 5]), (2, [4, 3]), (1, [2, 1])]


@given(st.integers(0, 300), st.integers(1, 25))
def test_every_item_once_in_order_and_the_newest_page_full(count: int, per_page: int) -> None:
    items = list(range(count, 0, -1))
    pages = paginate(items, per_page)
    assert [i for p in pages for i in p.items] == items
    assert [p.number for p in pages] == [0, *range(len(pages) - 1, 0, -1)]
    assert all(len(p.items) == per_page for p in pages[1:])
    newest = len(pages[0].items)
    assert per_page <= newest < 2 * per_page if count >= per_page else newest == count


@given(st.integers(0, 300), st.integers(1, 25), st.integers(1, 40))
def test_adding_newer_items_keeps_every_numbered_page(count: int, per_page: int, added: int) -> None:
    """What makes a rebuild after an addition cheap: old pages are the same pages."""
    before = {p.number: list(p.items) for p in paginate(list(range(count, 0, -1)), per_page)}
    after = {p.number: list(p.items) for p in paginate(list(range(count + added, 0, -1)), per_page)}
    assert all(after[n] == items for n, items in before.items() if n)
