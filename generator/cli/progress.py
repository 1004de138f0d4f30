"""A progress bar for long builds, on a terminal only.

The bar goes to stderr (stdout stays free for the summary and for ``--format json``), is drawn
only when stderr is a terminal and ``--quiet`` is off, and disappears when the work is done so
the terminal keeps only the one-line summary and any diagnostics. Small digests finish before
the bar's first refresh, so nobody sees it flicker.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

Callback = Callable[[int, int], None]


def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
    """A bar only for a person watching a terminal."""
    stream = stream or sys.stderr
    return not quiet and stream.isatty()


@contextlib.contextmanager
def progress_bar(enabled: bool, label: str = "articles", stream: TextIO | None = None,
                 console: Console | None = None) -> Iterator[Callback | None]:
    """Yield a ``(done, total)`` callback drawing a bar, or None when no bar is wanted.

    None (rather than a no-op function) lets the build skip the call entirely.
    """
    if not enabled:
        yield None
        return
    # Imported here: rich takes longer to import than a small digest takes to build.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = console or Console(file=stream or sys.stderr)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
