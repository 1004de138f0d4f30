"""Write: put the rendered site on disk atomically.

The new site is assembled in a hidden folder beside the output and swapped in only when every
file is written, with one atomic exchange of the two folders where the OS offers it (Linux
``renameat2(RENAME_EXCHANGE)``), so a reader, a web server or a killed build only ever sees
the complete previous site or the complete new one. Files whose bytes did not change are
hard-linked from the previous site, keeping their timestamps, so sync tools upload only what
changed. A folder that mawjaz did not create is never replaced.

Nothing is ever written, removed, renamed or listed through a symbolic link: the output folder
and the folders beside it that the writer uses are checked with ``lstat`` before anything
touches them (see ``check_folders``), because a digest is a repository others clone, and a
link committed under one of those names would otherwise turn a build into a deletion of
whatever it points at. Every folder the writer makes beside the output holds its marker file
from the moment it is made; one that holds files but no marker is not ours and is refused.

Where the exchange exists, the hidden folder is kept between builds (``.site.mawjaz-spare``):
after a swap it holds the previous site, and the next build only brings it up to date with
what changed before swapping again, so writing costs grow with the change, not the archive.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import chain, compress, repeat
from operator import itemgetter, ne
from pathlib import Path

from generator.core.files import FLAT_SPILL, RACY_NS, file_identity, folders_of, is_flat_spill, plain_path
from generator.core.model import OutputFile
from generator.core.site_files import Kept, Record, at_recorded_paths, made_and_runs, paths_of

MARKER = ".mawjaz-site"
_STAGING = ".mawjaz-tmp-"
_OLD = ".mawjaz-old-"
_SPARE = ".mawjaz-spare"
_RENDER = ".mawjaz-render-"
_MARKER_TEXT = "This folder is written by mawjaz build and replaced whole.\n"
_FOREIGN = -1  # the inode ``_listing`` gives a link or a special file


class OutputError(Exception):
    """The output folder cannot be written; the previous site is untouched."""


@dataclass(frozen=True, slots=True)
class WriteStats:
    written: int
    unchanged: int
    # (size, mtime_ns, inode) of files of the new site, where the writer knew them without
    # asking the disk again: the next build checks its output against these.
    identities: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    # The site was written whole and its spare made beside it, or the spare a rebuild left
    # was brought up to date (``_refresh_spare``): neither surveyed yet.
    spare_made: bool = False
    # The paths whose files the spare was given anew (not links of the live site's): after
    # the swap, the files the previous site still holds there (see ``_refresh_spare``).
    fresh: tuple[str, ...] = ()
    # The paths of kept runs (see ``core.site_files``) whose files were placed one by one, not
    # found in the spare as the live site's: their records are not the last build's.
    redone: tuple[str, ...] = ()
    # The spare was made whole by linking every file of the site just written (a first build,
    # see ``_make_spare``): it holds what the site holds, so its record can be told from the
    # site's (see ``linked_record``).
    spare_whole: bool = False


Listing = tuple[dict[str, int], set[str]]


def write_site(files: Sequence[OutputFile], out_dir: Path, staged: str = "",
               listing: Listing | None = None, workers: int = 1) -> WriteStats:
    """``staged``: the folder where rendering already put the files (see ``spill_folder``);
    a first build makes it the new site when they are at their paths in it (not a rebuild's
    flat spill). ``listing``: the spare folder's listing, made while the build rendered (see
    ``spare_listing``). ``workers``: threads a build may use to make or refresh the spare (1:
    this one only, as from a threaded server)."""
    out_dir = out_dir.absolute()
    # A kept run's paths are the last build's record's, each checked so before it was written.
    for item in made_and_runs(files)[0]:
        if not plain_path(item.path):
            raise OutputError(f"refusing to write `{item.path}` (from {item.origin or 'unknown'}): "
                              f"not a plain relative path inside {out_dir}")
    check_folders(out_dir)
    _check_target(out_dir)
    recover(out_dir)
    spare = _beside(out_dir, _SPARE)
    try:
        if out_dir.is_dir() and _can_exchange(out_dir.parent):
            stats = _sync(spare, files, out_dir, listing)
            if not _exchange(spare, out_dir):
                raise OSError(errno.ENOTSUP, "folder exchange failed")
            many = len(stats.fresh) >= max(MANY_FRESH, len(files) // 8)
            if many and _refresh_spare(out_dir, spare, stats.fresh, workers):
                return replace(stats, spare_made=True, fresh=())
            return replace(stats, fresh=())
        stats = _write_fresh(files, out_dir, "" if is_flat_spill(staged) else staged)
        stats = replace(stats, redone=tuple(chain.from_iterable(run.paths for run in made_and_runs(files)[1])))
    except OSError as exc:
        raise OutputError(f"cannot write the site to {out_dir}: {describe(exc)}; "
                          "the previous site is left as it was") from None
    if _can_exchange(out_dir.parent) and _make_spare(out_dir, spare, files, workers):
        return replace(stats, spare_made=True, spare_whole=True)
    return stats


def _make_spare(out_dir: Path, spare: Path, files: Sequence[OutputFile], workers: int) -> bool:
    """After a first build, the spare the next one brings up to date: the new site,
    hard-linked. Made now, by a thread per core the build may use, rather than by the next build
    one link at a time: that build is the one a curator waits for after an edit, and
    linking 10,000s of files in as many folders takes seconds (1.4 s for the 26,000 files of
    10,000 articles, in a cold build of a minute). Best effort: on any failure there is no
    spare, and the next build makes one (False)."""
    shutil.rmtree(spare, ignore_errors=True)
    try:
        _make_ours(spare)
        _link_all((os.fspath(out_dir), os.fspath(spare)), paths_of(files), workers)
    except OSError:
        shutil.rmtree(spare, ignore_errors=True)
        return False
    return True


# A rebuild that gave the spare this many files anew, and an eighth of the site's at least (a
# change of templates or settings renders a kind of page again: the article pages are 40% of
# the files), brings the spare it leaves up to date itself (``_refresh_spare``). Not an
# addition: it shifts every page of the archive and of its actors' lists (1,000 files or more
# at 10,000 articles, 5% of the site), which the next build relinks in the time this one would.
MANY_FRESH = 1024


def _refresh_spare(out_dir: Path, spare: Path, fresh: Sequence[str], workers: int) -> bool:
    """After a rebuild that wrote ``fresh`` files anew and swapped the spare in, the previous
    site, now the spare, holds the old file at each of those paths: the next build would
    replace them one link at a time, and that build is the one a curator waits for after an
    edit (after a change of templates, 7.5 s instead of 1.4 s at 10,000 articles, 18 s
    instead of 8 s at 50,000). So they are replaced now, by a thread per core, as a first
    build makes its spare (``_make_spare``). Best effort: on any failure the next build
    compares and repairs what is left (False)."""
    try:
        if not _plain_places(os.fspath(spare), fresh):
            return False  # a link in the previous site: never written through (the next build starts the spare again)
        _link_all((os.fspath(out_dir), os.fspath(spare)), fresh, workers, _replace_with_link)
    except OSError:
        return False
    return True


def _plain_places(root: str, paths: Sequence[str]) -> bool:
    """Whether each of ``paths`` below the folder ``root`` is a file or nothing, in folders
    that are folders or not there yet: where a link can be put without writing through a
    link or special file. Only those places are looked at, each folder once, not the whole
    folder: the walk of a 50,000-article site's 64,000 folders took 4-7 s, the lstat of its
    50,000 article pages and their folders 0.75 s."""
    seen: set[str] = set()
    for path in paths:
        folder, _ = os.path.split(path)
        while folder and folder not in seen:
            seen.add(folder)
            if _file_type(os.path.join(root, folder)) not in (None, stat.S_IFDIR):
                return False
            folder, _ = os.path.split(folder)
        if _file_type(os.path.join(root, path)) not in (None, stat.S_IFREG):
            return False
    return True


def _file_type(path: str) -> int | None:
    """The type of what is at ``path`` itself (``stat.S_IFMT``), None when nothing is."""
    try:
        return stat.S_IFMT(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


def _link_all(folders: tuple[str, str], paths: Sequence[str], workers: int,
              place: Callable[[str, str], None] = os.link) -> None:
    """Every one of ``paths`` linked from the live folder into the spare (by ``place``, see
    ``_link_into``), by ``workers`` threads, each a run of paths (their folders together).
    Threads, not processes: linking is system calls, made outside the interpreter's lock, and
    a process forked at the end of a build starts with the build's whole resident memory
    counted again (500 MB each at 50,000 articles)."""
    step = -(-len(paths) // max(1, workers)) or 1
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="mawjaz-spare") as pool:
        runs = [pool.submit(_link_run, folders, paths[start:start + step], place)
                for start in range(0, len(paths), step)]
        for run in runs:
            run.result()  # an OSError of any thread is raised here


def _link_run(folders: tuple[str, str], paths: Sequence[str], place: Callable[[str, str], None]) -> None:
    for path in paths:
        _link_into(folders, path, place)


def _link_into(folders: tuple[str, str], path: str, place: Callable[[str, str], None]) -> None:
    """The live folder's file at ``path`` linked at the same path in the spare by ``place``
    (``os.link``, or ``_replace_with_link`` over a file already there), its folder made first
    when the spare has none."""
    live, spare = folders
    target = os.path.join(spare, path)
    try:
        place(os.path.join(live, path), target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        place(os.path.join(live, path), target)


def _beside(out_dir: Path, suffix: str) -> Path:
    """A hidden folder next to the output and named after it: on the same file system, so
    files move and folders swap between the two without copying."""
    return out_dir.parent / f".{out_dir.name}{suffix}"


def describe(exc: OSError) -> str:
    """The reason, and the file it concerns when there is one: a name the file system refuses
    must be findable."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    reason = exc.strerror or str(exc)
    return f"{reason} (`{exc.filename}`)" if exc.filename and exc.strerror else reason


