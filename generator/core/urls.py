"""The URL scheme, in one place.

Pages live in folders with an ``index.html`` (``articles/<slug>/``) so URLs are clean on every
static host. Links inside pages are root-relative and carry the base URL's path, so a site
built for ``https://example.org/digest/`` works under ``/digest/``; feeds, sitemaps and
canonical links are absolute. Non-ASCII path segments are percent-encoded in links (the file
names on disk stay in Unicode, which is what static servers decode requests to).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import cache, lru_cache
from urllib.parse import urljoin

# The characters ``urllib.parse.quote`` never encodes (RFC 3986's unreserved characters).
_ALWAYS_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


_PATH_SAFE = "/#?=&%"
# What ``quote(path, safe=_PATH_SAFE)`` writes for each byte of the path's UTF-8, indexed by
# the byte: ``quote`` looks each byte up in Python, 5-10 µs for an Arabic path, and the
# sitemap alone encodes every page's path (a fifth of a second at 10,000 articles).
_QUOTED_BYTES = tuple(chr(byte) if chr(byte) in _ALWAYS_SAFE + _PATH_SAFE else f"%{byte:02X}" for byte in range(256))


def quote_path(path: str) -> str:
    """Percent-encode a site-relative path, leaving ``/`` and ``#`` fragment intact. Each
    character is encoded on its own, so the encoding of two paths joined is the two
    encodings joined (``article_view`` encodes an article's path once for both its links).
    As ``quote(path, safe="/#?=&%")``, byte for byte (tests/unit/core holds the two equal):
    a path of ASCII and Arabic letters (every slug mawjaz makes) by one ``str.translate`` of
    its characters (``_quoted_characters``), any other by one of its UTF-8 bytes read as
    Latin-1 (one character per byte), which looks up twice as many entries."""
    if path.isascii() and not path.strip(_ALWAYS_SAFE + _PATH_SAFE):
        return path
    quoted = path.translate(_quoted_characters())
    if quoted.isascii():  # every character was in the table: one not in it is left as it is
        return quoted
    return path.encode("utf-8").decode("latin-1").translate(_QUOTED_BYTES)


# The blocks of ``_quoted_characters``: ASCII, Arabic, Arabic Supplement, Arabic Extended-A,
# the presentation forms, and the joiners and direction marks (U+200C-U+200F).
_TABLE_BLOCKS = ((0, 0x80), (0x600, 0x700), (0x750, 0x780), (0x8A0, 0x900), (0xFB50, 0xFE00), (0xFE70, 0xFF00),
                 (0x200C, 0x2010))


@cache
def _quoted_characters() -> dict[int, str]:
    """Each character of ``_TABLE_BLOCKS`` as ``quote_path`` writes it (its UTF-8 bytes,
    each as ``_QUOTED_BYTES`` says): made once, when the first path with a character
    outside ASCII's safe ones is encoded (12,700 Arabic paths in 0.04 s rather than 0.07 s)."""
    return {code: "".join(_QUOTED_BYTES[byte] for byte in chr(code).encode("utf-8"))
            for start, end in _TABLE_BLOCKS for code in range(start, end)}


@lru_cache(maxsize=4096)  # the paths many pages link (actors, feeds, the theme); not every article's
def encode_path(path: str) -> str:
    """``quote_path``, remembered for the paths many pages link."""
    return quote_path(path)


def site_path(base_path: str, path: str) -> str:
    """Root-relative link such as ``/digest/articles/%D8%A7/`` for ``articles/ا/``."""
    return encode_path(base_path + path.lstrip("/"))


def absolute(base_url: str, path: str, quoted: str | None = None) -> str:
    """Absolute URL for feeds, sitemaps and canonical links. ``quoted``: ``path`` (without
    leading slashes) already encoded, when the caller has it."""
    relative = path.lstrip("/")
    encoded = encode_path(relative) if quoted is None else quoted
    if base_url.endswith("/") and "./" not in relative and relative not in (".", ".."):
        return base_url + encoded  # the common case, without urljoin's parsing
    return urljoin(base_url, encoded)


def output_file_for(path: str) -> str:
    """The file that serves a URL path: folders get ``index.html``."""
    return path + "index.html" if path.endswith("/") or path == "" else path


# --- article permalinks ----------------------------------------------------------------------
#
# An article's URL is made from the digest's ``permalink`` pattern. The pattern is the only
# place a digest says what its URLs look like, and ``permalink`` below the only function that
# fills it in: pages, feeds, the sitemap, actor data, editions and the redirects all take an
# article's path from there (through ``Article.url_path``).

DEFAULT_PERMALINK = "/articles/{slug}/"  # a digest without the setting: the URLs it always had
DATED_PERMALINK = "/{year}/{month}/{day}/{slug}/"  # what `mawjaz new` writes
PERMALINK_FIELDS = ("year", "month", "day", "slug", "id")
# Top-level folders the site writes itself (and `mawjaz serve`'s own): no article may take one.
SITE_FOLDERS = frozenset({"actors", "archive", "editions", "feeds", "search", "sources", "static",
                          "topics", "search-index", "__mawjaz"})
MAX_SEGMENT_BYTES = 200  # as ``text.slugs.MAX_BYTES``: file systems allow 255 bytes in a name
_FIELD = re.compile(r"\{([^{}]*)\}")


def permalink(pattern: str, slug: str, ident: str, when: datetime) -> str:
    """The path below the site root (no leading ``/``, ending in ``/``) of the article with
    this slug, id and date, under a checked ``pattern`` (see ``permalink_problem``). ``when``
    must already be in the site's time zone: the day in a URL is the day a reader of the
    digest saw. Digits are ASCII whatever the site's ``digits``: a URL is typed, not read."""
    template, dated = _template(pattern)
    if not dated:
        return template.format(slug=slug, id=ident)
    return template.format(year=f"{when.year:04d}", month=f"{when.month:02d}", day=f"{when.day:02d}",
                           slug=slug, id=ident)


@lru_cache(maxsize=64)
def _template(pattern: str) -> tuple[str, bool]:
    """A checked ``pattern`` as a ``str.format`` template of its path (no leading ``/``), and
    whether it uses the date. Every page that links an article asks for its URL, a large
    digest's build hundreds of thousands of times: substituting the fields with a pattern
    match each time took a tenth of a second of a 50,000-article edit."""
    parts = _FIELD.split(pattern.lstrip("/"))  # literal text, field name, literal text...
    literal = [part.replace("{", "{{").replace("}", "}}") for part in parts[::2]]
    fields = parts[1::2]
    template = "".join(text + (f"{{{fields[i]}}}" if i < len(fields) else "") for i, text in enumerate(literal))
    return template, not {"year", "month", "day"}.isdisjoint(fields)


def normal_permalink(pattern: str) -> str:
    """A checked pattern as the settings keep it: with a leading ``/``, like the paths it makes."""
    return pattern if pattern.startswith("/") else "/" + pattern


def permalink_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a ``permalink``, or None. Only the five fields may appear,
    the article must be told apart by its slug or id, and the literal text must make plain
    folder names that stay inside the site."""
    example = f"such as `{DATED_PERMALINK}`"
    names = _FIELD.findall(pattern)
    unknown = next((name for name in names if name not in PERMALINK_FIELDS), None)
    if unknown is not None:
        known = ", ".join(f"`{{{name}}}`" for name in PERMALINK_FIELDS)
        return f"`permalink` may use {known}, not `{{{unknown}}}`"
    if "{" in _FIELD.sub("", pattern) or "}" in _FIELD.sub("", pattern):
        return f"`permalink` has a `{{` or `}}` that opens or closes no field ({example})"
    if "slug" not in names and "id" not in names:
        return f"`permalink` must contain `{{slug}}` or `{{id}}`, so that every article has its own URL ({example})"
    if not pattern.endswith("/"):
        return f"`permalink` must end with `/`: every article is a folder with its page in it ({example})"
    segments = pattern.strip("/").split("/")
    for segment in segments:
        problem = _segment_problem(_FIELD.sub("x", segment))
        if problem:
            return f"`permalink`: {problem}"
    first = segments[0].casefold()
    if first in SITE_FOLDERS:
        return f"`permalink` must not start with `/{segments[0]}/`, a folder the site makes for its own pages"
    return None


def _segment_problem(segment: str) -> str | None:
    if segment in ("", ".", ".."):
        return "a folder name may not be empty, `.` or `..`"
    if segment.startswith("."):
        return f"`{segment}` would be a hidden folder"
    bad = next((ch for ch in segment if not (ch in "-_.~" or unicodedata.category(ch)[0] in "LN")), None)
    if bad is not None:
        return f"`{bad}` has no place in a folder name (use letters, digits, `-`, `_` and `.`)"
    if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
        return f"a folder name must be at most {MAX_SEGMENT_BYTES} bytes of UTF-8"
    return None
