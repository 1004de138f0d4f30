"""Text normalisation for matching (actors, boilerplate, search), never for display.

Arabic spelling varies in ways readers ignore: short vowels (tashkeel), tatweel stretching,
hamza seats on alef, final ya/alef maqsura, ta marbuta/ha, Persian letter forms, invisible
bidi and joiner controls pasted from web pages. The *match form* erases all of them, and
folds Latin case and accents, so one comparison covers every spelling. ZWNJ is kept: in
Persian and Kurdish it separates morphemes and its loss would merge words.
"""

from __future__ import annotations

import re
import unicodedata

from generator.text.arabic import LETTER_FOLDS, TASHKEEL, TATWEEL

ZWNJ = "\u200c"

_SPACES = re.compile(r"\s+")


def _dropped() -> dict[int, None]:
    """Combining marks (tashkeel, accents, hamza above/below) and format controls but ZWNJ.

    Built once over the Basic Multilingual Plane as a translate table: a per-character
    category test in Python was the build's hottest loop.
    """
    drop = {}
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        if category == "Mn" or (category == "Cf" and chr(code) != ZWNJ):
            drop[code] = None
    return drop


# Arabic letters NFKD does not fold by itself (generator.text.arabic says why each is folded).
_TABLE = str.maketrans({**_dropped(), **{ord(k): v or None for k, v in LETTER_FOLDS.items()}})


def match_form(text: str) -> str:
    """The normalised form used to compare text; idempotent.

    It works word by word: the form of a text is the forms of its whitespace-separated words
    joined by single spaces, empty ones left out (no space folds away, nothing composes
    across one), so a caller may remember forms per word.
    """
    folded = unicodedata.normalize("NFKD", text).casefold().translate(_TABLE)
    return unicodedata.normalize("NFC", _SPACES.sub(" ", folded).strip())


_TASHKEEL = re.compile(f"[{TASHKEEL}{TATWEEL}]")


def strip_tashkeel(text: str) -> str:
    """Remove short vowels and tatweel but keep every letter as written (for slugs, display keys)."""
    return unicodedata.normalize("NFC", _TASHKEEL.sub("", unicodedata.normalize("NFC", text)))
