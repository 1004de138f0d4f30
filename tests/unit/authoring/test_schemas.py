"""The editor schemas: shipped as made from the build's own declarations, accepting every
digest in this repository, refusing what the build refuses, and written by ``mawjaz new``
with the settings and lines that let editors find them."""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from generator.authoring.schemas import ACTORS, ARTICLE, CONFIG, DIGEST_FOLDER, PACKAGED, schema_text, schemas
from generator.cli.main import main
from generator.content.frontmatter import split_front_matter

REPO = Path(__file__).resolve().parents[3]
DIGESTS = [REPO, *(p for p in sorted((REPO / "tests" / "sites").iterdir()) if (p / "mawjaz.toml").is_file())]


def as_editor_sees(value: Any) -> Any:
    """YAML and TOML dates as the strings an editor's language server validates."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    return value


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((PACKAGED / name).read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(name: str, data: Any) -> list[str]:
    return sorted(e.message for e in validator(name).iter_errors(as_editor_sees(data)))


def front_matter(path: Path) -> Any:
    parts = split_front_matter(path.read_text("utf-8"))
    assert parts is not None, path
    return yaml.safe_load(parts[0])


def test_shipped_schemas_are_made_from_the_declarations() -> None:
    """`python -m generator.authoring.schemas` rewrites them after a change of fields."""
    for name, schema in schemas().items():
        assert (PACKAGED / name).read_text("utf-8") == schema_text(schema), name


@pytest.mark.parametrize("root", DIGESTS, ids=lambda p: p.name)
def test_every_digest_here_is_valid(root: Path) -> None:
    assert errors(CONFIG, tomllib.loads((root / "mawjaz.toml").read_text("utf-8"))) == []
    if (root / "content" / "actors.yaml").is_file():
        actors = yaml.safe_load((root / "content" / "actors.yaml").read_text("utf-8"))
        assert errors(ACTORS, actors) == []
    articles = sorted((root / "content" / "articles").rglob("*.md"))
    assert articles
    for path in articles:
        assert errors(ARTICLE, front_matter(path)) == [], path


@pytest.mark.parametrize(("name", "data", "message"), [
    (ARTICLE, {"date": "2026-11-29"}, "'title' is a required property"),
    (ARTICLE, {"title": "x", "date": "2026-11-29", "tittle": "y"},
     "Additional properties are not allowed ('tittle' was unexpected)"),
    (ARTICLE, {"title": ["عاجل"], "date": "2026-11-29"}, "['عاجل'] is not of type 'string', 'number'"),
    (ARTICLE, {"title": "x", "date": "2026-11-29", "draft": "yes"}, "'yes' is not of type 'boolean'"),
    (ARTICLE, {"title": "x", "date": "2026-11-29", "source": {"url": "ftp://x"}},
     "{'url': 'ftp://x'} is not valid under any of the given schemas"),
    (ACTORS, [{"id": "x", "kind": "company", "names": {"ar": "س"}}],
     "'company' is not one of ['person', 'organisation', 'state', 'government', 'party', 'armed-group', "
     "'media', 'place', 'other']"),
    (ACTORS, [{"id": "x", "kind": "state", "names": {"ar": "س"}, "wikidata": "142"}],
     "'142' does not match '^Q[1-9][0-9]*$'"),
    (ACTORS, [{"id": "x", "kind": "state"}], "'names' is a required property"),
    (CONFIG, {"title": "t", "base_url": "https://example.org/", "digits": "arabic"},
     "'arabic' is not one of ['latn', 'arab']"),
    (CONFIG, {"title": "t", "base_url": "https://example.org/", "items_per_page": 0},
     "0 is less than the minimum of 1"),
    (CONFIG, {"title": "t", "base_url": "https://example.org/", "serach": True},
     "Additional properties are not allowed ('serach' was unexpected)"),
    (CONFIG, {"base_url": "https://example.org/"}, "'title' is a required property"),
])
def test_a_broken_file_is_refused(name: str, data: Any, message: str) -> None:
    assert errors(name, data) == [message]


def test_a_broken_article_file_is_refused_as_a_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: [عاجل]\ndate: 2026-11-29\nactor: [x]\n---\nنص\n", "utf-8")
    assert errors(ARTICLE, front_matter(path)) == [
        "Additional properties are not allowed ('actor' was unexpected)",
        "['عاجل'] is not of type 'string', 'number'"]


def test_new_digest_carries_the_schemas_and_points_editors_at_them(tmp_path: Path) -> None:
    root = tmp_path / "d"
    assert main(["new", str(root), "--quiet"]) == 0
    for name in schemas():
        assert (root / DIGEST_FOLDER / name).read_text("utf-8") == (PACKAGED / name).read_text("utf-8")
    settings = json.loads((root / ".vscode" / "settings.json").read_text("utf-8"))
    for schema, globs in settings["yaml.schemas"].items():
        assert (root / schema).is_file(), schema
        assert all(list(root.glob(g)) for g in globs), globs
    toml_line = (root / "mawjaz.toml").read_text("utf-8").splitlines()[0]
    assert toml_line.startswith("#:schema ") and (root / toml_line.split()[1]).resolve() == \
        (root / DIGEST_FOLDER / CONFIG).resolve()  # Taplo's directive, relative to the file
    yaml_line = (root / "content" / "actors.yaml").read_text("utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert yaml_line.startswith(prefix)
    assert (root / "content" / yaml_line.removeprefix(prefix)).resolve() == (root / DIGEST_FOLDER / ACTORS).resolve()
    assert "redhat.vscode-yaml" in (root / ".vscode" / "extensions.json").read_text("utf-8")
    # What `new` wrote is valid under what it wrote.
    assert errors(CONFIG, tomllib.loads((root / "mawjaz.toml").read_text("utf-8"))) == []
    assert errors(ACTORS, yaml.safe_load((root / "content" / "actors.yaml").read_text("utf-8"))) == []
    for path in (root / "content" / "articles").glob("*.md"):
        assert errors(ARTICLE, front_matter(path)) == []


def test_pre_commit_hook_runs_mawjaz_check() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "mawjaz-check"
    assert hook["entry"] == "mawjaz check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False, "mawjaz check takes the digest, not file names"
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert hook["entry"].split()[0] in scripts
