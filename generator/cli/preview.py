"""``mawjaz serve``: a preview server that rebuilds on change and reloads open pages.

How it fits together:

- The site is rendered in memory (``render_site``) and served from that dict of files; nothing
  is written to disk. A failed rebuild keeps the last good files, so the preview never breaks
  while the curator is mid-edit.
- Rebuilds are incremental: with the build cache (``BuildOptions.cache``) only the articles
  whose files changed are read and converted again; pages are re-rendered in memory and only
  open pages whose bytes changed reload.
- A polling watcher (stdlib only: portable, no native dependency, and a digest is a few
  thousand files at most) looks at ``content/``, ``templates/``, ``static/`` and
  ``mawjaz.toml`` every ``interval`` seconds and rebuilds when anything changed.
- Every page gets two extra tags in its ``<head>``: a stylesheet and a script, both external
  same-origin files under ``/__mawjaz/`` because the theme's Content-Security-Policy allows
  ``script-src 'self'`` only. They are added through ``render_site(extra_head=...)``, which
  ``mawjaz build`` never passes, so built sites never contain them.
- The script listens to Server-Sent Events on ``/__mawjaz/events``. After each rebuild it asks
  ``/__mawjaz/status`` whether its own page (or a stylesheet, font...) changed since the
  generation it was served at, and reloads only then; when the build is broken it shows the
  diagnostics as an overlay over the last good page.
- The server answers only requests addressed to it by name: the ``Host`` header must be the
  address it listens on or a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``), with or
  without the port. A web page that rebinds its own name to 127.0.0.1 (DNS rebinding) sends
  its own name as ``Host`` and gets a 421, so it cannot read the preview. Request targets and
  the status endpoint's query are parsed strictly; anything malformed is a 400.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import json
import mimetypes
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType
from typing import TextIO
from urllib.parse import parse_qsl, quote, unquote

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.cli.report import count_problems, print_diagnostics
from generator.core.config import CONFIG_NAME, load_config
from generator.core.diagnostics import BuildFailed, Diagnostic, error
from generator.core.labels import catalogue, phrase
from generator.core.model import BodyUnreadable, direction_of
from generator.core.urls import output_file_for
from generator.pages.search import ROOT as SEARCH_ROOT
from generator.render.theme import find_theme

RESERVED = "/__mawjaz/"
WATCHED = ("content", "templates", "static")
_GENERATION = b"__MAWJAZ_GENERATION__"
EXTRA_HEAD = (f'<link rel="stylesheet" href="{RESERVED}reload.css">\n'
              f'<script src="{RESERVED}reload.js" data-generation="{_GENERATION.decode()}" defer></script>')
# What a page reloads for: its own file, or a file every page may use, the theme's static files
# (stylesheets, fonts, scripts, images). Any other file changing (the search index, feeds, another
# page) reloads only the pages that are that file, except the search page, which also reloads
# when the search index under SEARCH_INDEX changed.
SHARED = "static/"
SEARCH_PAGE = "search/index.html"
SEARCH_INDEX = SEARCH_ROOT
_TYPES = MappingProxyType({".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".js": "text/javascript; charset=utf-8", ".json": "application/json",
          ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".woff2": "font/woff2",
          ".woff": "font/woff", ".svg": "image/svg+xml"})
# Far above what a browser sends; the status query holds a number and a page path.
MAX_TARGET = 4096
MAX_QUERY_FIELDS = 16
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_GENERATION_NUMBER = re.compile(r"[0-9]{1,18}")
LISTEN_BACKLOG = 256  # a page with many assets, several tabs, event streams: never refused

RELOAD_JS = """\
// mawjaz serve: reload this page when it changes; show build errors over it.
(() => {
  "use strict";
  const loaded = Number(document.currentScript.dataset.generation || 0);
  let overlay = null;

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  // The wording comes with the status, in the digest's language (the server's catalogue).
  function show(diagnostics, words) {
    hide();
    overlay = document.createElement("div");
    overlay.className = "mawjaz-overlay";
    overlay.setAttribute("role", "alert");
    overlay.lang = words.lang;
    overlay.dir = words.dir;
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "\\u00d7";
    close.setAttribute("aria-label", words.hide);
    close.addEventListener("click", hide);
    const title = document.createElement("h2");
    title.textContent = words.title;
    const note = document.createElement("p");
    note.textContent = words.note + " (" + words.count + ")";
    overlay.append(close, title, note);
    for (const item of diagnostics) {
      const line = document.createElement("pre");
      line.dir = "ltr";  // file:line:col: severity[code]: message, as in the terminal
      line.className = "mawjaz-" + item.severity;
      line.textContent = item.text;
      overlay.append(line);
    }
    document.body.append(overlay);
  }

  async function check() {
    const query = "?since=" + loaded + "&page=" + encodeURIComponent(location.pathname);
    try {
      const response = await fetch("/__mawjaz/status" + query, {cache: "no-store"});
      const status = await response.json();
      if (!status.ok) { show(status.diagnostics, status.overlay); return; }
      hide();
      if (status.stale) location.reload();
    } catch (error) {
      // The server is restarting or stopped: keep the page as it is.
    }
  }

  new EventSource("/__mawjaz/events").addEventListener("change", check);
})();
"""

RELOAD_CSS = """\
/* mawjaz serve: the build-error overlay (never part of a built site). */
.mawjaz-overlay {
  position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
  padding: 2rem; background: rgb(24 24 27 / 0.95); color: #fafafa;
  font: 15px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; text-align: start;
}
.mawjaz-overlay h2 { margin-block: 0 0.5rem; font-size: 1.25rem; color: #fca5a5; }
.mawjaz-overlay pre { white-space: pre-wrap; unicode-bidi: plaintext; margin-block: 0.5rem; }
.mawjaz-overlay .mawjaz-error { color: #fca5a5; }
.mawjaz-overlay .mawjaz-warning { color: #fde68a; }
.mawjaz-overlay button {
  position: absolute; inset-block-start: 1rem; inset-inline-end: 1rem; font-size: 1.5rem;
  background: none; color: inherit; border: 0; cursor: pointer;
}
"""

ERROR_PAGE = """\
<!DOCTYPE html>
<html lang="{lang}" dir="{dir}">
<head><meta charset="utf-8"><title>{title}</title>
{head}
</head>
<body>
<h1>{heading}</h1>
<p>{note} ({count})</p>
{items}
</body>
</html>
"""


@dataclass(frozen=True, slots=True)
class PreviewState:
    """What the server shows: replaced whole after each rebuild, never changed in place."""

    generation: int = 0  # counts builds whose output differed from the previous good one
    attempt: int = 0  # counts rebuilds, failed ones too (each sends one event)
    files: Mapping[str, bytes] = field(default_factory=lambda: MappingProxyType({}))
    changed_at: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    assets_changed_at: int = 0  # the theme's static files
    index_changed_at: int = 0  # the search index (the search page reloads for it)
    diagnostics: tuple[Diagnostic, ...] = ()
    ok: bool = False
    lang: str = "ar"  # the digest's language: the overlay and the error page speak it

    def stale(self, page: str, since: int) -> bool:
        """Did ``page`` (the URL path the browser shows), a static file of the theme, or for
        the search page the search index, change after generation ``since``?"""
        if since >= self.generation:
            return False
        key = output_file_for(unquote(page).lstrip("/"))
        return (key not in self.files or self.changed_at.get(key, 0) > since
                or self.assets_changed_at > since
                or (key == SEARCH_PAGE and self.index_changed_at > since))


class LiveSite:
    """The current snapshot, and a condition that event streams wait on for the next one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._snapshot = PreviewState()
        self._closed = False

    @property
    def current(self) -> PreviewState:
        with self._cond:
            return self._snapshot

    @property
    def closed(self) -> bool:
        with self._cond:
            return self._closed

    def succeeded(self, files: Mapping[str, bytes], warnings: tuple[Diagnostic, ...], lang: str = "ar"
                  ) -> list[str]:
        """Publish a good build; return the paths that changed since the last good one."""
        with self._cond:
            old = self._snapshot
            changed = sorted(path for path in files.keys() | old.files.keys()
                             if files.get(path) != old.files.get(path))
            generation = old.generation + 1 if changed or not old.ok else old.generation
            changed_at = {path: (generation if path in changed else old.changed_at.get(path, 0))
                          for path in files}
            assets = any(path.startswith(SHARED) for path in changed)
            index = any(path.startswith(SEARCH_INDEX) for path in changed)
            self._snapshot = PreviewState(
                generation=generation, attempt=old.attempt + 1, files=MappingProxyType(dict(files)),
                changed_at=MappingProxyType(changed_at),
                assets_changed_at=generation if assets else old.assets_changed_at,
                index_changed_at=generation if index else old.index_changed_at,
                diagnostics=warnings, ok=True, lang=lang)
            self._cond.notify_all()
            return changed

    def failed(self, diagnostics: tuple[Diagnostic, ...], lang: str | None = None) -> None:
        """Record a broken build; the last good files stay."""
        with self._cond:
            old = self._snapshot
            self._snapshot = dataclasses.replace(old, attempt=old.attempt + 1, diagnostics=diagnostics,
                                                 ok=False, lang=lang or old.lang)
            self._cond.notify_all()

    def wait(self, after: int, timeout: float) -> PreviewState:
        """The snapshot once its attempt is past ``after``, or the current one after ``timeout``."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed or self._snapshot.attempt > after, timeout)
            return self._snapshot

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


def render_in_memory(root: Path, options: BuildOptions) -> tuple[dict[str, bytes], tuple[Diagnostic, ...]]:
    """One whole build in memory, with the live-reload tags; raises ``BuildFailed``. A body
    file of the cache that changed under the build (see ``model.StoredBody``) makes it
    build again without what the cache held, as ``mawjaz build`` does."""

    def once(fresh: bool) -> tuple[dict[str, bytes], tuple[Diagnostic, ...]]:
        site, diagnostics = load_site(root, options, fresh=fresh)
        files = render_site(site, find_theme(root), extra_head=EXTRA_HEAD)
        return {f.path: f.data() for f in files}, diagnostics

    try:
        return once(fresh=False)
    except BodyUnreadable:
        return once(fresh=True)


def scan(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file: cheap enough to repeat a few times a second."""
    found: dict[str, tuple[int, int]] = {}
    paths = [root / CONFIG_NAME]
    for folder in WATCHED:
        base = root / folder
        if base.is_dir():
            paths.extend(p for p in base.rglob("*") if not _ignored(p.relative_to(base)))
    for path in paths:
        with contextlib.suppress(OSError):
            stat = path.stat()
            found[path.relative_to(root).as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


def _ignored(rel: Path) -> bool:
    """Editor back-ups and swap files, hidden files: saving them is not a change."""
    name = rel.name
    return (any(part.startswith(".") for part in rel.parts) or name.endswith(("~", ".swp", ".swx"))
            or name.startswith("#"))


@dataclass(frozen=True, slots=True)
class Terminal:
    """Where the server talks to the curator."""

    out: TextIO
    err: TextIO
    quiet: bool = False
    verbose: bool = False

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def problems(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        print_diagnostics(diagnostics, self.err)
        self.err.flush()


def rebuild(root: Path, options: BuildOptions, live: LiveSite, terminal: Terminal, verb: str = "rebuilt"
            ) -> bool:
    """Build once and publish the result (good or broken); True when it built."""
    started = time.perf_counter()
    lang = digest_language(root, live.current.lang)
    try:
        files, warnings = render_in_memory(root, options)
    except BuildFailed as failed:
        live.failed(failed.diagnostics, lang)
        terminal.problems(failed.diagnostics)
        errors = sum(d.severity == "error" for d in failed.diagnostics)
        print(f"build failed ({errors} error{'s' * (errors != 1)}); still serving the last good "
              "site; the page shows the problem", file=terminal.err, flush=True)
        return False
    except Exception as exc:  # a bug must show in the preview, not stop it
        problem = (error(CONFIG_NAME, 0, 0, "internal-error", f"{type(exc).__name__}: {exc}"),)
        live.failed(problem, lang)
        terminal.problems(problem)
        return False
    changed = live.succeeded(files, warnings, lang)
    terminal.problems(warnings)
    seconds = time.perf_counter() - started
    terminal.say(f"{verb} in {seconds:.2f} s: {len(changed)} file{'s' * (len(changed) != 1)} changed")
    if terminal.verbose:
        for path in changed:
            terminal.say(f"  changed {path}")
    return True


def digest_language(root: Path, fallback: str) -> str:
    """The digest's ``language`` setting, or ``fallback`` while the settings do not load."""
    try:
        return load_config(root / CONFIG_NAME).language
    except BuildFailed:
        return fallback


class BadRequest(ValueError):
    """A request the preview answers with 400; the message is the response's text."""


def host_names(host: str, port: int) -> frozenset[str]:
    """The ``Host`` values the preview answers to when listening on ``host``:``port``.

    Its own address and ``localhost``; the loopback literals too when it listens on a
    loopback or an unspecified address (0.0.0.0, ::). Other names of the machine are not
    listed: a curator who binds elsewhere reaches the preview by the address bound.
    """
    ip = ipaddress.ip_address(host)
    literal = f"[{host}]" if ip.version == 6 else host
    names = {literal.lower(), "localhost"}
    if ip.is_loopback or ip.is_unspecified:
        names |= {"127.0.0.1", "[::1]"}
    return frozenset(names | {f"{name}:{port}" for name in names})


def host_allowed(values: list[str], names: frozenset[str], version: str, loopback: bool) -> bool:
    """One ``Host`` header naming the preview; none only from an HTTP/1.0 client on loopback
    (HTTP/1.1 requires it, and a browser always sends it)."""
    if not values:
        return loopback and version in ("HTTP/0.9", "HTTP/1.0")
    return len(values) == 1 and values[0].strip().lower() in names


def split_target(target: str) -> tuple[str, str]:
    """The decoded path of a request target (``/path?query``), and its raw query.

    Refuses what no page of the preview can be: absolute or proxy forms, bad percent escapes,
    bytes that are not UTF-8, control characters, ``..`` segments, overlong targets.
    """
    if len(target) > MAX_TARGET:
        raise BadRequest(f"request target longer than {MAX_TARGET} characters")
    path, _, query = target.partition("#")[0].partition("?")
    if not path.startswith("/") or path.startswith("//"):
        raise BadRequest("the request target must be a path starting with a single /")
    decoded = decode_component(path, "path")
    if ".." in decoded.split("/"):
        raise BadRequest("`..` in the path")
    return decoded, query


def decode_component(text: str, what: str) -> str:
    if _BAD_ESCAPE.search(text):
        raise BadRequest(f"invalid percent escape in the {what}")
    try:
        decoded = unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(f"the {what} is not UTF-8") from None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in decoded):
        raise BadRequest(f"control character in the {what}")
    return decoded


def status_query(query: str) -> tuple[int, str]:
    """``since`` (a generation number, default 0) and ``page`` (a URL path, default ``/``)."""
    if len(query) > MAX_TARGET:
        raise BadRequest(f"query longer than {MAX_TARGET} characters")
    if _BAD_ESCAPE.search(query):
        raise BadRequest("invalid percent escape in the query")
    try:
        fields = parse_qsl(query, keep_blank_values=True, errors="strict",
                           max_num_fields=MAX_QUERY_FIELDS)
    except UnicodeDecodeError:
        raise BadRequest("the query is not UTF-8") from None
    except ValueError:
        raise BadRequest(f"more than {MAX_QUERY_FIELDS} query fields") from None
    names = [name for name, _ in fields]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise BadRequest(f"`{repeated[0]}` given more than once")
    values = dict(fields)
    since = values.get("since", "0")
    if not _GENERATION_NUMBER.fullmatch(since):
        raise BadRequest("`since` must be a generation number (digits, at most 18)")
    page = values.get("page", "/")
    if not page.startswith("/") or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in page):
        raise BadRequest("`page` must be a URL path starting with /")
    return int(since), page


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # event streams must not keep the process alive on shutdown
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], live: LiveSite, terminal: Terminal) -> None:
        self.live = live
        self.terminal = terminal
        super().__init__(address, PreviewHandler)
        host, port = self.server_address[:2]
        self.names = host_names(str(host), int(port))
        self.loopback = ipaddress.ip_address(str(host)).is_loopback
        literal = f"[{host}]" if ":" in str(host) else str(host)
        self.origin = f"http://{literal}:{port}/"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "mawjaz-serve"

    def do_GET(self) -> None:
        self.respond(body=True)

    def do_HEAD(self) -> None:
        self.respond(body=False)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.terminal.verbose:
            super().log_message(format, *args)

    def respond(self, body: bool) -> None:
        server = self.server
        if not host_allowed(self.headers.get_all("Host") or [], server.names,
                            self.request_version, server.loopback):
            self.send(HTTPStatus.MISDIRECTED_REQUEST, _TYPES[".txt"],
                      f"this preview answers only at {server.origin} (wrong Host header)\n"
                      .encode(), body)
            return
        try:
            path, query = split_target(self.path)
            if path.startswith(RESERVED):
                self.reserved(path[len(RESERVED):], query, body)
            else:
                self.page(path, body)
        except BadRequest as bad:
            self.send(HTTPStatus.BAD_REQUEST, _TYPES[".txt"], f"bad request: {bad}\n".encode(), body)

    def page(self, path: str, body: bool) -> None:
        snapshot = self.server.live.current
        if not snapshot.files:
            self.send(HTTPStatus.SERVICE_UNAVAILABLE, _TYPES[".html"], error_page(snapshot), body)
            return
        rel = path.lstrip("/")
        key = output_file_for(rel)
        if key in snapshot.files:
            self.send(HTTPStatus.OK, content_type(key), page_bytes(key, snapshot), body)
        elif f"{rel}/index.html" in snapshot.files:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", quote(f"/{rel}/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            content = page_bytes("404.html", snapshot) if "404.html" in snapshot.files else b"not found"
            self.send(HTTPStatus.NOT_FOUND, _TYPES[".html"], content, body)

    def reserved(self, name: str, query: str, body: bool) -> None:
        if name == "reload.js":
            self.send(HTTPStatus.OK, _TYPES[".js"], RELOAD_JS.encode(), body)
        elif name == "reload.css":
            self.send(HTTPStatus.OK, _TYPES[".css"], RELOAD_CSS.encode(), body)
        elif name == "status":
            since, page = status_query(query)
            status = status_of(self.server.live.current, page, since)
            self.send(HTTPStatus.OK, _TYPES[".json"], json.dumps(status, ensure_ascii=False).encode(), body)
        elif name == "events" and body:
            self.events()
        else:
            self.send(HTTPStatus.NOT_FOUND, _TYPES[".txt"], b"not found", body)

    def events(self) -> None:
        """Server-Sent Events: one ``change`` event on connect and after every rebuild."""
        live = self.server.live
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        snapshot = live.current
        try:
            self.wfile.write(b"retry: 1000\n\n" + _event(snapshot))
            self.wfile.flush()
            while not live.closed:
                seen = snapshot.attempt
                snapshot = live.wait(seen, timeout=10)
                if live.closed:
                    break
                self.wfile.write(_event(snapshot) if snapshot.attempt > seen else b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded

    def send(self, status: HTTPStatus, kind: str, content: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(content)


def _event(snapshot: PreviewState) -> bytes:
    data = json.dumps({"attempt": snapshot.attempt, "generation": snapshot.generation, "ok": snapshot.ok})
    return f"event: change\ndata: {data}\n\n".encode()


def status_of(snapshot: PreviewState, page: str, since: int) -> dict[str, object]:
    return {
        "ok": snapshot.ok,
        "generation": snapshot.generation,
        "attempt": snapshot.attempt,
        "stale": snapshot.stale(page, since),
        "diagnostics": [{**d.as_dict(), "text": d.format()} for d in snapshot.diagnostics],
        "overlay": overlay_words(snapshot),
    }


def overlay_words(snapshot: PreviewState) -> dict[str, str]:
    """The overlay's wording in the digest's language (the catalogue's; English for a language
    without one), with its direction and the count of problems."""
    lang = catalogue(snapshot.lang).lang
    return {"lang": lang, "dir": direction_of(lang), "title": phrase(lang, "serve.overlay_title"),
            "note": phrase(lang, "serve.overlay_note"), "hide": phrase(lang, "serve.hide"),
            "count": count_problems(snapshot.diagnostics, lang)}


def page_bytes(key: str, snapshot: PreviewState) -> bytes:
    content = snapshot.files[key]
    if key.endswith(".html"):
        content = content.replace(_GENERATION, str(snapshot.generation).encode(), 1)
    return content


def content_type(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def error_page(snapshot: PreviewState) -> bytes:
    """Shown before the first good build: the problems, and the script that reloads on a fix."""
    items = "\n".join(f'<pre dir="ltr">{escape(d.format())}</pre>' for d in snapshot.diagnostics)
    head = EXTRA_HEAD.replace(_GENERATION.decode(), str(snapshot.generation))
    lang = catalogue(snapshot.lang).lang
    return ERROR_PAGE.format(
        head=head, items=items, lang=escape(lang), dir=direction_of(lang),
        title=escape(phrase(lang, "serve.page_title")), heading=escape(phrase(lang, "serve.page_heading")),
        note=escape(phrase(lang, "serve.page_note")), count=escape(count_problems(snapshot.diagnostics, lang))).encode()


def serve(root: Path, options: BuildOptions, port: int, interval: float, terminal: Terminal,
          stop: threading.Event, on_ready: Callable[[str], None] | None = None) -> int:
    """Serve until ``stop`` is set; returns the port actually used."""
    live = LiveSite()
    server = PreviewServer(("127.0.0.1", port), live, terminal)
    actual = server.server_address[1]
    url = f"http://127.0.0.1:{actual}/"
    options = dataclasses.replace(options, base_url=url)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="mawjaz-serve", daemon=True)
    try:
        seen = scan(root)
        rebuild(root, options, live, terminal, verb="built")
        thread.start()
        shown = " (drafts and future items shown, marked)" if options.drafts or options.future else ""
        terminal.say(f"serving {url}{shown}")
        terminal.say(f"watching {', '.join(f'{f}/' for f in WATCHED)} and {CONFIG_NAME}; "
                     "press Ctrl+C to stop")
        if on_ready:
            on_ready(url)
        # Later rebuilds run beside the server's threads, where forking worker processes is
        # unsafe; with the cache they re-read only the changed articles anyway.
        options = dataclasses.replace(options, workers=1)
        while not stop.wait(interval):
            now = scan(root)
            if now != seen:
                seen = now
                rebuild(root, options, live, terminal)
    finally:
        live.close()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
    return actual
