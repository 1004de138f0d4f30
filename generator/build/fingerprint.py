"""Has anything a build reads changed since the last build?

A rebuild with nothing changed should cost a directory walk, not a build. The snapshot is a
hash of the identity (size, mtime, inode) of every file a build reads: the config, all of
``content/``, the theme's templates and static files, plus mawjaz's own code and the build's
options. As in git, a file changed within ``RACY_NS`` before the last build started cannot be
told apart by its stat, so such a build records no snapshot and the next one runs in full.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache.store import code_digest
from generator.content.ingest import RACY_NS
from generator.core.config import CONFIG_NAME
from generator.render.theme import Theme


@dataclass(frozen=True, slots=True)
class Snapshot:
    digest: str
    newest_ns: int  # the most recent mtime among the inputs
    # (size, mtime_ns, inode) of each regular file under content/, by path from the digest
    # root: the article scan that follows needs exactly these, and need not stat them again.
    content: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)


def snapshot(root: Path, theme: Theme, options: str) -> Snapshot:
    digest = hashlib.sha256(f"{code_digest()}\0{options}\0".encode())
    newest = 0
    content: dict[str, tuple[int, int, int]] = {}
    for label, folder in (("root", root / CONFIG_NAME), ("content", root / "content"),
                          ("templates", theme.templates), ("static", theme.static)):
        for rel, info in _files(folder):
            digest.update(f"{label}/{rel}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n".encode(
                "utf-8", "surrogateescape"))
            newest = max(newest, info.st_mtime_ns)
            if label == "content" and stat.S_ISREG(info.st_mode):
                content[f"content/{rel}"] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return Snapshot(digest.hexdigest(), newest, content)


def trustworthy(snap: Snapshot, started_ns: int) -> bool:
    """Whether ``snap`` can stand for the inputs a build that started at ``started_ns`` read."""
    return snap.newest_ns < started_ns - RACY_NS


def _files(path: Path) -> list[tuple[str, os.stat_result]]:
    try:
        info = os.lstat(path)
    except OSError:
        return []
    if not stat.S_ISDIR(info.st_mode):
        return [("", info)]
    found = []
    for dirpath, dirnames, filenames in os.walk(path):
        # Hidden files and folders are never read by a build (an editor's swap file, a
        # .DS_Store): saving one must not cost the "nothing changed" shortcut.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        below = os.path.relpath(dirpath, path).replace(os.sep, "/")
        prefix = "" if below == "." else below + "/"
        for name in sorted(n for n in filenames if not n.startswith(".")):
            try:
                found.append((prefix + name, os.lstat(os.path.join(dirpath, name))))
            except OSError:
                continue
    return found
