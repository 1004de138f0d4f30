"""The build cache: what earlier builds computed, reused when its inputs are unchanged.

Each article's entry records the hash of its bytes and of the settings (and registry) its
processing depended on, and the whole cache is stamped with a hash of this package's code, so
an edit invalidates exactly the entries that depend on it and an upgrade of mawjaz
invalidates everything. Entries live in ``SHARDS`` files under ``.mawjaz-cache/`` in the
digest (git-ignored), by a stable hash of the article's path: a one-article edit rewrites one
small shard, not the whole cache. Every file is written atomically.

The cache is in the digest, where a clone or a pull can plant files, and it holds pickles
and compiled templates, which run code as they load. So every such file is signed with the
user's own key (see ``generator.cache.key``), the MAC binding the file's name, the code's
version and every byte: a file that fails the check (truncated, damaged, from another
version, another user or another machine) is ignored unread and rebuilt, never unpickled.
A cache is trusted only by the user whose builds wrote it; a planted or copied one costs a
cold build, and the output is that of ``--no-cache``.

Article bodies are kept apart, as raw bytes in ``bodies-*.bin`` files, and need no MAC of
their own: they are never unpickled or run, only copied into pages, and are read only where
a signed shard names them, at the offset, length and CRC-32 that shard recorded. A body file
is never rewritten, and its name carries the time and process that made it, so no file
planted ahead of a build can bear the name a later signed shard gives; a file that no longer
matches its CRC (damage) makes the build start again without the cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import io
import mmap
import os
import pickle
import re
import stat
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from generator.cache.key import cache_key, sign
from generator.core.model import (
    Article,
    Source,
    StoredBody,
    article_from_fields,
    body_bytes,
    frozen_map,
    source_from_fields,
    stored_body_from_fields,
)

CACHE_DIR = ".mawjaz-cache"
SHARDS = 64
_SHARD = "articles-{:02d}.pickle"
_PAGES_TOKEN = "pages_token"
_BODIES = "bodies-{:02d}-{:x}-{:x}.bin"  # shard, then a name no earlier file had
_BODY_NAME = re.compile(r"bodies-(?:\d\d|w)-[0-9a-f]+-[0-9a-f]+\.bin")
_SPOOL = "bodies-w-{:x}-{:x}.bin"  # bodies parsed by one process (see ``Spool``)
_SPOOLED = "bodies-w-"
_PAGES = "pages.pickle"  # (token, pages)
_PAGES_PATCH = "pages-patch.pickle"  # (token, PagesPatch)
_META = "meta.pickle"  # about the last build, naming its pages' token (see ``save_cache``)
_MAGIC = b"mawjaz-cache 5 "
_HEADER_MAX = 400  # bytes before the blank line that ends the header
_PACKAGE = Path(__file__).resolve().parents[1]  # the generator package

StatKey = tuple[int, int, int]


class Entry(NamedTuple):
    """One article file as the last build saw it. ``stat`` is None when it cannot be trusted
    (changed too close to that build); ``context`` and ``found_context`` hash the settings
    and registry that ``outcome`` and ``found`` were computed with."""

    stat: StatKey | None
    digest: str
    context: str
    outcome: Any  # a checked article, or its diagnostics
    found_context: str = ""  # empty: actors were not looked for
    found: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Shard:
    """An article shard as it was read or last written: its entries, and the body files it
    names. A build takes an unchanged article's entry from the cache as the very object read
    here, so a shard whose entries are all these objects needs no rewriting; comparing by
    identity costs a pointer per article, where hashing what each shard held cost a rebuild
    of 50,000 articles half a second."""

    entries: Mapping[str, Entry]
    bodies: frozenset[str]


@dataclass(frozen=True, slots=True)
class BuildCache:
    """``entries``: article file -> ``Entry``; ``pages``: output path -> (render key, size,
    mtime_ns, inode) as last written; ``shards``: each shard as loaded (see ``Shard``), so
    that saving rewrites only shards that changed."""

    entries: Mapping[str, Entry] = field(default_factory=frozen_map)
    pages: Mapping[str, tuple[str, int, int, int]] = field(default_factory=frozen_map)
    meta: Mapping[str, Any] = field(default_factory=frozen_map)  # about the last complete build
    shards: Mapping[int, Shard] = field(default_factory=frozen_map)
    note: str = ""  # why an existing cache was not used, for --verbose
    # Loaded: the patch ``pages`` was read with (empty when it was read whole); None, not
    # read. To save: ``pages`` as the patch to save rather than the whole record.
    pages_patch: PagesPatch | None = None


_CODE_SUFFIXES = (".py", ".tsv", ".txt", ".json", ".yaml", ".toml")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of this package's code and data: any change to mawjaz invalidates the cache."""
    digest = hashlib.sha256()
    for rel, path in _code_files(os.fspath(_PACKAGE)):
        digest.update(rel.encode())
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def _code_files(package: str) -> list[tuple[str, str]]:
    """(path relative to ``package`` in POSIX form, path) of every code and data file, in
    order of the relative path. Walked with ``os.walk``, skipping the compiled-module
    folders, rather than ``Path.rglob``: every build hashes the package first, and the
    walk made a Path of, and looked at, each of the twice as many files there."""
    found = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        rel = os.path.relpath(folder, package).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found += [(prefix + name, os.path.join(folder, name)) for name in names if name.endswith(_CODE_SUFFIXES)]
    return sorted(found)


