"""``mawjaz serve`` driven as a curator would: start it, read pages, edit, break, fix, stop.

The server runs in a subprocess on a free port (``--port 0``; it prints the URL it took).
Every wait is bounded and polls quickly, so the suite is as fast as the server allows.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli.main import main
from generator.cli.preview import RELOAD_JS, LiveSite, PreviewState, error_page, status_of
from generator.core.diagnostics import error

from .serving import REPO, TIMEOUT, Events, Server, wait_for


@pytest.fixture()
def digest(tmp_path: Path) -> Path:
    root = tmp_path / "digest"
    assert main(["new", str(root), "--quiet"]) == 0
    # Article URLs without the date (what `mawjaz new` writes by default) let the tests name
    # pages by slug; serving does not depend on the pattern.
    config = root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace(
        'permalink = "/{year}/{month}/{day}/{slug}/"', 'permalink = "/articles/{slug}/"'), "utf-8")
    assert main(["new", "article", "مسودة لم تنشر بعد", "--root", str(root), "--draft",
                 "--slug", "draft-one", "--quiet"]) == 0
    return root


@pytest.fixture()
def server(digest: Path) -> Iterator[Server]:
    running = Server(digest)
    yield running
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait(timeout=TIMEOUT)


def example_article(root: Path) -> Path:
    return next(p for p in (root / "content" / "articles").glob("*.md") if "draft-one" not in p.name)


def test_edit_break_fix_and_stop(server: Server, digest: Path) -> None:
    status, home, _ = server.get("/")
    assert status == 200
    assert '<script src="/__mawjaz/reload.js" data-generation="1" defer></script>' in home
    assert "مرحباً بك في موجزك الجديد" in home
    status, script, headers = server.get("/__mawjaz/reload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "EventSource" in script
    events = Events(server.port)
    first = events.next(lambda e: True)
    assert first == {"attempt": 1, "generation": 1, "ok": True}

    # An edit is served, and the reload signal is sent.
    article = example_article(digest)
    good = article.read_text("utf-8")
    article.write_text(good.replace("هذا خبر تجريبي", "هذا خبر معدّل للتجربة"), "utf-8")
    change = events.next(lambda e: e["generation"] >= 2)
    assert change["ok"] is True
    page = server.get("/")[1]
    assert "هذا خبر معدّل للتجربة" in page
    assert 'data-generation="2"' in page
    assert server.status("/", since=1)["stale"] is True
    assert server.status("/", since=2)["stale"] is False

    # A broken edit: diagnostic in the terminal and in the status the overlay reads;
    # the last good site is still served.
    article.write_text(good.replace("title:", "titel:", 1), "utf-8")
    broken = events.next(lambda e: e["ok"] is False)
    status = server.status("/", since=broken["generation"])
    assert status["ok"] is False
    codes = {d["code"] for d in status["diagnostics"]}
    assert "frontmatter-unknown-key" in codes
    text = next(d["text"] for d in status["diagnostics"] if d["code"] == "frontmatter-unknown-key")
    assert text.startswith(f"content/articles/{article.name}:2:1: error[frontmatter-unknown-key]")
    assert "did you mean `title`" in text
    wait_for("the diagnostic in the terminal",
             lambda: server.err.search(r"error\[frontmatter-unknown-key\]"))
    assert "build failed" in server.err.text()
    status_code, page, _ = server.get("/")
    assert status_code == 200 and "هذا خبر معدّل للتجربة" in page

    # Fixing the file recovers.
    article.write_text(good.replace("هذا خبر تجريبي", "هذا خبر بعد الإصلاح"), "utf-8")
    fixed = events.next(lambda e: e["ok"] is True)
    assert fixed["generation"] > change["generation"]
    assert server.status("/", since=change["generation"])["ok"] is True
    assert "هذا خبر بعد الإصلاح" in server.get("/")[1]
    events.close()

    assert server.stop(signal.SIGINT) == 0
    wait_for("the stop message", lambda: server.out.search(r"(?m)^stopped$"))


def test_sigterm_stops_cleanly_with_an_open_event_stream(server: Server) -> None:
    events = Events(server.port)
    events.next(lambda e: True)
    assert server.stop(signal.SIGTERM) == 0
    assert "Traceback" not in server.err.text()


def test_closing_the_live_site_wakes_every_event_stream() -> None:
    """What lets a server with open event streams stop at once, rather than after each
    stream's keep-alive wait (10 s): closing wakes them. The wait here is an hour, so only
    the wake-up can end it; nothing is timed (the join's limit is a hang net)."""
    live = LiveSite()
    stream = threading.Thread(target=live.wait, args=(live.current.attempt, 3600.0), daemon=True)
    stream.start()
    # Closed only once the stream waits (a close before would not show the wake-up).
    wait_for("the stream to wait", lambda: live._cond._waiters)  # type: ignore[attr-defined]
    live.close()
    stream.join(TIMEOUT)
    assert not stream.is_alive(), "closing did not wake a waiting event stream"


def test_drafts_and_future_items_are_shown_and_marked(server: Server, digest: Path) -> None:
    status, page, _ = server.get("/articles/draft-one/")
    assert status == 200
    assert 'class="marker"' in page
    (digest / "content" / "articles" / "later.md").write_text(
        "---\ntitle: خبر مجدول للنشر لاحقاً\ndate: 2999-01-01\n---\n\nنص.\n", "utf-8")
    page = wait_for("the future article", lambda: (lambda r: r[0] == 200 and r[1])(
        server.get(f"/articles/{_slug('خبر مجدول للنشر لاحقاً')}/")))
    assert 'class="marker"' in page


def test_a_base_url_with_a_path_is_served_at_the_root(digest: Path) -> None:
    """The sample publishes under `/mawjaz/`: the preview builds for its own address, so the
    stylesheet and every link resolve there (a static server in site/ would show the pages
    unstyled, which the build's last line says)."""
    config = digest / "mawjaz.toml"
    config.write_text(config.read_text("utf-8").replace(
        'base_url = "https://example.org/"', 'base_url = "https://example.org/mawjaz/"'), "utf-8")
    running = Server(digest)
    try:
        status, page, _ = running.get("/")
        assert status == 200
        stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
        assert stylesheets and all(href.startswith(("/static/", "/__mawjaz/")) for href in stylesheets), stylesheets
        assert all(running.get(href)[0] == 200 for href in stylesheets)
        assert "/mawjaz/" not in page
    finally:
        assert running.stop() == 0


def test_hidden_drafts_and_folder_redirects_and_404(digest: Path) -> None:
    running = Server(digest, "--no-drafts")
    try:
        assert running.get("/articles/draft-one/")[0] == 404
        assert running.get("/no/such/page/")[0] == 404
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=TIMEOUT)
        connection.request("GET", "/archive")
        response = connection.getresponse()
        assert response.status == 301 and response.headers["Location"] == "/archive/"
        connection.close()
    finally:
        assert running.stop() == 0


