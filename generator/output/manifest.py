"""Published URLs: what the site about to be replaced had, and which of its URLs the new one
drops.

Every build writes ``urls.json`` (``pages.redirects``): each URL it published for an article,
with the article's id. Before the next build replaces that site, it reads the manifest there,
with the writer's rules: only from an output folder mawjaz made (its marker is a plain file,
the folder no link), the manifest opened without following a link, as a plain file of bounded
size, and its content only trusted to be text. A URL that no page or redirect of the new site
serves is a warning that names the article and the ``aliases:`` line that keeps the URL
alive (``pages.redirects.lost_urls``); ``mawjaz check`` gives the same warnings.

The redirect is not made by itself: the site would then depend on the folder it replaces, so a
build from a fresh clone (which is how most hosts build) would differ from one on the
curator's machine. The front matter is the one place that says what a site serves.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from generator.core.diagnostics import Diagnostic, warning
from generator.core.model import OutputFile, Site
from generator.core.site_files import file_at, paths_of
from generator.output.writer import MARKER
from generator.pages.redirects import MANIFEST, read_manifest
from generator.pages.redirects import lost_urls as lost_in

MAX_MANIFEST = 256 * 1024 * 1024  # bytes: 50,000 articles take some 5 MB


def lost_urls(root: Path, out_dir: Path, site: Site, files: Sequence[OutputFile]) -> list[Diagnostic]:
    """Warnings for the URLs the site in ``out_dir`` published that ``files`` would drop."""
    new = file_at(files, MANIFEST)
    data = previous_manifest(out_dir)
    if data is None or new is None or _all_kept(data, new.data()):
        return []  # no earlier site, or its URLs still published for the same articles
    where = _shown(root, out_dir / MANIFEST)
    published = read_manifest(data.decode("utf-8", "replace"), where)
    if published is None:
        return [warning(where, 0, 0, "url-manifest",
                        "not a list of URLs this version of mawjaz wrote; the URLs the previous site "
                        "published were not compared with this build's")]
    return lost_in(published, site, set(paths_of(files)))


def _all_kept(before: bytes, after: bytes) -> bool:
    """Whether every line of the previous manifest, its trailing comma aside, is a line of
    this build's: each URL it listed is still published for the same article, as a page or
    as a redirect (each has its own file), so no URL is lost or taken and the two need not
    be compared URL by URL. An addition's build compared 50,000 URLs so (0.4 s)."""
    if before == after:
        return True
    lines = {line.rstrip(b",") for line in after.split(b"\n")}
    return all(line.rstrip(b",") in lines for line in before.split(b"\n"))


def previous_manifest(out_dir: Path) -> bytes | None:
    """The bytes of ``urls.json`` in the output folder, or None where there is none to trust:
    no folder, a folder mawjaz did not make, a link, anything but a plain file, too large."""
    try:
        if not stat.S_ISDIR(os.lstat(out_dir).st_mode) or not stat.S_ISREG(os.lstat(out_dir / MARKER).st_mode):
            return None
        # Non-blocking: a planted FIFO named urls.json must not hang the build.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        descriptor = os.open(out_dir / MANIFEST, flags)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST:
            return None
        return handle.read(MAX_MANIFEST)


def _shown(root: Path, path: Path) -> str:
    """``path`` as messages name it: relative to the digest when inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else os.fspath(path)

