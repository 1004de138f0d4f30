"""The ``mawjaz`` command line.

Each sub-command lives in ``generator/cli/commands/<name>.py`` and exposes ``register(subparsers)``
and ``run(args) -> int``, so adding a command touches one new module and this list.

Exit codes (documented in README): 0 success, 1 the content has errors (or warnings under
``--strict``), 2 wrong usage, 3 an I/O or environment failure (disk full, permission, a link
where the output goes), 4 another mawjaz process is building the digest (``--no-wait``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import NoReturn

from generator import __version__

COMMANDS = ("build", "check", "new", "serve", "import", "actors", "send")

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_IO = 3
EXIT_BUSY = 4
EXIT_WORKER = 5  # a worker process died (the system's out-of-memory killer, say)
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl+C
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_PIPE = 141  # 128 + SIGPIPE: what reads the output stopped reading (``mawjaz build | head -1``)


def make_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Every command's parser; only the one ``argv`` names when it names one: a command's
    module imports what it needs, and a build need not import the preview server or the
    importer (a few hundredths of a second on every rebuild)."""
    parser = argparse.ArgumentParser(
        prog="mawjaz", description="An Arabic-first static site generator for news digests.")
    parser.add_argument("--version", action="version", version=f"mawjaz {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = argv[0] if argv else None
    for name in (named,) if named in COMMANDS else COMMANDS:
        try:
            module = importlib.import_module(f"generator.cli.commands.{name.replace('-', '_')}_cmd")
        except ModuleNotFoundError as exc:  # a command still being written
            if exc.name and exc.name.startswith("generator.cli.commands."):
                continue
            raise
        module.register(sub)
    return parser


def add_common(parser: argparse.ArgumentParser) -> None:
    """Options every content-reading command shares."""
    parser.add_argument("--root", default=".", metavar="DIR",
                        help="the digest folder (holding mawjaz.toml); default: current folder")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print more detail, including every line the cleaner removed")


def main(argv: Sequence[str] | None = None, kept: list[object] | None = None) -> int:
    """Run the command ``argv`` names. ``kept``: where a command may leave what it made for
    the caller to free, or not (see ``run`` and ``keep_until_exit``)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = make_parser(argv)
    args = parser.parse_args(argv)
    args.kept = kept
    if not args.command:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        with _terminate_as_interrupt():
            return int(args.run(args))
    except Exception as exc:
        if not _worker_died(exc):
            raise
        # Not the content's fault, nor a bug to show as a traceback: the system ended a worker.
        print(f"error: {exc}; the command stopped and wrote nothing. If the system ran out of "
              "memory, fewer workers need less (`-j 1`).", file=sys.stderr)
        return EXIT_WORKER
    except Terminated:
        print("terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _worker_died(exc: BaseException) -> bool:
    """Whether ``exc`` is ``parallel.WorkerDied``. Only a command that started workers raises
    it, and that command imported the module; looked up here rather than imported, so that a
    build with nothing to do does not load the process machinery."""
    parallel = sys.modules.get("generator.core.parallel")
    return parallel is not None and isinstance(exc, parallel.WorkerDied)


def keep_until_exit(args: argparse.Namespace, value: object) -> None:
    """Hand ``value`` (a build's site and files) to the console entry point, which exits
    without freeing it: freed object by object when the command returned, the result of a
    one-article rebuild of 10,000 articles cost 27 ms of CPU, of 50,000 five times that.
    Called from a test or a server, it is freed as usual."""
    kept = getattr(args, "kept", None)
    if kept is not None:
        kept.append(value)


class Terminated(KeyboardInterrupt):
    """SIGTERM, stopped as Ctrl+C is: unattended jobs get it from CI timeouts and service
    managers, and deserve the same clean exit (workers stopped, nothing half-published)."""


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; a threaded caller keeps its own
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run() -> NoReturn:
    """The console entry point: ``main``, then exit without tearing the heap down object by
    object. A build of a large digest holds hundreds of thousands of objects, and freeing
    them one by one at exit costs a tenth of a second for nothing; the system reclaims the
    memory whole (what a command made is ``kept`` to the end for that). Every file the
    command wrote is closed by then; the standard streams are flushed here."""
    kept: list[object] = []  # freed by the system at exit, never one object at a time
    try:
        code = main(kept=kept)
    except BrokenPipeError:
        # What reads the output went away (``| head -1``): not a bug to show as a traceback.
        # Whatever the command had done is done (a build's site is written before it reports);
        # the exit is the one a shell gives a program that SIGPIPE ended.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_PIPE
    except SystemExit as exit_:  # argparse's --help, --version and usage errors
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else EXIT_USAGE)
        if exit_.code is not None and not isinstance(exit_.code, int):
            print(exit_.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
