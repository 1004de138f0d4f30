"""Run a per-item function on every core, results in input order.

Per-article work (cleaning, Markdown, sanitising, tagging, page rendering) is independent and
CPU-bound, so it is spread over processes. Workers are forked: they inherit what the build has
already loaded (config, registry, site, templates) instead of receiving pickled copies, and
only items and results cross the process boundary. Results come back in input order, so
output never depends on scheduling. Small jobs, single-core machines and platforms without
``fork`` run in-process, with the same results.

Why not ``multiprocessing.Pool``: its task function is pickled by name, so a worker can only
reach the job's function and shared object through a module global set by the pool's
initializer. Here each worker is a forked ``Process`` whose target gets them as arguments
(a forked process inherits its arguments; nothing big is pickled), so no module keeps a job.
A worker that dies is reported instead of leaving the build waiting for its results.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import wait
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 64  # below this, starting processes costs more than it saves


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
    results = []
    with _Workers(func, shared, items, workers, chunk) as pool:
        for batch in pool.batches():
            results.extend(batch)
            if progress is not None:
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
    with _Workers(func, shared, items, workers, chunk) as pool:
        # Read as results arrive, as a pool's result thread would: a worker whose result is
        # not read stops at the pipe's buffer, and the caller is busy meanwhile.
        received: list[list[Result]] = []
        failed: list[BaseException] = []
        reader = threading.Thread(target=_drain, args=(pool, received, failed), daemon=True)
        reader.start()

        def results() -> list[Result]:
            reader.join()
            if failed:
                raise failed[0]
            return [result for batch in received for result in batch]
        try:
            yield results
        finally:  # workers still running when the block is left early are stopped first
            pool.stop()
            reader.join()


@contextlib.contextmanager
def _collecting() -> Iterator[None]:
    """The cycle collector on while items are processed here, as it is on workers: the
    caller may have paused it (see ``build._collector_paused``), and parsing or rendering
    thousands of items makes cycles."""
    enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()


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
    child = context.Process(target=_send, args=(writer, func, args), daemon=True)
    try:
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


def _send(connection: Any, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
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


class _Workers:
    """``workers`` forked processes computing ``func(shared, item)`` for chunks of ``items``;
    ``batches()`` gives each chunk's results in input order. Leaving the ``with`` block stops
    every worker, finished or not."""

    def __init__(self, func: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any],
                 workers: int, chunk: int) -> None:
        context = multiprocessing.get_context("fork")
        self._count = (len(items) + chunk - 1) // chunk
        self._tasks = context.Queue()  # fed by a thread: putting every chunk never blocks
        self._reader, writer = context.Pipe(duplex=False)
        lock = context.Lock()  # one result on the pipe at a time
        self._processes = [context.Process(target=_serve, args=(func, shared, self._tasks, writer, lock),
                                           daemon=True) for _ in range(workers)]
        for process in self._processes:
            process.start()
        writer.close()  # the workers hold it now
        for index in range(self._count):
            self._tasks.put((index, items[index * chunk:(index + 1) * chunk]))
        for _ in self._processes:
            self._tasks.put(None)

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._tasks.cancel_join_thread()  # chunks no worker will read are dropped
        self._tasks.close()
        self._reader.close()

    def stop(self) -> None:
        """End every worker (those done with their work have ended already)."""
        for process in self._processes:
            if process.is_alive():
                process.terminate()
            process.join()

    def batches(self) -> Iterator[list[Any]]:
        early: dict[int, list[Any]] = {}
        for index in range(self._count):
            while index not in early:
                done, values, problem = self._receive()
                if problem is not None:
                    raise problem
                early[done] = values
            yield early.pop(index)

    def _receive(self) -> tuple[int, list[Any], BaseException | None]:
        """The next result any worker sends; a worker that ended without sending all it was
        given stops the build rather than leaving it waiting."""
        running = {process.sentinel: process for process in self._processes}
        while True:
            ready = wait([self._reader, *running])
            if self._reader in ready:
                try:
                    return self._reader.recv()
                except EOFError:  # every worker has closed its end: each is ending
                    for process in self._processes:
                        process.join()
                    raise self._ended() from None
            for sentinel in ready:
                process = running.pop(sentinel)  # type: ignore[call-overload]
                process.join()  # its sentinel is ready as it exits, maybe before it can be reaped
                if process.exitcode != 0:
                    raise self._ended()
            if not running and not self._reader.poll():
                raise self._ended()

    def _ended(self) -> RuntimeError:
        """Why results are missing (the workers that ended have been joined)."""
        codes = [process.exitcode for process in self._processes if process.exitcode]
        why = f"exit code {codes[0]}" if codes else "without sending every result"
        return RuntimeError(f"a worker process ended unexpectedly ({why})")


def _serve(func: Callable[[Any, Any], Any], shared: Any, tasks: Any, results: Any, lock: Any) -> None:
    """A worker's life: compute the chunks it takes until told to stop. ``func`` and
    ``shared`` are this function's arguments, inherited through the fork."""
    gc.enable()  # the parent may have paused it (see ``build._collector_paused``)
    while (task := tasks.get()) is not None:
        index, items = task
        try:
            message = (index, [func(shared, item) for item in items], None)
        except Exception as exc:  # raised again in the parent, as a pool does
            message = (index, [], _sendable(exc))
        try:
            data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = pickle.dumps((index, [], RuntimeError(f"a result could not be sent back: {exc!r}")))
        with lock:
            results.send_bytes(data)


def _sendable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling, else a ``RuntimeError`` that says what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _drain(pool: _Workers, received: list[list[Any]], failed: list[BaseException]) -> None:
    """Every batch of ``pool`` into ``received``, or the first failure into ``failed``."""
    try:
        received.extend(pool.batches())
    except BaseException as exc:
        failed.append(exc)
