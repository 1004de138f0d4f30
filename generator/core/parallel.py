"""Run a per-item function on every core, results in input order.

Per-article work (cleaning, Markdown, sanitising, tagging, page rendering) is independent and
CPU-bound, so it is spread over processes. Workers are forked: they inherit what the build has
already loaded (config, registry, site, templates) instead of receiving pickled copies, and
only items and results cross the process boundary. Results come back in input order, so
output never depends on scheduling. Small jobs, single-core machines and platforms without
``fork`` run in-process, with the same results.

Children never outlive the build: killed (even with SIGKILL, which runs no clean-up), the
parent takes them with it, since a child blocked writing a result nobody reads would wait
forever. Ctrl+C and SIGTERM are the parent's to handle (it stops the workers and says so once):
children ignore Ctrl+C, which a terminal sends to the whole process group, and die quietly
of the SIGTERM the parent sends them when it stops them early.

Why not ``multiprocessing.Pool``: a pool pickles its task function by name, so its workers
could reach the job (the function and the object it shares) only through a module global set
by the pool's initializer, state that outlives the build. Here each worker is a forked process
that gets the job as its arguments, inherited rather than pickled, as are the items: only
chunk numbers and item ranges go to a worker, one pipe each, and results come back on it. So
the parent knows what every worker still owes, and a worker that ends without sending it
(killed, crashed, ``os._exit``) fails the build with ``WorkerDied`` instead of leaving it
waiting, where a pool would wait forever for the lost chunk.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 64  # below this, starting processes costs more than it saves
_STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Chunks a worker holds at a time: while it computes one, the next waits in its pipe, so it
# never idles waiting for this process to read a result and answer with more work.
_IN_FLIGHT = 2


class WorkerDied(RuntimeError):
    """A worker process ended before sending back every result it was given: killed (by the
    out-of-memory killer, say), crashed, or exited on its own. The build stops rather than
    waiting for results that will never come."""


class WorkerTraceback(Exception):
    """The traceback, on the worker, of an exception raised again here: set as its
    ``__cause__``, so that a traceback printed here shows where the worker failed."""

    def __str__(self) -> str:
        return "\n" + str(self.args[0]) if self.args else ""


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


Progress = Callable[[int, int], None]


def map_ordered(func: Callable[[Any, Item], Result], shared: Any, items: Sequence[Item],
                workers: int | None = None, progress: Progress | None = None) -> list[Result]:
    """``[func(shared, item) for item in items]``, computed by up to ``workers`` processes;
    ``progress(done, total)`` is called as results arrive. An exception raised by ``func`` on
    a worker is raised here (the one of the first failing chunk, in input order, so that it
    does not depend on scheduling); a worker that dies raises ``WorkerDied``."""
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
    with _Crew(func, shared, items, workers, chunk) as crew:
        crew.collect(progress)
        return crew.results()


@contextlib.contextmanager
def in_background(func: Callable[[Any, Item], Result], shared: Any, items: Sequence[Item],
                  workers: int | None = None) -> Iterator[Callable[[], list[Result]]]:
    """``map_ordered`` started on worker processes while the caller does other work; the
    yielded function waits for the results (in input order) or raises what ``map_ordered``
    would. Without workers it computes them when called. Workers still running when the
    block is left early are stopped.

    The caller counts as one of the ``workers``: one fewer is forked, and the yielded
    function computes here, chunk by chunk, what no worker has taken yet. A forked worker
    starts with as much resident memory as this process has (its page tables are copied),
    so each one forked from a large build adds that much to the machine's memory; a caller
    that waited idle for its workers would leave a core unused besides."""
    workers = default_workers() if workers is None else workers
    chunk = _chunk(workers, len(items))
    if not chunk:
        def compute() -> list[Result]:
            with _collecting():
                return [func(shared, item) for item in items]
        yield compute
        return
    with _Crew(func, shared, items, workers - 1, chunk) as crew:
        # Results are read as they arrive, by a thread (as a pool's result thread does): the
        # caller is busy meanwhile, and a worker whose result nobody reads stops at its pipe's
        # buffer. Workers are forked before it starts, from this thread: Linux sends the
        # parent-death signal when the thread that forked a child ends. The reader starts with
        # Ctrl+C and SIGTERM held, and keeps them so: the kernel then delivers them to this
        # thread, whose wait for the results they interrupt (one delivered to the reader would
        # be handled only once the caller's wait ended by itself).
        reader = threading.Thread(target=crew.collect_quietly, name="mawjaz-results", daemon=True)
        with _forking():
            reader.start()

        def results() -> list[Result]:
            with _collecting():
                crew.help()
            reader.join()
            return crew.results()

        try:
            yield results
        finally:
            crew.stop()  # workers still computing are ended, which wakes the reader
            reader.join()


@contextlib.contextmanager
def _collecting() -> Iterator[None]:
    """The cycle collector on while items are processed here, as it is on workers: the
    caller may have paused it (see ``build.shortcut.collector_paused``), and parsing or rendering
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
    with in_child_steps(_one, func, *args) as steps:
        received: list[Result | None] = []

        def result() -> Result | None:
            if not received:
                received.append(steps.take())
            return received[0]

        yield result


