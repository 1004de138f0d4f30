"""A site's files with kept runs: the same sequence as the files made one by one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.core.files import file_identity
from generator.core.model import OutputFile
from generator.core.site_files import (
    Kept,
    SiteFiles,
    at_recorded_paths,
    file_at,
    kept_folded,
    made_and_runs,
    paths_of,
)
from generator.render.engine import Reuse, kept_run, recorded_pages


def _recorded_site(root: Path, names: list[str]) -> dict[str, tuple[str, int, int, int]]:
    """A live site of ``names`` and its record, as the last build left both."""
    record = {}
    for name in names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"<p>{name}</p>", "utf-8")
        record[name] = (f"key of {name}", *file_identity(os.fspath(target)))
    return record


@pytest.fixture
def live(tmp_path: Path) -> tuple[Reuse, list[str]]:
    names = ["articles/ب/index.html", "articles/أ/index.html", "z.html", "search-index/ar/0/d/0.json"]
    return Reuse(os.fspath(tmp_path), _recorded_site(tmp_path, names), "salt"), names


def test_a_kept_run_makes_the_files_recorded_pages_made(live: tuple[Reuse, list[str]]) -> None:
    reuse, names = live
    run, missed = kept_run(reuse, names, [f"origin {n}" for n in names])
    assert missed == [] and run.paths == tuple(names)
    assert run.files() == recorded_pages(reuse, [(n, f"origin {n}") for n in names])
    assert all(f.reused and f.key == reuse.pages[f.path][0] and f.identity == reuse.pages[f.path][1:]
               for f in run.files())


def test_a_file_changed_or_unrecorded_is_not_kept(live: tuple[Reuse, list[str]], tmp_path: Path) -> None:
    reuse, names = live
    (tmp_path / names[2]).write_text("edited by hand, and longer than it was", "utf-8")
    run, missed = kept_run(reuse, [*names, "new.html"], ["o"] * (len(names) + 1))
    assert missed == [2, 4]
    assert run.paths == (names[0], names[1], names[3])
    found = recorded_pages(reuse, [(n, "o") for n in [*names, "new.html"]])
    assert [f is None for f in found] == [False, False, True, False, True]


def test_a_surveyed_file_is_kept_without_a_look(live: tuple[Reuse, list[str]], tmp_path: Path) -> None:
    """With the survey's moved files, the others are taken as recorded (no stat)."""
    reuse, names = live
    (tmp_path / names[0]).unlink()
    surveyed = Reuse(reuse.out_dir, reuse.pages, reuse.salt, moved={names[1]: None})
    run, missed = kept_run(surveyed, names, ["o"] * len(names))
    assert missed == [1] and names[0] in run.paths  # the survey said nothing of it: taken on its word


def test_site_files_are_the_sorted_sequence_of_every_file(live: tuple[Reuse, list[str]]) -> None:
    reuse, names = live
    run, _ = kept_run(reuse, names[:2], ["a", "b"])
    shard, _ = kept_run(reuse, names[3:], ["s"])
    made = [OutputFile("index.html", b"home"), OutputFile("zz.xml", b"<x/>"), OutputFile("a.css", b"")]
    site = SiteFiles(made, [run, shard, Kept(run.folder, reuse.pages, (), ())])
    whole = tuple(sorted([*made, *run.files(), *shard.files()], key=lambda f: f.path))
    assert len(site) == len(whole) == 6
    assert tuple(site) == whole and site == whole and site[1:3] == whole[1:3] and site[-1] == whole[-1]
    assert [f.path for f in site.made] == ["a.css", "index.html", "zz.xml"]
    assert sorted(site.paths()) == sorted(paths_of(whole)) == sorted(f.path for f in whole)
    assert len(site.kept) == 2  # the empty run is dropped
    assert file_at(site, "index.html") is site.made[1]
    assert file_at(site, names[3]) == shard.files()[0]
    assert file_at(site, "missing.html") is None and file_at(whole, "zz.xml") == made[1]
    assert made_and_runs(site) == (site.made, site.kept) and made_and_runs(whole) == (whole, ())


def test_site_files_without_kept_runs_are_the_made_files_in_order() -> None:
    made = [OutputFile("b", b""), OutputFile("a", b"")]
    site = SiteFiles(made)
    assert tuple(site) == (made[1], made[0]) and site.paths() == ["a", "b"] and site != list(site)


def test_files_kept_one_by_one_are_folded_into_a_run_and_the_site_is_the_same(
        live: tuple[Reuse, list[str]]) -> None:
    """A page taken by its record one by one (``recorded_pages``) goes into a run; a file made
    anew, one with another key, or one whose bytes are in memory stays a made file."""
    reuse, names = live
    one_by_one = [f for f in recorded_pages(reuse, [(n, f"origin {n}") for n in names[:3]]) if f is not None]
    other_key = recorded_pages(reuse, [(names[3], "o")])[0]
    assert other_key is not None
    other_key = OutputFile(other_key.path, b"", "o", "another key", True, other_key.stored, other_key.identity)
    made = [OutputFile("index.html", b"home"), OutputFile("zz.xml", b"<x/>", reused=True), other_key]
    folder = os.path.join(reuse.out_dir, "")
    site = kept_folded([*one_by_one, *made], [], reuse.pages, folder)
    assert [f.path for f in site.made] == sorted(f.path for f in made)
    assert [sorted(run.paths) for run in site.kept] == [sorted(names[:3])]
    assert tuple(site) == tuple(SiteFiles([*one_by_one, *made]))
    assert tuple(kept_folded(made, [], None, folder)) == tuple(SiteFiles(made))


def test_a_site_is_at_the_recorded_paths_only_with_every_one_and_no_other(live: tuple[Reuse, list[str]]) -> None:
    reuse, names = live
    run, _ = kept_run(reuse, names[:3], ["o"] * 3)
    last = recorded_pages(reuse, [(names[3], "o")])[0]
    assert last is not None
    assert at_recorded_paths([last], [run], reuse.pages)
    assert not at_recorded_paths([], [run], reuse.pages)  # one recorded path missing
    assert not at_recorded_paths([last, OutputFile("new.html", b"")], [run], reuse.pages)  # one not recorded
    assert not at_recorded_paths([last], [Kept(run.folder, dict(reuse.pages), run.paths, run.origins)], reuse.pages)
