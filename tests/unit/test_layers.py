"""The packages of ``generator`` are stages stacked one on another, and imports only go down:
a module may import from its own package or from a package below it, never from one above.
That is what lets a newcomer find where a change goes, and what keeps a stage testable on
its own. ARCHITECTURE.md explains the order; this test holds the code to it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "generator"

# Lowest first. ``core`` imports nothing of ours; ``cli`` may import everything.
LAYERS = ("core", "text", "cache", "actors", "content", "render", "feeds", "pages", "output",
          "authoring", "build", "cli")


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE)


def layer_of(dotted: str) -> str | None:
    """The stage package of ``generator.x.y`` (None for the top ``generator`` itself)."""
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "generator" else None


def imported(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "generator":
                found += [(node.lineno, f"generator.{alias.name}") for alias in node.names
                          if alias.name != "__version__"]
            elif node.module.startswith("generator."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("generator.")]
    return found


def test_every_package_has_a_place_in_the_order() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS)
    assert {p.stem for p in PACKAGE.glob("*.py")} == {"__init__", "__main__"}


def upward(path: Path, own: str) -> list[str]:
    """Imports in ``path`` (a module of package ``own``) from a package above ``own``."""
    return [f"{path.name}:{line}: imports {name} ({layer_of(name)} is above {own})"
            for line, name in imported(path)
            if layer_of(name) in LAYERS and LAYERS.index(layer_of(name)) > LAYERS.index(own)]


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_only_go_down(path: Path) -> None:
    assert upward(path, path.relative_to(PACKAGE).parts[0]) == []


def test_an_upward_import_is_found(tmp_path: Path) -> None:
    """The check itself finds upward imports in every spelling (a check that cannot fail
    proves nothing)."""
    module = tmp_path / "dates.py"
    module.write_text("from generator.cli.main import EXIT_OK\nimport generator.build.pipeline\n"
                      "from generator import content\nfrom generator.text.slugs import make_slug\n", "utf-8")
    assert upward(module, "core") == [
        "dates.py:1: imports generator.cli.main (cli is above core)",
        "dates.py:2: imports generator.build.pipeline (build is above core)",
        "dates.py:3: imports generator.content (content is above core)",
        "dates.py:4: imports generator.text.slugs (text is above core)",
    ]
    assert upward(module, "cli") == []