@lru_cache(maxsize=1)
def _base() -> Any:
    return hashlib.sha256(code_digest().encode())


def key(*parts: str | bytes) -> str:
    digest = _base().copy()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


class CacheRefused(Exception):
    """The cache folder holds a link or something else mawjaz never writes there."""


def check_cache_folder(root: Path) -> None:
    """Refuse a cache folder that is, or holds, a link or anything but plain files and the
    templates folder. Signing keeps a planted cache from running code; this keeps a planted
    link (``.mawjaz-cache -> ~/Documents``, ``templates -> /etc``) from having the build
    write or remove files where it points. Nothing is followed: every entry is looked at
    with ``lstat``."""
    folder = root / CACHE_DIR
    for path, kind in _entries(folder, top=True):
        if kind == "link":
            raise CacheRefused(f"{path} is a symbolic link (to {os.readlink(path)}); the build cache holds "
                               f"only files mawjaz wrote: remove {folder} (the next build makes it again)")
        if kind != "file" and not (kind == "folder" and path.parent == folder and path.name == "templates"):
            raise CacheRefused(f"{path} is not a file mawjaz writes in its build cache: remove {folder} "
                               "(the next build makes it again)")
    for path, kind in _entries(folder / "templates"):
        if kind != "file":
            raise CacheRefused(f"{path} is not a file mawjaz writes in its build cache: remove {folder} "
                               "(the next build makes it again)")


def _entries(folder: Path, top: bool = False) -> Iterator[tuple[Path, str]]:
    """(path, kind) of ``folder`` itself when it is a link, else of what it holds."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        yield folder, "link" if stat.S_ISLNK(mode) else "other"
        return
    with os.scandir(folder) as found:
        for entry in sorted(found, key=lambda e: e.name):
            kind = ("link" if entry.is_symlink() else "folder" if entry.is_dir(follow_symlinks=False)
                    else "file" if entry.is_file(follow_symlinks=False) else "other")
            yield Path(entry.path), kind


def template_cache(root: Path) -> Path | None:
    """Where compiled templates are kept (see ``cache.templates``)."""
    folder = root / CACHE_DIR / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _ignore_file(folder.parent)
    except OSError:
        return None
    return folder


_RELATED = "related.pickle"
_RELATED_PATCH = "related-patch.pickle"


class StoredRelated(NamedTuple):
    """The related-articles state a build saved: whole (``base``, saved by the build of
    ``base_token``), and what the build that saved it changed since (``patch``, None when it
    saved the state whole). Kept apart so that an edit's build saves only its patch."""

    base_token: str
    base: Any
    patch: Any = None


