"""The survey of the live site a rebuild's child makes while the build loads."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.build import survey as survey_module
from generator.build.pipeline import build
from generator.build.survey import record_site, survey, surveys
from generator.cache import store
from generator.cache.store import CACHE_DIR, load_cache, load_signed
from generator.output import writer
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


def _records(root: Path) -> set[str]:
    return {path.name for path in (root / CACHE_DIR).glob("folders-*.pickle")}


def test_a_first_build_records_the_folders_of_its_site_and_of_its_spare(root: Path) -> None:
    """The spares of the next two rebuilds: they then do not read every folder of their
    spare (3 s at 50,000 articles, which the write waited for)."""
    build(root, OPTIONS)
    assert _records(root) == {f"folders-{os.lstat(root / name).st_ino}.pickle"
                              for name in ("site", ".site.mawjaz-spare")}


def _site_paths(site: Path) -> list[str]:
    return sorted(os.fspath(path.relative_to(site)) for path in site.rglob("*")
                  if path.is_file() and path.name != writer.MARKER)


def test_the_spare_a_first_build_links_is_recorded_as_reading_it_would(root: Path) -> None:
    """Every folder but the spare's own (its marker file is its own, not a link), with
    the site's entries and the spare's stamps: what reading the spare records."""
    build(root, OPTIONS)
    site, later = root / "site", time.time_ns() + 10 * writer.SETTLE_NS
    live = writer.folder_survey(site, lambda inode: None, later)
    assert live is not None
    told = writer.linked_record(site, live[1:], _site_paths(site), later)
    read = writer.spare_survey(site, lambda inode: None, later)
    assert told is not None and read is not None and told[0] == read[0]
    assert told[1] == {prefix: record for prefix, record in read[2].items() if prefix}
    assert len(told[1]) > 10


@pytest.mark.parametrize("change", ["stray file", "stray folder", "fewer paths", "link"])
def test_a_site_holding_anything_but_the_linked_paths_tells_nothing_of_its_spare(root: Path, change: str) -> None:
    """A file, folder or link the paths did not put in the site, or a path it does not
    hold: the spare may not hold what the site does, and the survey reads it."""
    build(root, OPTIONS)
    site, later = root / "site", time.time_ns() + 10 * writer.SETTLE_NS
    paths = _site_paths(site)
    if change == "stray file":
        (site / "feeds" / "stray.xml").write_text("<x/>", "utf-8")
    elif change == "stray folder":
        (site / "feeds" / "empty").mkdir()
    elif change == "fewer paths":
        paths = paths[1:]
    else:
        target = site / paths[0]
        target.unlink()
        target.symlink_to(root / "mawjaz.toml")
    live = writer.folder_survey(site, lambda inode: None, later)
    assert live is not None
    assert writer.linked_record(site, live[1:], paths, later) is None


def test_no_spare_tells_nothing(root: Path) -> None:
    build(root, OPTIONS)
    site = root / "site"
    live = writer.folder_survey(site, lambda inode: None)
    assert live is not None
    assert writer.linked_record(root / "elsewhere", live[1:], _site_paths(site)) is None


def test_the_first_rebuild_reads_only_its_spares_own_folder(root: Path, monkeypatch) -> None:
    """The spare of the first rebuild, made whole by the first build, is told from the
    site's record: that rebuild stats its folders instead of reading them all."""
    build(root, OPTIONS)
    site = root / "site"
    record_site(root, site, time.time_ns() + 10 * writer.SETTLE_NS, linked=_site_paths(site))
    _assert_only_the_spares_own_folder_read(root, monkeypatch)


def _assert_only_the_spares_own_folder_read(root: Path, monkeypatch) -> None:
    """The survey's listing of the spare is whole, though it read no folder of it but its own."""
    parts = surveys(root, None)
    next(parts)  # the moved files
    read: list[object] = []
    real = os.scandir
    monkeypatch.setattr(writer.os, "scandir", lambda path: read.append(path) or real(path))
    told = next(parts)
    monkeypatch.undo()
    spare = root / ".site.mawjaz-spare"
    assert [path for path in map(os.fspath, read) if path.startswith(os.fspath(spare))] == [os.fspath(spare)]
    # Told by what differs from the record of pages, of which the spare of links holds every
    # file (but the ones the edit wrote anew, if any), at its inode.
    records = load_cache(root, articles=False).pages
    assert isinstance(told, writer.ListingDiff) and len(told.differ) + len(told.absent) <= 8
    known = writer.listing_from(told, root / "site", records)
    assert isinstance(known, writer.ToldSpare) and known.whole()[0] == writer._listing(os.fspath(spare))[0]


