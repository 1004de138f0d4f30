"""Absolute URLs inside feed content.

A page resolves ``<img src="../x.png">`` against its own address; a feed reader showing the
same HTML has no such address (the entry may be read offline, in an e-mail, or re-published),
so every relative ``href``/``src``/``cite``/``poster``/``srcset`` in feed content is resolved
here against the article's permalink: exactly what the browser does on the article page, so
root-relative (``/digest/x``), relative (``../x``) and fragment (``#fn:1``) links all end up
where they point on the site.

The input is sanitiser output (well-formed, comments stripped, ``<`` in text escaped), so a tag
pattern that honours quoted attribute values finds every tag without a full HTML parser, and
only the URL values change: the rest of the markup is passed through byte for byte.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "action", "longdesc"})

_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
_ATTRIBUTE = re.compile(rf"""(\s)([^\s"'>/=]+)(\s*=\s*)({_VALUE})""")
# Tags with at least one attribute: only those can hold a URL, and a body's many bare tags
# (``<p>``, ``<strong>``...) are passed over in C rather than handed to a Python call each.
_TAG = re.compile(rf"""<[A-Za-z][^\s/>]*(?:\s+[^\s"'>/=]+(?:\s*=\s*{_VALUE})?)+\s*/?>""")


def absolute_url(page_url: str, url: str) -> str:
    """``url`` resolved against ``page_url``; absolute URLs (any scheme) are left alone."""
    stripped = url.strip()
    if not stripped or urlsplit(stripped).scheme:
        return url
    return urljoin(page_url, stripped)


def _srcset(page_url: str, value: str) -> str:
    candidates = []
    for candidate in value.split(","):
        parts = candidate.strip().split(None, 1)
        if not parts:
            continue
        parts[0] = absolute_url(page_url, parts[0])
        candidates.append(" ".join(parts))
    return ", ".join(candidates)


def _rewrite_value(page_url: str, name: str, quoted: str) -> str:
    quote = quoted[0] if quoted[0] in "\"'" else ""
    raw = quoted[1:-1] if quote else quoted
    value = html.unescape(raw)
    new = _srcset(page_url, value) if name == "srcset" else absolute_url(page_url, value)
    if new == value:
        return quoted
    escaped = html.escape(new, quote=True)
    return f'"{escaped}"'


def _rewrite_tag(page_url: str, tag: str) -> str:
    def attribute(match: re.Match[str]) -> str:
        space, name, equals, value = match.groups()
        lowered = name.lower()
        if lowered in _URL_ATTRIBUTES or lowered == "srcset":
            value = _rewrite_value(page_url, lowered, value)
        return f"{space}{name}{equals}{value}"

    return _ATTRIBUTE.sub(attribute, tag)


def absolutize_html(fragment: str, page_url: str) -> str:
    """``fragment`` with every relative URL attribute made absolute against ``page_url``."""
    return _TAG.sub(lambda match: _rewrite_tag(page_url, match.group(0)), fragment)
