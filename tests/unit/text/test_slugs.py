"""Slug policies as a named table: what each policy makes of a title, and which slugs are unsafe."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.text.slugs import MAX_LENGTH, POLICIES, check_slug, make_slug

# (title, unicode policy, ascii policy)
TABLE = [
    ("مُحَمَّد", "محمد", "mhmd"),  # tashkeel stripped first, not م-ح-م-د
    ("محمـــد", "محمد", "mhmd"),  # tatweel
    ("مُحمّد", "محمد", "mhmd"),  # another vowelling, the same slug
    ("ﻣﺤﻤﺪ", "محمد", "mhmd"),  # presentation forms
    ("الأمم المتحدة تعقد قمة طارئة", "الأمم-المتحدة-تعقد-قمة-طارئة", "lmm-lmthd-t-qd-qm-try"),
    ("قمة G20 في ريو", "قمة-g20-في-ريو", "qm-g20-fy-ryw"),
    ("٢٠٢٦ عام", "٢٠٢٦-عام", "2026-m"),
    ("Hello, World!", "hello-world", "hello-world"),
    ("Ça va? Straße", "ça-va-straße", "ca-va-strasse"),
    ("a/b\\c", "a-b-c", "a-b-c"),
    ("  spaced   out  ", "spaced-out", "spaced-out"),
    ("مرحبا 😀", "مرحبا", "mrhb"),
]


@pytest.mark.parametrize(("title", "unicode_slug", "ascii_slug"), TABLE)
def test_policy_table(title, unicode_slug, ascii_slug):
    assert make_slug(title, "unicode") == unicode_slug
    assert make_slug(title, "ascii") == ascii_slug


def test_the_default_policy_is_unicode():
    assert make_slug("مُحَمَّد") == "محمد"


@pytest.mark.parametrize("title", ["", "   ", "!!!", "..", "،؟"])
@pytest.mark.parametrize("policy", POLICIES)
def test_nothing_sluggable_gives_a_stable_hash(title, policy):
    expected = "item-" + hashlib.sha256(title.encode("utf-8")).hexdigest()[:10]
    assert make_slug(title, policy) == expected


@pytest.mark.parametrize(("title", "stem"), [("CON", "con"), ("nul", "nul"), ("Com1", "com1"), ("LPT9", "lpt9")])
def test_reserved_windows_names_are_never_made(title, stem):
    slug = make_slug(title, "ascii")
    assert slug.startswith(stem + "-") and check_slug(slug) is None


def test_unicode_slugs_are_nfc():
    decomposed = unicodedata.normalize("NFD", "Élysée")
    assert make_slug(decomposed, "unicode") == unicodedata.normalize("NFC", "élysée")


def test_long_titles_are_cut_at_a_word():
    slug = make_slug(" ".join(["كلمة"] * 40), "unicode")
    assert len(slug) <= MAX_LENGTH
    assert slug.endswith("كلمة")


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="unknown slug policy 'latin'"):
        make_slug("x", "latin")


@pytest.mark.parametrize(("slug", "problem"), [
    ("", "a slug must not be empty, `.` or `..`"),
    (".", "a slug must not be empty, `.` or `..`"),
    ("..", "a slug must not be empty, `.` or `..`"),
    ("a/b", "a slug must not contain '/' (use letters, digits and `-`)"),
    ("../etc", "a slug must not contain '/' (use letters, digits and `-`)"),
    ("a\\b", "a slug must not contain '\\\\' (use letters, digits and `-`)"),
    ("a\0b", "a slug must not contain '\\x00' (use letters, digits and `-`)"),
    ("a b", "a slug must not contain ' ' (use letters, digits and `-`)"),
    ("a\u200fb", "a slug must not contain '\\u200f' (use letters, digits and `-`)"),
    ("a:b", "a slug must not contain ':' (use letters, digits and `-`)"),
    ("a?b", "a slug must not contain '?' (use letters, digits and `-`)"),
    ("a#b", "a slug must not contain '#' (use letters, digits and `-`)"),
    ("a%20b", "a slug must not contain '%' (use letters, digits and `-`)"),
    ("CON", "`CON` is a reserved file name on Windows"),
    ("con", "`con` is a reserved file name on Windows"),
    ("nul.md", "`nul.md` is a reserved file name on Windows"),
    ("LPT1", "`LPT1` is a reserved file name on Windows"),
    ("x" * 201, "a slug must be at most 200 bytes in UTF-8 (this one is 201; an Arabic letter takes two)"),
    ("ا" * 101, "a slug must be at most 200 bytes in UTF-8 (this one is 202; an Arabic letter takes two)"),
])
def test_check_slug_rejects(slug, problem):
    assert check_slug(slug) == problem


@pytest.mark.parametrize("slug", ["ok", "قمة-الأمم", "2026.11.27", "console", "con-1", "a_b", "x" * 200])
def test_check_slug_accepts(slug):
    assert check_slug(slug) is None


@given(st.text(), st.sampled_from(POLICIES))
def test_every_made_slug_is_safe_and_stable(text, policy):
    slug = make_slug(text, policy)
    assert check_slug(slug) is None
    assert slug == make_slug(text, policy)
    assert slug == unicodedata.normalize("NFC", slug)
    if policy == "ascii":
        assert slug.isascii()
