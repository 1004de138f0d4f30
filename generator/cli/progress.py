"""A progress display for long builds, on a terminal only: one line per stage of the build
(reading the articles, rendering pages and feeds, the search index, writing), each with its
bar and count, so the display covers the whole build rather than its first stage.

The display goes to stderr (stdout stays free for the summary and for ``--format json``), is drawn
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

Callback = Callable[..., None]  # (done, total) for the first stage; (done, total, stage) for any


def wanted(quiet: bool, stream: TextIO | None = None) -> bool:
    """A bar only for a person watching a terminal."""
    stream = stream or sys.stderr
    return not quiet and stream.isatty()


@contextlib.contextmanager
def progress_bar(enabled: bool, label: str = "articles", stream: TextIO | None = None,
                 console: Console | None = None) -> Iterator[Callback | None]:
    """Yield a ``(done, total, stage=label)`` callback drawing the bars, or None when no bar is
    wanted. A new ``stage`` ends the bars before it (shown full) and starts its own; a total
    of None is a stage whose size is not known ahead (a moving bar).

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
        tasks = {label: bar.add_task(label, total=None)}

        def advance(done: int, total: int | None, stage: str = label) -> None:
            if stage not in tasks:
                for earlier in tasks.values():  # the build has moved on: those stages are done
                    finished = bar.tasks[earlier].total or bar.tasks[earlier].completed or 1
                    bar.update(earlier, completed=finished, total=finished)
                tasks[stage] = bar.add_task(stage, total=None)
            bar.update(tasks[stage], completed=done, total=total)

        yield advance
