"""Fixtures for end-to-end tests: the sample digest built by the real command line, and served
over HTTP the way a static host serves it.

The site is built in a subprocess (``python -m generator build``) rather than through
``build_site()`` so that these tests see exactly what a curator gets, argument parsing and
file writing included. Builds happen once per session; every test reads the same output.

Under ``CI=true`` a missing tool (Java, Chromium, axe-core) fails the test instead of
skipping it: a green CI run must mean the checks ran.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
# What makes a folder a digest: copied into a scratch folder so a build never touches the repo.
DIGEST_PARTS = ("mawjaz.toml", "content", "templates", "static")
SUB_PATH = "digest/"
ARTIFACTS = REPO / "tests" / "artifacts"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def require(condition: object, reason: str) -> None:
    """Skip when a local tool is missing; fail under CI, where every check must run."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def copy_digest(source: Path, dest: Path) -> Path:
    """Copy the parts of a digest that a build reads into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in DIGEST_PARTS:
        src = source / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("node_modules"))
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return dest


def run_build(root: Path, output: Path, base_url: str | None = None,
              extra: tuple[str, ...] = ()) -> Path:
    """Run ``python -m generator build``; fail the test with the build's own messages."""
    cmd = [sys.executable, "-m", "generator", "build", "--root", str(root),
           "--output", str(output)]
    if base_url is not None:
        cmd += ["--base-url", base_url]
    cmd += list(extra)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail(f"build failed with exit status {proc.returncode}: {' '.join(cmd)}\n"
                    f"--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}", pytrace=False)
    if not (output / "index.html").is_file():
        pytest.fail(f"build succeeded but wrote no {output / 'index.html'}", pytrace=False)
    return output


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site, in a stable order. Edition emails (``email.html``)
    are HTML for mail clients, not pages of the site: they have their own browser test
    (test_email.py) and join the Nu checker's run (``email_pages``)."""
    return sorted(p for p in site.rglob("*.html") if p.name != "email.html")


def email_pages(site: Path) -> list[Path]:
    """Every edition email of a built site, in a stable order."""
    return sorted(site.glob("editions/*/email.html"))


@pytest.fixture(scope="session")
def sample_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the repository's sample digest."""
    require((REPO / "mawjaz.toml").is_file(), "the sample digest (mawjaz.toml) does not exist yet")
    return copy_digest(REPO, tmp_path_factory.mktemp("sample") / "digest")


@pytest.fixture(scope="session")
def built_sample(sample_source: Path) -> Path:
    """The sample digest built with its own configuration; returns the site folder."""
    return run_build(sample_source, sample_source / "site")


class _QuietHandler(SimpleHTTPRequestHandler):
    """A plain static server (what ``python -m http.server`` does) that keeps the log quiet."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True, slots=True)
class ServedSite:
    """A built site behind a local HTTP server.

    ``base_url`` is the site's own URL (``http://127.0.0.1:PORT/`` or ``.../digest/``);
    ``site_dir`` is the folder it was built into.
    """

    layout: str
    base_url: str
    site_dir: Path

    def url(self, path: str = "") -> str:
        """Absolute URL of a site-relative path (``articles/x/``)."""
        return urljoin(self.base_url, path.lstrip("/"))

    def page_url(self, page: Path) -> str:
        """Percent-encoded URL of a built file, with ``index.html`` left off as hosts do."""
        rel = page.relative_to(self.site_dir).as_posix()
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.base_url + quote(rel, safe="/")

    def pages(self) -> list[tuple[str, str]]:
        """``(file relative to the site, URL)`` of every HTML page."""
        return [(p.relative_to(self.site_dir).as_posix(), self.page_url(p))
                for p in html_pages(self.site_dir)]

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``: what marks a URL as internal."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def _free_server(directory: Path) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 with a port the system picked, serving ``directory``."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    return server


@pytest.fixture(scope="session")
def large_source(tmp_path_factory: pytest.TempPathFactory, sample_source: Path) -> Path:
    """A generated digest: 45 articles in two languages, long titles, 50-odd actors."""
    from .large_digest import write_large_digest

    return write_large_digest(sample_source, tmp_path_factory.mktemp("large") / "digest")


@pytest.fixture(scope="session")
def built_large(large_source: Path) -> Path:
    return run_build(large_source, large_source / "site")


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture news archive (``tests/sites/archive``: repeated titles with suffixed URLs,
    redirects from older URLs, dated URLs) built for ``/digest/`` on a local address; returns
    the site folder. Checked on its files (validity, links), not in a browser: its redirect
    pages leave for their target at once."""
    source = copy_digest(REPO / "tests" / "sites" / "archive", tmp_path_factory.mktemp("archive") / "digest")
    www = tmp_path_factory.mktemp("www-archive")
    return run_build(source, www / SUB_PATH.strip("/"), f"http://127.0.0.1:8/{SUB_PATH}")


@pytest.fixture(scope="session", params=["root", "subpath", "large"])
def served_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                sample_source: Path) -> Iterator[ServedSite]:
    """The sample digest built for and served from ``/`` and from ``/digest/``, and the
    generated large digest (``large``) at ``/``.

    The server is bound first so that its port can go into ``--base-url``: canonical links
    then point at the very server the tests talk to. Under a sub-path the server's root is
    the parent folder, as on a GitHub Pages project site.
    """
    source = sample_source
    if request.param == "large":
        source = request.getfixturevalue("large_source")
    www = tmp_path_factory.mktemp(f"www-{request.param}")
    if request.param in {"root", "large"}:
        site_dir, served_dir, sub = www / "site", www / "site", ""
    else:
        site_dir, served_dir, sub = www / SUB_PATH.strip("/"), www, SUB_PATH
    server = _free_server(served_dir)
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}/{sub}"
        run_build(source, site_dir, base_url)
        thread = threading.Thread(target=server.serve_forever, daemon=True,
                                  name=f"http-{request.param}")
        thread.start()
        yield ServedSite(request.param, base_url, site_dir)
        server.shutdown()
    finally:
        server.server_close()


# Debian's Chromium, driven by Playwright (its own browser download cannot run here).
CHROMIUM = os.environ.get("MAWJAZ_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session: Playwright's sync API allows one instance per thread."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require(sync_playwright, "Playwright is not installed: pip install '.[test]'")
    require(Path(CHROMIUM).is_file(),
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set MAWJAZ_CHROMIUM)")
    assert sync_playwright is not None
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()