@contextlib.contextmanager
def spill_folder(out_dir: Path, flat: bool = False) -> Iterator[str]:
    """A private folder beside the output for pages as they are rendered (see
    ``render.emit``): on the same file system, so the writer moves them into place without
    copying. ``flat``: a rebuild's, whose files wait in one folder (see
    ``files.spill_place``). Where it cannot be made, pages stay in memory ("")."""
    folder = _beside(out_dir, f"{_RENDER}{os.getpid()}")
    spill = folder / FLAT_SPILL if flat else folder
    try:
        if _kind(folder) is not None:
            _check_ours(folder)
            shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder.parent, exist_ok=True)
        _make_ours(folder)
        if flat:
            os.mkdir(spill)
    except OSError:
        yield ""  # a marked folder left behind is removed by the next build (see ``recover``)
        return
    try:
        yield os.fspath(spill)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_fresh(files: Sequence[OutputFile], out_dir: Path, staged: str = "") -> WriteStats:
    """Assemble a whole new tree and swap it in (first build, or no folder exchange)."""
    staging = Path(staged) if staged else _beside(out_dir, f"{_STAGING}{os.getpid()}")
    try:
        if not staged:
            shutil.rmtree(staging, ignore_errors=True)
            os.makedirs(staging.parent, exist_ok=True)
            _make_ours(staging)
        previous = out_dir if out_dir.is_dir() and not _has_foreign(os.fspath(out_dir)) else None
        stats = _fill(staging, files, previous)  # staging is marked since it was made
        _swap_in(staging, out_dir)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return stats