def load_related(root: Path, token: str) -> StoredRelated | None:
    """The related-articles state saved by the build whose page record carries ``token``;
    None when there is none or it belongs to another build (a save that failed half-way)."""
    if not token:
        return None
    folder = root / CACHE_DIR
    stored = _load(folder / _RELATED, [])
    if not (isinstance(stored, tuple) and len(stored) == 2):
        return None
    if stored[0] == token:
        return StoredRelated(token, stored[1])
    patch = _load(folder / _RELATED_PATCH, [])
    if isinstance(patch, tuple) and len(patch) == 3 and patch[0] == token and patch[1] == stored[0]:
        return StoredRelated(stored[0], stored[1], patch[2])
    return None


def save_related(root: Path, token: str, state: object, base: StoredRelated | None = None, patch: object = None
                 ) -> None:
    """The state of the build of ``token``: as ``patch`` of the ``base`` it loaded, when
    given, or whole. Saved before the page record that names ``token``, so a crash between
    the two leaves a state that no record names."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        _ignore_file(folder)
        if base is not None and patch is not None:
            _save(folder / _RELATED_PATCH, (token, base.base_token, patch))
            return
        _save(folder / _RELATED, (token, state))
        (folder / _RELATED_PATCH).unlink(missing_ok=True)
    except OSError:
        pass


def load_signed(root: Path, name: str, version: bytes = b"") -> object:
    """What ``save_signed`` stored as ``name`` (with ``version``) in the cache folder of
    ``root``: None when there is nothing, or nothing this user's builds of this code (of
    this ``version``) wrote (see the MAC above)."""
    return _load(root / CACHE_DIR / name, [], version=version)


def save_signed(root: Path, name: str, value: object, version: bytes = b"") -> None:
    """``value`` kept for a later build, signed as every pickle of the cache is; a cache
    that cannot be written only costs that later build the work. ``version``: what the
    value's meaning depends on, when it is not mawjaz's code (empty): a value that only
    describes the disk, in builtins only, whose shape this names, outlives an upgrade."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        _ignore_file(folder)
        _save(folder / name, value, version)
    except OSError:
        pass


def remove_signed(root: Path, pattern: str, keep: set[str]) -> None:
    """Remove what ``save_signed`` stored under a name matching ``pattern`` (a glob) but not
    in ``keep``."""
    for path in (root / CACHE_DIR).glob(pattern):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def shard_of(rel: str) -> int:
    """Stable across runs and machines (unlike ``hash``)."""
    return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARDS


def load_cache(root: Path, articles: bool = True, pages: bool = True) -> BuildCache:
    """The cache (without its large article part when ``articles`` is false, and without
    the record of pages when ``pages`` is: "nothing changed" is told from the small
    ``meta`` alone); a part that cannot be trusted is left out, and rebuilt by the next save.
    The record of pages goes with the ``meta`` that names it, or neither is used."""
    return next(loaded for loaded in loading_cache(root, articles, pages) if loaded is not None)


