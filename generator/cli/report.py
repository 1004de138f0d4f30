"""Printing diagnostics and cleaner reports for people (stderr, colour on a terminal)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from types import MappingProxyType
from typing import TextIO

from generator.content.permalinks import suffixed_urls
from generator.core.diagnostics import Diagnostic
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
    ``file:1:1: note[url-suffix]: ...``: worth a look, never a problem (``--strict`` ignores it)."""
    stream = stream or sys.stderr
    for note in suffixed_urls(site):
        print(note, file=stream)
