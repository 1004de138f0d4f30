"""The build, as a table of contents: each line is one stage (ARCHITECTURE.md maps the stages to packages).

``load_site`` reads and checks everything and returns an immutable ``Site``; ``render_site``
turns it into ``OutputFile``s in memory; ``write_site`` swaps them in atomically. Tests and
``mawjaz check`` stop before writing; ``mawjaz serve`` renders with a live-reload hook.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import chain, compress, repeat
from operator import attrgetter, methodcaller, not_
from pathlib import Path

from generator.actors import (
    ActorRegistry,
    OutletRegistry,
    actor_ids,
    articles_by_actor,
    file_articles,
    load_outlets,
    load_registry,
)
from generator.build.ahead import FirstLook, Surveyed
from generator.build.fingerprint import Snapshot, settled
from generator.build.recipe import (
    Recipe,
    drop_recipe,
    earliest,
    fits,
    grown,
    keep_recipe,
    load_recipe,
    read_again,
    recipe_of,
    replanned,
    site_from,
    with_related,
    with_search,
)
from generator.build.shortcut import BuildOptions, BuildResult, BuildSummary
from generator.build.shortcut import build as build  # the entry point, named here too
from generator.build.survey import record_site, survey
from generator.cache.lock import digest_lock
from generator.cache.store import (
    CACHE_DIR,
    BuildCache,
    StoredRelated,
    check_cache_folder,
    load_cache,
    load_related,
    pages_patch,
    save_cache,
    save_related,
    template_cache,
)
from generator.content.articles import Checked, check_translations
from generator.content.editions import NOTES_DIR, group_editions, load_notes
from generator.content.ingest import Ingested, ingest, saved
from generator.content.permalinks import place_articles
from generator.content.source import discover_names
from generator.core.config import CONFIG_NAME, BuildSettings, SiteConfig, load_config
from generator.core.diagnostics import BuildFailed, Diagnostic, error, has_errors, warning
from generator.core.files import folders_of
from generator.core.lazy import LazyMapping
from generator.core.model import SOURCE, TOPIC, Article, BodyUnreadable, OutputFile, Site, frozen_map
from generator.core.parallel import default_workers, in_background, in_child
from generator.core.site_files import Kept, SiteFiles, at_recorded_paths, kept_folded, made_and_runs, paths_of
from generator.core.urls import site_path
from generator.feeds.editions import edition_feed_outputs
from generator.feeds.formats import FILE_NAMES as FEED_FILE_NAMES
from generator.feeds.opml import opml_files
from generator.feeds.page import feeds_page
from generator.feeds.site import feed_outputs, language_feed_links, site_feed_links
from generator.output.manifest import lost_urls
from generator.output.placement import check_placement
from generator.output.writer import (
    OutputError,
    check_folders,
    check_inside,
    describe,
    file_identity,
    listing_from,
    spill_folder,
    write_site,
)
from generator.pages.actors import actor_files, actor_index_page, kept_actor_files
from generator.pages.editions import edition_feed_autodiscovery, edition_pages, notes_key
from generator.pages.mailings import edition_mail, is_mail_file, mailed_editions
from generator.pages.redirects import redirect_files
from generator.pages.search import (
    EarlySearch,
    IndexedArticles,
    IndexEntries,
    rebound,
    search_ahead,
    search_page,
    search_started,
)
from generator.pages.site import (
    article_page,
    kept_article_pages,
    listing_pages,
    newest_first,
    not_found_page,
    sitemap,
    static_files,
)
from generator.pages.taxa import taxa_pages, term_files, term_jobs
from generator.render.engine import RenderContext, Reuse, make_context, page_salt, render_salt, views_ahead
from generator.render.related import (
    IndexShape,
    RelatedIndex,
    RelatedState,
    StatePatch,
    changed_span,
    followed_state,
    patched,
    related_index,
    related_state,
    shaped_index,
    state_patch,
    unchanged_since,
    with_shown,
)
from generator.render.theme import Theme, find_theme, theme_problems
from generator.render.views import Link


@dataclass(frozen=True, slots=True)
class _Loaded:
    site: Site
    diagnostics: tuple[Diagnostic, ...]
    cache: BuildCache
    horizon: datetime | None  # when the clock next changes what is published
    recipe: Recipe | None = None  # made by this build's archive-wide steps, to keep (see ``build.recipe``)
    followed: bool = False  # made by following the last build's recipe instead
    related: IndexShape | None = None  # the followed recipe's (``Recipe.related``)


def changed_build(root: Path, options: BuildOptions, theme: Theme, started: int, before: Snapshot | None,
                  look: FirstLook | None = None) -> BuildResult:
    """The build, once ``shortcut.build`` found that something it reads changed (or that
    its caller needs the site): with the digest locked and the collector paused (see
    ``shortcut``), since ``started``; ``before``: the inputs' snapshot (None without cache);
    ``look``: what ``shortcut`` began to get it (the cache loaded meanwhile, the survey)."""
    config = load_config(root / CONFIG_NAME)  # read once: nothing later reads or changes it
    try:
        return _build(root, options, config, theme, started, before, look)
    except BodyUnreadable:
        # A body file of the cache changed or went while this build ran (the cache
        # checked it when it loaded): build again as if there were no cache.
        return _build(root, options, config, theme, started, before, look, fresh=True)


def _build(root: Path, options: BuildOptions, config: SiteConfig, theme: Theme, started: int,
           before: Snapshot | None, look: FirstLook | None, fresh: bool = False) -> BuildResult:
    workers = default_workers() if options.workers is None else options.workers
    surveying = contextlib.nullcontext(look.surveyed()) if look is not None else _survey_ahead(root, options, config,
                                                                                                workers)
    with surveying as surveyed:
        if not options.cache or fresh:
            previous = BuildCache()
        else:
            previous = look.cache() if look is not None else load_cache(root)
        read = _read(root, options, config, previous, before, forms=True, shortcut=True)
        cache_root = root if options.cache else None
        # The search plan is made from the articles as placed, before the actors and
        # outlets are worked out (see ``search_started``).
        followed = _followed(read) if read.recipe is not None else None
        indexed, planned = read.indexed, None
        if followed is not None and read.recipe is not None:
            site = followed.site
            indexed = IndexedArticles(config, site.settings, site.articles, site.index_forms)
            planned = replanned(read.recipe, site) if site.settings.search else None
            if planned is not None and followed.recipe is not None:  # grown: kept with its plan as made
                followed = dataclasses.replace(followed, recipe=with_search(followed.recipe, planned, site))
        early = search_started(indexed, previous.pages if options.cache else None, cache_root, planned)
        loaded = followed or _assembled(root, options, read)
        # What was read (the cache's entries, the articles as read and as placed) is a
        # second copy of the archive: not kept through the render, nor in its workers.
        del read
        if followed is None:  # the plan holds the articles as placed: give it the site's own
            early = rebound(early, loaded.site)
            if early is not None and loaded.recipe is not None:
                loaded = dataclasses.replace(loaded, recipe=with_search(loaded.recipe, early.plan.shards,
                                                                         loaded.site))
        previous, loaded = _without_entries(previous), _entries_kept(loaded, before)
        return _finish(root, options, theme, started, before, loaded, previous, workers,
                       surveyed, early)


def _without_entries(cache: BuildCache) -> BuildCache:
    """``cache`` without its articles, which the site now holds as it needs them. The cache's
    entries (each article's entry, checked result and article as read, a second set of
    objects beside the site's) are 50 MB at 50,000 articles; let go before rendering, their
    memory serves the pages, and is not in the worker processes forked to make them."""
    return dataclasses.replace(cache, entries=frozen_map(), shards=frozen_map())


def _entries_kept(loaded: _Loaded, before: Snapshot | None) -> _Loaded:
    """``loaded`` with only the cache entries the end of the build looks at: those of the
    racy files, which ``settled`` checks against (see ``_without_entries``)."""
    entries = loaded.cache.entries
    racy = {} if before is None else {r.rel: entries[r.rel] for r in before.racy if r.rel in entries}
    return dataclasses.replace(loaded, cache=dataclasses.replace(_without_entries(loaded.cache),
                                                                 entries=frozen_map(racy)))


@contextlib.contextmanager
def _survey_ahead(root: Path, options: BuildOptions, config: SiteConfig, workers: int) -> Iterator[Surveyed]:
    """``survey`` run by a child process while this one loads the site, forked first, while
    the process is small and forking cheap (a build with the cache has ``ahead`` do it)."""
    if workers < 2:
        yield Surveyed(lambda: None, lambda: None)
        return
    output = options.output or root / config.output_dir
    with in_child(survey, root, output.absolute(), options.cache) as result:
        yield Surveyed(lambda: (result() or (None, None))[1], lambda: (result() or (None, None))[0])


def _finish(root: Path, options: BuildOptions, theme: Theme, started: int, before: Snapshot | None,
            loaded: _Loaded, previous: BuildCache, workers: int, surveyed: Surveyed,
            early: EarlySearch | None = None) -> BuildResult:
    site = loaded.site
    out_dir = (options.output or root / site.config.output_dir).absolute()
    salt = render_salt(site, theme, "")
    feeds = site_feeds(site)  # every page's links, and the page salt's
    index = (loaded.related and shaped_index(site.articles, loaded.related)) or related_index(site)
    reuse, stored = None, None
    if options.cache:
        stored = load_related(root, previous.meta.get("related_token", ""))
        state_of = (page_salt(salt, site, feeds), notes_key(site),
                    frozenset(v.rel for group in site.translations.values() for v in group))
        then = _related_then(stored)
        followed = followed_state(then, index, *state_of) if loaded.related and then is not None else None
        related_now, span = followed or _state_and_span(index, state_of, then)
        related_now = with_shown(related_now, index, then, span)
        reuse = Reuse(os.fspath(out_dir), previous.pages, salt, then, related_now,
                      surveyed.moved(), shaped=loaded.followed, span=span)
    _render_with_collector()
    if options.output is None:
        check_inside(root.absolute(), out_dir)
    check_folders(out_dir)
    tell = options.stage or _silent
    with spill_folder(out_dir, flat=out_dir.is_dir()) as spill:
        try:
            files = render_site(site, theme, reuse=reuse, workers=workers, spill=spill,
                                compiled=template_cache(root) if options.cache else None, index=index,
                                stage=options.stage, cache_root=root if options.cache else None,
                                early_search=early, feeds=feeds)
        except BodyUnreadable:
            raise  # see ``build``
        except OSError as exc:
            raise OutputError(f"cannot write the site to {out_dir}: {describe(exc)}; "
                              "the previous site is left as it was") from None
        lost = lost_urls(root, out_dir, site, files)  # before the site they were in is replaced
        if has_errors(lost, options.strict):
            raise BuildFailed(lost)
        # Before the write, which waits for the survey's listing of the spare (see
        # ``ahead``): done meanwhile. The related state is named by the record of pages
        # saved after the write: should the write fail, no record names it.
        summary = _summary(site, files, loaded.diagnostics, out_dir, previous)
        token = f"{started}-{os.getpid()}"
        if before is not None:
            _keep_related(root, token, stored, reuse.related_now if reuse else None, reuse.span if reuse else None)
        tell(0, len(files), STAGE_WRITE)
        stats = write_site(files, out_dir, spill, listing_from(surveyed.listing(), out_dir, previous.pages), workers)
        if options.cache and stats.spare_made:
            record_site(root, out_dir, linked=paths_of(files) if stats.spare_whole else None)
        tell(len(files), len(files), STAGE_WRITE)
    saved = None
    if before is not None:
        recorded = before.digest if settled(before, started, loaded.cache.entries) else ""
        meta = {"snapshot": recorded, "out_dir": str(out_dir),
                "horizon": loaded.horizon, "summary": summary, "diagnostics": loaded.diagnostics,
                "suggest": site.config.auto_actors == "suggest", "related_token": token}
        pages, anew = written_record(files, out_dir, stats.identities, previous.pages, stats.redone)
        saved = dataclasses.replace(loaded.cache, pages=pages, meta=meta,
                                    pages_patch=pages_patch(previous, pages, anew))
        save_cache(root, saved, articles=False)
        if not loaded.followed:  # the recipe of the site now published, if the build could tell its inputs apart
            keep_recipe(root, with_related(loaded.recipe, index, site) if recorded and loaded.recipe else None)
    # Said once: the next build compares with the manifest this one writes.
    diagnostics = tuple(sorted((*loaded.diagnostics, *lost)))
    warnings = sum(d.severity == "warning" for d in diagnostics)  # the counts of files are the same
    # The last build's records and this one's, held with the result as ``shortcut`` holds
    # what a build with nothing to do loaded: freed one object at a time as this returned,
    # the records of 130,000 pages and the related lists took 0.1 s of a 50,000-article edit.
    return BuildResult(site, files, diagnostics, stats, dataclasses.replace(summary, warnings=warnings), previous.note,
                       held=(previous, loaded, reuse, stored, index, saved))


def _state_and_span(index: RelatedIndex, state_of: tuple[str, str, frozenset[str]], then: RelatedState | None
                    ) -> tuple[RelatedState, tuple[int, int, int] | None]:
    """The related state of ``index`` and where it differs from ``then`` (None: not
    comparable, the salts differ or there is none)."""
    now = related_state(index, *state_of)
    return now, changed_span(then, now) if then is not None and then.salt == now.salt else None


def _related_then(stored: StoredRelated | None) -> RelatedState | None:
    """The last build's related state, as it saved it (see ``_keep_related``)."""
    if stored is None or not isinstance(stored.base, RelatedState):
        return None
    if stored.patch is None:
        return stored.base
    return patched(stored.base, stored.patch) if isinstance(stored.patch, StatePatch) else None


def _keep_related(root: Path, token: str, stored: StoredRelated | None, state: RelatedState | None,
                  span: tuple[int, int, int] | None = None) -> None:
    """This build's related state, for the next build: as a patch of the whole state the
    last one loaded when it is one (an edit), or whole. ``span``: the changed span from the
    last build's state to ``state``, which is that of the whole one when it was saved whole."""
    base = stored.base if stored is not None and isinstance(stored.base, RelatedState) else None
    whole = stored is not None and stored.patch is None
    patch = state_patch(base, state, span if whole else None) if base is not None and state is not None else None
    save_related(root, token, state, stored if patch is not None else None, patch)


def _render_with_collector() -> None:
    """Freeze what the build has loaded, the last build's record of pages and related
    lists and the survey of the live site included, and turn the collector on for
    rendering (see ``shortcut.collector_paused``). Frozen any earlier, those hundred thousand
    objects were scanned by the first full collection of the render: a fifth of a second
    of a one-article edit, collecting nothing."""
    gc.freeze()
    gc.enable()


def page_and_feed_counts(files: Sequence[OutputFile]) -> tuple[int, int]:
    """The pages (HTML files other than edition emails) and feed files of a site: what
    ``build`` and ``check`` both report, counted one way."""
    paths = paths_of(files)
    # Each test a C call per path (130,000 files at 50,000 articles), the emails' pattern
    # only in the editions' folder.
    html = list(compress(paths, map(str.endswith, paths, repeat(".html"))))
    mail = sum(map(is_mail_file, compress(html, map(str.startswith, html, repeat("editions/")))))
    return len(html) - mail, sum(map(str.endswith, paths, repeat(FEED_FILE_NAMES)))


def _summary(site: Site, files: Sequence[OutputFile], diagnostics: Sequence[Diagnostic],
             out_dir: Path, previous: BuildCache | None = None) -> BuildSummary:
    pages, feeds = _counts_as_last(files, previous) or page_and_feed_counts(files)
    warnings = sum(d.severity == "warning" for d in diagnostics)
    return BuildSummary(str(out_dir), len(site.articles), len(site.actors), pages, feeds, warnings,
                        site.settings.base_url)


def _counts_as_last(files: Sequence[OutputFile], previous: BuildCache | None) -> tuple[int, int] | None:
    """The last build's counts of pages and feeds, when this build's files (checked unique,
    see ``check_unique``) are at the paths of the last one's, every one: an edit, whose
    files are the same 118,000 at 50,000 articles, looks up in the last record those not
    kept as runs of it rather than testing each path's name. None otherwise."""
    last = previous.meta.get("summary") if previous is not None else None
    if not isinstance(last, BuildSummary) or len(files) != len(previous.pages):
        return None
    return (last.pages, last.feeds) if _each_recorded(files, previous.pages) else None


def load_site(root: Path, options: BuildOptions = BuildOptions(),
              fresh: bool = False) -> tuple[Site, tuple[Diagnostic, ...]]:
    """The site, without rendering it. ``fresh``: read every article again, as if there were
    no cache (what there was is replaced when ``options.cache`` saves it). With the cache,
    it holds the digest's lock (see ``lock``) while it reads and saves it."""
    if not options.cache:
        loaded = _load(root, options, load_config(root / CONFIG_NAME), BuildCache())
        return loaded.site, loaded.diagnostics
    with digest_lock(root, options.wait, options.waiting):
        check_cache_folder(root)
        config = load_config(root / CONFIG_NAME)
        loaded = _load(root, options, config, load_cache(root) if not fresh else BuildCache())
    return loaded.site, loaded.diagnostics


def _load(root: Path, options: BuildOptions, config: SiteConfig, previous: BuildCache,
          before: Snapshot | None = None, forms: bool = False) -> _Loaded:
    """Everything read and checked, with ``config`` as loaded: what this build does
    differently (``--base-url``) goes into the site's ``settings``.
    ``forms``: the search index will be made (by a build, not ``check``), so the articles
    read make their search index entries as they are read (see ``ingest``), when search is on."""
    return _assembled(root, options, _read(root, options, config, previous, before, forms))


@dataclass(frozen=True, slots=True)
class _Read:
    """The first half of ``_load``: the articles read, selected and placed, and what the
    second half needs; ``indexed``: all the search index is made of (see ``_build``)."""

    config: SiteConfig
    indexed: IndexedArticles
    registry: ActorRegistry
    outlets: OutletRegistry
    ingested: Ingested
    horizon: datetime | None
    registry_problems: tuple[Diagnostic, ...]
    placed_problems: tuple[Diagnostic, ...]
    other_problems: tuple[Diagnostic, ...]  # of the outlets
    frame: str = ""  # ``Snapshot.frame``: with it, the build keeps a recipe of its site
    recipe: Recipe | None = None  # the last build's, which this one follows (``indexed`` is then unplaced)
    grown: bool = False  # ``recipe`` is the last build's with an article added (``recipe.grown``): kept


def _read(root: Path, options: BuildOptions, config: SiteConfig, previous: BuildCache,
          before: Snapshot | None, forms: bool, shortcut: bool = False) -> _Read:
    """``shortcut``: follow the last build's recipe when it fits (see ``build.recipe``),
    and leave placing the articles to it."""
    settings = BuildSettings.of(config, options.base_url)
    registry, problems = load_registry(root, config.slug_policy, cached=options.cache)
    outlets, outlet_problems = load_outlets(root, config.slug_policy)
    wanted = registry if registry.actors and config.auto_actors != "off" else None
    ingested = ingest(root, config, wanted, previous, options.workers, options.progress,
                      before.content if before else None, spool=root / CACHE_DIR if options.cache else None,
                      names=before.articles if before else None,
                      index_text=IndexEntries() if forms and settings.search else None)
    frame = before.frame if before is not None and options.cache else ""
    changes = read_again(previous, ingested.cache.entries) if shortcut and frame else None
    added = changes[0] if changes is not None else ()
    recipe = (_fitting(root, options, config, frame, settings, ingested, len(added))
              if changes is not None and len(added) <= 1 else None)
    if recipe is not None and added:
        recipe = _grown(root, recipe, added[0], ingested, registry, outlets, config, options)
    if options.cache and (recipe is None or added) and (ingested.changed or shortcut):
        # Before the cache holds articles, or the output a site, that the kept recipe may not
        # describe (see ``build.recipe``); a build that finishes keeps its own.
        drop_recipe(root)
    if options.cache and ingested.changed:  # saved now: a failing build still keeps its work
        ingested = saved(ingested, save_cache(root, ingested.cache, pages=False))
    other = tuple(outlet_problems)
    if recipe is not None:
        unplaced = IndexedArticles(config, settings, (), ingested.forms)
        return _Read(config, unplaced, registry, outlets, ingested, recipe.horizon, tuple(problems), (), other,
                     frame, recipe, bool(added))
    articles, horizon = _selected(ingested.checked, options)
    placed = place_articles(ingested.checked, config, (a.rel for a in articles))  # URLs, see ``permalinks``
    indexed = IndexedArticles(config, settings, tuple(placed.apply(articles)), ingested.forms)
    return _Read(config, indexed, registry, outlets, ingested, horizon, tuple(problems), tuple(placed.problems),
                 other, frame)


def _fitting(root: Path, options: BuildOptions, config: SiteConfig, frame: str, settings: BuildSettings,
             ingested: Ingested, added: int = 0) -> Recipe | None:
    """The last build's recipe, when this build, whose articles changed in their words only
    (``read_again``) but for the ``added`` new ones, may follow it (see ``build.recipe``)."""
    recipe = load_recipe(root)
    if not fits(recipe, frame, settings, options.now or datetime.now(UTC), len(ingested.cache.entries) - added,
                ingested.problems):
        return None
    assert recipe is not None
    return recipe if tuple(_placement(root, options, config)) == recipe.placement else None


def _placement(root: Path, options: BuildOptions, config: SiteConfig) -> list[Diagnostic]:
    """Where the site goes, checked (see ``output.placement``)."""
    out_dir = (options.output or root / config.output_dir).absolute()
    return check_placement(root.absolute(), out_dir, find_theme(root), options.output is not None)


def _grown(root: Path, recipe: Recipe, rel: str, ingested: Ingested, registry: ActorRegistry,
           outlets: OutletRegistry, config: SiteConfig, options: BuildOptions) -> Recipe | None:
    """``recipe`` with the article of ``rel``, new to the digest, added (``recipe.grown``),
    when the whole way would decide nothing else anew: the article is published (not a draft,
    not dated ahead) and its file gave no warning; its id is no other's; its actors are the
    registry's; placing the URLs gives every other article the URL the recipe has and the
    same problems; and the digest has no editor's notes (a note's edition, and the order it
    gives, are checked against the articles)."""
    checked = ingested.cache.entries[rel].outcome
    if not isinstance(checked, Checked) or checked.notes:
        return None
    article = checked.article
    if article.draft or article.date > (options.now or datetime.now(UTC)) or any(discover_names(root, NOTES_DIR)):
        return None
    entries = ingested.cache.entries
    if article.id.casefold() in {entries[f[0]].outcome.article.id.casefold() for f in recipe.filings}:
        return None
    changed, problems = actor_ids([article], registry, config, {rel: checked.actor_lines}, options.strict,
                                  ingested.found)
    if problems:
        return None
    placed = place_articles(ingested.checked, config, (*(f[0] for f in recipe.filings), rel))
    if placed.problems != recipe.placed or any(placed.paths.get(f[0]) != f[1] for f in recipe.filings):
        return None
    return grown(recipe, article, placed.paths.get(rel), changed.get(rel, article.actors), outlets, entries, config)


def _followed(read: _Read) -> _Loaded:
    """The site as the recipe ``read`` follows makes it of the articles read."""
    recipe, ingested = read.recipe, read.ingested
    assert recipe is not None
    site = site_from(recipe, read.config, read.indexed.settings, read.registry.actors, read.outlets.outlets,
                     ingested.cache.entries, ingested.forms)
    if read.grown:  # a site of another shape (a new URL, lists longer), whose recipe is kept
        return _Loaded(site, recipe.diagnostics, ingested.cache, recipe.horizon, recipe)
    return _Loaded(site, recipe.diagnostics, ingested.cache, recipe.horizon, followed=True, related=recipe.related)


def _assembled(root: Path, options: BuildOptions, read: _Read) -> _Loaded:
    """The second half of ``_load``: actors, outlets, topics, notes and editions, checked."""
    config, ingested, registry = read.config, read.ingested, read.registry
    articles = read.indexed.articles
    actors, actor_problems = actor_ids(articles, registry, config, _actor_lines(ingested.checked),
                                       options.strict, ingested.found)  # given to the articles as they are filed
    placement = _placement(root, options, config)
    problems = [*placement, *read.registry_problems, *ingested.problems, *actor_problems, *read.placed_problems,
                *collisions(articles), *check_translations(ingested.checked)]
    notes, note_problems = load_notes(root, config, articles)
    now = options.now or datetime.now(UTC)
    problems += [*note_problems, *read.other_problems, *theme_problems(root),
                 *(note for item in ingested.checked for note in item.notes),
                 *far_future(ingested.checked, now, options.future)]
    if has_errors(problems, options.strict) and not options.keep_going:
        raise BuildFailed(problems)
    taxa, ordered = file_articles(read.outlets, newest_first(articles), config.slug_policy, actors)
    site = Site(config=config, settings=read.indexed.settings, articles=ordered, actors=registry.actors,
                by_actor=articles_by_actor(ordered, registry), build_date=build_date(config, ordered), notes=notes,
                editions=group_editions(ordered, config.tz, config.editions), taxa=taxa,
                index_forms=ingested.forms)
    diagnostics = tuple(sorted(problems))
    recipe = recipe_of(read.frame, read.indexed.settings, ingested.cache, ingested.problems, placement,
                       read.placed_problems, site, diagnostics, read.horizon,
                       earliest(read.horizon, None if options.future else _far_lapses(ingested.checked, now))
                       ) if read.frame else None
    return _Loaded(site, diagnostics, ingested.cache, read.horizon, recipe)


def written_record(files: Sequence[OutputFile], out_dir: Path,
                   known: Mapping[str, tuple[int, int, int]] | None = None,
                   recorded: Mapping[str, tuple[str, int, int, int]] | None = None,
                   redone: Sequence[str] = ()
                   ) -> tuple[dict[str, tuple[str, int, int, int]], dict[str, tuple[str, int, int, int]]]:
    """Every file written, with its render key (empty when it has none) and the file's
    identity (from ``known`` when the writer knew it): what the next build needs to reuse a
    page or to see the site is untouched; and the records among them made anew. A file as
    the last build's ``recorded`` has it keeps that record's tuple: a rebuild's record is
    mostly the last one, and a new tuple for each of 130,000 files was 11 MB more at the end
    of a 50,000-article build. The record's patch (``store.pages_patch``) is the records
    made anew, told in this loop rather than by another over the whole record. The files of
    a kept run (see ``core.site_files``) keep their records whole, but those the writer
    placed one by one (``redone``, see ``writer.WriteStats``)."""
    known = known or {}
    last = (recorded or {}).get
    folder = os.fspath(out_dir)
    made, runs = made_and_runs(files)
    pages: dict[str, tuple[str, int, int, int]] = {}
    if recorded is not None and at_recorded_paths(made, runs, recorded):
        pages = dict(recorded)  # each path's record, those made again replaced below
    else:
        for run in runs:
            if run.records is recorded:
                pages.update(zip(run.paths, map(run.records.__getitem__, run.paths), strict=True))
    placed = [(path, pages[path][0]) for path in redone if path in pages]
    placed += [(path, run.records[path][0]) for run in runs if run.records is not recorded for path in run.paths]
    anew = {}
    for path, file_key in chain(((item.path, item.key) for item in made), placed):
        identity = known.get(path) or file_identity(os.path.join(folder, path))
        if identity is None:
            pages.pop(path, None)
            continue
        record = last(path)
        if record is None or record[0] != file_key or record[1:] != identity:
            record = anew[path] = (file_key, *identity)
        pages[path] = record
    return pages, anew


def load_articles(root: Path, config: SiteConfig) -> tuple[list[Checked], list[Diagnostic]]:
    """Every article checked, without actors or cache (for commands that only read)."""
    ingested = ingest(root, config, None, BuildCache())
    return list(ingested.checked), list(ingested.problems)


def select(checked: Sequence[Checked], options: BuildOptions) -> list[Article]:
    """Drop drafts and future items unless asked for; mark future ones that stay."""
    return _selected(checked, options)[0]


def _selected(checked: Sequence[Checked], options: BuildOptions) -> tuple[list[Article], datetime | None]:
    """``select``, and the date of the first article still in the future (drafts too), when
    the clock will change what the site shows: one pass over the articles for both."""
    now = options.now or datetime.now(UTC)
    chosen = []
    horizon = None
    for item in checked:
        article = item.article
        scheduled = article.date > now
        if scheduled and (horizon is None or article.date < horizon):
            horizon = article.date
        if (article.draft and not options.drafts) or (scheduled and not options.future):
            continue
        chosen.append(dataclasses.replace(article, scheduled=scheduled) if scheduled else article)
    return chosen, horizon


# An article dated further ahead than this is most likely a mistyped year (2062 for 2026):
# without a word it would silently stay out of the site for decades.
FAR_FUTURE = timedelta(days=366)


def _far_lapses(checked: Sequence[Checked], now: datetime) -> datetime | None:
    """When the first ``far_future`` warning given at ``now`` lapses (none can start later)."""
    return min((item.article.date - FAR_FUTURE for item in checked if item.article.date - now > FAR_FUTURE),
               default=None)


def far_future(checked: Sequence[Checked], now: datetime, included: bool) -> list[Diagnostic]:
    """A warning at the ``date:`` of every article dated more than a year after ``now`` that
    the site leaves out for it (``--future`` publishes them: nothing vanishes then)."""
    if included:
        return []
    found = []
    for item in checked:
        article = item.article
        if article.date - now > FAR_FUTURE:
            line, col = item.date_at
            found.append(warning(article.rel, line, col, "date-far-future",
                                 f"dated {article.date:%Y-%m-%d}, more than a year from now: a mistyped "
                                 "year? It stays out of the site until then (`--future` shows it)"))
    return found


def _actor_lines(checked: Sequence[Checked]) -> Mapping[str, Sequence[int]]:
    """Each article's ``actors:`` item lines, by source path, for ``actor_ids`` to point
    at an unknown name: indexed only when one is asked for (most builds have none)."""
    return LazyMapping(lambda: {c.article.rel: c.actor_lines for c in checked})


def collisions(articles: Sequence[Article]) -> list[Diagnostic]:
    """Two articles with one id are errors naming both files (two that want one URL are
    placed, or reported, by ``content.permalinks``)."""
    if len({a.id.casefold() for a in articles}) == len(articles):
        return []  # the usual case, told by one set: no need to sort 10,000s of articles
    problems = []
    seen: dict[str, Article] = {}
    for article in sorted(articles, key=lambda a: a.rel):
        key = article.id.casefold()
        if key in seen:
            problems.append(error(article.rel, 0, 0, "duplicate-id",
                                  f"id `{article.id}` is already used by {seen[key].rel}; "
                                  "give one of them another `id:`"))
        else:
            seen[key] = article
    return problems


def build_date(config: SiteConfig, articles: Sequence[Article]) -> datetime:
    """From config or the newest article, never from the clock: rebuilds are byte-identical."""
    if config.build_date:
        return config.build_date
    dates = [a.updated or a.date for a in articles]
    return max(dates) if dates else datetime(2000, 1, 1, tzinfo=config.tz)


STAGE_PAGES, STAGE_SEARCH, STAGE_WRITE = "pages and feeds", "search index", "writing"


def _silent(done: int, total: int | None, stage: str) -> None:
    """No one is watching the build's stages."""


def render_site(site: Site, theme: Theme, extra_head: str = "", reuse: Reuse | None = None,
                workers: int = 1, spill: str = "", compiled: Path | None = None,
                index: RelatedIndex | None = None,
                stage: Callable[[int, int | None, str], None] | None = None,
                cache_root: Path | None = None, early_search: EarlySearch | None = None,
                feeds: tuple[Link, ...] | None = None) -> SiteFiles:
    """Every output file, in memory or, with ``spill``, on disk in that folder (the files a
    rebuild takes as the last build left them as runs of paths, see ``core.site_files``). ``workers``
    > 1 forks processes for the article pages: only for a plain build, never from a
    threaded server. ``index``: the site's related index, when the caller has made it.
    ``stage``: told ``(done, total, stage)`` as pages are made and search shards indexed.
    ``cache_root``: the digest whose build cache may keep what the search index reuses.
    ``early_search``: the search index as ``search_started`` began it, before the pages.
    ``feeds``: ``site_feeds(site)``, when the caller has made it."""
    tell = stage or _silent
    tell(0, None, STAGE_PAGES)
    ctx = make_context(site, theme, site_feeds(site) if feeds is None else feeds, extra_head, reuse, spill, compiled)
    # Actors and outlets and topics (largest first), then articles, render on worker processes
    # while this one makes the listings, indexes and feeds.
    # Articles whose related lists cannot have changed are checked here, cheaply, rather than
    # sent to a worker and back.
    by_size = sorted(range(len(site.actors)), key=lambda i: -len(site.by_actor.get(site.actors[i].id, ())))
    index = related_index(site) if index is None else index
    known = reuse is not None and reuse.related_now is not None
    unchanged, same_actors = (unchanged_since(reuse.related, reuse.related_now, reuse.span) if known
                              else (frozenset(), frozenset()))
    quick, rest = _split(site.articles, unchanged)
    # Actors whose articles are as they were (``same_actors``) keep their files here, by their recorded keys.
    kept_actors: list[OutputFile] = []
    actor_jobs = []
    for i in by_size:
        files = kept_actor_files(ctx, site.actors[i]) if site.actors[i].id in same_actors else None
        if files is None:
            actor_jobs.append(("actor", i))
        else:
            kept_actors += files
    # Outlets' and topics' pages go to the workers when none can be reused (a cold build);
    # otherwise this process keeps the unchanged ones cheaply by their keys, and an edit's
    # build does not fork workers for the few that changed.
    terms_away = reuse is None or not reuse.pages
    mail_jobs = [("mail", i) for i in range(len(mailed_editions(site)))]  # email and channel files
    jobs = [*actor_jobs, *(term_jobs(ctx) if terms_away else ()), *mail_jobs, *(("article", i) for i in rest)]
    shared = (ctx, index, unchanged)
    crew = workers if not same_salt(reuse) or _many_to_render(site, rest, actor_jobs) else 1
    # Made before the workers are forked, the views are shared by every process (see
    # ``views_ahead``), and kept here until this process has rendered its share of the pages.
    shared_views = crew > 1 and bool(jobs) and views_ahead(ctx)
    with (in_background(_render_job, shared, jobs, crew) as background,
          search_ahead(site, ctx.reuse, spill, tell_search(tell), cache_root, early_search) as search):
        kept, article_run = kept_article_pages(shared, [site.articles[i] for i in quick])
        home = listing_pages(ctx, edition_feed_autodiscovery(ctx))
        others = [*kept, *kept_actors, *home, *not_found_page(ctx), *extra_pages(ctx, not terms_away)]
        if not shared_views:
            ctx.views.clear()  # every page here is made; the feeds and sitemap can have the memory
        feed_files = [*feed_outputs(site, reuse, spill, same_actors), *edition_feed_outputs(site, reuse),
                      *opml_files(site)]
        made = [f for files in background() for f in files]
        # This process rendered a share of the articles too (see ``in_background``): the
        # views it kept for them go before the sitemap and the search index are made.
        ctx.views.clear()
        mail = [f for f in made if is_mail_file(f.path)]  # not pages: kept out of the sitemap
        pages = [*(f for f in made if not is_mail_file(f.path)), *others]
        runs = [article_run] if article_run is not None else []
        page_paths = [*map(attrgetter("path"), pages), *chain.from_iterable(run.paths for run in runs)]
        tell(len(page_paths), len(page_paths), STAGE_PAGES)
        searched = search()
        runs += [f for f in searched if isinstance(f, Kept)]
        files = [*pages, *sitemap(ctx, page_paths), *mail, *feed_files, *static_files(theme),
                 *(f for f in searched if not isinstance(f, Kept))]
    site_files = (kept_folded(files, runs, reuse.pages, os.path.join(reuse.out_dir, "")) if reuse is not None
                  else SiteFiles(files, runs))
    check_unique(site_files, reuse.pages if reuse is not None else None)
    return site_files


def _split(articles: Sequence[Article], unchanged: frozenset[str]) -> tuple[list[int], list[int]]:
    """The places of ``articles`` whose source path is in ``unchanged``, and of the others:
    told apart in C (two loops over 50,000 articles were a twentieth of an edit's render)."""
    inside = list(map(unchanged.__contains__, map(_REL, articles)))
    return list(compress(range(len(inside)), inside)), list(compress(range(len(inside)), map(not_, inside)))


_REL = attrgetter("rel")


# Below this many pages that may really change (articles near an edit in an actor's list,
# and actors whose lists changed), a rebuild renders in this process: forking two workers
# from a process holding the whole archive, and their copies of its memory, cost more than
# the few pages they would render (a fifth of a one-article edit at 10,000 articles). At
# 50,000 articles an edit in long actor lists has about 550 such pages: rendered here they
# took no more CPU than on two workers (8.3-8.5 s against 9.2-9.6 s) and the tree's peak
# fell from 1,151 MB to 475 MB.
FEW_TO_RENDER = 1024


def same_salt(reuse: Reuse | None) -> bool:
    """Whether this build renders with the last one's templates, settings and site-wide
    values (as its related lists record them): then only pages whose own inputs changed
    are made again."""
    return reuse is not None and reuse.related is not None and reuse.related_now is not None and (
        reuse.related.salt == reuse.related_now.salt)


def _many_to_render(site: Site, rest: Sequence[int], actor_jobs: Sequence[tuple[str, int]]) -> bool:
    """Whether a rebuild with the last build's templates and settings (every page whose
    inputs are unchanged is reused by its key) has enough pages to render to be worth
    worker processes. The articles of ``rest`` without actors are checked by their keys,
    cheaply, and so are not counted: their pages change only when they do."""
    near = sum(1 for i in rest if site.articles[i].actors)
    return near + len(actor_jobs) >= FEW_TO_RENDER


def tell_search(tell: Callable[[int, int | None, str], None]) -> Callable[[int, int], None]:
    """Shards indexed so far, as the search stage's count."""
    return lambda done, total: tell(done, total, STAGE_SEARCH)


def site_feeds(site: Site) -> tuple[Link, ...]:
    """The site-wide feeds every page links in its head."""
    return tuple(Link(f.title, site_url(site, f.path), f.media_type)
                 for f in (*site_feed_links(site), *language_feed_links(site)))


def _render_job(shared: tuple[RenderContext, RelatedIndex, frozenset[str]], job: tuple[str, int]) -> list[OutputFile]:
    """One actor's files, one outlet's or topic's pages, one edition's email and channel
    files, or one article's page; jobs are (kind, index) so that only two small values cross
    to the worker process."""
    ctx = shared[0]
    kind, number = job
    if kind == "actor":
        return actor_files(ctx, ctx.site.actors[number], shared[1])
    if kind in (SOURCE, TOPIC):
        return term_files(ctx, kind, number)
    if kind == "mail":
        return edition_mail(ctx, number)
    return [article_page(shared, ctx.site.articles[number])]


def extra_pages(ctx: RenderContext, terms: bool = True) -> list[OutputFile]:
    """Pages other stages contribute (feeds page, actor index, editions, sources and topics,
    search, redirects from older URLs with ``_redirects`` and the manifest of published URLs).
    ``terms``: each outlet's and topic's own pages too, not only their indexes."""
    actors = actor_index_page(ctx) if ctx.site.actors else []
    return [*feeds_page(ctx), *actors, *edition_pages(ctx), *taxa_pages(ctx, terms), *search_page(ctx),
            *redirect_files(ctx)]


def site_url(site: Site, path: str) -> str:
    return site_path(site.settings.base_path, path)


def check_unique(files: Sequence[OutputFile], recorded: Mapping[str, object] | None = None) -> None:
    """A writer that refuses to write one path twice: name both producers. ``recorded``: the
    paths the last build wrote (its record, made after this check passed): files at distinct
    paths, each of them among those, can neither collide nor need a file as a folder, since
    the last build's paths did not; an edit's build, whose 118,000 files at 50,000 articles
    are all the last one's, is told so by looking each path up once (0.04 s rather than
    0.2-0.3 s: each path casefolded and its folders walked)."""
    if recorded is not None and (_all_recorded(files, recorded) or _new_paths_apart(files, recorded)):
        return
    seen: dict[str, OutputFile] = {}
    problems = []
    for item in files:
        key = item.path.casefold()
        if key in seen:
            problems.append(error(item.origin or item.path, 0, 0, "output-collision",
                                  f"`{item.path}` would be written by both {seen[key].origin} "
                                  f"and {item.origin}"))
        seen[key] = item
    problems += _file_and_folder(files, seen)
    if problems:
        raise BuildFailed(problems)


def _all_recorded(files: Sequence[OutputFile], recorded: Mapping[str, object]) -> bool:
    """Whether ``files`` are at distinct paths, each of them in ``recorded``."""
    paths = paths_of(files)
    return len(set(paths)) == len(paths) and _each_recorded(files, recorded)


def _each_recorded(files: Sequence[OutputFile], recorded: Mapping[str, object]) -> bool:
    """Whether each of ``files`` is at a path of ``recorded``. The kept runs of ``recorded``
    (see ``engine.kept_run``) are in it by how they were made: only the others are looked up."""
    made, runs = made_and_runs(files)
    looked = [*map(attrgetter("path"), made), *chain.from_iterable(r.paths for r in runs if r.records is not recorded)]
    return all(map(recorded.__contains__, looked))


# At most this many paths new to the last build's record are checked one by one against the
# others (see ``_new_paths_apart``); more, and every path is (a new language, a new theme).
FEW_NEW = 64


def _new_paths_apart(files: Sequence[OutputFile], recorded: Mapping[str, object]) -> bool:
    """Whether ``files`` are at distinct paths (also when casefolded) and the few of them new
    to ``recorded`` (the last build's paths, which its check found apart) neither need a
    file's path as a folder nor are a folder of another's: an addition's files, all of the
    last build's but the new article's page and the pages its lists gained. The whole check
    made an ``OutputFile`` of each kept path and walked every path's folders (0.13 s of an
    addition at 10,000 articles)."""
    paths = paths_of(files)
    named = set(paths)
    new = named - recorded.keys()
    if len(new) > FEW_NEW or len(named) != len(paths):
        return False
    folded = set(map(str.casefold, paths))
    if len(folded) != len(paths):
        return False
    new_folded = [path.casefold() for path in new]
    for path in new_folded:
        parts = path.split("/")
        if any("/".join(parts[:depth]) in folded for depth in range(1, len(parts))):
            return False
    # One pass, each path tested against every new one at once (``str.startswith`` of a tuple).
    below = tuple(path + "/" for path in new_folded)
    return not any(map(methodcaller("startswith", below), folded)) if below else True


def _file_and_folder(files: Sequence[OutputFile], seen: Mapping[str, OutputFile]) -> list[Diagnostic]:
    """A path that one producer writes as a file and another needs as a folder (a slug named
    like a page, ``actors/index.html/``): no file system can hold both. Slugs are checked
    against this where they are written; this is the last line of defence, so that ``check``
    finds what ``build`` could not write."""
    if folders_of(seen).isdisjoint(seen):  # every folder some file needs, told apart from files in one go
        return []
    problems = []
    for item in files:
        parts = item.path.casefold().split("/")
        for depth in range(1, len(parts)):
            other = seen.get("/".join(parts[:depth]))
            if other is not None:
                problems.append(error(item.origin or item.path, 0, 0, "output-collision",
                                      f"`{item.path}` needs `{other.path}` as a folder, but "
                                      f"{other.origin} writes it as a file"))
                break
    return problems