def test_the_spare_of_the_rebuild_after_next_is_not_read_again(root: Path, monkeypatch) -> None:
    """The site's folders as the first build recorded them (every one settled, as a tenth
    of a second later on this machine's file system): once the next rebuild has traded
    the site for its spare, the survey of the one after stats each folder of its spare and
    reads only the spare's own folder, renamed by the trade."""
    build(root, OPTIONS)
    record_site(root, root / "site", time.time_ns() + 10 * writer.SETTLE_NS)
    article = next((root / "content" / "articles").glob("*.md"))
    article.write_text(article.read_text("utf-8").replace("\n\n", "\n\nA new paragraph.\n\n", 1), "utf-8")
    build(root, OPTIONS)  # writes into the spare, then trades it for the live site
    _assert_only_the_spares_own_folder_read(root, monkeypatch)


def test_the_spares_record_is_kept_once_its_listing_is_sent(root: Path) -> None:
    """Pickling and signing the record (13 MB at 50,000 articles) is not what the write
    waits for; the live site's record stays, the spare of the build after."""
    build(root, OPTIONS)
    spare = f"folders-{os.lstat(root / '.site.mawjaz-spare').st_ino}.pickle"
    live = f"folders-{os.lstat(root / 'site').st_ino}.pickle"
    (root / CACHE_DIR / spare).unlink()  # the first build's, told from the site's (see ``writer.linked_record``)
    parts = surveys(root, None)
    next(parts)
    next(parts)
    assert _records(root) == {live}
    assert list(parts) == []
    assert _records(root) == {spare, live}


def test_the_next_spares_record_stays_when_the_write_trades_the_folders_first(root: Path) -> None:
    """The write waits for the listing only: it may trade the site for its spare before the
    child saves the spare's record. The record of the folder that was live while it was
    surveyed, the next build's spare, is kept all the same."""
    build(root, OPTIONS)
    site, spare = root / "site", root / ".site.mawjaz-spare"
    record_site(root, site)  # the live site's record, as a first build keeps it
    was_live, was_spare = (f"folders-{os.lstat(path).st_ino}.pickle" for path in (site, spare))
    parts = surveys(root, None)
    next(parts)
    next(parts)
    traded = root / "traded"
    site.rename(traded)  # what the write does once it has the listing
    spare.rename(site)
    traded.rename(spare)
    assert list(parts) == []
    assert _records(root) == {was_live, was_spare}
    assert f"folders-{os.lstat(spare).st_ino}.pickle" == was_live  # the spare of the next build


def test_the_folder_records_outlive_a_change_of_mawjazs_code(root: Path, monkeypatch) -> None:
    """A record of folders describes the disk only: signed with its own format, not with
    the code, it is read after an upgrade (the first edit after one read every folder of
    its spare), while the rest of the cache, made by the old code, is not."""
    build(root, OPTIONS)
    live = f"folders-{os.lstat(root / 'site').st_ino}.pickle"
    assert isinstance(load_signed(root, live, survey_module._FOLDERS_FORMAT), dict)
    assert load_cache(root, articles=False).pages
    monkeypatch.setattr(store, "code_digest", lambda: "another version of mawjaz")
    assert isinstance(load_signed(root, live, survey_module._FOLDERS_FORMAT), dict)
    assert not load_cache(root, articles=False).pages
    assert load_signed(root, live) is None  # not with the code's version
    assert load_signed(root, live, b"folder-record 0") is None  # nor another format


def test_a_site_that_cannot_be_walked_is_built_all_the_same(root: Path, monkeypatch) -> None:
    """The record only saves a later build time: a folder of the new site that cannot be
    read (or a cache that cannot keep the record) fails nothing once the site is written."""
    real = os.scandir
    articles = os.fspath(root / "site" / "articles")

    def refuse(path: object) -> object:
        if os.fspath(path).startswith(articles):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(writer.os, "scandir", refuse)
    result = build(root, OPTIONS)
    monkeypatch.undo()
    assert result.stats is not None and result.stats.spare_made and (root / "site" / "index.html").is_file()
    assert _records(root) == set()


def test_a_rebuild_that_renders_every_page_again_leaves_its_spare_up_to_date(root: Path, monkeypatch) -> None:
    """A change of settings renders every page anew: the build links them into the site it
    replaced (now the spare) and records the new site's folders, as a first build does, so
    that the edit after it neither relinks the whole site nor reads every folder."""
    monkeypatch.setattr(writer, "MANY_FRESH", 8)
    build(root, OPTIONS)
    build(root, OPTIONS)
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace('title = "موجز"', 'title = "موجز اليوم"'), "utf-8")
    result = build(root, OPTIONS)
    assert result.stats.spare_made and result.stats.written > 8
    site, spare = root / "site", root / ".site.mawjaz-spare"
    live = writer._listing(os.fspath(site))[0]
    assert writer._listing(os.fspath(spare))[0] == live  # every file the same inode: links
    assert f"folders-{os.lstat(site).st_ino}.pickle" in _records(root)