def _sync(spare: Path, files: Sequence[OutputFile], live: Path, listing: Listing | None = None) -> WriteStats:
    """Make ``spare`` hold exactly ``files``, touching only what differs from what it holds.

    An unchanged file becomes a hard link of the live one (same inode and timestamp); the
    spare is never visible, so a build killed here leaves the live site as it was, and the
    next build repairs the spare by the same comparison. Plain string paths and the inode
    numbers the directory listing gives for free keep this cheap on a site of 10,000s of
    files where a rebuild changes a handful."""
    root, source_root = os.fspath(spare), os.fspath(live)
    anew, runs = made_and_runs(files)
    told = _kept_as_told(listing, anew, runs) if isinstance(listing, ToldSpare) and _is_ours(spare) else None
    if told is not None:
        return _synced(root, source_root, files, told[0], {root}, told[1])
    if isinstance(listing, ToldSpare):
        listing = listing.whole()
    existing, made = (listing or _listing(root)) if _is_ours(spare) else ({}, set())
    if not made or _FOREIGN in existing.values():
        # No spare, or one holding a link or a special file (a planted one, or a planted
        # output folder swapped out by the last build): start it again, empty. rmtree
        # removes links, never what they point at. The live site is compared against only
        # if it holds nothing of the kind either.
        shutil.rmtree(spare, ignore_errors=True)
        _make_ours(spare)
        existing, made = {}, {root}
        if _has_foreign(source_root):
            source_root = ""
    return _synced(root, source_root, files, existing, made, _kept_in_place(runs, existing))


