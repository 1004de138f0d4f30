"""Load, parse and clean every article: in parallel, and only what changed since last time.

The per-article stages (read, front matter, cleaning, Markdown, sanitising, finding actors in
the text) are independent, so misses are spread over all cores and results gathered in file
order. Results are cached by the hash of the file's bytes plus the settings and code they
depend on (see ``generator.cache.store``). Like git, a file whose size, mtime and inode match the
last build is not read again, unless it changed so soon before that build that the stat could
not tell two versions apart. A file that is read again (so racy, touched, or checked out anew)
but hashes to what the cache holds keeps its cached result: only its stat is new.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator.actors.registry import ActorRegistry
from generator.actors.tagging import find_actors, tagging_text
from generator.cache.store import BuildCache, Entry, Spool, StatKey, key
from generator.content.articles import Checked, build_article
from generator.content.cleanup import WordForms
from generator.content.frontmatter import parse_article
from generator.content.source import discover_names, read_source
from generator.core.config import SiteConfig
from generator.core.diagnostics import Diagnostic
from generator.core.files import RACY_NS
from generator.core.lazy import LazyMapping, LazySequence
from generator.core.model import Article, StoredBody, frozen_map
from generator.core.parallel import map_ordered

Outcome = Checked | list[Diagnostic]


@dataclass(frozen=True, slots=True)
class Ingested:
    checked: Sequence[Checked]  # in file order (see ``checked_of``)
    problems: tuple[Diagnostic, ...]
    found: Mapping[str, tuple[str, ...]]  # rel -> actor ids named in the text (see ``found_of``)
    cache: BuildCache  # the entries this build used, to save for the next one
    changed: bool  # anything read anew or gone since the cache was written
    # rel -> the search index entry of each article read anew (with ``index_text``); never
    # in the cache's entries, whose load they would slow down (the index keeps its own)
    forms: Mapping[str, bytes | StoredBody] = field(default_factory=frozen_map)


@dataclass(frozen=True, slots=True)
class _Job:
    root: Path
    config: SiteConfig
    registry: ActorRegistry | None  # None: do not look for actors in the text
    context: str
    found_context: str
    folders: dict[str, Path] = field(default_factory=dict)  # resolved folders, for this pass
    spool: Spool | None = None  # where bodies go as they are made (see ``cache.store.Spool``)
    words: WordForms = field(default_factory=WordForms)  # the cleaner's memo for this pass
    # rel -> digest of the bytes of a cached result that still holds if the file has them
    known: Mapping[str, str] = field(default_factory=dict)
    index_text: Callable[[Article], bytes] | None = None  # an article's search index entry


def article_settings(config: SiteConfig) -> str:
    """The settings an article's processing depends on; others (base_url, feeds...) only
    affect rendering, so changing them keeps the article cache."""
    return repr((config.language, config.timezone, config.slug_policy, config.permalink, config.max_file_size))


def registry_key(registry: ActorRegistry | None) -> str:
    return "" if registry is None else key(pickle.dumps(registry.actors, protocol=5))


def ingest(root: Path, config: SiteConfig, registry: ActorRegistry | None, cache: BuildCache,
           workers: int | None = None, progress: Callable[[int, int], None] | None = None,
           stats: Mapping[str, StatKey] | None = None, spool: Path | None = None,
           names: Sequence[str] | None = None,
           index_text: Callable[[Article], bytes] | None = None) -> Ingested:
    """``stats``: identities of regular files already taken by this build (see
    ``fingerprint.Snapshot.content``); ``names``: the article files, when this build has
    listed them already (``Snapshot.articles``). ``spool``: the cache folder, where the
    bodies of the articles parsed go at once (see ``cache.store.Spool``). ``index_text``:
    what makes an article's search index entry, for each article parsed (``Ingested.forms``):
    made where its text is at hand, on the processes that read the articles, rather than
    by the build's own process later, beside its rendering."""
    context = key("article", article_settings(config))
    found_context = "" if registry is None else key("found", registry_key(registry), context)
    if spool is not None:
        try:
            spool.mkdir(exist_ok=True)
        except OSError:
            spool = None
    entries: dict[str, Entry] = {}
    misses: list[str] = []
    refind: list[tuple[str, Entry]] = []
    problems: list[Diagnostic] = []
    same: dict[str, str] = {}
    for rel, status in _scan(root, stats or {}, names):
        if isinstance(status, Diagnostic):
            problems.append(status)
            continue
        known = cache.entries.get(rel)
        if known is None or known.stat is None or known.stat != status or known.context != context:
            misses.append(rel)
            if known is not None and known.digest and known.context == context and (
                    registry is None or known.found_context == found_context):
                same[rel] = known.digest
        elif registry is not None and known.found_context != found_context:
            refind.append((rel, known))
        else:
            entries[rel] = known
    job = _Job(root, config, registry, context, found_context,
               spool=None if spool is None else Spool(spool), known=same, index_text=index_text)
    forms: dict[str, bytes | StoredBody] = {}
    try:
        for done in map_ordered(_process, job, misses, workers, progress):
            entries[done.outcome_rel] = done.entry or cache.entries[done.outcome_rel]._replace(stat=done.stat)
            if done.forms is not None:
                forms[done.outcome_rel] = done.forms
    finally:
        if job.spool is not None:
            job.spool.close()
    for done in map_ordered(_find_again, job, refind, workers):
        entries[done.outcome_rel] = done.entry
    changed = bool(misses or refind) or entries.keys() != cache.entries.keys()
    gathered = _gather(entries, problems, dataclasses.replace(cache, entries=frozen_map(entries)), changed)
    return dataclasses.replace(gathered, forms=frozen_map(forms)) if forms else gathered


