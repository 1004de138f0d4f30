"""Text normalisation for matching (actors, boilerplate, search), never for display.

Arabic spelling varies in ways readers ignore: short vowels (tashkeel), tatweel stretching,
hamza seats on alef, final ya/alef maqsura, ta marbuta/ha, Persian letter forms, invisible
bidi and joiner controls pasted from web pages. The *match form* erases all of them, and
folds Latin case and accents, so one comparison covers every spelling. ZWNJ is kept: in
Persian and Kurdish it separates morphemes and its loss would merge words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from generator.text.arabic import LETTER_FOLDS, TASHKEEL, TATWEEL

ZWNJ = "\u200c"

_SPACES = re.compile(r"\s+")


def _is_dropped(char: str) -> bool:
    """Combining marks (tashkeel, accents, hamza above/below) and format controls but ZWNJ."""
    category = unicodedata.category(char)
    return category == "Mn" or (category == "Cf" and char != ZWNJ)


# The tables below are built on first use, not on import: together they take longer than
# everything else a build does when nothing changed, and such a build normalises nothing.
@functools.cache
def _fold_table() -> dict[int, str | None]:
    """The dropped characters over the Basic Multilingual Plane, and the Arabic letters NFKD
    does not fold by itself (generator.text.arabic says why each is folded), as a translate
    table: a per-character category test in Python was the build's hottest loop."""
    drop = {code: None for code in range(0x10000) if _is_dropped(chr(code))}
    return str.maketrans({**drop, **{ord(k): v or None for k, v in LETTER_FOLDS.items()}})


def _fold(text: str) -> str:
    """``text`` through ``_fold_table`` without building it (for a few characters)."""
    return "".join(LETTER_FOLDS.get(c, "" if ord(c) < 0x10000 and _is_dropped(c) else c) for c in text)


# Every normalisation form sorts each run of combining marks by class, in time quadratic in
# the run: a body of 2 MB of tashkeel alone took minutes per call. Real text has a few marks
# per letter, so a run longer than Unicode's stream-safe limit (UAX #15: 30 non-starters) gets
# U+034F COMBINING GRAPHEME JOINER after every 30, as that format does: a starter, it ends the
# run, and it is dropped from match forms like every mark. Text with no such run is untouched.
MAX_MARK_RUN = 30
_JOINER = "\u034f"


def _non_starters() -> str:
    """The characters with a canonical combining class, and those whose decomposition begins
    with one (all below U+20000: planes 2 and up hold no marks)."""
    def leads_with_mark(char: str) -> bool:
        return bool(unicodedata.decomposition(char)
                    and unicodedata.combining(unicodedata.normalize("NFKD", char)[0]))

    chars = (chr(code) for code in range(0x20000))
    return "".join(re.escape(c) for c in chars if unicodedata.combining(c) or leads_with_mark(c))


@functools.cache
def non_starter_class() -> str:
    """A regex character class of ``_non_starters``."""
    return f"[{_non_starters()}]"


@functools.cache
def _mark_run() -> re.Pattern[str]:
    return re.compile(f"{non_starter_class()}{{{MAX_MARK_RUN}}}(?={non_starter_class()})")


# Blocks holding no non-starter (``_non_starters``; tests/unit/text/test_normalize.py checks
# every character): Latin to the spacing modifiers, Greek and Cyrillic without their marks,
# the Arabic letters and digits, Latin and Greek Extended, General Punctuation.
_STARTERS = "\x00-\u02ff\u0370-\u0482\u048a-\u052f\u0621-\u064a\u0660-\u066f\u0671-\u06d3\u1e00-\u206f"
# A run of marks longer than the limit is a run of that many characters outside those
# blocks: looked for first, it spares a process the class of every non-starter, made from
# the 130,000 characters below U+20000 (about 30 ms) and needed only when such a run is found.
_MAYBE_MARK_RUN = re.compile(f"[^{_STARTERS}]{{{MAX_MARK_RUN + 1}}}")


def stream_safe(text: str) -> str:
    """``text`` with no run of more than MAX_MARK_RUN combining marks; the same object when
    it has none (the usual case, checked without a regex for short text)."""
    if len(text) <= MAX_MARK_RUN or not _MAYBE_MARK_RUN.search(text) or not _mark_run().search(text):
        return text
    return _mark_run().sub(lambda run: run.group() + _JOINER, text)