def _synced(root: str, source_root: str, files: Sequence[OutputFile], existing: dict[str, int], made: set[str],
            redone: list[OutputFile]) -> WriteStats:
    """The rest of ``_sync``, once the kept runs' files the spare holds as recorded are told
    apart (``redone``: the others): each made or redone file placed, what ``existing`` (the
    spare's listing, path -> inode) holds besides removed. ``made``: the spare's folders known."""
    spare = Path(root)
    anew = made_and_runs(files)[0]
    unchanged = len(files) - len(anew) - len(redone)
    written = 0
    identities: dict[str, tuple[int, int, int]] = {}
    fresh: list[str] = []
    for item in chain(anew, redone):
        current = existing.pop(item.path, None)
        if item.reused and item.identity is not None and current == item.identity[2]:
            identities[item.path] = item.identity  # the spare already holds the live file
            unchanged += 1
            continue
        target = os.path.join(root, item.path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        source = os.path.join(source_root, item.path) if source_root else ""
        if source and (item.reused or _same_bytes(source, item)):
            live = item.identity if item.reused and item.identity else file_identity(source)
            if current is None or live is None or current != live[2]:
                _replace_with_link(source, target)
            if live is not None:
                identities[item.path] = live
            unchanged += 1
            continue
        fresh.append(item.path)  # not the live site's file: the site this one replaces lacks it
        if current is not None and _same_bytes(target, item):
            unchanged += 1
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)
        _put(item, target)
        written += 1
    for rel in existing:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(root, rel))
    _prune_folders(spare, {(spare / rel).parent for rel in existing})
    # Only a previous site with nothing but files and folders is brought up to date after the
    # swap (see ``_refresh_spare``): links are never written through.
    return WriteStats(written, unchanged, identities, fresh=tuple(fresh) if source_root else (),
                      redone=tuple(item.path for item in redone))


def _kept_in_place(runs: Sequence[Kept], existing: dict[str, int]) -> list[OutputFile]:
    """Take from ``existing`` (the spare's listing: path → inode) each path of the kept
    ``runs`` where the spare holds the live site's file already (its recorded inode), as a
    rebuild's spare holds most of them; the files of the others, to be placed one by one.
    Each run's paths are taken, looked up and compared in C, a pass each: a loop over them
    was most of the write of an edit at 50,000 articles (118,000 paths, 0.1 s)."""
    redone = []
    pop = existing.pop
    for run in runs:
        paths = run.paths
        current = list(map(pop, paths, repeat(None)))
        recorded = map(_INODE, map(run.records.__getitem__, paths))
        for number in compress(range(len(paths)), map(ne, current, recorded)):
            if current[number] is not None:
                existing[paths[number]] = current[number]
            redone.append(run.file(number))
    return redone


_INODE = itemgetter(3)  # a record's inode (see ``Kept.records``)


@dataclass(frozen=True, slots=True)
class ListingDiff:
    """A spare's listing (see ``_listing``) told by what differs from the last build's record
    of the live site: the spare is the site before it, whose files the last write linked or
    left at the live ones' inodes, so but for a few it holds every recorded path at its
    recorded inode. The survey's child sends this rather than the whole listing (118,000
    paths at 50,000 articles: pickled, sent and unpickled, a tenth of a second of an edit
    the write waited for); the build makes the listing again from the record it holds
    (``listing_from``). Only a spare with nothing but files and folders is told so; its
    folders are not told (the writer makes a file's folder when it is not there)."""

    count: int  # how many paths the record holds
    inodes: int  # the sum of their inodes: with ``count``, what tells the record apart
    differ: Mapping[str, int]  # the spare's files not at their recorded inode (or not recorded): path -> inode
    absent: frozenset[str]  # recorded paths the spare does not hold


def listing_diff(listing: Listing, records: Mapping[str, Record]) -> Listing | ListingDiff:
    """``listing`` told as a ``ListingDiff`` from ``records``; as it is when the spare
    holds a link or special file (the writer starts such a spare again) or is not there."""
    existing, made = listing
    if not made or not records or _FOREIGN in existing.values():
        return listing
    differ = {path: inode for path, inode in existing.items() if records.get(path, _UNRECORDED)[3] != inode}
    return ListingDiff(len(records), sum(map(_INODE, records.values())), differ,
                       frozenset(records.keys() - existing.keys()))


@dataclass(frozen=True, slots=True)
class ToldSpare:
    """A spare told by its differences (``told``) from ``records``, the record of pages of
    the build that holds it (see ``listing_from``)."""

    told: ListingDiff
    records: Mapping[str, Record]
    folder: str  # the spare's path

    def whole(self) -> Listing:
        """The spare's listing (see ``_listing``), but for its folders: the spare's own only."""
        existing = dict(zip(self.records, map(_INODE, self.records.values()), strict=True))
        for path in self.told.absent:
            del existing[path]
        existing.update(self.told.differ)
        return existing, {self.folder}


