"""JSON Schemas of what a curator types: article front matter, ``content/actors.yaml`` and
``mawjaz.toml``, for editors that validate and complete as one types (VS Code's YAML and
Even Better TOML extensions, and any editor using their language servers).

The schemas are made from the declarations the build itself checks against (the front-matter
``FIELDS``, the registry's ``FIELDS`` and ``KINDS``, the settings' ``SETTINGS`` with their
allowed values and help), so an editor never accepts a key the build refuses or the reverse.
They ship as package data in ``generator/data/schemas/`` (``python -m
generator.authoring.schemas`` rewrites them; a test holds the files to this module), and
``mawjaz new`` copies them into the digest's ``.mawjaz/schemas/``, where the digest's files
point at them. A schema says what shapes are acceptable; the build still has the last word
(dates that do not exist, slugs, links), with a diagnostic at the line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.actors.registry import FIELDS as ACTOR_FIELDS
from generator.actors.registry import KINDS, REQUIRED
from generator.content.articles import FIELDS as ARTICLE_FIELDS
from generator.core.config import SETTINGS, Setting

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PACKAGED = Path(__file__).resolve().parent.parent / "data" / "schemas"
DIGEST_FOLDER = ".mawjaz/schemas"  # where `mawjaz new` puts them, relative to the digest
ARTICLE, ACTORS, CONFIG = "article.schema.json", "actors.schema.json", "mawjaz.schema.json"

def _text() -> dict[str, Any]:
    return {"type": ["string", "number"]}


def _names() -> dict[str, Any]:
    return {"oneOf": [{"type": "string", "minLength": 1},
                      {"type": "array", "items": {"type": "string", "minLength": 1}}]}


def _date() -> dict[str, Any]:
    """A date as YAML reads it unquoted (the build takes ISO 8601, with Arabic-Indic or
    Persian digits too); an editor sees a string either way."""
    return {"type": "string", "description": "ISO 8601: 2026-11-29, or 2026-11-29T18:30:00+03:00; "
                                             "without an offset, in the site's time zone"}


def _article_properties() -> dict[str, tuple[dict[str, Any], str]]:
    """Each front-matter field's shape and help (made afresh: schemas are nested dicts)."""
    return {
        "title": ({"type": ["string", "number"], "minLength": 1},
                  "the headline; quote it when it holds `: ` (\"خبر: عاجل\")"),
        "date": (_date(), "when the article entered the digest"),
        "published": (_date(), "when the source published it"),
        "updated": (_date(), "when the article was last corrected"),
        "lang": ({"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
                 "language tag such as ar or en; default: the site's language"),
        "actors": (_names(), "actor ids, names or aliases from content/actors.yaml"),
        "source": ({"oneOf": [
            {"type": "string"},
            {"type": "object", "additionalProperties": False,
             "properties": {"name": {"type": "string"}, "url": {"type": "string", "pattern": "^https?://"}}}]},
            "where the news comes from: a name, an http(s) URL, or name: and url:"),
        "summary": (_text(), "default: the first paragraph"),
        "slug": ({"type": "string", "minLength": 1}, "default: made from the title"),
        "draft": ({"type": "boolean"}, "left out of builds unless --drafts"),
        "id": ({"type": "string", "pattern": "^[^\\s/\\\\:<>\"']+$"},
               "stable identity for feeds; default: the file name"),
        "keep": (_names(), "lines the cleaner must not remove"),
        "byline": (_text(), "who wrote it"),
        "topics": (_names(), "subjects"),
        "tags": (_names(), "another name for topics (what WordPress and other generators call them)"),
        "aliases": (_names(), "older URLs of this article (site paths); each redirects here"),
        "old_slugs": (_names(), "older slugs, placed by the current permalink"),
        "translation_of": ({"type": "string", "pattern": "^[^\\s/\\\\:<>\"']+$"},
                           "the id of the article this one translates or summarises; "
                           "the two pages link each other"),
    }


def article_schema() -> dict[str, Any]:
    """The front matter between the ``---`` lines of ``content/articles/*.md``."""
    fields = _article_properties()
    return {
        "$schema": SCHEMA_DIALECT, "$id": f"https://mawjaz.invalid/schemas/{ARTICLE}",
        "title": "mawjaz article front matter", "type": "object", "required": ["title", "date"],
        "additionalProperties": False,
        "properties": {name: {**fields[name][0], "description": fields[name][1]} for name in ARTICLE_FIELDS},
    }


def _actor_properties() -> dict[str, dict[str, Any]]:
    return {
        "id": {"type": "string", "minLength": 1, "description": "stable identity, never shown"},
        "kind": {"enum": list(KINDS)},
        "names": {"type": "object", "minProperties": 1, "description": "display names per language: ar, en, ...",
                  "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
                  "additionalProperties": {"type": "string", "minLength": 1}},
        "aliases": {"type": "array", "items": {"oneOf": [
                        {"type": "string", "minLength": 1},
                        {"type": "object", "required": ["alias"], "additionalProperties": False,
                         "properties": {"alias": {"type": "string", "minLength": 1},
                                        "not_after": _words(), "shared": {"type": "boolean"},
                                        "when": _words()}}]},
                    "description": "other spellings that automatic tagging looks for; a mapping "
                                   "adds where the alias does not count (not_after) or that "
                                   "another actor shares it (shared, when)"},
        "description": {"type": "string"},
        "slug": {"type": "string", "minLength": 1},
        "wikidata": {"type": "string", "pattern": "^Q[1-9][0-9]*$"},
        "links": {"type": "array", "items": {"type": "string", "pattern": "^https?://"}},
        "old_slugs": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "nisba": {"type": "object", "required": ["forms", "after"], "additionalProperties": False,
                  "properties": {"forms": _words(), "after": _words()},
                  "description": "adjectives (السوري) that count only after these head words "
                                 "(الرئيس، الحكومة)"},
    }


def _words() -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "minLength": 1}}


