"""The build cache: what earlier builds computed, reused when its inputs are unchanged.

Entries are keyed by content hashes of everything that produced them (source bytes, the
settings that matter, the registry, and the code of this package), so an edit invalidates
exactly the entries that depend on it and an upgrade of mawjaz invalidates everything. The
cache is one file under ``.mawjaz-cache/`` in the digest (git-ignored), written atomically
and checksummed: a truncated, corrupt or foreign file is ignored and rebuilt, never trusted.
It holds pickled objects, so it must be as trusted as the code: never accept one from others.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.model import frozen_map

CACHE_DIR = ".mawjaz-cache"
_FILE = "state.pickle"
_MAGIC = b"mawjaz-cache 1\n"
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class BuildCache:
    """``sources``: article file -> (its stat when trusted, hash of its bytes); ``articles``:
    key -> checked article or its diagnostics; ``found``: key -> actor ids found in the text;
    ``pages``: output path -> (render key, size, mtime_ns, inode) as last written."""

    sources: Mapping[str, tuple[Any, str]] = field(default_factory=frozen_map)
    articles: Mapping[str, Any] = field(default_factory=frozen_map)
    found: Mapping[str, tuple[str, ...]] = field(default_factory=frozen_map)
    pages: Mapping[str, tuple[str, int, int, int]] = field(default_factory=frozen_map)
    note: str = ""  # why an existing cache was not used, for --verbose


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of this package's code and data: any change to mawjaz invalidates the cache."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".tsv", ".txt", ".json", ".yaml"):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def key(*parts: str | bytes) -> str:
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def load_cache(root: Path) -> BuildCache:
    path = root / CACHE_DIR / _FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return BuildCache()
    except OSError as exc:
        return BuildCache(note=f"cache unreadable ({exc.strerror}); rebuilding it")
    header, _, payload = data.partition(b"\n\n")
    if not header.startswith(_MAGIC.rstrip()) or header[len(_MAGIC):] != hashlib.sha256(payload).hexdigest().encode():
        return BuildCache(note="cache corrupt or from another version; rebuilding it")
    try:
        state = pickle.loads(payload)
        if not isinstance(state, BuildCache):
            raise TypeError(type(state).__name__)
    except Exception as exc:
        return BuildCache(note=f"cache unusable ({exc.__class__.__name__}); rebuilding it")
    return state


def save_cache(root: Path, cache: BuildCache) -> None:
    """Write atomically; a failure to save only costs speed next time."""
    folder = root / CACHE_DIR
    payload = pickle.dumps(BuildCache(cache.sources, cache.articles, cache.found, cache.pages), protocol=5)
    data = _MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n\n" + payload
    temp = folder / f"{_FILE}.{os.getpid()}.tmp"
    try:
        folder.mkdir(exist_ok=True)
        _ignore_file(folder)
        temp.write_bytes(data)
        os.replace(temp, folder / _FILE)
    except OSError:
        temp.unlink(missing_ok=True)


def _ignore_file(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# mawjaz build cache: safe to delete, never commit\n*\n", encoding="utf-8")
