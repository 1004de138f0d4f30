"""A build's first step: when nothing it reads has changed since the last build, that
build's result, told from the snapshot of the inputs (``fingerprint``) and the output's
record, without importing the stages. They are imported (by ``pipeline``) only once
something changed: the hundred modules of the stages, their templates engine, feed and
email libraries took three tenths of a second of a rebuild with nothing to do."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build.ahead import first_look
from generator.cache.lock import digest_lock
from generator.cache.store import check_cache_folder, load_cache
from generator.core.files import moved_files
from generator.render.theme import find_theme

if TYPE_CHECKING:  # only named in annotations: the stages are not imported before they are needed
    from generator.core.diagnostics import Diagnostic
    from generator.core.model import OutputFile, Site
    from generator.output.writer import WriteStats


@dataclass(frozen=True, slots=True)
class BuildOptions:
    output: Path | None = None  # default: the config's output_dir under the digest root
    base_url: str | None = None
    drafts: bool = False
    future: bool = False
    strict: bool = False
    now: datetime | None = None  # what "future" is measured against; the clock by default
    progress: Callable[[int, int], None] | None = None  # called with (articles done, total)
    # Told as the later stages go: (stage, done, total or None when not known ahead).
    stage: Callable[[int, int | None, str], None] | None = None
    cache: bool = False  # reuse and update .mawjaz-cache/ under the digest (the CLI turns it on)
    need_site: bool = False  # the caller needs the loaded site even when nothing changed
    workers: int | None = None  # processes for per-article work; None: every core
    wait: bool = True  # another process building the digest: wait for it (False: DigestBusy)
    waiting: Callable[[str], None] | None = None  # told, once, that the build waits for another
    # `check`: errors in some files still give the site of the others (their problems returned
    # with it), so that one run reports every error and the links of every readable article.
    keep_going: bool = False


@dataclass(frozen=True, slots=True)
class BuildSummary:
    out_dir: str
    articles: int
    actors: int
    pages: int
    feeds: int
    warnings: int
    base_url: str = ""  # the URL the site was built for (the after-build hint reads its path)


@dataclass(frozen=True, slots=True)
class BuildResult:
    site: Site | None  # None when nothing had changed and nothing was loaded
    files: Sequence[OutputFile]  # a tuple, or ``core.site_files.SiteFiles`` after a rebuild
    diagnostics: tuple[Diagnostic, ...]
    stats: WriteStats | None
    summary: BuildSummary
    cache_note: str = ""  # why the build cache was not (wholly) reused, for --verbose
    # What a build with nothing to do loaded before it knew (see ``ahead``), or what a build
    # that wrote loaded and recorded beside the site, held with the result: the command line
    # exits without freeing it, which one object at a time took half a second at 50,000
    # articles (a tenth of a second after an edit).
    held: object = None


def build(root: Path, options: BuildOptions = BuildOptions()) -> BuildResult:
    """Load, render and write; raises ``BuildFailed`` before touching the output on any error.
    One build of a digest at a time (see ``lock``): the cache and the output are its own."""
    with digest_lock(root, options.wait, options.waiting):
        if options.cache:
            check_cache_folder(root)
        theme = find_theme(root)
        started = time.time_ns()
        with collector_paused():
            if not options.cache:
                from generator.build import pipeline

                return pipeline.changed_build(root, options, theme, started, None)
            with first_look(root, theme, options_key(options), started, options.output, options.workers,
                            options.need_site) as look:
                if not options.need_site:
                    unchanged = _unchanged(root, options, look.digest())
                    if unchanged is not None:
                        return dataclasses.replace(unchanged, held=look.loaded())
                before = look.snapshot()
                from generator.build import pipeline  # something changed: now the stages

                built = pipeline.changed_build(root, options, theme, started, before, look)
                # With what the child sent: the inputs' snapshot and the spare's listing, 50,000
                # and 118,000 entries at 50,000 articles, freed one by one otherwise.
                held = built.held if isinstance(built.held, tuple) else (built.held,)
                return dataclasses.replace(built, held=(*held, look))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Load with Python's cycle collector paused, then freeze what was loaded
    (``_render_with_collector`` does, and turns the collector back on).

    Loading makes a few hundred thousand long-lived objects (the articles and the cache) and
    almost no cycles, and the collector would rescan them again and again as they pile up:
    a fifth of a rebuild's time. Frozen, they are skipped by every later collection, which
    also keeps worker processes from writing to, and so copying, the memory they share with
    this one. Rendering makes cycles (templates do), so it runs with the collector on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Everything made meanwhile goes to the oldest generation (frozen, then unfrozen:
        # two list splices), where a long-running caller (``mawjaz serve``) can free it; left
        # in the youngest, the first collection would scan it all (a quarter of a second
        # after a build with nothing to do had loaded cache shards ahead at 50,000 articles).
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()
        else:
            gc.disable()


def _unchanged(root: Path, options: BuildOptions, digest: str) -> BuildResult | None:
    """The last build's result, when every input and every output file is as it left them
    (``digest``: the inputs' snapshot's) and the clock has not reached an article that was
    waiting for its date."""
    meta = load_cache(root, articles=False, pages=False).meta
    if not meta.get("snapshot") or meta["snapshot"] != digest or meta.get("suggest"):
        return None
    horizon = meta.get("horizon")
    if horizon is not None and (options.now or datetime.now(UTC)) >= horizon:
        return None
    cached = load_cache(root, articles=False)
    if cached.meta.get("snapshot") != digest:  # its record of pages is gone or damaged
        return None
    meta = cached.meta
    if moved_files(os.fspath(meta["out_dir"]), cached.pages, first=True):
        return None
    from generator.output.writer import WriteStats  # the writer's record of what it did, here: nothing

    return BuildResult(None, (), tuple(meta["diagnostics"]), WriteStats(0, len(cached.pages)), meta["summary"])


def options_key(options: BuildOptions) -> str:
    """The options that change what a build writes, as part of its snapshot."""
    return repr((str(options.output or ""), options.base_url, options.drafts, options.future, options.strict))