def listing_from(told: Listing | ListingDiff | None, out_dir: Path, records: Mapping[str, Record]
                 ) -> Listing | ToldSpare | None:
    """The spare beside ``out_dir`` as ``told`` gives it, for the writer: a listing, or the
    differences with ``records``, the record they were told from (see ``ListingDiff``);
    None (the writer reads the spare itself) when the records are not those: another count
    of paths or sum of inodes."""
    if not isinstance(told, ListingDiff):
        return told
    if told.count != len(records) or told.inodes != sum(map(_INODE, records.values())):
        return None
    return ToldSpare(told, records, os.fspath(_beside(out_dir.absolute(), _SPARE)))


def _kept_as_told(spare: ToldSpare, anew: Sequence[OutputFile], runs: Sequence[Kept]
                  ) -> tuple[dict[str, int], list[OutputFile]] | None:
    """``_kept_in_place`` for a spare told by its differences, when this build's paths are
    the record's own (each made file's path recorded, each run of the record, as many
    paths, all distinct: see ``pipeline.check_unique``), as an edit's are: the kept files
    to place are the runs' paths the differences name, and the listing holds only the
    paths the write will look at (the made and placed ones, and the spare's files the
    record does not name, to remove). The whole listing, 118,000 paths at 50,000 articles,
    was made and compared path by path, 0.1-0.15 s of memory lookups. None otherwise.
    A spare is only told so to a build whose files were checked unique (``listing_from``'s
    caller): with a path twice, as many paths could leave one of the record out."""
    records, told = spare.records, spare.told
    if not at_recorded_paths(anew, runs, records):
        return None
    touched = told.differ.keys() | told.absent
    redone = [run.file(number) for run in runs
              for number in compress(range(len(run.paths)), map(touched.__contains__, run.paths))]
    existing = {item.path: records[item.path][3] for item in chain(anew, redone)}
    for path in told.absent:
        existing.pop(path, None)
    existing.update(told.differ)
    return existing, redone


_UNRECORDED: Record = ("", -1, -1, -3)  # a record whose inode no listing gives (nor its marks)


def spare_listing(out_dir: Path) -> Listing | None:
    """The listing of the spare folder kept beside ``out_dir`` (see ``_listing``), or None
    when there is no usable spare. Run ahead of the write, in a child process (see
    ``parallel.in_child``): walking the 10,000s of folders of a large site is a tenth of a
    second a rebuild would otherwise spend waiting. Nothing else touches the spare until
    the writer does."""
    surveyed = spare_survey(out_dir, lambda inode: None)
    return None if surveyed is None else surveyed[1]


# What a folder held when it was last read: its stamp (inode, ctime_ns, mtime_ns), and its
# entries (name, inode), a folder's inode given as ``_FOLDER``, a link's or special file's
# as ``_FOREIGN``. By the folder's path below the spare ("" for the spare, "a/b/" below).
FolderRecord = Mapping[str, tuple[tuple[int, int, int], tuple[tuple[str, int], ...]]]
_FOLDER = -2
# A folder whose ctime is this close to the time it is read may still change within the same
# tick of the file system's clock and keep its stamp: it is not recorded (see ``RACY_NS``).
SETTLE_NS = RACY_NS
# The same on a file system that keeps fine timestamps, told by a ctime with digits below the
# millisecond (ext4, XFS, Btrfs, tmpfs: the kernel's coarse clock, which ticks every jiffy, 10
# ms at most); FAT's 10 ms and 2 s clocks, and second-only ones, leave those digits at zero
# and keep the two seconds. So the folders a first build has just made are recorded by it.
FINE_SETTLE_NS = 100_000_000


def spare_survey(out_dir: Path, recall: Callable[[int], FolderRecord | None], now_ns: int | None = None
                 ) -> tuple[int, Listing, FolderRecord] | None:
    """The spare folder's inode, listing (see ``_listing``) and record of its folders (see
    ``FolderRecord``); None when there is no usable spare (see ``folder_survey``)."""
    return folder_survey(_beside(out_dir.absolute(), _SPARE), recall, now_ns)


