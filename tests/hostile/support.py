"""Shared helpers for the hostile-input suite: throw-away digests, in-memory builds, a guard
against hangs, and checkers that look at built output the way a browser or a feed reader would.

Every check here parses the output (``html.parser`` and libxml2's HTML parser for pages, lxml
for feeds, ``json`` for JSON Feed) instead of searching for strings, because an attack that
gets through is by definition one whose text does not look like the thing searched for.
"""

from __future__ import annotations

import contextlib
import faulthandler
import hashlib
import json
import math
import os
import re
import signal
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import lxml.etree
import lxml.html

from generator.build.pipeline import BuildOptions, load_site, render_site
from generator.core.diagnostics import BuildFailed, Diagnostic
from generator.core.model import OutputFile
from generator.render.theme import find_theme

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CONFIG_NAME = "mawjaz.toml"
REGISTRY = "content/actors.yaml"

BASE_CONFIG = """\
title = "موجز الاختبار"
description = "موقع للاختبارات العدائية"
base_url = "https://example.org/digest/"
language = "ar"
timezone = "Asia/Damascus"
build_date = 2026-11-29T12:00:00+03:00
"""

# Diagnostics about a whole file (line 0 means "the whole file").
# Problems of a whole file, named without a line (a missing key has no line to point at; two
# articles wanting one URL or one id, the article without a `slug:` line).
WHOLE_FILE_CODES = frozenset({"file-too-large", "file-unreadable", "file-outside",
                              "file-not-regular", "config-missing", "config-missing-key",
                              "frontmatter-missing-key", "duplicate-id", "duplicate-slug",
                              "output-collision"})


# -- digests ----------------------------------------------------------------------------


def toml_string(value: str) -> str:
    """A TOML basic string for any text (JSON escapes are valid TOML escapes, except that
    TOML has no ``\\/``; json.dumps never writes that one)."""
    return json.dumps(value, ensure_ascii=True)


