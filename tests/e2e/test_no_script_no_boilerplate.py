"""A digest built from hostile, boilerplate-laden sources, read by a real Chromium.

The fixture (``hostile_digest.py``) pastes news text with its web page's furniture still
attached and the script-injection corpus of ``tests/hostile`` into every place content reaches:
bodies, titles, summaries, source names and URLs, actor names and aliases, the site's title and
description. Every HTML page of the built site is then opened, and the page fails when:

* a dialog opens (``alert``, ``confirm``, ``prompt``, ``beforeunload``);
* script the theme did not ship runs. Three independent witnesses: the Chrome DevTools
  protocol's ``Debugger.scriptParsed`` (every script, inline script, event handler or
  ``javascript:`` URL the page compiles, in the page's own world); an init script that wraps
  ``alert``/``confirm``/``prompt``/``print``/``open``, ``eval``, ``Function``, string timers
  and ``document.write``; and the canary ``window.__pwned`` that the fixture's payloads call;
* an uncaught exception is thrown, the page navigates away, or a script, frame, stylesheet
  or document is requested from anywhere but the site itself;
* the DOM holds a script element that is not one of the theme's own files, an inline script,
  an event-handler attribute, a ``javascript:``-like URL, a frame, object, embed or base;
* a boilerplate phrase of the cleaner's lexicon is visible (``document.body.innerText``), or
  the article sentences the fixture expects are not (so a blank page cannot pass).

Everything runs twice: with the theme's Content-Security-Policy, as readers get it, and with
the CSP bypassed, so that the sanitiser alone is shown to stop every payload (the CSP is the
second wall, not the only one). CSP violations are reported, not failed on: a violation means
the browser blocked something, but it also names a sanitiser gap, so they are listed.

The last tests break a copy of the built site on purpose and check that the checker notices.
"""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.core.labels import labels_for
from generator.text.normalize import match_form

from .conftest import REPO, ServedSite, _free_server, html_pages, require, run_build
from .hostile_digest import CANARY, VECTORS_FILE, HostileDigest, write_hostile_digest

pytestmark = pytest.mark.browser

DATA = REPO / "generator" / "data"
# Roles of boilerplate_additions.tsv whose phrases are furniture a reader must never see (the
# other roles are vocabularies: platform names, agency names, date words, labels).
PHRASE_ROLES = frozenset({"comment", "related", "tags", "tail", "more", "line", "cookie",
                          "copyright"})
_WILDCARD = re.compile(r"%s|\[[a-z_]+\]")
_NON_WORD = re.compile(r"[\W_]+")
SETTLE_MS = 400  # after "load": time for late handlers (onerror of images, timers) to fire


# --------------------------------------------------------------------------- lexicon

def spaced(text: str) -> str:
    """Match form with punctuation as single spaces: both sides of every comparison."""
    return " ".join(_NON_WORD.sub(" ", match_form(text)).split())


def _qualifies(phrase: str) -> bool:
    """Long enough to be furniture and nothing else. Single words ("رد", "Share", "Tags")
    and short pairs occur in real text; three words, 15 characters, or a pair of 10 or more
    ("اترك تعليقا", "Cancel reply") do not."""
    words = phrase.split()
    return len(words) >= 3 or len(phrase) >= 15 or (len(words) == 2 and len(phrase) >= 10)


def _read_tsv(name: str) -> list[dict[str, str]]:
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def _fragments(cell: str) -> Iterator[str]:
    """A lexicon cell's phrases: tags and entities out, one per ``\\n`` line, wildcards as
    breaks (``Leave a Reply to %s`` gives ``leave a reply to``)."""
    text = html.unescape(re.sub(r"<[^>]*>", " ", cell))
    for line in text.split("\\n"):
        for part in _WILDCARD.split(line):
            phrase = spaced(part)
            if phrase:
                yield phrase


def theme_labels() -> list[str]:
    """The theme's own interface wording: a lexicon phrase the theme itself shows (its
    "Skip to content" link) is not boilerplate leaking from an article."""
    return [spaced(v) for lang in ("ar", "en") for v in labels_for(lang).values()]