def loading_cache(root: Path, articles: bool = True, pages: bool = True) -> Iterator[BuildCache | None]:
    """``load_cache``, a part at a time: None after each shard of articles, then the cache. A
    rebuild loads it while a child takes the snapshot that tells whether it needs it at all
    (see ``build.ahead``), and stops at the first part after the answer when it does not."""
    folder = root / CACHE_DIR
    notes: list[str] = []
    entries: dict[str, Entry] = {}
    shards: dict[int, Shard] = {}
    for shard in range(SHARDS if articles else 0):
        names: set[str] = set()
        stored = _load(folder / _SHARD.format(shard), notes, os.fspath(folder), names)
        if isinstance(stored, dict) and all(type(v) is Entry for v in stored.values()):
            entries.update(stored)
            shards[shard] = Shard(frozen_map(stored), frozenset(names))
        elif stored is not None:
            notes.append(f"{_SHARD.format(shard)} has an unknown shape; rebuilding it")
        yield None
    meta = _load(folder / _META, notes)
    meta = dict(meta) if isinstance(meta, dict) else {}
    token = meta.pop(_PAGES_TOKEN, None)
    written: dict[str, tuple[str, int, int, int]] = {}
    patch = None
    if pages and meta:
        recorded = _recorded_pages(folder, token, notes)
        if recorded is None:
            meta = {}  # from a save that did not finish: neither can be trusted
        else:
            written, patch = recorded
    yield BuildCache(frozen_map(entries), frozen_map(written), frozen_map(meta), frozen_map(shards),
                     _summarised(notes), patch)


def _recorded_pages(folder: Path, token: object, notes: list[str]
                    ) -> tuple[dict[str, tuple[str, int, int, int]], PagesPatch] | None:
    """The record of pages the meta's ``token`` names, whole or as the whole record and a
    patch of it (see ``PagesPatch``), with that patch (empty when it was whole)."""
    stored = _load(folder / _PAGES, notes)
    if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], dict)):
        return None
    if stored[0] == token:
        return stored[1], PagesPatch(stored[0], {}, frozenset())
    patch = _load(folder / _PAGES_PATCH, notes)
    if not (isinstance(patch, tuple) and len(patch) == 2 and patch[0] == token and isinstance(patch[1], PagesPatch)
            and patch[1].base == stored[0]):
        return None
    written = stored[1]
    written.update(patch[1].changed)
    for path in patch[1].removed:
        written.pop(path, None)
    return written, patch[1]


class PagesPatch(NamedTuple):
    """The record of pages as the changes since the whole record saved with the token
    ``base``: an edit's build rewrites a few hundred files of a site's 130,000, and saving
    the whole record again was a tenth of a second of it at 50,000 articles."""

    base: str
    changed: Mapping[str, tuple[str, int, int, int]]  # paths added or written anew since, as now
    removed: frozenset[str]  # paths of ``base`` gone since


# Past this share of the whole record, a patch is saved as a whole record again.
PATCH_SHARE = 16


def pages_patch(loaded: BuildCache, pages: Mapping[str, tuple[str, int, int, int]],
                anew: Mapping[str, tuple[str, int, int, int]] | None = None) -> PagesPatch | None:
    """``pages`` (a build's new record) as a patch of the whole record ``loaded`` was read
    from, the changes it was read with included; None when there is no such record or the
    patch would be large. A record that is unchanged is the same object in both (see
    ``pipeline.written_record``): only the paths written anew are looked at closely.
    ``anew``: those records, when the caller told them apart."""
    before = loaded.pages_patch
    if before is None or not loaded.pages:
        return None
    last = loaded.pages.get
    changed = anew if anew is not None else {path: record for path, record in pages.items()
                                               if last(path) is not record}
    gone = len(loaded.pages) - (len(pages) - sum(1 for path in changed if path not in loaded.pages))
    # A search shard cut anew (its language doubled) leaves files of the old cut:
    # most edits remove a few paths, found by one set difference rather than a loop.
    removed = frozenset(loaded.pages.keys() - pages.keys()) if gone else frozenset()
    together = {**before.changed, **changed}
    patch = PagesPatch(before.base, {path: together[path] for path in together.keys() - removed},
                       (before.removed | removed) - changed.keys())
    if (len(patch.changed) + len(patch.removed)) * PATCH_SHARE > len(pages):
        return None
    return patch


def _summarised(notes: list[str], most: int = 3) -> str:
    """The notes of a load, with the key's first (one reason can reject all 66 files)."""
    if len(notes) > most:
        notes = [*notes[:most], f"and {len(notes) - most} more"]
    return "; ".join([cache_key().note, *notes] if cache_key().note else notes)


