"""Where the theme comes from, and the template environment.

A digest may carry its own ``templates/`` and ``static/``; otherwise the default theme is used:
from the source tree when running from a checkout, from the copy inside the installed package
otherwise (see pyproject's force-include).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

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


def make_environment(theme: Theme) -> jinja2.Environment:
    """Autoescape everything and fail on undefined names: a typo in a template must be an
    error at build time, not an empty string on the published page."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(theme.templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to stat templates per page
    )