def lexicon_phrases() -> frozenset[str]:
    phrases = {p for row in _read_tsv("boilerplate_lexicon.tsv")
               for p in _fragments(row["translation"])}
    phrases |= {p for row in _read_tsv("boilerplate_additions.tsv")
                if row["role"] in PHRASE_ROLES for p in _fragments(row["phrase"])}
    labels = theme_labels()
    return frozenset(p for p in phrases if _qualifies(p)
                     and not any(f" {p} " in f" {label} " for label in labels))


def visible_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """Lexicon phrases in a page's visible text, each with a little context."""
    hay = f" {spaced(text)} "
    found = []
    for phrase in sorted(phrases):
        at = hay.find(f" {phrase} ")
        if at >= 0:
            found.append(f"{phrase!r} in …{hay[max(0, at - 40):at + len(phrase) + 40].strip()}…")
    return found


# --------------------------------------------------------------------------- in the page

# Runs before any script of the page, in every frame. A call from a hostile payload is
# logged to the console (which survives a navigation) and kept in window.__mawjaz_hits.
# Playwright's own evaluations go through eval too; they are recognised by their stack,
# which holds nothing but Playwright's anonymous utility script.
INIT_SCRIPT = r"""(() => {
  const hits = [];
  Object.defineProperty(window, '__mawjaz_hits', {value: hits});
  const own = (stack) => {
    const frames = stack.split('\n').slice(3).filter(f => f.trim());
    return frames.length > 0 && /UtilityScript/.test(frames[frames.length - 1]) &&
           frames.every(f => /\(<anonymous>:\d+:\d+\)$|at eval \(eval at|UtilityScript|InjectedScript/.test(f));
  };
  const hit = (what, args, always) => {
    const stack = String(new Error().stack);
    if (!always && own(stack)) return;
    const entry = what + '(' + String(args[0]).slice(0, 100) + ')';
    hits.push(entry);
    console.log('mawjaz-hit ' + entry);
  };
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    const original = window[name];
    window[name] = function (...a) { hit(name, a, true); return original.apply(this, a); };
  }
  const originalEval = window.eval;
  window.eval = function (...a) { hit('eval', a); return originalEval.apply(this, a); };
  const OriginalFunction = window.Function;
  window.Function = new Proxy(OriginalFunction, {
    apply(t, self, a) { hit('Function', a); return Reflect.apply(t, self, a); },
    construct(t, a) { hit('Function', a); return Reflect.construct(t, a); },
  });
  for (const name of ['setTimeout', 'setInterval']) {
    const original = window[name];
    window[name] = function (code, ...rest) {
      if (typeof code === 'string') hit(name + '-string', [code], true);
      return original.call(this, code, ...rest);
    };
  }
  for (const name of ['write', 'writeln']) {
    const original = Document.prototype[name];
    Document.prototype[name] = function (...a) { hit('document.' + name, a, true);
                                                 return original.apply(this, a); };
  }
  window.__CANARY__ = (...a) => hit('__CANARY__', a, true);
  document.addEventListener('securitypolicyviolation', (e) => {
    console.log('mawjaz-csp ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') +
                ' at ' + (e.sourceFile || location.href) + ':' + e.lineNumber +
                ' sample ' + (e.sample || '').slice(0, 60));
  }, true);
})();
//# sourceURL=mawjaz-init.js
""".replace("__CANARY__", CANARY)