# Most news text is written in letters, digits and punctuation whose match form is a fixed
# string of their own, with nothing that reorders, decomposes into a kept mark or composes
# with a neighbour: for a text made only of them (and spaces), the match form is a plain
# ``str.translate``, several times cheaper than the normalisation passes below, which the
# build runs on every word of every article. The blocks searched for such characters: Basic
# Latin, Latin-1, Arabic, Arabic Supplement and Extended-A, General Punctuation.
# tests/unit/text/test_normalize.py holds the shortcut to ``match_form`` on every pair of them.
_SIMPLE_BLOCKS = ((0x21, 0x7E), (0xA1, 0xFF), (0x0600, 0x06FF), (0x0750, 0x077F),
                  (0x08A0, 0x08FF), (0x2010, 0x205E))


def _plain_starter(char: str) -> bool:
    """A character NFC keeps as it is and never joins to the one before it (within the
    blocks above; the test checks the joining part against every canonical composition)."""
    return (not unicodedata.decomposition(char) and not unicodedata.combining(char)
            and unicodedata.category(char)[0] != "M" and not char.isspace())


def _full_form(char: str) -> str | None:
    """The match form of ``char`` wherever it stands among such characters, or None when it
    may depend on its neighbours: its compatibility decomposition may hold marks the match
    form drops, but no mark it keeps (canonical ordering could move one), and what is left
    once folded must be plain starters."""
    parts = unicodedata.normalize("NFKD", char)
    if any(unicodedata.combining(p) and _fold(p.casefold()) for p in parts):
        return None  # a kept mark, which canonical ordering could move
    form = _fold(parts.casefold())
    return form if all(map(_plain_starter, form)) else None


def _simple_table() -> dict[int, str]:
    table = {}
    for first, last in _SIMPLE_BLOCKS:
        for code in range(first, last + 1):
            form = _full_form(chr(code))
            if form is not None:
                table[code] = form
    return table


SIMPLE_FORMS = MappingProxyType(_simple_table())  # code point -> its match form, as above
_SIMPLE_TEXT = re.compile("[\\s" + "".join(re.escape(chr(c)) for c in sorted(SIMPLE_FORMS)) + "]*")
# Every character ``str.isspace`` holds (what ``\s`` matches), none of them in the table.
SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
          "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def translation(table: Mapping[int, str]) -> tuple[str | int, ...]:
    """``table`` for ``str.translate`` over simple texts (``is_simple``): the same
    translation, as a tuple indexed by code point, where every character the table lacks up
    to its last one (spaces included) maps to itself. ``translate`` keeps a character the
    table lacks as it is, but learns that the table lacks it from a ``KeyError``, raised and
    caught for each space of a text (a fifth of the time of translating a line of news); and
    it looks each character up with ``[]``, which a tuple answers without hashing: a line of
    Arabic news translates in three quarters of the time a dictionary takes (6.1 against
    7.9 µs for 215 characters). Past the tuple's end, the ``IndexError`` keeps the character
    too, but simple texts have none there."""
    full = {**{ord(space): ord(space) for space in SPACES}, **table}
    return tuple(full.get(code, code) for code in range(max(full) + 1))


SIMPLE_TRANSLATION = translation(SIMPLE_FORMS)


def is_simple(text: str) -> bool:
    """Whether ``text`` is made only of spaces and characters of ``SIMPLE_FORMS``: its match
    form is then its translation by that table, split and joined by single spaces."""
    return _SIMPLE_TEXT.fullmatch(text) is not None


def match_form(text: str) -> str:
    """The normalised form used to compare text; idempotent.

    It works word by word: the form of a text is the forms of its whitespace-separated words
    joined by single spaces, empty ones left out (no space folds away, nothing composes
    across one), so a caller may remember forms per word.
    """
    if _SIMPLE_TEXT.fullmatch(text):
        return " ".join(text.translate(SIMPLE_TRANSLATION).split())
    return normalised(text)


def normalised(text: str) -> str:
    """``match_form`` by the normalisation passes themselves, for any text."""
    folded = unicodedata.normalize("NFKD", stream_safe(text)).casefold().translate(_fold_table())
    # Marks were dropped, but a run of spacing marks may have closed up again.
    return unicodedata.normalize("NFC", stream_safe(_SPACES.sub(" ", folded).strip()))


_TASHKEEL = re.compile(f"[{TASHKEEL}{TATWEEL}]")


def strip_tashkeel(text: str) -> str:
    """Remove short vowels and tatweel but keep every letter as written (for slugs, display keys)."""
    safe = stream_safe(text)
    stripped = unicodedata.normalize("NFC", _TASHKEEL.sub("", unicodedata.normalize("NFC", safe)))
    return stripped if safe is text else stripped.replace(_JOINER, "")