def save_cache(root: Path, cache: BuildCache, articles: bool = True, pages: bool = True) -> BuildCache:
    """Write the parts asked for, each atomically; a failure only costs speed next time.
    Only article shards whose entries differ from what was loaded are rewritten.

    Returns ``cache`` with the entries of the shards written as they now read back: their
    articles' bodies are in the cache's body files (see ``StoredBody``), no longer held in
    memory, which after a first build is most of what the articles take."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        _ignore_file(folder)
        if articles:
            cache = _save_shards(folder, cache)
        if pages:  # the pages first, then the meta that names them
            token = f"{time.time_ns()}-{os.getpid()}"
            if cache.pages_patch is not None:
                _save(folder / _PAGES_PATCH, (token, cache.pages_patch))
            else:
                _save(folder / _PAGES, (token, dict(cache.pages)))
                (folder / _PAGES_PATCH).unlink(missing_ok=True)
            _save(folder / _META, {**cache.meta, _PAGES_TOKEN: token})
    except OSError:
        pass
    return cache


def _save_shards(folder: Path, cache: BuildCache) -> BuildCache:
    entries = dict(cache.entries)
    shards: dict[int, Shard] = {}
    dirty = _dirty_shards(cache)
    for shard in range(SHARDS):
        path = folder / _SHARD.format(shard)
        before = cache.shards.get(shard)
        content = dirty.get(shard)
        if content is None:  # holds the very entries it was loaded with, or none
            if before is not None and path.exists():
                shards[shard] = before
                continue
            content = dict(before.entries) if before is not None else {}
        if not content:
            path.unlink(missing_ok=True)
        else:
            written = _save_shard(folder, shard, content)
            entries.update(written.entries)
            shards[shard] = written
    _remove_unnamed_bodies(folder, frozenset().union(*(s.bodies for s in shards.values())))
    return dataclasses.replace(cache, entries=frozen_map(entries), shards=frozen_map(shards))


def _dirty_shards(cache: BuildCache) -> dict[int, dict[str, Entry]]:
    """The entries of each shard that no longer holds exactly the entry objects it was loaded
    with (an entry new, changed or gone; empty: the shard has none left). A shard is found
    by the entries that differ rather than by grouping every entry by its path's hash again:
    after a one-article edit that is one entry, where grouping every path again took 12 ms at
    10,000 articles (5 ms this way)."""
    loaded: dict[str, Entry] = {}
    for shard in cache.shards.values():
        loaded.update(shard.entries)
    get = loaded.get
    entries = cache.entries
    changed = [rel for rel, entry in entries.items() if get(rel) is not entry]
    gone = loaded.keys() - entries.keys() if len(entries) - len(changed) != len(loaded) else set()
    dirty: dict[int, dict[str, Entry]] = {}
    for rel in sorted({*changed, *gone}):
        shard = shard_of(rel)
        if shard not in dirty:
            before = cache.shards.get(shard)
            dirty[shard] = {r: entries[r] for r in before.entries if r in entries} if before is not None else {}
        if rel in entries:
            dirty[shard][rel] = entries[rel]
    return dirty


def _bodies(entries: Mapping[str, Entry]) -> Iterator[bytes | StoredBody]:
    for entry in entries.values():
        body = getattr(getattr(entry.outcome, "article", None), "body", None)
        if body is not None:
            yield body


def _save_shard(folder: Path, shard: int, content: dict[str, Entry]) -> Shard:
    """Write the shard's bodies to a new body file, then the shard naming it (a body file is
    never rewritten: an article read from it by another process stays what it was).

    A shard whose bodies are all new (spooled by the workers of a first build, see
    ``Spool``) names the spool files instead of copying tens of MB into files of its
    own; a rebuild copies the bodies of each shard it saves into one new file, so spool
    files go once no shard names them (``_remove_unnamed_bodies``). Returns the shard as it
    now reads back."""
    adopt = all(isinstance(body, bytes) or _SPOOLED in body.path for body in _bodies(content))
    name = _BODIES.format(shard, time.time_ns(), os.getpid())
    buffer = io.BytesIO()
    pickler = _ShardPickler(buffer, os.fspath(folder / name), adopt)
    pickler.dump({_rel_of(rel, entry): entry for rel, entry in content.items()})
    payload = buffer.getvalue()
    if pickler.bodies:
        write_atomically(folder / name, b"".join(pickler.bodies))
        pickler.names.add(name)
    shard_name = _SHARD.format(shard)
    write_atomically(folder / shard_name, _header(shard_name, payload) + b"\n\n" + payload)
    return Shard(frozen_map({rel: _with_body(entry, pickler.stored) for rel, entry in content.items()}),
                 frozenset(pickler.names))


def _rel_of(rel: str, entry: Entry) -> str:
    """``rel`` as the very object the entry's article holds, when it has one: pickled once, a
    shard loads one string for both (the other copy was 10 MB at 50,000 articles)."""
    article = getattr(entry.outcome, "article", None)
    return article.rel if article is not None and article.rel == rel else rel


def _with_body(entry: Entry, stored: Mapping[int, StoredBody]) -> Entry:
    """``entry`` as it now reads back: its article's body where the shard put it (the rest
    of the entry is shared, not copied)."""
    article = getattr(entry.outcome, "article", None)
    body = stored.get(id(article))
    if body is None:
        return entry
    return entry._replace(outcome=dataclasses.replace(entry.outcome, article=dataclasses.replace(article, body=body)))


def _remove_unnamed_bodies(folder: Path, named: frozenset[str]) -> None:
    """Remove the body files no shard names any more (those this build's articles were
    loaded from included: it now holds the articles as saved)."""
    for path in folder.glob("bodies-*.bin"):
        if path.name not in named:
            path.unlink(missing_ok=True)


class Spool:
    """Where the bodies of the articles a build parses go at once: one file per process in
    the cache ``folder``, for the shards to take when the cache is saved. The process that
    parses the articles (a worker) keeps each body out of the result it sends back, so a
    first build never holds every body at once.

    Owned by the build's ingest job. Forked workers inherit the object; one that finds it
    opened by another process opens a file of its own (and its files close when it ends).
    """

    __slots__ = ("_descriptor", "_path", "_pid", "folder")

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._pid, self._path, self._descriptor = 0, "", -1

    def body(self, data: bytes) -> bytes | StoredBody:
        """``data`` written to this process's spool file; ``data`` itself where it cannot be."""
        try:
            if self._pid != os.getpid():
                self._open()
            offset = os.lseek(self._descriptor, 0, os.SEEK_END)
            view = memoryview(data)
            while view:
                view = view[os.write(self._descriptor, view):]
        except OSError:
            return data
        return StoredBody(self._path, offset, len(data), zlib.crc32(data))

    def close(self) -> None:
        """Close this process's spool file (its bodies stay until the cache is saved)."""
        if self._pid == os.getpid():
            self._pid = 0
            with contextlib.suppress(OSError):
                os.close(self._descriptor)

    def _open(self) -> None:
        pid = os.getpid()
        path = os.fspath(self.folder / _SPOOL.format(time.time_ns(), pid))
        self._descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self._pid, self._path = pid, path