# Runs after the page settled: what the DOM holds that could run or load code.
AUDIT_JS = r"""(allowed) => {
  const problems = [];
  const where = (el) => '<' + el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '>';
  for (const s of document.querySelectorAll('script')) {
    const src = s.getAttribute('src') === null ? '' : new URL(s.getAttribute('src'), document.baseURI).href;
    // The theme's JSON-LD: a data block no browser runs, in <head>, one per article, and
    // only if it is JSON (a payload breaking out of it would leave text that is not).
    if (!src && s.getAttribute('type') === 'application/ld+json' && s.parentElement === document.head &&
        document.querySelectorAll('script[type="application/ld+json"]').length === 1) {
      try { JSON.parse(s.textContent); continue; } catch (e) { problems.push('JSON-LD that is not JSON'); continue; }
    }
    if (!src) problems.push('inline script: ' + (s.textContent || '').trim().slice(0, 80));
    else if (!allowed.includes(src)) problems.push('script not shipped by the theme: ' + src);
  }
  const forbidden = 'iframe, frame, frameset, object, embed, applet, base, portal, ' +
                    'meta[http-equiv="refresh" i], link[rel~="import" i]';
  for (const el of document.querySelectorAll(forbidden)) problems.push('element ' + el.outerHTML.slice(0, 100));
  const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster',
                            'background', 'srcset', 'to', 'from', 'values', 'codebase', 'ping']);
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) {
        problems.push('event handler ' + where(el) + ' ' + name + '=' + attr.value.slice(0, 60));
      } else if (name === 'srcdoc') {
        problems.push('srcdoc on ' + where(el));
      } else if (urlAttrs.has(name)) {
        // As the browser reads them: the URL parser trims C0 controls and spaces only (a
        // leading U+2028 makes a relative URL); srcset splits on ASCII whitespace.
        const ascii = /^[\t\n\f\r ]+/;
        const parts = name !== 'srcset' ? [attr.value]
          : attr.value.split(',').map(p => p.replace(ascii, '').split(/[\t\n\f\r ]/)[0]);
        for (const part of parts) {
          let protocol = '';
          try { protocol = new URL(part, document.baseURI).protocol; }
          catch (e) { continue; }
          if (['javascript:', 'vbscript:', 'data:', 'blob:', 'filesystem:'].includes(protocol) &&
              !(protocol === 'data:' && el.tagName === 'IMG' && name === 'src' &&
                /^\s*data:image\/(png|gif|jpeg|webp);/i.test(part))) {
            problems.push(protocol + ' URL in ' + where(el) + ' ' + name + '=' + attr.value.slice(0, 60));
          }
        }
      }
    }
  }
  return {problems, text: document.body ? document.body.innerText : '',
          hits: [...(window.__mawjaz_hits || [])], pwned: typeof window.__CANARY__};
}""".replace("__CANARY__", CANARY)


