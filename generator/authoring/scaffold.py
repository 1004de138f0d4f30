"""The files ``mawjaz new`` writes: a new digest, or a new article in an existing one.

A new digest holds what the curator edits: a commented ``mawjaz.toml``, one example article,
an actor registry and a ``.gitignore``; and what lets an editor check those as they are typed:
the JSON Schemas in ``.mawjaz/schemas/`` (see ``schemas``), the lines in ``mawjaz.toml`` and
``actors.yaml`` that point at them, and ``.vscode/`` settings. The settings file is made from the settings'
declarations (``core.config.SETTINGS``), so it names every key a build reads. The theme is
not copied by default: builds use the default theme shipped inside the package
(``generator.render.theme.find_theme``), so upgrading
mawjaz upgrades the theme too. ``--copy-theme`` copies ``templates/`` and ``static/`` into the
digest for curators who want to change them; a digest's own folders then win, each on its own.

Nothing here overwrites a file: an existing non-empty folder or article is refused.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from generator.actors.registry import REGISTRY
from generator.authoring.schemas import ACTORS, CONFIG, DIGEST_FOLDER, schema_text, schemas
from generator.content.articles import PLACEHOLDERS
from generator.content.source import ARTICLES_DIR
from generator.core.config import CONFIG_NAME, SETTINGS, Setting, tag_authority
from generator.render.theme import default_theme
from generator.text.slugs import make_slug


class ScaffoldError(Exception):
    """The files cannot be created without overwriting something."""


@dataclass(frozen=True, slots=True)
class NewDigest:
    title: str = "موجز"
    base_url: str = "https://example.org/"
    copy_theme: bool = False


CONFIG_HEADER = f"""\
#:schema ./{DIGEST_FOLDER}/{CONFIG}
# Configuration of this digest, read by `mawjaz build`, `mawjaz check` and `mawjaz serve`.
# Every key is checked: a typo is an error with a "did you mean" hint. Commented keys show
# their default value. The first line lets editors with a TOML language server (VS Code's
# Even Better TOML, Taplo) check and complete keys as you type.

"""

THEME_NOTE = """\
# The theme: this digest uses mawjaz's default theme. To change it, create `templates/` and
# `static/` here (`mawjaz new DIR --copy-theme` copies the default ones); each folder found
# here replaces the default one.
"""

HELP_COLUMN = 34  # where a key's help starts on its line
LINE_WIDTH = 120  # help that would run past this goes above its key, wrapped to WRAP_WIDTH
WRAP_WIDTH = 96


def config_text(values: Mapping[str, str]) -> str:
    """A new digest's ``mawjaz.toml``, made from the settings' declarations so that it names
    every key: those in ``values`` (TOML text, which must include every required key) are
    set, and so are those declared with a value for new digests (``Setting.new``); the
    others are commented out at their default. Tables (``[extra]``) come last, as TOML needs
    them after the plain keys."""
    values = {**{s.name: _toml(s.new) for s in SETTINGS if s.new is not None}, **values}
    missing = [s.name for s in SETTINGS if s.required and s.name not in values]
    if missing:
        raise ValueError(f"a new digest needs a value for {missing}")
    plain = [s for s in SETTINGS if s.kind is not dict]
    tables = [s for s in SETTINGS if s.kind is dict]
    blocks = [CONFIG_HEADER, *(_setting_lines(s, values.get(s.name)) for s in plain)]
    return "\n".join(["".join(blocks), THEME_NOTE, *(_setting_lines(s, values.get(s.name)) for s in tables)])


def _setting_lines(setting: Setting, value: str | None) -> str:
    """The template's line for one setting, set to ``value`` or commented out at its default,
    with its help beside it or, when long, above it."""
    if setting.kind is dict:
        line = f"[{setting.name}]"
    else:
        line = f"{setting.name} = {value if value is not None else _toml_value(setting)}"
    line = line if value is not None else f"# {line}"
    beside = f"{line.ljust(HELP_COLUMN - 1)} # {setting.help}"
    if len(beside) <= LINE_WIDTH:
        return beside + "\n"
    above = textwrap.wrap(setting.help, WRAP_WIDTH, break_on_hyphens=False)
    return "\n" + "".join(f"# {part}\n" for part in above) + line + "\n\n"


def _toml_value(setting: Setting) -> str:
    """The declared default as TOML, or the declared example where the default is no value."""
    return setting.example if setting.default is None else _toml(setting.default)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return _toml_string(value)
    return str(value)


ARTICLE_TEMPLATE = """\
---
title: {title}
date: {date}
lang: {lang}
{slug}{draft}# Optional keys (remove the `#` to use one):
# actors: [الأمم المتحدة]          # ids, names or aliases from content/actors.yaml
# source: {{name: "…", url: "https://…"}}
# summary: "…"                      # default: the first paragraph
# published: 2026-01-31T18:30:00+03:00   # when the source published it
---

{body}
"""

EXAMPLE_TITLE = "مرحباً بك في موجزك الجديد"

EXAMPLE_BODY = f"""\
{PLACEHOLDERS[0]} كل خبر ملف Markdown في مجلد `content/articles/`، \
تبدأ أعلاه ترويسة بين سطرين `---` فيها العنوان والتاريخ على الأقل.

