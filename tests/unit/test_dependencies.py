"""Every package ``generator/`` imports is a dependency of its own in ``pyproject.toml``,
never reached through another package's requirements (which may drop it in any release)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def imported_top_level_names() -> set[str]:
    names = set()
    for path in (REPO / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - {"generator", "__future__"} - set(sys.stdlib_module_names)


def declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    return {_normal(re.split(r"[\[<>=!~;@ ]", requirement, maxsplit=1)[0]) for requirement in project["dependencies"]}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_a_direct_dependency() -> None:
    owners = packages_distributions()
    missing = {}
    for name in sorted(imported_top_level_names()):
        distributions = {_normal(d) for d in owners.get(name, [])}
        assert distributions, f"`{name}` is imported but not installed"
        if not distributions & declared():
            missing[name] = sorted(distributions)
    assert missing == {}


def test_the_scan_sees_the_imports_it_must() -> None:
    """Imports inside functions count too (trafilatura and feedparser are imported late)."""
    assert {"yaml", "jinja2", "markupsafe", "trafilatura", "feedparser", "rich", "lxml"} <= imported_top_level_names()
