"""What tells a build that a file on disk is the one it wrote."""

from __future__ import annotations

import os
from pathlib import Path

from generator.core.files import file_identity, folders_of, moved_files


def test_moved_files_names_each_file_no_longer_as_recorded(tmp_path: Path) -> None:
    for name in ("a.html", "b.html", "c.html", "d/e.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, "utf-8")
    recorded = {name: ("key", *file_identity(os.fspath(tmp_path / name))) for name in ("a.html", "b.html", "c.html",
                                                                                       "d/e.html")}
    assert moved_files(os.fspath(tmp_path), recorded) == {}
    os.utime(tmp_path / "a.html", ns=(1, 1))  # touched
    (tmp_path / "b.html").unlink()  # gone
    (tmp_path / "d" / "e.html").write_text("longer now", "utf-8")  # rewritten in place
    moved = moved_files(os.fspath(tmp_path), recorded)
    assert moved == {"a.html": file_identity(os.fspath(tmp_path / "a.html")), "b.html": None,
                     "d/e.html": file_identity(os.fspath(tmp_path / "d" / "e.html"))}
    assert len(moved_files(os.fspath(tmp_path), recorded, first=True)) == 1


def test_the_folders_of_paths_are_every_folder_they_are_in_at_any_depth() -> None:
    assert folders_of(["index.html", "a/b/c.html", "a/b/d.html", "a/e.html", "f/g/h/i.xml"]) == {
        "a", "a/b", "f", "f/g", "f/g/h"}
    assert folders_of([]) == set() and folders_of(["robots.txt"]) == set()