def saved(ingested: Ingested, cache: BuildCache) -> Ingested:
    """``ingested`` with the articles of ``cache``, as ``save_cache`` returned it: the same
    articles, their bodies left in the cache's files rather than in memory."""
    return dataclasses.replace(ingested, checked=checked_of(cache.entries), cache=cache)


def _gather(entries: Mapping[str, Entry], problems: list[Diagnostic], cache: BuildCache,
            changed: bool) -> Ingested:
    for rel in sorted(rel for rel, entry in entries.items() if not isinstance(entry.outcome, Checked)):
        problems.extend(entries[rel].outcome)
    return Ingested(checked_of(cache.entries), tuple(problems), found_of(cache.entries), cache, changed)


def checked_of(entries: Mapping[str, Entry]) -> Sequence[Checked]:
    """The checked articles of ``entries`` in the order of their files, made when first
    asked for: a rebuild that follows the last build's recipe (see ``build.recipe``) takes
    the articles from the entries and never asks, and sorting and gathering 50,000 of
    them, twice (read, then saved), took a tenth of a second of its edit."""
    return LazySequence(lambda: tuple(entry.outcome for _rel, entry in sorted(entries.items())
                                      if isinstance(entry.outcome, Checked)))


def found_of(entries: Mapping[str, Entry]) -> Mapping[str, tuple[str, ...]]:
    """The actors found in each article's text (``Entry.found``) by source path, gathered
    when first asked for (see ``checked_of``)."""
    return LazyMapping(lambda: {rel: entry.found for rel, entry in sorted(entries.items())
                                if entry.found is not None})


@dataclass(frozen=True, slots=True)
class _Done:
    outcome_rel: str
    entry: Entry | None  # None: the cached entry holds, with ``stat``
    stat: StatKey | None = None
    # The article's search index entry, when the job makes them: spooled with the bodies when
    # the job has a spool (held for every article until its shard is indexed, 5 KB each)
    forms: bytes | StoredBody | None = None


def _find_again(job: _Job, item: tuple[str, Entry]) -> _Done:
    """A cached article whose registry changed: only the actor search is redone."""
    rel, entry = item
    return _Done(rel, entry._replace(found_context=job.found_context, found=_actors_in(job, entry.outcome)))


def _actors_in(job: _Job, outcome: Outcome) -> tuple[str, ...] | None:
    if job.registry is None or not isinstance(outcome, Checked):
        return None
    return find_actors(job.registry, tagging_text(outcome.article))


def _process(job: _Job, rel: str) -> _Done:
    """One article, start to finish, or only read and hashed when the cache holds the
    result for its bytes; runs in a worker process.

    Its stat is trusted (recorded for the next build to compare) only when the clock, read
    before the stat, was already ``RACY_NS`` past the file's change: a later change then
    gives it a new stat."""
    path = job.root / rel
    now = time.time_ns()
    before = _stat_key(path)
    source = read_source(job.root, path, job.config.max_file_size, job.folders)
    if isinstance(source, Diagnostic):
        return _Done(rel, Entry(None, "", job.context, [source]))
    trusted = before if before and before[1] < now - RACY_NS else None
    if job.known.get(rel) == source.digest:
        return _Done(rel, None, trusted)
    raw = parse_article(source)
    outcome = build_article(raw, job.config, job.words) if not isinstance(raw, Diagnostic) else [raw]
    found = _actors_in(job, outcome)
    forms = job.index_text(outcome.article) if job.index_text is not None and isinstance(outcome, Checked) else None
    if forms is not None and job.spool is not None:
        forms = job.spool.body(forms)
    if job.spool is not None and isinstance(outcome, Checked) and isinstance(outcome.article.body, bytes):
        body = job.spool.body(outcome.article.body)
        outcome = dataclasses.replace(outcome, article=dataclasses.replace(outcome.article, body=body))
    return _Done(rel, Entry(trusted, source.digest, job.context, outcome, job.found_context, found), forms=forms)


def _stat_key(path: Path) -> StatKey | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _scan(root: Path, known: Mapping[str, StatKey],
          names: Sequence[str] | None = None) -> Iterator[tuple[str, StatKey | Diagnostic]]:
    """Every article file, sorted, with its stat (a symlink's is never trusted: it is read
    again each time, and ``read_source`` checks where it leads)."""
    if names is not None and all(rel in known for rel in names):
        for rel in names:
            yield rel, known[rel]
        return
    for rel in discover_names(root):
        if isinstance(rel, Diagnostic):
            yield rel.path, rel
            continue
        if rel in known:
            yield rel, known[rel]
            continue
        info = os.lstat(os.path.join(root, rel))
        if stat.S_ISLNK(info.st_mode):
            yield rel, (-1, -1, -1)
        else:
            yield rel, (info.st_size, info.st_mtime_ns, info.st_ino)
