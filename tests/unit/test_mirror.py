"""The tests mirror the code: every package of ``generator/`` has its folder in
``tests/unit/``, and every module is imported by some test, or named below with where it is
tested instead."""

from __future__ import annotations

import ast
import fnmatch
import importlib
import inspect
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "generator"
TESTS = REPO / "tests"

# Modules no test imports, each tested only through a larger whole. Keep this short: a module
# that gains a unit test leaves the list (the last test below says so).
TESTED_END_TO_END = {
    # Runs the command line as it is imported; `python -m generator` is run by tests/e2e.
    "generator.__main__": "tests/e2e",
    # The sub-commands and the terminal output, through `cli.main.main([...])`, as a curator
    # runs them.
    "generator.cli.commands.actors_cmd": "tests/unit/cli/test_actors_cmd.py",
    "generator.cli.commands.build_cmd": "tests/test_cli_terminal.py, tests/test_build.py",
    "generator.cli.commands.check_cmd": "tests/test_cli_check.py",
    "generator.cli.commands.new_cmd": "tests/test_cli_new.py",
    "generator.cli.commands.serve_cmd": "tests/test_serve.py",
    "generator.cli.commands.send_cmd": "tests/test_cli_send.py",
    "generator.cli.progress": "tests/test_cli_terminal.py",
    # What `mawjaz new` writes is built by the test of the command.
    "generator.authoring.scaffold": "tests/test_cli_new.py",
    # The feed writers and the feeds page, through `feeds.site.feed_outputs` and whole
    # renders, checked by parsing what they write.
    "generator.feeds.json_feed": "tests/unit/feeds",
    "generator.feeds.page": "tests/unit/feeds, tests/unit/build/test_pipeline.py",
    # Where the output folder may go, through builds with --output.
    "generator.output.placement": "tests/hostile/test_output_dir.py, tests/test_publishing.py",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def has_code_of_its_own(path: Path) -> bool:
    """A package's ``__init__`` that only re-exports (or holds a docstring) has nothing of
    its own to test; every other module has."""
    if path.name != "__init__.py":
        return True
    tree = ast.parse(path.read_text("utf-8"))
    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for node in tree.body)


def modules() -> set[str]:
    return {module_name(path) for path in GENERATOR.rglob("*.py") if has_code_of_its_own(path)}


def imported_by_tests() -> set[str]:
    """Modules the tests import, by name or through a name they import from a package that
    re-exports it (``from generator.actors import tag_articles`` counts for ``tagging``)."""
    found: set[str] = set()
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("generator"))
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("generator"):
                found.add(node.module)
                found.update(origin(node.module, alias.name) for alias in node.names)
    return found


def origin(module: str, name: str) -> str:
    """The module that ``from module import name`` brings in or takes ``name`` from."""
    parent = importlib.import_module(module)
    if hasattr(parent, "__path__"):
        try:
            return importlib.import_module(f"{module}.{name}").__name__
        except ModuleNotFoundError:
            pass
    value = getattr(parent, name, None)
    if inspect.ismodule(value):
        return value.__name__
    defined = getattr(value, "__module__", None)
    return defined if isinstance(defined, str) and defined.startswith("generator") else module


def test_every_package_has_its_unit_test_folder() -> None:
    packages = sorted(p.name for p in GENERATOR.iterdir() if (p / "__init__.py").is_file())
    missing = [name for name in packages if not (TESTS / "unit" / name / "__init__.py").is_file()]
    assert missing == [], f"packages of generator/ without a tests/unit/<package>/ folder: {missing}"


def test_every_unit_test_folder_is_collected(pytestconfig: pytest.Config) -> None:
    """pytest skips folders named like build output (``build``, ``dist``...) unless told
    otherwise: a folder it skips runs none of its tests, silently."""
    skipped = pytestconfig.getini("norecursedirs")
    folders = sorted(p.name for p in (TESTS / "unit").iterdir() if p.is_dir())
    hidden = [name for name in folders if any(fnmatch.fnmatch(name, pattern) for pattern in skipped)]
    assert hidden == [], f"tests/unit folders pytest does not collect (see norecursedirs in pyproject.toml): {hidden}"


def test_every_module_is_imported_by_a_test() -> None:
    untested = sorted(modules() - imported_by_tests() - TESTED_END_TO_END.keys())
    assert untested == [], (f"modules no test imports: {untested}; add a unit test in tests/unit/<package>/, "
                            "or name the module in TESTED_END_TO_END with where it is tested")


def test_the_end_to_end_list_holds_only_untested_modules() -> None:
    stale = sorted(TESTED_END_TO_END.keys() - modules())
    assert stale == [], f"TESTED_END_TO_END names modules that do not exist: {stale}"
    imported = sorted(TESTED_END_TO_END.keys() & imported_by_tests())
    assert imported == [], f"now imported by tests, so leave TESTED_END_TO_END: {imported}"


def test_the_import_survey_sees_re_exports_and_submodules() -> None:
    """The check above is only as good as ``origin``."""
    assert origin("generator.actors", "tag_articles") == "generator.actors.tagging"
    assert origin("generator.cache", "store") == "generator.cache.store"
    assert origin("generator.core.config", "SiteConfig") == "generator.core.config"
    assert origin("generator.build.pipeline", "Checked") == "generator.content.articles"
    assert "generator.render.engine" in modules() and "generator.render" not in modules()
    assert "generator.__main__" in modules()
