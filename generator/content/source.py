"""Load: find the digest's content files and read them safely.

This is the only stage that touches the content folder. It refuses what could hurt the build
or leak files (binary data, non-UTF-8 text, files over the size limit, symlinks leading out of
the digest) with a diagnostic naming the file and the byte, and never skips anything silently.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from generator.core.diagnostics import Diagnostic, byte_position, error
from generator.core.model import SourceFile

ARTICLES_DIR = "content/articles"
SUFFIXES = (".md", ".markdown")


def discover(root: Path, folder: str = ARTICLES_DIR) -> Iterator[Path | Diagnostic]:
    """Files below ``folder`` in a stable (sorted) order; hidden files are skipped, and a
    symlinked folder is reported (it could lead outside the digest), never walked."""
    for found in discover_names(root, folder):
        yield found if isinstance(found, Diagnostic) else root / found


def discover_names(root: Path, folder: str = ARTICLES_DIR) -> Iterator[str | Diagnostic]:
    """``discover`` as POSIX paths from ``root``: plain strings are much cheaper than paths
    for the tens of thousands of files of a large digest."""
    base = os.path.join(root, folder)
    if not os.path.isdir(base):
        return
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        below = os.path.relpath(dirpath, base).replace(os.sep, "/")
        prefix = folder if below == "." else f"{folder}/{below}"
        visible = sorted(d for d in dirnames if not d.startswith("."))
        for name in visible:
            if os.path.islink(os.path.join(dirpath, name)):
                yield error(f"{prefix}/{name}", 0, 0, "folder-link",
                            "symlinked folders are not followed; move the files into content/")
        dirnames[:] = [d for d in visible if not os.path.islink(os.path.join(dirpath, d))]
        for name in sorted(filenames):
            if name.endswith(SUFFIXES) and not name.startswith("."):
                yield f"{prefix}/{name}"


def read_source(root: Path, path: Path, max_size: int,
                folders: dict[str, Path] | None = None) -> SourceFile | Diagnostic:
    """Read one file as text, or explain why it cannot be used. ``folders`` memoises where
    folders resolve to, for a caller reading many files in one pass."""
    rel = path.relative_to(root).as_posix()
    problem = _check_location(root, path, rel, {} if folders is None else folders)
    if problem:
        return problem
    try:
        size = path.stat().st_size
        if size > max_size:
            return error(rel, 0, 0, "file-too-large",
                         f"file is {size:,} bytes; the limit is {max_size:,} (`max_file_size`)")
        data = path.read_bytes()
    except OSError as exc:
        return error(rel, 0, 0, "file-unreadable", f"cannot read file: {exc.strerror or exc}")
    return decode_source(rel, data)


def decode_source(rel: str, data: bytes) -> SourceFile | Diagnostic:
    """UTF-8 text with BOM removed and line endings made ``\\n``; binary data is refused."""
    nul = data.find(b"\0")
    if nul >= 0:
        line, col = byte_position(data, nul)
        return error(rel, line, col, "file-binary",
                     f"binary data (NUL byte at offset {nul}); articles must be UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        return error(rel, line, col, "file-encoding",
                     f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                     "save the file as UTF-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return SourceFile(rel=rel, text=text, digest=hashlib.sha256(data).hexdigest())


def _check_location(root: Path, path: Path, rel: str, folders: dict[str, Path]) -> Diagnostic | None:
    """Symlinks may point inside the digest; anything resolving outside it is refused. A
    regular file (not a link) resolves to where its folder does, and a pass over thousands
    of articles has few folders: resolving each once saves a path walk per file."""
    try:
        regular = stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        regular = False
    resolved = _resolve(path.parent, folders) / path.name if regular else path.resolve()
    if not resolved.is_relative_to(_resolve(root, folders)):
        return error(rel, 0, 0, "file-outside",
                     f"refusing a link that leads outside the digest (to {resolved})")
    if not regular and not resolved.is_file():
        return error(rel, 0, 0, "file-not-regular", "not a regular file")
    return None


def _resolve(folder: Path, folders: dict[str, Path]) -> Path:
    key = os.fspath(folder)
    found = folders.get(key)
    if found is None:
        found = folders[key] = folder.resolve()
    return found


