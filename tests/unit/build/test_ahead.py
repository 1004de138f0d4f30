"""A rebuild's first steps: the snapshot taken by a child while the build loads its cache,
and the survey of the live site the child goes on to when something changed."""

from __future__ import annotations

import os
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from generator.build.ahead import FirstLook, first_look
from generator.build.fingerprint import snapshot
from generator.build.pipeline import build
from generator.build.shortcut import options_key
from generator.build.survey import survey
from generator.cache.store import load_cache
from generator.render.theme import find_theme
from tests.unit.build.test_pipeline import OLD_NS, OPTIONS

KEY = options_key(OPTIONS)


def look_at(root: Path, workers: int = 2, survey_anyway: bool = False) -> AbstractContextManager[FirstLook]:
    return first_look(root, find_theme(root), KEY, time.time_ns(), None, workers, survey_anyway)


@pytest.mark.parametrize("workers", [1, 2])
def test_an_unchanged_digest_is_told_by_the_snapshot_alone(root: Path, workers: int) -> None:
    """The snapshot is the one taken here; with nothing changed there is no survey to wait
    for (the build gives the last one's result)."""
    build(root, OPTIONS)
    with look_at(root, workers) as look:
        assert look.digest() == load_cache(root, articles=False).meta["snapshot"]  # all it needs
        taken = look.snapshot()
        assert taken == snapshot(root, find_theme(root), KEY, time.time_ns())
        assert taken.digest == load_cache(root, articles=False).meta["snapshot"]
        assert look.surveyed().moved() is None and look.surveyed().listing() is None


def test_a_changed_digest_gets_the_cache_and_the_survey(root: Path) -> None:
    build(root, OPTIONS)
    site = root / "site"
    (site / "robots.txt").unlink()
    article = root / "content" / "articles" / "one.md"
    article.write_text(article.read_text("utf-8") + "\nسطر آخر.\n", "utf-8")
    os.utime(article, ns=(OLD_NS + 10**9, OLD_NS + 10**9))
    with look_at(root) as look:
        taken = look.snapshot()
        assert taken.digest != load_cache(root, articles=False).meta["snapshot"]
        assert taken.content["content/articles/one.md"][0] == article.stat().st_size
        cache = look.cache()
        assert cache.entries.keys() == load_cache(root).entries.keys() and cache.pages
        surveyed = look.surveyed()
        assert surveyed.moved() == {"robots.txt": None}
        assert (surveyed.listing(), surveyed.moved()) == survey(root, site.absolute(), True)  # each taken once


def test_a_build_that_needs_the_site_is_surveyed_even_when_nothing_changed(root: Path) -> None:
    build(root, OPTIONS)
    (root / "site" / "404.html").unlink()
    with look_at(root, survey_anyway=True) as look:
        look.snapshot()
        assert look.surveyed().moved() == {"404.html": None}


def test_on_one_core_everything_is_done_here(root: Path) -> None:
    build(root, OPTIONS)
    (root / "site" / "404.html").unlink()
    with look_at(root, workers=1, survey_anyway=True) as look:
        assert look.snapshot().digest == load_cache(root, articles=False).meta["snapshot"]
        assert look.cache().entries.keys() == load_cache(root).entries.keys()
        assert look.surveyed().moved() is None  # the build looks at each file as it needs it


def test_a_failed_child_leaves_the_snapshot_to_the_build(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(root, OPTIONS)
    import generator.build.ahead as ahead

    def failing(*args: object) -> object:
        raise OSError("no")
        yield  # pragma: no cover

    monkeypatch.setattr(ahead, "_looked", failing)
    with look_at(root) as look:
        assert look.snapshot().digest == load_cache(root, articles=False).meta["snapshot"]
        assert look.surveyed().listing() is None
