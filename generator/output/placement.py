"""Where the output folder may go.

A build replaces its output folder whole, so a folder that is, holds or sits inside one the
digest reads from (its content, its theme, its cache, the digest itself) would have the site
written over the sources, or the next build reading its own pages as input. Paths are
compared resolved, so a symbolic link to ``content/`` is refused like ``content`` itself.
"""

from __future__ import annotations

from pathlib import Path

from generator.cache.store import CACHE_DIR
from generator.core.config import CONFIG_NAME, config_key_position
from generator.core.diagnostics import Diagnostic, error
from generator.render.theme import Theme


def protected_folders(root: Path, theme: Theme) -> tuple[tuple[str, Path], ...]:
    """(what, path) of every folder the build reads, the digest itself first."""
    return (
        ("the digest folder", root),
        ("the digest's content/ folder", root / "content"),
        ("the digest's static/ folder", root / "static"),
        ("the digest's templates/ folder", root / "templates"),
        ("the build cache", root / CACHE_DIR),
        ("the theme's templates folder", theme.templates),
        ("the theme's static folder", theme.static),
    )


def placement_problem(root: Path, out_dir: Path, theme: Theme) -> str | None:
    """Why ``out_dir`` cannot be the output folder of the digest at ``root``, or None."""
    out = out_dir.resolve()
    for what, folder in protected_folders(root, theme):
        place = folder.resolve()
        if out == place:
            return f"is {what}"
        if out.is_relative_to(place) and folder != root:
            return f"is inside {what}"
        if place.is_relative_to(out):
            return f"holds {what}"
    return None


def check_placement(root: Path, out_dir: Path, theme: Theme,
                    from_option: bool) -> list[Diagnostic]:
    """The refusal as a diagnostic at the ``output_dir`` line of the settings, or at the
    ``--output`` option when the folder came from the command line."""
    problem = placement_problem(root, out_dir, theme)
    if problem is None:
        return []
    advice = ("; the build replaces its output folder whole: choose a folder of its own, "
              "such as `site`")
    if from_option:
        return [error("--output", 0, 0, "output-dir", f"`{out_dir}` {problem}{advice}")]
    line, col = config_key_position(root / CONFIG_NAME, "output_dir")
    shown = out_dir.relative_to(root).as_posix() if out_dir.is_relative_to(root) else out_dir
    return [error(CONFIG_NAME, line, col, "output-dir", f"`output_dir` (`{shown}`) {problem}{advice}")]
