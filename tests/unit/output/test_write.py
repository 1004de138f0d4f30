"""Atomic output: the previous site survives every failure; unchanged files keep their inode."""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.build.pipeline import written_record
from generator.core.files import file_identity
from generator.core.model import OutputFile
from generator.core.parallel import in_child
from generator.core.site_files import Kept, SiteFiles
from generator.output import writer as write_module
from generator.output.writer import MARKER, OutputError, recover, spare_listing, spill_folder, write_site
from generator.render.engine import Reuse, emit, kept_run


def files(**pages: str) -> list[OutputFile]:
    return [OutputFile(path.replace("__", "/").replace("_", "."), text.encode(), "test")
            for path, text in pages.items()]


SITE = files(index_html="<p>home</p>", articles__قمة__index_html="<p>قمة</p>",
             sitemap_xml="<urlset/>")


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` with its bytes, for byte-for-byte comparisons."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def siblings(out: Path) -> list[str]:
    """Folders beside the output other than the spare the writer keeps on purpose."""
    return sorted(p.name for p in out.parent.iterdir()
                  if p.name not in (out.name, f".{out.name}.mawjaz-spare"))


def spare(out: Path) -> Path:
    return out.parent / f".{out.name}.mawjaz-spare"


def test_first_write_creates_the_site_with_its_marker(tmp_path):
    out = tmp_path / "site"
    stats = write_site(SITE, out)
    assert tree(out) == {
        MARKER: (out / MARKER).read_bytes(),
        "articles/قمة/index.html": "<p>قمة</p>".encode(),
        "index.html": b"<p>home</p>",
        "sitemap.xml": b"<urlset/>",
    }
    assert (stats.written, stats.unchanged) == (3, 0)
    assert siblings(out) == []  # no staging or old folder left behind


def test_rewrite_replaces_changed_removes_stale_and_links_unchanged(tmp_path):
    out = tmp_path / "site"
    write_site(SITE, out)
    home, page = out / "index.html", out / "articles/قمة/index.html"
    os.utime(home, (1_000_000, 1_000_000))
    before = home.stat()
    stats = write_site(files(index_html="<p>home</p>", articles__قمة__index_html="<p>جديد</p>"), out)
    assert (stats.written, stats.unchanged) == (1, 1)
    after = home.stat()
    assert (after.st_ino, after.st_mtime) == (before.st_ino, 1_000_000)
    assert page.read_text(encoding="utf-8") == "<p>جديد</p>"
    assert not (out / "sitemap.xml").exists()
    assert siblings(out) == []


def test_an_empty_folder_without_marker_may_be_used(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    write_site(SITE, out)
    assert (out / MARKER).exists()


def test_a_folder_mawjaz_did_not_write_is_never_replaced(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputError, match="holds files mawjaz did not write; refusing to replace it"):
        write_site(SITE, out)
    assert tree(out) == {"thesis.tex": b"years of work"}
    assert siblings(out) == []


def test_a_file_in_the_way_is_refused(tmp_path):
    out = tmp_path / "site"
    out.write_text("x")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        write_site(SITE, out)
    assert out.read_text() == "x"


def _fail_after(monkeypatch, count: int, exc: OSError) -> None:
    """Make the ``count``-th file write (and later ones) raise ``exc``."""
    real = Path.write_bytes
    calls = [0]

    def flaky(self: Path, data: bytes) -> int:
        calls[0] += 1
        if calls[0] >= count:
            raise exc
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)


def test_a_write_failing_mid_way_leaves_the_previous_site_intact(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(SITE, out)
    before = tree(out)
    new = files(a_html="1", b_html="2", c_html="3", d_html="4")
    _fail_after(monkeypatch, 3, OSError(errno.EIO, "Input/output error"))
    with pytest.raises(OutputError) as failed:
        write_site(new, out)
    assert "Input/output error" in str(failed.value)
    assert "the previous site is left as it was" in str(failed.value)
    assert tree(out) == before
    assert siblings(out) == []  # no half-built staging folder; the spare is not served
    monkeypatch.undo()
    write_site(new, out)  # the next build repairs the half-updated spare
    assert tree(out) == {**{f.path: f.content for f in new}, ".mawjaz-site": tree(out)[".mawjaz-site"]}


def test_a_failed_first_build_creates_no_output_folder(tmp_path, monkeypatch):
    out = tmp_path / "site"
    _fail_after(monkeypatch, 2, OSError(errno.EACCES, "Permission denied"))
    with pytest.raises(OutputError):
        write_site(SITE, out)
    assert not out.exists()
    assert siblings(out) == []


def test_disk_full_gives_a_clear_message(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(SITE, out)
    before = tree(out)
    _fail_after(monkeypatch, 1, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError) as failed:
        write_site(files(index_html="<p>new</p>"), out)
    assert str(failed.value) == (f"cannot write the site to {out}: the disk is full; "
                                 "the previous site is left as it was")
    assert tree(out) == before


def test_swap_without_renameat2_still_replaces_the_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(SITE, out)
    monkeypatch.setattr(write_module, "_exchange", lambda a, b: False)
    write_site(files(index_html="<p>two</p>"), out)
    assert tree(out) == {MARKER: (out / MARKER).read_bytes(), "index.html": b"<p>two</p>"}
    assert siblings(out) == []


def test_recover_restores_the_site_after_a_crash_between_renames(tmp_path):
    """The fallback swap renames site -> old, then staging -> site; a crash between them
    leaves no site at all. The next run puts the old one back before doing anything else."""
    out = tmp_path / "site"
    write_site(SITE, out)
    before = tree(out)
    old = tmp_path / ".site.mawjaz-old-4242"
    os.rename(out, old)
    staging = tmp_path / ".site.mawjaz-tmp-4242"
    (staging / "articles").mkdir(parents=True)
    (staging / "index.html").write_text("half")
    recover(out)
    assert tree(out) == before
    assert siblings(out) == []


def test_recover_removes_leftovers_when_the_site_is_there(tmp_path):
    out = tmp_path / "site"
    write_site(SITE, out)
    before = tree(out)
    (tmp_path / ".site.mawjaz-old-1").mkdir()
    (tmp_path / ".site.mawjaz-tmp-2").mkdir()
    (tmp_path / ".other-folder").mkdir()
    recover(out)
    assert tree(out) == before
    assert siblings(out) == [".other-folder"]


def test_a_killed_build_is_cleaned_up_by_the_next_one(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(SITE, out)

    def killed(self: Path, data: bytes) -> int:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Path, "write_bytes", killed)
        with pytest.raises(KeyboardInterrupt):
            write_site(files(x_html="x"), out)
    assert {k: v for k, v in tree(out).items() if k != ".mawjaz-site"} == {f.path: f.content for f in SITE}
    assert spare(out).is_dir()  # the half-updated spare, hidden from readers
    write_site(files(index_html="after"), out)
    assert tree(out)["index.html"] == b"after"
    assert "x.html" not in tree(out)
    assert siblings(out) == []


def test_the_spare_holds_the_previous_site_after_a_swap(tmp_path):
    out = tmp_path / "site"
    write_site(files(index_html="one"), out)
    write_site(files(index_html="two"), out)
    write_site(files(index_html="three", extra_html="x"), out)
    assert (out / "index.html").read_bytes() == b"three"
    assert (spare(out) / "index.html").read_bytes() == b"two"
    assert not (spare(out) / "extra.html").exists()


def test_recover_without_a_parent_folder_does_nothing(tmp_path):
    recover(tmp_path / "missing" / "site")


def test_output_in_a_new_nested_folder(tmp_path):
    out = tmp_path / "build" / "public"
    write_site(SITE, out)
    assert (out / "index.html").read_bytes() == b"<p>home</p>"


def test_the_spare_is_listed_ahead_as_the_writer_would(tmp_path):
    out = tmp_path / "site"
    write_site(SITE, out)
    write_site(files(index_html="two", a__b__c_html="deep"), out)  # the spare now holds SITE
    with in_child(spare_listing, out) as listing:  # as a build does it
        made = listing()
    assert made == write_module._listing(os.fspath(spare(out)))
    assert set(made[0]) == {p.path for p in SITE}
    assert spare_listing(tmp_path / "elsewhere") is None  # no spare: nothing to list


def test_a_write_with_a_listing_made_ahead_gives_the_same_site(tmp_path):
    out = tmp_path / "site"
    for step in range(4):
        pages = files(index_html=f"v{step}", **{f"p{step}__index_html": "x", "same_html": "same"})
        write_site(pages, out, listing=spare_listing(out))
        assert tree(out) == {**{p.path: p.content for p in pages}, MARKER: tree(out)[MARKER]}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_first_write_leaves_a_spare_of_hard_links(tmp_path, workers):
    """So that the next build, the one a curator waits for, only brings it up to date."""
    many = files(**{f"p{i}__index_html": f"page {i}" for i in range(100)}, index_html="home")
    out = tmp_path / "site"
    write_site(many, out, workers=workers)
    assert (spare(out) / MARKER).is_file()
    for item in many:
        assert os.path.samefile(out / item.path, spare(out) / item.path)
    assert set(tree(spare(out))) == set(tree(out))


def _many(version: str, count: int = 40) -> list[OutputFile]:
    return files(**{f"p{i}__index_html": f"{version} {i}" for i in range(count)}, index_html=version)


@pytest.mark.parametrize("changed", [6, 40])
def test_a_rebuild_that_rewrites_an_eighth_of_the_site_refreshes_the_spare(tmp_path, monkeypatch, changed):
    """A change of the article template renders the article pages again, 40% of a site's
    files: the spare is brought up to date then, not by the next build (18.7 s instead of
    4.5 s for the first edit after it at 50,000 articles). 6 of 41 files is more than an eighth."""
    monkeypatch.setattr(write_module, "MANY_FRESH", 3)
    out = tmp_path / "site"
    write_site(_many("one"), out)
    pages = [*_many("one", 40 - changed), *files(**{f"p{i}__index_html": "new" for i in range(40 - changed, 40)})]
    stats = write_site(pages, out)
    assert stats.spare_made and stats.written == changed
    for item in pages:
        assert os.path.samefile(out / item.path, spare(out) / item.path)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rebuild_that_rewrites_many_files_leaves_its_spare_up_to_date(tmp_path, monkeypatch, workers):
    """After a change of templates every page is new: the previous site, now the spare,
    gets links of them at once, not one by one in the next build (the one a curator waits
    for after an edit)."""
    monkeypatch.setattr(write_module, "MANY_FRESH", 10)
    out = tmp_path / "site"
    write_site(_many("one"), out)
    write_site(_many("one"), out)  # nothing new: the spare is the previous site, as it was
    stats = write_site(_many("two"), out, workers=workers)
    assert stats.spare_made and stats.fresh == ()
    for item in _many("two"):
        assert os.path.samefile(out / item.path, spare(out) / item.path)
    assert tree(out) == {**{p.path: p.content for p in _many("two")}, MARKER: tree(out)[MARKER]}
    assert siblings(out) == []
    again = write_site(_many("two"), out, listing=spare_listing(out))  # the next build: nothing to do
    assert (again.written, again.unchanged) == (0, len(_many("two")))


@pytest.mark.parametrize("changed", [2, 4])
def test_a_rebuild_that_rewrites_few_files_leaves_the_spare_to_the_next(tmp_path, monkeypatch, changed):
    """Fewer than ``MANY_FRESH`` files (2), or fewer than an eighth of the site's (4 of 41:
    an addition, which shifts the pages of long lists): the next build relinks them."""
    monkeypatch.setattr(write_module, "MANY_FRESH", 3)
    out = tmp_path / "site"
    write_site(_many("one"), out)
    pages = [*_many("one", 40 - changed), *files(**{f"p{i}__index_html": "new" for i in range(40 - changed, 40)})]
    stats = write_site(pages, out)
    assert not stats.spare_made and stats.written == changed
    assert (spare(out) / "p39/index.html").read_text("utf-8") == "one 39"


def _built_twice_beside_a_victim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A site written twice (its spare the first one, as it was), refreshed after 10 new
    files, and an empty folder outside it that a link may be planted to."""
    monkeypatch.setattr(write_module, "MANY_FRESH", 10)
    out = tmp_path / "site"
    write_site(_many("one"), out)
    write_site(_many("one"), out)
    victim = tmp_path / "victim"
    victim.mkdir()
    return out, victim


@pytest.mark.parametrize("plant", ["link", "folder_link"])
def test_a_refresh_never_writes_through_a_link_in_the_previous_site(tmp_path, monkeypatch, plant):
    """A link planted in the live site (say, by a cloned repository) is in the spare once
    the new site is swapped in: the spare is then left to the next build, which starts it
    again, and nothing outside the digest is touched."""
    out, victim = _built_twice_beside_a_victim(tmp_path, monkeypatch)
    if plant == "link":
        (out / "p3" / "index.html").unlink()
        (out / "p3" / "index.html").symlink_to(victim / "index.html")
    else:
        os.rename(out / "p3", tmp_path / "moved")
        (out / "p3").symlink_to(victim, target_is_directory=True)
    stats = write_site(_many("two"), out)
    assert not stats.spare_made
    assert list(victim.iterdir()) == []
    assert tree(out) == {**{p.path: p.content for p in _many("two")}, MARKER: tree(out)[MARKER]}
    write_site(_many("three"), out)
    assert list(victim.iterdir()) == []
    assert tree(out) == {**{p.path: p.content for p in _many("three")}, MARKER: tree(out)[MARKER]}


def test_a_refresh_looks_only_where_it_links(tmp_path, monkeypatch):
    """A link planted in the previous site away from the pages a rebuild made anew is not
    where the refresh writes: it goes on, and the link is left to the next build's
    comparison, which starts the spare again; nothing outside the digest is touched."""
    out, victim = _built_twice_beside_a_victim(tmp_path, monkeypatch)
    (out / "planted").symlink_to(victim, target_is_directory=True)
    stats = write_site(_many("two"), out)
    assert stats.spare_made
    assert list(victim.iterdir()) == []
    for item in _many("two"):
        assert os.path.samefile(out / item.path, spare(out) / item.path)
    write_site(_many("three"), out, listing=spare_listing(out))
    assert list(victim.iterdir()) == []
    assert tree(out) == {**{p.path: p.content for p in _many("three")}, MARKER: tree(out)[MARKER]}


def _spilled(spill: str, pages: list[OutputFile]) -> list[OutputFile]:
    return [emit(spill, page.path, page.content, page.origin) for page in pages]


@pytest.mark.parametrize("first", [True, False])
def test_a_rebuilds_flat_spill_is_moved_into_place(tmp_path, first):
    """A rebuild's pages wait in one folder, named after their paths: the writer moves each
    to its place, and when the site is gone meanwhile it assembles a new one from them
    rather than taking the flat folder for the site."""
    out = tmp_path / "site"
    write_site(SITE, out)
    if first:
        write_module.shutil.rmtree(out)
    pages = files(index_html="two", articles__قمة__index_html="<p>قمة ٢</p>", a__b__c_html="deep")
    with spill_folder(out, flat=True) as spill:
        assert os.path.basename(spill) == ".flat"
        write_site(_spilled(spill, pages), out, spill)
        assert list(Path(spill).iterdir()) == []
    assert tree(out) == {**{p.path: p.content for p in pages}, MARKER: tree(out)[MARKER]}
    assert siblings(out) == []


def _after_a_tick(folder: Path) -> None:
    """Wait until a change to ``folder`` gets a ctime other than the one it has: file
    systems stamp changes with a coarse clock (a few ms)."""
    changed = os.lstat(folder).st_ctime_ns
    while time.time_ns() < changed + 50_000_000:
        time.sleep(0.01)


def _spare_with_record(tmp_path: Path) -> tuple[Path, write_module.FolderRecord]:
    out = tmp_path / "site"
    write_site(SITE, out)
    write_site(files(index_html="two", a__b__c_html="deep"), out)  # the spare now holds SITE
    later = time.time_ns() + 10 * write_module.SETTLE_NS  # every folder counts as settled
    _inode, listing, record = write_module.spare_survey(out, lambda inode: None, later)
    assert listing == write_module._listing(os.fspath(spare(out)))
    return out, record


def test_a_survey_with_its_record_reads_no_unchanged_folder(tmp_path, monkeypatch):
    out, record = _spare_with_record(tmp_path)
    assert set(record) == {"", "articles/", "articles/قمة/"}
    read = []
    real = os.scandir
    monkeypatch.setattr(write_module.os, "scandir", lambda path: read.append(path) or real(path))
    _inode, listing, again = write_module.spare_survey(out, lambda inode: record, time.time_ns() + 10**12)
    monkeypatch.undo()
    assert read == [] and again == record
    assert listing == write_module._listing(os.fspath(spare(out)))


def test_a_record_is_only_used_for_the_folder_it_was_made_of(tmp_path):
    out, _record = _spare_with_record(tmp_path)
    asked = []
    write_module.spare_survey(out, lambda inode: asked.append(inode), time.time_ns())
    assert asked == [os.lstat(spare(out)).st_ino]


@pytest.mark.parametrize("plant", ["link", "file", "folder_link"])
def test_what_is_planted_in_a_recorded_spare_is_seen(tmp_path, plant):
    """A link or file put in any folder of the spare after its survey changes that folder's
    stamp: the next survey reads it again, and the writer discards a spare with a link."""
    out, record = _spare_with_record(tmp_path)
    folder = spare(out) / "articles" / "قمة"
    _after_a_tick(folder)
    victim = tmp_path / "victim"
    victim.mkdir()
    if plant == "link":
        (folder / "evil.html").symlink_to(victim / "x")
    elif plant == "file":
        (folder / "evil.html").write_text("planted", "utf-8")
    else:
        os.rename(folder, tmp_path / "moved")
        folder.symlink_to(victim, target_is_directory=True)
    _inode, listing, _record = write_module.spare_survey(out, lambda inode: record, time.time_ns())
    assert listing == write_module._listing(os.fspath(spare(out)))
    planted = "articles/قمة/evil.html" if plant != "folder_link" else "articles/قمة"
    assert planted in listing[0]
    assert (listing[0][planted] == write_module._FOREIGN) == (plant != "file")
    write_site(SITE, out, listing=listing)
    assert tree(out) == {**{p.path: p.content for p in SITE}, MARKER: tree(out)[MARKER]}
    assert list(victim.iterdir()) == []


def _folder_ctimes(folder: Path) -> list[int]:
    return [os.lstat(p).st_ctime_ns for p in [folder, *folder.rglob("*")] if p.is_dir()]


def test_folders_changed_just_before_a_survey_are_not_recorded(tmp_path):
    """A folder changed within ``SETTLE_NS`` of the survey (``FINE_SETTLE_NS`` where the
    file system keeps fine timestamps) could change again within the same tick of the file
    system's clock and keep its stamp: it is read again next time."""
    out = tmp_path / "site"
    write_site(SITE, out)
    write_site(files(index_html="two"), out)
    just_after = min(_folder_ctimes(spare(out))) + write_module.FINE_SETTLE_NS // 2
    assert write_module.spare_survey(out, lambda inode: None, just_after)[2] == {}


def _coarse_lstat(real: Callable[..., os.stat_result]) -> Callable[..., SimpleNamespace]:
    """``os.lstat`` as on a file system whose clock keeps whole seconds."""
    def lstat(path: object) -> SimpleNamespace:
        info = real(path)
        return SimpleNamespace(st_mode=info.st_mode, st_ino=info.st_ino,
                               st_ctime_ns=info.st_ctime_ns // 10**9 * 10**9,
                               st_mtime_ns=info.st_mtime_ns // 10**9 * 10**9)
    return lstat


@pytest.mark.parametrize("clock", ["fine", "whole seconds"])
def test_a_folder_settles_sooner_where_the_file_system_keeps_fine_timestamps(tmp_path, monkeypatch, clock):
    """A tenth of a second after its last change on a file system whose stamps have digits
    below the millisecond (its clock ticks every few ms), two seconds on one without, as FAT
    and second-only file systems are: so the folders a first build has just made are
    recorded by it, and never a folder that could still change unseen."""
    out = tmp_path / "site"
    write_site(SITE, out)
    write_site(files(index_html="two"), out)
    ctimes = _folder_ctimes(spare(out))
    if not all(ctime % 1_000_000 for ctime in ctimes):
        pytest.skip("this file system keeps no timestamps finer than a millisecond")
    if clock != "fine":
        monkeypatch.setattr(write_module.os, "lstat", _coarse_lstat(os.lstat))
    settled = max(ctimes) + write_module.FINE_SETTLE_NS + 1
    record = write_module.spare_survey(out, lambda inode: None, settled)[2]
    assert set(record) == ({"", "articles/", "articles/قمة/"} if clock == "fine" else set())
    later = max(ctimes) + write_module.SETTLE_NS + 10**9 + 1  # past the coarse clock's own second
    assert set(write_module.spare_survey(out, lambda inode: None, later)[2]) == {"", "articles/", "articles/قمة/"}


def _kept(out: Path, paths: list[str]) -> SiteFiles:
    """The live site's files at ``paths`` as a rebuild keeps them (``engine.kept_run``), beside
    a changed home page."""
    record = {path: ("k", *file_identity(os.fspath(out / path))) for path in paths}
    run, missed = kept_run(Reuse(os.fspath(out), record, "salt"), paths, ["test"] * len(paths))
    assert missed == []
    return SiteFiles(files(index_html="<p>new home</p>"), [run])


def test_a_kept_run_found_in_the_spare_is_left_as_it_is(tmp_path):
    """A rebuild's spare holds most of the live site's files already (links of them): a kept
    run's file there is taken by its inode in the listing, and its record stays the last one's."""
    out = tmp_path / "site"
    write_site(SITE, out)  # a first build leaves a spare of links
    paths = ["articles/قمة/index.html", "sitemap.xml"]
    before = {path: os.stat(out / path).st_ino for path in paths}
    stats = write_site(_kept(out, paths), out, listing=spare_listing(out))
    assert stats.redone == () and (stats.written, stats.unchanged) == (1, 2)
    assert {path: os.stat(out / path).st_ino for path in paths} == before
    assert tree(out) == {**{p.path: p.content for p in SITE}, "index.html": b"<p>new home</p>",
                         MARKER: tree(out)[MARKER]}


def _told(out: Path, records: dict) -> object:
    """The spare's listing as the survey's child sends it (see ``writer.ListingDiff``) and as
    the build then makes it again from its record."""
    told = write_module.listing_diff(spare_listing(out), records)
    assert isinstance(told, write_module.ListingDiff)
    return write_module.listing_from(told, out, records)


@pytest.mark.parametrize("how", ["whole", "told by its differences"])
def test_a_kept_file_the_spare_lacks_is_placed_and_told(tmp_path, how):
    """The spare is the site two builds old: a page the last build rewrote is not there as the
    live one; the writer links it and says so, and the record is made of it anew."""
    out = tmp_path / "site"
    write_site(SITE, out)
    write_site([*SITE[1:], OutputFile("index.html", b"<p>two</p>", "test")], out)
    (spare(out) / "sitemap.xml").unlink()  # and one gone from the spare
    kept = _kept(out, ["index.html", "sitemap.xml", "articles/قمة/index.html"])
    kept = SiteFiles([OutputFile("new.html", b"new", "test")], kept.kept)
    (spare(out) / "stale.html").write_bytes(b"of a build long gone")
    listing = spare_listing(out) if how == "whole" else _told(out, kept.kept[0].records)
    stats = write_site(kept, out, listing=listing)
    assert sorted(stats.redone) == ["index.html", "sitemap.xml"]
    assert tree(out)["index.html"] == b"<p>two</p>" and tree(out)["new.html"] == b"new"
    assert "stale.html" not in tree(out)
    record, anew = written_record(kept, out, stats.identities, kept.kept[0].records, stats.redone)
    assert record == {path: ("k" if path != "new.html" else "", *file_identity(os.fspath(out / path)))
                      for path in ("index.html", "sitemap.xml", "articles/قمة/index.html", "new.html")}
    assert set(anew) == {"new.html"}  # the linked files are the live ones: their records hold
    assert record["articles/قمة/index.html"] is kept.kept[0].records["articles/قمة/index.html"]


def test_kept_files_are_written_whole_without_folder_exchange(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(SITE, out)
    monkeypatch.setattr(write_module, "_can_exchange", lambda parent: False)
    kept = _kept(out, ["sitemap.xml"])
    stats = write_site(kept, out)
    assert stats.redone == ("sitemap.xml",)
    assert tree(out)["sitemap.xml"] == b"<urlset/>" and tree(out)["index.html"] == b"<p>new home</p>"
    record, _ = written_record(kept, out, stats.identities, kept.kept[0].records, stats.redone)
    assert record["sitemap.xml"] == ("k", *file_identity(os.fspath(out / "sitemap.xml")))


def test_kept_in_place_takes_the_paths_the_spare_holds_as_recorded_and_leaves_the_rest():
    """Across runs, in order: a path at its recorded inode is taken from the listing; one at
    another inode stays in it and is placed anew; one the spare lacks is placed anew; paths
    no run names stay in the listing (the spare's stale files)."""
    record = {f"p{n}.html": ("k", 1, 2, 100 + n) for n in range(6)}
    runs = [Kept("/site/", record, ("p0.html", "p1.html", "p2.html"), ("a", "b", "c")),
            Kept("/site/", record, ("p3.html", "p4.html"), ("d", "e"))]
    listing = {"p0.html": 100, "p1.html": 7, "p3.html": 103, "p4.html": 104, "p5.html": 105, "old.html": 9}
    redone = write_module._kept_in_place(runs, listing)
    assert [(f.path, f.origin) for f in redone] == [("p1.html", "b"), ("p2.html", "c")]
    assert listing == {"p1.html": 7, "p5.html": 105, "old.html": 9}



def _recorded(out: Path) -> dict:
    """The record of the live site's files, as the last build keeps it."""
    return {p.relative_to(out).as_posix(): ("k", *file_identity(os.fspath(p)))
            for p in out.rglob("*") if p.is_file() and p.name != MARKER}


def test_the_listing_told_by_its_differences_is_the_whole_listing(tmp_path):
    """Against the record of the live site: a file the spare lacks, one at another inode and
    one the record does not name are all that is sent; the listing made again from it is the
    spare's, but for the folders (the writer makes a file's folder when it is not there)."""
    out = tmp_path / "site"
    write_site([*SITE, *files(a__b_html="b", c_html="c")], out)  # a spare of links
    records = _recorded(out)
    (spare(out) / "c.html").unlink()
    (spare(out) / "sitemap.xml").unlink()
    (spare(out) / "sitemap.xml").write_bytes(b"<urlset/>")  # the same bytes, another inode
    (spare(out) / "stray.html").write_bytes(b"left by a build")
    whole = spare_listing(out)
    told = write_module.listing_diff(whole, records)
    assert isinstance(told, write_module.ListingDiff)
    assert told.absent == {"c.html"} and set(told.differ) == {"sitemap.xml", "stray.html"}
    known = write_module.listing_from(told, out, records)
    assert isinstance(known, write_module.ToldSpare) and known.whole() == (whole[0], {os.fspath(spare(out))})


@pytest.mark.parametrize("how", ["whole", "told by its differences"])
def test_an_edits_write_to_a_spare_told_by_its_differences_is_the_write_to_the_listed_one(tmp_path, how,
                                                                                         monkeypatch):
    """The site's paths are the record's (an edit's): the spare's differences alone say what
    to place (a kept file it lacks, one at another inode), what to remove (a stray file) and
    what it holds already; the site written and its stats are those of the whole listing."""
    out = tmp_path / "site"
    pages = [*SITE, *files(a__b_html="b", c_html="c")]
    write_site(pages, out)
    write_site([*pages[1:], OutputFile(pages[0].path, b"<p>home, edited</p>", "test")], out)
    records = _recorded(out)
    (spare(out) / "c.html").unlink()
    (spare(out) / "a" / "b.html").unlink()
    (spare(out) / "a" / "b.html").write_bytes(b"b")  # the same bytes, another inode
    (spare(out) / "stray.html").write_bytes(b"left by a build")
    paths = sorted(path for path in records if path != "index.html")
    run, missed = kept_run(Reuse(os.fspath(out), records, "salt"), paths, ["test"] * len(paths))
    assert missed == []
    kept = SiteFiles([OutputFile("index.html", b"<p>home, edited again</p>", "test")], [run])
    listing = spare_listing(out) if how == "whole" else _told(out, records)
    told: list[object] = []
    if how != "whole":
        assert isinstance(listing, write_module.ToldSpare)
        real = write_module._kept_as_told
        monkeypatch.setattr(write_module, "_kept_as_told", lambda *a: told.append(real(*a)) or told[-1])
    stats = write_site(kept, out, listing=listing)
    assert all(found is not None for found in told) and len(told) == (how != "whole")
    assert sorted(stats.redone) == ["a/b.html", "c.html"]
    assert (stats.written, stats.unchanged) == (1, len(records) - 1)
    assert tree(out) == {**{p.path: p.content for p in pages}, "index.html": b"<p>home, edited again</p>",
                         MARKER: tree(out)[MARKER]}
    assert all(os.stat(out / path).st_ino == records[path][3] for path in records if path != "index.html")
    # The record of the site: the last one copied, the files made or placed recorded anew
    # (what looking each path up, as for a record of other paths, gives).
    record, anew = written_record(kept, out, stats.identities, records, stats.redone)
    assert (record, anew) == written_record(kept, out, stats.identities, dict(records), stats.redone)
    assert record == {path: (records[path][0] if path != "index.html" else "", *file_identity(os.fspath(out / path)))
                      for path in records}


def test_a_listing_is_made_again_only_from_the_record_it_was_told_from(tmp_path):
    out = tmp_path / "site"
    write_site(SITE, out)
    records = _recorded(out)
    told = write_module.listing_diff(spare_listing(out), records)
    fewer = dict(list(records.items())[1:])
    moved = {**records, "index.html": (*records["index.html"][:3], records["index.html"][3] + 1)}
    assert write_module.listing_from(told, out, fewer) is None
    assert write_module.listing_from(told, out, moved) is None
    assert isinstance(write_module.listing_from(told, out, records), write_module.ToldSpare)


def test_a_spare_holding_a_link_is_listed_whole(tmp_path):
    """The writer starts such a spare again: the survey sends its listing as it is, the link
    marked, never a difference that would hide it."""
    out = tmp_path / "site"
    write_site(SITE, out)
    records = _recorded(out)
    os.symlink(tmp_path, spare(out) / "planted")
    whole = spare_listing(out)
    assert write_module.listing_diff(whole, records) is whole
    assert write_module.listing_from(whole, out, records) is whole
    assert write_module.listing_diff(whole, {}) is whole
