"""``mawjaz import SOURCE``: make an article file from pasted text, a saved page or a URL.

SOURCE is a text file (headline on the first non-empty line), a saved ``.html`` page, ``-``
for standard input, or an http(s) URL. The article goes to
``content/articles/<date>-<slug>.md`` under ``--root``; an existing file is replaced only with
``--force``. ``--dry-run`` writes nothing and prints exactly the file that would be written
to standard output (scripts rely on this). ``--verbose`` prints every line the cleaner removed
as ``SOURCE:line: removed [rule]: text`` (line numbers of the text file, or of the text
extracted from a page).

A URL is fetched by ``generator.authoring.fetch``: redirects are followed only to http(s), at most five,
and never from a public site to a local or private address; the whole fetch must end within
30 seconds. Each refusal is one line naming the URL, with exit status 3 like other fetch
failures.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator.actors import find_actors, load_registry
from generator.authoring import importer
from generator.authoring.importer import ImportFailed
from generator.cli.main import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, add_common
from generator.cli.report import print_diagnostics
from generator.core.config import CONFIG_NAME, SETTING, SiteConfig, load_config
from generator.core.diagnostics import BuildFailed, Diagnostic
from generator.text.slugs import make_slug


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import", help="make an article from pasted text, a saved page or a URL",
        description="Make content/articles/<date>-<slug>.md from a text file (headline on the "
                    "first line), a saved HTML page, - (standard input) or an http(s) URL. "
                    "Site furniture (related links, share rows, comment forms...) is removed.")
    parser.add_argument("source", metavar="SOURCE", help="file, saved .html page, - or URL")
    add_common(parser)
    parser.add_argument("--lang", metavar="L", help="language tag (default: detected)")
    parser.add_argument("--date", metavar="ISO",
                        help="the article's date (default: now in the site's time zone)")
    parser.add_argument("--force", action="store_true", help="replace an existing article file")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; print the article file to standard output")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root)
    try:
        config = _config(root)
    except BuildFailed as failed:
        print_diagnostics(failed.diagnostics)
        return EXIT_CONTENT
    tz = ZoneInfo(config.timezone) if config else UTC
    when = _date(args.date, tz)
    if when is None:
        print(f"mawjaz import: error: --date `{args.date}` is not an ISO 8601 date "
              "(YYYY-MM-DD, optionally THH:MM and an offset)", file=sys.stderr)
        return EXIT_USAGE
    try:
        fetched = importer.read_source(args.source, stdin=sys.stdin)
        text, is_html = importer.decode(fetched)
        if is_html:
            draft = importer.from_html(text, url=fetched.url, name=fetched.name)
        else:
            draft = importer.from_text(text, name=fetched.name)
        if not draft.paragraphs:
            raise ImportFailed(fetched.name, "no article text left after removing boilerplate")
        if args.verbose:
            for item in draft.removed:
                print(f"{fetched.name}:{item.line}: removed [{item.rule}]: {item.text}",
                      file=sys.stderr)
        body = "\n".join(draft.paragraphs)
        lang = args.lang or importer.detect_lang(f"{draft.title}\n{body}")
        actors = _actors(root, config, f"{draft.title}\n\n{body}")
        content = importer.render(draft, when, lang, actors)
        policy = _slug_policy(config)
        path = importer.article_path(root, when, make_slug(draft.title, policy))
        if args.dry_run:
            _stdout(content)
            return EXIT_OK
        importer.write_new(path, content, force=args.force)
    except ImportFailed as failed:
        print_diagnostics([Diagnostic(failed.path, 0, 0, "error", "import", failed.message)])
        return failed.exit_code
    except OSError as exc:
        print(f"mawjaz import: error: {exc}", file=sys.stderr)
        return 3
    if not args.quiet:
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _config(root: Path) -> SiteConfig | None:
    path = root / CONFIG_NAME
    return load_config(path) if path.is_file() else None


def _date(value: str | None, tz: ZoneInfo | Any) -> datetime | None:
    if not value:
        return datetime.now(tz).replace(microsecond=0)
    try:
        if len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value.strip()), time(), tz)
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=tz)).replace(microsecond=0)


def _slug_policy(config: SiteConfig | None) -> str:
    """The digest's slug policy; the declared default where there is no settings file."""
    return config.slug_policy if config else str(SETTING["slug_policy"].default)


def _actors(root: Path, config: SiteConfig | None, text: str) -> tuple[str, ...]:
    """Registry ids named in the text, for the front matter.

    Only when the build will not find them itself: under ``auto_actors = "add"`` (the default)
    every build tags the article from its text, so listing the same ids would only freeze a
    copy that goes stale when the registry grows."""
    if config is not None and config.auto_actors == "add":
        return ()
    registry, problems = load_registry(root, _slug_policy(config))
    if problems:
        print_diagnostics(problems)
    return find_actors(registry, text)


def _stdout(content: str) -> None:
    data = content.encode("utf-8")
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
    else:
        sys.stdout.write(content)