def folder_survey(folder: Path, recall: Callable[[int], FolderRecord | None], now_ns: int | None = None
                  ) -> tuple[int, Listing, FolderRecord] | None:
    """A folder of the writer's (the spare or the live site): its inode, listing (see
    ``_listing``) and record of its folders (see ``FolderRecord``); None when it is not one
    of ours.

    ``recall``: the record an earlier survey made of the folder with the given inode (the
    spare and the live site trade places at every build, each keeps its own). A folder whose stamp is
    still the recorded one holds what it held then, and is not read again: any entry added,
    removed, renamed or replaced in a folder sets its ctime, which no user can set back (a
    file changed in place keeps its entry and inode, and the writer compares its bytes, as
    it did before). So a rebuild stats each folder of the spare instead of reading them
    all, a tenth of the cost of walking 50,000 folders. ``now_ns``: the time before the
    survey (the clock by default), against which a folder's stamp counts as settled."""
    settled = _settle_bounds(now_ns)
    inode = _our_inode(folder)
    if inode is None:
        return None
    listing, record = _surveyed(os.fspath(folder), recall(inode) or {}, settled)
    return inode, listing, record


def linked_record(out_dir: Path, live: tuple[Listing, FolderRecord], paths: Sequence[str],
                  now_ns: int | None = None) -> tuple[int, FolderRecord] | None:
    """The inode and record of the spare beside ``out_dir`` that ``_make_spare`` made by
    linking ``paths``, from the listing and record of the site (``live``, see
    ``folder_survey``), without reading its folders: when the site holds exactly those files
    and the folders they are in, the spare holds the same names, files by the same inodes
    (links) and folders as folders, so only each folder's stamp is looked at (an lstat).
    Otherwise the first rebuild after a first build read every folder of its spare, the one
    folder without a record (1.6 s and more at 50,000 articles, which the write waited for);
    reading them here instead would cost the first build as much again as its walk of the
    site. The spare's own folder, with its own marker file, is left to be read.

    None: the site holds anything else (a file, a link or a folder the paths do not make),
    the spare is not one of ours, or is gone."""
    folder = _beside(out_dir.absolute(), _SPARE)
    settled = _settle_bounds(now_ns)
    inode = _our_inode(folder)
    if inode is None or not _holds_only(live[0], paths):
        return None
    record = {}
    for prefix, (_stamp, entries) in live[1].items():
        if not prefix:
            continue
        try:
            info = os.lstat(os.path.join(folder, prefix))
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and _settled(info.st_ctime_ns, settled):
            record[prefix] = ((info.st_ino, info.st_ctime_ns, info.st_mtime_ns), entries)
    return inode, record


def _our_inode(folder: Path) -> int | None:
    """The inode of ``folder`` when it is one of the writer's (see ``_is_ours``), else None."""
    if not _is_ours(folder):
        return None
    try:
        return os.lstat(folder).st_ino
    except OSError:
        return None


def _holds_only(listing: Listing, paths: Sequence[str]) -> bool:
    """Whether a folder with ``listing`` holds exactly the files ``paths`` and the folders
    they are in: every path a file of the listing (none a link or special file), no other
    file, and as many folders (itself besides) as the paths make."""
    found, folders = listing
    if len(found) != len(paths) or _FOREIGN in found.values() or not all(map(found.__contains__, paths)):
        return False
    return len(folders) == len(folders_of(paths)) + 1


def _listing(root: str) -> Listing:
    """Files below ``root`` (relative POSIX path -> inode), the marker excepted, and every
    folder (``root`` included). A link or anything else that is neither a file nor a folder
    is listed with the inode ``_FOREIGN``: links are never followed."""
    return _surveyed(root, {}, (-1, -1))[0]


def _surveyed(root: str, known: FolderRecord, settled_ns: tuple[int, int]) -> tuple[Listing, FolderRecord]:
    """``_listing``, reading only the folders whose stamp is not the one ``known`` has;
    with the record of every folder whose ctime is before ``settled_ns``: the first time,
    or the second on a file system with fine timestamps (see ``FINE_SETTLE_NS``)."""
    found: dict[str, int] = {}
    folders: set[str] = set()
    record: dict[str, tuple[tuple[int, int, int], tuple[tuple[str, int], ...]]] = {}
    pending = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        read = _folder(folder, known.get(prefix))
        if read is None:  # not a folder (any more): a link put in place of one
            if prefix:
                found[prefix[:-1]] = _FOREIGN
            continue
        if not read:  # gone since its parent was read
            continue
        stamp, entries = read
        folders.add(folder)
        if _settled(stamp[1], settled_ns):
            record[prefix] = read
        for name, inode in entries:
            if inode == _FOLDER:
                pending.append((os.path.join(folder, name), f"{prefix}{name}/"))
            elif prefix or name != MARKER or inode == _FOREIGN:
                found[prefix + name] = inode
    return (found, folders), record