# Article fields whose values repeat from article to article (see ``_ShardPickler._share``).
_REPEATED = frozenset({"lang", "actors", "removed_lines", "topics", "byline"})


class _ShardPickler(pickle.Pickler):
    """Pickles entries with each article's body moved out, to ``bodies`` (the caller writes
    them to ``body_path``) and a ``StoredBody`` in its place (with ``adopt``, only the bodies
    still in memory). A stored body is pickled as its
    file's name, so a cache folder that moves with its digest still reads."""

    def __init__(self, file: Any, body_path: str, adopt: bool = False):
        super().__init__(file, protocol=5)
        self.body_path = body_path
        self.adopt = adopt  # keep bodies already in a file where they are
        self.bodies: list[bytes] = []
        self.offset = 0
        self.stored: dict[int, StoredBody] = {}  # id of each article pickled -> its body's place
        self.names: set[str] = set()  # the body files already written that the shard names
        self.texts: dict[Any, Any] = {}  # see ``_share``

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        if kind is Entry:  # made by tuple's own constructor, not the named tuple's (Python) one
            return (tuple.__new__, (Entry, self._entry(obj)))
        if kind is Source:
            return (source_from_fields, (self._share(obj.name), obj.url))
        if kind is StoredBody:
            name = os.path.basename(obj.path)
            self.names.add(name)
            return (_stored_body, (name, obj.offset, obj.length, obj.crc))
        if kind is not Article:
            return NotImplemented
        body = obj.body
        if not (self.adopt and isinstance(body, StoredBody)):
            data = body_bytes(body)
            body = self.stored[id(obj)] = StoredBody(self.body_path, self.offset, len(data), zlib.crc32(data))
            self.bodies.append(data)
            self.offset += len(data)
        # Every field at once, then only the body and the fields that repeat replaced: a
        # generator over the two dozen fields, each passed through ``_shared``, was a third
        # of the time a first build spends saving its articles.
        values = list(_ARTICLE_FIELDS(obj))
        values[_BODY_AT] = body
        for at in _REPEATED_AT:
            values[at] = self._shared(values[at])
        return (article_from_fields, tuple(values))

    def _entry(self, entry: Entry) -> tuple[Any, ...]:
        """``entry``'s fields with its texts shared (see ``_share``), its digest the very
        object its article's ``source_digest`` is when they are equal."""
        article = getattr(entry.outcome, "article", None)
        digest = entry.digest
        if article is not None and article.source_digest == digest:
            digest = article.source_digest
        return (entry.stat, digest, self._share(entry.context), entry.outcome, self._share(entry.found_context),
                self._shared(entry.found))

    def _shared(self, value: Any) -> Any:
        """One of the article's fields that repeat from article to article (see
        ``_REPEATED``), as pickled: shared."""
        if value is None:
            return value
        if type(value) is tuple:
            return self._share(tuple(map(self._share, value)))
        return self._share(value)

    def _share(self, value: Any) -> Any:
        """One object for each value the shard holds: pickle writes an object met again as a
        reference to the first, so the shard loads it once. The settings' and registry's
        hashes of every entry, the language and actor ids of every article each came back
        as their own copies, 35 MB of a 50,000-article rebuild."""
        return self.texts.setdefault(value, value)