يتعرّف موجز تلقائياً على الجهات المسجّلة في `content/actors.yaml`، فذِكرُ الأمم المتحدة \
في هذا النص يضيف الخبر إلى صفحتها وإلى خلاصتها.

لإضافة خبر جديد اكتب `mawjaz new article "العنوان"`، ولمعاينة الموقع أثناء الكتابة \
اكتب `mawjaz serve`، وللتحقق قبل النشر اكتب `mawjaz check`."""

ACTORS_TEMPLATE = f"""\
# yaml-language-server: $schema=../{DIGEST_FOLDER}/{ACTORS}
# The actors this digest follows: people, organisations, states... Each has a stable `id`
# (never shown, never changed), a `kind`, display `names` per language and `aliases`, the
# other spellings that automatic tagging looks for in titles and bodies. Matching ignores
# tashkeel, hamza seats, ة/ه, ى/ي, case and accents, and accepts attached prefixes (و ف ب ل ك).
# Optional keys: description, slug, wikidata (e.g. Q1065), links, old_slugs.
#
# kind is one of: person, organisation, state, government, party, armed-group, media, place,
# other.

- id: united-nations
  kind: organisation
  names:
    ar: الأمم المتحدة
    en: United Nations
  aliases: [منظمة الأمم المتحدة, UN]
  description: منظمة دولية تأسست عام 1945.
  wikidata: Q1065
  links: [https://www.un.org/]
"""

# VS Code: check content/actors.yaml as it is typed (the YAML extension reads yaml.schemas,
# paths from the digest's folder), and recommend the extensions that read the schemas.
VSCODE_SETTINGS = json.dumps({
    "yaml.schemas": {f"./{DIGEST_FOLDER}/{ACTORS}": ["content/actors.yaml"]},
}, indent=2) + "\n"
VSCODE_EXTENSIONS = json.dumps({
    "recommendations": ["redhat.vscode-yaml", "tamasfe.even-better-toml"],
}, indent=2) + "\n"

GITIGNORE = """\
# The built site (rebuilt by `mawjaz build`, never edited by hand) and the build cache.
/site/
/.mawjaz-cache/
/.site.mawjaz-spare/
"""


def create_digest(folder: Path, spec: NewDigest, today: datetime) -> list[Path]:
    """Write a new digest into ``folder`` (which must not exist or be empty); return its files."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ScaffoldError(f"{folder} already exists and is not empty; choose a new folder")
    values = {"title": _toml_string(spec.title), "base_url": _toml_string(spec.base_url)}
    authority = first_authority(spec.base_url, today)
    if authority:
        values["feed_id_authority"] = _toml_string(authority)
    files = {
        CONFIG_NAME: config_text(values),
        REGISTRY: ACTORS_TEMPLATE,
        f"{ARTICLES_DIR}/{today:%Y-%m-%d}-{make_slug(EXAMPLE_TITLE)}.md":
            article_source(EXAMPLE_TITLE, today.strftime("%Y-%m-%d"), "ar", body=EXAMPLE_BODY),
        ".gitignore": GITIGNORE,
        ".vscode/settings.json": VSCODE_SETTINGS,
        ".vscode/extensions.json": VSCODE_EXTENSIONS,
        **{f"{DIGEST_FOLDER}/{name}": schema_text(schema) for name, schema in schemas().items()},
    }
    written = []
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if spec.copy_theme:
        theme = default_theme()
        shutil.copytree(theme.templates, folder / "templates")
        shutil.copytree(theme.static, folder / "static")
        written += [folder / "templates", folder / "static"]
    return written


def first_authority(base_url: str, today: datetime) -> str:
    """``feed_id_authority`` for a digest made today at ``base_url``: its host and today's
    date, written into the new settings file so that it stays when ``base_url`` moves ("" for
    a host that is no domain name, such as ``localhost``: the default then applies)."""
    try:
        return tag_authority(f"{urlsplit(base_url).hostname or ''},{today:%Y-%m-%d}")
    except ValueError:
        return ""


def article_path(root: Path, title: str, when: datetime, slug_policy: str, slug: str | None = None
                 ) -> Path:
    """``content/articles/YYYY-MM-DD-<slug>.md``: sorted by date in any file browser."""
    return root / ARTICLES_DIR / f"{when:%Y-%m-%d}-{slug or make_slug(title, slug_policy)}.md"


def create_article(path: Path, title: str, date: str, lang: str, draft: bool = False,
                   slug: str | None = None) -> Path:
    """Write a new article file; refuse to overwrite one (``x`` mode: no race either)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(article_source(title, date, lang, draft=draft, slug=slug))
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; give another title or edit that file") from None
    return path


def article_source(title: str, date: str, lang: str, draft: bool = False, body: str = "",
                 slug: str | None = None) -> str:
    return ARTICLE_TEMPLATE.format(
        title=_yaml_string(title), date=date, lang=lang,
        slug=f"slug: {_yaml_string(slug)}\n" if slug else "",
        draft="draft: true                        # left out of builds until removed\n" if draft else "",
        body=body or PLACEHOLDERS[1])


def _yaml_string(text: str) -> str:
    """A double-quoted YAML scalar: a JSON string is one, and quotes every special character."""
    return json.dumps(text, ensure_ascii=False)


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON escapes are valid TOML escapes for these characters."""
    return json.dumps(text, ensure_ascii=False)
