"""Where the theme comes from, and the template environment.

A digest may carry its own ``templates/`` and ``static/``; otherwise the default theme is used:
from the source tree when running from a checkout, from the copy inside the installed package
otherwise (see pyproject's force-include).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import jinja2

from generator.cache import SignedBytecodeCache

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Theme:
    templates: Path
    static: Path


def default_theme() -> Theme:
    for base in (_PACKAGE / "theme", _PACKAGE.parent):
        if (base / "templates" / "base.html").is_file():
            return Theme(base / "templates", base / "static")
    raise FileNotFoundError("the default theme is missing from this installation")


def find_theme(root: Path) -> Theme:
    """The digest's own theme folders win over the default, each on its own."""
    fallback = default_theme()
    templates = root / "templates"
    static = root / "static"
    return Theme(
        templates if (templates / "base.html").is_file() else fallback.templates,
        static if static.is_dir() else fallback.static,
    )


def make_environment(theme: Theme, compiled: Path | None = None) -> jinja2.Environment:
    """Autoescape everything and fail on undefined names: a typo in a template must be an
    error at build time, not an empty string on the published page.

    ``compiled``: a folder to keep compiled templates in between builds (keyed by their
    source, so an edited template is compiled again, and signed: see
    ``cache.SignedBytecodeCache``). Templates are loaded here, before any
    worker process is forked, so that each is compiled once per build at most; a broken one
    is left to fail where it is used, with the page that used it named."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(theme.templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat templates per page
        bytecode_cache=SignedBytecodeCache(compiled) if compiled else None,
    )
    for name in env.list_templates(extensions=("html", "xml")):
        with contextlib.suppress(jinja2.TemplateError, OSError):
            env.get_template(name)
    return env
