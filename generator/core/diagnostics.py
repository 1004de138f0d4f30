"""One diagnostic type for every stage.

Curators act on errors in an editor or a CI log, so every problem is printed in the
``path:line:col: severity[code]: message`` form those tools already understand, and a stage
collects all of its problems before the build stops, so one run shows everything to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """A problem at a place in a file; ``line``/``col`` are 1-based. A line of 0 means the
    whole file, a column of 0 the whole line: they are left out of the printed form rather
    than shown as a position that points at nothing."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        where = self.path if self.line <= 0 else (
            f"{self.path}:{self.line}" if self.col <= 0 else f"{self.path}:{self.line}:{self.col}")
        return f"{where}: {self.severity}[{self.code}]: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line if self.line > 0 else None,  # null: the whole file
            "col": self.col if self.line > 0 and self.col > 0 else None,  # null: the whole line
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


def error(path: str, line: int, col: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, col, "error", code, message)


def warning(path: str, line: int, col: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(path, line, col, "warning", code, message)


class BuildFailed(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic gathered so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(sorted(diagnostics))
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type, tuple[tuple[Diagnostic, ...]]]:
        # Raised in worker processes too: it must cross back with its diagnostics intact.
        return (BuildFailed, (self.diagnostics,))


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    """Warnings fail the build only under ``--strict``."""
    return any(d.severity == "error" or strict for d in diagnostics)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint suffix such as `` (did you mean `title`?)``, or empty when nothing is close."""
    import difflib  # only when a name is wrong: every build imports this module, few need it

    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset`` in a file's bytes: where a file that
    cannot be decoded goes wrong, which an editor can jump to."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1