def _one(func: Callable[..., Result], *args: Any) -> Iterator[Result]:
    yield func(*args)


class ChildSteps:
    """The values a child of ``in_child_steps`` sends, taken in order."""

    def __init__(self, reader: Connection | None) -> None:
        self._reader = reader  # None: no child, or it ended

    def ready(self) -> bool:
        """Whether ``take`` would answer without waiting: the next value has come, or the
        child has ended (or never was)."""
        try:
            return self._reader is None or self._reader.poll()
        except OSError:
            return True

    def take(self) -> Any | None:
        """The child's next value, waited for; None once it has no more (it ended, failed,
        or sent what would not pickle), and ever after: the caller then does the rest itself."""
        if self._reader is None:
            return None
        try:
            return self._reader.recv()
        except (EOFError, OSError):
            self._reader = None
            return None


@contextlib.contextmanager
def in_child_steps(func: Callable[..., Iterator[Any]], *args: Any) -> Iterator[ChildSteps]:
    """The values ``func(*args)`` yields, computed by a forked child while this process goes
    on and sent as each is made: a caller can act on the first (is there anything to do?)
    while the child goes on to the next. Without ``fork`` there are none. Only for work that
    needs nothing this process does meanwhile; a child still working when the block ends is
    given a few seconds to see that nobody reads it any more, then killed."""
    if "fork" not in multiprocessing.get_all_start_methods():
        yield ChildSteps(None)
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_send, args=(writer, reader, os.getpid(), func, args), daemon=True)
    try:
        with _forking():
            child.start()
    except OSError:
        reader.close()
        yield ChildSteps(None)
        return
    finally:
        writer.close()
    try:
        yield ChildSteps(reader)
    finally:
        reader.close()  # a child still sending gets a broken pipe and ends
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()


def _send(connection: Any, reading: Connection, parent: int, func: Callable[..., Iterator[Any]],
          args: tuple[Any, ...]) -> None:
    _become_child(parent)
    # The parent's end, inherited by the fork: held open here, it would keep a value the parent
    # no longer wants from failing to send (the pipe never breaks), and the child waiting.
    reading.close()
    with contextlib.suppress(Exception):  # the parent does what was not sent itself
        for value in func(*args):
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


class _Member:
    """One worker process, this end of its pipe, and the chunks it was given and has not
    answered yet (in the order given)."""

    __slots__ = ("connection", "owed", "process", "told_to_stop")

    def __init__(self, process: Any, connection: Connection) -> None:
        self.process = process
        self.connection = connection
        self.owed: list[int] = []
        self.told_to_stop = False