def write_digest(root: Path, articles: Mapping[str, str | bytes] = (), *,
                 config: str = BASE_CONFIG, actors: str | bytes | None = None) -> Path:
    """A digest folder with ``mawjaz.toml``, the given articles and an optional registry."""
    (root / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (root / CONFIG_NAME).write_text(config, "utf-8")
    for name, text in dict(articles).items():
        path = root / "content" / "articles" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if actors is not None:
        data = actors if isinstance(actors, bytes) else actors.encode("utf-8")
        (root / REGISTRY).write_bytes(data)
    return root


def entries(folder: Path) -> dict[str, str]:
    """Every entry below ``folder``, links as links (never followed), files by the hash of
    their bytes: what a deletion, a write or a planted link would change."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "link -> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "folder"
    return found


def article_text(title: str = "خبر", body: str = "نص الخبر.", date: str = "2026-11-28",
                 extra: str = "") -> str:
    return f"---\ntitle: {json.dumps(title)}\ndate: {date}\n{extra}---\n{body}\n"


def build_in_memory(root: Path, options: BuildOptions | None = None) -> tuple[OutputFile, ...]:
    """``load_site`` + ``render_site``: everything but the write to disk."""
    site, _ = load_site(root, options or BuildOptions(now=NOW))
    return render_site(site, find_theme(root))


# -- diagnostics ------------------------------------------------------------------------


def located_problems(failed: BuildFailed, texts: Mapping[str, str | bytes]) -> list[str]:
    """Why the diagnostics of ``failed`` are not what a curator can act on (empty when fine).

    ``texts`` maps each file the diagnostics may name to its content, so a line number past
    the end of its file is caught too.
    """
    problems = []
    if not failed.diagnostics:
        problems.append("BuildFailed without a diagnostic")
    for d in failed.diagnostics:
        where = d.format()
        if not isinstance(d, Diagnostic) or d.severity not in ("error", "warning"):
            problems.append(f"not a diagnostic: {d!r}")
            continue
        if not d.code or not d.message.strip():
            problems.append(f"no code or message: {where}")
        if d.path not in texts:
            problems.append(f"names an unexpected file: {where}")
            continue
        content = texts[d.path]
        if isinstance(content, bytes):
            content = content.decode("utf-8", "replace")
        lines = content.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
        if d.line == 0 and d.code in WHOLE_FILE_CODES:
            continue
        if d.severity == "warning" and d.line == 0:
            continue  # warnings do not fail a build; they may be about a whole file
        if not 1 <= d.line <= lines + 1:
            problems.append(f"line {d.line} is not in the file ({lines} lines): {where}")
    return problems


# -- hangs --------------------------------------------------------------------------------


class TookTooLong(Exception):
    """One example ran past its time limit: as good as a hang for an unattended build."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail code that runs too long: a hang net for parsers that backtrack or loop.

    The limit is CPU time of this process, not time on the clock: a loaded machine that
    gives the test a smaller share of a core makes it wait longer, never fail. SIGPROF
    interrupts Python code; code stuck inside C (a regular expression, a parser) does not see
    it, so at three times the limit the kernel's CPU-time limit (SIGXCPU) dumps every
    thread's stack and ends the process: a loud failure instead of a CI job that never ends.
    """
    if os.name != "posix" or sys.platform == "win32":  # pragma: no cover
        yield
        return
    import resource  # POSIX only

    def over(signum: int, frame: object) -> None:
        raise TookTooLong(f"took more than {seconds:.0f} s of CPU time")

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    watchdog = math.ceil(usage.ru_utime + usage.ru_stime + seconds * 3)
    if hard != resource.RLIM_INFINITY:
        watchdog = min(watchdog, hard)
    faulthandler.register(signal.SIGXCPU, all_threads=True, chain=True)  # then its default: end
    resource.setrlimit(resource.RLIMIT_CPU, (watchdog, hard))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        faulthandler.unregister(signal.SIGXCPU)


# -- executable content -------------------------------------------------------------------

# Elements that run code, load other documents, change how URLs resolve or submit data.
# None is in the theme but the search page's controls (SEARCH_CONTROLS), and the sanitiser's
# allow-list keeps them out of bodies.
FORBIDDEN_TAGS = frozenset({
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
    "input", "button", "textarea", "select", "option", "style", "svg", "math", "template",
    "portal", "noembed", "noframes", "xmp", "plaintext", "listing", "marquee",
    "isindex", "keygen", "xml", "import", "image", "animate", "set", "handler", "layer",
    "ilayer", "bgsound", "audio", "video", "source", "track", "canvas", "dialog",
})
# The search page's own form, box and "more results" button (templates/search.html): allowed
# there only, a page that shows no article body. The form submits nothing (the script
# handles it; the policy's form-action 'self' is for the 404 page's search form, which goes
# to this page).
SEARCH_PAGE = "search/index.html"
SEARCH_CONTROLS = frozenset({"form", "input", "button"})
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
    "cite", "codebase", "longdesc", "lowsrc", "dynsrc", "ping", "manifest", "icon",
    "profile", "usemap", "archive", "classid", "srcset", "imagesrcset", "itemtype", "to",
    "from", "values", "by", "attributename",
})
# The only scripts the theme has (search, the scheme toggle, the reader's controls),
# root-relative on the site's own host.
THEME_SCRIPT = re.compile(r"^/(?:[^/:]+/)*static/js/(?:search|theme|reader)\.js$")
# The theme's own controls, each by its exact shape: the dark-mode toggle, the copy, sort and
# filter controls, the follow box's read-only address and the 404 page's search form. Content
# never carries them (the sanitiser drops forms, inputs and buttons); anything else of
# these tags is still reported.
THEME_BUTTONS = frozenset({"theme-toggle", "copy-button", "sort-button", "search-button"})
THEME_FILTERS = frozenset({"actor-filter", "term-filter", "feed-filter", "not-found-search"})


def theme_control(tag: str, values: dict[str, str]) -> bool:
    """True for one of the theme's own controls or scripts (see ``THEME_BUTTONS``)."""
    if tag == "script":
        src = values.get("src", "")
        return bool(THEME_SCRIPT.search(src)) if src else values.get("type") == "application/ld+json"
    if tag == "button":
        return values.get("class") in THEME_BUTTONS and values.get("type") in ("button", "submit")
    if tag == "input":
        return ((values.get("class") == "follow-url" and "readonly" in values)
                or (values.get("id") in THEME_FILTERS and values.get("type") == "search"))
    if tag == "form":
        return (values.get("class") == "search-form" and values.get("method") == "get"
                and values.get("action", "").endswith("/search/"))
    return False
# What a theme page may legitimately carry in <head>.
LINK_RELS = frozenset({"stylesheet", "alternate", "canonical", "icon", "prev", "next",
                       "license", "author", "manifest", "preload"})
META_HTTP_EQUIV = frozenset({"content-security-policy", "refresh"})
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:", "jar:",
               "filesystem:", "blob:", "feed:", "view-source:", "jscript:", "ms-its:",
               "mhtml:", "res:", "wyciwyg:")
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))


