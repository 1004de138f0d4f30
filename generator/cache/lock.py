"""One build of a digest at a time: an advisory lock on a file in the digest.

A curator's build and a watcher, or two CI jobs on one checkout, would otherwise save the
cache and swap the output folder under each other. The lock is a POSIX record lock
(``lockf``) on ``.mawjaz-cache/lock``, beside the rest of the build's state, so a digest
gains no other file and a failed build adds nothing a curator sees. The kernel drops it when
its holder exits or is killed, so a crashed build never leaves a stale lock to clean up, and
the file itself is never removed (removing a lock file lets a third process lock a different
file). A record lock, not ``flock``, because it belongs to the process alone: worker
processes forked by the build do not hold it, so a build killed while a worker is still
winding down frees the digest at once. Neither the folder nor the file is followed if it is
a link, since a clone could plant one pointing anywhere. Where ``fcntl`` is missing
(Windows), builds are not serialised.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.cache.store import CACHE_DIR

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = "lock"  # in the cache folder


class DigestBusy(Exception):
    """Another mawjaz process holds the digest and the caller chose not to wait."""


class LockRefused(Exception):
    """The lock file is not a plain file mawjaz can use (a planted link, a folder)."""


@contextlib.contextmanager
def digest_lock(root: Path, wait: bool = True,
                waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the digest's lock for the block (one holder per process: a second call in the
    process that holds it does not wait, and its end releases the lock). Busy: wait (telling
    ``waiting`` why, once) or, with ``wait=False``, raise ``DigestBusy``. A digest where the lock file cannot be made
    at all (a read-only checkout) is built unlocked: nothing of mawjaz's is written in it
    then, so there is nothing to serialise."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = _open(root / CACHE_DIR)
    if fd is None:
        yield
        return
    try:
        _acquire(fd, root, wait, waiting)
        _record_holder(fd)
        yield
    finally:
        os.close(fd)  # releases the lock


def _open(folder: Path) -> int | None:
    """The lock file, opened; None where the digest is read-only."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return None
        raise LockRefused(f"cannot make {folder}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(os.lstat(folder).st_mode):
        raise LockRefused(f"{folder} is a symbolic link (to {os.readlink(folder)}); the build cache holds only "
                          f"files mawjaz wrote: remove {folder} (the next build makes it again)")
    path = folder / LOCK_NAME
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LockRefused(f"{path} is a symbolic link; mawjaz keeps its lock in a plain file "
                              "there and never follows a link: remove it") from None
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return None
        raise LockRefused(f"cannot open the lock file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LockRefused(f"{path} is not a plain file; mawjaz keeps its lock there: remove it")
    return fd


def _acquire(fd: int, root: Path, wait: bool, waiting: Callable[[str], None] | None) -> None:
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except OSError as exc:
        if exc.errno not in (errno.EACCES, errno.EAGAIN):
            raise LockRefused(f"cannot lock {root / CACHE_DIR / LOCK_NAME}: {exc.strerror or exc}") from None
    holder = _holder(fd)
    who = f"another mawjaz process{f' (pid {holder})' if holder else ''} is building {root}"
    if not wait:
        raise DigestBusy(f"{who}; try again when it has finished")
    if waiting is not None:
        waiting(f"waiting: {who}")
    fcntl.lockf(fd, fcntl.LOCK_EX)


def _holder(fd: int) -> str:
    """The process id the holder wrote in the file, for the message (best effort)."""
    with contextlib.suppress(OSError):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return text
    return ""


def _record_holder(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
