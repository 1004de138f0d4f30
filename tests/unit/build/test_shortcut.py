"""The build's first step: a rebuild with nothing changed gives the last build's result
without importing the stages (the pipeline, Jinja, the feed and email libraries)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from generator.build.shortcut import BuildOptions, options_key
from tests.unit.build.test_pipeline import SITE, settle, write

REPO = Path(__file__).resolve().parents[3]
PROBE = """
import json, sys
from generator.cli.main import main
code = main(["build", "--root", sys.argv[1], "--quiet"])
print(json.dumps([code, sorted(m for m in sys.modules if m.split(".")[0] in ("generator", "jinja2", "babel", "lxml"))]))
"""


def build_in_a_new_process(root: Path) -> tuple[int, set[str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, env=env,
                          check=True)
    code, modules = json.loads(done.stdout.splitlines()[-1])
    return code, set(modules)


def test_a_rebuild_with_nothing_changed_imports_no_stage(tmp_path: Path) -> None:
    root = write(tmp_path / "digest", SITE)
    settle(root)
    code, first = build_in_a_new_process(root)
    assert code == 0 and "generator.build.pipeline" in first and "jinja2" in first
    code, again = build_in_a_new_process(root)
    assert code == 0
    assert "generator.build.shortcut" in again
    # The cached articles' classes (and the date formatting they import) may be: the build
    # loads the cache while a child takes the snapshot (see ``build.ahead``).
    stages = ("generator.build.pipeline", "generator.build.survey", "generator.pages",
              "generator.feeds", "generator.render.engine", "generator.content.ingest", "generator.actors",
              "jinja2", "lxml")
    assert not {m for m in again if m.startswith(stages)}
    (root / "content" / "articles" / "one.md").write_text(
        (root / "content" / "articles" / "one.md").read_text("utf-8") + "\nسطر جديد.\n", "utf-8")
    code, edited = build_in_a_new_process(root)
    assert code == 0 and "generator.build.pipeline" in edited  # something changed: the stages


def test_the_options_that_change_the_output_are_in_the_snapshot_key() -> None:
    assert options_key(BuildOptions()) != options_key(BuildOptions(drafts=True))
    assert options_key(BuildOptions()) == options_key(BuildOptions(workers=1, cache=True))
