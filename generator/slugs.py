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

from generator.normalize import strip_tashkeel

MAX_LENGTH = 80
POLICIES = ("unicode", "ascii")


def make_slug(text: str, policy: str = "unicode") -> str:
    """A URL-safe, filesystem-safe slug; never empty, never a dot-path."""
    if policy not in POLICIES:
        raise ValueError(f"unknown slug policy {policy!r}")
    clean = strip_tashkeel(text)
    slug = slugify(clean, allow_unicode=policy == "unicode", max_length=MAX_LENGTH,
                   word_boundary=True, save_order=True)
    slug = unicodedata.normalize("NFC", slug).strip("-.")
    if not slug or check_slug(slug):
        # Nothing sluggable (e.g. only punctuation or a script the transliterator drops), or a
        # name Windows reserves (a title "Con" gives `con`): add a short stable hash rather than
        # leave an empty, colliding or uncopyable name.
        slug = f"{slug or 'item'}-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return slug


def check_slug(slug: str) -> str | None:
    """Why an explicit ``slug:`` is unsafe as a single path segment, or None when it is fine."""
    if not slug or slug in (".", ".."):
        return "a slug must not be empty, `.` or `..`"
    bad = [ch for ch in slug if ch in '/\\:*?"<>|#%' or unicodedata.category(ch)[0] in "CZ"]
    if bad:
        return f"a slug must not contain {bad[0]!r} (use letters, digits and `-`)"
    if len(slug) > 200:
        return "a slug must be at most 200 characters"
    if slug.split(".")[0].upper() in _RESERVED:
        return f"`{slug}` is a reserved file name on Windows"
    return None


_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))})