def _settle_bounds(now_ns: int | None) -> tuple[int, int]:
    """The times before which a folder's ctime counts as settled (see ``_settled``), from
    ``now_ns``, the time before the survey (the clock by default)."""
    now = time.time_ns() if now_ns is None else now_ns
    return now - SETTLE_NS, now - FINE_SETTLE_NS


def _settled(ctime_ns: int, settled_ns: tuple[int, int]) -> bool:
    """Whether a folder changed at ``ctime_ns`` is past changing within the same tick of the
    file system's clock (see ``SETTLE_NS`` and ``FINE_SETTLE_NS``)."""
    coarse, fine = settled_ns
    return ctime_ns < coarse or (ctime_ns < fine and ctime_ns % 1_000_000 != 0)


def _folder(folder: str, known: tuple[tuple[int, int, int], tuple[tuple[str, int], ...]] | None
            ) -> tuple[tuple[int, int, int], tuple[tuple[str, int], ...]] | tuple[()] | None:
    """A folder's stamp and entries: ``known`` when the stamp is still its own, else read
    (stamped first, so a change while it is read shows next time). None: not a folder;
    empty: nothing there."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return ()
    if not stat.S_ISDIR(info.st_mode):
        return None
    stamp = (info.st_ino, info.st_ctime_ns, info.st_mtime_ns)
    if known is not None and known[0] == stamp:
        return known
    try:
        with os.scandir(folder) as found:
            entries = tuple((entry.name, _kind_inode(entry)) for entry in found)
    except FileNotFoundError:
        return ()
    return stamp, entries


def _kind_inode(entry: os.DirEntry[str]) -> int:
    if entry.is_dir(follow_symlinks=False):
        return _FOLDER
    return entry.inode() if entry.is_file(follow_symlinks=False) else _FOREIGN


def _has_foreign(root: str) -> bool:
    """Whether the folder ``root`` holds a link or a special file anywhere below it."""
    return _FOREIGN in _listing(root)[0].values()


def _replace_with_link(source: str, target: str) -> None:
    folder, name = os.path.split(target)
    temp = os.path.join(folder, f".{name}.mawjaz-link")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)
    os.link(source, temp)
    os.replace(temp, target)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temp)  # rename() between two links of one file does nothing


def _prune_folders(root: Path, candidates: set[Path]) -> None:
    """Remove folders emptied by deletions, deepest first, never ``root`` itself."""
    for folder in sorted(candidates, key=lambda p: len(p.parts), reverse=True):
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def _can_exchange(parent: Path) -> bool:
    """Whether this OS and file system swap folders atomically (probed once per build)."""
    a, b = parent / f".mawjaz-probe-a-{os.getpid()}", parent / f".mawjaz-probe-b-{os.getpid()}"
    made = []
    try:
        for probe in (a, b):
            probe.mkdir()
            made.append(probe)
        return _exchange(a, b)
    except OSError:
        return False
    finally:
        for probe in made:  # only what this probe made: a name found there is not ours
            with contextlib.suppress(OSError):
                probe.rmdir()


def recover(out_dir: Path) -> None:
    """Finish or undo a swap interrupted by a crash, and remove stale staging folders. Run
    after ``check_folders``: every folder it renames or removes is a folder (not a link)
    holding mawjaz's marker, or an empty one."""
    parent = out_dir.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{out_dir.name}{_OLD}*"))
    if olds and not out_dir.exists():
        os.rename(olds[-1], out_dir)  # the swap died between its two renames: restore
        olds = olds[:-1]
    mine = _beside(out_dir, f"{_RENDER}{os.getpid()}")  # this build's pages, in use
    stale = (*parent.glob(f".{out_dir.name}{_STAGING}*"),
             *(p for p in parent.glob(f".{out_dir.name}{_RENDER}*") if p != mine))
    for leftover in (*olds, *stale):
        shutil.rmtree(leftover, ignore_errors=True)


def check_folders(out_dir: Path) -> None:
    """Refuse to go on when the output folder is a link, or a name the writer uses beside it
    (``_SPARE``, ``_OLD``, ``_STAGING``, ``_RENDER``) is not a folder mawjaz made. Everything
    is looked at with ``lstat``; nothing is followed. Empty folders under those names (a
    build killed between making one and marking it) are removed: that loses nothing."""
    _refuse_link(out_dir)
    prefix = f".{out_dir.name}"
    try:
        with os.scandir(out_dir.parent) as entries:
            names = sorted(e.name for e in entries if e.name.startswith(prefix))
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as exc:
        raise OutputError(f"cannot look beside the output folder {out_dir}: {describe(exc)}") from None
    for name in names:
        kind = name[len(prefix):]
        if kind == _SPARE or kind.startswith((_OLD, _STAGING, _RENDER)):
            _check_ours(out_dir.parent / name)


