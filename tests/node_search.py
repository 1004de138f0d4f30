"""static/js/search.js run under node for the unit tests that hold it to the Python rules.

One node process per test module loads the script and runs a driver that reads one JSON value
a line and answers one JSON value a line. Without node the tests are skipped, except under
``CI=true``, where they fail: the two sides drifting apart would go unseen.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from typing import Any

import pytest

from generator.text.arabic import SEARCH_JS


def node_or_skip(what: str) -> str:
    """The node executable; ``what``: what goes unchecked without it (for the skip reason)."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is needed to check static/js/search.js (CI=true does not skip)")
        pytest.skip(f"node is not installed: {what}")
    return node


class NodeScript:
    """search.js loaded once in a node process running ``driver`` (JavaScript that reads
    ``require(process.argv[1])``), asked one JSON value at a time."""

    def __init__(self, driver: str, what: str) -> None:
        self._proc = subprocess.Popen([node_or_skip(what), "-e", driver, str(SEARCH_JS)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def send(self, value: Any) -> Any:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(value) + "\n")
        self._proc.stdin.flush()
        return json.loads(self._proc.stdout.readline())

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait()
