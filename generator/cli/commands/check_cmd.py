"""``mawjaz check``: everything a build checks, plus links between articles, writing nothing.

Meant for editors, pre-commit hooks and CI: exit 0 when the digest would build (1 on errors,
or on warnings under ``--strict``), and ``--format json`` for tools that annotate files.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import jinja2

from generator.build.pipeline import BuildOptions, load_site, page_and_feed_counts, render_site
from generator.cli.main import EXIT_CONTENT, EXIT_OK, add_common
from generator.cli.progress import progress_bar, wanted
from generator.cli.report import count_problems, counts, print_diagnostics, print_removed, print_suffixed
from generator.core.diagnostics import BuildFailed, Diagnostic, error, has_errors, warning
from generator.core.model import Article, OutputFile, Site
from generator.core.urls import absolute, output_file_for
from generator.output.manifest import lost_urls
from generator.render.theme import Theme, find_theme, make_environment


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "check", help="check the digest without writing anything",
        description="Check config, front matter, actors, templates and links between articles "
                    "without writing anything; exit 1 when the digest would not build.")
    add_common(parser)
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default) or json: diagnostics and a summary on stdout")
    parser.add_argument("--drafts", action="store_true", help="check drafts as part of the site too")
    parser.add_argument("--future", action="store_true",
                        help="check articles dated in the future as part of the site too")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).absolute()
    started = time.perf_counter()
    options = BuildOptions(drafts=args.drafts, future=args.future, strict=args.strict)
    site: Site | None = None
    files: Sequence[OutputFile] = ()
    try:
        show_bar = wanted(args.quiet) and args.format == "text"
        with progress_bar(show_bar) as progress:
            site, diagnostics = load_site(root, dataclasses.replace(options, progress=progress, keep_going=True))
            files, more = _links_and_urls(root, site, diagnostics, progress)
        diagnostics = tuple(sorted((*diagnostics, *more)))
    except BuildFailed as failed:
        diagnostics = failed.diagnostics
    reported = {(d.path, d.line) for d in diagnostics if d.code == "template-syntax"}
    diagnostics = tuple(sorted((*diagnostics, *(d for d in template_syntax(root, find_theme(root))
                                                if (d.path, d.line) not in reported))))
    ok = not has_errors(diagnostics, args.strict) and site is not None
    summary = _summary(site, files, diagnostics, time.perf_counter() - started)
    if args.format == "json":
        report = {"ok": ok, "diagnostics": [d.as_dict() for d in diagnostics], "summary": summary}
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print_diagnostics(diagnostics)
        if args.verbose and site is not None:
            print_removed(site.articles)
            print_suffixed(site)
        if not ok:
            print(f"check failed: {count_problems(diagnostics)}", file=sys.stderr)
        elif not args.quiet:
            print(f"checked {counts(summary['articles'], summary['actors'], summary['pages'], summary['feeds'])}: "
                  f"{count_problems(diagnostics)} in {summary['seconds']:.2f} s; nothing written")
    return EXIT_OK if ok else EXIT_CONTENT


def _links_and_urls(root: Path, site: Site, found: Sequence[Diagnostic], progress: Callable[..., None] | None
                    ) -> tuple[tuple[OutputFile, ...], tuple[Diagnostic, ...]]:
    """The link warnings of the site's articles, and (when nothing else is wrong) the URLs the
    published site would lose. With errors elsewhere, the site holds only the articles that
    are fine: their links are still checked, so one run tells everything; a page that cannot be
    made then is reported as the build would report it."""
    try:
        files = render_site(site, find_theme(root), stage=progress)
    except BuildFailed as failed:
        # With errors already found, pages that cannot be made follow from them (two articles
        # wanting one URL both rendered): reported once, as the build reports them.
        return (), () if has_errors(found) else failed.diagnostics
    if has_errors(found):  # articles left out for their errors are not lost URLs
        return files, tuple(broken_links(root, site, files))
    return files, (*broken_links(root, site, files), *lost_urls(root, root / site.config.output_dir, site, files))


def broken_links(root: Path, site: Site, files: Iterable[OutputFile]) -> list[Diagnostic]:
    """Links in article bodies to pages of this site that the build does not produce.

    Only links that land under ``base_url`` are ours to judge; a link to a folder without its
    trailing slash counts as found, because static servers redirect it. A root-relative link
    that would be one of our pages if the site were at the root of its host, but lacks
    ``base_url``'s path (``/articles/x/`` in a site published at ``/digest/``), is a
    ``link-base-path`` warning: it works in a preview at ``/`` and breaks once published.
    """
    paths = {f.path for f in files}
    base = urlsplit(site.settings.base_url)
    problems = []
    for article in site.articles:
        page = absolute(site.settings.base_url, article.url_path)
        for href in _links(article.body_html):
            target = urlsplit(urljoin(page, href))
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                continue
            path = unquote(target.path)
            base_path = unquote(base.path) or "/"
            if path + "/" == base_path:
                path = base_path
            if not path.startswith(base_path):
                if path != "/" and _exists(path.lstrip("/"), paths):  # ours, without base_url's path
                    line, col = _position_of(root, article, href)
                    problems.append(warning(article.rel, line, col, "link-base-path",
                                            f"link `{href}` lacks the site's path `{base_path}`: on the "
                                            f"published site it leads out of the digest; write "
                                            f"`{base_path}{path.lstrip('/')}` or a relative link"))
                continue
            rel = path[len(base_path):]
            if _exists(rel, paths):
                continue
            line, col = _position_of(root, article, href)
            problems.append(warning(article.rel, line, col, "link-broken",
                                    f"link `{href}` leads to `{base_path}{rel}`, which this site does not "
                                    "have (a misspelt slug, or an article that is a draft or dated "
                                    "in the future?)"))
    return problems


def _exists(rel: str, paths: set[str]) -> bool:
    """Does the site have a file for ``rel`` (a folder counts by its index page)?"""
    return output_file_for(rel) in paths or f"{rel.rstrip('/')}/index.html" in paths


def template_syntax(root: Path, theme: Theme) -> list[Diagnostic]:
    """Compile every template of the digest's own theme, also those no page used this time
    (an actor page template in a digest without actors yet, say)."""
    if not theme.templates.is_relative_to(root):
        return []  # the default theme is tested with mawjaz itself
    env = make_environment(theme)
    problems = []
    for name in sorted(env.list_templates()):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(error(f"templates/{exc.name or name}", exc.lineno or 0, 0,
                                  "template-syntax", exc.message or "syntax error"))
        except jinja2.TemplateError:
            continue  # reported when a page renders it
    return problems


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted_attr = {"a": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted_attr and value and not value.startswith("#"):
                self.links.append(value)


def _links(html: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links


def _position_of(root: Path, article: Article, href: str) -> tuple[int, int]:
    """Line and column in the article file where the link is written; (0, 0), the whole file,
    when not found (a link written as an HTML entity, say)."""
    try:
        lines = (root / article.rel).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0, 0
    for form in dict.fromkeys((href, unquote(href))):
        for number, text in enumerate(lines, 1):
            if form in text:
                return number, text.index(form) + 1
    return 0, 0


def _summary(site: Site | None, files: Sequence[OutputFile], diagnostics: Sequence[Diagnostic],
             seconds: float) -> dict[str, object]:
    errors = sum(d.severity == "error" for d in diagnostics)
    pages, feeds = page_and_feed_counts(files) if site else (None, None)  # as build counts
    return {
        "articles": len(site.articles) if site else None,
        "actors": len(site.actors) if site else None,
        "pages": pages,
        "feeds": feeds,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "seconds": round(seconds, 3),
    }

