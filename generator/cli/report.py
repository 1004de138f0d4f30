"""Printing diagnostics and cleaner reports for people (stderr, colour on a terminal)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from types import MappingProxyType
from typing import TextIO
from urllib.parse import urlsplit

from generator.content.permalinks import suffixed_urls
from generator.core.diagnostics import Diagnostic
from generator.core.labels import plural
from generator.core.model import Article, Site

_COLOURS = MappingProxyType({"error": "\033[1;31m", "warning": "\033[1;33m"})
_RESET = "\033[0m"


def use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def print_diagnostics(diagnostics: Iterable[Diagnostic], stream: TextIO | None = None) -> None:
    stream = stream or sys.stderr
    colour = use_colour(stream)
    for item in diagnostics:
        line = item.format()
        if colour:
            head = f"{item.severity}[{item.code}]"
            line = line.replace(head, f"{_COLOURS[item.severity]}{head}{_RESET}", 1)
        print(line, file=stream)


def print_removed(articles: Iterable[Article], stream: TextIO | None = None) -> None:
    """Every line the cleaner dropped, as ``file:line: removed [rule] text``."""
    stream = stream or sys.stderr
    for article in sorted(articles, key=lambda a: a.rel):
        for entry in article.removed_lines:
            line, _, rest = entry.partition(": ")
            print(f"{article.rel}:{line}: removed {rest}", file=stream)


def print_suffixed(site: Site, stream: TextIO | None = None) -> None:
    """Every article published under a suffixed URL because an earlier one had its URL, as
    ``file: note[url-suffix]: ...``: worth a look, never a problem (``--strict`` ignores it)."""
    stream = stream or sys.stderr
    for note in suffixed_urls(site):
        print(note, file=stream)


def counts(articles: int, actors: int, pages: int, feeds: int) -> str:
    """``1 article, 13 actors, 24 pages, 51 feeds``: each noun in the form CLDR's English rule
    picks for its count, so a summary never says ``1 articles``."""
    return (f"{plural('en', 'plural.articles', articles)}, {plural('en', 'plural.actors', actors)}, "
            f"{plural('en', 'plural.pages', pages)}, {plural('en', 'plural.feeds', feeds)}")


def count_problems(diagnostics: Iterable[Diagnostic], lang: str = "en") -> str:
    """``1 error, 2 warnings`` (in ``lang``: the preview's overlay speaks the digest's language)."""
    items = tuple(diagnostics)
    errors = sum(d.severity == "error" for d in items)
    comma = "، " if lang.split("-")[0] in ("ar", "fa", "ur") else ", "  # the Arabic comma in Arabic script
    return f"{plural(lang, 'plural.errors', errors)}{comma}{plural(lang, 'plural.warnings', len(items) - errors)}"


def count_warnings(n: int) -> str:
    return plural("en", "plural.warnings", n)


def local_preview_hint(base_url: str, out_dir: str) -> str:
    """One line after a build saying how to look at the site on this machine.

    A static server started in the output folder serves it at ``/``; when ``base_url`` has a
    sub-path, every link of the site starts with that path, and such a server shows pages
    without their stylesheet and with dead links, so the line says so and points at
    ``mawjaz serve``, which builds for its own address.
    """
    prefix = urlsplit(base_url).path or "/"
    if prefix == "/":
        return (f"to look at it locally: mawjaz serve (live reload), or any static server in {out_dir} "
                f"(python -m http.server -d {out_dir})")
    return (f"to look at it locally: mawjaz serve (its links start with {prefix}, so a static server "
            f"started in {out_dir}, such as python -m http.server, shows pages unstyled with dead links)")
