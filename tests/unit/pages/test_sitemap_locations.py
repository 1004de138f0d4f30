"""The sitemap's ``<loc>`` of a page: made without ``absolute``'s memo, the same text."""

from __future__ import annotations

import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core.urls import absolute
from generator.pages.site import _location

_PATHS = st.text(st.one_of(st.sampled_from(list("/.&<>\"'#?=% -_~")), st.characters(max_codepoint=0x7F),
                           st.characters(min_codepoint=0x600, max_codepoint=0x6FF),
                           st.characters(blacklist_categories=("Cs",))))
_BASES = ["https://example.org/", "https://example.org/digest/", "https://example.org/a&b/",
          "https://example.org/digest", "https://example.org/موجز/"]


@settings(max_examples=300)
@given(_PATHS)
@pytest.mark.parametrize("base", _BASES)
def test_a_location_is_the_escaped_absolute_url(base: str, path: str) -> None:
    assert _location(base, path) == html.escape(absolute(base, path), quote=False)


@pytest.mark.parametrize("path", ["", "articles/قمة-عمّان/", "archive/page/2/", "a&b/", "./x/", "../", "/lead/"])
@pytest.mark.parametrize("base", _BASES)
def test_locations_of_examples(base: str, path: str) -> None:
    assert _location(base, path) == html.escape(absolute(base, path), quote=False)
