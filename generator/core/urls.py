"""The URL scheme, in one place.

Pages live in folders with an ``index.html`` (``articles/<slug>/``) so URLs are clean on every
static host. Links inside pages are root-relative and carry the base URL's path, so a site
built for ``https://example.org/digest/`` works under ``/digest/``; feeds, sitemaps and
canonical links are absolute. Non-ASCII path segments are percent-encoded in links (the file
names on disk stay in Unicode, which is what static servers decode requests to).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote, urljoin


def quote_path(path: str) -> str:
    """Percent-encode a site-relative path, leaving ``/`` and ``#`` fragment intact. Each
    character is encoded on its own, so the encoding of two paths joined is the two
    encodings joined (``article_view`` encodes an article's path once for both its links)."""
    return quote(path, safe="/#?=&%")


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
