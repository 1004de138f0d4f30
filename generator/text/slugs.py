"""Slug policies.

``unicode`` keeps Arabic letters in URLs (readable, shareable, and what Arabic sites use);
``ascii`` transliterates for hosts or tools that cannot cope. Short vowels and tatweel are
stripped first: python-slugify treats tashkeel as word breaks (مُحَمَّد would become م-ح-م-د),
and two spellings of one title differing only in vowels must give one slug.
"""

from __future__ import annotations

import hashlib
import unicodedata

from slugify import slugify

from generator.text.normalize import strip_tashkeel

MAX_LENGTH = 80  # characters of a slug made from a title
# Bytes of UTF-8 in any slug. File systems allow 255 bytes in a name, not 255 characters (an
# Arabic letter takes two, a Chinese one three), and the writer adds its own temporary
# suffixes to names; 200 leaves room for them.
MAX_BYTES = 200
POLICIES = ("unicode", "ascii")
# Files the site writes beside the slug folders (``actors/index.html``) or anywhere: a slug
# with one of these names would make that file a folder.
SITE_FILES = frozenset({"index.html", "index.json", "atom.xml", "rss.xml", "feed.json",
                        "sitemap.xml", "robots.txt", "404.html", "urls.json", "_redirects"})


def make_slug(text: str, policy: str = "unicode") -> str:
    """A URL-safe, filesystem-safe slug; never empty, never a dot-path."""
    if policy not in POLICIES:
        raise ValueError(f"unknown slug policy {policy!r}")
    clean = strip_tashkeel(text)
    slug = slugify(clean, allow_unicode=policy == "unicode", max_length=MAX_LENGTH,
                   word_boundary=True, save_order=True)
    slug = fit_bytes(unicodedata.normalize("NFC", slug), MAX_BYTES).strip("-.")
    if not slug or check_slug(slug):
        # Nothing sluggable (e.g. only punctuation or a script the transliterator drops), or a
        # name Windows reserves (a title "Con" gives `con`): add a short stable hash rather than
        # leave an empty, colliding or uncopyable name.
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        slug = f"{fit_bytes(slug, MAX_BYTES - 11) or 'item'}-{digest}"
    return slug


def fit_bytes(slug: str, limit: int) -> str:
    """``slug`` cut to at most ``limit`` bytes of UTF-8, at the last `-` within the limit (a
    word boundary), or between characters for one long word."""
    data = slug.encode("utf-8")
    if len(data) <= limit:
        return slug
    head = data[:limit].decode("utf-8", "ignore")
    cut = head.rfind("-")
    return (head[:cut] if cut > 0 else head).strip("-.")


def check_slug(slug: str) -> str | None:
    """Why an explicit ``slug:`` is unsafe as a single path segment, or None when it is fine."""
    if not slug or slug in (".", ".."):
        return "a slug must not be empty, `.` or `..`"
    bad = [ch for ch in slug if ch in '/\\:*?"<>|#%' or unicodedata.category(ch)[0] in "CZ"]
    if bad:
        return f"a slug must not contain {bad[0]!r} (use letters, digits and `-`)"
    size = len(slug.encode("utf-8"))
    if size > MAX_BYTES:
        return (f"a slug must be at most {MAX_BYTES} bytes in UTF-8 (this one is {size}; an "
                "Arabic letter takes two)")
    if slug.startswith(".") or slug.endswith("."):
        return "a slug must not start or end with `.` (hidden, or dropped on Windows)"
    if slug.split(".")[0].upper() in _RESERVED:
        return f"`{slug}` is a reserved file name on Windows"
    if slug.casefold() in SITE_FILES:
        return f"`{slug}` is the name of a file the site writes itself"
    return None


_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))})
