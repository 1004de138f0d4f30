"""The survey of the live site a rebuild's child makes while the build loads."""

from __future__ import annotations

import os
from pathlib import Path

from generator.build.pipeline import build
from generator.build.survey import survey, surveys
from generator.cache.store import load_cache
from tests.unit.build.test_pipeline import OLD_NS, OPTIONS


def test_the_survey_reports_only_the_live_files_no_longer_as_recorded(root: Path) -> None:
    build(root, OPTIONS)
    site = root / "site"
    os.utime(site / "404.html", ns=(OLD_NS, OLD_NS))
    (site / "robots.txt").unlink()
    moved = survey(root, site, cache=True)[1]
    assert moved == {"404.html": (os.stat(site / "404.html").st_size, OLD_NS, os.stat(site / "404.html").st_ino),
                     "robots.txt": None}
    assert survey(root, site, cache=False)[1] is None  # no record to compare with


def test_the_survey_of_a_build_goes_where_it_writes(root: Path, tmp_path: Path) -> None:
    """The configured folder, or the one a build is told to write to (``--output``)."""
    build(root, OPTIONS)
    (root / "site" / "404.html").unlink()
    moved, listing = surveys(root, None)
    assert moved == {"404.html": None} and listing == survey(root, (root / "site").absolute(), True)[0]
    recorded = load_cache(root, articles=False).pages
    assert next(surveys(root, tmp_path / "elsewhere")) == dict.fromkeys(recorded)  # nothing there
