"""``mawjaz import SOURCE``: make article files from pasted text, a saved page, a URL, a
folder, a feed or a WordPress export.

One article: SOURCE is a text file (headline on the first non-empty line), a saved ``.html``
page, ``-`` for standard input, or an http(s) URL. The article goes to
``content/articles/<date>-<slug>.md`` under ``--root``; an existing file is replaced only with
``--force``. ``--dry-run`` writes nothing and prints exactly the file that would be written
to standard output (scripts rely on this). ``--verbose`` prints every line the cleaner removed
as ``SOURCE:line: removed [rule]: text`` (line numbers of the text file, or of the text
extracted from a page).

Many articles (``generator.authoring.bulk``): SOURCE is a folder, an RSS or Atom feed, or a
WordPress export, recognised by their first bytes or named by ``--format``. Each item goes
through the same cleaner; duplicates of articles already in the digest (or earlier in the
import) are skipped; nothing is ever replaced. A summary lists what was created, skipped and
why (on standard output for ``--dry-run``, which writes nothing; on standard error
otherwise), failures are diagnostics, and a failed item does not stop the others: the exit
status is 1 when one could not be imported, 3 when one could not be read, fetched or written.

A URL is fetched by ``generator.authoring.fetch``: redirects are followed only to http(s), at most five,
and never from a public site to a local or private address; the whole fetch must end within
30 seconds. Each refusal is one line naming the URL, with exit status 3 like other fetch
failures.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from generator.actors import find_actors, load_registry
from generator.authoring import bulk, importer
from generator.authoring.importer import Fetched, ImportFailed
from generator.cli.main import EXIT_CONTENT, EXIT_IO, EXIT_OK, EXIT_USAGE, add_common
from generator.cli.progress import progress_bar, wanted
from generator.cli.report import print_diagnostics
from generator.core.config import CONFIG_NAME, SETTING, SiteConfig, load_config
from generator.core.dates import ascii_digits
from generator.core.diagnostics import BuildFailed, Diagnostic
from generator.text.slugs import make_slug


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import", help="make articles from text, a saved page, a URL, a folder, a feed or a "
                       "WordPress export",
        description="Make content/articles/<date>-<slug>.md from a text file (headline on the "
                    "first line), a saved HTML page, - (standard input) or an http(s) URL; or "
                    "one article per item of a folder of such files, an RSS or Atom feed, or "
                    "a WordPress export (WXR). Site furniture (related links, share rows, "
                    "comment forms...) is removed; articles already in the digest are skipped.")
    parser.add_argument("source", metavar="SOURCE",
                        help="file, saved .html page, folder, feed, WordPress export, - or URL")
    add_common(parser)
    parser.add_argument("--format", choices=bulk.KINDS,
                        help="what SOURCE is (default: recognised from its content)")
    parser.add_argument("--lang", metavar="L", help="language tag (default: detected)")
    parser.add_argument("--date", metavar="ISO",
                        help="the article's date (default: now in the site's time zone)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing article file (one article only)")
    parser.add_argument("--pages", action="store_true",
                        help="WordPress export: import its pages too, not only its posts")
    parser.add_argument("--fetch", action="store_true",
                        help="feed: fetch the page of each entry that carries only a summary")
    parser.add_argument("--dry-run", action="store_true",
                        help="write nothing; print the article file (or, for many, what would "
                             "be created and skipped) to standard output")
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
        opened = bulk.open_source(args.source, stdin=sys.stdin, kind=args.format)
    except ImportFailed as failed:
        return _failed(failed)
    if opened.kind in ("folder", "feed", "wxr"):
        return _many(args, root, config, tz, when, opened)
    for flag, applies in (("pages", "a WordPress export"), ("fetch", "a feed")):
        if getattr(args, flag):
            return _usage(f"--{flag} applies to {applies}; {args.source} is one article")
    assert opened.fetched is not None
    return _one(args, root, config, when, opened.fetched, opened.kind)


def _one(args: argparse.Namespace, root: Path, config: SiteConfig | None, when: datetime,
         fetched: Fetched, kind: str | None) -> int:
    try:
        text, is_html = importer.decode(fetched)
        if kind is not None:
            is_html = kind == "page"
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
        actors = _actor_finder(root, config)(f"{draft.title}\n\n{body}")
        content = importer.render(draft, when, lang, actors)
        policy = _slug_policy(config)
        path = importer.article_path(root, when, make_slug(draft.title, policy))
        if args.dry_run:
            _stdout(content)
            return EXIT_OK
        importer.check_destination(root)
        importer.write_new(path, content, force=args.force)
    except ImportFailed as failed:
        return _failed(failed)
    except OSError as exc:
        print(f"mawjaz import: error: {exc}", file=sys.stderr)
        return EXIT_IO
    if not args.quiet:
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _many(args: argparse.Namespace, root: Path, config: SiteConfig | None, tz: Any,
          when: datetime, opened: bulk.Opened) -> int:
    """A folder, a feed or an export: one article per item, a summary at the end."""
    if args.force:
        return _usage("--force replaces one article; importing many never replaces a file")
    kind = {"folder": "a folder", "feed": "a feed", "wxr": "a WordPress export"}[str(opened.kind)]
    if args.pages and opened.kind != "wxr":
        return _usage(f"--pages applies to a WordPress export; {opened.name} is {kind}")
    if args.fetch and opened.kind != "feed":
        return _usage(f"--fetch applies to a feed; {opened.name} is {kind}")
    policy = _slug_policy(config)
    max_size = config.max_file_size if config else int(SETTING["max_file_size"].default)
    try:
        if not args.dry_run:
            importer.check_destination(root)
        batch = bulk.items_of(opened, pages=args.pages, fetch=args.fetch)
        known = bulk.scan_digest(root, tz, policy, max_size)
    except ImportFailed as failed:
        return _failed(failed)
    settings = bulk.Settings(root=root, when=when, tz=tz, slug_policy=policy,
                             max_file_size=max_size, actors=_actor_finder(root, config),
                             lang=args.lang, dry_run=args.dry_run)
    worker = bulk.Importer(settings, known)
    outcomes: list[bulk.Outcome] = []
    try:
        with progress_bar(wanted(args.quiet), label="items") as progress:
            for done, item in enumerate(batch.items, start=1):
                outcomes.append(worker.take(item))
                if progress is not None:
                    progress(done, batch.total)
    except ImportFailed as failed:  # the source changed while it was read: stop there
        outcomes.append(bulk.Outcome("failed", failed.path, path=failed.path, line=failed.line,
                                     message=failed.message, exit_code=failed.exit_code))
    failures = [o for o in outcomes if o.status == "failed"]
    print_diagnostics([Diagnostic(o.path, o.line, 0, "error", "import", o.message) for o in failures])
    if not args.quiet:
        for note in batch.notes:
            print(note, file=sys.stderr)
        if args.verbose:
            for outcome in outcomes:
                where = outcome.where
                for line in outcome.removed:
                    at = f"{where}:{line.line}" if outcome.numbered else where
                    print(f"{at}: removed [{line.rule}]: {line.text}", file=sys.stderr)
    if args.dry_run or not args.quiet:
        out = sys.stdout if args.dry_run else sys.stderr
        for line in bulk.summary_lines(opened.name, outcomes, args.dry_run):
            print(line, file=out)
    if not failures:
        return EXIT_OK
    return EXIT_IO if any(o.exit_code == EXIT_IO for o in failures) else EXIT_CONTENT


def _failed(failed: ImportFailed) -> int:
    print_diagnostics([Diagnostic(failed.path, failed.line, 0, "error", "import", failed.message)])
    return failed.exit_code


def _usage(message: str) -> int:
    print(f"mawjaz import: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _config(root: Path) -> SiteConfig | None:
    path = root / CONFIG_NAME
    return load_config(path) if path.is_file() else None


def _date(value: str | None, tz: ZoneInfo | Any) -> datetime | None:
    if not value:
        return datetime.now(tz).replace(microsecond=0)
    value = ascii_digits(value.strip())  # ٢٠٢٦-١١-٢٩ typed on an Arabic keyboard
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), tz)
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=tz)).replace(microsecond=0)


def _slug_policy(config: SiteConfig | None) -> str:
    """The digest's slug policy; the declared default where there is no settings file."""
    return config.slug_policy if config else str(SETTING["slug_policy"].default)


def _actor_finder(root: Path, config: SiteConfig | None) -> Callable[[str], tuple[str, ...]]:
    """Registry ids named in a text, for the front matter; the registry is read once.

    Only when the build will not find them itself: under ``auto_actors = "add"`` (the default)
    every build tags the article from its text, so listing the same ids would only freeze a
    copy that goes stale when the registry grows."""
    if config is not None and config.auto_actors == "add":
        return lambda text: ()
    registry, problems = load_registry(root, _slug_policy(config))
    if problems:
        print_diagnostics(problems)
    return lambda text: find_actors(registry, text)


def _stdout(content: str) -> None:
    data = content.encode("utf-8")
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(data)
        stream.flush()
    else:
        sys.stdout.write(content)
