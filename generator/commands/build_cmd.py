"""``mawjaz build``: build the digest into its output folder."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

from generator.actors import make_registry, suggest_actors
from generator.build import BuildOptions, build
from generator.cli import EXIT_CONTENT, EXIT_IO, EXIT_OK, add_common
from generator.diagnostics import BuildFailed
from generator.model import Site
from generator.progress import progress_bar, wanted
from generator.report import print_diagnostics, print_removed
from generator.write import OutputError


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


def options_from(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        output=Path(args.output).absolute() if getattr(args, "output", None) else None,
        base_url=getattr(args, "base_url", None),
        drafts=getattr(args, "drafts", False),
        future=getattr(args, "future", False),
        strict=getattr(args, "strict", False),
        cache=not getattr(args, "no_cache", False),
        workers=getattr(args, "jobs", None),
    )


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).absolute()
    started = time.perf_counter()
    try:
        with progress_bar(wanted(args.quiet)) as progress:
            result = build(root, dataclasses.replace(options_from(args), progress=progress))
    except BuildFailed as failed:
        print_diagnostics(failed.diagnostics)
        print(f"build failed: {_count(failed.diagnostics)}; nothing was written", file=sys.stderr)
        return EXIT_CONTENT
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_IO
    print_diagnostics(result.diagnostics)
    if args.verbose:
        print_removed(result.site.articles)
    if result.site.config.auto_actors == "suggest" and not args.quiet:
        print_suggestions(result.site)
    if not args.quiet:
        site = result.site
        pages = sum(1 for f in result.files if f.path.endswith(".html"))
        feeds = sum(1 for f in result.files if f.path.endswith((".xml", ".json"))
                    and not f.path.endswith("sitemap.xml"))
        seconds = time.perf_counter() - started
        print(f"built {len(site.articles)} articles, {len(site.actors)} actors, {pages} pages, "
              f"{feeds} feeds, {sum(d.severity == 'warning' for d in result.diagnostics)} warnings "
              f"in {seconds:.2f} s -> {result.stats and _out(args, root, site)}")
    return EXIT_OK


def print_suggestions(site: Site) -> None:
    """Under ``auto_actors = "suggest"``: what automatic tagging would add, pages unchanged."""
    for suggestion in suggest_actors(site.articles, make_registry(site.actors)):
        print(f"suggest: {suggestion.format()}", file=sys.stderr)


def _out(args: argparse.Namespace, root: Path, site) -> str:
    return str(Path(args.output) if args.output else root / site.config.output_dir)


def _count(diagnostics) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
