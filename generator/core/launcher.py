"""Start programs from a small process begun early, not from the large one that asks.

Python starts a program with ``vfork``/``clone(CLONE_VM)``: until the program is executed the
child shares, and reports as its resident memory, all of its parent's. A build that starts
hundreds of programs (Pagefind, once per search shard) from a process holding a large site
shows, nearly every time its process tree is measured, a second copy of that process. So the
build starts a ``Launcher`` first, while it is small: a fresh interpreter (``-I -S``, the
standard library only, ~10 MB) running this module, which starts each program on request.

The protocol: one control connection (a Unix socket pair) takes each request, a tuple
``(argv, cwd, log)``, followed by one end of a socket pair made for that run (passed as a file
descriptor), on which the launcher answers ``("started", pid)`` or ``("failed", errno,
strerror, filename)``, then the program's exit status when it ends. The asker sends
``"kill"`` on the run's connection to end it early (the status follows), or closes it.

Nothing outlives the build: the launcher kills its programs and exits when the control
connection closes (the build ended, raised or died), and each program is also asked from
Linux to be killed when the launcher dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.reduction import recv_handle, send_handle
from typing import Any

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_POLL = 0.05  # seconds between looks at the programs where Linux gives no pidfd
_LEAVE = 5  # seconds the launcher is given to end once told to, before it is killed


class Launched:
    """One program started by the launcher, as much of ``subprocess.Popen`` as a caller that
    waits, polls and kills it needs: ``pid``, ``returncode``, ``poll``, ``wait``, ``kill``."""

    def __init__(self, args: Sequence[str], connection: Connection, pid: int) -> None:
        self.args = list(args)
        self.pid = pid
        self.returncode: int | None = None
        self._connection = connection

    def poll(self) -> int | None:
        """The exit status if the launcher has sent it, without waiting."""
        if self.returncode is None and self._connection.poll(0):
            self._receive()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """The exit status; ``subprocess.TimeoutExpired`` after ``timeout`` seconds, as
        ``Popen.wait`` raises (the program still runs then: ``kill`` it)."""
        if self.returncode is None:
            if not self._connection.poll(timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            self._receive()
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        """Ask the launcher to kill the program (its status then comes as it ends)."""
        if self.returncode is None:
            with contextlib.suppress(OSError):
                self._connection.send("kill")

    def _receive(self) -> None:
        """Take the status; a launcher gone (it died with its programs) reads as killed."""
        try:
            self.returncode = int(self._connection.recv())
        except (EOFError, OSError):
            self.returncode = -signal.SIGKILL
        self._connection.close()


class Launcher:
    """This end of a launcher process: ``start`` asks it to start a program. Safe from several
    threads at once (a request and its file descriptor go together, under a lock)."""

    def __init__(self, process: subprocess.Popen[bytes], control: Connection) -> None:
        self._process = process
        self._control = control
        self._lock = threading.Lock()

    def start(self, argv: Sequence[str], log: str, cwd: str | None = None) -> Launched:
        """Start ``argv`` with its output and errors to the file ``log`` (made anew) and no
        input; raise the ``OSError`` that starting it here would raise (``Popen``'s)."""
        ours, theirs = socket.socketpair()
        try:
            with self._lock:
                self._control.send((tuple(argv), cwd or os.getcwd(), log))
                send_handle(self._control, theirs.fileno(), self._process.pid)
        finally:
            theirs.close()
        connection = Connection(ours.detach())
        try:
            reply = connection.recv()
        except (EOFError, OSError) as exc:
            connection.close()
            raise OSError(f"the program launcher ended before starting {argv[0]}") from exc
        if reply[0] != "started":
            connection.close()
            raise OSError(*reply[1:])
        return Launched(argv, connection, reply[1])

    def close(self) -> None:
        """End the launcher (it kills what still runs) and reap it."""
        self._control.close()
        try:
            self._process.wait(_LEAVE)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


@contextlib.contextmanager
def launcher() -> Iterator[Launcher]:
    """A launcher process for the block, ended (with whatever it still runs) as it ends.
    Start it before the caller grows: this is the one program the caller itself starts."""
    ours, theirs = socket.socketpair()
    try:
        process = subprocess.Popen([sys.executable, "-I", "-S", os.path.abspath(__file__), str(theirs.fileno())],
                                   stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),))
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    started = Launcher(process, Connection(ours.detach()))
    try:
        yield started
    finally:
        started.close()