def url_is_dangerous(value: str) -> bool:
    """True for a URL a browser would run, or load as a document of the attacker's making.

    The HTML parsers have already decoded entities; then, as the WHATWG URL parser does, C0
    controls and spaces are trimmed from both ends, tabs and newlines are removed everywhere,
    and the scheme is compared without case. (Inner spaces or other controls make the text a
    relative URL, which is harmless: ``java script:x`` is a path.)
    """
    candidates = [value]
    if "," in value:  # srcset: several URLs
        candidates += [part.strip().split(" ")[0] for part in value.split(",")]
    for candidate in candidates:
        url = _TAB_OR_NEWLINE.sub("", candidate.strip(_C0_OR_SPACE))
        if url.lower().startswith(BAD_SCHEMES):
            return True
    return False


def check_element(tag: str, attrs: Iterable[tuple[str, str | None]], where: str,
                  allow: frozenset[str] = frozenset()) -> list[str]:
    """Why one element (as parsed) is executable or otherwise forbidden; empty when fine."""
    tag = tag.lower().split(":")[-1]
    problems = []
    attrs = [(name.lower(), value or "") for name, value in attrs]
    values = dict(attrs)
    if theme_control(tag, values):
        pass  # the theme's own scripts, its JSON-LD data block and its controls
    elif tag in FORBIDDEN_TAGS and tag not in allow:
        problems.append(f"{where}: <{tag}> element")
    for name, value in attrs:
        local = name.split(":")[-1]
        if local.startswith("on"):
            problems.append(f"{where}: <{tag} {name}=...> event handler")
        elif name == "style" and "style" in allow:
            if EXECUTABLE_CSS.search(value):
                problems.append(f"{where}: <{tag} style={value[:60]!r}> executable CSS")
        elif name in ("style", "srcdoc", "formaction", "autofocus"):
            problems.append(f"{where}: <{tag} {name}=...> attribute")
        elif (name in URL_ATTRIBUTES or local in URL_ATTRIBUTES) and url_is_dangerous(value):
            problems.append(f"{where}: <{tag} {name}={value[:60]!r}> dangerous URL")
    if tag == "meta":
        equiv = values.get("http-equiv", "").strip().lower()
        if equiv and equiv not in META_HTTP_EQUIV:
            problems.append(f"{where}: <meta http-equiv={equiv!r}>")
        if equiv == "refresh":
            target = values.get("content", "").partition("=")[2].strip(" '\"")
            if url_is_dangerous(target) or not target:
                problems.append(f"{where}: <meta refresh> to {target[:60]!r}")
    if tag == "link":
        rels = set(values.get("rel", "").lower().split())
        if not rels or not rels <= LINK_RELS:
            problems.append(f"{where}: <link rel={values.get('rel')!r}>")
        if "import" in rels or "prefetch" in rels:
            problems.append(f"{where}: <link rel={values.get('rel')!r}> loads a document")
    return problems


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]], tuple[int, int]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs, self.getpos()))


