"""The live site and the writer's spare folder looked at for a rebuild, by a child process
while the build loads (see ``build.ahead``): what the writer and the page reuse check would
otherwise ask the disk for on the rebuild's critical path."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from generator.cache.store import load_cache, load_signed, remove_signed, save_signed
from generator.core.config import CONFIG_NAME, load_config
from generator.core.files import moved_files
from generator.output.writer import (
    FolderRecord,
    Listing,
    ListingDiff,
    file_identity,
    folder_survey,
    linked_record,
    listing_diff,
    spare_listing,
    spare_survey,
)

Moved = Mapping[str, tuple[int, int, int] | None]
Survey = tuple[Listing | ListingDiff | None, Moved | None]


def survey(root: Path, out_dir: Path, cache: bool) -> Survey:
    """The listing of the writer's spare folder (see ``write.spare_listing``), and the files
    of the live site that the last build recorded whose identity (size, mtime, inode) is no
    longer the recorded one, with their identity now (None: gone; see
    ``render.Reuse.moved``). Ten thousand folders walked and as many files looked at take a
    fifth of a second. Only the differences are sent back: the identity of every file was
    40 MB for the build to hold at 50,000 articles, and as much for the child to pickle."""
    if not cache:
        return spare_listing(out_dir), None
    moved, listing = _parts(root, out_dir)
    return listing, moved


def surveys(root: Path, output: Path | None) -> Iterator[Moved | Listing | ListingDiff | None]:
    """``survey`` of the site a build with the cache writes to ``output`` (None: where the
    digest's configuration says), in two parts as the build needs them: the moved files
    when it starts to render, the spare's listing when it writes (a second at 50,000
    articles, which the render no longer waits for)."""
    yield from _parts(root, (output or root / load_config(root / CONFIG_NAME).output_dir).absolute())


def _parts(root: Path, out_dir: Path) -> Iterator[Moved | Listing | ListingDiff | None]:
    """The moved files, then the spare's listing, read through the record its last survey
    kept in the cache (see ``writer.spare_survey``: a folder whose stamp is unchanged is not
    read again) and told by what differs from the last build's record of pages (see
    ``writer.ListingDiff``); then, once the listing is sent and the write no longer waits for it, the
    record of the spare now, kept for its next survey, two builds on, when it is the spare
    again (13 MB to pickle and sign at 50,000 articles, a quarter of a second)."""
    pages = load_cache(root, articles=False).pages
    yield moved_files(os.fspath(out_dir), pages)
    # The live site as this build found it: the spare of the next build. Looked at before
    # the listing is sent, since the write that waits for it then trades the two folders.
    live = file_identity(os.fspath(out_dir))
    surveyed = spare_survey(out_dir, lambda inode: _folder_record(load_signed(root, _FOLDERS.format(inode),
                                                                              _FOLDERS_FORMAT)))
    yield None if surveyed is None else listing_diff(surveyed[1], pages)
    if surveyed is not None:
        _keep_record(root, out_dir, surveyed[0], surveyed[2], live[2] if live else None)


_FOLDERS = "folders-{}.pickle"  # the record of the folders of the writer's spare with this inode
# What a folder record means (``writer.FolderRecord``: its shape and the inodes that mark a
# folder or a link), signed with it instead of mawjaz's code: the record describes the disk
# only, so it outlives an upgrade, where the first edit after one read every folder of its
# spare (8-15 s at 50,000 articles). A change to the record's shape or marks changes this.
_FOLDERS_FORMAT = b"folder-record 1"


def _keep_record(root: Path, out_dir: Path, inode: int, record: FolderRecord, other: int | None = None) -> None:
    """The record of the folder with ``inode`` (the spare, or the live site after a first
    build); only the records of the two folders that trade places are kept: this one and
    ``other``, the live site while the spare was surveyed (None: the live site now, one
    folder with ``inode`` after a first build).

    Not the live site as it is when the record is saved: the write that waited for the
    spare's listing may have traded the two meanwhile, and the record of the next build's
    spare was then the one removed: at 50,000 articles, where the record is 13 MB to save,
    one edit in four found no record and read every folder of its spare (11 s against
    3.3-4.1 s for the others)."""
    save_signed(root, _FOLDERS.format(inode), record, _FOLDERS_FORMAT)
    if other is None:
        live = file_identity(os.fspath(out_dir))
        other = live[2] if live else None
    keep = {_FOLDERS.format(inode), *((_FOLDERS.format(other),) if other is not None else ())}
    remove_signed(root, _FOLDERS.format("*"), keep)


def record_site(root: Path, out_dir: Path, now_ns: int | None = None, linked: Sequence[str] | None = None
                ) -> None:
    """After a build that wrote the site whole and made its spare (see ``writer.write_site``),
    the record of the site's folders, for the rebuild after next, when they are its spare:
    that rebuild's survey would otherwise read every one of them, long after the first
    build made them, and at 50,000 articles the write then waited 3 s for it.
    The first build walks them instead, 0.3 s at 10,000 articles, 2.6 s at 50,000. Only
    time rides on it: a folder that cannot be read, or a record that cannot be kept, leaves
    the rebuild to read what it needs (the site is written by then, and stays).
    ``linked``: the paths of the site when the spare was made whole by linking them (a first
    build): the spare's record is then told from the site's (``writer.linked_record``), for
    the first rebuild, whose spare it is. ``now_ns``: as ``writer.folder_survey`` takes it."""
    with contextlib.suppress(OSError):
        surveyed = folder_survey(out_dir.absolute(), lambda inode: None, now_ns)
        if surveyed is None:
            return
        spare = linked_record(out_dir, surveyed[1:], linked, now_ns) if linked is not None else None
        if spare is not None:
            save_signed(root, _FOLDERS.format(spare[0]), spare[1], _FOLDERS_FORMAT)
        _keep_record(root, out_dir, surveyed[0], surveyed[2], spare[0] if spare is not None else None)


def _folder_record(stored: object) -> FolderRecord | None:
    """A record as ``spare_survey`` made it, or None (signed, but from code that stored
    another shape)."""
    return stored if isinstance(stored, dict) else None