def check_inside(root: Path, out_dir: Path) -> None:
    """Refuse an ``output_dir`` (from the digest's own settings) that passes through a link:
    the settings and the folders come with a cloned repository, and ``site -> ~/Documents``
    committed beside ``mawjaz.toml`` must not make a build write there."""
    folder = root
    for part in out_dir.relative_to(root).parts[:-1]:  # the folder itself: ``check_folders``
        folder = folder / part
        if _kind(folder) == "link":
            raise OutputError(
                f"the output folder {out_dir} passes through {folder}, a symbolic link (to "
                f"{os.readlink(folder)}); mawjaz never writes through a link from the digest's "
                "settings: remove the link, or name the real folder with `mawjaz build --output DIR`")


def _refuse_link(out_dir: Path) -> None:
    if _kind(out_dir) == "link":
        raise OutputError(
            f"the output folder {out_dir} is a symbolic link (to {os.readlink(out_dir)}); mawjaz "
            "replaces its output folder whole and never writes through a link: build into the "
            "folder it points at (`mawjaz build --output DIR`) and remove the link")


def _check_ours(folder: Path) -> None:
    kind = _kind(folder)
    if kind == "link":
        raise OutputError(f"{folder} is a symbolic link (to {os.readlink(folder)}) that mawjaz did not make; "
                          "mawjaz never writes, removes or renames through a link: remove the link")
    if kind != "folder":
        raise OutputError(f"{folder} is not a folder, but has a name mawjaz uses beside its output; "
                          "move it away")
    if _is_ours(folder):
        return
    try:
        os.rmdir(folder)  # empty: made by a build killed before it could mark it
    except OSError:
        raise OutputError(f"{folder} holds files but not mawjaz's marker ({MARKER}): mawjaz did not "
                          "make it and will neither use nor remove it; move it away") from None


def _kind(path: Path) -> str | None:
    """What is at ``path`` itself (a link is a link, whatever it points at); None: nothing."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"cannot look at {path}: {describe(exc)}") from None
    if stat.S_ISLNK(mode):
        return "link"
    return "folder" if stat.S_ISDIR(mode) else "other"


def _is_ours(folder: Path) -> bool:
    """A real folder (not a link) holding the marker as a regular file."""
    try:
        return (stat.S_ISDIR(os.lstat(folder).st_mode)
                and stat.S_ISREG(os.lstat(folder / MARKER).st_mode))
    except OSError:
        return False


def _make_ours(folder: Path) -> None:
    """Make a folder beside the output and mark it at once (see ``check_folders``)."""
    os.mkdir(folder)
    (folder / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder; refusing to replace it")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
        raise OutputError(f"{out_dir} holds files mawjaz did not write; refusing to replace it "
                          "(choose another output folder or empty this one)")


def _fill(staging: Path, files: Sequence[OutputFile], previous: Path | None) -> WriteStats:
    written = unchanged = 0
    made: set[Path] = set()
    for item in files:
        target = staging / item.path
        if item.stored == os.fspath(target):  # rendered in place
            if previous is not None and _same_bytes(previous / item.path, item):
                _replace_with_link(os.fspath(previous / item.path), item.stored)
                unchanged += 1
            else:
                written += 1
            continue
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if previous is not None and (item.reused or _same_bytes(previous / item.path, item)):
            with contextlib.suppress(OSError):
                os.link(previous / item.path, target)
                unchanged += 1
                continue
        _put(item, target)
        written += 1
    return WriteStats(written, unchanged)


def _same_bytes(path: str | Path, item: OutputFile) -> bool:
    try:
        size = os.stat(item.stored).st_size if item.stored else len(item.content)
        if os.stat(path).st_size != size:
            return False
        with open(path, "rb") as handle:
            return handle.read() == item.data()
    except OSError:
        return False


def _put(item: OutputFile, target: str | Path) -> None:
    """A rendered page already on disk is moved into place; others are written."""
    if item.stored and not item.reused:
        os.replace(item.stored, target)
    else:
        Path(target).write_bytes(item.data())


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    old = out_dir.parent / f".{out_dir.name}{_OLD}{os.getpid()}"
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two folders; False where the OS or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
