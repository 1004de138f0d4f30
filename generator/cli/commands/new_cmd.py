"""``mawjaz new DIR`` starts a digest; ``mawjaz new article "العنوان"`` starts an article.

One command with a positional word, as in Hugo and Zola: ``article`` is the kind, anything
else is a folder (write ``./article`` for a digest in a folder of that name).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from generator.authoring.scaffold import NewDigest, ScaffoldError, article_path, create_article, create_digest
from generator.cli.main import EXIT_CONTENT, EXIT_IO, EXIT_OK, EXIT_USAGE, add_common
from generator.cli.report import print_diagnostics
from generator.core.config import CONFIG_NAME, load_config
from generator.core.dates import parse_when
from generator.core.diagnostics import BuildFailed
from generator.text.slugs import check_slug

ARTICLE = "article"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "new", help="start a new digest, or a new article in this one",
        description='`mawjaz new DIR` creates a ready digest in DIR; '
                    '`mawjaz new article "العنوان"` creates a dated article in the digest at --root.')
    parser.add_argument("target", metavar="DIR|article",
                        help="a folder for a new digest, or the word `article`")
    parser.add_argument("title", nargs="?", metavar="TITLE", help="the new article's title")
    add_common(parser)
    digest = parser.add_argument_group("new digest")
    digest.add_argument("--title", dest="site_title", metavar="TEXT", default="موجز",
                        help="the digest's title (default: موجز)")
    digest.add_argument("--base-url", metavar="URL", default="https://example.org/",
                        help="where the digest will be published (default: https://example.org/)")
    digest.add_argument("--copy-theme", action="store_true",
                        help="copy the default theme's templates/ and static/ into the digest")
    article = parser.add_argument_group("new article")
    article.add_argument("--date", metavar="DATE",
                         help="the article's date, ISO 8601 (default: now in the site's time zone)")
    article.add_argument("--lang", metavar="LANG", help="the article's language (default: the site's)")
    article.add_argument("--slug", metavar="SLUG", help="URL slug (default: made from the title)")
    article.add_argument("--draft", action="store_true", help="mark the article `draft: true`")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.target == ARTICLE:
        if not args.title:
            print('error: give the title: mawjaz new article "العنوان" '
                  "(for a digest in a folder named article, write ./article)", file=sys.stderr)
            return EXIT_USAGE
        return new_article(args)
    if args.title:
        print(f"error: unexpected argument {args.title!r}; "
              'for an article write: mawjaz new article "العنوان"', file=sys.stderr)
        return EXIT_USAGE
    return new_digest(args)


def new_digest(args: argparse.Namespace) -> int:
    folder = Path(args.target)
    spec = NewDigest(title=args.site_title, base_url=args.base_url, copy_theme=args.copy_theme)
    try:
        create_digest(folder, spec, datetime.now(UTC))  # the new config says UTC
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_IO
    except OSError as exc:
        print(f"error: cannot create {folder}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_IO
    if not args.quiet:
        print(f"created a new digest in {folder}")
        print(f"next: cd {folder} && mawjaz serve    (preview with live reload)")
        print('      mawjaz new article "العنوان"     (add an article)')
    return EXIT_OK


def new_article(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        config = load_config(root / CONFIG_NAME)
    except BuildFailed as failed:
        print_diagnostics(failed.diagnostics)
        return EXIT_CONTENT
    when = parse_when(args.date, config.tz) if args.date else datetime.now(config.tz).replace(microsecond=0)
    if isinstance(when, str):
        print(f"error: --date: {when}", file=sys.stderr)
        return EXIT_USAGE
    if args.slug and check_slug(args.slug):
        print(f"error: --slug: {check_slug(args.slug)}", file=sys.stderr)
        return EXIT_USAGE
    path = article_path(root, args.title, when, config.slug_policy, args.slug)
    date = args.date.strip() if args.date else when.isoformat()
    try:
        create_article(path, args.title, date, args.lang or config.language, draft=args.draft,
                       slug=args.slug)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_IO
    except OSError as exc:
        print(f"error: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_IO
    if not args.quiet:
        print(path)
    return EXIT_OK
