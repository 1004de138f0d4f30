"""Files the site is made of, as the build names and recognises them: what path may be
written at all (``plain_path``), and what tells a later build that a file on disk is the one
it wrote (``file_identity``). Shared by rendering, which reuses pages, and the writer."""

from __future__ import annotations

import os
from collections.abc import Mapping

CONFIG_NAME = "mawjaz.toml"  # the digest's settings, at its root (read by ``core.config``)

# A file changed this close to a build may change again within the same tick of the file
# system's clock and keep its identity: it is looked at again by the next build (as git
# treats a "racy" file). Two seconds covers the coarsest clock of the file systems in use.
RACY_NS = 2_000_000_000


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