def _stored_body(name: str, offset: int, length: int, crc: int) -> StoredBody:
    """What a shard names a stored body by (see ``_ShardPickler``): only a shard's own
    unpickler makes it into a body, in its folder (``_ShardUnpickler.find_class``)."""
    raise pickle.UnpicklingError("a stored body outside a shard of the build cache")


_ARTICLE_FIELDS = attrgetter(*Article.__slots__)  # every field of an article, in order
_BODY_AT = Article.__slots__.index("body")
_REPEATED_AT = tuple(at for at, name in enumerate(Article.__slots__) if name in _REPEATED)


class _ShardUnpickler(pickle.Unpickler):
    """Stored bodies come back in ``folder``, and must lie inside their file. ``files``: the
    body files met, by name (path and size): a shard names one or two, thousands of times.

    A stored body is pickled as a call of ``_stored_body``, which this unpickler alone
    turns into ``_body``, rather than as a persistent id: the pickler calls a
    ``persistent_id`` method for every object it writes, 80 times as many as the bodies,
    which took a sixth of the time a first build spends saving its articles."""

    def __init__(self, file: Any, folder: str):
        super().__init__(file)
        self.folder = folder
        self.files: dict[str, tuple[str, int]] = {}

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == _stored_body.__name__:
            return self._body
        return super().find_class(module, name)

    def _body(self, name: str, offset: int, length: int, crc: int) -> StoredBody:
        known = self.files.get(name)
        if known is None:
            if not _BODY_NAME.fullmatch(name):
                raise pickle.UnpicklingError(f"not a body file: {name!r}")
            path = os.path.join(self.folder, name)
            known = self.files[name] = (path, os.stat(path).st_size)  # a missing file: the shard is rebuilt
        if not 0 <= offset <= offset + length <= known[1]:
            raise pickle.UnpicklingError(f"{name} is shorter than the cache says")
        return stored_body_from_fields(known[0], offset, length, crc)


