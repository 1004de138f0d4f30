"""Files the site is made of, as the build names and recognises them: what path may be
written at all (``plain_path``), and what tells a later build that a file on disk is the one
it wrote (``file_identity``). Shared by rendering, which reuses pages, and the writer."""

from __future__ import annotations

import os


def file_identity(path: str) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode): what tells a build a file is the one it wrote."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def plain_path(path: str) -> bool:
    """Whether ``path`` stays inside the output folder on every OS. The stages only make such
    paths (slugs are checked); this is the last line of defence, not a content check."""
    parts = path.split("/")
    return (bool(path) and not path.startswith("/")
            and not any(ch in path for ch in "\\\0:")
            and not any(part in ("", ".", "..") for part in parts))