@dataclass
class PageReport:
    """What one page did; ``failures`` fail the test, ``notes`` are listed alongside."""

    name: str
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True, slots=True)
class Checker:
    """Opens pages and reports what ran. ``allowed_scripts``: absolute URLs of the theme's
    own script files (``static/**/*.js``) and of a search bundle the build made."""

    site: ServedSite
    allowed_scripts: tuple[str, ...]
    phrases: frozenset[str]
    expected: dict[str, tuple[str, ...]]
    # DOM findings that are the product's own (listed as notes, not failures).
    tolerated: frozenset[str] = frozenset()

    def check(self, chromium: Any, pages: Iterable[tuple[str, str]],
              bypass_csp: bool = False,
              interact: Callable[[Any], None] | None = None) -> list[PageReport]:
        """Open each page in one tab. The context is made here rather than by
        ``test_browser.browser_page``: its service-worker switch injects a script of
        Playwright's own into every page, which would look like a foreign script."""
        reports = []
        context = chromium.new_context(viewport={"width": 1280, "height": 800},
                                       bypass_csp=bypass_csp)
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.add_init_script(INIT_SCRIPT)
            page.route("**/*", lambda route: self._route(route))
            cdp = context.new_cdp_session(page)
            parsed: list[dict[str, Any]] = []

            def on_script(event: dict[str, Any]) -> None:
                parsed.append(event)

            cdp.on("Debugger.scriptParsed", on_script)
            # Enabling replays the scripts already known (about:blank's): cleared per visit.
            cdp.send("Debugger.enable")
            for name, url in pages:
                # A round trip on this session first: the browser sends a session's messages
                # in order, so every notice of the last visit (of the audit's own evaluation,
                # which can trail its result on a busy machine) is in before the clearing,
                # not taken for a script of this page. (Skipping pauses also keeps a
                # `debugger` statement from stopping a page.)
                cdp.send("Debugger.setSkipAllPauses", {"skip": True})
                parsed.clear()
                reports.append(self._visit(page, cdp, parsed, name, url, interact))
        finally:
            context.close()
        return reports

    def _route(self, route: Any) -> None:
        """Nothing leaves the machine: requests off the site are recorded and refused."""
        if route.request.url.startswith(self.site.origin + "/"):
            route.continue_()
        else:
            route.abort()

    def _visit(self, page: Any, cdp: Any, parsed: list[dict[str, Any]], name: str,
               url: str, interact: Callable[[Any], None] | None = None) -> PageReport:
        report = PageReport(name)
        console: list[str] = []
        external: list[str] = []
        navigations: list[str] = []
        loads: list[str] = []  # documents loaded: a navigation within the page loads none

        def on_dialog(dialog: Any) -> None:
            report.failures.append(f"dialog opened: {dialog.type} {dialog.message[:80]!r}")
            dialog.dismiss()

        def on_request(request: Any) -> None:
            if not request.url.startswith(self.site.origin + "/"):
                external.append(f"{request.resource_type} {request.url[:100]}")

        def on_frame(frame: Any) -> None:
            if frame == page.main_frame:
                navigations.append(frame.url)

        listeners = {
            "dialog": on_dialog,
            "console": lambda m: console.append(f"{m.type}: {m.text}"),
            "pageerror": lambda e: report.failures.append(f"uncaught exception: {e}"),
            "request": on_request,
            "framenavigated": on_frame,
            "load": lambda loaded: loads.append(loaded.url),
        }
        for event, listener in listeners.items():
            page.on(event, listener)
        try:
            response = page.goto(url, wait_until="load")
            if response is None or response.status != 200:
                report.failures.append(f"answered {response.status if response else 'nothing'}")
            if interact is not None:
                interact(page)  # through locators only: they run in Playwright's own world
            page.wait_for_timeout(SETTLE_MS)
            # Scripts compiled so far, before any evaluation of ours adds Playwright's own:
            # after a round trip on the session, so that every notice sent so far is in.
            cdp.send("Debugger.setSkipAllPauses", {"skip": True})
            compiled = [(event, self._source(cdp, event)) for event in parsed]
            audit = page.evaluate(AUDIT_JS, list(self.allowed_scripts))
            page.wait_for_timeout(50)  # let the console events of the audit arrive
        finally:
            for event, listener in listeners.items():
                page.remove_listener(event, listener)

        report.text = audit["text"]
        for script, source in compiled:
            why = self._foreign_script(script, source)
            if why:
                report.failures.append(why)
        hits = {line.removeprefix("log: mawjaz-hit ") for line in console
                if line.startswith("log: mawjaz-hit ")}
        hits |= set(audit["hits"])
        report.failures += [f"script ran: {hit}" for hit in sorted(hits)]
        if audit["pwned"] != "function":
            report.failures.append(f"window.{CANARY} was replaced: {audit['pwned']}")
        for problem in audit["problems"]:
            (report.notes if problem in self.tolerated else report.failures).append(
                f"DOM: {problem}")
        report.notes += [line.removeprefix("log: mawjaz-") for line in console
                         if line.startswith("log: mawjaz-csp ")]
        report.notes += [f"console {line[:200]}" for line in console
                         if line.startswith("error:") and "Content Security Policy" not in line
                         and "404" not in line]
        for request in external:
            kind = request.split(" ", 1)[0]
            (report.notes if kind in {"image", "media"} else report.failures).append(
                f"request off the site: {request}")
        # The search page keeps its query in the address (history.replaceState), which
        # changes only the query string and loads no document; anything else is leaving.
        if len(loads) > 1 or urlsplit(page.url)._replace(query="") != urlsplit(url)._replace(query=""):
            report.failures.append(f"navigated away: {navigations} (loaded {loads}) now at {page.url}")
        report.failures += [f"boilerplate visible: {p}"
                            for p in visible_phrases(report.text, self.phrases)]
        slug = _article_slug(name)
        if slug in self.expected:
            hay = f" {spaced(report.text)} "
            report.failures += [f"article sentence not visible: {s[:70]!r}"
                                for s in self.expected[slug] if f" {spaced(s)} " not in hay]
        return report

    def _source(self, cdp: Any, script: dict[str, Any]) -> str:
        """The text of a script the page compiled (what the report shows of a foreign one)."""
        aux = script.get("executionContextAuxData") or {}
        if not aux.get("isDefault", False) or script.get("url") in self.allowed_scripts:
            return ""
        try:
            return cdp.send("Debugger.getScriptSource",
                            {"scriptId": script["scriptId"]})["scriptSource"]
        except Exception as exc:
            return f"(source unavailable: {exc})"

    def _foreign_script(self, script: dict[str, Any], source: str) -> str | None:
        """Why a compiled script is not the theme's (None when it is, or is the test's)."""
        aux = script.get("executionContextAuxData") or {}
        if not aux.get("isDefault", False):
            return None  # Playwright's isolated world, not the page
        url = script.get("url", "")
        if url == "mawjaz-init.js" or url in self.allowed_scripts:
            return None
        return (f"script compiled in the page: url={url or '(inline)'} "
                f"line {script.get('startLine')}: {' '.join(source.split())[:120]!r}")