def _unpickle(payload: bytes | memoryview, folder: str, names: set[str] | None = None) -> Any:
    unpickler = _ShardUnpickler(io.BytesIO(payload), folder)
    try:
        value = unpickler.load()
    finally:
        # The memo holds the unpickler's own ``_body`` (a cycle, which only the collector
        # breaks, and a build loads with it paused) and with it every object the shard
        # made, the arguments of each constructor call included: 70 MB more at 50,000
        # articles, held through the whole build.
        unpickler.memo.clear()
    if names is not None:
        names.update(unpickler.files)
    return value


def _load(path: Path, notes: list[str], folder: str = "", names: set[str] | None = None,
          version: bytes = b"") -> object:
    """The value stored at ``path`` (``folder``: where its articles' bodies are; the names
    of their files go in ``names``; ``version``: see ``save_signed``). The file is mapped
    rather than read, as it is on the path of every rebuild."""
    try:
        with open(path, "rb") as handle, _mapped(handle) as data:
            return _decode(path, memoryview(data), notes, folder, names, version)
    except FileNotFoundError:
        return None
    except OSError as exc:
        notes.append(f"{path.name} unreadable ({exc.strerror}); rebuilding it")
        return None


@contextlib.contextmanager
def _mapped(handle: Any) -> Iterator[Any]:
    try:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except ValueError:  # an empty file cannot be mapped
        yield b""
        return
    try:
        yield data
    finally:
        data.close()


def _decode(path: Path, data: memoryview, notes: list[str], folder: str = "",
            names: set[str] | None = None, version: bytes = b"") -> object:
    """The value in ``data``, unpickled only once its MAC proves this user's builds wrote it."""
    split = bytes(data[:_HEADER_MAX]).find(b"\n\n")
    header, payload = bytes(data[:max(split, 0)]), data[split + 2:]
    try:
        if split < 0 or not hmac.compare_digest(header, _header(path.name, payload, version)):
            notes.append(f"{path.name} damaged, from another version or not signed with this user's "
                         "key; rebuilding it")
            return None
        try:
            return _unpickle(payload, folder, names) if folder else pickle.loads(payload)
        except Exception as exc:
            notes.append(f"{path.name} unusable ({exc.__class__.__name__}); rebuilding it")
            return None
    finally:
        payload.release()
        data.release()


def _header(name: str, payload: bytes | memoryview, version: bytes = b"") -> bytes:
    """Format, code version (or the value's own ``version``, see ``save_signed``), length
    and MAC: a file from other code, or not made by this user's builds under this name, is
    dropped unread (see the module's docstring). The MAC replaces a CRC-32 that caught
    accidents but not forgery, at a few milliseconds more on the tens of MB a large rebuild
    reads."""
    version = version or code_digest().encode()
    mac = sign(b"mawjaz-cache", name.encode(), version, payload)
    return b"%s%s %d %s" % (_MAGIC, version, len(payload), mac.hex().encode())


def _save(path: Path, value: object, version: bytes = b"") -> None:
    payload = pickle.dumps(value, protocol=5)
    write_atomically(path, _header(path.name, payload, version) + b"\n\n" + payload)


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` at ``path``, written beside it and renamed into place: a reader sees the old
    file or the new one, never half of one."""
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _ignore_file(folder: Path) -> None:
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# mawjaz build cache: safe to delete, never commit\n*\n", encoding="utf-8")
