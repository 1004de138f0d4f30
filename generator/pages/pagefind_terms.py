"""The terms Pagefind indexes for a record's own words, worked out here the way Pagefind does.

Why: ``generator.pages.search`` leaves out of each record the index-only forms that Pagefind
would find the page by anyway, which is sound only if the term this module gives a word is the
very term Pagefind writes to its index for that word and searches for when a reader types it.
What Pagefind 1.5 does (its ``fossick`` step; checked against the binary, word by word, by
``tests/unit/pages/test_pagefind_terms.py``):

* **The text of the body.** Text nodes are joined as they stand. The elements h1-h6, p, td,
  div, ul, li, article, section and br separate their text from what is around them (Pagefind
  ends a sentence there); an element with an ``id`` starts with a break too (Pagefind notes an
  anchor there) but ends without one; every other tag joins what is on either side of it, so
  ``<th>a</th><th>b</th>`` reads ``ab``. Character references are decoded. (Pagefind's later
  source also breaks at dl, dt and dd; the 1.5 binary does not, and the binary is what counts.)
* **Pieces.** That text is cut at Unicode white space (the ``White_Space`` property, which is
  not Python's ``str.isspace``: U+001C-U+001F are not in it). Each piece gives one *main term*:
  its letters, digits and connector punctuation (``_``, ``‿``…) only, lower-cased, decomposed
  (NFD) with every combining mark dropped (so أ إ آ become ا and tashkeel goes; Pagefind keeps
  the written spelling beside it as a variant of that term), then stemmed by the Snowball
  stemmer of the record's language. A piece with punctuation in it adds terms for its parts; this module
  relies on the main term alone, so those only add to what Pagefind finds.
* **A query word** is made a term the same way in the browser (Pagefind's WebAssembly carries
  the same stemmer) and matches every index term it begins, its own above all.

Where this module cannot be sure it answers None, and the caller keeps the form: a piece
holding a character outside the Unicode blocks checked character by character (Basic Latin,
Latin-1 Supplement, Arabic, Arabic Supplement, General Punctuation; outside them Python's
Unicode tables and Pagefind's may differ), a body with a tag the sanitiser never lets through,
a character reference that is not one the sanitiser writes, a language whose stemmer was not
checked, a Pagefind release that was not.

The stems come from PyStemmer, the Snowball project's Python binding of its C library
(libstemmer), not from its pure-Python port, a hundred times slower. Its ``arabic`` and
``english`` stemmers gave Pagefind's term on every word tried when this was written: the
30,000 most frequent Arabic words of wordfreq with the forms mawjaz makes of them (41,421
words) and the 10,000 most frequent English ones; the test keeps a tenth of them. The first
run of that test is what found the connector punctuation above.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from importlib import metadata
from itertools import filterfalse, islice
from types import MappingProxyType

import Stemmer  # PyStemmer

# Pagefind language code -> Snowball algorithm, for the languages whose terms were checked
# against Pagefind's (the test runs every entry). Others keep the plain rule in ``search``.
STEMMERS = MappingProxyType({"ar": "arabic", "en": "english"})
# Pagefind releases (major.minor) whose tokenising and stemming were checked as said above. On
# any other, every form is kept: an older one may not drop diacritics, a newer one may cut
# words otherwise. The test fails on an installed release missing here, to be checked first.
VERIFIED_PAGEFIND = frozenset({"1.5"})

# Unicode White_Space (PropList.txt): where Pagefind (Rust's ``split_whitespace``) cuts text.
_WHITE_SPACE = re.compile("[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# What Python's ``str.split`` cuts at and White_Space does not (information separators).
_NOT_WHITE = re.compile("[\x1c-\x1f]")
# The blocks whose every character the test runs through Pagefind.
CHECKED_BLOCKS = ((0x00, 0xFF), (0x0600, 0x06FF), (0x0750, 0x077F), (0x2000, 0x206F))
_CHECKED = re.compile("[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in CHECKED_BLOCKS) + "]*")
# The connector punctuation of the checked blocks (category Pc), which Pagefind 1.5 keeps in a
# term with the letters and digits (``كتب_درس`` is one term, not ``كتبدرس``).
_CONNECTORS = frozenset("_\u203f\u2040\u2054")
_UNSEEN = object()  # what the memo gives for a piece not yet seen (None is a known answer)


def _bare_table() -> MappingProxyType[int, str]:
    """What each character of the checked blocks leaves in a term, as a ``str.translate``
    table: letters, digits and connectors lower-cased and decomposed with their marks dropped
    (one at a time gives the same as the whole piece: NFD decomposes each character, its
    reordering moves only the marks dropped), everything else nothing."""
    table = {}
    for first, last in CHECKED_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            kept = unicodedata.category(char)[0] in "LN" or char in _CONNECTORS
            bare = unicodedata.normalize("NFD", char.lower()) if kept else ""
            table[code] = "".join(c for c in bare if unicodedata.category(c)[0] != "M")
    return MappingProxyType(table)


# Elements whose text Pagefind keeps apart from what surrounds it (its sentence elements, br).
_BREAKING = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "td", "div", "ul", "li", "article",
                       "section", "br"})
# Every other element the sanitiser lets through (``content.markup.TAGS``): they join.
_BARE = _bare_table()
_JOINING = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "caption", "cite", "code", "dd", "del", "details",
    "dfn", "dl", "dt", "em", "figcaption", "figure", "hr", "i", "img", "ins", "kbd", "mark", "ol",
    "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "tfoot", "th", "thead", "time", "tr", "u", "var", "wbr",
})
_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--.*?-->""", re.DOTALL)
_ID = re.compile(r"""(?:^|\s)id(?:\s*=|\s|/|$)""", re.IGNORECASE)
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
# The character references the sanitiser writes in text (html5ever's serialiser), and numeric
# ones: both decoders agree on them; anything else leaves the body unread.
_REFERENCE = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|nbsp|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)")