def _article_slug(name: str) -> str:
    match = re.fullmatch(r"articles/([^/]+)/index\.html", name)
    return match.group(1) if match else ""


def allowed_scripts(site: ServedSite, theme_static: Path) -> tuple[str, ...]:
    """The theme's own script files (search.js among them: the search index is JSON data,
    fetched, never run)."""
    return tuple(site.url("static/" + p.relative_to(theme_static).as_posix())
                 for p in sorted(theme_static.rglob("*.js")))


def summary(reports: Iterable[PageReport], attr: str) -> str:
    grouped: dict[str, list[str]] = defaultdict(list)
    for r in reports:
        grouped[r.name] += getattr(r, attr)
    return "\n".join(f"{name}:\n" + "\n".join(f"    {item}" for item in items[:25])
                     + (f"\n    ... {len(items) - 25} more" if len(items) > 25 else "")
                     for name, items in sorted(grouped.items()) if items)


# --------------------------------------------------------------------------- fixtures

@dataclass(frozen=True, slots=True)
class Served:
    site: ServedSite
    digest: HostileDigest
    theme_static: Path


@contextmanager
def serve(folder: Path, name: str) -> Iterator[tuple[str, Any]]:
    """A static server over ``folder``; yields its root URL (the port is known before a build
    so that the build's canonical links point at it)."""
    server = _free_server(folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True, name=f"http-{name}")
    try:
        thread.start()
        yield f"http://127.0.0.1:{server.server_address[1]}/", server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The hostile digest, built by the command line and served at ``/``."""
    require(VECTORS_FILE.is_file(), f"the hostile corpus {VECTORS_FILE} is missing")
    digest = write_hostile_digest(tmp_path_factory.mktemp("hostile") / "digest")
    www = tmp_path_factory.mktemp("www-hostile")
    with serve(www, "hostile") as (base_url, _server):
        run_build(digest.root, www, base_url)
        yield Served(ServedSite("hostile", base_url, www), digest, digest.root / "static")


def make_checker(served: Served, site: ServedSite | None = None) -> Checker:
    site = site or served.site
    return Checker(site, allowed_scripts(site, served.theme_static), lexicon_phrases(),
                   served.digest.expected)


# --------------------------------------------------------------------------- the checks

def test_lexicon_and_fixture_are_what_the_check_needs(hostile: Served) -> None:
    """The phrase list is long and holds the comment-form heading; the fixture carries the
    whole corpus and every article was built."""
    phrases = lexicon_phrases()
    assert len(phrases) > 150, len(phrases)
    assert spaced("اترك تعليقاً") in phrases and spaced("Leave a Reply") in phrases
    assert hostile.digest.vectors >= 150
    articles = hostile.digest.root / "content" / "articles"
    for slug in hostile.digest.expected:
        source = (articles / f"{slug}.md").read_text("utf-8")
        assert len(visible_phrases(source, phrases)) >= 2, f"{slug}: its source has no tail"
        assert CANARY in source, f"{slug}: its source has no payload"
    built = {_article_slug(p.relative_to(hostile.site.site_dir).as_posix())
             for p in html_pages(hostile.site.site_dir)}
    assert set(hostile.digest.expected) <= built, set(hostile.digest.expected) - built


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_no_script_runs_and_no_boilerplate_shows(browser: Any, hostile: Served,
                                                 csp: str) -> None:
    checker = make_checker(hostile)
    pages = hostile.site.pages()
    assert len(pages) >= 20, pages
    reports = checker.check(browser, pages, bypass_csp=csp == "bypassed")
    notes = summary(reports, "notes")
    if notes:
        print(f"\nnotes (CSP {csp}), by page:\n{notes}")
    failures = summary(reports, "failures")
    assert not failures, (f"with the CSP {csp}, by page:\n{failures}"
                          + (f"\n\nnotes:\n{notes}" if notes else ""))
    seen = [r for r in reports if _article_slug(r.name) in hostile.digest.expected]
    assert len(seen) == len(hostile.digest.expected)


# --------------------------------------------------------------------------- the checker checked

VICTIM = "aleppo-water"
# Each call on its own: under the CSP, eval, Function and string timers throw after the
# wrapper has recorded them.
EVIL_JS = "\n".join(f"try {{ {call}; }} catch (e) {{}}" for call in (
    "window.__pwned('evil.js')", "alert('evil.js')", "setTimeout('void 0', 0)",
    "new Function('return 1')()", "eval('1 + 1')")) + "\n"
# name -> (what is injected before </main>, whether the CSP is bypassed, what must be reported)
BREAKS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "inline script": ("<script>window.__pwned('inline')</script>", False,
                      ("DOM: inline script",)),
    "inline script, no CSP": ("<script>window.__pwned('inline')</script>", True,
                              ("DOM: inline script", "script ran: __pwned(inline)",
                               "script compiled in the page: url=http")),
    "visible comment form": ("<p>اترك تعليقاً</p>", False,
                             ("boilerplate visible: 'اترك تعليقا'",)),
    "visible English tail": ("<p>Your email address will not be published.</p>", False,
                             ("boilerplate visible: 'your email address will not be published'",)),
    "event handler": ("<img src=x onerror=\"window.__pwned('onerror')\" alt=\"\">", False,
                      ("DOM: event handler <img> onerror=",)),
    "event handler, no CSP": ("<img src=x onerror=\"window.__pwned('onerror')\" alt=\"\">", True,
                              ("DOM: event handler <img> onerror=",
                               "script ran: __pwned(onerror)")),
    "javascript: link": ("<a href=\"jav&#x09;ascript:window.__pwned('link')\">x</a>", False,
                         ("DOM: javascript: URL in <a> href=",)),
    "frame": ("<iframe srcdoc=\"<p>x</p>\"></iframe>", False, ("DOM: element <iframe",)),
    "foreign script file": ("<script src=\"/evil.js\"></script>", False,
                            ("DOM: script not shipped by the theme: ",
                             "script compiled in the page: url=http",
                             "script ran: __pwned(evil.js)", "script ran: eval(1 + 1)",
                             "script ran: Function(return 1)", "script ran: setTimeout-string",
                             "script ran: alert(evil.js)", "dialog opened: alert")),
    "article emptied": ("", False, ("article sentence not visible",)),
}


@pytest.fixture(scope="module")
def broken_copy(hostile: Served, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[Served, ServedSite]]:
    """A copy of the built site on its own server, for pages broken on purpose."""
    www = tmp_path_factory.mktemp("www-broken")
    shutil.copytree(hostile.site.site_dir, www, dirs_exist_ok=True)
    (www / "evil.js").write_text(EVIL_JS, "utf-8")
    with serve(www, "broken") as (base_url, _server):
        yield hostile, ServedSite("broken", base_url, www)


@pytest.mark.parametrize("name", list(BREAKS))
def test_checker_fails_a_broken_page(browser: Any,
                                     broken_copy: tuple[Served, ServedSite], name: str) -> None:
    served, site = broken_copy
    page_file = site.site_dir / "articles" / VICTIM / "index.html"
    original = page_file.read_text("utf-8")
    injected, bypass, wanted = BREAKS[name]
    broken = original.replace("</main>", injected + "</main>", 1)
    if name == "article emptied":
        for sentence in served.digest.expected[VICTIM]:
            broken = broken.replace(sentence, "")
    assert broken != original, "nothing was injected"
    checker = make_checker(served, site)
    url = site.page_url(page_file)
    try:
        page_file.write_text(broken, "utf-8")
        (report,) = checker.check(browser, [(f"articles/{VICTIM}/index.html", url)],
                                  bypass_csp=bypass)
        page_file.write_text(original, "utf-8")
        (clean,) = checker.check(browser, [(f"articles/{VICTIM}/index.html", url)],
                                 bypass_csp=bypass)
    finally:
        page_file.write_text(original, "utf-8")
    assert not clean.failures, f"the unbroken page fails: {clean.failures}"
    missing = [w for w in wanted if not any(f.startswith(w) for f in report.failures)]
    assert not missing, (f"{name}: the checker did not report {missing}; it reported "
                         f"{report.failures}")


# --------------------------------------------------------------------------- search results

# Words of hostile titles and bodies: each query lists articles whose excerpts hold markup.
SEARCH_QUERIES = ("img", "onerror", "script", "pwned", "javascript", "iframe", "svg", "قبل")


def _search(page: Any) -> None:
    """Type each query and wait for all its results (the page marks a query done once it
    shows them; "more results" until the button goes), with locators only: an evaluation of
    ours in the page's world would be indistinguishable from the page's own script."""
    box = page.locator("#search-input")
    box.wait_for()
    results = page.locator(".search-result")
    more = page.locator("#search-more")
    for query in SEARCH_QUERIES:
        box.fill(query)
        page.locator(f'#search[data-state="done"][data-query="{query}"]').wait_for(state="attached")
        while more.is_visible():
            shown = results.count()
            more.click()
            results.nth(shown).wait_for(state="attached")


@pytest.fixture(scope="module")
def hostile_with_search(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The hostile digest with ``search = true``: search.js puts titles and excerpts of
    hostile articles in the page, a place no template escapes for it."""
    digest = write_hostile_digest(tmp_path_factory.mktemp("hostile-search") / "digest")
    config = digest.root / "mawjaz.toml"
    config.write_text(config.read_text("utf-8") + "search = true\n", "utf-8")
    www = tmp_path_factory.mktemp("www-hostile-search")
    with serve(www, "hostile-search") as (base_url, _server):
        run_build(digest.root, www, base_url)
        yield Served(ServedSite("hostile-search", base_url, www), digest, digest.root / "static")


@pytest.mark.parametrize("csp", ["enforced", "bypassed"])
def test_search_results_run_no_script(browser: Any, hostile_with_search: Served,
                                      csp: str) -> None:
    site = hostile_with_search.site
    checker = make_checker(hostile_with_search)
    assert any(url.endswith("/static/js/search.js") for url in checker.allowed_scripts), checker.allowed_scripts
    (report,) = checker.check(browser, [("search/index.html", site.url("search/"))],
                              bypass_csp=csp == "bypassed", interact=_search)
    assert not report.failures, (f"the search page with hostile results (CSP {csp}):\n"
                                 + "\n".join(report.failures + report.notes))
    assert "__pwned" in report.text, "no hostile title or excerpt was listed"
