"""Golden output: compare a built tree with tests/golden/<name>/, or rewrite it.

Set ``MAWJAZ_UPDATE_GOLDEN=1`` to rewrite the golden files from the current output; review
the diff like code. Theme static files (copied verbatim) are compared by name only. The
search index (``search-index/``) is compared whole: mawjaz writes it, the same bytes for the
same site, so a change to its format or its keys shows in the diff like any page's.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from generator.core.model import OutputFile

GOLDEN = Path(__file__).resolve().parent / "golden"


def updating() -> bool:
    return os.environ.get("MAWJAZ_UPDATE_GOLDEN", "") not in ("", "0")


def textual(item: OutputFile) -> bool:
    return not item.path.startswith("static/")  # theme files are copied verbatim: names only


def compare_tree(name: str, files: Iterable[OutputFile]) -> list[str]:
    """Differences between ``files`` and the golden tree ``name`` (empty when equal)."""
    folder = GOLDEN / name
    files = list(files)
    if updating():
        shutil.rmtree(folder, ignore_errors=True)
        for item in files:
            target = folder / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.content if textual(item) else b"")
        return []
    problems = []
    expected = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    actual = {f.path for f in files}
    problems += [f"missing from output: {p}" for p in sorted(expected - actual)]
    problems += [f"not in golden tree: {p}" for p in sorted(actual - expected)]
    for item in files:
        if item.path in expected and textual(item) and (folder / item.path).read_bytes() != item.content:
            problems.append(f"differs: {item.path}")
    return problems