def actors_schema() -> dict[str, Any]:
    """``content/actors.yaml``: a list of actors."""
    actor = {"type": "object", "required": list(REQUIRED), "additionalProperties": False,
             "properties": {name: _actor_properties()[name] for name in ACTOR_FIELDS}}
    return {"$schema": SCHEMA_DIALECT, "$id": f"https://mawjaz.invalid/schemas/{ACTORS}",
            "title": "mawjaz actor registry", "type": "array", "items": actor}


def _setting_schema(setting: Setting) -> dict[str, Any]:
    kinds = setting.kind if isinstance(setting.kind, tuple) else (setting.kind,)
    types = {str: "string", int: "integer", bool: "boolean", dict: "object", datetime: "string",
             date: "string"}
    names = sorted({types[k] for k in kinds})
    found: dict[str, Any] = {"type": names[0] if len(names) == 1 else names,
                             "description": " ".join(setting.help.split())}
    if setting.allowed:
        found["enum"] = list(setting.allowed)
    if setting.not_empty:
        found["minLength"] = 1
    if setting.minimum is not None:
        found["minimum"] = setting.minimum
    if setting.default is not None and not isinstance(setting.default, Mapping):
        found["default"] = setting.default
    return found


def config_schema() -> dict[str, Any]:
    """``mawjaz.toml``: every setting a build reads (``core.config.SETTINGS``)."""
    return {"$schema": SCHEMA_DIALECT, "$id": f"https://mawjaz.invalid/schemas/{CONFIG}",
            "title": "mawjaz.toml", "type": "object", "additionalProperties": False,
            "required": [s.name for s in SETTINGS if s.required],
            "properties": {s.name: _setting_schema(s) for s in SETTINGS}}


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema by its file name."""
    return {ARTICLE: article_schema(), ACTORS: actors_schema(), CONFIG: config_schema()}


def schema_text(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_packaged(folder: Path = PACKAGED) -> list[Path]:
    """Rewrite the shipped schema files from this module's declarations."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        (folder / name).write_text(schema_text(schema), encoding="utf-8")
        written.append(folder / name)
    return written


if __name__ == "__main__":  # python -m generator.authoring.schemas
    for path in write_packaged():
        print(path, file=sys.stderr)