def html_problems(text: str, where: str, allow: frozenset[str] = frozenset()) -> list[str]:
    """Executable or forbidden markup in an HTML document or fragment, seen by two parsers:
    Python's tokenizer, and libxml2's HTML parser with its own error recovery."""
    problems = []
    collector = _Collector()
    collector.feed(text)
    collector.close()
    for tag, attrs, (line, _col) in collector.elements:
        problems += check_element(tag, attrs, f"{where}:{line}", allow)
    if text.strip():
        try:
            root = lxml.html.document_fromstring(text) if "<html" in text[:500].lower() \
                else lxml.html.fragment_fromstring(text, create_parent="div")
        except (lxml.etree.ParserError, ValueError):
            root = None
        if root is not None:
            for element in root.iter():
                if isinstance(element.tag, str):
                    problems += check_element(element.tag, element.attrib.items(),
                                              f"{where}:{element.sourceline}", allow)
    # Belt and braces: the raw text must not even contain the opening of a script element or
    # an event-handler attribute inside a tag, whatever a parser made of it.
    for match in re.finditer(r"<\s*(script(?![^>]*\bsrc=\"/[^\"]*(?:search|theme|reader)\.js\")"
                             r"(?! type=\"application/ld\+json\">)"
                             r"|iframe|object|embed|base|svg|math|style)\b", text, re.IGNORECASE):
        if match.group(1).lower() != "style" or "style" not in allow:
            problems.append(f"{where}: raw <{match.group(1)}")
    if "style" in allow:
        blocks = re.findall(r"<style>(.*?)</style>", text, re.DOTALL)
        problems += [f"{where}: executable CSS in <style>" for css in blocks if EXECUTABLE_CSS.search(css)]
    return sorted(set(problems))


ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def xml_problems(data: bytes, where: str) -> list[str]:
    """A feed or sitemap: every HTML payload checked as HTML, every link checked as a URL."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = lxml.etree.fromstring(data, parser)
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            problems.append(f"{where}: processing instruction or comment in a feed")
            continue
        name = lxml.etree.QName(element).localname
        for attr, value in element.attrib.items():
            local = lxml.etree.QName(attr).localname
            if local in ("href", "url", "src", "uri", "scheme") and url_is_dangerous(value):
                problems.append(f"{where}: <{name} {local}={value[:60]!r}>")
        text = element.text or ""
        is_html = (element.get("type") == "html" or element.tag == CONTENT_ENCODED
                   or (name == "description" and element.getparent() is not None
                       and lxml.etree.QName(element.getparent()).localname == "item"))
        if is_html:
            problems += html_problems(text, f"{where}<{name}>")
        elif element.get("type") == "xhtml":
            problems += html_problems(lxml.etree.tostring(element, encoding="unicode"),
                                      f"{where}<{name}>")
        if name in ("link", "loc", "docs", "comments", "uri", "icon", "logo") and \
                url_is_dangerous(text):
            problems.append(f"{where}: <{name}>{text[:60]!r}")
    return problems


JSON_URL_KEYS = frozenset({"url", "external_url", "home_page_url", "feed_url", "next_url",
                           "icon", "favicon", "avatar", "image", "banner_image"})


def json_problems(data: bytes, where: str) -> list[str]:
    problems = []

    def walk(value: object, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            if key in JSON_URL_KEYS and url_is_dangerous(value):
                problems.append(f"{where}: {key}={value[:60]!r}")
            if key == "content_html":
                problems.extend(html_problems(value, f"{where}[content_html]"))

    walk(json.loads(data.decode("utf-8")), "")
    return problems


EMAIL_PAGE = re.compile(r"editions/[^/]+/email\.html")
# Edition emails need their styles inline (mail clients read nothing else): ``style``
# attributes and blocks are allowed there, when they hold CSS that neither runs nor loads.
STYLED = frozenset({"style"})
EXECUTABLE_CSS = re.compile(r"expression\s*\(|javascript:|(?<![-\w])behavior\s*:|-moz-binding|@import|url\s*\(",
                            re.IGNORECASE)


def output_problems(files: Iterable[OutputFile]) -> list[str]:
    """Every page, feed and JSON file of a built site, parsed and checked."""
    problems = []
    for item in files:
        if item.path.endswith(".html"):
            allow = SEARCH_CONTROLS if item.path == SEARCH_PAGE else STYLED if EMAIL_PAGE.fullmatch(item.path) \
                else frozenset()
            problems += html_problems(item.content.decode("utf-8"), item.path, allow)
        elif item.path.endswith(".xml"):
            problems += xml_problems(item.content, item.path)
        elif item.path.endswith(".json"):
            problems += json_problems(item.content, item.path)
        elif item.path.endswith(".css") and re.search(
                rb"expression\s*\(|javascript:|(?<![-\w])behavior\s*:|-moz-binding",
                item.content, re.IGNORECASE):
            problems.append(f"{item.path}: executable CSS")
    return problems


# -- paths ---------------------------------------------------------------------------------

_WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                               *(f"LPT{i}" for i in range(1, 10))})


def unsafe_output_path(path: str) -> str | None:
    """Why an ``OutputFile.path`` could land outside the output folder or break on some file
    system; None when it is a plain relative POSIX path."""
    import posixpath

    if not path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return "absolute"
    if "\\" in path or "\0" in path or any(ord(ch) < 0x20 for ch in path):
        return "backslash or control character"
    if posixpath.normpath(path) != path:
        return "not normalised"
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "empty, `.` or `..` segment"
    if any(part.split(".")[0].upper() in _WINDOWS_RESERVED for part in parts):
        return "reserved name on Windows"
    if any(part.endswith((" ", ".")) for part in parts):
        return "segment ending in a space or dot (Windows drops them)"
    return None
