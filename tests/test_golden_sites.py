"""Fixture sites built in memory and compared with their golden output trees."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.render.theme import find_theme
from tests.golden_files import compare_tree

SITES = Path(__file__).resolve().parent / "sites"
NOW = datetime.fromisoformat("2026-11-29T12:00:00+03:00")


@pytest.mark.parametrize("name", ["basic", "digest", "archive", "taxa"])
def test_site_matches_golden(name: str) -> None:
    root = SITES / name
    site, diagnostics = load_site(root, BuildOptions(now=NOW))
    assert diagnostics == ()
    files = render_site(site, find_theme(root))
    assert compare_tree(name, files) == []
