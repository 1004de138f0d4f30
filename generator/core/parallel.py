"""Run a per-item function on every core, results in input order.

Per-article work (cleaning, Markdown, sanitising, tagging, page rendering) is independent and
CPU-bound, so it is spread over processes. Workers are forked: they inherit what the build has
already loaded (config, registry, site, templates) instead of receiving pickled copies, and
only items and results cross the process boundary. Results come back in input order, so
output never depends on scheduling. Small jobs, single-core machines and platforms without
``fork`` run in-process, with the same results.

Children never outlive the build: killed (even with SIGKILL, which runs no clean-up), the
parent takes them with it, since a child blocked writing a result nobody reads would wait
forever. Ctrl+C and SIGTERM are the parent's to handle (it stops the pool and says so once):
children ignore Ctrl+C, which a terminal sends to the whole process group, and die quietly
of the SIGTERM the parent's pool sends them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 64  # below this, starting processes costs more than it saves
_STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

_worker_job: tuple[Callable[[Any, Any], Any], Any] | None = None  # set in forked workers only


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


Progress = Callable[[int, int], None]


def map_ordered(func: Callable[[Any, Item], Result], shared: Any, items: Sequence[Item],
                workers: int | None = None, progress: Progress | None = None) -> list[Result]:
    """``[func(shared, item) for item in items]``, computed by up to ``workers`` processes;
    ``progress(done, total)`` is called as results arrive."""
    workers = default_workers() if workers is None else workers
    total = len(items)
    chunk = _chunk(workers, total)
    if not chunk:
        results = []
        with _collecting():
            for item in items:
                results.append(func(shared, item))
                if progress is not None:
                    progress(len(results), total)
        return results
    context = multiprocessing.get_context("fork")
    results = []
    with _forking():
        pool = context.Pool(workers, initializer=_start, initargs=(func, shared, os.getpid()))
    with pool:
        for result in pool.imap(_run, items, chunksize=chunk):
            results.append(result)
            if progress is not None and (len(results) % chunk == 0 or len(results) == total):
                progress(len(results), total)
    return results


@contextlib.contextmanager
def in_background(func: Callable[[Any, Item], Result], shared: Any, items: Sequence[Item],
                  workers: int | None = None) -> Iterator[Callable[[], list[Result]]]:
    """``map_ordered`` started on worker processes while the caller does other work; the
    yielded function waits for the results (in input order). Without workers it computes
    them when called. Workers still running when the block is left early are stopped."""
    workers = default_workers() if workers is None else workers
    chunk = _chunk(workers, len(items))
    if not chunk:
        def compute() -> list[Result]:
            with _collecting():
                return [func(shared, item) for item in items]
        yield compute
        return
    with _forking():
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start,
                                                        initargs=(func, shared, os.getpid()))
    try:
        pending = pool.map_async(_run, items, chunksize=chunk)
        yield lambda: pending.get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


@contextlib.contextmanager
def _collecting() -> Iterator[None]:
    """The cycle collector on while items are processed here, as it is on workers: the
    caller may have paused it (see ``build._collector_paused``), and parsing or rendering
    thousands of items makes cycles.

    A caller pauses the collector because it holds many long-lived objects (a rebuild's
    article cache): those are frozen meanwhile, so that the collections that processing even
    one item sets off do not scan them all (half a second at 50,000 articles)."""
    if gc.isenabled():
        yield
        return
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.disable()
        gc.unfreeze()


@contextlib.contextmanager
def in_child(func: Callable[..., Result], *args: Any) -> Iterator[Callable[[], Result | None]]:
    """``func(*args)`` computed by a forked child while this process goes on; the yielded
    function waits for the result. It gives None when the child could not compute it (no
    fork, a failure, a result that will not pickle): the caller then does without, or does
    the work itself. Only for work that needs nothing this process does meanwhile."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: None
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_send, args=(writer, os.getpid(), func, args), daemon=True)
    try:
        with _forking():
            child.start()
    except OSError:
        reader.close()
        yield lambda: None
        return
    finally:
        writer.close()
    received: list[Result | None] = []

    def result() -> Result | None:
        if not received:
            try:
                received.append(reader.recv())
            except (EOFError, OSError):
                received.append(None)
        return received[0]

    try:
        yield result
    finally:
        reader.close()  # a child still sending gets a broken pipe and ends
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()


def _send(connection: Any, parent: int, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    _become_child(parent)
    try:
        value = func(*args)
    except Exception:  # the parent does the work itself
        value = None
    with contextlib.suppress(Exception):
        connection.send(value)
    connection.close()


def _chunk(workers: int, total: int) -> int:
    """Items per task sent to a worker, or 0 when the work should stay in this process."""
    if workers < 2 or total < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    # Small enough that the costliest jobs, which come first (the busiest actors), are spread
    # over every worker instead of landing in one chunk; large enough that a cold build of
    # 10,000s of articles sends a few hundred messages, not tens of thousands.
    return max(1, min(64, total // (workers * 32)))


def _start(func: Callable[[Any, Any], Any], shared: Any, parent: int) -> None:
    global _worker_job
    _become_child(parent)
    _worker_job = (func, shared)
    gc.enable()  # the parent may have paused it (see ``build._collector_paused``)


def _run(item: Any) -> Any:
    assert _worker_job is not None
    func, shared = _worker_job
    return func(shared, item)


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Ctrl+C and SIGTERM held while children are forked: a child that took one before it
    could ignore it would print a traceback. They are delivered when the block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _become_child(parent: int) -> None:
    """In a forked child, first thing: leave Ctrl+C to the parent, die quietly of SIGTERM
    (the parent's handler, inherited, would raise in here) and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it died before the death signal was asked for
        os._exit(1)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _parent_death_signal() -> bool:
    """Ask Linux for SIGKILL when the parent ends; False where that cannot be had."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        return False


def _watch_parent(parent: int) -> None:
    """The portable fallback: an orphan is adopted by another process, so its parent id
    changes; checked every second."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)
