"""Files the site is made of, as the build names and recognises them: what path may be
written at all (``plain_path``), the folders paths need (``folders_of``), what tells a later
build that a file on disk is the one it wrote (``file_identity``), and where a rendered file
waits for the writer (``spill_place``). Shared by rendering, which reuses pages, the build's
checks and the writer."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping

CONFIG_NAME = "mawjaz.toml"  # the digest's settings, at its root (read by ``core.config``)

# A file changed this close to a build may change again within the same tick of the file
# system's clock and keep its identity: it is looked at again by the next build (as git
# treats a "racy" file). Two seconds covers the coarsest clock of the file systems in use.
RACY_NS = 2_000_000_000

# The last part of a spill folder (see ``spill_place``) whose files are named after their
# path rather than placed at it.
FLAT_SPILL = ".flat"


def file_identity(path: str) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode): what tells a build a file is the one it wrote."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def moved_files(folder: str, recorded: Mapping[str, tuple[str, int, int, int]], first: bool = False
                ) -> dict[str, tuple[int, int, int] | None]:
    """The files of ``recorded`` (path below ``folder`` -> (key, size, mtime_ns, inode), as a
    build records what it wrote) whose identity is no longer the recorded one, with their
    identity now (None: gone); with ``first``, only the first found. ``file_identity`` in a
    loop, without a call, a joined path and a tuple per file: a rebuild checks each of the
    130,000 files of a 50,000-article site, and this is a fifth less CPU."""
    moved: dict[str, tuple[int, int, int] | None] = {}
    prefix = os.path.join(folder, "")
    stat = os.stat
    for path, (_key, size, mtime, inode) in recorded.items():
        try:
            info = stat(prefix + path)
        except OSError:
            moved[path] = None
        else:
            if info.st_mtime_ns == mtime and info.st_ino == inode and info.st_size == size:
                continue
            moved[path] = (info.st_size, info.st_mtime_ns, info.st_ino)
        if first:
            break
    return moved


def plain_path(path: str) -> bool:
    """Whether ``path`` stays inside the output folder on every OS. The stages only make such
    paths (slugs are checked); this is the last line of defence, not a content check."""
    # Between slashes, an empty, "." or ".." part shows as "//", "/./" or "/../" (a leading or
    # trailing slash, or no path at all, as "//"): plain substring tests, as every file of a
    # large site is checked on every build.
    framed = f"/{path}/"
    return not ("//" in framed or "/./" in framed or "/../" in framed
                or "\\" in path or "\0" in path or ":" in path)


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder that files at ``paths`` are in, at any depth (``a/b/c.html``: ``a`` and
    ``a/b``), each walked up to once: a folder already met has its parents met too."""
    folders: set[str] = set()
    for path in paths:
        folder = path.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return folders


def spill_place(spill: str, path: str) -> str:
    """Where the rendered file at the plain ``path`` waits below the folder ``spill`` for the
    writer. A first build's spill becomes the site, so its files are at their places in it;
    a rebuild's writer moves each file into the spare instead, so they wait in one folder
    (``FLAT_SPILL``), each named after its path: the 12,800 folders of 10,000 articles'
    pages (64,000 at 50,000) were made and then removed one by one in every rebuild that
    rendered them all (a change of templates or settings: 22-24 s at 10,000 articles without
    search, against 25-33 s with the folders)."""
    if is_flat_spill(spill):
        return os.path.join(spill, hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest())
    return os.path.join(spill, path)


def is_flat_spill(spill: str) -> bool:
    return os.path.basename(spill) == FLAT_SPILL
