"""A built site's files, with the runs of files a rebuild takes from the last build as they
were recorded (``Kept``) held as paths rather than as an ``OutputFile`` each.

An edit of one article at 50,000 articles rebuilds a site of 118,000 files, of which it
takes 93,000 (the article pages and the search shards it did not touch) as the last build
left them. Each was an ``OutputFile`` made from its record, then checked unique, sorted,
counted, walked by the writer and recorded again: the render of such an edit took 1.17 s
with an object each, 0.78 s with runs. A kept run is a tuple of paths whose records (key
and identity) are the last build's; the stages that take a whole site ask for paths
(``paths``) or for what was made anew (``made``), and only a caller that iterates gets an
``OutputFile`` for each kept path, made from its record exactly as the renderer once made it."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from heapq import merge
from itertools import chain
from operator import attrgetter
from typing import overload

from generator.core.model import OutputFile, output_file_from_fields

Record = tuple[str, int, int, int]  # (render key, size, mtime_ns, inode) of a written file

_PATH = attrgetter("path")


@dataclass(frozen=True, slots=True)
class Kept:
    """Files of the last build taken as they are: each of ``paths`` (made by the matching
    one of ``origins``) is in ``records`` (the last build's record of the site in ``folder``,
    which ends with a separator) and on disk as recorded there, so its key and identity are
    the record's."""

    folder: str
    records: Mapping[str, Record]
    paths: tuple[str, ...]
    origins: tuple[str, ...]

    def files(self) -> list[OutputFile]:
        """An ``OutputFile`` for each path, as ``engine.recorded_pages`` makes a kept page."""
        return [self.file(number) for number in range(len(self.paths))]

    def file(self, number: int) -> OutputFile:
        path = self.paths[number]
        record = self.records[path]
        return output_file_from_fields(path, b"", self.origins[number], record[0], True, self.folder + path,
                                       record[1:])


class SiteFiles(Sequence[OutputFile]):
    """Every file of a site in order of path: ``made`` (rendered, or taken one by one) and
    the ``kept`` runs. Read-only; the merged sequence is made at the first call that needs
    it (iteration, indexing) and held."""

    __slots__ = ("_all", "kept", "made")

    def __init__(self, made: Sequence[OutputFile], kept: Sequence[Kept] = ()) -> None:
        self.made: tuple[OutputFile, ...] = tuple(sorted(made, key=_PATH))
        self.kept: tuple[Kept, ...] = tuple(run for run in kept if run.paths)
        self._all: tuple[OutputFile, ...] | None = None if self.kept else self.made

    def __len__(self) -> int:
        return len(self.made) + sum(len(run.paths) for run in self.kept)

    @overload
    def __getitem__(self, index: int) -> OutputFile: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[OutputFile]: ...

    def __getitem__(self, index: int | slice) -> OutputFile | Sequence[OutputFile]:
        return self._everything()[index]

    def __iter__(self) -> Iterator[OutputFile]:
        return iter(self._everything())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SiteFiles):
            other = other._everything()
        return isinstance(other, tuple) and self._everything() == other

    __hash__ = None  # type: ignore[assignment]  # compared by value, like the tuple it stands for

    def __repr__(self) -> str:
        return f"SiteFiles({len(self.made)} made, {len(self) - len(self.made)} kept)"

    def paths(self) -> list[str]:
        """Every file's path, the kept runs' after the made files' (not in order)."""
        return [*map(_PATH, self.made), *chain.from_iterable(run.paths for run in self.kept)]

    def file_at(self, path: str) -> OutputFile | None:
        """The file at ``path``: looked up among the made files, and only then in the runs."""
        at = bisect_left(self.made, path, key=_PATH)
        if at < len(self.made) and self.made[at].path == path:
            return self.made[at]
        for run in self.kept:
            if path in run.records and path in run.paths:
                return run.file(run.paths.index(path))
        return None

    def _everything(self) -> tuple[OutputFile, ...]:
        if self._all is None:
            kept = sorted(chain.from_iterable(run.files() for run in self.kept), key=_PATH)
            self._all = tuple(merge(self.made, kept, key=_PATH))
        return self._all


def kept_folded(files: Sequence[OutputFile], runs: Sequence[Kept], records: Mapping[str, Record] | None,
                folder: str) -> SiteFiles:
    """The site of ``files`` and ``runs``, each of ``files`` that is the last build's file as
    it recorded it (``records``, of the site in ``folder``: what ``Kept.file`` makes of its
    record, field for field) moved into a run of its own. The pages a rebuild keeps one by
    one (an actor's, an edition's, a list's, each known unchanged where it is made) were
    26,000 at 50,000 articles, each then sorted, compared by the writer and recorded again
    one at a time; in a run they go by their paths. The site is the same sequence."""
    if not records:
        return SiteFiles(files, runs)
    made: list[OutputFile] = []
    paths: list[str] = []
    origins: list[str] = []
    known = records.get
    for item in files:
        record = known(item.path) if item.reused else None
        if (record is not None and not item.content and item.key == record[0] and item.identity == record[1:]
                and item.stored == folder + item.path):
            paths.append(item.path)
            origins.append(item.origin)
        else:
            made.append(item)
    return SiteFiles(made, [*runs, Kept(folder, records, tuple(paths), tuple(origins))])


def at_recorded_paths(made: Sequence[OutputFile], runs: Sequence[Kept], records: Mapping[str, Record]) -> bool:
    """Whether a site's files (checked unique, see ``pipeline.check_unique``) are at the
    paths of ``records`` and no other: its runs all of that record, each made file's path in
    it, as many paths as it holds; as an edit's are. Then the writer compares the spare with
    the record's paths from its differences alone (``writer._kept_as_told``), and the site's
    record starts as a copy of the last one (``pipeline.written_record``)."""
    return (all(run.records is records for run in runs) and all(map(records.__contains__, map(_PATH, made)))
            and len(made) + sum(len(run.paths) for run in runs) == len(records))


def made_and_runs(files: Sequence[OutputFile]) -> tuple[Sequence[OutputFile], tuple[Kept, ...]]:
    """The files of ``files`` made by this build (or taken one by one), and its kept runs
    (none, for a plain sequence of files)."""
    if isinstance(files, SiteFiles):
        return files.made, files.kept
    return files, ()


def paths_of(files: Sequence[OutputFile]) -> list[str]:
    """Every file's path, without an ``OutputFile`` for each kept one (see ``SiteFiles.paths``)."""
    return files.paths() if isinstance(files, SiteFiles) else [item.path for item in files]


def file_at(files: Sequence[OutputFile], path: str) -> OutputFile | None:
    """The file of ``files`` at ``path``, if any (see ``SiteFiles.file_at``)."""
    if isinstance(files, SiteFiles):
        return files.file_at(path)
    return next((item for item in files if item.path == path), None)