def test_a_digest_broken_from_the_start_shows_its_errors_then_recovers(digest: Path) -> None:
    config = digest / "mawjaz.toml"
    good = config.read_text("utf-8")
    config.write_text(good.replace("title =", "titel ="), "utf-8")
    running = Server(digest)
    try:
        status, page, _ = running.get("/")
        assert status == 503
        assert "config-unknown-key" in page and "/__mawjaz/reload.js" in page
        assert running.status()["ok"] is False
        config.write_text(good, "utf-8")
        wait_for("recovery", lambda: running.get("/")[0] == 200)
        assert running.status("/", since=0)["stale"] is True
    finally:
        assert running.stop() == 0


def test_port_in_use_is_an_io_error(digest: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--root", str(digest), "--port", str(port)],
            capture_output=True, text=True, timeout=TIMEOUT, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 3
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr


def test_built_site_never_contains_the_reload_script(digest: Path) -> None:
    assert main(["build", "--root", str(digest), "--drafts", "--quiet"]) == 0
    for path in (digest / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            assert "__mawjaz" not in path.read_text("utf-8"), path


def test_stale_means_this_page_or_an_asset_changed() -> None:
    live = LiveSite()
    live.succeeded({"index.html": b"a", "articles/x/index.html": b"x", "static/a.css": b"c"}, ())
    live.succeeded({"index.html": b"b", "articles/x/index.html": b"x", "static/a.css": b"c"}, ())
    now: PreviewState = live.current
    assert now.generation == 2
    assert now.stale("/", 1) and not now.stale("/articles/x/", 1)
    assert not now.stale("/", 2)
    live.succeeded({"index.html": b"b", "articles/x/index.html": b"x", "static/a.css": b"d"}, ())
    assert live.current.stale("/articles/x/", 2)
    assert live.current.stale("/gone/", 2)


def test_a_new_search_index_reloads_the_search_page_only() -> None:
    """The search index's files change with any edit of an article; the page being read
    reloads only for its own file or the theme's static files."""
    site = {"index.html": b"a", "articles/x/index.html": b"x", "search/index.html": b"s",
            "static/a.css": b"c", "search-index/index.json": b"1", "search-index/ar/0/7.json": b"1",
            "search-index/ar/0/d/0.json": b"1", "feeds/atom.xml": b"1"}
    live = LiveSite()
    live.succeeded(site, ())
    live.succeeded({**site, "search-index/ar/0/7.json": b"2", "search-index/ar/0/d/1.json": b"2",
                    "feeds/atom.xml": b"2", "articles/y/index.html": b"y"}, ())
    now = live.current
    assert now.generation == 2
    assert not now.stale("/articles/x/", 1), "another article and the index changed, not this page"
    assert not now.stale("/", 1)
    assert now.stale("/search/", 1), "the search page reads the index"
    assert now.stale("/articles/y/", 1)


def test_the_overlay_speaks_the_digests_language() -> None:
    problem = (error("content/articles/a.md", 2, 8, "frontmatter-yaml", "invalid YAML"),)
    arabic = PreviewState(diagnostics=problem, lang="ar")
    words = status_of(arabic, "/", 0)["overlay"]
    assert words == {"lang": "ar", "dir": "rtl", "title": "التعديل الأخير لا يُبنى",
                     "note": "تعرض هذه الصفحة آخر بناء ناجح. أصلح الملف واحفظه: تُحدَّث الصفحة تلقائياً.",
                     "hide": "إخفاء", "count": "خطأ واحد، لا تحذيرات"}
    assert status_of(PreviewState(diagnostics=problem, lang="fr"), "/", 0)["overlay"]["lang"] == "en"
    page = error_page(arabic).decode()
    assert '<html lang="ar" dir="rtl">' in page and "تعذّر بناء الموقع حتى الآن" in page
    assert '<pre dir="ltr">content/articles/a.md:2:8: error[frontmatter-yaml]: invalid YAML</pre>' in page
    english = error_page(PreviewState(diagnostics=problem, lang="en")).decode()
    assert '<html lang="en" dir="ltr">' in english and "The digest does not build yet" in english
    assert "(1 error, 0 warnings)" in english


def test_the_reload_script_takes_its_words_from_the_status() -> None:
    """No English left in the script: every word the overlay shows comes from ``overlay``."""
    for english in ("The last change", "Hide", "Fix the file"):
        assert english not in RELOAD_JS
    assert "status.overlay" in RELOAD_JS


def _slug(title: str) -> str:
    from urllib.parse import quote

    from generator.text.slugs import make_slug
    return quote(make_slug(title))


def test_serve_outside_a_digest_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--root", str(tmp_path), "--port", "0"],
        capture_output=True, text=True, timeout=TIMEOUT, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    assert "error[config-missing]" in result.stderr