# --------------------------------------------------------------------------- the launcher's side


def serve(control: Connection) -> None:
    """The launcher's life: start what is asked, report statuses, until ``control`` closes;
    then kill what still runs."""
    runs: dict[Connection, subprocess.Popen[bytes]] = {}
    ends: dict[int, Connection] = {}  # a pidfd (readable once its program ends) -> its run
    try:
        while True:
            waiting = [control, *runs, *ends]
            ready = wait(waiting, timeout=None if len(ends) == len(runs) else _POLL)
            if control in ready and not _take_request(control, runs, ends):
                return
            for connection in [c for c in ready if isinstance(c, Connection) and c in runs]:
                _on_message(connection, runs, ends)
            _report_ended(runs, ends)
    finally:
        for connection in list(runs):
            _end(connection, runs, ends, kill=True)


def _take_request(control: Connection, runs: dict[Connection, subprocess.Popen[bytes]],
                  ends: dict[int, Connection]) -> bool:
    """Start the next program asked for; False once the asker is gone."""
    try:
        argv, cwd, log = control.recv()
        connection = Connection(recv_handle(control))
    except (EOFError, OSError):
        return False
    try:
        with open(log, "wb") as output:
            process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output,
                                       stderr=subprocess.STDOUT, preexec_fn=_dies_with_launcher())
    except OSError as exc:
        _say(connection, ("failed", exc.errno, exc.strerror, exc.filename))
        connection.close()
        return True
    _say(connection, ("started", process.pid))
    runs[connection] = process
    with contextlib.suppress(OSError, AttributeError):  # no pidfd: polled every ``_POLL``
        ends[os.pidfd_open(process.pid)] = connection
    return True


def _on_message(connection: Connection, runs: dict[Connection, subprocess.Popen[bytes]],
                ends: dict[int, Connection]) -> None:
    """``"kill"``, or the asker closed its end: either way the program is ended."""
    try:
        message = connection.recv()
    except (EOFError, OSError):
        message = None
    _end(connection, runs, ends, kill=True, tell=message == "kill")


def _report_ended(runs: dict[Connection, subprocess.Popen[bytes]], ends: dict[int, Connection]) -> None:
    for connection, process in list(runs.items()):
        if process.poll() is not None:
            _end(connection, runs, ends, kill=False)


def _end(connection: Connection, runs: dict[Connection, subprocess.Popen[bytes]],
         ends: dict[int, Connection], kill: bool, tell: bool = True) -> None:
    """Reap the program of ``connection`` (killed first when asked), send its status, forget it."""
    process = runs.pop(connection)
    if kill and process.poll() is None:
        process.kill()
    status = process.wait()
    for fd in [fd for fd, run in ends.items() if run is connection]:
        del ends[fd]
        os.close(fd)
    if tell:
        _say(connection, status)
    connection.close()


def _say(connection: Connection, message: Any) -> None:
    with contextlib.suppress(OSError):
        connection.send(message)


def _dies_with_launcher() -> Callable[[], None] | None:
    """What the program runs before it starts, on Linux: be killed when the launcher dies, and
    take Ctrl+C again (the launcher ignores it; an ignored signal stays ignored across exec)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def prepare() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return prepare


def main(argv: Sequence[str]) -> None:
    """The launcher process: Ctrl+C is its asker's to handle (it closes the control
    connection, and the programs are killed here), and it dies with its asker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare = _dies_with_launcher()  # the asker is this process's parent
    if prepare is not None:
        prepare()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(Connection(int(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