class _Crew:
    """Forked workers computing ``func(shared, items[i])`` for the chunks of ``items`` this
    process gives them (and this process the chunks it takes itself, see ``help``), with
    their results gathered in input order. Leaving the ``with``
    block stops every worker, finished or not, and reaps it.

    ``collect`` runs in one thread at a time (the caller's, or ``in_background``'s reader);
    ``stop`` may be called from another thread meanwhile: it only signals workers."""

    def __init__(self, func: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any],
                 workers: int, chunk: int) -> None:
        total = len(items)
        self._job = (func, shared, items)
        self._total = total
        self._ranges = [(start, min(start + chunk, total)) for start in range(0, total, chunk)]
        self._results: list[list[Any] | None] = [None] * len(self._ranges)
        self._given = 0  # chunks given out so far, in order
        self._received = 0  # items whose results are in
        self._failure: tuple[int, BaseException | _Failure] | None = None  # (chunk, why)
        self._error: BaseException | None = None  # what went wrong in ``collect_quietly``
        self._stopping = False
        self._members: list[_Member] = []
        # Held while chunks are given out and results counted: the caller's thread takes
        # chunks too (``help``) while ``collect`` gives them to the workers.
        self._lock = threading.Lock()
        context = multiprocessing.get_context("fork")
        parent = os.getpid()
        try:
            with _forking():
                for _ in range(min(workers, len(self._ranges))):
                    ours, theirs = context.Pipe()
                    # The worker closes the ends of this process it inherits (its own and
                    # those of the workers before it): only the parent holds them.
                    inherited = (*(member.connection for member in self._members), ours)
                    process = context.Process(target=_serve, daemon=True,
                                              args=(func, shared, items, parent, theirs, inherited))
                    try:
                        process.start()
                    except BaseException:
                        ours.close()
                        raise
                    finally:
                        theirs.close()  # the worker's now: its end closes when it ends
                    self._members.append(_Member(process, ours))
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> _Crew:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def collect(self, progress: Progress | None = None) -> None:
        """Give out every chunk and take the results, until all are in or one chunk failed
        (then those before it, which decide which failure is raised, are waited for)."""
        watched: dict[Any, _Member] = {}
        for member in self._members:
            watched[member.connection] = member
            watched[member.process.sentinel] = member
        for _ in range(_IN_FLIGHT):  # round by round: the first (costliest) chunks go to all
            for member in self._members:
                self._give(member)
        while not self._done() and not self._stopping:
            if not watched:
                raise WorkerDied("every worker process ended with results still to come")
            for ready in wait(list(watched)):
                member = watched.get(ready)
                if member is None:  # its connection and its sentinel were both ready
                    continue
                if ready is member.connection:
                    try:
                        message = member.connection.recv()
                    except (EOFError, OSError):  # it ended: its sentinel says so too
                        self._ended(member, watched, progress)
                        continue
                    self._take(member, message, progress)
                    self._give(member)
                else:
                    self._ended(member, watched, progress)

    def help(self) -> None:
        """Compute here, one at a time, the chunks no worker has been given yet, until none
        is left or one has failed (a failure here is kept, as a worker's would be)."""
        func, shared, items = self._job
        while (number := self._claim()) is not None:
            start, stop = self._ranges[number]
            try:
                values = [func(shared, items[index]) for index in range(start, stop)]
            except Exception as exc:
                self._fail(number, exc)
                return
            with self._lock:
                self._results[number] = values
                self._received += len(values)

    def _claim(self) -> int | None:
        """The next chunk no one has, now this process's; None when none is left to give."""
        with self._lock:
            if self._failure is not None or self._stopping or self._given == len(self._ranges):
                return None
            self._given += 1
            return self._given - 1

    def collect_quietly(self) -> None:
        """``collect`` on a thread: what it raises is kept for ``results`` to raise."""
        try:
            self.collect()
        except BaseException as exc:
            self._error = exc

    def results(self) -> list[Any]:
        """Every result in input order, once ``collect`` has returned; or what failed."""
        if self._error is not None:
            raise self._error
        if self._failure is not None:
            failure = self._failure[1]
            if isinstance(failure, _Failure):
                raise failure.exception from WorkerTraceback(failure.where)
            raise failure
        if self._stopping or not self._done():
            raise WorkerDied("the workers were stopped before every result was in")
        return [result for chunk in self._results for result in chunk or ()]

    def stop(self) -> None:
        """Stop the workers still computing (SIGTERM, of which they die quietly). Safe from
        another thread than ``collect``'s: it signals, and reaps nothing."""
        finished = self._done() and self._failure is None
        self._stopping = True
        if not finished:
            for member in self._members:
                member.process.terminate()

    def close(self) -> None:
        """``stop``, then reap every worker and close the pipes."""
        self.stop()
        for member in self._members:
            member.process.join()
            member.connection.close()

    def _give(self, member: _Member) -> None:
        """The next chunk for ``member``; when none is left and it owes nothing, the word to
        stop. Nothing more once a chunk has failed."""
        if self._failure is not None or self._stopping or member.told_to_stop:
            return
        try:
            number = self._claim()
            if number is not None:
                member.owed.append(number)
                member.connection.send((number, *self._ranges[number]))
            elif not member.owed:
                member.told_to_stop = True
                member.connection.send(None)
        except OSError:  # it has ended: its sentinel tells, and what it owes fails the build
            pass

    def _take(self, member: _Member, message: tuple[int, list[Any] | None, Any],
              progress: Progress | None) -> None:
        number, values, failure = message
        member.owed.remove(number)
        if values is None:
            self._fail(number, failure)
            return
        with self._lock:
            self._results[number] = values
            self._received += len(values)
        if progress is not None:
            progress(self._received, self._total)

    def _ended(self, member: _Member, watched: dict[Any, _Member], progress: Progress | None) -> None:
        """``member``'s process has ended: take what it sent before it did, reap it (its
        sentinel is ready as it exits, maybe before it can be reaped: its exit code is read
        only after the join), and fail the chunks it still owes."""
        with contextlib.suppress(EOFError, OSError):
            while member.connection.poll():
                self._take(member, member.connection.recv(), progress)
        watched.pop(member.connection, None)
        watched.pop(member.process.sentinel, None)
        member.process.join()
        if member.owed:
            self._fail(member.owed[0], WorkerDied(
                f"a worker process (pid {member.process.pid}) {_how_it_ended(member.process.exitcode)} "
                "before sending back all its results"))
            member.owed.clear()

    def _fail(self, number: int, failure: BaseException | _Failure) -> None:
        """Keep the failure of the earliest chunk: the one raised, whatever the timing."""
        with self._lock:
            if self._failure is None or number < self._failure[0]:
                self._failure = (number, failure)

    def _done(self) -> bool:
        """Every result is in, or a chunk failed and every chunk before it has answered."""
        if self._failure is not None:
            first = self._failure[0]
            return not any(number < first for member in self._members for number in member.owed)
        return self._given == len(self._ranges) and not any(member.owed for member in self._members)


