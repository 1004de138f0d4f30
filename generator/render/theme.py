"""Where the theme comes from, and the template environment.

A digest may carry its own ``templates/`` and ``static/``; otherwise the default theme is used:
from the source tree when running from a checkout, from the copy inside the installed package
otherwise (see pyproject's force-include).

A digest's theme folders come with a cloned repository, as its content does, and are held to
the same rule: a link may lead elsewhere inside the digest, never out of it (a
``static/x.css -> ~/.ssh/id_rsa`` would otherwise be published, a template linked out would
be read into every page). Such a link, a linked folder or a special file (a FIFO would hang
the copy) is an error naming it (see ``theme_problems``), and is never copied or served.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core.diagnostics import Diagnostic, error

if TYPE_CHECKING:
    import jinja2

_PACKAGE = Path(__file__).resolve().parents[1]  # the generator package


@dataclass(frozen=True, slots=True)
class Theme:
    templates: Path
    static: Path
    bound: Path | None = None  # links in ``static`` may lead only into this folder


@dataclass(frozen=True, slots=True)
class ThemeFiles:
    """What a walk of one theme folder found: files to use, by path below the folder, and
    what it refused."""

    files: tuple[tuple[str, Path], ...]
    problems: tuple[Diagnostic, ...]


def default_theme() -> Theme:
    for base in (_PACKAGE / "theme", _PACKAGE.parent):
        if (base / "templates" / "base.html").is_file():
            return Theme(base / "templates", base / "static", base)
    raise FileNotFoundError("the default theme is missing from this installation")


def find_theme(root: Path) -> Theme:
    """The digest's own theme folders win over the default, each on its own."""
    fallback = default_theme()
    templates = root / "templates"
    static = root / "static"
    inside = root.resolve()
    own_static = static.is_dir() and _leads_into(static, inside)
    return Theme(
        templates if (templates / "base.html").is_file() and _leads_into(templates, inside) else fallback.templates,
        static if own_static else fallback.static,
        root if own_static else fallback.bound,
    )


def _leads_into(path: Path, bound: Path) -> bool:
    return path.resolve().is_relative_to(bound)


def theme_problems(root: Path) -> tuple[Diagnostic, ...]:
    """Everything in the digest's own ``templates/`` and ``static/`` that a build refuses."""
    found: list[Diagnostic] = []
    for name in ("templates", "static"):
        folder = root / name
        if os.path.islink(folder) and not _leads_into(folder, root.resolve()):
            found.append(error(name, 0, 0, "file-outside",
                               f"refusing a link that leads outside the digest (to {folder.resolve()})"))
        elif folder.is_dir():
            found += walk_theme(folder, root, name).problems
    return tuple(found)


def walk_theme(folder: Path, bound: Path | None, label: str) -> ThemeFiles:
    """The files below ``folder`` (hidden ones skipped), sorted, never following a linked
    folder; a linked file is used only if it leads into ``bound`` (None: anywhere, for the
    theme shipped with mawjaz)."""
    if not folder.is_dir() or (bound is not None and not _leads_into(folder, bound.resolve())):
        return ThemeFiles((), ())
    inside = bound.resolve() if bound is not None else None
    files: list[tuple[str, Path]] = []
    problems: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        below = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        prefix = "" if below == "." else below + "/"
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in list(dirnames):
            if os.path.islink(os.path.join(dirpath, name)):
                dirnames.remove(name)
                problems.append(error(f"{label}/{prefix}{name}", 0, 0, "folder-link",
                                      "symlinked folders are not followed; move the files into the theme"))
        for name in sorted(n for n in filenames if not n.startswith(".")):
            path = Path(dirpath, name)
            problem = _refused(path, inside, f"{label}/{prefix}{name}")
            if problem is None:
                files.append((prefix + name, path))
            else:
                problems.append(problem)
    return ThemeFiles(tuple(files), tuple(problems))


def _refused(path: Path, inside: Path | None, rel: str) -> Diagnostic | None:
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            target = path.resolve()
            if inside is not None and not target.is_relative_to(inside):
                return error(rel, 0, 0, "file-outside",
                             f"refusing a link that leads outside the digest (to {target})")
            info = os.stat(path)
    except OSError as exc:
        return error(rel, 0, 0, "file-unreadable", f"cannot read file: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return error(rel, 0, 0, "file-not-regular", "not a regular file")
    return None


def make_environment(theme: Theme, compiled: Path | None = None) -> jinja2.Environment:
    """Autoescape everything and fail on undefined names: a typo in a template must be an
    error at build time, not an empty string on the published page.

    ``compiled``: a folder to keep compiled templates in between builds (keyed by their
    source, so an edited template is compiled again, and signed: see
    ``cache.templates.SignedBytecodeCache``). Templates are loaded here, before any
    worker process is forked, so that each is compiled once per build at most; a broken one
    is left to fail where it is used, with the page that used it named. Jinja is imported
    here, by the builds that render: finding the theme must not cost a rebuild with nothing
    to do the import."""
    import jinja2

    from generator.cache.templates import SignedBytecodeCache
    from generator.render.lookup import Environment

    env = Environment(
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