def pagefind_verified(version: str) -> bool:
    """Whether the Pagefind release ``version`` (``1.5.2``) is one this module was checked on."""
    return ".".join(version.split(".")[:2]) in VERIFIED_PAGEFIND


def stemmer_version() -> str:
    """Part of what the forms are made with: another libstemmer may stem otherwise."""
    try:
        return f"PyStemmer {metadata.version('PyStemmer')}"
    except metadata.PackageNotFoundError:
        return "PyStemmer"


class PagefindTerms:
    """Pagefind's terms in one language, remembered: a shard's articles repeat their words.
    One per shard being made (a ``Stemmer`` is not to be shared between threads)."""

    __slots__ = ("_known", "_stem")

    def __init__(self, algorithm: str) -> None:
        stemmer = Stemmer.Stemmer(algorithm)
        stemmer.maxCacheSize = 0  # ``_known`` remembers what is asked again
        self._stem = stemmer.stemWord
        self._known: dict[str, str | None] = {}

    def of_word(self, piece: str) -> str | None:
        """The main term Pagefind indexes for ``piece`` (a run of text without white space),
        which is also the term a query for it looks up; None when unsure or when it has none."""
        term = self._known.get(piece, _UNSEEN)
        if term is _UNSEEN:
            term = self._known[piece] = self._term(piece)
        return term

    def _term(self, piece: str) -> str | None:
        if piece.startswith("___") or not _CHECKED.fullmatch(piece):
            return None  # a Pagefind marker, or characters not checked
        bare = piece.translate(_BARE)
        return (self._stem(bare) or None) if bare else None

    def trim(self, pieces: int) -> None:
        """Remember only the first ``pieces`` pieces learned (see ``search.IndexTexts``)."""
        if len(self._known) > pieces:
            self._known = dict(islice(self._known.items(), pieces))

    def of_record(self, title: str, summary: str, body_html: str) -> set[str]:
        """The main terms Pagefind indexes for a record's title, summary and body (each in an
        element that keeps its text apart); only those this module is sure of."""
        found = set(_split(f"{title} {summary} {body_text(body_html) or ''}"))
        known = self._learn(found)
        terms = set(map(known.__getitem__, found))  # C-level passes: a shard has ~100,000 pieces
        terms.discard(None)
        return terms  # type: ignore[return-value]

    def _learn(self, pieces: Iterable[str]) -> dict[str, str | None]:
        """The memo, holding the term of each of ``pieces``."""
        known, term_of = self._known, self._term
        for piece in set(filterfalse(known.__contains__, pieces)):
            known[piece] = term_of(piece)
        return known


def pagefind_terms(language: str) -> PagefindTerms | None:
    """The terms of ``language`` (a Pagefind language code), or None when its stemmer was not
    checked against Pagefind's."""
    algorithm = STEMMERS.get(language)
    return PagefindTerms(algorithm) if algorithm else None


def _split(text: str) -> list[str]:
    """``text`` cut at White_Space: by ``str.split`` (several times faster than a regular
    expression) unless the text holds one of the four characters it also cuts at."""
    return _WHITE_SPACE.split(text) if _NOT_WHITE.search(text) else text.split()


def pieces(text: str) -> list[str]:
    """``text`` cut where Pagefind cuts it, each piece a word it counts (for the tests, which
    compare positions): Pagefind skips pieces that are only zero-width spaces (U+200B), and
    reads its own markers (``___PAGEFIND_…``) as no word; pieces that could be taken for them
    are left out too."""
    return [piece for piece in _split(text) if piece.strip("\u200b") and not piece.startswith("___")]


def body_text(body_html: str) -> str | None:
    """The text Pagefind reads from a sanitised body, with its breaks (see the module's
    docstring); None when the body holds what the sanitiser never writes."""
    if "data-pagefind" in body_html:
        return None
    parts: list[str] = []
    end = 0
    for tag in _TAG.finditer(body_html):
        parts.append(body_html[end:tag.start()])
        end = tag.end()
        name = tag.group(2)
        if name is None:  # a comment: nothing
            continue
        name = name.lower()
        if name in _BREAKING:
            parts.append(" ")
        elif name not in _JOINING:
            return None
        elif not tag.group(1) and _ID.search(_QUOTED.sub("", tag.group(3))):
            parts.append(" ")
    parts.append(body_html[end:])
    text = "".join(parts)
    if "<" in text or _REFERENCE.search(text):
        return None
    return html.unescape(text)
