"""``mawjaz actors``: who the digest is about, and who it may be missing.

Lists the registry's actors grouped by kind with the number of articles each is on (as the
build would tag them), then names the text keeps using that no actor answers to, so the
curator can add them (see ``generator.actors.candidates`` for what counts as a name).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator.actors import (
    KINDS,
    ActorRegistry,
    Ambiguous,
    ambiguous_mentions,
    load_registry,
    tag_articles,
    tagging_text,
)
from generator.actors.candidates import Candidate, unknown_names
from generator.cli.main import EXIT_CONTENT, EXIT_OK, add_common
from generator.core.config import CONFIG_NAME, load_config
from generator.core.diagnostics import BuildFailed, Diagnostic, has_errors
from generator.core.model import Article


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "actors", help="list actors with article counts, and names missing from the registry",
        description="List the registry's actors by kind with their article counts, then names "
                    "found in the articles that no actor answers to.")
    add_common(parser)
    parser.add_argument("--min-count", type=int, default=2, metavar="N",
                        help="suggest a name only when it appears at least N times (default 2)")
    parser.add_argument("--limit", type=int, default=30, metavar="N",
                        help="show at most N suggestions (default 30)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from generator.build.pipeline import BuildOptions, load_articles, select  # the build's own reading

    root = Path(args.root).absolute()
    try:
        config = load_config(root / CONFIG_NAME)
    except BuildFailed as failed:
        _print_problems(failed.diagnostics)
        return EXIT_CONTENT
    checked, problems = load_articles(root, config)
    articles = select(checked, BuildOptions())
    registry, registry_problems = load_registry(root, config.slug_policy)
    lines = {c.article.rel: c.actor_lines for c in checked}
    tagged, actor_problems = tag_articles(articles, registry, config, lines)
    problems = [*problems, *registry_problems, *actor_problems]
    _print_problems(problems)
    candidates = unknown_names([tagging_text(a) for a in articles], registry, args.min_count)
    undecided = ambiguous_mentions(tagged, registry)
    print(report(registry, tagged, candidates, args.limit, undecided), end="")
    return EXIT_CONTENT if has_errors(problems) else EXIT_OK


def report(registry: ActorRegistry, articles: Sequence[Article],
           candidates: Sequence[Candidate], limit: int = 30,
           undecided: Sequence[tuple[str, Ambiguous]] = ()) -> str:
    """The listing as text: one block per kind (in the order of ``KINDS``), the shared
    aliases the curator must decide, then suggestions."""
    counts = {actor.id: 0 for actor in registry.actors}
    for article in articles:
        for actor_id in article.actors:
            if actor_id in counts:
                counts[actor_id] += 1
    out = [f"{len(registry.actors)} actors, {len(articles)} articles\n"]
    for kind in KINDS:
        group = [a for a in registry.actors if a.kind == kind]
        if not group:
            continue
        out.append(f"\n{kind} ({len(group)})\n")
        width = max(len(a.id) for a in group)
        for actor in sorted(group, key=lambda a: (-counts[a.id], a.id)):
            names = " / ".join(dict.fromkeys(actor.names.values()))
            out.append(f"  {actor.id:<{width}}  {_plural(counts[actor.id], 'article'):>12}  "
                       f"{names}\n")
    if undecided:
        out.append("\nshared names nothing in the article decides (add the right actor to the "
                   "article's `actors:`, or a `when` to the alias):\n")
        for rel, item in undecided[:limit]:
            out.append(f"  {rel}: {item.format()}\n")
        if len(undecided) > limit:
            out.append(f"  … and {len(undecided) - limit} more (use --limit)\n")
    if candidates:
        out.append("\nnames found in the text that no actor answers to "
                   "(add them as actors or aliases):\n")
        for item in candidates[:limit]:
            out.append(f"  {item.name}  ({_plural(item.mentions, 'mention')} in "
                       f"{_plural(item.articles, 'article')})\n")
        if len(candidates) > limit:
            out.append(f"  … and {len(candidates) - limit} more (use --limit)\n")
    else:
        out.append("\nno frequent names are missing from the registry\n")
    return "".join(out)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _print_problems(problems: Sequence[Diagnostic], stream: TextIO | None = None) -> None:
    from generator.cli.report import print_diagnostics

    print_diagnostics(sorted(problems), stream or sys.stderr)
