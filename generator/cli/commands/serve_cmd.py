"""``mawjaz serve``: preview the digest on 127.0.0.1 with live reload (see ``generator.cli.preview``).

Only requests whose ``Host`` is 127.0.0.1, localhost or [::1] are answered (421 otherwise),
so a web page cannot read the preview by rebinding its own name to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

from generator.build.pipeline import BuildOptions
from generator.cli.main import EXIT_CONTENT, EXIT_IO, EXIT_OK, EXIT_USAGE, add_common
from generator.cli.preview import Terminal, serve
from generator.cli.report import print_diagnostics
from generator.core.config import CONFIG_NAME
from generator.core.diagnostics import error

DEFAULT_PORT = 8000


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "serve", help="preview the digest with live reload",
        description="Build in memory, serve on 127.0.0.1, rebuild when content, templates, static "
                    "files or mawjaz.toml change, and reload open pages. Drafts and future items are "
                    "shown, marked, unless --no-drafts / --no-future.")
    add_common(parser)
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_PORT, metavar="PORT",
                        help=f"port on 127.0.0.1 (default: {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--no-drafts", action="store_true", help="hide drafts, as a build does")
    parser.add_argument("--no-future", action="store_true",
                        help="hide articles dated in the future, as a build does")
    parser.add_argument("--interval", type=float, default=0.3, metavar="SECONDS",
                        help="how often to look for changed files (default: 0.3)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = Path(args.root).absolute()
    if not 0 <= args.port <= 65535 or args.interval <= 0:
        print("error: --port must be 0-65535 and --interval above 0", file=sys.stderr)
        return EXIT_USAGE
    if not (root / CONFIG_NAME).is_file():  # a mistyped --root: say so rather than serve nothing
        print_diagnostics([error(CONFIG_NAME, 0, 0, "config-missing",
                                 f"no {CONFIG_NAME} in {root}; run `mawjaz new DIR` to start a digest")])
        return EXIT_CONTENT
    # The build cache makes a rebuild re-read only the articles that changed.
    terminal = Terminal(sys.stdout, sys.stderr, quiet=args.quiet, verbose=args.verbose)
    options = BuildOptions(drafts=not args.no_drafts, future=not args.no_future, cache=True,
                           waiting=terminal.say)  # a `mawjaz build` running: wait, and say so
    stop = threading.Event()
    try:
        with _stop_on_signals(stop):
            serve(root, options, args.port, args.interval, terminal, stop)
    except OSError as exc:
        print(f"error: cannot serve on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_IO
    terminal.say("stopped")
    return EXIT_OK


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl+C and SIGTERM (service managers, `kill`) stop the server cleanly, exit status 0."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM]
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
