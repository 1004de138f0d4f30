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
_ARTICLES = "articles.pickle"
_PAGES = "pages.pickle"
_MAGIC = b"mawjaz-cache 1 "
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
    meta: Mapping[str, Any] = field(default_factory=frozen_map)  # about the last complete build
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


def load_cache(root: Path, articles: bool = True) -> BuildCache:
    """The cache (without its large article part when ``articles`` is false); a part that
    cannot be trusted is replaced by an empty one."""
    notes: list[str] = []
    stored = _load(root / CACHE_DIR / _ARTICLES, notes) if articles else None
    pages = _load(root / CACHE_DIR / _PAGES, notes)
    sources, entries, found = stored if _shaped(stored, 3) else ({}, {}, {})
    written, meta = pages if _shaped(pages, 2) else ({}, {})
    return BuildCache(frozen_map(sources), frozen_map(entries), frozen_map(found), frozen_map(written),
                      frozen_map(meta), "; ".join(notes))


def save_cache(root: Path, cache: BuildCache, articles: bool = True, pages: bool = True) -> None:
    """Write the parts asked for, each atomically; a failure only costs speed next time.
    The article part is large, so a build that changed no article leaves it alone."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        _ignore_file(folder)
        if articles:
            _save(folder / _ARTICLES, (dict(cache.sources), dict(cache.articles), dict(cache.found)))
        if pages:
            _save(folder / _PAGES, (dict(cache.pages), dict(cache.meta)))
    except OSError:
        pass


def _shaped(value: object, size: int) -> bool:
    return isinstance(value, tuple) and len(value) == size and all(isinstance(v, dict) for v in value)


def _load(path: Path, notes: list[str]) -> object:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        notes.append(f"{path.name} unreadable ({exc.strerror}); rebuilding it")
        return None
    header, _, payload = data.partition(b"\n\n")
    if header != _header(payload):
        notes.append(f"{path.name} corrupt or from another version; rebuilding it")
        return None
    try:
        return pickle.loads(payload)
    except Exception as exc:
        notes.append(f"{path.name} unusable ({exc.__class__.__name__}); rebuilding it")
        return None


def _header(payload: bytes) -> bytes:
    """Format, code version and checksum: a file from other code is dropped unread."""
    return _MAGIC + code_digest().encode() + b" " + hashlib.sha256(payload).hexdigest().encode()


def _save(path: Path, value: object) -> None:
    payload = pickle.dumps(value, protocol=5)
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(_header(payload) + b"\n\n" + payload)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _ignore_file(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# mawjaz build cache: safe to delete, never commit\n*\n", encoding="utf-8")