def _how_it_ended(code: int | None) -> str:
    if code is None:
        return "ended"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code}"


@dataclass(frozen=True, slots=True)
class _Failure:
    """An exception raised by the job on a worker, as sent back: the exception (or, when it
    would not survive the trip, a ``RuntimeError`` that says what it was) and the worker's
    traceback as text."""

    exception: BaseException
    where: str

    @classmethod
    def of(cls, exc: BaseException) -> _Failure:
        where = "".join(traceback.format_exception(exc))
        try:
            pickle.loads(ForkingPickler.dumps(exc))  # what the parent will do with it
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        return cls(exc, where)


def _serve(func: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], parent: int,
           connection: Connection, inherited: tuple[Connection, ...]) -> None:
    """A worker's life: compute the chunks it is given until told to stop. ``func``,
    ``shared`` and ``items`` are this function's arguments, inherited through the fork;
    only chunk numbers and ranges come down the pipe."""
    _become_child(parent)
    for other in inherited:
        other.close()
    # What the fork handed down (the whole site, for a render's workers) is left out of the
    # collections that this worker's own objects set off: traversing it would take time and,
    # by writing each object's collector header, copy the pages the worker shares with the
    # build. The parent may have paused the collector (``build.shortcut.collector_paused``).
    gc.freeze()
    gc.enable()
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):  # the parent has gone
            return
        if task is None:
            return
        number, start, stop = task
        try:
            message = (number, [func(shared, items[index]) for index in range(start, stop)], None)
        except Exception as exc:  # raised again in the parent, as a pool does
            message = (number, None, _Failure.of(exc))
        try:
            connection.send(message)
        except (BrokenPipeError, ConnectionResetError):  # the parent has gone
            return
        except Exception as exc:  # a result that will not pickle: nothing was sent yet
            failure = RuntimeError(f"a result of the job could not be sent back from its worker: {exc!r}")
            connection.send((number, None, _Failure.of(failure)))


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Ctrl+C and SIGTERM held while children are forked (a child that took one before it
    could ignore it would print a traceback) or a thread is started that must never take
    them (it keeps them held). They are delivered when the block ends."""
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
