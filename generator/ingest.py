"""Load, parse and clean every article: in parallel, and only what changed since last time.

The per-article stages (read, front matter, cleaning, Markdown, sanitising, finding actors in
the text) are independent, so misses are spread over all cores and results gathered in file
order. Results are cached by the hash of the file's bytes plus the settings and code they
depend on (see ``generator.cache``). Like git, a file whose size, mtime and inode match the
last build is not read again, unless it changed so soon before that build that the stat could
not tell two versions apart.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import stat
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.articles import Checked, build_article
from generator.cache import BuildCache, key
from generator.config import SiteConfig
from generator.diagnostics import Diagnostic
from generator.frontmatter import parse_article
from generator.model import frozen_map
from generator.parallel import map_ordered
from generator.registry import ActorRegistry
from generator.source import discover, read_source
from generator.tagging import article_text, find_actors

RACY_NS = 2_000_000_000  # a file changed this close to a build is re-read next time

Outcome = Checked | list[Diagnostic]
StatKey = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Ingested:
    checked: tuple[Checked, ...]
    problems: tuple[Diagnostic, ...]
    found: Mapping[str, tuple[str, ...]]  # rel -> actor ids named in the text
    cache: BuildCache  # the entries this build used, to save for the next one
    changed: bool  # anything read anew or gone since the cache was written


@dataclass(frozen=True, slots=True)
class _Job:
    root: Path
    config: SiteConfig
    registry: ActorRegistry | None  # None: do not look for actors in the text


@dataclass(frozen=True, slots=True)
class _Done:
    rel: str
    digest: str
    stat: StatKey | None
    outcome: Outcome
    found: tuple[str, ...] | None


def article_settings(config: SiteConfig) -> str:
    """The settings an article's processing depends on; others (base_url, feeds...) only
    affect rendering, so changing them keeps the article cache."""
    return repr((config.language, config.timezone, config.slug_policy, config.max_file_size))


def registry_key(registry: ActorRegistry | None) -> str:
    return "" if registry is None else key(pickle.dumps(registry.actors, protocol=5))


def ingest(root: Path, config: SiteConfig, registry: ActorRegistry | None, cache: BuildCache,
           workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> Ingested:
    settings, actors_key = article_settings(config), registry_key(registry)
    sources: dict[str, tuple[StatKey | None, str]] = dict(cache.sources)
    outcomes: dict[str, Outcome] = {}
    found: dict[str, tuple[str, ...]] = {}
    misses: list[str] = []
    problems: list[Diagnostic] = []
    for rel, status in _scan(root):
        if isinstance(status, Diagnostic):
            problems.append(status)
            continue
        known = sources.get(rel)
        if known is None or known[0] is None or known[0] != status:
            misses.append(rel)
            continue
        article_key = key("article", settings, rel, known[1])
        found_key = key("found", actors_key, article_key)
        if article_key not in cache.articles or (registry is not None and found_key not in cache.found):
            misses.append(rel)
            continue
        outcomes[rel] = cache.articles[article_key]
        if registry is not None:
            found[rel] = cache.found[found_key]
    done = map_ordered(_process, _Job(root, config, registry), misses, workers, progress)
    for item in done:
        sources[item.rel] = (item.stat, item.digest)
        outcomes[item.rel] = item.outcome
        if item.found is not None:
            found[item.rel] = item.found
    result = _gather(outcomes, found, sources, problems, settings, actors_key)
    changed = bool(misses) or set(result.cache.sources) != set(cache.sources)
    return dataclasses.replace(result, changed=changed)


def _gather(outcomes: Mapping[str, Outcome], found: Mapping[str, tuple[str, ...]],
            sources: Mapping[str, tuple[StatKey | None, str]], problems: list[Diagnostic],
            settings: str, actors_key: str) -> Ingested:
    checked: list[Checked] = []
    articles: dict[str, object] = {}
    kept_found: dict[str, tuple[str, ...]] = {}
    used_sources = {}
    for rel in sorted(outcomes):
        outcome = outcomes[rel]
        if isinstance(outcome, Checked):
            checked.append(outcome)
        else:
            problems.extend(outcome)
        digest = sources[rel][1]
        if digest:
            used_sources[rel] = sources[rel]
            article_key = key("article", settings, rel, digest)
            articles[article_key] = outcome
            if rel in found:
                kept_found[key("found", actors_key, article_key)] = found[rel]
    return Ingested(tuple(checked), tuple(problems), frozen_map(found),
                    BuildCache(frozen_map(used_sources), frozen_map(articles), frozen_map(kept_found)),
                    changed=True)


def _process(job: _Job, rel: str) -> _Done:
    """One article, start to finish; runs in a worker process."""
    path = job.root / rel
    before = _stat_key(path)
    source = read_source(job.root, path, job.config.max_file_size)
    if isinstance(source, Diagnostic):
        return _Done(rel, "", None, [source], None)
    raw = parse_article(source)
    outcome = build_article(raw, job.config) if not isinstance(raw, Diagnostic) else [raw]
    in_text = None
    if job.registry is not None and isinstance(outcome, Checked):
        in_text = find_actors(job.registry, article_text(outcome.article))
    trusted = before if before and before[1] < time.time_ns() - RACY_NS else None
    return _Done(rel, source.digest, trusted, outcome, in_text)


def _stat_key(path: Path) -> StatKey | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _scan(root: Path) -> Iterator[tuple[str, StatKey | Diagnostic]]:
    """Every article file, sorted, with its stat (a symlink's is never trusted: it is read
    again each time, and ``read_source`` checks where it leads)."""
    for found in discover(root):
        if isinstance(found, Diagnostic):
            yield found.path, found
            continue
        info = os.lstat(found)
        rel = found.relative_to(root).as_posix()
        if stat.S_ISLNK(info.st_mode):
            yield rel, (-1, -1, -1)
        else:
            yield rel, (info.st_size, info.st_mtime_ns, info.st_ino)
