"""``mawjaz build``: build the digest into its output folder.

Imports only what a rebuild with nothing to do needs (``build.shortcut``); the stages, and
the reporting that reads their results (wording, CLDR data), come when they are used."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from generator.build.shortcut import BuildOptions, BuildResult, build
from generator.cache.lock import DigestBusy, LockRefused
from generator.cache.store import CacheRefused
from generator.cli.main import EXIT_BUSY, EXIT_CONTENT, EXIT_IO, EXIT_OK, add_common, keep_until_exit
from generator.cli.progress import progress_bar, wanted
from generator.core.diagnostics import BuildFailed
from generator.output.writer import OutputError

if TYPE_CHECKING:
    from generator.core.model import Site


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("build", help="build the static site",
                            description="Build the digest into a static site (default: site/).")
    add_common(parser)
    add_build_options(parser)
    parser.set_defaults(run=run)


def add_build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="DIR",
                        help="write the site here instead of the config's output_dir")
    parser.add_argument("--base-url", metavar="URL",
                        help="publish under this absolute URL (overrides base_url)")
    parser.add_argument("--drafts", action="store_true", help="include articles with draft: true")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--no-cache", action="store_true",
                        help="ignore and do not update the build cache (.mawjaz-cache/)")
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help="worker processes for per-article work (default: one per core)")
    parser.add_argument("--no-wait", action="store_true",
                        help="when another mawjaz process is building the digest, fail (exit 4) "
                             "instead of waiting for it")


def options_from(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        output=Path(args.output).absolute() if getattr(args, "output", None) else None,
        base_url=getattr(args, "base_url", None),
        drafts=getattr(args, "drafts", False),
        future=getattr(args, "future", False),
        strict=getattr(args, "strict", False),
        cache=not getattr(args, "no_cache", False),
        workers=getattr(args, "jobs", None),
        wait=not getattr(args, "no_wait", False),
        waiting=_say,
    )


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).absolute()
    started = time.perf_counter()
    try:
        with progress_bar(wanted(args.quiet)) as progress:
            options = dataclasses.replace(options_from(args), progress=progress, stage=progress,
                                          need_site=args.verbose)
            result = build(root, options)
    except BuildFailed as failed:
        from generator.cli.report import count_problems, print_diagnostics

        print_diagnostics(failed.diagnostics)
        print(f"build failed: {count_problems(failed.diagnostics)}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    except (OutputError, LockRefused, CacheRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_IO
    except DigestBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BUSY
    keep_until_exit(args, result)
    if result.site is None and args.quiet and not result.diagnostics:
        return EXIT_OK  # nothing changed and nothing to say
    _report(args, result, started)
    return EXIT_OK


def _report(args: argparse.Namespace, result: BuildResult, started: float) -> None:
    """The build's diagnostics, and what ``--verbose`` and the summary line add."""
    from generator.cli.report import (
        count_warnings,
        counts,
        local_preview_hint,
        print_diagnostics,
        print_removed,
        print_suffixed,
    )

    print_diagnostics(result.diagnostics)
    site = result.site
    if site is not None and args.verbose:
        print_removed(site.articles)
        print_suffixed(site)
        if result.cache_note:
            print(f"cache: {result.cache_note}", file=sys.stderr)
    if site is not None and site.config.auto_actors == "suggest" and not args.quiet:
        print_suggestions(site)
    if not args.quiet:
        done = result.summary
        seconds = time.perf_counter() - started
        unchanged = " (nothing changed)" if site is None else ""
        print(f"built {counts(done.articles, done.actors, done.pages, done.feeds)}, "
              f"{count_warnings(done.warnings)} in {seconds:.2f} s -> {done.out_dir}{unchanged}")
        if done.base_url:
            print(local_preview_hint(done.base_url, _shown(Path(done.out_dir))))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def print_suggestions(site: Site) -> None:
    """Under ``auto_actors = "suggest"``: what automatic tagging would add, pages unchanged."""
    from generator.actors import make_registry, suggest_actors

    for suggestion in suggest_actors(site.articles, make_registry(site.actors)):
        print(f"suggest: {suggestion.format()}", file=sys.stderr)


def _shown(out_dir: Path) -> str:
    """The output folder as the curator would type it: relative to where they are, if inside."""
    try:
        return out_dir.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return str(out_dir)
