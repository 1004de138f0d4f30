"""Drive ``mawjaz serve`` in a subprocess: its terminal output, HTTP and event stream.

Shared by the serve tests and the browser test of live reload. Every wait is bounded and
polls quickly.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parent.parent
# A hang net for every wait on the server, far above any honest one: a busy two-core machine
# running the tests in parallel can take seconds to start a server or rebuild.
TIMEOUT = 60.0
T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = TIMEOUT) -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class Lines:
    """Collects a pipe's lines in a background thread, so reading never blocks the test."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def text(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def search(self, pattern: str) -> re.Match[str] | None:
        return re.search(pattern, self.text())


class Server:
    def __init__(self, root: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--root", str(root), "--port", "0",
             "--interval", "0.05", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
        self.out = Lines(self.process.stdout)
        self.err = Lines(self.process.stderr)
        try:
            match = wait_for("the serving line", lambda: self.out.search(r"serving http://127\.0\.0\.1:(\d+)/"))
        except AssertionError:
            self.process.kill()
            raise AssertionError(f"serve did not start:\n{self.out.text()}\n{self.err.text()}") from None
        self.port = int(match.group(1))

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8"), dict(exc.headers)

    def status(self, page: str = "/", since: int = 0) -> dict:
        return json.loads(self.get(f"/__mawjaz/status?since={since}&page={page}")[1])

    def stop(self, sig: int = signal.SIGINT) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=TIMEOUT)
        finally:
            if self.process.poll() is None:
                self.process.kill()


class Events:
    """A Server-Sent Events client on ``/__mawjaz/events``, parsed into dicts."""

    def __init__(self, port: int) -> None:
        self.queue: queue.Queue[dict] = queue.Queue()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.connection.request("GET", "/__mawjaz/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        event = ""
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "change":
                    self.queue.put(json.loads(line[6:]))
        except OSError:
            pass

    def next(self, where: Callable[[dict], bool]) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                event = self.queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if where(event):
                return event
        raise AssertionError("no matching change event")

    def close(self) -> None:
        self.connection.close()
